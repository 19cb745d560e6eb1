#include "conv-ref.h"
#include "reply.h"
#include "ac-id.h"

gboolean
conv_ref_resolve (Request *req, const char *user, const char *peer, gboolean group,
                  StoreConvRef *ref, char **peer_out)
{
  Store *store = req->server->store;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;

  *peer_out = NULL;
  if (peer == NULL || peer[0] == '\0') {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                 group ? "group id cannot be null or empty" : "user id cannot be null or empty");
    return FALSE;
  }
  if (group) {
    g_autoptr (StoreGroup) g = NULL;
    guint64 number;
    if (!ac_id_parse (peer, &number)) {
      reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                    "group id [%s] is not valid", peer);
      return FALSE;
    }
    name = g_strdup (peer);
    g = store_group_get (store, req->app_id, name, FALSE, &error);
    if (g == NULL) {
      if (g_error_matches (error, STORE_ERROR, STORE_ERROR_NOT_FOUND))
        reply_group_not_found (req, name);
      else
        reply_gerror (req, error);
      return FALSE;
    }
    if (!store_group_is_member (store, req->app_id, name, user)) {
      reply_errorf (req, SOUP_STATUS_FORBIDDEN, "forbidden", "user %s is not a member of group %s",
                    user, name);
      return FALSE;
    }
  } else {
    g_autoptr (StoreUser) u = NULL;
    name = g_ascii_strdown (peer, -1);
    u = store_user_get (store, req->app_id, name, &error);
    if (u == NULL) {
      if (g_error_matches (error, STORE_ERROR, STORE_ERROR_NOT_FOUND))
        reply_user_not_found (req, name);
      else
        reply_gerror (req, error);
      return FALSE;
    }
  }
  ref->chat_type = group ? AC_CHAT_GROUP : AC_CHAT_SINGLE;
  ref->peer = name;
  *peer_out = g_steal_pointer (&name);
  return TRUE;
}
