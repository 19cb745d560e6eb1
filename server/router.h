#pragma once
#include "request.h"

G_BEGIN_DECLS

/* Who may make a call. */
typedef enum {
  ROUTE_AUTH_NONE,         /* no token looked at */
  ROUTE_AUTH_ANY,          /* any valid token of this app */
  ROUTE_AUTH_USER_SELF,    /* the app token, or the token of the user in {u} */
  ROUTE_AUTH_APP,          /* the app token only */
  ROUTE_AUTH_REGISTRATION, /* the app token, or nothing with --open-registration */
} RouteAuth;

typedef void (*RouteHandler) (Request *req);

typedef struct {
  const char  *method;
  /* Segments after the host; "{name}" captures one segment.  Patterns
   * that start with "{org}/{app}" are checked against the served apps. */
  const char  *pattern;
  RouteAuth    auth;
  RouteHandler handler;
} Route;

/* The SoupServer callback for every path: CORS preflight, routing, app
 * and token checks, and one store transaction around the handler
 * (committed on a 2xx reply, rolled back otherwise). */
void router_handle (SoupServer *soup, SoupServerMessage *msg, const char *path,
                    GHashTable *query, gpointer server);

/* Exposed for tests: match `path` against `pattern`; fills captures. */
gboolean router_match (const char *pattern, const char *path, Request *req);

G_END_DECLS
