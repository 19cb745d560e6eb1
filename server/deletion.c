/* One-way history deletion (§6.1, §6.2, §6.4, R5) and conversation
 * deletion (§6.3, R6). */
#include "handlers.h"
#include "reply.h"
#include "json-args.h"
#include "conv-ref.h"
#include "ac-id.h"
#include "ac-jid.h"
#include "msync-server.h"

#define MAX_DELETE_IDS 50

static void
reply_ok (Request *req, gboolean with_timestamp)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "requestStatusCode");
  json_builder_add_string_value (b, "ok");
  if (with_timestamp) {
    json_builder_set_member_name (b, "timestamp");
    json_builder_add_int_value (b, reply_now_ms ());
  }
  json_builder_end_object (b);
  reply_json (req, SOUP_STATUS_OK, json_builder_get_root (b));
}

static void
param_error (Request *req, const char *description)
{
  reply_error (req, SOUP_STATUS_BAD_REQUEST, "param exception", description);
}

/* {kind} = chat (peer in userId) or group (groupId). */
static gboolean
resolve (Request *req, StoreConvRef *ref, char **peer)
{
  const char *kind = request_capture (req, "kind");
  const char *user = request_capture (req, "u");
  gboolean group;
  const char *target;

  if (g_str_equal (kind, "chat"))
    group = FALSE;
  else if (g_str_equal (kind, "group"))
    group = TRUE;
  else {
    reply_errorf (req, SOUP_STATUS_NOT_FOUND, "service_resource_not_found",
                  "no such resource: %s", req->path);
    return FALSE;
  }
  target = request_query (req, group ? "groupId" : "userId");
  if (target == NULL || target[0] == '\0') {
    param_error (req, group ? "groupId can not be null!" : "userId can not be null!");
    return FALSE;
  }
  return conv_ref_resolve (req, user, target, group, ref, peer);
}

void
deletion_by_ids (Request *req)
{
  const char *list = request_query (req, "msgIdList");
  g_auto (GStrv) parts = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree char *peer = NULL;
  g_autoptr (GError) error = NULL;
  StoreConvRef ref;

  if (list == NULL || list[0] == '\0') {
    param_error (req, "msgIdList can not be null!");
    return;
  }
  parts = g_strsplit (list, ",", -1);
  for (char **p = parts; *p; p++) {
    guint64 id;
    if (!ac_id_parse (*p, &id)) {
      g_autofree char *text = g_strdup_printf ("msgIdList: [%s] is not a message id", *p);
      param_error (req, text);
      return;
    }
    g_array_append_val (ids, id);
  }
  if (ids->len > MAX_DELETE_IDS) {
    param_error (req, "delete msg list limit can not greater than 50");
    return;
  }
  if (!resolve (req, &ref, &peer))
    return;
  if (store_hide_messages (req->server->store, req->app_id, request_capture (req, "u"), &ref,
                           (const guint64 *) ids->data, ids->len, &error) < 0) {
    reply_gerror (req, error);
    return;
  }
  msync_notify_roaming_delete (req->server->msync, req->app_id, req->app_key,
                               request_capture (req, "u"), request_query (req, "resource"),
                               ref.chat_type, ref.peer, (const guint64 *) ids->data, ids->len, 0);
  reply_ok (req, FALSE);
}

void
deletion_by_time (Request *req)
{
  const char *value = request_query (req, "delTime");
  g_autofree char *peer = NULL;
  g_autoptr (GError) error = NULL;
  StoreConvRef ref;
  guint64 before;

  if (value == NULL || value[0] == '\0') {
    param_error (req, "delTime can not be null!");
    return;
  }
  if (strlen (value) > 18 || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &before, NULL)) {
    g_autofree char *text = g_strdup_printf ("delTime: [%s] is not a time in ms", value);
    param_error (req, text);
    return;
  }
  if (!resolve (req, &ref, &peer))
    return;
  if (store_hide_before (req->server->store, req->app_id, request_capture (req, "u"), &ref,
                         (gint64) before, &error) < 0) {
    reply_gerror (req, error);
    return;
  }
  msync_notify_roaming_delete (req->server->msync, req->app_id, req->app_key,
                               request_capture (req, "u"), request_query (req, "resource"),
                               ref.chat_type, ref.peer, NULL, 0, (gint64) before);
  reply_ok (req, FALSE);
}

void
deletion_all (Request *req)
{
  g_autoptr (GError) error = NULL;

  if (store_hide_all (req->server->store, req->app_id, request_capture (req, "u"), &error) < 0) {
    reply_gerror (req, error);
    return;
  }
  reply_ok (req, TRUE);
}

/* "bob", or tolerated "org#app_bob@easemob.com" (the channel_id form). */
static char *
channel_name (const char *channel)
{
  g_autoptr (AcJid) jid = NULL;

  if (strchr (channel, '@') == NULL)
    return g_strdup (channel);
  jid = ac_jid_parse (channel, NULL);
  return jid && jid->name ? g_strdup (jid->name) : g_strdup (channel);
}

void
deletion_conversation (Request *req)
{
  const char *user = request_capture (req, "u");
  g_autoptr (JsonNode) root = NULL;
  JsonObject *body = request_body_object (req, TRUE, &root);
  const char *channel = NULL, *type = NULL;
  gboolean delete_roam = FALSE;
  AcChatType chat_type;
  g_autofree char *name = NULL;
  g_autofree char *peer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  StoreConvRef ref;

  if (body == NULL)
    return;
  if (!json_arg_string (body, "channel", TRUE, &channel, &error) ||
      !json_arg_string (body, "type", TRUE, &type, &error) ||
      !json_arg_bool (body, "delete_roam", TRUE, FALSE, &delete_roam, &error)) {
    reply_gerror (req, error);
    return;
  }
  if (!ac_chat_type_from_rest (type, &chat_type) || chat_type == AC_CHAT_ROOM) {
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                  "field type must be chat or groupchat, got [%s]", type);
    return;
  }
  name = channel_name (channel);
  if (!conv_ref_resolve (req, user, name, chat_type == AC_CHAT_GROUP, &ref, &peer))
    return;
  /* Deleting a conversation the user does not have is a no-op, not an
   * error: the SDK deletes local-only conversations the same way. */
  if (!store_conversation_delete (req->server->store, req->app_id, user, &ref, delete_roam,
                                  &error) &&
      !g_error_matches (error, STORE_ERROR, STORE_ERROR_NOT_FOUND)) {
    reply_gerror (req, error);
    return;
  }
  msync_notify_conversation_deleted (req->server->msync, req->app_id, req->app_key, user,
                                     request_query (req, "resource"), chat_type, ref.peer);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "result");
  json_builder_add_string_value (b, "ok");
  json_builder_end_object (b);
  reply_envelope (req, json_builder_get_root (b), NULL);
}
