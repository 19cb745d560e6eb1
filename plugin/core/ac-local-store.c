#include "ac-local-store-private.h"
#include "ac-wal-checkpointer.h"
#include "ac-message-json.h"
#include "ac-message-pb.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

G_DEFINE_QUARK (ac-local-store-error-quark, ac_local_store_error)

/* Migrations: entry i brings user_version i to i+1.  Never edit a released
 * entry; append a new one.  Server ids are unsigned 64-bit: they are stored
 * bit-cast into SQLite's signed INTEGER (equality and uniqueness hold; order
 * is by timestamp, then id, so the sign never matters). */
static const char *const migrations[] = {
  "CREATE TABLE conversations ("
  "  conv_id TEXT NOT NULL, is_group INTEGER NOT NULL, name TEXT,"
  "  unread INTEGER NOT NULL DEFAULT 0, last_ts INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (is_group, conv_id));"
  "CREATE TABLE messages ("
  "  server_id INTEGER NOT NULL UNIQUE, conv_id TEXT NOT NULL, is_group INTEGER NOT NULL,"
  "  ts INTEGER NOT NULL, payload TEXT NOT NULL, shown INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX messages_by_conv ON messages (is_group, conv_id, ts, server_id);"
  "CREATE TABLE cursors ("
  "  conv_id TEXT NOT NULL, is_group INTEGER NOT NULL,"
  "  newest_id INTEGER NOT NULL DEFAULT 0, oldest_id INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (is_group, conv_id));",
  /* 2: remote deletion (R5/R6).  Tombstones so that a later back-fill never
   * stores again what this user deleted on the server: ids deleted one by
   * one, and per conversation the newest time deleted "at or before". */
  "CREATE TABLE deleted_ids (server_id INTEGER PRIMARY KEY);"
  "CREATE TABLE deleted_before ("
  "  conv_id TEXT NOT NULL, is_group INTEGER NOT NULL, ts INTEGER NOT NULL,"
  "  PRIMARY KEY (is_group, conv_id));",
  /* 3: per-profile settings that must not live in accounts.xml (the MSYNC
   * device resource). */
  "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
  /* 4: back-fill speed.  The server id becomes the rowid (one b-tree less to
   * insert into per message than UNIQUE beside a rowid); the index by
   * conversation carries shown, so that counting a conversation's unread
   * (once per conversation synced) reads the index alone.
   * payload has no declared type: JSON text (v1-v3 rows, live messages) or
   * the packed protobuf Meta as received (history pages), told apart by
   * SQLite's storage class. */
  "CREATE TABLE messages_v4 ("
  "  server_id INTEGER PRIMARY KEY, conv_id TEXT NOT NULL, is_group INTEGER NOT NULL,"
  "  ts INTEGER NOT NULL, payload NOT NULL, shown INTEGER NOT NULL DEFAULT 0);"
  "INSERT INTO messages_v4 (server_id, conv_id, is_group, ts, payload, shown)"
  "  SELECT server_id, conv_id, is_group, ts, payload, shown FROM messages;"
  "DROP TABLE messages;"
  "ALTER TABLE messages_v4 RENAME TO messages;"
  "CREATE INDEX messages_by_conv ON messages (is_group, conv_id, ts, shown);",
  /* 5: one's own messages (sent from another device) are never unread, as
   * in the server's count: the sender, so that counting can leave them out.
   * Rows from before have NULL; migrate() fills it for the unshown ones,
   * the only ones ever counted. */
  "ALTER TABLE messages ADD COLUMN sender TEXT;",
  /* 6: counting a conversation's unread (once per conversation synced, on
   * the main connection, whose cache the writer's commits have just made
   * stale) read each row for its sender: a page read per message.  With the
   * sender in the index the count reads the index alone. */
  "DROP INDEX messages_by_conv;"
  "CREATE INDEX messages_by_conv ON messages (is_group, conv_id, ts, shown, sender);",
  /* 7: messages clustered by conversation, newest first, the order a
   * back-fill brings them in: a page of history lands in neighbouring rows
   * of one b-tree.  Keyed by server id, a page was spread over the time
   * range every other conversation shares, splitting pages all over the
   * tree (10,000 messages of 100 interleaved conversations: 18 MB of WAL
   * written, now 6 MB; the inserts take 40% less time; the file is a third
   * smaller).  The server id stays unique through its own index; reading a
   * conversation, its unread count included, is one range of rows. */
  "CREATE TABLE messages_v7 ("
  "  server_id INTEGER NOT NULL, conv_id TEXT NOT NULL, is_group INTEGER NOT NULL,"
  "  ts INTEGER NOT NULL, payload NOT NULL, shown INTEGER NOT NULL DEFAULT 0, sender TEXT,"
  "  PRIMARY KEY (is_group, conv_id, ts DESC, server_id DESC)) WITHOUT ROWID;"
  "INSERT INTO messages_v7 (server_id, conv_id, is_group, ts, payload, shown, sender)"
  "  SELECT server_id, conv_id, is_group, ts, payload, shown, sender FROM messages"
  "  ORDER BY is_group, conv_id, ts DESC, server_id DESC;"
  "DROP TABLE messages;"
  "ALTER TABLE messages_v7 RENAME TO messages;"
  "CREATE UNIQUE INDEX messages_by_id ON messages (server_id);",
};
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == AC_LOCAL_STORE_VERSION);

