#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Errors of the Agora client as the user should meet them.  The purple layer
 * maps each code to one PurpleConnectionError, so the split here follows what
 * the user can do about it (retry later, fix the password, fix the settings). */
#define AC_CLIENT_ERROR (ac_client_error_quark ())
GQuark ac_client_error_quark (void);

typedef enum {
  AC_CLIENT_ERROR_AUTH_FAILED,     /* wrong password, unknown user, token refused twice */
  AC_CLIENT_ERROR_NETWORK,         /* unreachable, timeout, connection reset */
  AC_CLIENT_ERROR_TLS,             /* certificate or handshake failure */
  AC_CLIENT_ERROR_SERVER,          /* 5xx, 429/503 "busy" */
  AC_CLIENT_ERROR_BAD_REPLY,       /* not JSON, or JSON without the fields we need */
  AC_CLIENT_ERROR_NOT_FOUND,       /* 404 on a resource (group, conversation) */
  AC_CLIENT_ERROR_FORBIDDEN,       /* 403 */
  AC_CLIENT_ERROR_NOT_SUPPORTED,   /* "service not open" / unknown endpoint */
  AC_CLIENT_ERROR_INVALID_ARGUMENT,/* other 4xx, or a bad setting (app key, URL) */
  AC_CLIENT_ERROR_UNAUTHORIZED,    /* 401: handled inside the HTTP client, seen only if re-sign-in fails */
} AcClientError;

/* The Agora error body ({"error","error_description",…}, protocol reference
 * §2.3/§2.4) of a non-200 reply, turned into an AC_CLIENT_ERROR.  body may be
 * NULL (reply was not JSON).  is_token_call: errors of POST /token are
 * authentication failures (400 invalid_grant, 404 user not found). */
GError *ac_client_error_from_reply (guint status, JsonObject *body, gboolean is_token_call);

/* A transport error (GIOError, GTlsError, GResolverError …) as an AC_CLIENT_ERROR;
 * G_IO_ERROR_CANCELLED is kept as it is so callers can tell cancellation apart. */
GError *ac_client_error_from_transport (const GError *error);

G_END_DECLS
