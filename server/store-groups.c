/* Groups with their members, and contacts. */
#include "store-private.h"

/* Agora's default when a group is created without maxusers. */
#define DEFAULT_MAXUSERS 200

static void
member_free (StoreMember *m)
{
  g_free (m->username);
  g_free (m->role);
  g_free (m);
}

void
store_group_free (StoreGroup *g)
{
  if (g == NULL)
    return;
  g_free (g->id);
  g_free (g->name);
  g_free (g->description);
  g_free (g->owner);
  if (g->members)
    g_ptr_array_unref (g->members);
  g_free (g);
}

static gboolean
user_exists (Store *store, gint64 app, const char *username, GError **error)
{
  g_autoptr(sqlite3_stmt) st =
    store_stmt (store, STMT_USER_EXISTS, "SELECT 1 FROM users WHERE app_id = ? AND username = ?",
                error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, username, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "user %s not found", username);
  else if (rc != SQLITE_ROW)
    store_set_sqlite_error (store, error, rc, "reading users");
  return rc == SQLITE_ROW;
}

static gboolean
add_member (Store *store, gint64 app, const char *group_id, const char *username,
            const char *role, gint64 now, GError **error)
{
  sqlite3_stmt *st;

  if (!user_exists (store, app, username, error))
    return FALSE;
  st = store_stmt (store, STMT_GROUP_MEMBER_INSERT,
                   "INSERT INTO group_members (app_id, group_id, username, role, joined_time)"
                   " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, group_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, username, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, role, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 5, now);
  return store_step_done (store, st, error);
}

char *
store_group_create (Store *store, gint64 app, const char *name, const char *description,
                    const char *owner, const char * const *members, gboolean is_public,
                    gint maxusers, GError **error)
{
  g_autofree char *id = NULL;
  gint64 now = store_now_ms ();
  guint64 number;
  guint n_members = 1;
  sqlite3_stmt *st;
  gboolean ok = FALSE;

  g_return_val_if_fail (store != NULL, NULL);
  if (name == NULL || *name == '\0' || owner == NULL || *owner == '\0')
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "a group needs a name and an owner");
      return NULL;
    }
  if (maxusers <= 0)
    maxusers = DEFAULT_MAXUSERS;
  for (guint i = 0; members && members[i]; i++)
    n_members += g_strcmp0 (members[i], owner) != 0;
  if (n_members > (guint) maxusers)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "%u members exceed the group's maximum of %d", n_members, maxusers);
      return NULL;
    }

  /* Like Agora's: a 64-bit number that grows with time, as a decimal string. */
  number = MAX ((guint64) now << 8, store->last_group_id + 1);
  id = g_strdup_printf ("%" G_GUINT64_FORMAT, number);

  if (!store_write_begin (store, error))
    return NULL;
  if (!user_exists (store, app, owner, error))
    goto out;
  st = store_stmt (store, STMT_GROUP_INSERT,
                   "INSERT INTO chat_groups (app_id, id, name, description, owner, created,"
                   " public, maxusers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (st == NULL)
    goto out;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, description ? description : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 5, owner, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 6, now);
  sqlite3_bind_int (st, 7, is_public ? 1 : 0);
  sqlite3_bind_int (st, 8, maxusers);
  if (!store_step_done (store, st, error) ||
      !add_member (store, app, id, owner, "owner", now, error))
    goto out;
  for (guint i = 0; members && members[i]; i++)
    if (!add_member (store, app, id, members[i], "member", now, error))
      goto out;
  ok = TRUE;
out:
  if (!store_write_end (store, ok, error))
    return NULL;
  store->last_group_id = number;
  return g_steal_pointer (&id);
}

static StoreGroup *
group_from_row (sqlite3_stmt *st)
{
  StoreGroup *g = g_new0 (StoreGroup, 1);

  g->id = store_column_dup (st, 0);
  g->name = store_column_dup (st, 1);
  g->description = store_column_dup (st, 2);
  g->owner = store_column_dup (st, 3);
  g->created = sqlite3_column_int64 (st, 4);
  g->is_public = sqlite3_column_int (st, 5) != 0;
  g->maxusers = sqlite3_column_int (st, 6);
  return g;
}

