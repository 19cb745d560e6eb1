#include "ac-http.h"
#include "ac-client-error.h"

#include <libsoup/soup.h>

#define DEFAULT_IN_FLIGHT 4
#define DEFAULT_TIMEOUT 30

struct _AcHttp {
  GObject      parent;
  SoupSession *session;
  guint        max_in_flight;
  guint        in_flight;
  char        *token;
  GQueue       waiting;   /* GTask*, not yet sent */
  GQueue       parked;    /* GTask*, got 401, wait for the re-sign-in */
  GQueue       renewals;  /* GTask*, ac_http_renew_token_async waiting for the re-sign-in */
  guint        token_serial;
  gboolean     reauthing;
  guint        reauth_count;
  AcHttpReauthFunc reauth_func;
  gpointer         reauth_data;
  GDestroyNotify   reauth_destroy;
};

G_DEFINE_FINAL_TYPE (AcHttp, ac_http, G_TYPE_OBJECT)

typedef struct {
  char        *method;
  char        *url;
  GBytes      *body;       /* may be NULL */
  AcHttpFlags  flags;
  char        *sent_token; /* the token this request last went out with */
  gboolean     replayed;   /* a second 401 is final */
  SoupMessage *msg;        /* while in flight */
} Request;

static void
request_free (Request *req)
{
  g_free (req->method);
  g_free (req->url);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->sent_token);
  g_clear_object (&req->msg);
  g_free (req);
}

static void dispatch (AcHttp *http);

static void
ac_http_dispose (GObject *object)
{
  AcHttp *http = AC_HTTP (object);
  ac_http_cancel_all (http);
  if (http->reauth_destroy != NULL)
    http->reauth_destroy (http->reauth_data);
  http->reauth_destroy = NULL;
  http->reauth_func = NULL;
  g_clear_object (&http->session);
  G_OBJECT_CLASS (ac_http_parent_class)->dispose (object);
}

static void
ac_http_finalize (GObject *object)
{
  AcHttp *http = AC_HTTP (object);
  if (http->token != NULL)
    memset (http->token, 0, strlen (http->token));
  g_free (http->token);
  G_OBJECT_CLASS (ac_http_parent_class)->finalize (object);
}

static void
ac_http_class_init (AcHttpClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ac_http_dispose;
  G_OBJECT_CLASS (klass)->finalize = ac_http_finalize;
}

static void
ac_http_init (AcHttp *http)
{
  g_queue_init (&http->waiting);
  g_queue_init (&http->parked);
  g_queue_init (&http->renewals);
}

AcHttp *
ac_http_new (GProxyResolver *resolver, guint max_in_flight)
{
  AcHttp *http = g_object_new (AC_TYPE_HTTP, NULL);
  http->max_in_flight = max_in_flight > 0 ? max_in_flight : DEFAULT_IN_FLIGHT;
  /* TLS verification is libsoup's default (the system database); we never
   * connect to accept-certificate to weaken it.  As many connections as
   * requests in flight: libsoup's default of 2 per host held the third
   * back-fill walk's request in its own queue while the server idled (the
   * back-fill benchmark: 4% faster with 3 or 4). */
  http->session = soup_session_new_with_options ("timeout", DEFAULT_TIMEOUT,
                                                 "max-conns-per-host", (int) http->max_in_flight,
                                                 "user-agent", "purple-agorachat/" "0.1", NULL);
  if (resolver != NULL)
    soup_session_set_proxy_resolver (http->session, resolver);
  return http;
}

void
ac_http_set_timeout (AcHttp *http, guint seconds)
{
  g_object_set (http->session, "timeout", seconds, NULL);
}

void
ac_http_set_token (AcHttp *http, const char *token)
{
  if (http->token != NULL)
    memset (http->token, 0, strlen (http->token));
  g_free (http->token);
  http->token = g_strdup (token);
  http->token_serial++;
}

guint
ac_http_get_token_serial (AcHttp *http)
{
  return http->token_serial;
}

gboolean
ac_http_has_token (AcHttp *http)
{
  return http->token != NULL;
}

const char *
ac_http_get_token (AcHttp *http)
{
  return http->token;
}

