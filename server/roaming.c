/* POST /{org}/{app}/users/{u}/messageroaming: history pages (§4, §14, R4). */
#include "handlers.h"
#include "reply.h"
#include "json-args.h"
#include "conv-ref.h"
#include "ac-id.h"
#include "ac-jid.h"
#include "ac-message.h"

#include <string.h>

#define DEFAULT_PULL 20
#define MAX_PULL 50

/* start: -1 / null / absent = from the newest (or oldest), else a message
 * id as a string (the SDK's cursor) or, tolerated, as a number. */
static gboolean
parse_start (JsonObject *body, guint64 *start, GError **error)
{
  JsonNode *n = json_object_get_member (body, "start");

  *start = 0;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64) {
    gint64 v = json_node_get_int (n);
    if (v == -1 || v == 0)
      return TRUE;
    if (v > 0) {
      *start = (guint64) v;
      return TRUE;
    }
  } else if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING) {
    const char *s = json_node_get_string (n);
    if (g_str_equal (s, "-1") || g_str_equal (s, "") || g_str_equal (s, "undefined"))
      return TRUE;
    if (ac_id_parse (s, start))
      return TRUE;
  }
  g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID,
               "start must be -1 or a message id string");
  return FALSE;
}

/* startTime / endTime: null or -1 = no bound. */
static gboolean
parse_time (JsonObject *body, const char *name, gint64 *out, GError **error)
{
  if (!json_arg_int (body, name, FALSE, -1, out, error))
    return FALSE;
  if (*out < -1) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "%s must be a time in ms, or -1", name);
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_types (const char *list, guint32 *mask, GError **error)
{
  g_auto (GStrv) names = NULL;

  *mask = 0;
  if (list == NULL || list[0] == '\0')
    return TRUE;
  names = g_strsplit (list, ",", -1);
  for (char **n = names; *n; n++) {
    AcBodyType t;
    g_strstrip (*n);
    if (**n == '\0')
      continue;
    if (!ac_body_type_from_rest (*n, &t)) {
      g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "msgType [%s] is not a message type", *n);
      return FALSE;
    }
    *mask |= 1u << t;
  }
  return TRUE;
}

static char *
object_text (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  return json_to_string (root, FALSE);
}

/* Room for n bytes in base64: g_base64_encode_step's documented bound, and
 * 4 more for g_base64_encode_close. */
#define B64_MAX(n) (((n) / 3 + 1) * 4 + 4 + 4)

/* Base64 straight into the reply: no string per message. */
static void
append_base64 (GString *out, GBytes *bytes)
{
  gsize len = 0, at = out->len, written;
  const guchar *data = g_bytes_get_data (bytes, &len);
  gint state = 0, save = 0;

  g_string_set_size (out, at + B64_MAX (len));
  written = g_base64_encode_step (data, len, FALSE, out->str + at, &state, &save);
  written += g_base64_encode_close (FALSE, out->str + at + written, &state, &save);
  g_string_truncate (out, at + written);
}

/* {"user","msgs":[{"msg":<base64 Meta>}…],"queue","next_key","is_last","timestamp"}
 * as JSON text.  A page is up to 50 Metas of a few hundred bytes: through a
 * JsonNode tree each was copied twice and escaped character by character,
 * which cost more than reading the page.  Base64 needs no JSON escaping, so
 * the Metas are encoded straight into the text; the other members, which may
 * need escaping, go through json-glib. */
static GString *
history_data (const char *user, const char *queue, GPtrArray *metas, guint64 next_key,
              gboolean is_last)
{
  g_autoptr (JsonBuilder) head = json_builder_new ();
  g_autoptr (JsonBuilder) tail = json_builder_new ();
  g_autofree char *next = next_key ? ac_id_to_string (next_key) : NULL;
  g_autofree char *head_text = NULL, *tail_text = NULL;
  gsize size = 64;
  GString *out;

  json_builder_begin_object (head);
  json_builder_set_member_name (head, "user");
  json_builder_add_string_value (head, user);
  json_builder_end_object (head);
  json_builder_begin_object (tail);
  json_builder_set_member_name (tail, "queue");
  json_builder_add_string_value (tail, queue);
  /* Agora's last page says "undefined" here (§14). */
  json_builder_set_member_name (tail, "next_key");
  json_builder_add_string_value (tail, is_last || next == NULL ? "undefined" : next);
  json_builder_set_member_name (tail, "is_last");
  json_builder_add_boolean_value (tail, is_last);
  json_builder_set_member_name (tail, "timestamp");
  json_builder_add_int_value (tail, reply_now_ms ());
  json_builder_end_object (tail);
  head_text = object_text (head);
  tail_text = object_text (tail);

  for (guint i = 0; i < metas->len; i++)
    size += B64_MAX (g_bytes_get_size (g_ptr_array_index (metas, i))) + 12;
  out = g_string_sized_new (size + strlen (head_text) + strlen (tail_text));
  /* {"user":…} and {"queue":…} joined around "msgs" */
  g_string_append_len (out, head_text, (gssize) strlen (head_text) - 1);
  g_string_append (out, ",\"msgs\":[");
  for (guint i = 0; i < metas->len; i++) {
    if (i > 0)
      g_string_append_c (out, ',');
    g_string_append (out, "{\"msg\":\"");
    append_base64 (out, g_ptr_array_index (metas, i));
    g_string_append (out, "\"}");
  }
  g_string_append (out, "],");
  g_string_append (out, tail_text + 1);
  return out;
}

void
roaming_history (Request *req)
{
  const char *user = request_capture (req, "u");
  g_autoptr (JsonNode) root = NULL;
  JsonObject *body = request_body_object (req, TRUE, &root);
  const char *queue = NULL, *types = NULL, *sender = NULL;
  g_autofree char *queue_id = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *sender_l = NULL;
  gboolean group = FALSE;
  gint64 pull = DEFAULT_PULL;
  StoreConvRef ref;
  StoreRoamingQuery q = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) metas = NULL;
  guint64 next_key = 0;
  gboolean is_last = TRUE;

  if (body == NULL)
    return;
  if (!json_arg_string (body, "queue", TRUE, &queue, &error) ||
      !parse_start (body, &q.start, &error) ||
      !json_arg_int (body, "pull_number", FALSE, DEFAULT_PULL, &pull, &error) ||
      !json_arg_bool (body, "is_positive", FALSE, FALSE, &q.forward, &error) ||
      !json_arg_string (body, "msgType", FALSE, &types, &error) ||
      !parse_types (types, &q.type_mask, &error) ||
      !parse_time (body, "startTime", &q.start_time, &error) ||
      !parse_time (body, "endTime", &q.end_time, &error) ||
      !json_arg_string (body, "userId", FALSE, &sender, &error)) {
    reply_gerror (req, error);
    return;
  }
  if (pull < 1) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                 "pull_number must be at least 1");
    return;
  }
  q.limit = (guint) MIN (pull, MAX_PULL);
  if (!ac_queue_parse (queue, &queue_id, &group, &error)) {
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                  "queue [%s] is not valid: %s", queue, error->message);
    return;
  }
  if (!conv_ref_resolve (req, user, queue_id, group, &ref, &peer))
    return;
  if (group && sender != NULL && sender[0] != '\0') {
    sender_l = g_ascii_strdown (sender, -1);
    q.sender = sender_l;
  }

  metas = store_roaming_metas (req->server->store, req->app_id, user, &ref, &q, &next_key,
                              &is_last, &error);
  if (metas == NULL) {
    reply_gerror (req, error);
    return;
  }
  reply_envelope_data_text (req, history_data (user, queue, metas, next_key, is_last));
}
