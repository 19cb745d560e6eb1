/* One user's view of conversations: the list with unread counts, one-way
 * deletion (hiding) and conversation deletion. */
#include "store-private.h"

/* Counting further gives nothing a client shows, and costs a scan. */
#define UNREAD_CAP 999

/* Message m is visible through view row uc: the rule of store.c's comment. */
#define VISIBLE_TO_UC(m, uc) \
  m ".timestamp > " uc ".cleared_ts AND " m ".id > " uc ".cleared_id" \
  " AND NOT EXISTS (SELECT 1 FROM hidden_messages h" \
  "   WHERE h.app_id = " uc ".app_id AND h.username = " uc ".username AND h.msg_id = " m ".id)"

void
store_conversation_free (StoreConversation *c)
{
  if (c == NULL)
    return;
  g_free (c->peer);
  ac_message_free (c->last);
  g_free (c);
}

static guint
count_unread (Store *store, gint64 app, const char *user, const char *conv_key, gint64 after_id,
              gint64 cleared_ts, GError **error)
{
  /* message_metas, not messages: clustered by conversation and carrying
   * timestamp and sender, so a count reads one range of one b-tree instead
   * of seeking every message's row (half the time of a list page). */
  g_autoptr(sqlite3_stmt) st =
    store_stmt (store, STMT_CONV_UNREAD,
                "SELECT count(*) FROM (SELECT 1 FROM message_metas m"
                " WHERE m.app_id = ?1 AND m.conv_key = ?3 AND m.id > ?4 AND m.timestamp > ?5"
                "  AND m.sender <> ?2"
                "  AND NOT EXISTS (SELECT 1 FROM hidden_messages h"
                "   WHERE h.app_id = ?1 AND h.username = ?2 AND h.msg_id = m.id)"
                " LIMIT ?6)", error);
  int rc;

  if (st == NULL)
    return 0;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, conv_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, after_id);
  sqlite3_bind_int64 (st, 5, cleared_ts);
  sqlite3_bind_int (st, 6, UNREAD_CAP);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      store_set_sqlite_error (store, error, rc, "counting unread messages");
      return 0;
    }
  return (guint) sqlite3_column_int (st, 0);
}

GPtrArray *
store_conversations (Store *store, gint64 app, const char *user, gint64 since_ms,
                     guint64 after_id, guint offset, guint limit, GError **error)
{
  g_autoptr(GPtrArray) convs =
    g_ptr_array_new_with_free_func ((GDestroyNotify) store_conversation_free);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) floors = g_array_new (FALSE, FALSE, sizeof (gint64[2]));
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  if (after_id > (guint64) G_MAXINT64)
    after_id = 0;
  {
    /* The newest visible message of each of the user's conversations (from
     * message_metas, as the count below), newer
     * than the conversation's deletion mark. */
    g_autoptr(sqlite3_stmt) st =
      store_stmt (store, STMT_CONV_LIST,
                  "SELECT c.chat_type, c.peer, c.is_top, c.top_time, c.conv_key,"
                  "  max(c.read_id, c.removed_before_id, c.cleared_id), c.cleared_ts,"
                  "  lm.id, lm.timestamp, lm.payload, lm.from_resource"
                  " FROM (SELECT uc.*, (SELECT m.id FROM message_metas m"
                  "         WHERE m.app_id = uc.app_id AND m.conv_key = uc.conv_key"
                  "          AND m.id > uc.removed_before_id AND " VISIBLE_TO_UC ("m", "uc")
                  "         ORDER BY m.id DESC LIMIT 1) AS last_id"
                  "       FROM user_conversations uc WHERE uc.app_id = ?1 AND uc.username = ?2) c"
                  " JOIN messages lm ON lm.id = c.last_id"
                  " WHERE (?3 < 0 OR lm.timestamp >= ?3) AND (?4 = 0 OR lm.id < ?4)"
                  " ORDER BY lm.id DESC LIMIT ?5 OFFSET ?6", error);
    if (st == NULL)
      return NULL;
    sqlite3_bind_int64 (st, 1, app);
    sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (st, 3, since_ms);
    sqlite3_bind_int64 (st, 4, (gint64) after_id);
    sqlite3_bind_int64 (st, 5, limit ? (gint64) limit : -1);
    sqlite3_bind_int64 (st, 6, offset);
    while ((rc = sqlite3_step (st)) == SQLITE_ROW)
      {
        StoreConversation *c = g_new0 (StoreConversation, 1);
        gint64 floor[2];
        g_ptr_array_add (convs, c);
        c->chat_type = sqlite3_column_int (st, 0);
        c->peer = store_column_dup (st, 1);
        c->is_top = sqlite3_column_int (st, 2) != 0;
        c->top_time = sqlite3_column_int64 (st, 3);
        g_ptr_array_add (keys, store_column_dup (st, 4));
        floor[0] = sqlite3_column_int64 (st, 5);
        floor[1] = sqlite3_column_int64 (st, 6);
        g_array_append_val (floors, floor);
        c->last = store_message_from_row (st, 7, error);
        if (c->last == NULL)
          return NULL;
      }
    if (rc != SQLITE_DONE)
      {
        store_set_sqlite_error (store, error, rc, "listing conversations");
        return NULL;
      }
  }
  for (guint i = 0; i < convs->len; i++)
    {
      StoreConversation *c = convs->pdata[i];
      gint64 *floor = &g_array_index (floors, gint64, 2 * i);
      g_autoptr(GError) local = NULL;
      c->unread = count_unread (store, app, user, keys->pdata[i], floor[0], floor[1], &local);
      if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
  return g_steal_pointer (&convs);
}

