/* Live messaging over MSYNC in the libpurple layer: sending IMs and chat
 * messages (with a "message failed" line when the server does not confirm),
 * receiving into conversations with sender names and server times,
 * deletions made on another device, group membership in open chats, and
 * the catch-up through roaming after a reconnect.  Every received message
 * goes through the store's dedupe by server id first, so a message that
 * arrives live and through a back-fill is stored and shown once. */
#include "ac-purple.h"
#include "ac-msync.h"
#include "ac-client-error.h"

#include <errno.h>

/* ---- where a message goes ---- */

static PurpleConversation *
find_chat (AcAccount *acc, const char *group_id, int *chat_id)
{
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, acc->chat_ids);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, group_id) == 0)
      {
        PurpleConversation *conv = purple_find_chat (acc->gc, GPOINTER_TO_INT (key));
        if (conv != NULL)
          {
            if (chat_id != NULL)
              *chat_id = GPOINTER_TO_INT (key);
            return conv;
          }
      }
  return NULL;
}

/* Stored once by server id (the same path as back-fill).  FALSE when it
 * was already shown; a message a back-fill stored but no window showed yet
 * is shown now, in its place among the live ones. */
static gboolean
store_once (AcAccount *acc, const AcMessage *msg, const char *conv_id, gboolean is_group)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  g_ptr_array_add (one, (gpointer) msg);
  g_autoptr (GPtrArray) inserted = NULL;
  g_autoptr (GError) error = NULL;
  if (!ac_local_store_commit_page (acc->store, conv_id, is_group, one, NULL, &inserted, &error))
    {
      purple_debug_warning ("agorachat", "live message not stored: %s\n", error->message);
      return TRUE; /* shown anyway: better than losing it */
    }
  if (inserted->len == 0)
    return ac_local_store_is_unshown (acc->store, msg->id);
  AcConversation *conv = ac_conversation_new (conv_id, is_group);
  conv->last = ac_message_copy (msg);
  if (!ac_local_store_save_conversation (acc->store, conv, &error))
    purple_debug_warning ("agorachat", "%s\n", error->message);
  ac_conversation_free (conv);
  return TRUE;
}

static void
on_message (AcMsync *ms, AcMessage *msg, const char *conv_id, gboolean is_group, gpointer data)
{
  AcAccount *acc = data;
  if (!store_once (acc, msg, conv_id, is_group))
    return; /* already came through a back-fill or an earlier pull */
  const char *me = purple_account_get_username (acc->account);
  gboolean mine = g_strcmp0 (msg->from, me) == 0;
  time_t when = (time_t) (msg->timestamp / 1000);
  g_autofree char *html = ac_purple_message_html (acc, msg);
  if (is_group)
    {
      int chat_id = 0;
      if (find_chat (acc, conv_id, &chat_id) == NULL)
        return; /* stays unshown in the store; the chat shows it when opened */
      ac_local_store_mark_shown (acc->store, msg->id, NULL);
      serv_got_chat_in (acc->gc, chat_id, msg->from,
                        mine ? PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_REMOTE_SEND : PURPLE_MESSAGE_RECV,
                        html, when);
    }
  else
    {
      /* Marked before the window exists: opening it shows the stored history
       * from before this message, then this one. */
      ac_local_store_mark_shown (acc->store, msg->id, NULL);
      acc->opening_for = msg;
      if (!mine)
        {
          serv_got_im (acc->gc, msg->from, html, PURPLE_MESSAGE_RECV, when);
          acc->opening_for = NULL;
          return;
        }
      PurpleConversation *conv = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, conv_id,
                                                                        acc->account);
      if (conv == NULL)
        conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc->account, conv_id);
      acc->opening_for = NULL;
      purple_conv_im_write (PURPLE_CONV_IM (conv), me, html,
                            PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_REMOTE_SEND, when);
    }
}

/* ---- deletions made on another device (§6.5) ---- */

