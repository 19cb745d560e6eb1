/* The three conversation lists (§3.1-3.4, R2, R3): paged, legacy, cursor. */
#include "handlers.h"
#include "reply.h"
#include "ac-id.h"
#include "ac-jid.h"
#include "ac-message-json.h"

#define MAX_PAGE 50

/* One channel_infos entry; all three lists carry every field. */
static JsonNode *
conversation_to_json (Request *req, const StoreConversation *c)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gboolean group = c->chat_type == AC_CHAT_GROUP;
  g_autoptr (AcJid) jid = ac_jid_new (req->app_key, c->peer,
                                      group ? AC_DOMAIN_GROUP : AC_DOMAIN_USER, NULL);
  g_autofree char *channel_id = ac_jid_to_string (jid);
  JsonObject *meta = ac_message_to_rest_meta (c->last, req->app_key);
  JsonNode *meta_node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (meta_node, meta);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "channel_id");
  json_builder_add_string_value (b, channel_id);
  json_builder_set_member_name (b, "session_to");
  json_builder_add_string_value (b, c->peer);
  json_builder_set_member_name (b, "session_type");
  json_builder_add_string_value (b, group ? "groupchat" : "chat");
  json_builder_set_member_name (b, "unread_num");
  json_builder_add_int_value (b, c->unread);
  json_builder_set_member_name (b, "is_top");
  json_builder_add_boolean_value (b, c->is_top);
  json_builder_set_member_name (b, "update_top_status_time");
  json_builder_add_int_value (b, c->top_time);
  /* The store keeps no creation time: the last activity stands in. */
  json_builder_set_member_name (b, "created_at");
  json_builder_add_int_value (b, (gint64) c->last->timestamp);
  json_builder_set_member_name (b, "meta");
  json_builder_add_value (b, meta_node);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Lists and replies {data: {channel_infos, [cursor]}}.  limit+1 rows are
 * asked for so the cursor variant knows whether a next page exists. */
static void
reply_list (Request *req, gint64 since_ms, guint64 after_id, guint offset, guint limit,
            gboolean with_cursor)
{
  const char *user = request_capture (req, "u");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) convs = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  guint n;

  convs = store_conversations (req->server->store, req->app_id, user, since_ms, after_id, offset,
                               limit + 1, &error);
  if (convs == NULL) {
    reply_gerror (req, error);
    return;
  }
  n = MIN (convs->len, limit);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "channel_infos");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_value (b, conversation_to_json (req, g_ptr_array_index (convs, i)));
  json_builder_end_array (b);
  if (with_cursor) {
    g_autofree char *cursor = NULL;
    if (convs->len > limit && n > 0) {
      const StoreConversation *last = g_ptr_array_index (convs, n - 1);
      cursor = ac_id_to_string (last->last->id);
    }
    json_builder_set_member_name (b, "cursor");
    json_builder_add_string_value (b, cursor ? cursor : "");
  }
  json_builder_end_object (b);
  reply_envelope (req, json_builder_get_root (b), NULL);
}

void
conversations_page (Request *req)
{
  gint64 page, size;

  if (!request_query_int (req, "pageNum", 1, 1, G_MAXINT32, &page) ||
      !request_query_int (req, "pageSize", 20, 1, G_MAXINT32, &size))
    return;
  size = MIN (size, MAX_PAGE);
  if ((page - 1) * size > G_MAXINT32) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "pageNum is too large");
    return;
  }
  reply_list (req, -1, 0, (guint) ((page - 1) * size), (guint) size, FALSE);
}

void
conversations_legacy (Request *req)
{
  const ServerConfig *c = req->server->config;
  gint64 since = reply_now_ms () - (gint64) c->legacy_days * 24 * 3600 * 1000;

  reply_list (req, since, 0, 0, (guint) c->legacy_limit, FALSE);
}

void
conversations_cursor (Request *req)
{
  const char *cursor = request_query (req, "cursor");
  const char *is_top = request_query (req, "is_top");
  guint64 after = 0;
  gint64 limit;

  if (!request_query_int (req, "limit", 20, 1, G_MAXINT32, &limit))
    return;
  limit = MIN (limit, MAX_PAGE);
  if (cursor != NULL && cursor[0] != '\0' && !g_str_equal (cursor, "undefined") &&
      (!ac_id_parse (cursor, &after) || after == 0)) {
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "cursor [%s] is not valid",
                  cursor);
    return;
  }
  /* Pinning is not implemented, so nothing is pinned. */
  if (g_strcmp0 (is_top, "true") == 0) {
    reply_list (req, -1, 0, 0, 0, TRUE);
    return;
  }
  reply_list (req, -1, after, 0, (guint) limit, TRUE);
}