/* ---- one-way deletion ---- */

/* The user's row of the conversation; FALSE without error when there is none. */
static gboolean
get_view (Store *store, gint64 app, const char *user, const StoreConvRef *conv, char **conv_key,
          StoreUserConv *uc, GError **error)
{
  *conv_key = store_conv_key (user, conv, error);
  if (*conv_key == NULL)
    return FALSE;
  return store_user_conv_get (store, app, user, *conv_key, uc, error);
}

gint64
store_hide_messages (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
                     const guint64 *ids, guint n_ids, GError **error)
{
  g_autofree char *conv_key = NULL;
  g_autoptr(GError) local = NULL;
  StoreUserConv uc;
  gint64 hidden = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (store != NULL, -1);
  if (!get_view (store, app, user, conv, &conv_key, &uc, &local))
    {
      if (local == NULL)
        return 0;  /* nothing of it is visible to this user */
      g_propagate_error (error, g_steal_pointer (&local));
      return -1;
    }
  if (!store_write_begin (store, error))
    return -1;
  for (guint i = 0; ok && i < n_ids; i++)
    {
      /* Only visible messages of this conversation become hidden rows. */
      sqlite3_stmt *st;
      if (ids[i] > (guint64) G_MAXINT64)
        continue;   /* cannot be one of ours */
      st = store_stmt (store, STMT_HIDE_ID,
                    "INSERT INTO hidden_messages (app_id, username, msg_id)"
                    " SELECT ?1, ?2, m.id FROM messages m"
                    " WHERE m.id = ?3 AND m.app_id = ?1 AND m.conv_key = ?4"
                    "  AND m.timestamp > ?5 AND m.id > ?6"
                    " ON CONFLICT DO NOTHING", error);
      ok = st != NULL;
      if (!ok)
        break;
      sqlite3_bind_int64 (st, 1, app);
      sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 3, (gint64) ids[i]);
      sqlite3_bind_text (st, 4, conv_key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 5, uc.cleared_ts);
      sqlite3_bind_int64 (st, 6, uc.cleared_id);
      ok = store_step_done (store, st, error);
      if (ok)
        hidden += sqlite3_changes (store->db);
    }
  if (!store_write_end (store, ok, error))
    return -1;
  return hidden;
}

/* Binds ?1 app, ?2 user, ?3 conv_key (when given), ?4 value; a statement
 * that does not use one simply leaves it unbound. */
