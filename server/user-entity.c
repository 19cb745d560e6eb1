#include "user-entity.h"
#include "json-args.h"

char *
entity_uuid (const char *app_key, const char *name)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 d[20];
  gsize len = sizeof d;

  g_checksum_update (sum, (const guchar *) (app_key ? app_key : ""), -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) (name ? name : ""), -1);
  g_checksum_get_digest (sum, d, &len);
  d[6] = (d[6] & 0x0f) | 0x50;   /* version 5 */
  d[8] = (d[8] & 0x3f) | 0x80;   /* RFC 4122 variant */
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9],
                          d[10], d[11], d[12], d[13], d[14], d[15]);
}

JsonNode *
user_entity_to_json (const char *app_key, const StoreUser *user)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *uuid = entity_uuid (app_key, user->username);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "uuid");
  json_builder_add_string_value (b, uuid);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "user");
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, user->created);
  json_builder_set_member_name (b, "modified");
  json_builder_add_int_value (b, user->created);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, user->username);
  json_builder_set_member_name (b, "activated");
  json_builder_add_boolean_value (b, user->activated);
  if (user->nickname != NULL) {
    json_builder_set_member_name (b, "nickname");
    json_builder_add_string_value (b, user->nickname);
  }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
username_normalize (const char *name, GError **error)
{
  g_autofree char *lower = NULL;
  gsize len = name ? strlen (name) : 0;

  if (len == 0 || len > 64 || !g_utf8_validate (name, -1, NULL))
    goto illegal;
  lower = g_ascii_strdown (name, -1);
  for (const char *p = lower; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'z') && *p != '_' && *p != '.' && *p != '-')
      goto illegal;
  return g_steal_pointer (&lower);

illegal:
  g_set_error (error, ARG_ERROR, ARG_ERROR_INVALID, "username [%s] is not legal",
               name ? name : "");
  return NULL;
}