static void
on_notify (AcMsync *ms, AcMsyncNotify *n, gpointer data)
{
  AcAccount *acc = data;
  g_autoptr (GError) error = NULL;
  guint removed = 0;
  gboolean ok;
  if (n->kind == AC_MSYNC_NOTIFY_CONVERSATION_DELETE)
    ok = ac_local_store_delete_conversation (acc->store, n->conv_id, n->is_group, TRUE, &removed,
                                             &error);
  else if (n->ids->len > 0)
    ok = ac_local_store_delete_ids (acc->store, n->conv_id, n->is_group,
                                    (const guint64 *) (gpointer) n->ids->data, n->ids->len,
                                    &removed, &error);
  else if (n->delete_time > 0)
    ok = ac_local_store_delete_before (acc->store, n->conv_id, n->is_group, n->delete_time,
                                       &removed, &error);
  else
    {
      /* The SDK's own notice names no messages (§6.5): nothing we can remove safely. */
      purple_debug_info ("agorachat", "deletion in %s on another device names no messages\n",
                         n->conv_id);
      return;
    }
  if (!ok)
    {
      purple_debug_warning ("agorachat", "deletion from another device not applied: %s\n",
                            error->message);
      return;
    }
  purple_debug_info ("agorachat", "%u messages of %s deleted on another device\n", removed,
                     n->conv_id);
  ac_purple_history_after_delete (acc, n->conv_id, n->is_group, removed);
  purple_signal_emit (ac_purple_plugin (), "agorachat-remote-deleted", acc->gc, n->conv_id, removed);
}

/* ---- group membership (§9.2) ---- */

static void
on_group_event (AcMsync *ms, AcGroupEvent *ev, gpointer data)
{
  AcAccount *acc = data;
  int chat_id = 0;
  PurpleConversation *conv = find_chat (acc, ev->group_id, &chat_id);
  if (conv == NULL || ev->kind == AC_GROUP_EVENT_OTHER)
    return;
  PurpleConvChat *chat = PURPLE_CONV_CHAT (conv);
  const char *me = purple_account_get_username (acc->account);
  if (ev->kind == AC_GROUP_EVENT_DESTROYED)
    {
      purple_conversation_write (conv, NULL, _("The group was dissolved."),
                                 PURPLE_MESSAGE_SYSTEM, time (NULL));
      serv_got_chat_left (acc->gc, chat_id);
      return;
    }
  for (guint i = 0; i < ev->members->len; i++)
    {
      const char *who = ev->members->pdata[i];
      gboolean present = purple_conv_chat_find_user (chat, who);
      if (ev->kind == AC_GROUP_EVENT_JOINED && !present)
        purple_conv_chat_add_user (chat, who, NULL, PURPLE_CBFLAGS_NONE, TRUE);
      else if (ev->kind == AC_GROUP_EVENT_LEFT && present)
        purple_conv_chat_remove_user (chat, who, ev->reason);
      else if (ev->kind == AC_GROUP_EVENT_KICKED && g_strcmp0 (who, me) == 0)
        {
          g_autofree char *line = ev->actor != NULL
            ? g_strdup_printf (_("You were removed from the group by %s."), ev->actor)
            : g_strdup (_("You were removed from the group."));
          purple_conversation_write (conv, NULL, line, PURPLE_MESSAGE_SYSTEM, time (NULL));
          serv_got_chat_left (acc->gc, chat_id);
          return;
        }
      else if (ev->kind == AC_GROUP_EVENT_KICKED && present)
        {
          g_autofree char *why = ev->actor != NULL
            ? g_strdup_printf (_("removed by %s"), ev->actor) : g_strdup (_("removed"));
          purple_conv_chat_remove_user (chat, who, why);
        }
    }
}

/* ---- connection state ---- */

static void
on_catchup_synced (AcBackfill *bf, const char *id, gboolean is_group, GPtrArray *messages,
                   gboolean capped, guint unread, gpointer data)
{
  ac_purple_history_write (data, id, is_group, messages, unread);
}

