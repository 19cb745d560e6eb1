/* History pages: POST users/{u}/messageroaming (protocol reference §4, §14). */
#include "ac-api-private.h"
#include "ac-client-error.h"
#include "ac-jid.h"
#include "ac-id.h"
#include "ac-message-pb.h"

#define MAX_PULL 50

static void
on_roaming (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autoptr (JsonObject) reply = ac_http_request_finish (AC_HTTP (source), result, &error);
  JsonObject *data = reply != NULL ? ac_json_data_object (reply, &error) : NULL;
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_autoptr (AcRoamingPage) page = g_new0 (AcRoamingPage, 1);
  page->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  page->metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  JsonArray *msgs = ac_json_array (data, "msgs");
  guint n = msgs != NULL ? json_array_get_length (msgs) : 0;
  guint dropped = 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (msgs, i);
      const char *b64 = JSON_NODE_HOLDS_OBJECT (node)
        ? ac_json_string (json_node_get_object (node), "msg") : NULL;
      g_autoptr (GError) merr = NULL;
      /* The decoded Meta is kept: the store saves it as it came. */
      g_autoptr (GBytes) meta = b64 != NULL ? ac_meta_from_base64 (b64, &merr) : NULL;
      AcMessage *msg = meta != NULL ? ac_message_from_meta (g_bytes_get_data (meta, NULL),
                                                           g_bytes_get_size (meta), &merr)
                                    : NULL;
      if (msg == NULL)
        {
          /* One bad entry must not stall the conversation's back-fill: the
           * SDK drops non-chat metas too (§4.3).  Say so in the debug log. */
          g_debug ("messageroaming: entry %u dropped: %s", i,
                   merr != NULL ? merr->message : "no msg");
          dropped++;
          continue;
        }
      g_ptr_array_add (page->messages, msg);
      g_ptr_array_add (page->metas, g_steal_pointer (&meta));
    }
  /* On the last page next_key is the string "undefined" (§14): no cursor. */
  if (!ac_json_uint (data, "next_key", &page->next_key))
    page->next_key = 0;
  JsonNode *is_last = json_object_get_member (data, "is_last");
  if (is_last != NULL && JSON_NODE_HOLDS_VALUE (is_last)
      && json_node_get_value_type (is_last) == G_TYPE_BOOLEAN)
    page->is_last = json_node_get_boolean (is_last);
  else
    page->is_last = page->next_key == 0; /* without the flag, no cursor means the end */
  if (n == 0)
    page->is_last = TRUE;
  if (dropped > 0)
    g_debug ("messageroaming: %u of %u entries dropped", dropped, n);
  g_task_return_pointer (task, g_steal_pointer (&page), (GDestroyNotify) ac_roaming_page_free);
}

void
ac_api_roaming_async (AcApi *api, const char *conv_id, gboolean is_group, guint64 start,
                      guint pull_number, gboolean is_positive, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_roaming_async);
  g_autofree char *queue = ac_queue_for (conv_id, is_group);

  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "queue");
  json_builder_add_string_value (b, queue);
  json_builder_set_member_name (b, "start");
  if (start == 0)
    json_builder_add_int_value (b, -1);
  else
    {
      g_autofree char *s = ac_id_to_string (start);
      json_builder_add_string_value (b, s);
    }
  json_builder_set_member_name (b, "pull_number");
  json_builder_add_int_value (b, CLAMP (pull_number, 1, MAX_PULL));
  json_builder_set_member_name (b, "is_positive");
  json_builder_add_boolean_value (b, is_positive);
  json_builder_set_member_name (b, "msgType");
  json_builder_add_string_value (b, "");
  json_builder_set_member_name (b, "end");
  json_builder_add_int_value (b, -1);
  json_builder_set_member_name (b, "startTime");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "endTime");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "userId");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) body = json_builder_get_root (b);

  g_autofree char *user = ac_api_escape (ac_api_get_username (api));
  g_autofree char *url = ac_api_url (api, "users/%s/messageroaming", user);
  ac_http_request_async (ac_api_get_http (api), "POST", url, body, AC_HTTP_AUTH | AC_HTTP_READ, cancellable,
                         on_roaming, task);
}

AcRoamingPage *
ac_api_roaming_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, api), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
