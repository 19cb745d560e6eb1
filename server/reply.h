#pragma once
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include "request.h"

G_BEGIN_DECLS

/* Every reply body the server sends is built here: success envelopes,
 * bare objects and {error, error_description} bodies.  Every reply carries
 * Content-Type: application/json and Access-Control-Allow-Origin: *. */

/* Takes ownership of root. */
void reply_json (Request *req, guint status, JsonNode *root);
void reply_json_msg (SoupServerMessage *msg, guint status, JsonNode *root);

/* {"action","application","applicationName","organization","path","uri",
 *  "entities","data","timestamp","duration"}; data/entities may be NULL
 * (entities then is []).  Takes ownership of data and entities. */
void reply_envelope (Request *req, JsonNode *data, JsonNode *entities);
/* The same envelope with `data` given as JSON text (taken), for replies too
 * big to build as a JsonNode tree cheaply (history pages): the caller
 * guarantees it is one valid JSON value. */
void reply_envelope_data_text (Request *req, GString *data);
/* The same envelope with more top-level members added (ownership taken). */
void reply_envelope_with (Request *req, JsonNode *data, JsonNode *entities,
                          const char *extra_name, JsonNode *extra_value);

void reply_error (Request *req, guint status, const char *error, const char *description);
void reply_error_msg (SoupServerMessage *msg, guint status, const char *error,
                      const char *exception, const char *description);
void reply_errorf (Request *req, guint status, const char *error, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

/* 401 {"error":"unauthorized","exception":"EasemobSecurityException",
 *      "error_description":"Unable to authenticate (OAuth)"} */
void reply_unauthorized (Request *req);
void reply_unauthorized_msg (SoupServerMessage *msg);
void reply_forbidden (Request *req, const char *description);
/* 404 service_resource_not_found / UserNotFoundException. */
void reply_user_not_found (Request *req, const char *username);
void reply_group_not_found (Request *req, const char *group_id);
/* Maps a store or codec error: NOT_FOUND 404, DUPLICATE/INVALID/codec 400, else 500. */
void reply_gerror (Request *req, const GError *error);

/* CORS headers a preflight needs. */
void reply_preflight (SoupServerMessage *msg);

gint64 reply_now_ms (void);

G_END_DECLS