static void
on_catchup_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  if (!ac_backfill_run_finish (AC_BACKFILL (source), result, &error))
    return; /* cancelled: the account is gone */
  AcAccount *acc = data;
  purple_debug_info ("agorachat", "caught up after a reconnect\n");
  purple_signal_emit (ac_purple_plugin (), "agorachat-live-caught-up", acc->gc);
}

static void
on_catchup_list (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) convs = ac_api_list_conversations_finish (AC_API (source), result, NULL,
                                                                  &error);
  if (convs == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  AcAccount *acc = data;
  if (convs == NULL)
    {
      /* The server list failed: walk what we know locally. */
      purple_debug_warning ("agorachat", "catch-up list: %s\n", error->message);
      g_clear_error (&error);
      convs = ac_local_store_list_conversations (acc->store, &error);
      if (convs == NULL)
        return;
    }
  else
    {
      if (!ac_local_store_save_conversations (acc->store, convs, &error))
        {
          purple_debug_warning ("agorachat", "catch-up list: %s\n", error->message);
          g_clear_error (&error);
        }
      ac_purple_blist_update (acc, convs);
    }
  ac_backfill_run_async (acc->catchup, convs, acc->cancellable, on_catchup_done, acc);
}

static void
on_connected (AcMsync *ms, gboolean reconnected, gpointer data)
{
  AcAccount *acc = data;
  purple_debug_info ("agorachat", "MSYNC connected as %s%s\n", ac_msync_get_resource (ms),
                     reconnected ? " (reconnected)" : "");
  /* The server's resource is the one its notices name (§1.6). */
  ac_api_set_resource (acc->api, ac_msync_get_resource (ms));
  purple_signal_emit (ac_purple_plugin (), "agorachat-live-connected", acc->gc);
  /* What was sent while we were away and is not in an offline queue
   * (e.g. the server restarted) comes through roaming; the store drops
   * what we already have. */
  if (reconnected)
    ac_api_list_conversations_async (acc->api, 20, NULL, NULL, acc->cancellable, on_catchup_list,
                                     acc);
}

static void
on_disconnected (AcMsync *ms, GError *error, gpointer data)
{
  purple_debug_info ("agorachat", "MSYNC dropped, reconnecting: %s\n", error->message);
}

static void
on_failed (AcMsync *ms, GError *error, gpointer data)
{
  AcAccount *acc = data;
  PurpleConnectionError reason = PURPLE_CONNECTION_ERROR_OTHER_ERROR;
  if (error->domain == AC_MSYNC_ERROR)
    switch ((AcMsyncError) error->code)
      {
      case AC_MSYNC_ERROR_KICKED_OTHER_DEVICE:
        reason = PURPLE_CONNECTION_ERROR_NAME_IN_USE; break;
      case AC_MSYNC_ERROR_KICKED_PASSWORD:
      case AC_MSYNC_ERROR_USER_REMOVED:
      case AC_MSYNC_ERROR_AUTH:
        reason = PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED; break;
      default:
        break;
      }
  /* All of these are fatal for libpurple: no reconnect loop against a kick. */
  purple_connection_error_reason (acc->gc, reason, error->message);
}

/* The WebSocket URL: the setting, discovery's, or the REST base's host. */
static char *
ws_url_for (AcAccount *acc)
{
  if (acc->ws_url != NULL)
    return g_strdup (acc->ws_url);
  const char *rest = ac_api_get_rest_url (acc->api);
  if (g_str_has_prefix (rest, "https://"))
    return g_strconcat ("wss://", rest + 8, "/websocket", NULL);
  if (g_str_has_prefix (rest, "http://"))
    return g_strconcat ("ws://", rest + 7, "/websocket", NULL);
  return NULL;
}