static gboolean
exec_bound (Store *store, StoreStmtSlot slot, const char *sql, gint64 app, const char *user,
            const char *conv_key, gint64 value, GError **error)
{
  sqlite3_stmt *st = store_stmt (store, slot, sql, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
  if (conv_key)
    sqlite3_bind_text (st, 3, conv_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, value);
  return store_step_done (store, st, error);
}

gint64
store_hide_before (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
                   gint64 before_ms, GError **error)
{
  g_autofree char *conv_key = NULL;
  g_autoptr(GError) local = NULL;
  StoreUserConv uc;
  gint64 hidden = -1;
  gboolean ok = FALSE;

  g_return_val_if_fail (store != NULL, -1);
  if (before_ms < 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "time %" G_GINT64_FORMAT
                   " is negative", before_ms);
      return -1;
    }
  if (!get_view (store, app, user, conv, &conv_key, &uc, &local))
    {
      if (local == NULL)
        return 0;
      g_propagate_error (error, g_steal_pointer (&local));
      return -1;
    }
  if (!store_write_begin (store, error))
    return -1;
  {
    g_autoptr(sqlite3_stmt) st =
      store_stmt (store, STMT_HIDE_COUNT_BEFORE,
                  "SELECT count(*) FROM messages m"
                  " WHERE m.app_id = ?1 AND m.conv_key = ?3 AND m.timestamp <= ?4"
                  "  AND m.timestamp > ?5 AND m.id > ?6"
                  "  AND NOT EXISTS (SELECT 1 FROM hidden_messages h"
                  "   WHERE h.app_id = ?1 AND h.username = ?2 AND h.msg_id = m.id)", error);
    if (st != NULL)
      {
        int rc;
        sqlite3_bind_int64 (st, 1, app);
        sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
        sqlite3_bind_text (st, 3, conv_key, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (st, 4, before_ms);
        sqlite3_bind_int64 (st, 5, uc.cleared_ts);
        sqlite3_bind_int64 (st, 6, uc.cleared_id);
        rc = sqlite3_step (st);
        if (rc == SQLITE_ROW)
          hidden = sqlite3_column_int64 (st, 0);
        else
          store_set_sqlite_error (store, error, rc, "counting messages");
      }
  }
  ok = hidden >= 0 &&
       exec_bound (store, STMT_HIDE_SET_CLEARED_TS,
                   "UPDATE user_conversations SET cleared_ts = max(cleared_ts, ?4)"
                   " WHERE app_id = ?1 AND username = ?2 AND conv_key = ?3",
                   app, user, conv_key, before_ms, error) &&
       /* hidden rows the time mark now covers are dead weight */
       exec_bound (store, STMT_HIDE_DROP_REDUNDANT,
                   "DELETE FROM hidden_messages WHERE app_id = ?1 AND username = ?2"
                   " AND msg_id IN (SELECT id FROM messages"
                   "  WHERE app_id = ?1 AND conv_key = ?3 AND timestamp <= ?4)",
                   app, user, conv_key, before_ms, error);
  if (!store_write_end (store, ok, error))
    return -1;
  return hidden;
}

/* A one-row, one-column query with parameters (app, text); -1 on error. */
static gint64
select_int64 (Store *store, StoreStmtSlot slot, const char *sql, gint64 app, const char *text,
              const char *doing, GError **error)
{
  g_autoptr(sqlite3_stmt) st = store_stmt (store, slot, sql, error);
  int rc;

  if (st == NULL)
    return -1;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, text, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      store_set_sqlite_error (store, error, rc, doing);
      return -1;
    }
  return sqlite3_column_int64 (st, 0);
}

