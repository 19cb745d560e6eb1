#include "server-config.h"
#include "ac-jid.h"

#include <gio/gio.h>

#define GROUP "server"

ServerConfig *
server_config_new_default (void)
{
  ServerConfig *c = g_new0 (ServerConfig, 1);
  const char *keys[] = { "org1#app1", NULL };

  c->listen_host = g_strdup ("127.0.0.1");
  c->listen_port = 0;
  c->db_path = g_strdup ("agora-local-server.db");
  c->app_keys = g_strdupv ((char **) keys);
  c->client_id = g_strdup ("local-client-id");
  c->client_secret = g_strdup ("local-client-secret");
  c->token_ttl_s = 86400;
  c->legacy_days = 7;
  c->legacy_limit = 10;
  c->max_body = 1048576;
  return c;
}

void
server_config_free (ServerConfig *c)
{
  if (c == NULL)
    return;
  g_free (c->listen_host);
  g_free (c->db_path);
  g_strfreev (c->app_keys);
  g_free (c->client_id);
  g_free (c->client_secret);
  g_free (c->seed_path);
  g_free (c);
}

gboolean
server_config_parse_listen (const char *value, char **host, guint16 *port, GError **error)
{
  const char *colon = value ? strrchr (value, ':') : NULL;
  guint64 p;
  g_autofree char *h = NULL;

  if (colon == NULL || colon == value) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--listen wants HOST:PORT, got \"%s\"", value ? value : "");
    return FALSE;
  }
  h = g_strndup (value, colon - value);
  /* "[::1]:8080" */
  if (h[0] == '[' && h[strlen (h) - 1] == ']') {
    char *inner = g_strndup (h + 1, strlen (h) - 2);
    g_free (h);
    h = inner;
  }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &p, NULL)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--listen: \"%s\" is not a port number", colon + 1);
    return FALSE;
  }
  if (g_strcmp0 (h, "localhost") != 0 && !g_hostname_is_ip_address (h)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--listen: \"%s\" is not an IP address", h);
    return FALSE;
  }
  *host = g_steal_pointer (&h);
  *port = (guint16) p;
  return TRUE;
}

/* Values given on the command line; unset ones keep their sentinel. */
typedef struct {
  char    *listen, *db, *client_id, *client_secret, *config, *seed;
  char   **app_keys;
  gint64   token_ttl, max_body;
  gint     legacy_days, legacy_limit;
  gboolean open_registration;
} CliValues;

static void
cli_values_clear (CliValues *v)
{
  g_free (v->listen);
  g_free (v->db);
  g_free (v->client_id);
  g_free (v->client_secret);
  g_free (v->config);
  g_free (v->seed);
  g_strfreev (v->app_keys);
}

static void
replace_str (char **field, char *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = value;
}

static gboolean
apply_key_file (ServerConfig *c, const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error)) {
    g_prefix_error (error, "--config %s: ", path);
    return FALSE;
  }
  if (!g_key_file_has_group (kf, GROUP))
    return TRUE;

#define GET_STR(key, field) \
  if (g_key_file_has_key (kf, GROUP, key, NULL)) \
    replace_str (&c->field, g_key_file_get_string (kf, GROUP, key, NULL));
#define GET_INT(key, field, getter) \
  if (g_key_file_has_key (kf, GROUP, key, NULL)) { \
    c->field = getter (kf, GROUP, key, &local); \
    if (local) { \
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "--config %s: ", path); \
      return FALSE; \
    } \
  }

  if (g_key_file_has_key (kf, GROUP, "listen", NULL)) {
    g_autofree char *listen = g_key_file_get_string (kf, GROUP, "listen", NULL);
    g_free (c->listen_host);
    c->listen_host = NULL;
    if (!server_config_parse_listen (listen, &c->listen_host, &c->listen_port, error))
      return FALSE;
  }
  GET_STR ("db", db_path);
  GET_STR ("client-id", client_id);
  GET_STR ("client-secret", client_secret);
  GET_STR ("seed", seed_path);
  if (g_key_file_has_key (kf, GROUP, "app-key", NULL)) {
    /* Several keys: "app-key=org1#app1;org2#app2" (';' is GKeyFile's list separator). */
    g_auto (GStrv) keys = g_key_file_get_string_list (kf, GROUP, "app-key", NULL, NULL);
    if (keys != NULL && keys[0] != NULL) {
      g_strfreev (c->app_keys);
      c->app_keys = g_steal_pointer (&keys);
    }
  }
  GET_INT ("token-ttl", token_ttl_s, g_key_file_get_int64);
  GET_INT ("max-body", max_body, g_key_file_get_int64);
  GET_INT ("legacy-days", legacy_days, g_key_file_get_integer);
  GET_INT ("legacy-limit", legacy_limit, g_key_file_get_integer);
  GET_INT ("open-registration", open_registration, g_key_file_get_boolean);
