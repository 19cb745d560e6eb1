#pragma once
#include <gio/gio.h>
#include "ac-http.h"
#include "ac-conversation.h"

G_BEGIN_DECLS

/* Typed Agora REST calls of one account (protocol reference §1–§4, §8).
 * Every call is _async/_finish; results are plain structs, errors AC_CLIENT_ERROR.
 * The JSON shape of each reply is known only in the file that parses it:
 * ac-api.c (token, discovery), ac-api-conversations.c, ac-api-roaming.c,
 * ac-api-groups.c (joined groups, members, nicknames). */
#define AC_TYPE_API (ac_api_get_type ())
G_DECLARE_FINAL_TYPE (AcApi, ac_api, AC, API, GObject)

/* Fails with AC_CLIENT_ERROR_INVALID_ARGUMENT on a malformed app key ("org#app"). */
AcApi      *ac_api_new (AcHttp *http, const char *app_key, const char *username, GError **error);
AcHttp     *ac_api_get_http (AcApi *api);
const char *ac_api_get_username (AcApi *api);
const char *ac_api_get_app_key (AcApi *api);
/* REST base, e.g. "https://a61.chat.agora.io" (a trailing '/' is dropped). */
void        ac_api_set_rest_url (AcApi *api, const char *rest_url);
const char *ac_api_get_rest_url (AcApi *api);
/* An attachment's link as the SDK builds it (§3.4): REST base + the path of
 * url + ?em-redirect=true&share-secret=…; NULL without a usable url. */
char       *ac_api_attachment_url (AcApi *api, const char *url, const char *secret);
/* This device's MSYNC resource, sent as resource= on deletions (§6.1–§6.3) so
 * that the server's multi-device notice skips this device; NULL: none sent. */
void        ac_api_set_resource (AcApi *api, const char *resource);
const char *ac_api_get_resource (AcApi *api);
/* Kept in memory for the re-sign-in after a 401; never logged. */
void        ac_api_set_password (AcApi *api, const char *password);

/* GET {discovery_url}/easemob/server.json?app_key=… (§1.2) → REST base and WebSocket URL. */
void     ac_api_discover_async (AcApi *api, const char *discovery_url, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean ac_api_discover_finish (AcApi *api, GAsyncResult *result, char **rest_url,
                                 char **ws_url, GError **error);

/* POST /token with the password grant; on success the token is the HTTP client's. */
void     ac_api_sign_in_async (AcApi *api, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean ac_api_sign_in_finish (AcApi *api, GAsyncResult *result, GError **error);

/* Called with each page's conversations (AcConversation*, borrowed, not seen
 * on an earlier page) as soon as the page is in, while the next is asked for. */
typedef void (*AcConversationsPageFunc) (GPtrArray *convs, gpointer user_data);

/* The paged list (users/{u}/user_channels/page) to its end; when the server
 * does not have it, the legacy list (users/{u}/user_channels).  Result:
 * AcConversation*, in server order; *used_legacy tells which answered.
 * page_func (may be NULL) sees the list page by page before the result. */
void       ac_api_list_conversations_async (AcApi *api, guint page_size,
                                            AcConversationsPageFunc page_func, gpointer page_data,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *ac_api_list_conversations_finish (AcApi *api, GAsyncResult *result,
                                             gboolean *used_legacy, GError **error);

/* One page of POST users/{u}/messageroaming.  start 0 = from the newest (-1);
 * otherwise inclusive.  pull_number is clamped to 1..50. */
void           ac_api_roaming_async (AcApi *api, const char *conv_id, gboolean is_group,
                                     guint64 start, guint pull_number, gboolean is_positive,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
AcRoamingPage *ac_api_roaming_finish (AcApi *api, GAsyncResult *result, GError **error);

/* users/{u}/joined_chatgroups, all pages → AcGroupInfo*. */
void       ac_api_joined_groups_async (AcApi *api, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *ac_api_joined_groups_finish (AcApi *api, GAsyncResult *result, GError **error);

/* chatgroups/{id}/users, all pages → char* user ids, owner first. */
void       ac_api_group_members_async (AcApi *api, const char *group_id, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *ac_api_group_members_finish (AcApi *api, GAsyncResult *result, GError **error);

/* POST metadata/user/get → user id → nickname (users without one are absent). */
void        ac_api_nicknames_async (AcApi *api, const char * const *users, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
GHashTable *ac_api_nicknames_finish (AcApi *api, GAsyncResult *result, GError **error);

G_END_DECLS
