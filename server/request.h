#pragma once
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include "server.h"

G_BEGIN_DECLS

#define REQUEST_MAX_CAPTURES 4

/* One REST call as its handler sees it: filled by the router. */
typedef struct {
  Server            *server;
  SoupServerMessage *msg;
  const char        *method;
  const char        *path;           /* URL path, still percent-encoded */
  GHashTable        *query;          /* decoded name -> value; never NULL */
  char              *org, *app, *app_key;
  gint64             app_id;
  char              *cap_names[REQUEST_MAX_CAPTURES];
  char              *cap_values[REQUEST_MAX_CAPTURES];
  guint              n_caps;
  /* Who called: caller_user NULL with caller_is_app for the app token;
   * both unset for calls without authentication. */
  char              *caller_user;
  gboolean           caller_is_app;
  gint64             token_expires_at; /* ms */
  gint64             start_us;         /* monotonic, for "duration" */
} Request;

void        request_clear (Request *req);

/* A {name} captured from the path, percent-decoded; NULL if none. */
const char *request_capture (Request *req, const char *name);
/* A query parameter; NULL when absent (an empty value is "").  */
const char *request_query (Request *req, const char *name);

/* The body as a JSON object.  On failure a 400 invalid_request_body has
 * been sent and NULL is returned.  `required` FALSE: an empty body gives
 * an empty object. */
JsonObject *request_body_object (Request *req, gboolean required, JsonNode **root);
/* The body as any JSON value, or NULL after a 400 has been sent. */
JsonNode   *request_body_json (Request *req);
gsize       request_body_length (Request *req);

/* Integer query parameter: absent or empty -> def.  Not a decimal number
 * within [min, max] -> 400 sent, FALSE. */
gboolean    request_query_int (Request *req, const char *name, gint64 def, gint64 min,
                               gint64 max, gint64 *out);

G_END_DECLS
