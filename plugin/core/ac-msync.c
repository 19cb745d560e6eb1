/* The MSYNC WebSocket client (see ac-msync.h).  Frames are built and read
 * only in ac-msync-frames.c, NOTIFY/MUC/STATISTIC bodies in ac-msync-events.c;
 * this file is the connection's state machine. */
#include "ac-msync-private.h"
#include "ac-client-error.h"
#include "ac-message-pb.h"

#include <string.h>

G_DEFINE_QUARK (ac-msync-error-quark, ac_msync_error)

/* Pulls bigger than libsoup's 128 KiB default are legitimate (a batch of metas). */
#define MAX_INCOMING_FRAME (16 * 1024 * 1024)
/* Re-pulls of a queue without progress before it is given up (§7.5 quirk guard). */
#define MAX_REPULLS 3
/* Metas handed out per main-loop iteration (each is stored and shown). */
#define METAS_PER_SLICE 8


G_DEFINE_FINAL_TYPE (AcMsync, ac_msync, G_TYPE_OBJECT)

enum { SIG_CONNECTED, SIG_DISCONNECTED, SIG_FAILED, SIG_MESSAGE, SIG_NOTIFY, SIG_GROUP_EVENT, N_SIGNALS };
static guint signals[N_SIGNALS];

static void connect_now (AcMsync *ms);
static void fail_for_good (AcMsync *ms, GError *error);

static void
reply_free (Reply *r)
{
  easemob__pb__comm_sync_dl__free_unpacked (r->dl, NULL);
  g_free (r);
}

static void
pull_free (Pull *p)
{
  ac_msync_jid_free (p->queue);
  g_free (p);
}


static void
ac_msync_init (AcMsync *ms)
{
  ms->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) ac_msync_send_op_free);
  g_queue_init (&ms->unsent);
  g_queue_init (&ms->replies);
  ms->pulls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) pull_free);
  ms->heartbeat_ms = AC_MSYNC_HEARTBEAT_MS;
  ms->ack_timeout_ms = AC_MSYNC_ACK_TIMEOUT_MS;
  ms->backoff_ms = AC_MSYNC_BACKOFF_MS;
}

static void
ac_msync_dispose (GObject *object)
{
  AcMsync *ms = AC_MSYNC (object);
  ac_msync_stop (ms);
  g_clear_object (&ms->session);
  g_clear_object (&ms->api);
  G_OBJECT_CLASS (ac_msync_parent_class)->dispose (object);
}

static void
ac_msync_finalize (GObject *object)
{
  AcMsync *ms = AC_MSYNC (object);
  g_hash_table_unref (ms->pending);
  g_hash_table_unref (ms->pulls);
  g_free (ms->ws_url);
  g_free (ms->resource);
  G_OBJECT_CLASS (ac_msync_parent_class)->finalize (object);
}

