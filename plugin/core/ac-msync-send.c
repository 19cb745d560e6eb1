/* Uplink messages (§7.6): local ids, the metaId → serverId ack, the 15 s
 * timeout and the error statuses as sentences. */
#include "ac-msync-private.h"
#include "ac-client-error.h"

#include <string.h>

/* Local ids of uplink messages count from 2010-02-01 like the SDK's (§5.2). */
#define LOCAL_ID_EPOCH_MS G_GINT64_CONSTANT (1264982400000)

void
ac_msync_send_op_free (SendOp *op)
{
  g_clear_handle_id (&op->timeout_id, g_source_remove);
  g_clear_pointer (&op->frame, g_bytes_unref);
  g_clear_object (&op->task);
  g_free (op);
}

void
ac_msync_fail_sends (AcMsync *ms, AcMsyncError code, const char *text)
{
  /* Taken out first: a callback may run inside g_task_return and send again. */
  GList *ops = g_hash_table_get_values (ms->pending);
  g_hash_table_steal_all (ms->pending);
  g_queue_clear (&ms->unsent);
  for (GList *l = ops; l != NULL; l = l->next)
    {
      SendOp *op = l->data;
      g_task_return_new_error (op->task, AC_MSYNC_ERROR, code, "%s", text);
      ac_msync_send_op_free (op);
    }
  g_list_free (ops);
}

/* ---- sending (§7.6) ---- */

static void
send_out (AcMsync *ms, SendOp *op)
{
  ac_msync_ws_send (ms, op->frame);
  op->sent = TRUE;
}

static gboolean
on_ack_timeout (gpointer data)
{
  SendOp *op = data;
  AcMsync *ms = op->ms;
  op->timeout_id = 0;
  gboolean was_sent = op->sent;
  g_debug ("MSYNC: message %" G_GUINT64_FORMAT " %s", op->local_id,
           was_sent ? "not acknowledged in time" : "not sent: no connection in time");
  g_hash_table_steal (ms->pending, &op->local_id);
  if (!was_sent)
    {
      g_queue_remove (&ms->unsent, op);
      g_task_return_new_error (op->task, AC_MSYNC_ERROR, AC_MSYNC_ERROR_NOT_CONNECTED,
                               _("Not connected to the server"));
    }
  else
    g_task_return_new_error (op->task, AC_MSYNC_ERROR, AC_MSYNC_ERROR_TIMEOUT,
                             _("The server did not confirm the message within %u seconds"),
                             ms->ack_timeout_ms / 1000);
  ac_msync_send_op_free (op);
  /* Like the SDK: a socket that swallows messages is reconnected. */
  if (was_sent && ms->state == STATE_READY)
    {
      g_autoptr (GError) error = g_error_new_literal (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NETWORK,
                                                      _("A message was not acknowledged"));
      ac_msync_drop (ms, error);
    }
  return G_SOURCE_REMOVE;
}

static guint64
new_local_id (AcMsync *ms)
{
  guint64 now = (guint64) (g_get_real_time () / 1000 - LOCAL_ID_EPOCH_MS);
  ms->last_local_id = MAX (now, ms->last_local_id + 1);
  return ms->last_local_id;
}

void
ac_msync_send_async (AcMsync *ms, const AcMessage *msg, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  SendOp *op = g_new0 (SendOp, 1);
  op->ms = ms;
  op->task = g_task_new (ms, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, ac_msync_send_async);
  op->local_id = new_local_id (ms);
  op->frame = ac_msync_frame_send (msg, op->local_id, ac_api_get_app_key (ms->api));
  if (ms->state == STATE_STOPPED)
    {
      g_task_return_new_error (op->task, AC_MSYNC_ERROR, AC_MSYNC_ERROR_NOT_CONNECTED,
                               _("Not connected to the server"));
      ac_msync_send_op_free (op);
      return;
    }
  g_hash_table_insert (ms->pending, &op->local_id, op);
  op->timeout_id = g_timeout_add (ms->ack_timeout_ms, on_ack_timeout, op);
  if (ms->state == STATE_READY)
    send_out (ms, op);
  else
    g_queue_push_tail (&ms->unsent, op);
}

