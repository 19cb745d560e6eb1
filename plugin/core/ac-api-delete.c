/* Server-side deletion: one-way by ids or time (§6.1, §6.2, R5) and whole
 * conversations (§6.3, R6).  The /sdk/ deletes answer a bare
 * {"requestStatusCode":"ok"}, user_channel an envelope: a 200 with any JSON
 * object is success (the SDK does not read either body). */
#include "ac-api-delete.h"
#include "ac-api-private.h"
#include "ac-client-error.h"
#include "ac-id.h"

/* "chat/user/{u}…?userId=peer" or "group/user/{u}…?groupId=id". */
static char *
roaming_url (AcApi *api, const char *conv_id, gboolean is_group, const char *suffix,
             const char *query)
{
  g_autofree char *user = ac_api_escape (ac_api_get_username (api));
  g_autofree char *target = ac_api_escape (conv_id);
  const char *res = ac_api_get_resource (api);
  g_autofree char *res_q = res != NULL ? g_uri_escape_string (res, NULL, FALSE) : NULL;
  return ac_api_url (api, "sdk/message/roaming/%s/user/%s%s?%s=%s&%s%s%s", is_group ? "group" : "chat",
                     user, suffix, is_group ? "groupId" : "userId", target, query,
                     res_q != NULL ? "&resource=" : "", res_q != NULL ? res_q : "");
}

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autoptr (JsonObject) reply = ac_http_request_finish (AC_HTTP (source), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
delete_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, api), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ac_api_delete_before_async (AcApi *api, const char *conv_id, gboolean is_group, guint64 time_ms,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_delete_before_async);
  g_autofree char *query = g_strdup_printf ("delTime=%" G_GUINT64_FORMAT,
                                            MIN (time_ms, (guint64) G_MAXINT64));
  g_autofree char *url = roaming_url (api, conv_id, is_group, "/time", query);
  ac_http_request_async (ac_api_get_http (api), "DELETE", url, NULL, AC_HTTP_AUTH, cancellable,
                         on_deleted, task);
}

gboolean
ac_api_delete_before_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  return delete_finish (api, result, error);
}

void
ac_api_delete_ids_async (AcApi *api, const char *conv_id, gboolean is_group, const guint64 *ids,
                         guint n, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_delete_ids_async);
  if (n == 0 || n > AC_DELETE_BATCH)
    {
      g_task_return_new_error (task, AC_CLIENT_ERROR, AC_CLIENT_ERROR_INVALID_ARGUMENT,
                               "%u messages in one deletion call; the server takes 1 to %u",
                               n, AC_DELETE_BATCH);
      g_object_unref (task);
      return;
    }
  g_autoptr (GString) query = g_string_new ("msgIdList=");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = ac_id_to_string (ids[i]);
      g_string_append_printf (query, "%s%s", i ? "," : "", id);
    }
  g_autofree char *url = roaming_url (api, conv_id, is_group, "", query->str);
  ac_http_request_async (ac_api_get_http (api), "DELETE", url, NULL, AC_HTTP_AUTH, cancellable,
                         on_deleted, task);
}

gboolean
ac_api_delete_ids_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  return delete_finish (api, result, error);
}

void
ac_api_delete_conversation_async (AcApi *api, const char *conv_id, gboolean is_group,
                                  gboolean delete_messages, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_delete_conversation_async);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "channel");
  json_builder_add_string_value (b, conv_id);
  json_builder_set_member_name (b, "type");
  /* The SDK's spelling (§6.3); the REST docs' "groupchat" means the same. */
  json_builder_add_string_value (b, is_group ? "groupChat" : "chat");
  json_builder_set_member_name (b, "delete_roam");
  json_builder_add_boolean_value (b, delete_messages);
  json_builder_end_object (b);
  g_autoptr (JsonNode) body = json_builder_get_root (b);
  g_autofree char *user = ac_api_escape (ac_api_get_username (api));
  const char *res = ac_api_get_resource (api);
  g_autofree char *res_q = res != NULL ? g_uri_escape_string (res, NULL, FALSE) : NULL;
  g_autofree char *url = ac_api_url (api, "user/%s/user_channel%s%s", user,
                                     res_q != NULL ? "?resource=" : "", res_q != NULL ? res_q : "");
  ac_http_request_async (ac_api_get_http (api), "DELETE", url, body, AC_HTTP_AUTH, cancellable,
                         on_deleted, task);
}

