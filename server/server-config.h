#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* The server's options: command line, optionally over a GKeyFile ([server]
 * group, same keys as the long options).  Command line wins over the file. */
typedef struct {
  char    *listen_host;        /* IP literal or "localhost" */
  guint16  listen_port;        /* 0 = any free port */
  char    *db_path;
  GStrv    app_keys;           /* "org#app", at least one */
  char    *client_id;
  char    *client_secret;
  gint64   token_ttl_s;
  gint     legacy_days;
  gint     legacy_limit;
  gint64   max_body;
  char    *seed_path;          /* may be NULL */
  gboolean open_registration;
} ServerConfig;

ServerConfig *server_config_parse (int *argc, char ***argv, GError **error);
/* Defaults only (tests build a config without a command line). */
ServerConfig *server_config_new_default (void);
void          server_config_free (ServerConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServerConfig, server_config_free)

gboolean      server_config_parse_listen (const char *value, char **host, guint16 *port,
                                          GError **error);

G_END_DECLS