static GPtrArray *
group_members (Store *store, gint64 app, const char *group_id, GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  int rc;

  /* rowid breaks ties: members added together keep the order they were given in. */
  st = store_stmt (store, STMT_GROUP_MEMBERS,
                   "SELECT username, role, joined_time FROM group_members"
                   " WHERE app_id = ? AND group_id = ?"
                   " ORDER BY role = 'owner' DESC, joined_time, rowid", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, group_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      StoreMember *m = g_new0 (StoreMember, 1);
      m->username = store_column_dup (st, 0);
      m->role = store_column_dup (st, 1);
      m->joined_time = sqlite3_column_int64 (st, 2);
      g_ptr_array_add (members, m);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_sqlite_error (store, error, rc, "reading group members");
      return NULL;
    }
  return g_steal_pointer (&members);
}

StoreGroup *
store_group_get (Store *store, gint64 app, const char *group_id, gboolean with_members,
                 GError **error)
{
  g_autoptr(StoreGroup) group = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  if (group_id == NULL)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "no group id");
      return NULL;
    }
  {
    g_autoptr(sqlite3_stmt) st =
      store_stmt (store, STMT_GROUP_SELECT,
                  "SELECT id, name, description, owner, created, public, maxusers"
                  " FROM chat_groups WHERE app_id = ? AND id = ?", error);
    if (st == NULL)
      return NULL;
    sqlite3_bind_int64 (st, 1, app);
    sqlite3_bind_text (st, 2, group_id, -1, SQLITE_STATIC);
    rc = sqlite3_step (st);
    if (rc == SQLITE_DONE)
      {
        g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "group %s not found", group_id);
        return NULL;
      }
    if (rc != SQLITE_ROW)
      {
        store_set_sqlite_error (store, error, rc, "reading a group");
        return NULL;
      }
    group = group_from_row (st);
  }
  if (with_members)
    {
      group->members = group_members (store, app, group_id, error);
      if (group->members == NULL)
        return NULL;
    }
  return g_steal_pointer (&group);
}

GPtrArray *
store_groups_joined (Store *store, gint64 app, const char *username, GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) store_group_free);
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  st = store_stmt (store, STMT_GROUPS_JOINED,
                   "SELECT g.id, g.name, g.description, g.owner, g.created, g.public, g.maxusers"
                   " FROM group_members m JOIN chat_groups g"
                   "  ON g.app_id = m.app_id AND g.id = m.group_id"
                   " WHERE m.app_id = ? AND m.username = ? ORDER BY g.created, g.id", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, username, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (groups, group_from_row (st));
  if (rc != SQLITE_DONE)
    {
      store_set_sqlite_error (store, error, rc, "reading groups");
      return NULL;
    }
  return g_steal_pointer (&groups);
}

gboolean
store_group_is_member (Store *store, gint64 app, const char *group_id, const char *username)
{
  g_autoptr(sqlite3_stmt) st = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  st = store_stmt (store, STMT_GROUP_IS_MEMBER,
                   "SELECT 1 FROM group_members WHERE app_id = ? AND group_id = ? AND username = ?",
                   NULL);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, group_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, username, -1, SQLITE_STATIC);
  return sqlite3_step (st) == SQLITE_ROW;
}

/* ---- membership changes ---- */

/* The member's role (NULL with NOT_FOUND when not a member). */
static char *
member_role (Store *store, gint64 app, const char *group_id, const char *username,
             GError **error)
{
  g_autoptr(sqlite3_stmt) st =
    store_stmt (store, STMT_GROUP_MEMBER_ROLE,
                "SELECT role FROM group_members WHERE app_id = ? AND group_id = ? AND username = ?",
                error);
  int rc;

  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, group_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, username, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    return store_column_dup (st, 0);
  if (rc == SQLITE_DONE)
    g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "user %s is not a member of group %s",
                 username, group_id);
  else
    store_set_sqlite_error (store, error, rc, "reading a group member");
  return NULL;
}

