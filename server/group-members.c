/* Group membership changes over REST: the app server's add / remove calls
 * (single and batch), the SDK's inviteUsersToGroup (a direct add: our groups
 * never need the invitee's confirmation) and leaveGroup ("quit").  Each
 * change is one store transaction (router.c) and is announced to the
 * members' devices as MUC metas (msync-muc.c). */
#include "handlers.h"
#include "reply.h"
#include "json-args.h"
#include "user-entity.h"
#include "msync-server.h"

#include <string.h>

/* Agora's limit of users per batch call. */
#define MAX_BATCH 60

#define APP_OPERATOR "admin"

typedef enum { ADD_ONE, ADD_BATCH, ADD_INVITE } AddStyle;

static const StoreMember *
find_member (const StoreGroup *g, const char *username)
{
  for (guint i = 0; i < g->members->len; i++) {
    const StoreMember *m = g_ptr_array_index (g->members, i);
    if (g_str_equal (m->username, username))
      return m;
  }
  return NULL;
}

/* The group when the caller may change its members (the app, the owner or
 * an admin); *operator_name is who the MUC events name.  NULL after a reply. */
static StoreGroup *
group_for_operator (Request *req, const char **operator_name)
{
  const char *id = request_capture (req, "id");
  g_autoptr (StoreGroup) g = groups_load (req, id);
  const StoreMember *me;

  if (g == NULL)
    return NULL;
  if (req->caller_is_app) {
    *operator_name = APP_OPERATOR;
    return g_steal_pointer (&g);
  }
  me = find_member (g, req->caller_user);
  if (me == NULL || !(g_str_equal (me->role, "owner") || g_str_equal (me->role, "admin"))) {
    reply_errorf (req, SOUP_STATUS_FORBIDDEN, "forbidden",
                  "user %s is not the owner or an admin of group %s", req->caller_user, id);
    return NULL;
  }
  *operator_name = req->caller_user;
  return g_steal_pointer (&g);
}

/* A refused membership change as Agora answers it; FALSE if not a refusal. */
static gboolean
reply_refusal (Request *req, const GError *error, const char *username)
{
  if (error->domain != STORE_ERROR)
    return FALSE;
  switch ((StoreError) error->code) {
  case STORE_ERROR_DUPLICATE:
  case STORE_ERROR_INVALID:
    /* Already a member, a full group ("group member list is full!", which
     * the SDK knows), the owner removed: the caller may not do that. */
    reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", error->message);
    return TRUE;
  case STORE_ERROR_NOT_FOUND:
    if (g_str_has_prefix (error->message, "user ") && strstr (error->message, "not found"))
      reply_user_not_found (req, username);
    else
      reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", error->message);
    return TRUE;
  case STORE_ERROR_FAILED:
  default:
    return FALSE;
  }
}

static void
reply_store_error (Request *req, const GError *error, const char *username)
{
  if (!reply_refusal (req, error, username))
    reply_gerror (req, error);
}

/* Lower-cased, checked user names of a list; NULL after a 400. */
static GPtrArray *
normalize_names (Request *req, const char * const *names, guint n)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  if (n == 0 || n > MAX_BATCH) {
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                  "give 1 to %d user names in one request", MAX_BATCH);
    return NULL;
  }
  for (guint i = 0; i < n; i++) {
    g_autoptr (GError) error = NULL;
    char *name = username_normalize (names[i], &error);
    if (name == NULL) {
      reply_gerror (req, error);
      return NULL;
    }
    g_ptr_array_add (out, name);
  }
  return g_steal_pointer (&out);
}

static void
announce (Request *req, const char *group_id, MsyncMembershipChange change,
          const char *operator_name, GPtrArray *users)
{
  if (users->len == 0)
    return;
  g_ptr_array_add (users, NULL);
  msync_notify_membership (req->server->msync, req->app_id, group_id, change, operator_name,
                           (const char * const *) users->pdata, req->caller_user,
                           request_query (req, "resource"));
  g_ptr_array_remove_index (users, users->len - 1);
}

#define SET_STR(b, k, v) \
  G_STMT_START { json_builder_set_member_name (b, k); json_builder_add_string_value (b, v); } G_STMT_END
#define SET_BOOL(b, k, v) \
  G_STMT_START { json_builder_set_member_name (b, k); json_builder_add_boolean_value (b, v); } G_STMT_END