#undef GET_STR
#undef GET_INT
  return TRUE;
}

static gboolean
validate (ServerConfig *c, GError **error)
{
  if (c->token_ttl_s <= 0 || c->token_ttl_s > G_MAXINT64 / 1000000) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--token-ttl must be positive");
    return FALSE;
  }
  if (c->legacy_days < 0 || c->legacy_days > 36500) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--legacy-days must be 0..36500");
    return FALSE;
  }
  if (c->legacy_limit < 1 || c->legacy_limit > 1000) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--legacy-limit must be 1..1000");
    return FALSE;
  }
  if (c->max_body < 1) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--max-body must be positive");
    return FALSE;
  }
  if (c->db_path == NULL || c->db_path[0] == '\0') {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--db must name a file");
    return FALSE;
  }
  if (c->client_id == NULL || c->client_id[0] == '\0' ||
      c->client_secret == NULL || c->client_secret[0] == '\0') {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 "--client-id and --client-secret must not be empty");
    return FALSE;
  }
  for (char **k = c->app_keys; k && *k; k++) {
    g_autofree char *org = NULL, *app = NULL;
    if (!ac_app_key_split (*k, &org, &app, error)) {
      g_prefix_error (error, "--app-key: ");
      return FALSE;
    }
  }
  if (c->app_keys == NULL || c->app_keys[0] == NULL) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "at least one --app-key");
    return FALSE;
  }
  return TRUE;
}

ServerConfig *
server_config_parse (int *argc, char ***argv, GError **error)
{
  CliValues v = { .token_ttl = -1, .max_body = -1, .legacy_days = -1, .legacy_limit = -1 };
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &v.listen, "Address to listen on (default 127.0.0.1:0)", "HOST:PORT" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &v.db, "SQLite database file (created if missing)", "FILE" },
    { "app-key", 0, 0, G_OPTION_ARG_STRING_ARRAY, &v.app_keys, "App key served (repeatable; default org1#app1)", "ORG#APP" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &v.client_id, "App admin client id", "ID" },
    { "client-secret", 0, 0, G_OPTION_ARG_STRING, &v.client_secret, "App admin client secret", "SECRET" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &v.config, "Key file with a [server] group", "FILE" },
    { "token-ttl", 0, 0, G_OPTION_ARG_INT64, &v.token_ttl, "Token lifetime (default 86400)", "SECONDS" },
    { "legacy-days", 0, 0, G_OPTION_ARG_INT, &v.legacy_days, "Legacy conversation list: active in the last N days (default 7)", "N" },
    { "legacy-limit", 0, 0, G_OPTION_ARG_INT, &v.legacy_limit, "Legacy conversation list: at most N (default 10)", "N" },
    { "max-body", 0, 0, G_OPTION_ARG_INT64, &v.max_body, "Largest request body (default 1048576)", "BYTES" },
    { "seed", 0, 0, G_OPTION_ARG_FILENAME, &v.seed, "JSON import file loaded at start", "FILE" },
    { "open-registration", 0, 0, G_OPTION_ARG_NONE, &v.open_registration, "Allow POST /users without a token", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- local Agora Chat compatible server");
  g_autoptr (ServerConfig) c = server_config_new_default ();
  gboolean ok = FALSE;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, error))
    goto out;
  if (*argc > 1) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unexpected argument \"%s\"", (*argv)[1]);
    goto out;
  }
  if (v.config != NULL && !apply_key_file (c, v.config, error))
    goto out;

  if (v.listen != NULL) {
    g_free (c->listen_host);
    c->listen_host = NULL;
    if (!server_config_parse_listen (v.listen, &c->listen_host, &c->listen_port, error))
      goto out;
  }
  replace_str (&c->db_path, g_steal_pointer (&v.db));
  replace_str (&c->client_id, g_steal_pointer (&v.client_id));
  replace_str (&c->client_secret, g_steal_pointer (&v.client_secret));
  replace_str (&c->seed_path, g_steal_pointer (&v.seed));
  if (v.app_keys != NULL && v.app_keys[0] != NULL) {
    g_strfreev (c->app_keys);
    c->app_keys = g_steal_pointer (&v.app_keys);
  }
  if (v.token_ttl != -1)
    c->token_ttl_s = v.token_ttl;
  if (v.max_body != -1)
    c->max_body = v.max_body;
  if (v.legacy_days != -1)
    c->legacy_days = v.legacy_days;
  if (v.legacy_limit != -1)
    c->legacy_limit = v.legacy_limit;
  if (v.open_registration)
    c->open_registration = TRUE;
  ok = validate (c, error);
out:
  cli_values_clear (&v);
  return ok ? g_steal_pointer (&c) : NULL;
}
