#include "json-args.h"

G_DEFINE_QUARK (server-argument-error, arg_error)

gboolean
json_depth_ok (const char *data, gsize len, guint max_depth)
{
  guint depth = 0;
  gboolean in_string = FALSE, escaped = FALSE;

  for (gsize i = 0; i < len; i++) {
    char c = data[i];
    if (in_string) {
      if (escaped)
        escaped = FALSE;
      else if (c == '\\')
        escaped = TRUE;
      else if (c == '"')
        in_string = FALSE;
      continue;
    }
    if (c == '"')
      in_string = TRUE;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return FALSE;
    } else if ((c == ']' || c == '}') && depth > 0)
      depth--;
  }
  return TRUE;
}

static gboolean
missing (const char *name, gboolean required, GError **error)
{
  if (required)
    g_set_error (error, ARG_ERROR, ARG_ERROR_MISSING, "field %s cannot be null or empty", name);
  return !required;
}

static JsonNode *
member (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return (n == NULL || JSON_NODE_HOLDS_NULL (n)) ? NULL : n;
}

static gboolean
is_type (JsonNode *n, GType t)
{
  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == t;
}

gboolean
json_arg_string (JsonObject *o, const char *name, gboolean required, const char **out,
                 GError **error)
{
  JsonNode *n = member (o, name);

  *out = NULL;
  if (n == NULL)
    return missing (name, required, error);
  if (!is_type (n, G_TYPE_STRING)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "field %s must be a string", name);
    return FALSE;
  }
  *out = json_node_get_string (n);
  if (required && (*out)[0] == '\0') {
    *out = NULL;
    return missing (name, required, error);
  }
  return TRUE;
}

gboolean
json_arg_bool (JsonObject *o, const char *name, gboolean required, gboolean def,
               gboolean *out, GError **error)
{
  JsonNode *n = member (o, name);

  *out = def;
  if (n == NULL)
    return missing (name, required, error);
  if (!is_type (n, G_TYPE_BOOLEAN)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "field %s must be true or false", name);
    return FALSE;
  }
  *out = json_node_get_boolean (n);
  return TRUE;
}

gboolean
json_arg_int (JsonObject *o, const char *name, gboolean required, gint64 def, gint64 *out,
              GError **error)
{
  JsonNode *n = member (o, name);

  *out = def;
  if (n == NULL)
    return missing (name, required, error);
  if (!is_type (n, G_TYPE_INT64)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "field %s must be an integer", name);
    return FALSE;
  }
  *out = json_node_get_int (n);
  return TRUE;
}

gboolean
json_arg_string_array (JsonObject *o, const char *name, gboolean required, GPtrArray **out,
                       GError **error)
{
  JsonNode *n = member (o, name);
  JsonArray *a;
  g_autoptr (GPtrArray) list = NULL;

  *out = NULL;
  if (n == NULL)
    return missing (name, required, error);
  if (!JSON_NODE_HOLDS_ARRAY (n)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "field %s must be an array of strings", name);
    return FALSE;
  }
  a = json_node_get_array (n);
  list = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (a); i++) {
    JsonNode *e = json_array_get_element (a, i);
    if (!is_type (e, G_TYPE_STRING) || json_node_get_string (e)[0] == '\0') {
      g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID,
                   "field %s[%u] must be a non-empty string", name, i);
      return FALSE;
    }
    g_ptr_array_add (list, (gpointer) json_node_get_string (e));
  }
  if (required && list->len == 0)
    return missing (name, required, error);
  *out = g_steal_pointer (&list);
  return TRUE;
}

gboolean
json_arg_object (JsonObject *o, const char *name, gboolean required, JsonObject **out,
                 GError **error)
{
  JsonNode *n = member (o, name);

  *out = NULL;
  if (n == NULL)
    return missing (name, required, error);
  if (!JSON_NODE_HOLDS_OBJECT (n)) {
    g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "field %s must be an object", name);
    return FALSE;
  }
  *out = json_node_get_object (n);
  return TRUE;
}