gboolean
ac_api_delete_conversation_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  return delete_finish (api, result, error);
}

/* ---- many ids, in batches ---- */

void
ac_delete_report_free (AcDeleteReport *report)
{
  if (report == NULL)
    return;
  g_array_unref (report->deleted);
  g_array_unref (report->not_deleted);
  g_clear_error (&report->error);
  g_free (report);
}

typedef struct {
  char             *conv_id;
  gboolean          is_group;
  GArray           *ids;     /* guint64 */
  guint             next;    /* index of the first id of the next batch */
  guint             batch;   /* 1-based index of the batch in flight */
  AcDeleteBatchFunc batch_done;
  gpointer          batch_data;
  AcDeleteReport   *report;
} Batched;

static void
batched_free (Batched *b)
{
  g_free (b->conv_id);
  g_array_unref (b->ids);
  ac_delete_report_free (b->report);
  g_free (b);
}

static void send_batch (GTask *task);

static void
on_batch (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Batched *b = g_task_get_task_data (task);
  AcApi *api = AC_API (source);
  GError *error = NULL;
  guint first = b->next;
  guint n = MIN (AC_DELETE_BATCH, b->ids->len - first);
  const guint64 *ids = &g_array_index (b->ids, guint64, first);

  if (!ac_api_delete_ids_finish (api, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      /* Nothing of this batch or after it is claimed as deleted. */
      b->report->failed_batch = b->batch;
      b->report->error = error;
      g_array_append_vals (b->report->not_deleted, ids, b->ids->len - first);
      g_task_return_pointer (task, g_steal_pointer (&b->report), (GDestroyNotify) ac_delete_report_free);
      g_object_unref (task);
      return;
    }
  g_array_append_vals (b->report->deleted, ids, n);
  b->next += n;
  if (b->batch_done != NULL)
    b->batch_done (ids, n, b->batch, b->report->n_batches, b->batch_data);
  if (b->next >= b->ids->len)
    {
      g_task_return_pointer (task, g_steal_pointer (&b->report), (GDestroyNotify) ac_delete_report_free);
      g_object_unref (task);
      return;
    }
  send_batch (task);
}

/* One call at a time: a failure then names exactly one batch, and every id
 * before it was confirmed. */
static void
send_batch (GTask *task)
{
  Batched *b = g_task_get_task_data (task);
  b->batch++;
  guint n = MIN (AC_DELETE_BATCH, b->ids->len - b->next);
  ac_api_delete_ids_async (g_task_get_source_object (task), b->conv_id, b->is_group,
                           &g_array_index (b->ids, guint64, b->next), n,
                           g_task_get_cancellable (task), on_batch, task);
}

void
ac_api_delete_ids_batched_async (AcApi *api, const char *conv_id, gboolean is_group,
                                 const guint64 *ids, guint n, AcDeleteBatchFunc batch_done,
                                 gpointer batch_data, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_delete_ids_batched_async);
  Batched *b = g_new0 (Batched, 1);
  b->conv_id = g_strdup (conv_id);
  b->is_group = is_group;
  b->ids = g_array_sized_new (FALSE, FALSE, sizeof (guint64), n);
  g_array_append_vals (b->ids, ids, n);
  b->batch_done = batch_done;
  b->batch_data = batch_data;
  b->report = g_new0 (AcDeleteReport, 1);
  b->report->deleted = g_array_new (FALSE, FALSE, sizeof (guint64));
  b->report->not_deleted = g_array_new (FALSE, FALSE, sizeof (guint64));
  b->report->n_batches = (n + AC_DELETE_BATCH - 1) / AC_DELETE_BATCH;
  g_task_set_task_data (task, b, (GDestroyNotify) batched_free);
  if (n == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&b->report), (GDestroyNotify) ac_delete_report_free);
      g_object_unref (task);
      return;
    }
  send_batch (task);
}

AcDeleteReport *
ac_api_delete_ids_batched_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, api), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
