/* The MSYNC WebSocket endpoint: connections, PROVISION, UNREAD and pulls.
 * Uplink messages are in msync-uplink.c, notifications in msync-notify.c.
 *
 * A connection is refused (closed with a logged reason) on a text frame, a
 * frame that is not an MSync protobuf, a command a client does not send, or
 * any frame before a successful PROVISION.  Nothing a client sends affects
 * other connections. */
#include "msync-private.h"
#include "ac-jid.h"

#include <string.h>

#define OFFLINE_KEEP_MS (7 * 24 * 3600 * G_GINT64_CONSTANT (1000))
#define MAX_RESOURCE_LEN 128
/* Token reasons the SDK maps to its own errors (§7.3). */
#define REASON_EXPIRED   "Sorry, token expired"
#define REASON_BAD_TOKEN "Sorry, token or password does not match login info"
#define REASON_NO_USER   "Sorry, user not found"

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

const char *
msync_app_key (MsyncServer *msync, gint64 app)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, msync->server->apps);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (*(gint64 *) value == app)
      return key;
  return NULL;
}

/* ---- connections ---- */

static const char *
conn_name (MsyncConn *conn)
{
  return conn->provisioned ? conn->own_queue : conn->peer;
}

void
msync_conn_send (MsyncConn *conn, GBytes *frame)
{
  if (conn->closing || frame == NULL ||
      soup_websocket_connection_get_state (conn->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  soup_websocket_connection_send_message (conn->ws, SOUP_WEBSOCKET_DATA_BINARY, frame);
}

/* Closes after what was already sent (frames go out in order). */
static void
conn_refuse (MsyncConn *conn, gushort code, const char *reason)
{
  if (conn->closing)
    return;
  g_printerr ("MSYNC %s: closing: %s\n", conn_name (conn), reason);
  conn->closing = TRUE;
  if (soup_websocket_connection_get_state (conn->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (conn->ws, code, reason);
}

static void
conn_free (MsyncConn *conn)
{
  if (conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (conn->ws, conn);
  g_object_unref (conn->ws);
  g_free (conn->peer);
  g_free (conn->app_key);
  g_free (conn->user);
  g_free (conn->resource);
  g_free (conn->own_queue);
  g_free (conn);
}

static void
on_closed (SoupWebsocketConnection *ws, gpointer data)
{
  MsyncConn *conn = data;
  MsyncServer *msync = conn->owner;
  g_autoptr(GError) error = NULL;

  /* A replaced connection is no longer registered and keeps nothing: its
   * successor (same resource) owns the device's queue. */
  if (msync_router_remove (msync->router, conn) &&
      msync_router_online (msync->router, conn->app, conn->user) == 0 &&
      !store_msync_release (msync->server->store, conn->app, conn->user, conn->resource, &error))
    g_printerr ("MSYNC %s: keeping undelivered items: %s\n", conn_name (conn), error->message);
  g_printerr ("MSYNC %s: closed (%u)\n", conn_name (conn),
              (guint) soup_websocket_connection_get_close_code (ws));
  g_ptr_array_remove (msync->conns, conn);
}

/* ---- PROVISION ---- */

/* "$t$<token>" from MSync.auth, else from Provision.authToken {"token":"$t$…"}. */
static char *
provision_token (const MsyncFrame *frame)
{
  const char *auth = frame->envelope->auth;

  if (auth == NULL && frame->provision->authtoken != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;
      if (json_parser_load_from_data (parser, frame->provision->authtoken, -1, NULL) &&
          (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          const char *t = json_object_get_string_member_with_default (json_node_get_object (root),
                                                                      "token", NULL);
          if (t && g_str_has_prefix (t, "$t$"))
            return g_strdup (t + 3);
        }
      return NULL;
    }
  if (auth && g_str_has_prefix (auth, "$t$"))
    return g_strdup (auth + 3);
  return NULL;
}

/* The resource is required and ours to normalise (§14): characters that
 * would break a JID become '_', it is cut to 128 bytes, and an empty one
 * gets a random name.  The reply carries the result. */
static char *
normalise_resource (const char *given)
{
  GString *s = g_string_new (NULL);

  for (const char *p = given ? given : ""; *p && s->len < MAX_RESOURCE_LEN; p++)
    g_string_append_c (s, (g_ascii_isalnum (*p) || strchr ("_-.:", *p)) ? *p : '_');
  if (s->len == 0)
    g_string_printf (s, "webim_%08x", g_random_int ());
  return g_string_free (s, FALSE);
}

static void
provision_fail (MsyncConn *conn, MsyncStatus code, const char *reason)
{
  g_autoptr(GBytes) reply = msync_frame_provision_reply (code, reason, NULL, 0);

  g_printerr ("MSYNC %s: provision refused: %s\n", conn->peer, reason);
  msync_conn_send (conn, reply);
  conn_refuse (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "provision refused");
}

/* A second login with the same resource replaces the first: the old one
 * hears "logged in on another device" (§9.3, no reconnect) and is closed. */
static void
replace_old (MsyncConn *conn, const char *reason)
{
  MsyncServer *msync = conn->owner;
  MsyncConn *old = msync_router_find (msync->router, conn->app, conn->user, conn->resource);
  g_autoptr(GPtrArray) metas = NULL;
  g_autoptr(GBytes) frame = NULL;

  if (old == NULL)
    return;
  msync_router_remove (msync->router, old);
  metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (metas, msync_meta_statistic (msync_router_new_id (msync->router),
                                                EASEMOB__PB__STATISTICS_BODY__OPERATION__USER_LOGIN_ANOTHER_DEVICE,
                                                reason, (guint64) now_ms ()));
  /* Kicks come in the system queue (§14: only domain easemob.com). */
  frame = msync_frame_sync ("@" AC_DOMAIN_USER, metas, 0, TRUE, NULL);
  msync_conn_send (old, frame);
  conn_refuse (old, SOUP_WEBSOCKET_CLOSE_NORMAL, "replaced by a new login with the same resource");
}

static void
handle_provision (MsyncConn *conn, const MsyncFrame *frame)
{
  MsyncServer *msync = conn->owner;
  Store *store = msync->server->store;
  const Easemob__Pb__JID *guid = frame->envelope->guid;
  g_autofree char *token = provision_token (frame);
  g_autofree char *token_user = NULL;
  g_autoptr(StoreUser) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;
  gint64 app, token_app = 0, expires = 0;

  if (conn->provisioned)
    {
      conn_refuse (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "second PROVISION");
      return;
    }
  if (guid == NULL || guid->appkey == NULL || guid->name == NULL || *guid->name == '\0')
    {
      provision_fail (conn, EASEMOB__PB__STATUS__ERROR_CODE__WRONG_PARAMETER,
                      "guid with appKey and name is required");
      return;
    }
  app = server_app_id (msync->server, guid->appkey);
  if (app == 0)
    {
      provision_fail (conn, MSYNC_FAIL, "Sorry, app key not found");
      return;
    }
  conn->user = g_ascii_strdown (guid->name, -1);
  user = store_user_get (store, app, conn->user, NULL);
  if (user == NULL)
    {
      provision_fail (conn, MSYNC_FAIL, REASON_NO_USER);
      return;
    }
  if (token == NULL ||
      !store_token_lookup (store, token, &token_app, &token_user, &expires, &error) ||
      token_app != app || g_strcmp0 (token_user, conn->user) != 0)
    {
      if (error)
        g_printerr ("MSYNC %s: token lookup failed: %s\n", conn->peer, error->message);
      provision_fail (conn, MSYNC_FAIL, REASON_BAD_TOKEN);
      return;
    }
  if (expires <= now_ms ())
    {
      provision_fail (conn, MSYNC_FAIL, REASON_EXPIRED);
      return;
    }

  conn->app = app;
  conn->app_key = g_strdup (guid->appkey);
  conn->resource = normalise_resource (frame->provision->resource ? frame->provision->resource
                                                                  : guid->clientresource);
  conn->own_queue = msync_queue_name (conn->user, NULL, conn->resource);
  replace_old (conn, frame->provision->reason);
  /* What waited for "whichever device comes next" is this device's now,
   * except copies of its own messages. */
  if (!store_msync_claim (store, app, conn->user, conn->resource, conn->own_queue, &error))
    {
      g_printerr ("MSYNC %s: %s\n", conn->own_queue, error->message);
      provision_fail (conn, MSYNC_FAIL, "Sorry, server error");
      return;
    }
  conn->provisioned = TRUE;
  msync_router_add (msync->router, conn);
  g_printerr ("MSYNC %s: provisioned from %s\n", conn->own_queue, conn->peer);
  reply = msync_frame_provision_reply (MSYNC_OK, NULL, conn->resource, expires);
  msync_conn_send (conn, reply);
}

/* ---- UNREAD and pulls ---- */

static void
handle_unread (MsyncConn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queues = store_msync_unread (conn->owner->server->store, conn->app,
                                                    conn->user, conn->resource, &error);
  g_autoptr(GBytes) reply = NULL;

  if (queues == NULL)
    {
      g_printerr ("MSYNC %s: unread: %s\n", conn->own_queue, error->message);
      queues = g_ptr_array_new ();
    }
  reply = msync_frame_unread (queues, now_ms ());
  msync_conn_send (conn, reply);
}

/* §7.5: a pull answers a batch with nextKey and isLast false; the pull
 * carrying that key acknowledges it and gets the next batch, or an empty
 * isLast true that ends the pull.  A pull of an empty queue ends at once. */
static void
handle_pull (MsyncConn *conn, const Easemob__Pb__CommSyncUL *ul)
{
  Store *store = conn->owner->server->store;
  g_autoptr(GError) error = NULL;
  g_autofree char *queue = msync_queue_from_jid (ul->queue, &error);
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GBytes) reply = NULL;
  guint64 last = 0;

  if (queue == NULL)
    {
      conn_refuse (conn, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, error->message);
      return;
    }
  if (ul->has_key && ul->key > 0 &&
      !store_msync_ack (store, conn->app, conn->user, conn->resource, queue, ul->key, &error))
    {
      g_printerr ("MSYNC %s: ack of %s: %s\n", conn->own_queue, queue, error->message);
      g_clear_error (&error);
    }
  batch = store_msync_batch (store, conn->app, conn->user, conn->resource, queue, MSYNC_BATCH,
                             &last, &error);
  if (batch == NULL)
    {
      g_printerr ("MSYNC %s: pull of %s: %s\n", conn->own_queue, queue, error->message);
      g_clear_error (&error);
    }
  if (batch && batch->len > 0)
    reply = msync_frame_sync (queue, batch, last, FALSE, &error);
  else
    reply = msync_frame_sync (queue, NULL, 0, TRUE, &error);
  if (reply == NULL)
    {
      /* A stored item that does not unpack: drop the batch rather than
       * block the queue for ever. */
      g_printerr ("MSYNC %s: dropping a bad batch of %s: %s\n", conn->own_queue, queue,
                  error->message);
      store_msync_ack (store, conn->app, conn->user, conn->resource, queue, last, NULL);
      reply = msync_frame_sync (queue, NULL, 0, TRUE, NULL);
    }
  msync_conn_send (conn, reply);
}

/* ---- dispatch ---- */

static void
on_message (SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer data)
{
  MsyncConn *conn = data;
  g_autoptr(MsyncFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const guint8 *bytes;

  if (conn->closing)
    return;
  if (type != SOUP_WEBSOCKET_DATA_BINARY)
    {
      conn_refuse (conn, SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA, "text frames are not MSYNC");
      return;
    }
  bytes = g_bytes_get_data (message, &len);
  frame = msync_frame_parse (bytes, len, &error);
  if (frame == NULL)
    {
      conn_refuse (conn, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, error->message);
      return;
    }
  if (frame->envelope->command == EASEMOB__PB__MSYNC__COMMAND__PROVISION)
    {
      handle_provision (conn, frame);
      return;
    }
  if (!conn->provisioned)
    {
      conn_refuse (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "frame before PROVISION");
      return;
    }
  if (frame->envelope->command == EASEMOB__PB__MSYNC__COMMAND__UNREAD)
    handle_unread (conn);
  else if (frame->sync->meta != NULL)
    msync_uplink (conn, frame->sync->meta);
  else if (frame->sync->queue != NULL)
    handle_pull (conn, frame->sync);
  else
    conn_refuse (conn, SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR, "SYNC with neither meta nor queue");
}

static void
on_websocket (SoupServer *soup, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *ws, gpointer data)
{
  MsyncServer *msync = data;
  MsyncConn *conn = g_new0 (MsyncConn, 1);
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  conn->owner = msync;
  conn->ws = g_object_ref (ws);
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_autofree char *ip =
        g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
      conn->peer = g_strdup_printf ("%s:%u", ip,
                                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)));
    }
  else
    conn->peer = g_strdup ("?");
  g_ptr_array_add (msync->conns, conn);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), conn);
  g_signal_connect (ws, "closed", G_CALLBACK (on_closed), conn);
}

/* ---- REST-sent messages ---- */

static void
on_rest_message (gint64 app, const AcMessage *msg, gboolean live, gpointer data)
{
  MsyncServer *msync = data;
  const char *app_key = msync_app_key (msync, app);
  g_autoptr(GError) error = NULL;

  if (app_key != NULL &&
      !msync_router_deliver_message (msync->router, app, app_key, msg, live, &error))
    g_printerr ("MSYNC: message %" G_GUINT64_FORMAT " not delivered: %s\n", msg->id,
                error->message);
}

/* ---- life cycle ---- */

MsyncServer *
msync_server_new (Server *server, GError **error)
{
  MsyncServer *msync;
  gint64 purged;

  if (!store_msync_init (server->store, error))
    return NULL;
  /* Agora keeps offline messages for a week; so do we. */
  purged = store_msync_purge (server->store, now_ms () - OFFLINE_KEEP_MS, error);
  if (purged < 0)
    return NULL;
  msync = g_new0 (MsyncServer, 1);
  msync->server = server;
  msync->router = msync_router_new (server->store);
  msync->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  soup_server_add_websocket_handler (server->soup, "/websocket", NULL, NULL, on_websocket, msync,
                                     NULL);
  store_set_message_observer (server->store, on_rest_message, msync);
  return msync;
}

void
msync_server_free (MsyncServer *msync)
{
  if (msync == NULL)
    return;
  store_set_message_observer (msync->server->store, NULL, NULL);
  if (msync->server->soup)
    soup_server_remove_handler (msync->server->soup, "/websocket");
  /* Devices keep their queues: a device that reconnects with the same
   * resource after a restart gets what it had not acknowledged. */
  for (guint i = 0; i < msync->conns->len; i++)
    {
      MsyncConn *conn = g_ptr_array_index (msync->conns, i);
      g_signal_handlers_disconnect_by_data (conn->ws, conn);
      if (soup_websocket_connection_get_state (conn->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server stops");
    }
  g_ptr_array_unref (msync->conns);
  msync_router_free (msync->router);
  g_free (msync);
}
