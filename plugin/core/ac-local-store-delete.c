/* Remote deletion (R5, R6) in the local store: only what the server
 * confirmed.  Each call is one transaction that also leaves a tombstone
 * (deleted_ids, deleted_before), which ac_local_store_store_page reads so
 * that a later back-fill never stores the deleted messages again. */
#include "ac-local-store-private.h"

#include <sqlite3.h>


static const char *const delete_sql[N_STATEMENTS] = {
  [ST_DEL_ID_REMEMBER] = "INSERT OR IGNORE INTO deleted_ids (server_id) VALUES (?1)",
  [ST_DEL_ID_MESSAGE] = "DELETE FROM messages WHERE server_id = ?1 AND is_group = ?3 AND conv_id = ?2",
  [ST_DEL_BEFORE_REMEMBER] =
    "INSERT INTO deleted_before (conv_id, is_group, ts) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (is_group, conv_id) DO UPDATE SET ts = MAX (ts, ?3)",
  [ST_DEL_BEFORE_MESSAGES] = "DELETE FROM messages WHERE is_group = ?2 AND conv_id = ?1 AND ts <= ?3",
  [ST_DEL_BEFORE_COUNT] =
    "SELECT COUNT(*) FROM messages WHERE is_group = ?2 AND conv_id = ?1 AND ts <= ?3",
  [ST_DEL_CONV] = "DELETE FROM conversations WHERE is_group = ?2 AND conv_id = ?1",
  [ST_DEL_CONV_CURSOR] = "DELETE FROM cursors WHERE is_group = ?2 AND conv_id = ?1",
  [ST_DEL_CONV_MESSAGES] = "DELETE FROM messages WHERE is_group = ?2 AND conv_id = ?1",
  [ST_DEL_CONV_MAX_TS] = "SELECT MAX (ts) FROM messages WHERE is_group = ?2 AND conv_id = ?1",
};

/* The end of a deletion's transaction: commit, and say how many messages it
 * removed; rolled back when the commit fails. */
static gboolean
commit_removed (AcLocalStore *store, guint count, guint *removed, GError **error)
{
  if (!ac_local_store_exec (store, ST_COMMIT, error))
    {
      ac_local_store_exec (store, ST_ROLLBACK, NULL);
      return FALSE;
    }
  ac_wal_checkpointer_kick (store->checkpointer);
  if (removed != NULL)
    *removed = count;
  return TRUE;
}

static sqlite3_stmt *
stmt (AcLocalStore *store, StatementId id, GError **error)
{
  return ac_local_store_stmt (store, id, delete_sql[id], error);
}

/* Binds ?1 conv_id, ?2 is_group, steps once; *changes gets the rows changed. */
static gboolean
exec_conv (AcLocalStore *store, StatementId id, const char *conv_id, gboolean is_group,
           gint64 ts, guint *changes, GError **error)
{
  sqlite3_stmt *s = stmt (store, id, error);
  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 2, is_group ? 1 : 0);
  if (sqlite3_bind_parameter_count (s) >= 3)
    sqlite3_bind_int64 (s, 3, ts);
  int rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return ac_local_store_fail (store, error, delete_sql[id]);
  if (changes != NULL)
    *changes += (guint) sqlite3_changes (store->db);
  return TRUE;
}