gint64
store_hide_all (Store *store, gint64 app, const char *user, GError **error)
{
  gint64 hidden;
  gboolean ok;

  g_return_val_if_fail (store != NULL, -1);
  if (!store_write_begin (store, error))
    return -1;
  hidden = select_int64 (store, STMT_HIDE_ALL_COUNT,
                         "SELECT count(*) FROM user_conversations uc JOIN messages m"
                         "  ON m.app_id = uc.app_id AND m.conv_key = uc.conv_key"
                         " WHERE uc.app_id = ?1 AND uc.username = ?2 AND " VISIBLE_TO_UC ("m", "uc"),
                         app, user, "counting messages", error);
  /* An id mark rather than a time mark: a message arriving in the same
   * millisecond as the last hidden one must stay visible. */
  ok = hidden >= 0 &&
       exec_bound (store, STMT_HIDE_ALL_SET,
                   "UPDATE user_conversations AS uc SET cleared_id = max(uc.cleared_id,"
                   "  coalesce((SELECT max(m.id) FROM messages m"
                   "            WHERE m.app_id = uc.app_id AND m.conv_key = uc.conv_key), 0))"
                   " WHERE uc.app_id = ?1 AND uc.username = ?2",
                   app, user, NULL, 0, error) &&
       exec_bound (store, STMT_HIDE_ALL_DROP,
                   "DELETE FROM hidden_messages WHERE app_id = ?1 AND username = ?2",
                   app, user, NULL, 0, error);
  if (!store_write_end (store, ok, error))
    return -1;
  return hidden;
}

/* ---- conversation deletion and marks ---- */

gboolean
store_conversation_delete (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
                           gboolean delete_roam, GError **error)
{
  g_autofree char *conv_key = NULL;
  g_autoptr(GError) local = NULL;
  StoreUserConv uc;
  gint64 max_id;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!get_view (store, app, user, conv, &conv_key, &uc, &local))
    {
      if (local == NULL)
        g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "%s has no conversation with %s",
                     user, conv->peer);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!store_write_begin (store, error))
    return FALSE;
  max_id = select_int64 (store, STMT_CONV_MAX_ID,
                         "SELECT coalesce(max(id), 0) FROM messages WHERE app_id = ?1 AND conv_key = ?2",
                         app, conv_key, "reading messages", error);
  /* Every participant's row: the conversation leaves everyone's list, and
   * what was in it no longer counts as unread when it comes back. */
  ok = max_id >= 0 &&
       exec_bound (store, STMT_CONV_REMOVE,
                   "UPDATE user_conversations SET removed_before_id = max(removed_before_id, ?4),"
                   " read_id = max(read_id, ?4) WHERE app_id = ?1 AND conv_key = ?3",
                   app, user, conv_key, max_id, error);
  if (ok && delete_roam)
    ok = exec_bound (store, STMT_CONV_DELETE_MESSAGES,
                     "DELETE FROM messages WHERE app_id = ?1 AND conv_key = ?3",
                     app, user, conv_key, 0, error);
  return store_write_end (store, ok, error);
}

/* An UPDATE of the user's row that must find it. */
static gboolean
update_view (Store *store, StoreStmtSlot slot, const char *sql, gint64 app, const char *user,
             const StoreConvRef *conv, gint64 value, GError **error)
{
  g_autofree char *conv_key = store_conv_key (user, conv, error);
  gboolean ok;

  if (conv_key == NULL || !store_write_begin (store, error))
    return FALSE;
  ok = exec_bound (store, slot, sql, app, user, conv_key, value, error);
  if (ok && sqlite3_changes (store->db) == 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "%s has no conversation with %s",
                   user, conv->peer);
      ok = FALSE;
    }
  return store_write_end (store, ok, error);
}

gboolean
store_conversation_mark_read (Store *store, gint64 app, const char *user,
                              const StoreConvRef *conv, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  return update_view (store, STMT_CONV_MARK_READ,
                      "UPDATE user_conversations AS uc SET read_id = max(uc.read_id,"
                      "  coalesce((SELECT max(m.id) FROM messages m"
                      "            WHERE m.app_id = uc.app_id AND m.conv_key = uc.conv_key), 0))"
                      " WHERE uc.app_id = ?1 AND uc.username = ?2 AND uc.conv_key = ?3",
                      app, user, conv, 0, error);
}

gboolean
store_conversation_set_top (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
                            gboolean is_top, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  return update_view (store, STMT_CONV_SET_TOP,
                      "UPDATE user_conversations SET is_top = ?4 <> 0,"
                      " top_time = CASE WHEN ?4 <> 0 THEN ?4 ELSE 0 END"
                      " WHERE app_id = ?1 AND username = ?2 AND conv_key = ?3",
                      app, user, conv, is_top ? store_now_ms () : 0, error);
}
