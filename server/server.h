#pragma once
#include <libsoup/soup.h>
#include "server-config.h"
#include "store.h"

G_BEGIN_DECLS

/* The running server: its options, its store and the SoupServer answering
 * REST calls.  Handlers reach it through Request.server. */
typedef struct _Server {
  ServerConfig *config;       /* owned */
  Store        *store;        /* owned */
  SoupServer   *soup;         /* owned */
  GHashTable   *apps;         /* "org#app" -> gint64* store app id */
  char         *host;         /* what we listen on, for URLs we hand out */
  guint16       port;
  char         *base_url;     /* "http://host:port" */
  struct _MsyncServer *msync; /* owned: the MSYNC WebSocket endpoint */
} Server;

/* Opens the store, registers the configured apps, loads the seed file and
 * starts listening.  Takes ownership of config, also on failure. */
Server  *server_new (ServerConfig *config, GError **error);
void     server_free (Server *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Server, server_free)

/* 0 when the app key is not one we serve. */
gint64   server_app_id (Server *server, const char *app_key);

G_END_DECLS