static void
ac_msync_class_init (AcMsyncClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);
  oc->dispose = ac_msync_dispose;
  oc->finalize = ac_msync_finalize;
  signals[SIG_CONNECTED] = g_signal_new ("connected", AC_TYPE_MSYNC, G_SIGNAL_RUN_LAST, 0, NULL,
                                         NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIG_DISCONNECTED] = g_signal_new ("disconnected", AC_TYPE_MSYNC, G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIG_FAILED] = g_signal_new ("failed", AC_TYPE_MSYNC, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                      NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIG_MESSAGE] = g_signal_new ("message", AC_TYPE_MSYNC, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 3, G_TYPE_POINTER, G_TYPE_STRING,
                                       G_TYPE_BOOLEAN);
  signals[SIG_NOTIFY] = g_signal_new ("notify-event", AC_TYPE_MSYNC, G_SIGNAL_RUN_LAST, 0, NULL,
                                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIG_GROUP_EVENT] = g_signal_new ("group-event", AC_TYPE_MSYNC, G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

AcMsync *
ac_msync_new (AcApi *api, const char *ws_url, const char *resource, GProxyResolver *resolver)
{
  AcMsync *ms = g_object_new (AC_TYPE_MSYNC, NULL);
  ms->api = g_object_ref (api);
  ms->ws_url = g_strdup (ws_url);
  ms->resource = g_strdup (resource);
  /* A session of its own: the REST session's I/O timeout would cut an idle
   * socket, and its queue must not hold the long-lived connection. */
  if (resolver != NULL)
    ms->session = soup_session_new_with_options ("proxy-resolver", resolver, "timeout", 0,
                                                 "user-agent", "purple-agorachat/0.1", NULL);
  else
    ms->session = soup_session_new_with_options ("timeout", 0, "user-agent",
                                                 "purple-agorachat/0.1", NULL);
  return ms;
}

void
ac_msync_set_timing (AcMsync *ms, guint heartbeat_ms, guint ack_timeout_ms, guint backoff_ms)
{
  if (heartbeat_ms > 0)
    ms->heartbeat_ms = heartbeat_ms;
  if (ack_timeout_ms > 0)
    ms->ack_timeout_ms = ack_timeout_ms;
  if (backoff_ms > 0)
    ms->backoff_ms = backoff_ms;
}

gboolean
ac_msync_is_connected (AcMsync *ms)
{
  return ms->state == STATE_READY;
}

const char *
ac_msync_get_resource (AcMsync *ms)
{
  return ms->resource;
}

guint
ac_msync_get_connect_count (AcMsync *ms)
{
  return ms->connect_count;
}

guint
ac_msync_get_reauth_count (AcMsync *ms)
{
  return ms->reauth_count;
}

/* ---- the socket ---- */

void
ac_msync_ws_send (AcMsync *ms, GBytes *frame)
{
  if (ms->ws != NULL && soup_websocket_connection_get_state (ms->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_message (ms->ws, SOUP_WEBSOCKET_DATA_BINARY, frame);
}

/* Forgets the socket and everything tied to it; sends already out stay
 * pending (their ack timeout decides), unsent ones wait for the next socket. */
static void
close_socket (AcMsync *ms)
{
  g_clear_handle_id (&ms->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&ms->provision_timeout_id, g_source_remove);
  g_clear_handle_id (&ms->heartbeat_id, g_source_remove);
  if (ms->connect_cancel != NULL)
    {
      g_cancellable_cancel (ms->connect_cancel);
      g_clear_object (&ms->connect_cancel);
    }
  if (ms->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (ms->ws, ms);
      if (soup_websocket_connection_get_state (ms->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ms->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&ms->ws);
    }
  g_hash_table_remove_all (ms->pulls);
  /* Unacked metas come again on the next connection. */
  g_clear_handle_id (&ms->replies_id, g_source_remove);
  g_queue_clear_full (&ms->replies, (GDestroyNotify) reply_free);
  ms->ping_sent = FALSE;
}


void
ac_msync_stop (AcMsync *ms)
{
  ms->state = STATE_STOPPED;
  g_clear_handle_id (&ms->reconnect_id, g_source_remove);
  close_socket (ms);
  ac_msync_fail_sends (ms, AC_MSYNC_ERROR_STOPPED, _("The connection was closed"));
}

static gboolean
on_reconnect_due (gpointer data)
{
  AcMsync *ms = data;
  ms->reconnect_id = 0;
  connect_now (ms);
  return G_SOURCE_REMOVE;
}

/* Backoff: 1 s, 2 s, 4 s … up to 30 s, with up to a quarter added at random
 * so that many clients of a restarted server do not come back in step. */
static void
schedule_reconnect (AcMsync *ms)
{
  guint shift = MIN (ms->attempt, 5u);
  guint delay = MIN (ms->backoff_ms << shift, (guint) AC_MSYNC_BACKOFF_MAX_MS);
  delay += g_random_int_range (0, (gint32) (delay / 4 + 1));
  ms->attempt++;
  ms->state = STATE_WAITING;
  g_debug ("MSYNC: reconnecting in %u ms (attempt %u)", delay, ms->attempt);
  ms->reconnect_id = g_timeout_add (delay, on_reconnect_due, ms);
}

/* A drop that a reconnect may cure. */
void
ac_msync_drop (AcMsync *ms, GError *error)
{
  if (ms->state == STATE_STOPPED || ms->state == STATE_WAITING)
    return;
  g_debug ("MSYNC: connection lost: %s", error->message);
  close_socket (ms);
  schedule_reconnect (ms);
  g_signal_emit (ms, signals[SIG_DISCONNECTED], 0, error);
}

static void
fail_for_good (AcMsync *ms, GError *error)
{
  g_debug ("MSYNC: stopped: %s", error->message);
  ac_msync_stop (ms);
  g_signal_emit (ms, signals[SIG_FAILED], 0, error);
}

static void
on_ws_closed (SoupWebsocketConnection *ws, gpointer data)
{
  AcMsync *ms = data;
  g_autoptr (GError) error = g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NETWORK,
                                          _("The server closed the connection (code %u)"),
                                          soup_websocket_connection_get_close_code (ws));
  ac_msync_drop (ms, error);
}

static void
on_ws_error (SoupWebsocketConnection *ws, GError *err, gpointer data)
{
  g_debug ("MSYNC: socket error: %s", err->message);
}

/* ---- heartbeat (§7.8) ---- */

static gboolean
on_heartbeat (gpointer data)
{
  AcMsync *ms = data;
  gint64 idle_ms = (g_get_monotonic_time () - ms->last_rx_us) / 1000;
  guint pong_ms = MIN (ms->heartbeat_ms, 10000u);
  if (ms->ping_sent && idle_ms >= (gint64) ms->heartbeat_ms + pong_ms)
    {
      g_autoptr (GError) error = g_error_new_literal (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NETWORK,
                                                      _("The server stopped answering"));
      ms->heartbeat_id = 0;
      ac_msync_drop (ms, error);
      return G_SOURCE_REMOVE;
    }
  if (!ms->ping_sent && idle_ms >= (gint64) ms->heartbeat_ms)
    {
      g_autoptr (GBytes) ping = ac_msync_frame_unread ();
      ac_msync_ws_send (ms, ping);
      ms->ping_sent = TRUE;
    }
  return G_SOURCE_CONTINUE;
}

/* ---- receiving (§7.5) ---- */

static void
pull (AcMsync *ms, const Easemob__Pb__JID *queue)
{
  g_autofree char *key = ac_msync_queue_key (queue);
  Pull *p = g_hash_table_lookup (ms->pulls, key);
  if (p != NULL)
    {
      p->again = TRUE;
      return;
    }
  p = g_new0 (Pull, 1);
  p->queue = ac_msync_jid_copy (queue);
  g_hash_table_insert (ms->pulls, g_steal_pointer (&key), p);
  g_autoptr (GBytes) frame = ac_msync_frame_pull (queue, 0);
  ac_msync_ws_send (ms, frame);
}

static void
handle_chat_meta (AcMsync *ms, const Easemob__Pb__Meta *meta)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcMessage) msg = ac_message_from_pb_meta (meta, &error);
  if (msg == NULL)
    {
      /* Receipts, recalls, "conversation read": not shown (like history). */
      g_debug ("MSYNC: chat meta skipped: %s", error->message);
      return;
    }
  const char *me = ac_api_get_username (ms->api);
  gboolean mine = g_strcmp0 (msg->from, me) == 0;
  /* Our own message echoed to this very device: the ack already stored it. */
  if (mine && g_strcmp0 (msg->from_resource, ms->resource) == 0)
    return;
  gboolean is_group = msg->chat_type != AC_CHAT_SINGLE;
  const char *conv = is_group || mine ? msg->to : msg->from;
  if (conv == NULL || *conv == '\0' || msg->id == 0)
    {
      g_debug ("MSYNC: chat meta without a conversation or id skipped");
      return;
    }
  g_signal_emit (ms, signals[SIG_MESSAGE], 0, msg, conv, is_group);
}

static void
handle_notify_meta (AcMsync *ms, const Easemob__Pb__Meta *meta)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcMsyncNotify) n = ac_msync_notify_parse (meta->payload.data, meta->payload.len, &error);
  if (n == NULL)
    {
      g_debug ("MSYNC: notification skipped: %s", error->message);
      return;
    }
  const char *me = ac_api_get_username (ms->api);
  gboolean from_me_here = g_strcmp0 (n->resource, ms->resource) == 0;
  /* §6.5: our own changes come back only to other devices; ignore echoes. */
  if (n->kind == AC_MSYNC_NOTIFY_ROAMING_DELETE && from_me_here)
    return;
  if (n->kind == AC_MSYNC_NOTIFY_CONVERSATION_DELETE && from_me_here
      && (n->from == NULL || g_strcmp0 (n->from, me) == 0))
    return;
  if (n->kind == AC_MSYNC_NOTIFY_OTHER)
    {
      g_debug ("MSYNC: notification of type %s ignored", n->type);
      return;
    }
  g_signal_emit (ms, signals[SIG_NOTIFY], 0, n);
}

