#include "server.h"
#include "router.h"
#include "reply.h"
#include "import.h"
#include "json-args.h"
#include "ac-jid.h"
#include "msync-server.h"

#include <gio/gio.h>

gint64
server_app_id (Server *server, const char *app_key)
{
  gint64 *id = app_key ? g_hash_table_lookup (server->apps, app_key) : NULL;

  return id ? *id : 0;
}

/* Runs once the headers are in, before the body is read: an oversized body
 * is refused without reading it. */
static void
early_handler (SoupServer *soup, SoupServerMessage *msg, const char *path,
               GHashTable *query, gpointer user_data)
{
  Server *server = user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  goffset len = 0;

  if (soup_message_headers_get_encoding (h) == SOUP_ENCODING_CONTENT_LENGTH)
    len = soup_message_headers_get_content_length (h);
  if (len > server->config->max_body) {
    reply_error_msg (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "request_entity_too_large", NULL,
                     "request body is too large");
    /* The unread body would be taken for the next request otherwise. */
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Connection", "close");
  }
}

static GQuark
start_quark (void)
{
  return g_quark_from_static_string ("agora-server-start-us");
}

static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  gint64 *start = g_new (gint64, 1);

  *start = g_get_monotonic_time ();
  g_object_set_qdata_full (G_OBJECT (msg), start_quark (), start, g_free);
}

/* One line per request: method, path (never the query: it may name users,
 * and never headers or bodies: they carry tokens and passwords). */
static void
on_request_finished (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  gint64 *start = g_object_get_qdata (G_OBJECT (msg), start_quark ());
  GUri *uri = soup_server_message_get_uri (msg);
  double ms = start ? (g_get_monotonic_time () - *start) / 1000.0 : 0.0;

  g_printerr ("%s %s %u %.1fms\n", soup_server_message_get_method (msg),
              uri ? g_uri_get_path (uri) : "?", soup_server_message_get_status (msg), ms);
}

static gboolean
register_apps (Server *server, GError **error)
{
  server->apps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (char **k = server->config->app_keys; *k; k++) {
    g_autofree char *org = NULL, *app = NULL;
    gint64 *id = g_new (gint64, 1);

    if (!ac_app_key_split (*k, &org, &app, error)) {
      g_free (id);
      return FALSE;
    }
    *id = store_app_ensure (server->store, org, app, error);
    if (*id <= 0) {
      g_free (id);
      return FALSE;
    }
    g_hash_table_replace (server->apps, g_strdup (*k), id);
  }
  return TRUE;
}

static gboolean
load_seed (Server *server, GError **error)
{
  const char *path = server->config->seed_path;
  const char *app_key = server->config->app_keys[0];
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonNode) result = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  if (path == NULL)
    return TRUE;
  if (!g_file_get_contents (path, &text, &len, error))
    return FALSE;
  if (!json_depth_ok (text, len, JSON_MAX_DEPTH)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "--seed %s: JSON nested deeper than %d",
                 path, JSON_MAX_DEPTH);
    return FALSE;
  }
  if (!json_parser_load_from_data (parser, text, (gssize) len, error)) {
    g_prefix_error (error, "--seed %s: ", path);
    return FALSE;
  }
  if (!store_begin (server->store, error))
    return FALSE;
  result = import_run (server->store, server_app_id (server, app_key),
                       json_parser_get_root (parser), error);
  if (result == NULL || !store_commit (server->store, error)) {
    store_rollback (server->store);
    g_prefix_error (error, "--seed %s: ", path);
    return FALSE;
  }
  return TRUE;
}

static gboolean
start_listening (Server *server, GError **error)
{
  ServerConfig *c = server->config;
  g_autoptr (GInetAddress) addr = NULL;
  g_autoptr (GSocketAddress) sa = NULL;
  GSList *uris;

  if (g_str_equal (c->listen_host, "localhost"))
    addr = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    addr = g_inet_address_new_from_string (c->listen_host);
  if (addr == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "cannot listen on %s",
                 c->listen_host);
    return FALSE;
  }
  sa = g_inet_socket_address_new (addr, c->listen_port);
  if (!soup_server_listen (server->soup, sa, 0, error))
    return FALSE;

  uris = soup_server_get_uris (server->soup);
  if (uris == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "not listening");
    return FALSE;
  }
  server->host = g_strdup (g_uri_get_host (uris->data));
  server->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (strchr (server->host, ':') != NULL)
    server->base_url = g_strdup_printf ("http://[%s]:%u", server->host, server->port);
  else
    server->base_url = g_strdup_printf ("http://%s:%u", server->host, server->port);
  return TRUE;
}

Server *
server_new (ServerConfig *config, GError **error)
{
  g_autoptr (Server) server = g_new0 (Server, 1);

  server->config = config;
  server->store = store_open (config->db_path, error);
  if (server->store == NULL)
    return NULL;
  if (!register_apps (server, error) || !load_seed (server, error))
    return NULL;

  server->soup = soup_server_new ("server-header", "agora-local-server ", NULL);
  soup_server_add_early_handler (server->soup, NULL, early_handler, server, NULL);
  soup_server_add_handler (server->soup, NULL, router_handle, server, NULL);
  g_signal_connect (server->soup, "request-started", G_CALLBACK (on_request_started), NULL);
  g_signal_connect (server->soup, "request-finished", G_CALLBACK (on_request_finished), NULL);
  server->msync = msync_server_new (server, error);
  if (server->msync == NULL)
    return NULL;
  if (!start_listening (server, error))
    return NULL;
  return g_steal_pointer (&server);
}

void
server_free (Server *server)
{
  if (server == NULL)
    return;
  g_clear_pointer (&server->msync, msync_server_free);
  if (server->soup != NULL) {
    soup_server_disconnect (server->soup);
    g_object_unref (server->soup);
  }
  g_clear_pointer (&server->apps, g_hash_table_unref);
  g_clear_pointer (&server->store, store_close);
  server_config_free (server->config);
  g_free (server->host);
  g_free (server->base_url);
  g_free (server);
}