/* The deletion statements' text is in ac-local-store-delete.c. */
static const char *const statement_sql[N_STATEMENTS] = {
  [ST_CONV_UPSERT] =
    "INSERT INTO conversations (conv_id, is_group, name, unread, last_ts) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (is_group, conv_id) DO UPDATE SET name = COALESCE (?3, name), unread = ?4, "
    "last_ts = MAX (last_ts, ?5)",
  [ST_CONV_LIST] =
    "SELECT conv_id, is_group, name, unread, last_ts FROM conversations ORDER BY last_ts DESC, conv_id",
  [ST_CURSOR_GET] = "SELECT newest_id, oldest_id FROM cursors WHERE is_group = ?2 AND conv_id = ?1",
  [ST_CURSOR_SET] =
    "INSERT INTO cursors (conv_id, is_group, newest_id, oldest_id) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (is_group, conv_id) DO UPDATE SET newest_id = ?3, oldest_id = ?4",
  /* Tombstones are checked once per page (store_page), not per message. */
  [ST_MSG_INSERT] =
    "INSERT INTO messages (server_id, conv_id, is_group, ts, payload, sender) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT DO NOTHING",
  [ST_TOMBSTONE_BEFORE] = "SELECT ts FROM deleted_before WHERE is_group = ?2 AND conv_id = ?1",
  [ST_TOMBSTONE_ANY_ID] = "SELECT EXISTS (SELECT 1 FROM deleted_ids)",
  [ST_TOMBSTONE_ID] = "SELECT 1 FROM deleted_ids WHERE server_id = ?1",
  [ST_MSG_LAST] =
    "SELECT server_id, ts, payload FROM (SELECT server_id, ts, payload FROM messages "
    "WHERE is_group = ?2 AND conv_id = ?1 ORDER BY ts DESC, server_id DESC LIMIT ?3) "
    "ORDER BY ts, server_id",
  [ST_MSG_BEFORE] =
    "SELECT server_id, ts, payload FROM (SELECT m.server_id, m.ts, m.payload FROM messages m, "
    "(SELECT ts, server_id FROM messages WHERE server_id = ?4) AS b "
    "WHERE m.is_group = ?2 AND m.conv_id = ?1 AND (m.ts, m.server_id) < (b.ts, b.server_id) "
    "ORDER BY m.ts DESC, m.server_id DESC LIMIT ?3) ORDER BY ts, server_id",
  [ST_MSG_COUNT] = "SELECT COUNT(*) FROM messages WHERE is_group = ?2 AND conv_id = ?1",
  [ST_SHOWN_GET] = "SELECT shown FROM messages WHERE server_id = ?1",
  [ST_SHOWN_SET] = "UPDATE messages SET shown = 1 WHERE server_id = ?1",
  [ST_MSG_UNSHOWN] =
    "SELECT server_id, ts, payload FROM (SELECT server_id, ts, payload FROM messages "
    "WHERE is_group = ?2 AND conv_id = ?1 AND shown = 0 ORDER BY ts DESC, server_id DESC LIMIT ?3) "
    "ORDER BY ts, server_id",
  /* A NULL sender (a row the migration could not read) still counts. */
  [ST_UNSHOWN_COUNT] =
    "SELECT COUNT(*) FROM messages WHERE is_group = ?2 AND conv_id = ?1 AND shown = 0 "
    "AND sender IS NOT ?3",
  [ST_SENDERLESS_UNSHOWN] =
    "SELECT server_id, ts, payload FROM messages WHERE shown = 0 AND sender IS NULL",
  [ST_SENDER_SET] = "UPDATE messages SET sender = ?2 WHERE server_id = ?1",
  [ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
  [ST_SETTING_SET] =
    "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
  [ST_BEGIN] = "BEGIN IMMEDIATE",
  [ST_COMMIT] = "COMMIT",
  [ST_ROLLBACK] = "ROLLBACK",
};

static gboolean
fail (AcLocalStore *store, GError **error, const char *what)
{
  g_set_error (error, AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_FAILED, "%s: %s", what,
               store->db != NULL ? sqlite3_errmsg (store->db) : "no database");
  return FALSE;
}

/* A prepared statement, reset and unbound, ready for this use. */
sqlite3_stmt *
ac_local_store_stmt (AcLocalStore *store, StatementId id, const char *sql, GError **error)
{
  if (store->stmt[id] == NULL
      && sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &store->stmt[id],
                             NULL) != SQLITE_OK)
    {
      fail (store, error, "prepare");
      return NULL;
    }
  sqlite3_reset (store->stmt[id]);
  sqlite3_clear_bindings (store->stmt[id]);
  return store->stmt[id];
}