/* TRUE when the meta logged this device out (the caller stops after acking). */
static gboolean
handle_meta (AcMsync *ms, const Easemob__Pb__Meta *meta, GError **kick)
{
  if (meta == NULL || !meta->has_ns)
    return FALSE;
  switch (meta->ns)
    {
    case EASEMOB__PB__META__NAME_SPACE__CHAT:
      handle_chat_meta (ms, meta);
      break;
    case EASEMOB__PB__META__NAME_SPACE__NOTIFY:
      handle_notify_meta (ms, meta);
      break;
    case EASEMOB__PB__META__NAME_SPACE__MUC:
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (AcGroupEvent) ev = ac_group_event_parse (meta->payload.data, meta->payload.len,
                                                            &error);
        if (ev == NULL)
          g_debug ("MSYNC: group event skipped: %s", error->message);
        else
          g_signal_emit (ms, signals[SIG_GROUP_EVENT], 0, ev);
        break;
      }
    case EASEMOB__PB__META__NAME_SPACE__STATISTIC:
      {
        int op = 0;
        g_autofree char *reason = NULL;
        if (!ac_msync_statistic_is_kick (meta->payload.data, meta->payload.len, &op, &reason))
          break;
        AcMsyncError code = AC_MSYNC_ERROR_KICKED_OTHER_DEVICE;
        const char *text = _("Signed in on another device");
        if (op == EASEMOB__PB__STATISTICS_BODY__OPERATION__USER_KICKED_BY_CHANGE_PASSWORD)
          {
            code = AC_MSYNC_ERROR_KICKED_PASSWORD;
            text = _("The password was changed; sign in again");
          }
        else if (op == EASEMOB__PB__STATISTICS_BODY__OPERATION__USER_REMOVED)
          {
            code = AC_MSYNC_ERROR_USER_REMOVED;
            text = _("This user was removed from the server");
          }
        else if (op == EASEMOB__PB__STATISTICS_BODY__OPERATION__USER_KICKED_BY_OTHER_DEVICE)
          text = _("Signed out by another device");
        if (reason != NULL && *reason != '\0')
          g_set_error (kick, AC_MSYNC_ERROR, code, "%s (%s)", text, reason);
        else
          g_set_error_literal (kick, AC_MSYNC_ERROR, code, text);
        return TRUE;
      }
    default:
      break;
    }
  return FALSE;
}

