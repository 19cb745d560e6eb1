#pragma once
#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The one HTTP client of an account: one SoupSession (TLS verified, proxy
 * resolver settable), one request queue with a small concurrency limit, and the
 * 401 rule — a 401 parks the request, exactly one re-sign-in runs (through the
 * reauth function the owner installs), then every parked request is replayed
 * with the new token; requests queued meanwhile wait.  Tokens are never logged. */
#define AC_TYPE_HTTP (ac_http_get_type ())
G_DECLARE_FINAL_TYPE (AcHttp, ac_http, AC, HTTP, GObject)

typedef enum {
  AC_HTTP_NONE       = 0,
  AC_HTTP_AUTH       = 1 << 0, /* send "Authorization: Bearer <token>"; subject to the 401 rule */
  AC_HTTP_TOKEN_CALL = 1 << 1, /* POST /token: its 400/404 are authentication failures */
  AC_HTTP_READ       = 1 << 2, /* a POST that only reads (messageroaming, metadata/user/get):
                                  marked idempotent so that libsoup reuses the connection */
} AcHttpFlags;

/* resolver: NULL keeps GIO's default.  max_in_flight: 0 picks the default (4). */
AcHttp  *ac_http_new (GProxyResolver *resolver, guint max_in_flight);
/* I/O timeout of one request in seconds (default 30). */
void     ac_http_set_timeout (AcHttp *http, guint seconds);
void     ac_http_set_token (AcHttp *http, const char *token);
gboolean ac_http_has_token (AcHttp *http);
/* The current token (NULL before sign-in), for the MSYNC PROVISION; never log it. */
const char *ac_http_get_token (AcHttp *http);

/* Called when a 401 needs a new token; it must end (possibly later) with
 * ac_http_reauth_done().  Without one, a 401 is AC_CLIENT_ERROR_AUTH_FAILED. */
typedef void (*AcHttpReauthFunc) (AcHttp *http, gpointer user_data);
void     ac_http_set_reauth_func (AcHttp *http, AcHttpReauthFunc func, gpointer user_data,
                                  GDestroyNotify destroy);
/* error NULL = the re-sign-in worked and ac_http_set_token() holds the new
 * token: parked requests replay.  Otherwise the parked and the waiting
 * authenticated requests fail with error (an AC_CLIENT_ERROR) or AUTH_FAILED. */
void     ac_http_reauth_done (AcHttp *http, const GError *error);
/* Changes with every ac_http_set_token(): tells a caller whether the token
 * it used is still the current one (0 before the first). */
guint    ac_http_get_token_serial (AcHttp *http);
/* The one shared re-sign-in for other users of the token (the MSYNC
 * PROVISION): the token of serial `refused` was refused.  Whoever notices
 * first starts the re-sign-in, the others wait for the same one; when the
 * token has already changed since `refused`, finishes at once.  TRUE: a new
 * token is set.  Otherwise the re-sign-in's error (an AC_CLIENT_ERROR). */
void     ac_http_renew_token_async (AcHttp *http, guint refused, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean ac_http_renew_token_finish (AcHttp *http, GAsyncResult *result, GError **error);
/* How many re-sign-ins were started (for tests and the debug log). */
guint    ac_http_get_reauth_count (AcHttp *http);

/* body: JSON to send, may be NULL.  The result is the parsed reply object of a
 * 200 reply; anything else is an AC_CLIENT_ERROR (or G_IO_ERROR_CANCELLED). */
void        ac_http_request_async (AcHttp *http, const char *method, const char *url,
                                   JsonNode *body, AcHttpFlags flags,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
JsonObject *ac_http_request_finish (AcHttp *http, GAsyncResult *result, GError **error);

/* Fails every queued and parked request with G_IO_ERROR_CANCELLED and aborts
 * the ones in flight: what closing the account does. */
void     ac_http_cancel_all (AcHttp *http);

G_END_DECLS