static void
add_members (Request *req, AddStyle style)
{
  const char *operator_name = NULL;
  g_autoptr (StoreGroup) g = group_for_operator (req, &operator_name);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GPtrArray) added = g_ptr_array_new ();
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (g == NULL)
    return;
  if (style == ADD_ONE) {
    const char *one[] = { request_capture (req, "u") };
    names = normalize_names (req, one, 1);
  } else {
    JsonObject *body = request_body_object (req, TRUE, &root);
    g_autoptr (GPtrArray) list = NULL;
    g_autoptr (GError) error = NULL;

    if (body == NULL)
      return;
    if (!json_arg_string_array (body, "usernames", TRUE, &list, &error)) {
      reply_gerror (req, error);
      return;
    }
    names = normalize_names (req, (const char * const *) list->pdata, list->len);
  }
  if (names == NULL)
    return;

  for (guint i = 0; i < names->len; i++) {
    const char *name = g_ptr_array_index (names, i);
    g_autoptr (GError) error = NULL;

    /* In a batch, members already there are left out of newmembers, as
     * Agora does; a single add of one is refused. */
    if (style != ADD_ONE && (find_member (g, name) != NULL || g_ptr_array_find_with_equal_func (
                               added, name, g_str_equal, NULL)))
      continue;
    if (!store_group_add_member (req->server->store, req->app_id, g->id, name, &error)) {
      reply_store_error (req, error, name);
      return;
    }
    g_ptr_array_add (added, (gpointer) name);
  }

  if (style == ADD_INVITE) {
    json_builder_begin_array (b);
    for (guint i = 0; i < names->len; i++) {
      json_builder_begin_object (b);
      SET_STR (b, "action", "invite");
      SET_STR (b, "id", g->id);
      SET_BOOL (b, "result", TRUE);
      SET_STR (b, "user", g_ptr_array_index (names, i));
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
  } else {
    json_builder_begin_object (b);
    if (style == ADD_ONE) {
      SET_BOOL (b, "result", TRUE);
      SET_STR (b, "user", g_ptr_array_index (names, 0));
    } else {
      json_builder_set_member_name (b, "newmembers");
      json_builder_begin_array (b);
      for (guint i = 0; i < added->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (added, i));
      json_builder_end_array (b);
    }
    SET_STR (b, "groupid", g->id);
    SET_STR (b, "action", "add_member");
    json_builder_end_object (b);
  }
  announce (req, g->id, MSYNC_MEMBERS_ADDED, operator_name, added);
  reply_envelope (req, json_builder_get_root (b), NULL);
}

void
group_members_add_one (Request *req)
{
  add_members (req, ADD_ONE);
}

void
group_members_add_batch (Request *req)
{
  add_members (req, ADD_BATCH);
}

void
group_members_invite (Request *req)
{
  add_members (req, ADD_INVITE);
}

static void
add_remove_result (JsonBuilder *b, const char *group_id, const char *user, const char *reason)
{
  json_builder_begin_object (b);
  SET_BOOL (b, "result", reason == NULL);
  SET_STR (b, "action", "remove_member");
  if (reason != NULL)
    SET_STR (b, "reason", reason);
  SET_STR (b, "user", user);
  SET_STR (b, "groupid", group_id);
  json_builder_end_object (b);
}

void
group_members_remove (Request *req)
{
  const char *operator_name = NULL;
  const char *list = request_capture (req, "u");
  /* A comma list is removeGroupMembers: per-user results, refusals included. */
  gboolean batch = strchr (list, ',') != NULL;
  g_auto (GStrv) raw = g_strsplit (list, ",", -1);
  g_autoptr (StoreGroup) g = group_for_operator (req, &operator_name);
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GPtrArray) removed = g_ptr_array_new ();
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (g == NULL)
    return;
  names = normalize_names (req, (const char * const *) raw, g_strv_length (raw));
  if (names == NULL)
    return;
  if (batch)
    json_builder_begin_array (b);
  for (guint i = 0; i < names->len; i++) {
    const char *name = g_ptr_array_index (names, i);
    g_autoptr (GError) error = NULL;

    if (store_group_remove_member (req->server->store, req->app_id, g->id, name, &error)) {
      g_ptr_array_add (removed, (gpointer) name);
      add_remove_result (b, g->id, name, NULL);
    } else if (batch && error->domain == STORE_ERROR && error->code != STORE_ERROR_FAILED) {
      add_remove_result (b, g->id, name, error->message);
    } else {
      reply_store_error (req, error, name);
      return;
    }
  }
  if (batch)
    json_builder_end_array (b);
  announce (req, g->id, MSYNC_MEMBERS_KICKED, operator_name, removed);
  reply_envelope (req, json_builder_get_root (b), NULL);
}

void
group_members_quit (Request *req)
{
  const char *id = request_capture (req, "id");
  g_autoptr (StoreGroup) g = NULL;
  g_autoptr (GPtrArray) left = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (req->caller_is_app) {
    reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden",
                 "leaving a group needs the member's own token");
    return;
  }
  g = groups_load (req, id);
  if (g == NULL)
    return;
  if (!store_group_remove_member (req->server->store, req->app_id, g->id, req->caller_user,
                                  &error)) {
    reply_store_error (req, error, req->caller_user);
    return;
  }
  g_ptr_array_add (left, req->caller_user);
  json_builder_begin_object (b);
  SET_BOOL (b, "result", TRUE);
  json_builder_end_object (b);
  announce (req, g->id, MSYNC_MEMBER_LEFT, req->caller_user, left);
  reply_envelope (req, json_builder_get_root (b), NULL);
}
