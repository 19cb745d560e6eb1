#include "ac-api-private.h"
#include "ac-client-error.h"
#include "ac-jid.h"
#include "ac-id.h"

struct _AcApi {
  GObject  parent;
  AcHttp  *http;
  char    *app_key;
  char    *org;
  char    *app;
  char    *username;
  char    *password;
  char    *rest_url;
  char    *resource;
};

G_DEFINE_FINAL_TYPE (AcApi, ac_api, G_TYPE_OBJECT)

static void
wipe (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
ac_api_dispose (GObject *object)
{
  AcApi *api = AC_API (object);
  if (api->http != NULL)
    ac_http_set_reauth_func (api->http, NULL, NULL, NULL);
  g_clear_object (&api->http);
  G_OBJECT_CLASS (ac_api_parent_class)->dispose (object);
}

static void
ac_api_finalize (GObject *object)
{
  AcApi *api = AC_API (object);
  g_free (api->app_key);
  g_free (api->org);
  g_free (api->app);
  g_free (api->username);
  wipe (&api->password);
  g_free (api->rest_url);
  g_free (api->resource);
  G_OBJECT_CLASS (ac_api_parent_class)->finalize (object);
}

static void
ac_api_class_init (AcApiClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ac_api_dispose;
  G_OBJECT_CLASS (klass)->finalize = ac_api_finalize;
}

static void
ac_api_init (AcApi *api)
{
}

AcApi *
ac_api_new (AcHttp *http, const char *app_key, const char *username, GError **error)
{
  g_autofree char *org = NULL, *app = NULL;
  g_autoptr (GError) local = NULL;
  if (app_key == NULL || !ac_app_key_split (app_key, &org, &app, &local))
    {
      g_set_error (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_INVALID_ARGUMENT,
                   "The app key \"%s\" is not of the form org#app",
                   app_key != NULL ? app_key : "");
      return NULL;
    }
  if (username == NULL || *username == '\0')
    {
      g_set_error_literal (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_INVALID_ARGUMENT,
                           "The user id is empty");
      return NULL;
    }
  AcApi *api = g_object_new (AC_TYPE_API, NULL);
  api->http = g_object_ref (http);
  api->app_key = g_strdup (app_key);
  api->org = g_steal_pointer (&org);
  api->app = g_steal_pointer (&app);
  api->username = g_strdup (username);
  return api;
}

AcHttp *ac_api_get_http (AcApi *api) { return api->http; }
const char *ac_api_get_username (AcApi *api) { return api->username; }
const char *ac_api_get_app_key (AcApi *api) { return api->app_key; }
const char *ac_api_get_rest_url (AcApi *api) { return api->rest_url; }

/* §3.4: the SDK shows an attachment at {api} + the path of its url +
 * ?em-redirect=true&share-secret=<secret>, whatever host the url names (the
 * stored host may be an internal one). */
char *
ac_api_attachment_url (AcApi *api, const char *url, const char *secret)
{
  if (url == NULL || *url == '\0' || api->rest_url == NULL)
    return NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  if (path == NULL || *path != '/')
    return NULL;
  GString *out = g_string_new (api->rest_url);
  g_string_append (out, path);
  g_string_append (out, "?em-redirect=true");
  if (secret != NULL && *secret != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (secret, NULL, FALSE);
      g_string_append_printf (out, "&share-secret=%s", escaped);
    }
  return g_string_free (out, FALSE);
}

void
ac_api_set_rest_url (AcApi *api, const char *rest_url)
{
  g_free (api->rest_url);
  api->rest_url = g_strdup (rest_url);
  gsize len = strlen (api->rest_url);
  while (len > 0 && api->rest_url[len - 1] == '/')
    api->rest_url[--len] = '\0';
}

/* ---- helpers shared by the ac-api-*.c files ---- */

char *
ac_api_escape (const char *segment)
{
  return g_uri_escape_string (segment, NULL, FALSE);
}

char *
ac_api_url (AcApi *api, const char *path_fmt, ...)
{
  va_list args;
  va_start (args, path_fmt);
  g_autofree char *path = g_strdup_vprintf (path_fmt, args);
  va_end (args);
  g_autofree char *org = ac_api_escape (api->org);
  g_autofree char *app = ac_api_escape (api->app);
  return g_strdup_printf ("%s/%s/%s/%s", api->rest_url != NULL ? api->rest_url : "",
                          org, app, path);
}

JsonObject *
ac_json_object (JsonObject *obj, const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
ac_json_array (JsonObject *obj, const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
ac_json_string (JsonObject *obj, const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
ac_json_uint (JsonObject *obj, const char *member, guint64 *out)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return ac_id_parse (json_node_get_string (node), out);
  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);
      if (v < 0)
        return FALSE;
      *out = (guint64) v;
      return TRUE;
    }
  return FALSE;
}

JsonObject *
ac_json_data_object (JsonObject *reply, GError **error)
{
  JsonObject *data = ac_json_object (reply, "data");
  if (data == NULL)
    g_set_error_literal (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_BAD_REPLY,
                         "The server's reply has no \"data\" object");
  return data;
}

JsonArray *
ac_json_data_array (JsonObject *reply, GError **error)
{
  JsonArray *data = ac_json_array (reply, "data");
  if (data == NULL)
    g_set_error_literal (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_BAD_REPLY,
                         "The server's reply has no \"data\" list");
  return data;
}

/* ---- sign-in (POST /token, §1.3) ---- */

static void reauth (AcHttp *http, gpointer user_data);

void
ac_api_set_resource (AcApi *api, const char *resource)
{
  g_free (api->resource);
  api->resource = g_strdup (resource);
}

const char *
ac_api_get_resource (AcApi *api)
{
  return api->resource;
}

void
ac_api_set_password (AcApi *api, const char *password)
{
  wipe (&api->password);
  api->password = g_strdup (password);
  ac_http_set_reauth_func (api->http, reauth, api, NULL);
}

static void
on_token (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AcApi *api = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (JsonObject) reply = ac_http_request_finish (AC_HTTP (source), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  const char *token = ac_json_string (reply, "access_token");
  if (token == NULL || *token == '\0')
    {
      g_task_return_new_error (task, AC_CLIENT_ERROR, AC_CLIENT_ERROR_BAD_REPLY,
                               "The sign-in reply has no access token");
      return;
    }
  ac_http_set_token (api->http, token);
  g_task_return_boolean (task, TRUE);
}

void
ac_api_sign_in_async (AcApi *api, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_sign_in_async);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "grant_type");
  json_builder_add_string_value (b, "password");
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, api->username);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, api->password != NULL ? api->password : "");
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, g_get_real_time () / 1000);
  json_builder_end_object (b);
  g_autoptr (JsonNode) body = json_builder_get_root (b);
  g_autofree char *url = ac_api_url (api, "token");
  ac_http_request_async (api->http, "POST", url, body, AC_HTTP_TOKEN_CALL, cancellable,
                         on_token, task);
}

