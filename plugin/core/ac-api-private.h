#pragma once
#include "ac-api.h"

/* Shared by the ac-api-*.c files only. */

/* "{rest}/{org}/{app}/" + path; path segments must already be escaped. */
char       *ac_api_url (AcApi *api, const char *path_fmt, ...) G_GNUC_PRINTF (2, 3);
/* A path segment (user or group id) escaped for a URL. */
char       *ac_api_escape (const char *segment);

/* Tolerant readers: wrong types read as absent, never crash. */
JsonObject *ac_json_object (JsonObject *obj, const char *member);
JsonArray  *ac_json_array (JsonObject *obj, const char *member);
const char *ac_json_string (JsonObject *obj, const char *member);
/* A number, or a string of digits (ids are strings, counts usually numbers). */
gboolean    ac_json_uint (JsonObject *obj, const char *member, guint64 *out);
/* "data" of the reply envelope as an object / array, or a BAD_REPLY error. */
JsonObject *ac_json_data_object (JsonObject *reply, GError **error);
JsonArray  *ac_json_data_array (JsonObject *reply, GError **error);
