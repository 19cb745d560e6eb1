/* MSYNC delivery queues: what the WebSocket side still owes each device.
 *
 * One table, msync_inbox.  A row is one packed Meta for one device
 * (resource) or for the user as a whole (resource ''), in a named queue.
 * seq is AUTOINCREMENT so that it never goes back, even after the newest
 * rows are acknowledged: it is the pull cursor the client echoes (nextKey),
 * and the SDK gives up on a queue that sees the same nextKey twice.
 *
 * The table is created here rather than by a schema migration in store.c:
 * it holds delivery state of the live side only, and keeping it in this file
 * keeps the REST store's schema untouched.  CREATE ... IF NOT EXISTS makes
 * store_msync_init idempotent. */
#include "store-private.h"

#define MSYNC_SCHEMA \
  "CREATE TABLE IF NOT EXISTS msync_inbox (" \
  "  seq      INTEGER PRIMARY KEY AUTOINCREMENT," \
  "  app_id   INTEGER NOT NULL," \
  "  username TEXT NOT NULL," \
  "  resource TEXT NOT NULL," \
  "  queue    TEXT NOT NULL," \
  "  ns       INTEGER NOT NULL," \
  "  item_id  INTEGER NOT NULL," \
  "  meta     BLOB NOT NULL," \
  "  created  INTEGER NOT NULL," \
  "  UNIQUE (app_id, username, resource, ns, item_id));" \
  "CREATE INDEX IF NOT EXISTS msync_inbox_queue" \
  "  ON msync_inbox (app_id, username, resource, queue, seq);" \
  "CREATE INDEX IF NOT EXISTS msync_inbox_created ON msync_inbox (created);"

gboolean
store_msync_init (Store *store, GError **error)
{
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!store_write_begin (store, error))
    return FALSE;
  rc = sqlite3_exec (store->db, MSYNC_SCHEMA, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    store_set_sqlite_error (store, error, rc, "creating the MSYNC tables");
  return store_write_end (store, rc == SQLITE_OK, error);
}

/* need_queue: the call works on one queue, which must be named. */
static gboolean
check_args (const char *user, const char *resource, gboolean need_queue, const char *queue,
            GError **error)
{
  if (user == NULL || *user == '\0' || resource == NULL ||
      (need_queue && (queue == NULL || *queue == '\0')))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "MSYNC queue without user, device or name");
      return FALSE;
    }
  return TRUE;
}

gboolean
store_msync_enqueue (Store *store, gint64 app, const char *user, const char *resource,
                     const char *queue, gint ns, guint64 item_id, GBytes *meta, guint64 *seq,
                     GError **error)
{
  sqlite3_stmt *st;
  gsize len = 0;
  gconstpointer data;
  gboolean ok;

  g_return_val_if_fail (store != NULL && meta != NULL, FALSE);
  if (seq)
    *seq = 0;
  if (!check_args (user, resource, TRUE, queue, error))
    return FALSE;
  if (item_id > (guint64) G_MAXINT64)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "item id %" G_GUINT64_FORMAT
                   " is out of range", item_id);
      return FALSE;
    }
  if (!store_write_begin (store, error))
    return FALSE;
  st = store_stmt (store, STMT_MSYNC_ENQUEUE,
                   "INSERT INTO msync_inbox (app_id, username, resource, queue, ns, item_id,"
                   " meta, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   error);
  ok = st != NULL;
  if (ok)
    {
      data = g_bytes_get_data (meta, &len);
      sqlite3_bind_int64 (st, 1, app);
      sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, resource, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, queue, -1, SQLITE_STATIC);
      sqlite3_bind_int (st, 5, ns);
      sqlite3_bind_int64 (st, 6, (gint64) item_id);
      sqlite3_bind_blob (st, 7, data ? data : "", (int) len, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 8, store_now_ms ());
      ok = store_step_done (store, st, error);
      if (ok && seq && sqlite3_changes (store->db) == 1)
        *seq = (guint64) sqlite3_last_insert_rowid (store->db);
    }
  return store_write_end (store, ok, error);
}

GPtrArray *
store_msync_batch (Store *store, gint64 app, const char *user, const char *resource,
                   const char *queue, guint limit, guint64 *last_seq, GError **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(sqlite3_stmt) st = NULL;
  guint64 last = 0;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  if (!check_args (user, resource, TRUE, queue, error))
    return NULL;
  st = store_stmt (store, STMT_MSYNC_BATCH,
                   "SELECT seq, meta FROM msync_inbox WHERE app_id = ? AND username = ?"
                   " AND resource = ? AND queue = ? ORDER BY seq LIMIT ?", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, resource, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 4, queue, -1, SQLITE_STATIC);
  sqlite3_bind_int (st, 5, (int) MIN (limit, (guint) G_MAXINT));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      last = (guint64) sqlite3_column_int64 (st, 0);
      g_ptr_array_add (items, g_bytes_new (sqlite3_column_blob (st, 1),
                                           (gsize) sqlite3_column_bytes (st, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      store_set_sqlite_error (store, error, rc, "reading MSYNC queues");
      return NULL;
    }
  if (last_seq)
    *last_seq = last;
  return g_steal_pointer (&items);
}

gboolean
store_msync_ack (Store *store, gint64 app, const char *user, const char *resource,
                 const char *queue, guint64 upto, GError **error)
{
  sqlite3_stmt *st;
  gboolean ok;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!check_args (user, resource, TRUE, queue, error))
    return FALSE;
  if (!store_write_begin (store, error))
    return FALSE;
  st = store_stmt (store, STMT_MSYNC_ACK,
                   "DELETE FROM msync_inbox WHERE app_id = ? AND username = ? AND resource = ?"
                   " AND queue = ? AND seq <= ?", error);
  ok = st != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (st, 1, app);
      sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, resource, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, queue, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 5, (gint64) MIN (upto, (guint64) G_MAXINT64));
      ok = store_step_done (store, st, error);
    }
  return store_write_end (store, ok, error);
}