void
ac_http_set_reauth_func (AcHttp *http, AcHttpReauthFunc func, gpointer user_data,
                         GDestroyNotify destroy)
{
  if (http->reauth_destroy != NULL)
    http->reauth_destroy (http->reauth_data);
  http->reauth_func = func;
  http->reauth_data = user_data;
  http->reauth_destroy = destroy;
}

guint
ac_http_get_reauth_count (AcHttp *http)
{
  return http->reauth_count;
}

/* Only the path goes to the log: queries may carry ids, never tokens, but the
 * path is what one needs to read a trace. */
static char *
loggable_path (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  return g_strdup (uri != NULL ? g_uri_get_path (uri) : "(bad url)");
}

static GError *
parse_reply (guint status, GBytes *bytes, AcHttpFlags flags, JsonObject **out)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  /* Not json_parser_new_immutable: sealing hashes every node of the tree,
   * a tenth of a history page's parse, for nothing we use. */
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) perr = NULL;
  JsonObject *obj = NULL;

  if (data != NULL && len > 0 && json_parser_load_from_data (parser, data, (gssize) len, &perr))
    {
      JsonNode *root = json_parser_get_root (parser);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        obj = json_node_get_object (root);
    }

  if (status == SOUP_STATUS_OK)
    {
      if (obj == NULL)
        return g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_BAD_REPLY,
                            "The server's reply is not a JSON object%s%s",
                            perr != NULL ? ": " : "", perr != NULL ? perr->message : "");
      *out = json_object_ref (obj);
      return NULL;
    }
  return ac_client_error_from_reply (status, obj, (flags & AC_HTTP_TOKEN_CALL) != 0);
}

static void
fail_task (GTask *task, GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
start_reauth (AcHttp *http)
{
  http->reauthing = TRUE;
  http->reauth_count++;
  g_debug ("token refused: re-signing in (%u)", http->reauth_count);
  if (http->reauth_func == NULL)
    {
      GError *none = g_error_new_literal (AC_CLIENT_ERROR, AC_CLIENT_ERROR_AUTH_FAILED,
                                          "The session expired and cannot be renewed");
      ac_http_reauth_done (http, none);
      g_error_free (none);
      return;
    }
  http->reauth_func (http, http->reauth_data);
}

void
ac_http_renew_token_async (AcHttp *http, guint refused, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (http, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_http_renew_token_async);
  if (!http->reauthing && refused != http->token_serial && http->token != NULL)
    {
      /* Renewed since that token went out: the new one may do. */
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_queue_push_tail (&http->renewals, task);
  if (!http->reauthing)
    start_reauth (http);
}

gboolean
ac_http_renew_token_finish (AcHttp *http, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, http), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  AcHttp *http = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr (SoupMessage) msg = g_steal_pointer (&req->msg);
  g_autofree char *path = loggable_path (req->url);

  http->in_flight--;
  if (error != NULL)
    {
      g_debug ("%s %s: %s", req->method, path, error->message);
      fail_task (task, ac_client_error_from_transport (error));
      dispatch (http);
      return;
    }

  guint status = soup_message_get_status (msg);
  g_debug ("%s %s -> %u", req->method, path, status);

  if (status == SOUP_STATUS_UNAUTHORIZED && (req->flags & AC_HTTP_AUTH) && !req->replayed)
    {
      req->replayed = TRUE;
      if (!http->reauthing && g_strcmp0 (req->sent_token, http->token) != 0 && http->token != NULL)
        /* Sent before a re-sign-in finished: the new token may do. */
        g_queue_push_head (&http->waiting, task);
      else
        {
          g_queue_push_tail (&http->parked, task);
          if (!http->reauthing)
            start_reauth (http);
        }
      dispatch (http);
      return;
    }

  JsonObject *obj = NULL;
  GError *perr = parse_reply (status, bytes, req->flags, &obj);
  if (perr != NULL)
    {
      if (g_error_matches (perr, AC_CLIENT_ERROR, AC_CLIENT_ERROR_UNAUTHORIZED))
        perr->code = AC_CLIENT_ERROR_AUTH_FAILED; /* refused again after a fresh token */
      fail_task (task, perr);
    }
  else
    {
      g_task_return_pointer (task, obj, (GDestroyNotify) json_object_unref);
      g_object_unref (task);
    }
  dispatch (http);
}

static gboolean
sendable (AcHttp *http, GTask *task)
{
  Request *req = g_task_get_task_data (task);
  return !(http->reauthing && (req->flags & AC_HTTP_AUTH));
}

static void
send_one (AcHttp *http, GTask *task)
{
  Request *req = g_task_get_task_data (task);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  SoupMessage *msg = soup_message_new (req->method, req->url);
  if (msg == NULL)
    {
      fail_task (task, g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_INVALID_ARGUMENT,
                                    "Invalid URL: %s", req->url));
      return;
    }
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  /* The SDK sends a JSON content type on every request, bodies or not (§2.1). */
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  if (req->flags & AC_HTTP_AUTH && http->token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", http->token, NULL);
      soup_message_headers_replace (headers, "Authorization", auth);
      memset (auth, 0, strlen (auth));
    }
  g_free (req->sent_token);
  req->sent_token = g_strdup (http->token);
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", req->body);
  /* libsoup opens a new connection for every non-idempotent POST; reads are safe to reuse one. */
  if (req->flags & AC_HTTP_READ)
    soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  req->msg = msg;
  http->in_flight++;
  soup_session_send_and_read_async (http->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_sent, task);
}

