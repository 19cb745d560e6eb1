#include "server-history.h"
#include "local-server.h"
#include "ac-message-pb.h"

GPtrArray *
server_history (const char *url, const char *user, const char *password, const char *peer,
                guint n)
{
  g_autofree char *token_url = g_strconcat (url, "/org1/app1/token", NULL);
  g_autofree char *cred = g_strdup_printf ("{\"grant_type\":\"password\",\"username\":\"%s\","
                                           "\"password\":\"%s\"}", user, password);
  g_autoptr (JsonObject) t = local_server_post_json (token_url, NULL, cred, 200);
  const char *token = json_object_get_string_member (t, "access_token");
  g_autofree char *roaming_url = g_strdup_printf ("%s/org1/app1/users/%s/messageroaming", url, user);
  g_autofree char *body = g_strdup_printf ("{\"queue\":\"%s@easemob.com\",\"start\":-1,"
                                           "\"pull_number\":%u,\"is_positive\":false}", peer, n);
  g_autoptr (JsonObject) r = local_server_post_json (roaming_url, token, body, 200);
  JsonArray *msgs = json_object_get_array_member (json_object_get_object_member (r, "data"), "msgs");
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  for (guint i = 0; i < json_array_get_length (msgs); i++)
    {
      g_autoptr (GError) error = NULL;
      const char *b64 = json_object_get_string_member (json_array_get_object_element (msgs, i), "msg");
      AcMessage *m = ac_message_from_meta_base64 (b64, &error);
      g_assert_no_error (error);
      g_ptr_array_add (out, m);
    }
  return out;
}