void
ac_purple_live_start (AcAccount *acc, GProxyResolver *resolver)
{
  if (acc->msync != NULL)
    return;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = ws_url_for (acc);
  g_autofree char *resource = ac_local_store_device_resource (acc->store, &error);
  if (url == NULL || resource == NULL)
    {
      purple_connection_error_reason (acc->gc, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS,
                                      url == NULL ? _("No WebSocket URL for live messages")
                                                  : error->message);
      return;
    }
  acc->msync = ac_msync_new (acc->api, url, resource, resolver);
  ac_api_set_resource (acc->api, resource);
  /* Tests shorten the SDK's timings (never set by users). */
  ac_msync_set_timing (acc->msync,
                       (guint) purple_account_get_int (acc->account, "msync_heartbeat_ms", 0),
                       (guint) purple_account_get_int (acc->account, "msync_ack_timeout_ms", 0),
                       (guint) purple_account_get_int (acc->account, "msync_backoff_ms", 0));
  g_signal_connect (acc->msync, "connected", G_CALLBACK (on_connected), acc);
  g_signal_connect (acc->msync, "disconnected", G_CALLBACK (on_disconnected), acc);
  g_signal_connect (acc->msync, "failed", G_CALLBACK (on_failed), acc);
  g_signal_connect (acc->msync, "message", G_CALLBACK (on_message), acc);
  g_signal_connect (acc->msync, "notify-event", G_CALLBACK (on_notify), acc);
  g_signal_connect (acc->msync, "group-event", G_CALLBACK (on_group_event), acc);
  acc->catchup = ac_backfill_new (acc->api, acc->store);
  ac_backfill_set_mode (acc->catchup, AC_HISTORY_ALL_NEW);
  ac_backfill_set_cap (acc->catchup, (guint) purple_account_get_int (acc->account, AC_OPT_HISTORY_CAP,
                                                                     AC_BACKFILL_DEFAULT_CAP));
  g_signal_connect (acc->catchup, "conversation-synced", G_CALLBACK (on_catchup_synced), acc);
  ac_msync_start (acc->msync);
}

void
ac_purple_live_stop (AcAccount *acc)
{
  if (acc->catchup != NULL)
    g_signal_handlers_disconnect_by_data (acc->catchup, acc);
  g_clear_object (&acc->catchup);
  if (acc->msync == NULL)
    return;
  g_signal_handlers_disconnect_by_data (acc->msync, acc);
  ac_msync_stop (acc->msync);
  g_clear_object (&acc->msync);
}

/* ---- sending ---- */

typedef struct {
  AcAccount *acc;
  AcMessage *msg;
} SendCall;

static void
write_failure (AcAccount *acc, const AcMessage *msg, const GError *error)
{
  PurpleConversation *conv = msg->chat_type == AC_CHAT_SINGLE
    ? purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, msg->to, acc->account)
    : find_chat (acc, msg->to, NULL);
  if (conv == NULL && msg->chat_type == AC_CHAT_SINGLE)
    conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc->account, msg->to);
  if (conv == NULL)
    return;
  g_autofree char *line = g_strdup_printf (_("Message could not be sent: %s: \"%s\""),
                                           error->message, msg->text);
  g_autofree char *html = purple_markup_escape_text (line, -1);
  purple_conversation_write (conv, NULL, html, PURPLE_MESSAGE_ERROR, time (NULL));
  purple_signal_emit (ac_purple_plugin (), "agorachat-send-failed", acc->gc, msg->to,
                      error->message);
}

static void
sent (SendCall *call, gboolean ok, guint64 id, guint64 ts, const GError *error)
{
  AcAccount *acc = call->acc;
  if (!ok)
    {
      write_failure (acc, call->msg, error);
      return;
    }
  call->msg->id = id;
  call->msg->timestamp = ts;
  gboolean is_group = call->msg->chat_type != AC_CHAT_SINGLE;
  /* Shown already (the echo when it was typed): stored as shown. */
  store_once (acc, call->msg, call->msg->to, is_group);
  ac_local_store_mark_shown (acc->store, id, NULL);
  g_autofree char *sid = g_strdup_printf ("%" G_GUINT64_FORMAT, id);
  purple_signal_emit (ac_purple_plugin (), "agorachat-message-sent", acc->gc, call->msg->to, sid);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer data)
{
  SendCall *call = data;
  g_autoptr (GError) error = NULL;
  guint64 id = 0, ts = 0;
  gboolean ok = ac_msync_send_finish (AC_MSYNC (source), result, &id, &ts, &error);
  /* STOPPED: the account is being closed (acc may be gone). */
  if (ok || !g_error_matches (error, AC_MSYNC_ERROR, AC_MSYNC_ERROR_STOPPED))
    sent (call, ok, id, ts, error);
  ac_message_free (call->msg);
  g_free (call);
}