/* After all metas of a reply were handled: ack and continue, end, or pull again. */
static void
finish_pull_reply (AcMsync *ms, const Easemob__Pb__CommSyncDL *dl)
{
  g_autofree char *key = ac_msync_queue_key (dl->queue);
  Pull *p = g_hash_table_lookup (ms->pulls, key);
  if (p == NULL)
    {
      /* An unsolicited push (§14): follow it like a pull of ours. */
      p = g_new0 (Pull, 1);
      p->queue = ac_msync_jid_copy (dl->queue);
      g_hash_table_insert (ms->pulls, g_strdup (key), p);
    }
  guint64 next = dl->has_nextkey ? dl->nextkey : 0;
  gboolean last = dl->has_islast && dl->islast;
  if (next != 0 && (!last || dl->n_metas > 0))
    {
      /* Acknowledge (and continue) only after the handlers stored the batch. */
      if (next == p->last_key && ++p->repulls > MAX_REPULLS)
        {
          g_debug ("MSYNC: queue %s repeats key %" G_GUINT64_FORMAT "; given up", key, next);
          g_hash_table_remove (ms->pulls, key);
          return;
        }
      if (next != p->last_key)
        p->repulls = 0;
      p->last_key = next;
      g_autoptr (GBytes) frame = ac_msync_frame_pull (p->queue, next);
      ac_msync_ws_send (ms, frame);
    }
  else if (dl->n_metas > 0 && p->repulls++ < MAX_REPULLS)
    {
      /* Metas with isLast and no key: pull again, as the SDK does (§7.5). */
      g_autoptr (GBytes) frame = ac_msync_frame_pull (p->queue, 0);
      ac_msync_ws_send (ms, frame);
    }
  else
    {
      gboolean again = p->again;
      Easemob__Pb__JID *queue = again ? ac_msync_jid_copy (p->queue) : NULL;
      g_hash_table_remove (ms->pulls, key);
      if (again)
        pull (ms, queue);
      ac_msync_jid_free (queue);
    }
}