gboolean
ac_api_sign_in_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, api), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_reauth_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AcApi *api = AC_API (source);
  g_autoptr (GError) error = NULL;
  if (ac_api_sign_in_finish (api, result, &error))
    {
      /* sign_in already installed the new token. */
      ac_http_reauth_done (api->http, NULL);
      return;
    }
  ac_http_reauth_done (api->http, error);
}

static void
reauth (AcHttp *http, gpointer user_data)
{
  AcApi *api = user_data;
  ac_api_sign_in_async (api, NULL, on_reauth_signed_in, NULL);
}

/* ---- discovery ("HTTP DNS", §1.2) ---- */

typedef struct {
  char *rest_url;
  char *ws_url;
} Discovered;

static void
discovered_free (Discovered *d)
{
  g_free (d->rest_url);
  g_free (d->ws_url);
  g_free (d);
}

/* The first host of hosts[] whose protocol is `want` ("https"/"http"), as
 * scheme://domain[:port]; the port is left out when it is the scheme's own. */
static char *
pick_host (JsonObject *group, const char *want, const char *scheme_secure, const char *scheme_plain)
{
  JsonArray *hosts = ac_json_array (group, "hosts");
  guint n = hosts != NULL ? json_array_get_length (hosts) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (hosts, i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      JsonObject *host = json_node_get_object (node);
      const char *protocol = ac_json_string (host, "protocol");
      const char *domain = ac_json_string (host, "domain");
      if (protocol == NULL || domain == NULL || *domain == '\0' || g_strcmp0 (protocol, want) != 0)
        continue;
      gboolean secure = g_strcmp0 (protocol, "https") == 0;
      guint64 port = 0;
      ac_json_uint (host, "port", &port);
      const char *scheme = secure ? scheme_secure : scheme_plain;
      if (port == 0 || port == 80 || port == 443)
        return g_strdup_printf ("%s://%s", scheme, domain);
      return g_strdup_printf ("%s://%s:%" G_GUINT64_FORMAT, scheme, domain, port);
    }
  return NULL;
}

/* A TLS discovery URL gets TLS hosts only; a plain one (a local server)
 * prefers plain hosts and takes TLS ones when that is all there is. */
static char *
pick (JsonObject *group, gboolean secure, const char *s_secure, const char *s_plain)
{
  char *url = pick_host (group, secure ? "https" : "http", s_secure, s_plain);
  if (url == NULL && !secure)
    url = pick_host (group, "https", s_secure, s_plain);
  return url;
}

static void
on_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  const char *discovery_url = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonObject) reply = ac_http_request_finish (AC_HTTP (source), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  gboolean secure = g_str_has_prefix (discovery_url, "https:");
  g_autofree char *rest = pick (ac_json_object (reply, "rest"), secure, "https", "http");
  g_autofree char *ws_base = pick (ac_json_object (reply, "msync-wx"), secure, "wss", "ws");
  if (rest == NULL || ws_base == NULL)
    {
      g_task_return_new_error (task, AC_CLIENT_ERROR, AC_CLIENT_ERROR_BAD_REPLY,
                               "The server list has no %s host",
                               rest == NULL ? "REST" : "WebSocket");
      return;
    }
  Discovered *d = g_new0 (Discovered, 1);
  d->rest_url = g_steal_pointer (&rest);
  d->ws_url = g_strconcat (ws_base, "/websocket", NULL);
  g_task_return_pointer (task, d, (GDestroyNotify) discovered_free);
}

void
ac_api_discover_async (AcApi *api, const char *discovery_url, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_discover_async);
  g_autofree char *base = g_strdup (discovery_url != NULL ? discovery_url : "");
  g_strchomp (base);
  gsize len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  g_task_set_task_data (task, g_strdup (base), g_free);
  g_autofree char *key = g_uri_escape_string (api->app_key, NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("%s/easemob/server.json?app_key=%s", base, key);
  ac_http_request_async (api->http, "GET", url, NULL, AC_HTTP_NONE, cancellable, on_discovered, task);
}

gboolean
ac_api_discover_finish (AcApi *api, GAsyncResult *result, char **rest_url, char **ws_url,
                        GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, api), FALSE);
  Discovered *d = g_task_propagate_pointer (G_TASK (result), error);
  if (d == NULL)
    return FALSE;
  if (rest_url != NULL)
    *rest_url = g_steal_pointer (&d->rest_url);
  if (ws_url != NULL)
    *ws_url = g_steal_pointer (&d->ws_url);
  discovered_free (d);
  return TRUE;
}