static sqlite3_stmt *
stmt (AcLocalStore *store, StatementId id, GError **error)
{
  return ac_local_store_stmt (store, id, statement_sql[id], error);
}

static gboolean
exec_simple (AcLocalStore *store, StatementId id, GError **error)
{
  sqlite3_stmt *s = stmt (store, id, error);
  if (s == NULL)
    return FALSE;
  int rc = sqlite3_step (s);
  sqlite3_reset (s);
  return rc == SQLITE_DONE ? TRUE : fail (store, error, statement_sql[id]);
}

/* For ac-local-store-delete.c. */
gboolean
ac_local_store_exec (AcLocalStore *store, StatementId id, GError **error)
{
  return exec_simple (store, id, error);
}

gboolean
ac_local_store_fail (AcLocalStore *store, GError **error, const char *what)
{
  return fail (store, error, what);
}

static GPtrArray *read_messages (AcLocalStore *store, sqlite3_stmt *s, GError **error);

/* Migration 5's part that SQL cannot do: the sender of the stored messages
 * not yet shown, read from their payload (JSON or packed Meta). */
static gboolean
fill_senders (AcLocalStore *store, GError **error)
{
  sqlite3_stmt *s = stmt (store, ST_SENDERLESS_UNSHOWN, error);
  if (s == NULL)
    return FALSE;
  g_autoptr (GPtrArray) msgs = read_messages (store, s, error);
  if (msgs == NULL)
    return FALSE;
  for (guint i = 0; i < msgs->len; i++)
    {
      const AcMessage *msg = msgs->pdata[i];
      if (msg->from == NULL)
        continue;
      if ((s = stmt (store, ST_SENDER_SET, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (s, 1, (sqlite3_int64) msg->id);
      sqlite3_bind_text (s, 2, msg->from, -1, SQLITE_STATIC);
      int rc = sqlite3_step (s);
      sqlite3_reset (s);
      if (rc != SQLITE_DONE)
        return fail (store, error, "fill in a sender");
    }
  return TRUE;
}

/* Brings the file to schema version `target` (AC_LOCAL_STORE_VERSION but in
 * the migration tests, which make files of older versions). */
static gboolean
migrate_to (AcLocalStore *store, int target, GError **error)
{
  /* All steps in one transaction: a new profile's schema is one commit, and
   * an upgrade either completes or leaves the file as it was.  The version
   * is read inside it: another connection opening the same file (a retried
   * sign-in's) may have migrated it while this one waited for the lock. */
  if (sqlite3_exec (store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return fail (store, error, "lock the local store");
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (store->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
    {
      fail (store, error, "read schema version");
      sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  int version = sqlite3_step (s) == SQLITE_ROW ? sqlite3_column_int (s, 0) : 0;
  sqlite3_finalize (s);
  gboolean too_new = version > AC_LOCAL_STORE_VERSION;
  if (too_new || version >= target)
    {
      sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
      if (too_new)
        g_set_error (error, AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_TOO_NEW,
                     "The local store has schema version %d; this plugin knows up to %d",
                     version, AC_LOCAL_STORE_VERSION);
      return !too_new;
    }
  gboolean ok = TRUE;
  for (; ok && version < target; version++)
    ok = sqlite3_exec (store->db, migrations[version], NULL, NULL, NULL) == SQLITE_OK
         && (version + 1 != 5 || fill_senders (store, error));
  /* Constant SQL only: the version number is formatted from our own int. */
  g_autofree char *done = g_strdup_printf ("PRAGMA user_version = %d; COMMIT;", target);
  if (ok && sqlite3_exec (store->db, done, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  if (error == NULL || *error == NULL)
    fail (store, error, "migrate the local store");
  sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static AcLocalStore *
connect_file (const char *path, GError **error)
{
  g_autoptr (AcLocalStore) store = g_new0 (AcLocalStore, 1);
  /* NOMUTEX: a connection is only ever used by one thread (the main loop's,
   * or the writer's), so SQLite's per-call locking is pure cost. */
  if (sqlite3_open_v2 (path, &store->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      fail (store, error, "open the local store");
      return NULL;
    }
  sqlite3_busy_timeout (store->db, 5000);
  /* WAL: readers never block the writer; the -wal/-shm files inherit 0600. */
  if (sqlite3_exec (store->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                    NULL, NULL, NULL) != SQLITE_OK)
    {
      fail (store, error, "configure the local store");
      return NULL;
    }
  return g_steal_pointer (&store);
}

AcLocalStore *
ac_local_store_open_version (const char *path, int version, GError **error)
{
  g_autoptr (AcLocalStore) store = connect_file (path, error);
  if (store == NULL || !migrate_to (store, version, error))
    return NULL;
  return g_steal_pointer (&store);
}

AcLocalStore *
ac_local_store_open_connection (const char *path, GError **error)
{
  AcLocalStore *store = connect_file (path, error);
  if (store != NULL)
    sqlite3_exec (store->db, "PRAGMA wal_autocheckpoint = 0", NULL, NULL, NULL);
  return store;
}

AcLocalStore *
ac_local_store_open (const char *path, GError **error)
{
  /* Create the file ourselves so that it is 0600 from its first byte. */
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_FAILED,
                   "Cannot open %s: %s", path, g_strerror (e));
      return NULL;
    }
  close (fd);
  g_chmod (path, 0600);

  g_autoptr (AcLocalStore) store = connect_file (path, error);
  if (store == NULL || !migrate_to (store, AC_LOCAL_STORE_VERSION, error))
    return NULL;
  /* Checkpoints (and their fsync) on a worker thread, never in the main loop. */
  store->checkpointer = ac_wal_checkpointer_start (path);
  if (store->checkpointer != NULL)
    sqlite3_exec (store->db, "PRAGMA wal_autocheckpoint = 0", NULL, NULL, NULL);
  /* History pages are written on a thread of their own (its own connection),
   * so that the main loop only parses while SQLite works.  Without it, pages
   * are committed on this connection. */
  g_autoptr (GError) werr = NULL;
  store->writer = ac_store_writer_start (path, store->checkpointer, &werr);
  if (store->writer == NULL)
    g_debug ("local store: no writer thread: %s", werr->message);
  return g_steal_pointer (&store);
}

void
ac_local_store_close (AcLocalStore *store)
{
  if (store == NULL)
    return;
  /* First the writer: what it still has queued is committed, then its
   * connection closes before the last checkpoint. */
  g_clear_pointer (&store->writer, ac_store_writer_stop);
  g_clear_pointer (&store->checkpointer, ac_wal_checkpointer_stop);
  for (guint i = 0; i < N_STATEMENTS; i++)
    sqlite3_finalize (store->stmt[i]);
  sqlite3_close (store->db);
  g_free (store);
}

gboolean
ac_local_store_save_conversation (AcLocalStore *store, const AcConversation *conv, GError **error)
{
  sqlite3_stmt *s = stmt (store, ST_CONV_UPSERT, error);
  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, conv->id, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 2, conv->is_group ? 1 : 0);
  if (conv->name != NULL)
    sqlite3_bind_text (s, 3, conv->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 4, conv->unread);
  sqlite3_bind_int64 (s, 5, conv->last != NULL ? (sqlite3_int64) conv->last->timestamp : 0);
  int rc = sqlite3_step (s);
  sqlite3_reset (s);
  return rc == SQLITE_DONE ? TRUE : fail (store, error, "save a conversation");
}

gboolean
ac_local_store_save_conversations (AcLocalStore *store, GPtrArray *convs, GError **error)
{
  if (!ac_local_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < convs->len; i++)
    if (!ac_local_store_save_conversation (store, convs->pdata[i], error))
      {
        ac_local_store_rollback (store);
        return FALSE;
      }
  if (ac_local_store_commit (store, error))
    return TRUE;
  ac_local_store_rollback (store);
  return FALSE;
}

GPtrArray *
ac_local_store_list_conversations (AcLocalStore *store, GError **error)
{
  sqlite3_stmt *s = stmt (store, ST_CONV_LIST, error);
  if (s == NULL)
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_conversation_free);
  int rc;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      AcConversation *conv = ac_conversation_new ((const char *) sqlite3_column_text (s, 0),
                                                  sqlite3_column_int (s, 1) != 0);
      conv->name = g_strdup ((const char *) sqlite3_column_text (s, 2));
      conv->unread = (guint) sqlite3_column_int64 (s, 3);
      gint64 ts = sqlite3_column_int64 (s, 4);
      if (ts > 0)
        {
          conv->last = ac_message_new ();
          conv->last->timestamp = (guint64) ts;
        }
      g_ptr_array_add (out, conv);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (out);
      fail (store, error, "list conversations");
      return NULL;
    }
  return out;
}

gboolean
ac_local_store_get_cursor (AcLocalStore *store, const char *conv_id, gboolean is_group,
                           AcSyncCursor *out, GError **error)
{
  memset (out, 0, sizeof *out);
  sqlite3_stmt *s = stmt (store, ST_CURSOR_GET, error);
  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 2, is_group ? 1 : 0);
  int rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      out->newest_id = (guint64) sqlite3_column_int64 (s, 0);
      out->oldest_id = (guint64) sqlite3_column_int64 (s, 1);
    }
  sqlite3_reset (s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : fail (store, error, "read a cursor");
}

static gboolean
insert_message (AcLocalStore *store, const char *conv_id, gboolean is_group, const AcMessage *msg,
                GBytes *meta, gboolean *inserted, GError **error)
{
  sqlite3_stmt *s = stmt (store, ST_MSG_INSERT, error);
  if (s == NULL)
    return FALSE;
  /* A history page's Meta is stored as received: no JSON to build per
   * message; reading turns it back into the same AcMessage. */
  g_autofree char *payload = meta == NULL ? ac_message_to_payload_string (msg) : NULL;
  sqlite3_bind_int64 (s, 1, (sqlite3_int64) msg->id);
  sqlite3_bind_text (s, 2, conv_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 3, is_group ? 1 : 0);
  sqlite3_bind_int64 (s, 4, (sqlite3_int64) msg->timestamp);
  if (meta != NULL)
    sqlite3_bind_blob (s, 5, g_bytes_get_data (meta, NULL), (int) g_bytes_get_size (meta),
                       SQLITE_STATIC);
  else
    sqlite3_bind_text (s, 5, payload, -1, SQLITE_STATIC);
  if (msg->from != NULL)
    sqlite3_bind_text (s, 6, msg->from, -1, SQLITE_STATIC);
  int rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return fail (store, error, "store a message");
  *inserted = sqlite3_changes (store->db) > 0;
  return TRUE;
}

/* A query of one integer column: *out gets it (default when no row). */
static gboolean
query_int (AcLocalStore *store, StatementId id, const char *conv_id, gboolean is_group,
           gint64 arg, gint64 dflt, gint64 *out, GError **error)
{
  sqlite3_stmt *s = stmt (store, id, error);
  if (s == NULL)
    return FALSE;
  if (conv_id != NULL)
    {
      sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (s, 2, is_group ? 1 : 0);
    }
  else if (sqlite3_bind_parameter_count (s) >= 1)
    sqlite3_bind_int64 (s, 1, arg);
  int rc = sqlite3_step (s);
  *out = rc == SQLITE_ROW && sqlite3_column_type (s, 0) != SQLITE_NULL ? sqlite3_column_int64 (s, 0)
                                                                       : dflt;
  sqlite3_reset (s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : fail (store, error, statement_sql[id]);
}

gboolean
ac_local_store_store_page (AcLocalStore *store, const char *conv_id, gboolean is_group,
                           GPtrArray *msgs, GPtrArray *metas, const AcSyncCursor *cursor,
                           gboolean *is_new, GError **error)
{
  /* Tombstoned messages (deleted_ids, deleted_before) are never stored
   * again.  Asked once per page: the conversation's "deleted at or before"
   * time, and whether any id was ever deleted one by one (usually none, and
   * then no message needs its own probe). */
  gint64 before = -1, any_id = 0;
  if (msgs != NULL && msgs->len > 0
      && (!query_int (store, ST_TOMBSTONE_BEFORE, conv_id, is_group, 0, -1, &before, error)
          || !query_int (store, ST_TOMBSTONE_ANY_ID, NULL, FALSE, 0, 0, &any_id, error)))
    return FALSE;
  for (guint i = 0; msgs != NULL && i < msgs->len; i++)
    {
      const AcMessage *msg = msgs->pdata[i];
      is_new[i] = FALSE;
      if (msg->id == 0)
        continue; /* without a server id it cannot be deduplicated: not history */
      if ((gint64) msg->timestamp <= before)
        continue;
      if (any_id)
        {
          gint64 deleted = 0;
          if (!query_int (store, ST_TOMBSTONE_ID, NULL, FALSE, (gint64) msg->id, 0, &deleted, error))
            return FALSE;
          if (deleted)
            continue;
        }
      GBytes *meta = metas != NULL && i < metas->len ? metas->pdata[i] : NULL;
      if (!insert_message (store, conv_id, is_group, msg, meta, &is_new[i], error))
        return FALSE;
    }
  if (cursor != NULL)
    {
      sqlite3_stmt *s = stmt (store, ST_CURSOR_SET, error);
      if (s == NULL)
        return FALSE;
      sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (s, 2, is_group ? 1 : 0);
      sqlite3_bind_int64 (s, 3, (sqlite3_int64) cursor->newest_id);
      sqlite3_bind_int64 (s, 4, (sqlite3_int64) cursor->oldest_id);
      int rc = sqlite3_step (s);
      sqlite3_reset (s);
      if (rc != SQLITE_DONE)
        return fail (store, error, "move a cursor");
    }
  return TRUE;
}

gboolean ac_local_store_begin (AcLocalStore *store, GError **error) { return exec_simple (store, ST_BEGIN, error); }
void ac_local_store_rollback (AcLocalStore *store) { exec_simple (store, ST_ROLLBACK, NULL); }

gboolean
ac_local_store_commit (AcLocalStore *store, GError **error)
{
  if (!exec_simple (store, ST_COMMIT, error))
    return FALSE;
  ac_wal_checkpointer_kick (store->checkpointer);
  return TRUE;
}

/* One page in one transaction on this connection. */
static gboolean
commit_page_here (AcLocalStore *store, const char *conv_id, gboolean is_group, GPtrArray *msgs,
                  GPtrArray *metas, const AcSyncCursor *cursor, gboolean *is_new, GError **error)
{
  if (!ac_local_store_begin (store, error))
    return FALSE;
  if (!ac_local_store_store_page (store, conv_id, is_group, msgs, metas, cursor, is_new, error)
      || !ac_local_store_commit (store, error))
    {
      ac_local_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

gboolean
ac_local_store_commit_page (AcLocalStore *store, const char *conv_id, gboolean is_group,
                            GPtrArray *msgs, const AcSyncCursor *cursor, GPtrArray **inserted,
                            GError **error)
{
  guint n = msgs != NULL ? msgs->len : 0;
  g_autofree gboolean *is_new = g_new0 (gboolean, MAX (n, 1));
  if (!commit_page_here (store, conv_id, is_group, msgs, NULL, cursor, is_new, error))
    return FALSE;
  if (inserted != NULL)
    {
      *inserted = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
      for (guint i = 0; i < n; i++)
        if (is_new[i])
          g_ptr_array_add (*inserted, ac_message_copy (msgs->pdata[i]));
    }
  return TRUE;
}

void
ac_local_store_commit_page_async (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                  GPtrArray *msgs, GPtrArray *metas, const AcSyncCursor *cursor,
                                  AcPageChain *chain, const char *unread_for,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  if (store->writer != NULL)
    {
      ac_store_writer_commit_page_async (store->writer, conv_id, is_group, msgs, metas, cursor,
                                         chain, unread_for, cancellable, callback, user_data);
      return;
    }
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_local_store_commit_page_async);
  guint n = msgs != NULL ? msgs->len : 0;
  GArray *is_new = g_array_sized_new (FALSE, TRUE, sizeof (gboolean), n);
  g_array_set_size (is_new, n);
  GError *error = NULL;
  if (!ac_page_chain_admit (chain, cancellable, &error)
      || !commit_page_here (store, conv_id, is_group, msgs, metas, cursor,
                            (gboolean *) is_new->data, &error))
    {
      ac_page_chain_fail (chain);
      g_array_unref (is_new);
      g_task_return_error (task, error);
      return;
    }
  guint unread = unread_for != NULL ? ac_local_store_count_unshown (store, conv_id, is_group,
                                                                    unread_for)
                                    : G_MAXUINT;
  g_task_return_pointer (task, ac_page_result_new (is_new, unread),
                         (GDestroyNotify) ac_page_result_free);
}

GArray *
ac_local_store_commit_page_finish (AcLocalStore *store, GAsyncResult *result, guint *unread,
                                   GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  AcPageResult *r = g_task_propagate_pointer (G_TASK (result), error);
  if (unread != NULL)
    *unread = r != NULL ? r->unread : G_MAXUINT;
  if (r == NULL)
    return NULL;
  GArray *is_new = g_steal_pointer (&r->is_new);
  ac_page_result_free (r);
  return is_new;
}

GPtrArray *
ac_local_store_messages (AcLocalStore *store, const char *conv_id, gboolean is_group,
                         guint64 before_id, guint n, GError **error)
{
  sqlite3_stmt *s = stmt (store, before_id != 0 ? ST_MSG_BEFORE : ST_MSG_LAST, error);
  if (s == NULL)
    return NULL;
  sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 2, is_group ? 1 : 0);
  sqlite3_bind_int64 (s, 3, n);
  if (before_id != 0)
    sqlite3_bind_int64 (s, 4, (sqlite3_int64) before_id);
  return read_messages (store, s, error);
}

GPtrArray *
ac_local_store_unshown_messages (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                 guint n, GError **error)
{
  sqlite3_stmt *s = stmt (store, ST_MSG_UNSHOWN, error);
  if (s == NULL)
    return NULL;
  sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 2, is_group ? 1 : 0);
  sqlite3_bind_int64 (s, 3, n);
  return read_messages (store, s, error);
}

guint
ac_local_store_count_unshown (AcLocalStore *store, const char *conv_id, gboolean is_group,
                              const char *self)
{
  sqlite3_stmt *s = stmt (store, ST_UNSHOWN_COUNT, NULL);
  if (s == NULL)
    return 0;
  sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 2, is_group ? 1 : 0);
  if (self != NULL)
    sqlite3_bind_text (s, 3, self, -1, SQLITE_STATIC);
  guint n = sqlite3_step (s) == SQLITE_ROW ? (guint) sqlite3_column_int64 (s, 0) : 0;
  sqlite3_reset (s);
  return n;
}

/* Rows (server_id, ts, payload) of a bound statement → AcMessage*, in row order. */
static GPtrArray *
read_messages (AcLocalStore *store, sqlite3_stmt *s, GError **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  int rc;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      g_autoptr (GError) perr = NULL;
      AcMessage *msg = sqlite3_column_type (s, 2) == SQLITE_BLOB
        ? ac_message_from_meta (sqlite3_column_blob (s, 2), (gsize) sqlite3_column_bytes (s, 2), &perr)
        : ac_message_from_payload_string ((const char *) sqlite3_column_text (s, 2), &perr);
      if (msg == NULL)
        {
          g_warning ("local store: message unreadable: %s", perr->message);
          continue;
        }
      msg->id = (guint64) sqlite3_column_int64 (s, 0);
      msg->timestamp = (guint64) sqlite3_column_int64 (s, 1);
      g_ptr_array_add (out, msg);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (out);
      fail (store, error, "read messages");
      return NULL;
    }
  return out;
}

guint
ac_local_store_count_messages (AcLocalStore *store, const char *conv_id, gboolean is_group)
{
  sqlite3_stmt *s = stmt (store, ST_MSG_COUNT, NULL);
  if (s == NULL)
    return 0;
  sqlite3_bind_text (s, 1, conv_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 2, is_group ? 1 : 0);
  guint n = sqlite3_step (s) == SQLITE_ROW ? (guint) sqlite3_column_int64 (s, 0) : 0;
  sqlite3_reset (s);
  return n;
}

gboolean
ac_local_store_is_shown (AcLocalStore *store, guint64 id)
{
  sqlite3_stmt *s = stmt (store, ST_SHOWN_GET, NULL);
  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, (sqlite3_int64) id);
  gboolean shown = sqlite3_step (s) == SQLITE_ROW && sqlite3_column_int (s, 0) != 0;
  sqlite3_reset (s);
  return shown;
}

gboolean
ac_local_store_is_unshown (AcLocalStore *store, guint64 id)
{
  sqlite3_stmt *s = stmt (store, ST_SHOWN_GET, NULL);
  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, (sqlite3_int64) id);
  gboolean unshown = sqlite3_step (s) == SQLITE_ROW && sqlite3_column_int (s, 0) == 0;
  sqlite3_reset (s);
  return unshown;
}

gboolean
ac_local_store_mark_shown (AcLocalStore *store, guint64 id, GError **error)
{
  sqlite3_stmt *s = stmt (store, ST_SHOWN_SET, error);
  if (s == NULL)
    return FALSE;
  sqlite3_bind_int64 (s, 1, (sqlite3_int64) id);
  int rc = sqlite3_step (s);
  sqlite3_reset (s);
  return rc == SQLITE_DONE ? TRUE : fail (store, error, "mark a message shown");
}

/* ---- settings ---- */

char *
ac_local_store_get_setting (AcLocalStore *store, const char *key)
{
  sqlite3_stmt *s = stmt (store, ST_SETTING_GET, NULL);
  if (s == NULL)
    return NULL;
  sqlite3_bind_text (s, 1, key, -1, SQLITE_STATIC);
  char *value = sqlite3_step (s) == SQLITE_ROW ? g_strdup ((const char *) sqlite3_column_text (s, 0))
                                               : NULL;
  sqlite3_reset (s);
  return value;
}

gboolean
ac_local_store_set_setting (AcLocalStore *store, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *s = stmt (store, ST_SETTING_SET, error);
  if (s == NULL)
    return FALSE;
  sqlite3_bind_text (s, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, value, -1, SQLITE_STATIC);
  int rc = sqlite3_step (s);
  sqlite3_reset (s);
  return rc == SQLITE_DONE ? TRUE : fail (store, error, "save a setting");
}

char *
ac_local_store_device_resource (AcLocalStore *store, GError **error)
{
  char *res = ac_local_store_get_setting (store, "msync_resource");
  if (res != NULL && *res != '\0')
    return res;
  g_free (res);
  /* Looks like the Web SDK's "webim_web_<n>" so that servers accept it. */
  g_autofree char *uuid = g_uuid_string_random ();
  char *fresh = g_strdup_printf ("webim_pidgin_%.8s", uuid);
  if (!ac_local_store_set_setting (store, "msync_resource", fresh, error))
    {
      g_free (fresh);
      return NULL;
    }
  return fresh;
}
