/* The multi-device notifications of §6.5 / §14: NOTIFY metas with a JSON
 * payload, queued for the user's devices other than the one that made the
 * change, in the user's own JID with that device's resource (the queue
 * copies of one's own messages use).  This file is the one place that knows
 * their JSON. */
#include "msync-private.h"
#include "ac-id.h"

static const char *
chat_type_name (AcChatType type)
{
  /* §14: "groupchat" for groups (the SDK treats anything but "chat" as a group). */
  return type == AC_CHAT_GROUP ? "groupchat" : "chat";
}

static void
notify (MsyncServer *msync, gint64 app, const char *app_key, const char *user,
        const char *resource, JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *json = json_to_string (root, FALSE);
  guint64 id = msync_router_new_id (msync->router);
  g_autoptr(GBytes) meta = msync_meta_notify (id, app_key, user, json,
                                              (guint64) (g_get_real_time () / 1000));
  g_autofree char *queue = msync_queue_name (user, NULL, resource && *resource ? resource : NULL);
  g_autoptr(GError) error = NULL;

  if (!msync_router_deliver_meta (msync->router, app, user, resource, queue,
                                  EASEMOB__PB__META__NAME_SPACE__NOTIFY, id, meta, TRUE, &error))
    g_printerr ("MSYNC %s: notification not queued: %s\n", queue, error->message);
}

void
msync_notify_roaming_delete (MsyncServer *msync, gint64 app, const char *app_key,
                             const char *user, const char *resource, AcChatType chat_type,
                             const char *peer, const guint64 *ids, guint n_ids,
                             gint64 delete_time)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (msync == NULL)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "roaming_delete");
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resource");
  json_builder_add_string_value (b, resource ? resource : "");
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, peer);
  json_builder_set_member_name (b, "chatType");
  json_builder_add_string_value (b, chat_type_name (chat_type));
  json_builder_set_member_name (b, "messageRoamingType");
  json_builder_add_string_value (b, "deleteRoaming");
  if (n_ids > 0)
    {
      json_builder_set_member_name (b, "msgIdList");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_ids; i++)
        {
          g_autofree char *s = ac_id_to_string (ids[i]);
          json_builder_add_string_value (b, s);
        }
      json_builder_end_array (b);
    }
  else
    {
      json_builder_set_member_name (b, "deleteTime");
      json_builder_add_int_value (b, delete_time);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  notify (msync, app, app_key, user, resource, b);
}

void
msync_notify_conversation_deleted (MsyncServer *msync, gint64 app, const char *app_key,
                                   const char *user, const char *resource, AcChatType chat_type,
                                   const char *peer)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (msync == NULL)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "conv");
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "op");
  json_builder_add_string_value (b, "del");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, peer);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, chat_type_name (chat_type));
  json_builder_set_member_name (b, "ts");
  json_builder_add_int_value (b, g_get_real_time () / 1000);
  json_builder_set_member_name (b, "res");
  json_builder_add_string_value (b, resource ? resource : "");
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, user);
  json_builder_end_object (b);
  json_builder_end_object (b);
  notify (msync, app, app_key, user, resource, b);
}
