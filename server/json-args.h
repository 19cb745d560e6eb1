#pragma once
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Typed access to members of a request's JSON body.  json-glib's getters
 * warn and return defaults on a wrong type; these report it instead, so a
 * wrong type is a 400 with a description naming the field. */

#define ARG_ERROR (arg_error_quark ())
GQuark arg_error_quark (void);
typedef enum {
  ARG_ERROR_MISSING,   /* "field x cannot be null or empty" */
  ARG_ERROR_INVALID,   /* wrong type or value */
} ArgError;

/* json-glib 1.6 parses recursively without a depth limit, so a body of a
 * million '[' overflows the stack.  Every JSON text from outside passes
 * through this before the parser sees it. */
#define JSON_MAX_DEPTH 64
gboolean json_depth_ok (const char *data, gsize len, guint max_depth);

/* Absent or null: *out = NULL and TRUE unless required.  Empty strings
 * count as missing when required. */
gboolean json_arg_string (JsonObject *o, const char *name, gboolean required,
                          const char **out, GError **error);
/* Absent or null: *out = def. */
gboolean json_arg_bool (JsonObject *o, const char *name, gboolean required, gboolean def,
                        gboolean *out, GError **error);
/* Integral JSON number only. */
gboolean json_arg_int (JsonObject *o, const char *name, gboolean required, gint64 def,
                       gint64 *out, GError **error);
/* Array of non-empty strings; absent: *out = NULL.  Free with g_ptr_array_unref. */
gboolean json_arg_string_array (JsonObject *o, const char *name, gboolean required,
                                GPtrArray **out, GError **error);
/* Object member; absent: *out = NULL. */
gboolean json_arg_object (JsonObject *o, const char *name, gboolean required,
                          JsonObject **out, GError **error);

G_END_DECLS