gboolean
ac_local_store_delete_ids (AcLocalStore *store, const char *conv_id, gboolean is_group,
                           const guint64 *ids, guint n, guint *removed, GError **error)
{
  guint count = 0;
  if (!ac_local_store_exec (store, ST_BEGIN, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_stmt *s = stmt (store, ST_DEL_ID_REMEMBER, error);
      if (s == NULL)
        goto rollback;
      sqlite3_bind_int64 (s, 1, (sqlite3_int64) ids[i]);
      int rc = sqlite3_step (s);
      sqlite3_reset (s);
      if (rc != SQLITE_DONE)
        {
          ac_local_store_fail (store, error, "remember a deleted message");
          goto rollback;
        }
      s = stmt (store, ST_DEL_ID_MESSAGE, error);
      if (s == NULL)
        goto rollback;
      sqlite3_bind_int64 (s, 1, (sqlite3_int64) ids[i]);
      sqlite3_bind_text (s, 2, conv_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (s, 3, is_group ? 1 : 0);
      rc = sqlite3_step (s);
      sqlite3_reset (s);
      if (rc != SQLITE_DONE)
        {
          ac_local_store_fail (store, error, "delete a message");
          goto rollback;
        }
      count += (guint) sqlite3_changes (store->db);
    }
  return commit_removed (store, count, removed, error);

rollback:
  ac_local_store_exec (store, ST_ROLLBACK, NULL);
  return FALSE;
}

gboolean
ac_local_store_delete_before (AcLocalStore *store, const char *conv_id, gboolean is_group,
                              guint64 ts_ms, guint *removed, GError **error)
{
  guint count = 0;
  gint64 ts = (gint64) MIN (ts_ms, (guint64) G_MAXINT64);
  if (!ac_local_store_exec (store, ST_BEGIN, error))
    return FALSE;
  if (!exec_conv (store, ST_DEL_BEFORE_REMEMBER, conv_id, is_group, ts, NULL, error)
      || !exec_conv (store, ST_DEL_BEFORE_MESSAGES, conv_id, is_group, ts, &count, error)
      || !ac_local_store_exec (store, ST_COMMIT, error))
    {
      ac_local_store_exec (store, ST_ROLLBACK, NULL);
      return FALSE;
    }
  if (removed != NULL)
    *removed = count;
  return TRUE;
}

guint
ac_local_store_count_before (AcLocalStore *store, const char *conv_id, gboolean is_group,
                             guint64 ts_ms)
{
  sqlite3_stmt *s = stmt (store, ST_DEL_BEFORE_COUNT, NULL);
  if (s == NULL)
    return 0;
  sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 2, is_group ? 1 : 0);
  sqlite3_bind_int64 (s, 3, (gint64) MIN (ts_ms, (guint64) G_MAXINT64));
  guint n = sqlite3_step (s) == SQLITE_ROW ? (guint) sqlite3_column_int64 (s, 0) : 0;
  sqlite3_reset (s);
  return n;
}

gboolean
ac_local_store_delete_conversation (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                    gboolean with_messages, guint *removed, GError **error)
{
  guint count = 0;
  if (!ac_local_store_exec (store, ST_BEGIN, error))
    return FALSE;
  if (!exec_conv (store, ST_DEL_CONV, conv_id, is_group, 0, NULL, error))
    goto rollback;
  if (with_messages)
    {
      /* The newest stored time becomes the conversation's tombstone: what the
       * server deleted for everyone is never stored again, and newer
       * messages (the conversation coming back) still are. */
      sqlite3_stmt *s = stmt (store, ST_DEL_CONV_MAX_TS, error);
      if (s == NULL)
        goto rollback;
      sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (s, 2, is_group ? 1 : 0);
      int rc = sqlite3_step (s);
      gboolean have = rc == SQLITE_ROW && sqlite3_column_type (s, 0) != SQLITE_NULL;
      gint64 newest = have ? sqlite3_column_int64 (s, 0) : 0;
      sqlite3_reset (s);
      if (rc != SQLITE_ROW)
        {
          ac_local_store_fail (store, error, "read the newest message");
          goto rollback;
        }
      if ((have && !exec_conv (store, ST_DEL_BEFORE_REMEMBER, conv_id, is_group, newest, NULL,
                               error))
          || !exec_conv (store, ST_DEL_CONV_MESSAGES, conv_id, is_group, 0, &count, error)
          || !exec_conv (store, ST_DEL_CONV_CURSOR, conv_id, is_group, 0, NULL, error))
        goto rollback;
    }
  return commit_removed (store, count, removed, error);

rollback:
  ac_local_store_exec (store, ST_ROLLBACK, NULL);
  return FALSE;
}