static void
dispatch (AcHttp *http)
{
  GList *link = http->waiting.head;
  while (link != NULL && http->in_flight < http->max_in_flight)
    {
      GList *next = link->next;
      GTask *task = link->data;
      if (sendable (http, task))
        {
          g_queue_delete_link (&http->waiting, link);
          send_one (http, task);
        }
      link = next;
    }
}

void
ac_http_request_async (AcHttp *http, const char *method, const char *url, JsonNode *body,
                       AcHttpFlags flags, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (AC_IS_HTTP (http));
  GTask *task = g_task_new (http, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_http_request_async);
  Request *req = g_new0 (Request, 1);
  req->method = g_strdup (method);
  req->url = g_strdup (url);
  req->flags = flags;
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      req->body = g_bytes_new_take (text, strlen (text));
    }
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  g_queue_push_tail (&http->waiting, task);
  dispatch (http);
}

JsonObject *
ac_http_request_finish (AcHttp *http, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, http), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GError *
reauth_error (const GError *error)
{
  return error != NULL && error->domain == AC_CLIENT_ERROR
    ? g_error_copy (error)
    : g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_AUTH_FAILED, "Signing in again failed%s%s",
                   error ? ": " : "", error ? error->message : "");
}

void
ac_http_reauth_done (AcHttp *http, const GError *error)
{
  http->reauthing = FALSE;
  gboolean ok = error == NULL && http->token != NULL;
  GTask *renewal;
  while ((renewal = g_queue_pop_head (&http->renewals)) != NULL)
    {
      if (ok)
        g_task_return_boolean (renewal, TRUE);
      else
        g_task_return_error (renewal, reauth_error (error));
      g_object_unref (renewal);
    }
  if (ok)
    {
      /* Replay in the order they were parked, ahead of newer requests. */
      GTask *task;
      while ((task = g_queue_pop_tail (&http->parked)) != NULL)
        g_queue_push_head (&http->waiting, task);
    }
  else
    {
      GTask *task;
      while ((task = g_queue_pop_head (&http->parked)) != NULL)
        fail_task (task, reauth_error (error));
      /* The waiting authenticated ones would only fetch another 401. */
      GList *link = http->waiting.head;
      while (link != NULL)
        {
          GList *next = link->next;
          Request *req = g_task_get_task_data (link->data);
          if (req->flags & AC_HTTP_AUTH)
            {
              GTask *t = link->data;
              g_queue_delete_link (&http->waiting, link);
              fail_task (t, g_error_new (AC_CLIENT_ERROR, AC_CLIENT_ERROR_AUTH_FAILED,
                                         "Signing in again failed"));
            }
          link = next;
        }
    }
  dispatch (http);
}

void
ac_http_cancel_all (AcHttp *http)
{
  GTask *task;
  while ((task = g_queue_pop_head (&http->waiting)) != NULL)
    fail_task (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  while ((task = g_queue_pop_head (&http->parked)) != NULL)
    fail_task (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  while ((task = g_queue_pop_head (&http->renewals)) != NULL)
    fail_task (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
  if (http->session != NULL)
    soup_session_abort (http->session);
}