static gboolean
on_replies (gpointer data)
{
  AcMsync *ms = data;
  g_autoptr (AcMsync) hold = g_object_ref (ms);
  Reply *r = g_queue_peek_head (&ms->replies);
  if (r == NULL)
    {
      ms->replies_id = 0;
      return G_SOURCE_REMOVE;
    }
  g_autoptr (GError) kick = NULL;
  gsize end = MIN (r->next + METAS_PER_SLICE, r->dl->n_metas);
  while (r->next < end && kick == NULL)
    {
      handle_meta (ms, r->dl->metas[r->next++], &kick);
      if (ms->replies_id == 0)
        return G_SOURCE_REMOVE; /* a handler stopped us; r is gone */
    }
  if (kick == NULL && r->next < r->dl->n_metas)
    return G_SOURCE_CONTINUE;
  g_queue_pop_head (&ms->replies);
  finish_pull_reply (ms, r->dl);
  reply_free (r);
  if (kick != NULL)
    {
      fail_for_good (ms, kick);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Takes dl. */
static void
handle_pull_reply (AcMsync *ms, Easemob__Pb__CommSyncDL *dl)
{
  if (dl->queue == NULL)
    {
      g_debug ("MSYNC: pull reply without a queue ignored");
      easemob__pb__comm_sync_dl__free_unpacked (dl, NULL);
      return;
    }
  Reply *r = g_new0 (Reply, 1);
  r->dl = dl;
  g_queue_push_tail (&ms->replies, r);
  if (ms->replies_id == 0)
    ms->replies_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_replies, ms, NULL);
}

static void
handle_unread (AcMsync *ms, const Easemob__Pb__CommUnreadDL *ur)
{
  for (gsize i = 0; i < ur->n_unread; i++)
    if (ur->unread[i] != NULL && ur->unread[i]->queue != NULL)
      pull (ms, ur->unread[i]->queue);
}

static void
handle_notice (AcMsync *ms, const Easemob__Pb__CommNotice *notice)
{
  const Easemob__Pb__JID *q = notice->queue;
  if (q == NULL)
    return;
  /* §7.5: never our own JID with our own resource. */
  if (g_strcmp0 (q->name, ac_api_get_username (ms->api)) == 0
      && g_strcmp0 (q->clientresource, ms->resource) == 0)
    return;
  pull (ms, q);
}

/* ---- PROVISION (§7.3) ---- */

static gboolean
token_refused (Easemob__Pb__Status__ErrorCode code, const char *reason)
{
  return code == EASEMOB__PB__STATUS__ERROR_CODE__UNAUTHORIZED
    || code == EASEMOB__PB__STATUS__ERROR_CODE__TOKEN_EXPIRED
    || (code == EASEMOB__PB__STATUS__ERROR_CODE__FAIL && strstr (reason, "token") != NULL);
}

static void
on_reauth (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (AcMsync) ms = data;
  g_autoptr (GError) error = NULL;
  if (ms->state != STATE_REAUTH)
    return; /* stopped meanwhile */
  if (!ac_http_renew_token_finish (AC_HTTP (source), result, &error))
    {
      if (error->domain == AC_CLIENT_ERROR && (error->code == AC_CLIENT_ERROR_NETWORK
                                               || error->code == AC_CLIENT_ERROR_SERVER))
        {
          ms->reauth_tried = FALSE;
          schedule_reconnect (ms);
          return;
        }
      g_autoptr (GError) fatal = g_error_new (AC_MSYNC_ERROR, AC_MSYNC_ERROR_AUTH,
                                              _("Signing in again failed: %s"), error->message);
      fail_for_good (ms, fatal);
      return;
    }
  connect_now (ms);
}

static void
handle_provision (AcMsync *ms, const Easemob__Pb__Provision *p)
{
  if (ms->state != STATE_PROVISIONING)
    return;
  g_clear_handle_id (&ms->provision_timeout_id, g_source_remove);
  Easemob__Pb__Status__ErrorCode code = ac_msync_status_code (p->status);
  const char *reason = ac_msync_status_reason (p->status);
  if (code != EASEMOB__PB__STATUS__ERROR_CODE__OK)
    {
      if (token_refused (code, reason) && !ms->reauth_tried)
        {
          /* One new token, then one more PROVISION.  The token is the HTTP
           * client's: its single re-sign-in is shared, so an expiry that
           * REST calls noticed too costs one /token call, not two. */
          ms->reauth_tried = TRUE;
          ms->reauth_count++;
          close_socket (ms);
          ms->state = STATE_REAUTH;
          ac_http_renew_token_async (ac_api_get_http (ms->api), ms->token_serial, NULL, on_reauth,
                                     g_object_ref (ms));
          return;
        }
      gboolean auth = token_refused (code, reason) || code == EASEMOB__PB__STATUS__ERROR_CODE__UNAUTHORIZED
        || (code == EASEMOB__PB__STATUS__ERROR_CODE__FAIL && strstr (reason, "user") != NULL);
      g_autoptr (GError) error = g_error_new (AC_MSYNC_ERROR,
                                              auth ? AC_MSYNC_ERROR_AUTH : AC_MSYNC_ERROR_FORBIDDEN,
                                              _("The server refused the session: %s"),
                                              *reason != '\0' ? reason : _("no reason given"));
      fail_for_good (ms, error);
      return;
    }
  if (p->resource != NULL && *p->resource != '\0' && g_strcmp0 (p->resource, ms->resource) != 0)
    {
      g_free (ms->resource);
      ms->resource = g_strdup (p->resource);
    }
  ms->state = STATE_READY;
  ms->attempt = 0;
  ms->reauth_tried = FALSE;
  ms->connect_count++;
  g_autoptr (GBytes) unread = ac_msync_frame_unread ();
  ac_msync_ws_send (ms, unread);
  ac_msync_flush_unsent (ms);
  guint tick = MAX (ms->heartbeat_ms / 3, 100u);
  ms->heartbeat_id = g_timeout_add (tick, on_heartbeat, ms);
  gboolean reconnected = ms->ever_connected;
  ms->ever_connected = TRUE;
  g_signal_emit (ms, signals[SIG_CONNECTED], 0, reconnected);
}

static void
on_ws_message (SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer data)
{
  AcMsync *ms = data;
  ms->last_rx_us = g_get_monotonic_time ();
  ms->ping_sent = FALSE;
  if (type != SOUP_WEBSOCKET_DATA_BINARY)
    {
      g_debug ("MSYNC: text frame ignored");
      return;
    }
  gsize len = 0;
  const guint8 *data_ = g_bytes_get_data (message, &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (AcMsyncFrame) frame = ac_msync_frame_parse (data_, len, &error);
  if (frame == NULL)
    {
      g_debug ("MSYNC: frame ignored: %s", error->message);
      return;
    }
  /* Keep ourselves alive: a handler may drop the account's last reference. */
  g_autoptr (AcMsync) hold = g_object_ref (ms);
  if (frame->provision != NULL)
    handle_provision (ms, frame->provision);
  else if (ms->state != STATE_READY)
    g_debug ("MSYNC: frame before PROVISION ignored");
  else if (frame->unread != NULL)
    handle_unread (ms, frame->unread);
  else if (frame->notice != NULL)
    handle_notice (ms, frame->notice);
  else if (frame->sync != NULL && frame->sync->has_metaid && frame->sync->metaid != 0)
    ac_msync_handle_send_ack (ms, frame->sync);
  else if (frame->sync != NULL)
    handle_pull_reply (ms, g_steal_pointer (&frame->sync));
}

static gboolean
on_provision_timeout (gpointer data)
{
  AcMsync *ms = data;
  ms->provision_timeout_id = 0;
  g_autoptr (GError) error = g_error_new_literal (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NETWORK,
                                                  _("No answer to the session request"));
  ac_msync_drop (ms, error);
  return G_SOURCE_REMOVE;
}

typedef struct {
  AcMsync *ms;
  guint    generation;
} ConnectCall;

static void
on_ws_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  ConnectCall *call = data;
  g_autoptr (AcMsync) ms = call->ms;
  guint generation = call->generation;
  g_free (call);
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *ws = soup_session_websocket_connect_finish (SOUP_SESSION (source),
                                                                       result, &error);
  if (generation != ms->generation || ms->state != STATE_CONNECTING)
    {
      /* An attempt given up meanwhile (stopped, or replaced by a newer one). */
      if (ws != NULL)
        {
          soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
          g_object_unref (ws);
        }
      return;
    }
  if (ws == NULL)
    {
      g_autoptr (GError) net = ac_client_error_from_transport (error);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&net);
          net = g_error_new_literal (AC_CLIENT_ERROR, AC_CLIENT_ERROR_NETWORK,
                                     _("Connecting timed out"));
        }
      ac_msync_drop (ms, net);
      return;
    }
  g_clear_handle_id (&ms->connect_timeout_id, g_source_remove);
  g_clear_object (&ms->connect_cancel);
  ms->ws = ws;
  soup_websocket_connection_set_max_incoming_payload_size (ws, MAX_INCOMING_FRAME);
  soup_websocket_connection_set_keepalive_interval (ws, 0);
  g_signal_connect (ws, "message", G_CALLBACK (on_ws_message), ms);
  g_signal_connect (ws, "closed", G_CALLBACK (on_ws_closed), ms);
  g_signal_connect (ws, "error", G_CALLBACK (on_ws_error), ms);
  ms->state = STATE_PROVISIONING;
  ms->last_rx_us = g_get_monotonic_time ();
  ms->token_serial = ac_http_get_token_serial (ac_api_get_http (ms->api));
  g_autoptr (GBytes) frame = ac_msync_frame_provision (ac_api_get_app_key (ms->api),
                                                       ac_api_get_username (ms->api), ms->resource,
                                                       ac_http_get_token (ac_api_get_http (ms->api)));
  ac_msync_ws_send (ms, frame);
  ms->provision_timeout_id = g_timeout_add (AC_MSYNC_CONNECT_TIMEOUT_MS, on_provision_timeout, ms);
}