void
store_msync_queue_free (StoreMsyncQueue *q)
{
  if (q == NULL)
    return;
  g_free (q->queue);
  g_free (q);
}

GPtrArray *
store_msync_unread (Store *store, gint64 app, const char *user, const char *resource,
                    GError **error)
{
  g_autoptr(GPtrArray) queues =
    g_ptr_array_new_with_free_func ((GDestroyNotify) store_msync_queue_free);
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  if (!check_args (user, resource, FALSE, NULL, error))
    return NULL;
  st = store_stmt (store, STMT_MSYNC_UNREAD,
                   "SELECT queue, count(*) FROM msync_inbox WHERE app_id = ? AND username = ?"
                   " AND resource = ? GROUP BY queue ORDER BY min(seq)", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, resource, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      StoreMsyncQueue *q = g_new0 (StoreMsyncQueue, 1);
      q->queue = store_column_dup (st, 0);
      q->n = (guint) MIN (sqlite3_column_int64 (st, 1), G_MAXUINT32);
      g_ptr_array_add (queues, q);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_sqlite_error (store, error, rc, "reading MSYNC queues");
      return NULL;
    }
  return g_steal_pointer (&queues);
}

/* Moves the rows of (user, from) to (user, to); rows the target already has
 * (same item) are dropped, as are those of `skip_queue`. */
static gboolean
move_rows (Store *store, StoreStmtSlot move_slot, StoreStmtSlot drop_slot, gint64 app,
           const char *user, const char *from, const char *to, const char *skip_queue,
           GError **error)
{
  sqlite3_stmt *st;
  gboolean ok;

  if (!store_write_begin (store, error))
    return FALSE;
  /* ?4 NULL skips nothing: "queue = NULL" is never true. */
  st = store_stmt (store, move_slot,
                   "UPDATE OR IGNORE msync_inbox SET resource = ?3 WHERE app_id = ?1"
                   " AND username = ?2 AND resource = ?5 AND (?4 IS NULL OR queue <> ?4)", error);
  ok = st != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (st, 1, app);
      sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, to, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, skip_queue, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 5, from, -1, SQLITE_STATIC);
      ok = store_step_done (store, st, error);
    }
  if (ok)
    {
      st = store_stmt (store, drop_slot,
                       "DELETE FROM msync_inbox WHERE app_id = ? AND username = ? AND resource = ?",
                       error);
      ok = st != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (st, 1, app);
          sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
          sqlite3_bind_text (st, 3, from, -1, SQLITE_STATIC);
          ok = store_step_done (store, st, error);
        }
    }
  return store_write_end (store, ok, error);
}

gboolean
store_msync_claim (Store *store, gint64 app, const char *user, const char *resource,
                   const char *skip_queue, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  if (!check_args (user, resource, FALSE, NULL, error))
    return FALSE;
  if (*resource == '\0')
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "a device needs a resource");
      return FALSE;
    }
  return move_rows (store, STMT_MSYNC_CLAIM, STMT_MSYNC_CLAIM_DROP, app, user, "", resource,
                    skip_queue, error);
}

gboolean
store_msync_release (Store *store, gint64 app, const char *user, const char *resource,
                     GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  if (!check_args (user, resource, FALSE, NULL, error))
    return FALSE;
  if (*resource == '\0')
    return TRUE;
  return move_rows (store, STMT_MSYNC_RELEASE, STMT_MSYNC_RELEASE_DROP, app, user, resource, "",
                    NULL, error);
}

gint64
store_msync_purge (Store *store, gint64 before_ms, GError **error)
{
  sqlite3_stmt *st;
  gint64 n = 0;
  gboolean ok;

  g_return_val_if_fail (store != NULL, -1);
  if (!store_write_begin (store, error))
    return -1;
  st = store_stmt (store, STMT_MSYNC_PURGE, "DELETE FROM msync_inbox WHERE created < ?", error);
  ok = st != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (st, 1, before_ms);
      ok = store_step_done (store, st, error);
      n = sqlite3_changes (store->db);
    }
  if (!store_write_end (store, ok, error))
    return -1;
  return n;
}

/* ---- the observer ---- */

void
store_set_message_observer (Store *store, StoreMessageObserver observer, gpointer user_data)
{
  g_return_if_fail (store != NULL);
  store->observer = observer;
  store->observer_data = user_data;
}

void
store_message_announce (Store *store, gint64 app, const AcMessage *msg, gboolean live)
{
  g_return_if_fail (store != NULL && msg != NULL);
  if (store->observer)
    store->observer (app, msg, live, store->observer_data);
}