typedef struct {
  guint64 server_id;
  guint64 timestamp;
} SendResult;

gboolean
ac_msync_send_finish (AcMsync *ms, GAsyncResult *result, guint64 *server_id, guint64 *timestamp,
                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, ms), FALSE);
  SendResult *r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return FALSE;
  if (server_id != NULL)
    *server_id = r->server_id;
  if (timestamp != NULL)
    *timestamp = r->timestamp;
  g_free (r);
  return TRUE;
}

/* §7.6's error table, as sentences for the "message failed" line. */
static GError *
send_error (Easemob__Pb__Status__ErrorCode code, const char *reason)
{
  const char *what;
  switch (code)
    {
    case EASEMOB__PB__STATUS__ERROR_CODE__USER_MUTED:
      what = _("You are muted"); break;
    case EASEMOB__PB__STATUS__ERROR_CODE__PERMISSION_DENIED:
      if (strstr (reason, "sensitive") != NULL || strstr (reason, "antispam") != NULL)
        what = _("The message contains blocked content");
      else if (strstr (reason, "mute") != NULL)
        what = _("You are muted");
      else if (strstr (reason, "traffic") != NULL)
        what = _("Too many messages; try again later");
      else if (strstr (reason, "too large") != NULL)
        what = _("The message is too large");
      else
        what = _("Not allowed");
      break;
    case EASEMOB__PB__STATUS__ERROR_CODE__PERMISSION_DENIED_EXTERNAL:
      what = _("Blocked by the server's message filter"); break;
    case EASEMOB__PB__STATUS__ERROR_CODE__FAIL:
      if (g_strcmp0 (reason, "nonroster") == 0)
        what = _("Not a contact");
      else if (strstr (reason, "group not found") != NULL)
        what = _("The group does not exist");
      else if (strstr (reason, "not in group") != NULL)
        what = _("You are not a member of this group");
      else if (strstr (reason, "blocked") != NULL)
        what = _("You are blocked");
      else
        what = _("The server refused the message");
      break;
    default:
      what = _("The server refused the message");
    }
  if (reason != NULL && *reason != '\0')
    return g_error_new (AC_MSYNC_ERROR, AC_MSYNC_ERROR_REFUSED, "%s (%s)", what, reason);
  return g_error_new (AC_MSYNC_ERROR, AC_MSYNC_ERROR_REFUSED, "%s (status %d)", what, (int) code);
}

void
ac_msync_handle_send_ack (AcMsync *ms, const Easemob__Pb__CommSyncDL *dl)
{
  guint64 id = dl->metaid;
  SendOp *op = g_hash_table_lookup (ms->pending, &id);
  if (op == NULL)
    return; /* acks of metas we did not wait for (timed out, or the STATISTIC rebuild) */
  g_hash_table_steal (ms->pending, &id);
  Easemob__Pb__Status__ErrorCode code = ac_msync_status_code (dl->status);
  /* Says which sends the server answered: a log then tells a lost frame from a lost ack. */
  g_debug ("MSYNC: message %" G_GUINT64_FORMAT " acknowledged (status %d)", id, (int) code);
  if (code == EASEMOB__PB__STATUS__ERROR_CODE__OK)
    {
      SendResult *r = g_new0 (SendResult, 1);
      r->server_id = dl->has_serverid ? dl->serverid : 0;
      r->timestamp = dl->has_timestamp ? dl->timestamp : (guint64) (g_get_real_time () / 1000);
      if (r->server_id == 0)
        {
          g_free (r);
          g_task_return_new_error (op->task, AC_MSYNC_ERROR, AC_MSYNC_ERROR_REFUSED,
                                   _("The server's acknowledgement has no message id"));
        }
      else
        g_task_return_pointer (op->task, r, g_free);
    }
  else
    g_task_return_error (op->task, send_error (code, ac_msync_status_reason (dl->status)));
  ac_msync_send_op_free (op);
}


void
ac_msync_flush_unsent (AcMsync *ms)
{
  while (!g_queue_is_empty (&ms->unsent))
    send_out (ms, g_queue_pop_head (&ms->unsent));
}
