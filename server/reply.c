#include "reply.h"
#include "user-entity.h"
#include "ac-error.h"
#include "json-args.h"

#include <stdarg.h>
#include <string.h>

gint64
reply_now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
add_cors (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Access-Control-Allow-Origin", "*");
}

void
reply_preflight (SoupServerMessage *msg)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

  add_cors (msg);
  soup_message_headers_replace (h, "Access-Control-Allow-Methods",
                                "GET, POST, PUT, DELETE, OPTIONS");
  soup_message_headers_replace (h, "Access-Control-Allow-Headers",
                                "Authorization, Content-Type");
  soup_message_headers_replace (h, "Access-Control-Max-Age", "86400");
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
reply_json_msg (SoupServerMessage *msg, guint status, JsonNode *root)
{
  gsize len = 0;
  char *text = json_to_string (root, FALSE);

  len = strlen (text);
  add_cors (msg);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
  json_node_unref (root);
}

void
reply_json (Request *req, guint status, JsonNode *root)
{
  reply_json_msg (req->msg, status, root);
}

/* The envelope's members before "data"... */
static void
envelope_head (JsonBuilder *b, Request *req, JsonNode *entities)
{
  g_autofree char *action = g_ascii_strdown (req->method, -1);
  g_autofree char *app_uuid = entity_uuid (req->app_key, NULL);
  g_autofree char *uri = g_strconcat (req->server->base_url, req->path, NULL);

  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, action);
  if (req->app_key != NULL) {
    json_builder_set_member_name (b, "application");
    json_builder_add_string_value (b, app_uuid);
    json_builder_set_member_name (b, "applicationName");
    json_builder_add_string_value (b, req->app);
    json_builder_set_member_name (b, "organization");
    json_builder_add_string_value (b, req->org);
  }
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, req->path);
  json_builder_set_member_name (b, "uri");
  json_builder_add_string_value (b, uri);
  json_builder_set_member_name (b, "entities");
  if (entities != NULL) {
    json_builder_add_value (b, entities);
  } else {
    json_builder_begin_array (b);
    json_builder_end_array (b);
  }
}

/* ... and after it. */
static void
envelope_tail (JsonBuilder *b, Request *req)
{
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, reply_now_ms ());
  json_builder_set_member_name (b, "duration");
  json_builder_add_int_value (b, (g_get_monotonic_time () - req->start_us) / 1000);
}

static JsonNode *
envelope (Request *req, JsonNode *data, JsonNode *entities)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  envelope_head (b, req, entities);
  if (data != NULL) {
    json_builder_set_member_name (b, "data");
    json_builder_add_value (b, data);
  }
  envelope_tail (b, req);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
object_text (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  return json_to_string (root, FALSE);
}

void
reply_envelope_data_text (Request *req, GString *data)
{
  g_autoptr (JsonBuilder) head = json_builder_new ();
  g_autoptr (JsonBuilder) tail = json_builder_new ();
  g_autofree char *head_text = NULL, *tail_text = NULL;
  GString *out;
  gsize len;

  json_builder_begin_object (head);
  envelope_head (head, req, NULL);
  json_builder_end_object (head);
  json_builder_begin_object (tail);
  envelope_tail (tail, req);
  json_builder_end_object (tail);
  head_text = object_text (head);
  tail_text = object_text (tail);
  /* {head…} + data + {tail…} joined into one object, members in the usual order */
  out = g_string_sized_new (strlen (head_text) + data->len + strlen (tail_text) + 16);
  g_string_append_len (out, head_text, (gssize) strlen (head_text) - 1);
  g_string_append (out, ",\"data\":");
  g_string_append_len (out, data->str, (gssize) data->len);
  g_string_append_c (out, ',');
  g_string_append (out, tail_text + 1);
  g_string_free (data, TRUE);

  add_cors (req->msg);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  len = out->len;
  soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_string_free (out, FALSE), len);
}

void
reply_envelope (Request *req, JsonNode *data, JsonNode *entities)
{
  reply_json (req, SOUP_STATUS_OK, envelope (req, data, entities));
}

void
reply_envelope_with (Request *req, JsonNode *data, JsonNode *entities,
                     const char *extra_name, JsonNode *extra_value)
{
  JsonNode *root = envelope (req, data, entities);

  json_object_set_member (json_node_get_object (root), extra_name, extra_value);
  reply_json (req, SOUP_STATUS_OK, root);
}

static void
error_body (SoupServerMessage *msg, guint status, const char *error, const char *exception,
            gint error_code, const char *description)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error);
  if (error_code != 0) {
    json_builder_set_member_name (b, "error_code");
    json_builder_add_int_value (b, error_code);
  }
  if (exception != NULL) {
    json_builder_set_member_name (b, "exception");
    json_builder_add_string_value (b, exception);
  }
  json_builder_set_member_name (b, "error_description");
  json_builder_add_string_value (b, description);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, reply_now_ms ());
  json_builder_set_member_name (b, "duration");
  json_builder_add_int_value (b, 0);
  json_builder_end_object (b);
  reply_json_msg (msg, status, json_builder_get_root (b));
}

void
reply_error_msg (SoupServerMessage *msg, guint status, const char *error,
                 const char *exception, const char *description)
{
  error_body (msg, status, error, exception, 0, description);
}

void
reply_error (Request *req, guint status, const char *error, const char *description)
{
  reply_error_msg (req->msg, status, error, NULL, description);
}

void
reply_errorf (Request *req, guint status, const char *error, const char *format, ...)
{
  va_list ap;
  g_autofree char *text = NULL;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  reply_error (req, status, error, text);
}

void
reply_unauthorized_msg (SoupServerMessage *msg)
{
  reply_error_msg (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "EasemobSecurityException",
                   "Unable to authenticate (OAuth)");
}

void
reply_unauthorized (Request *req)
{
  reply_unauthorized_msg (req->msg);
}

void
reply_forbidden (Request *req, const char *description)
{
  reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", description);
}

void
reply_user_not_found (Request *req, const char *username)
{
  g_autofree char *text = g_strdup_printf ("Service resource not found: user not found: %s",
                                           username);

  /* The SDK recognises USER_NOT_FOUND by "user not found" or by this exception. */
  reply_error_msg (req->msg, SOUP_STATUS_NOT_FOUND, "service_resource_not_found",
                   "UserNotFoundException", text);
}

void
reply_group_not_found (Request *req, const char *group_id)
{
  /* "does not exist" on a /chatgroups URL is the SDK's GROUP_NOT_EXIST. */
  reply_errorf (req, SOUP_STATUS_NOT_FOUND, "resource_not_found",
                "group %s does not exist", group_id);
}

void
reply_gerror (Request *req, const GError *error)
{
  if (error->domain == STORE_ERROR) {
    switch ((StoreError) error->code) {
    case STORE_ERROR_NOT_FOUND:
      reply_error (req, SOUP_STATUS_NOT_FOUND, "service_resource_not_found", error->message);
      return;
    case STORE_ERROR_DUPLICATE:
      reply_error (req, SOUP_STATUS_BAD_REQUEST, "duplicate_unique_property_exists", error->message);
      return;
    case STORE_ERROR_INVALID:
      reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", error->message);
      return;
    case STORE_ERROR_FAILED:
    default:
      break;
    }
  } else if (error->domain == AC_CODEC_ERROR || error->domain == JSON_PARSER_ERROR ||
             error->domain == ARG_ERROR) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", error->message);
    return;
  }
  g_warning ("internal error: %s", error->message);
  reply_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal_server_error",
               "internal server error");
}