static gint64
member_count (Store *store, gint64 app, const char *group_id, GError **error)
{
  g_autoptr(sqlite3_stmt) st =
    store_stmt (store, STMT_GROUP_MEMBER_COUNT,
                "SELECT count(*) FROM group_members WHERE app_id = ? AND group_id = ?", error);
  int rc;

  if (st == NULL)
    return -1;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, group_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      store_set_sqlite_error (store, error, rc, "counting group members");
      return -1;
    }
  return sqlite3_column_int64 (st, 0);
}

gboolean
store_group_add_member (Store *store, gint64 app, const char *group_id, const char *username,
                        GError **error)
{
  g_autoptr(StoreGroup) group = NULL;
  g_autofree char *role = NULL;
  GError *local = NULL;
  gint64 n;
  gboolean ok = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (username == NULL || *username == '\0')
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "no user name");
      return FALSE;
    }
  if (!store_write_begin (store, error))
    return FALSE;
  group = store_group_get (store, app, group_id, FALSE, error);
  if (group == NULL)
    goto out;
  role = member_role (store, app, group_id, username, &local);
  if (role != NULL)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_DUPLICATE,
                   "user %s is already a member of group %s", username, group_id);
      goto out;
    }
  if (!g_error_matches (local, STORE_ERROR, STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      goto out;
    }
  g_clear_error (&local);
  n = member_count (store, app, group_id, error);
  if (n < 0)
    goto out;
  if (n >= group->maxusers)
    {
      /* The text the SDK's error mapper knows (§2.4). */
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "group member list is full!");
      goto out;
    }
  ok = add_member (store, app, group_id, username, "member", store_now_ms (), error);
out:
  return store_write_end (store, ok, error);
}

gboolean
store_group_remove_member (Store *store, gint64 app, const char *group_id, const char *username,
                           GError **error)
{
  g_autoptr(StoreGroup) group = NULL;
  g_autofree char *role = NULL;
  sqlite3_stmt *st;
  gboolean ok = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!store_write_begin (store, error))
    return FALSE;
  group = store_group_get (store, app, group_id, FALSE, error);
  if (group == NULL)
    goto out;
  role = member_role (store, app, group_id, username, error);
  if (role == NULL)
    goto out;
  if (g_str_equal (role, "owner"))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "user %s is the owner of group %s and cannot be removed", username, group_id);
      goto out;
    }
  st = store_stmt (store, STMT_GROUP_MEMBER_DELETE,
                   "DELETE FROM group_members WHERE app_id = ? AND group_id = ? AND username = ?",
                   error);
  if (st == NULL)
    goto out;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, group_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, username, -1, SQLITE_STATIC);
  ok = store_step_done (store, st, error);
out:
  return store_write_end (store, ok, error);
}

/* ---- contacts ---- */

gboolean
store_contact_add (Store *store, gint64 app, const char *a, const char *b, GError **error)
{
  gboolean ok = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (a == NULL || b == NULL || g_strcmp0 (a, b) == 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "a contact needs two different users");
      return FALSE;
    }
  if (!store_write_begin (store, error))
    return FALSE;
  if (user_exists (store, app, a, error) && user_exists (store, app, b, error))
    {
      ok = TRUE;
      for (guint i = 0; ok && i < 2; i++)
        {
          sqlite3_stmt *st = store_stmt (store, STMT_CONTACT_INSERT,
                                         "INSERT INTO contacts (app_id, a, b) VALUES (?, ?, ?)"
                                         " ON CONFLICT DO NOTHING", error);
          ok = st != NULL;
          if (!ok)
            break;
          sqlite3_bind_int64 (st, 1, app);
          sqlite3_bind_text (st, 2, i == 0 ? a : b, -1, SQLITE_STATIC);
          sqlite3_bind_text (st, 3, i == 0 ? b : a, -1, SQLITE_STATIC);
          ok = store_step_done (store, st, error);
        }
    }
  return store_write_end (store, ok, error);
}

GPtrArray *
store_contacts (Store *store, gint64 app, const char *username, GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  st = store_stmt (store, STMT_CONTACTS,
                   "SELECT b FROM contacts WHERE app_id = ? AND a = ? ORDER BY b", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, username, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (names, store_column_dup (st, 0));
  if (rc != SQLITE_DONE)
    {
      store_set_sqlite_error (store, error, rc, "reading contacts");
      return NULL;
    }
  return g_steal_pointer (&names);
}