static gboolean
on_connect_timeout (gpointer data)
{
  AcMsync *ms = data;
  ms->connect_timeout_id = 0;
  if (ms->connect_cancel != NULL)
    g_cancellable_cancel (ms->connect_cancel); /* on_ws_connected reports it */
  return G_SOURCE_REMOVE;
}

static void
connect_now (AcMsync *ms)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", ms->ws_url);
  if (msg == NULL)
    {
      g_autoptr (GError) error = g_error_new (AC_MSYNC_ERROR, AC_MSYNC_ERROR_FORBIDDEN,
                                              _("Invalid WebSocket URL: %s"), ms->ws_url);
      fail_for_good (ms, error);
      return;
    }
  ms->state = STATE_CONNECTING;
  ms->generation++;
  ms->connect_cancel = g_cancellable_new ();
  ms->connect_timeout_id = g_timeout_add (AC_MSYNC_CONNECT_TIMEOUT_MS, on_connect_timeout, ms);
  ConnectCall *call = g_new0 (ConnectCall, 1);
  call->ms = g_object_ref (ms);
  call->generation = ms->generation;
  soup_session_websocket_connect_async (ms->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        ms->connect_cancel, on_ws_connected, call);
}

void
ac_msync_start (AcMsync *ms)
{
  if (ms->state != STATE_STOPPED)
    return;
  ms->attempt = 0;
  connect_now (ms);
}