static int
send_text (AcAccount *acc, const char *to, gboolean is_group, const char *html)
{
  if (acc == NULL || acc->msync == NULL)
    return -ENOTCONN;
  AcMessage *msg = ac_message_new ();
  msg->chat_type = is_group ? AC_CHAT_GROUP : AC_CHAT_SINGLE;
  msg->from = g_strdup (purple_account_get_username (acc->account));
  msg->to = g_strdup (to);
  msg->type = AC_BODY_TEXT;
  /* Agora text is plain: the conversation window's markup goes. */
  msg->text = purple_markup_strip_html (html);
  SendCall *call = g_new0 (SendCall, 1);
  call->acc = acc;
  call->msg = msg;
  ac_msync_send_async (acc->msync, msg, NULL, on_sent, call);
  return 0;
}

int
ac_purple_send_im (PurpleConnection *gc, const char *who, const char *message,
                   PurpleMessageFlags flags)
{
  int rc = send_text (purple_connection_get_protocol_data (gc), who, FALSE, message);
  return rc < 0 ? rc : 1; /* 1: libpurple echoes the line */
}

int
ac_purple_chat_send (PurpleConnection *gc, int id, const char *message, PurpleMessageFlags flags)
{
  AcAccount *acc = purple_connection_get_protocol_data (gc);
  const char *group_id = acc != NULL ? ac_purple_chat_group_id (acc, id) : NULL;
  if (group_id == NULL)
    return -EINVAL;
  int rc = send_text (acc, group_id, TRUE, message);
  if (rc < 0)
    return rc;
  /* Chats are not echoed by libpurple. */
  serv_got_chat_in (gc, id, purple_account_get_username (acc->account), PURPLE_MESSAGE_SEND,
                    message, time (NULL));
  return 0;
}

void
ac_purple_live_register_signals (PurplePlugin *plugin)
{
  PurpleValue *gc_type = purple_value_new (PURPLE_TYPE_SUBTYPE, PURPLE_SUBTYPE_CONNECTION);
  /* For UIs and tests: the live connection is (again) up; a reconnect's catch-up ended. */
  purple_signal_register (plugin, "agorachat-live-connected", purple_marshal_VOID__POINTER, NULL, 1,
                          purple_value_dup (gc_type));
  purple_signal_register (plugin, "agorachat-live-caught-up", purple_marshal_VOID__POINTER, NULL, 1,
                          purple_value_dup (gc_type));
  /* (gc, conv id, server id as a decimal string) once the server acked a message. */
  purple_signal_register (plugin, "agorachat-message-sent", purple_marshal_VOID__POINTER_POINTER_POINTER,
                          NULL, 3, purple_value_dup (gc_type), purple_value_new (PURPLE_TYPE_STRING),
                          purple_value_new (PURPLE_TYPE_STRING));
  /* (gc, conv id, reason) when a message failed. */
  purple_signal_register (plugin, "agorachat-send-failed", purple_marshal_VOID__POINTER_POINTER_POINTER,
                          NULL, 3, purple_value_dup (gc_type), purple_value_new (PURPLE_TYPE_STRING),
                          purple_value_new (PURPLE_TYPE_STRING));
  /* (gc, conv id, number removed) after a deletion made on another device. */
  purple_signal_register (plugin, "agorachat-remote-deleted", purple_marshal_VOID__POINTER_POINTER_UINT,
                          NULL, 3, purple_value_dup (gc_type), purple_value_new (PURPLE_TYPE_STRING),
                          purple_value_new (PURPLE_TYPE_UINT));
  purple_value_destroy (gc_type);
}
