/* The local server's SQLite store: opening, schema, statement cache,
 * transactions and errors.  The calls themselves live in store-users.c,
 * store-groups.c, store-messages.c and store-conversations.c.
 *
 * The model.  Everything is scoped by an app (org#app).  A message is stored
 * once, in `messages`, under a conversation key: "u:<a>\x1f<b>" for a single
 * chat (a < b, so both users share one history) or "g:<group id>".  What one
 * user sees of a conversation is a row of `user_conversations` plus
 * `hidden_messages`: a message is visible to the user when the row exists,
 * its timestamp is after cleared_ts, its id is after cleared_id (hide all) and
 * it is not hidden by id.  The conversation list shows a row only when it has
 * a visible message newer than removed_before_id (a deleted conversation comes
 * back with the next message); unread counts messages from others after
 * read_id.  Message ids are (timestamp_ms << 20) | sequence, so id order is
 * time order, also for imported history, and paging by id never repeats a
 * message even while new ones arrive.  Messages never change once stored, so
 * each one's history form, its packed protobuf Meta, is made once at insert
 * into `message_metas`, clustered by conversation, and history pages are
 * served from there without parsing or encoding (store-messages.c).
 *
 * One connection, used from the main thread only.  WAL with synchronous=NORMAL:
 * a crash may lose the last transactions but never corrupts the file.
 *
 * Decisions where Agora's behaviour is unknown (tested in tests/store/):
 * - History of a conversation the user has no row for is empty, not an error;
 *   hiding in it hides nothing (0).  A group member gets a row with the next
 *   group message and then sees the whole history (membership has no join cut).
 * - hide_before is a time mark (at or before); hide_all an id mark, so a
 *   message arriving in the same millisecond afterwards stays visible.
 * - Deleting a conversation also marks it read for everyone; deleting it
 *   again is fine; NOT_FOUND only when the user never had it.
 * - Chat rooms have no stored history (INVALID).  Caller-given message ids are
 *   kept (DUPLICATE on a clash); ids >= 2^63 are refused.  An id freed by
 *   delete_roam may be issued again to a message imported into that same ms.
 * - Unread counts stop at 999; a conversation list limit of 0 means all.
 * - maxusers <= 0 means 200; more initial members than maxusers is INVALID.
 * - Expired tokens are found (the caller decides) and purged a day later.
 * - A message whose payload was unreadable when schema v2 made the Metas has
 *   none: history containing it fails with "unreadable", as before v2. */
#include "store-private.h"

#include <errno.h>

G_DEFINE_QUARK (store-error-quark, store_error)

#define STORE_BUSY_TIMEOUT_MS 5000

/* Schema migrations; migration i brings PRAGMA user_version from i to i + 1:
 * its SQL, then, when set, a step that fills what SQL alone cannot. */
typedef gboolean (*MigrationFill) (Store *store, GError **error);
static const struct {
  const char   *sql;
  MigrationFill fill;
} migrations[] = {
  { "CREATE TABLE apps ("
  "  id  INTEGER PRIMARY KEY,"
  "  org TEXT NOT NULL,"
  "  app TEXT NOT NULL,"
  "  UNIQUE (org, app));"
  "CREATE TABLE users ("
  "  app_id    INTEGER NOT NULL REFERENCES apps (id),"
  "  username  TEXT NOT NULL,"
  "  pwhash    TEXT NOT NULL,"
  "  nickname  TEXT,"
  "  created   INTEGER NOT NULL,"
  "  activated INTEGER NOT NULL DEFAULT 1,"
  "  PRIMARY KEY (app_id, username)) WITHOUT ROWID;"
  /* username NULL = the app's admin token */
  "CREATE TABLE tokens ("
  "  sha256     TEXT PRIMARY KEY,"
  "  app_id     INTEGER NOT NULL REFERENCES apps (id),"
  "  username   TEXT,"
  "  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX tokens_expiry ON tokens (expires_at);"
  /* not \"groups\": GROUPS is an SQL keyword */
  "CREATE TABLE chat_groups ("
  "  app_id      INTEGER NOT NULL REFERENCES apps (id),"
  "  id          TEXT NOT NULL,"
  "  name        TEXT NOT NULL,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  owner       TEXT NOT NULL,"
  "  created     INTEGER NOT NULL,"
  "  public      INTEGER NOT NULL,"
  "  maxusers    INTEGER NOT NULL,"
  "  PRIMARY KEY (app_id, id));"
  "CREATE TABLE group_members ("
  "  app_id      INTEGER NOT NULL,"
  "  group_id    TEXT NOT NULL,"
  "  username    TEXT NOT NULL,"
  "  role        TEXT NOT NULL,"
  "  joined_time INTEGER NOT NULL,"
  "  UNIQUE (app_id, group_id, username),"
  "  FOREIGN KEY (app_id, group_id) REFERENCES chat_groups (app_id, id) ON DELETE CASCADE,"
  "  FOREIGN KEY (app_id, username) REFERENCES users (app_id, username) ON DELETE CASCADE);"
  "CREATE INDEX group_members_user ON group_members (app_id, username);"
  /* stored in both directions: a contact list is one index range */
  "CREATE TABLE contacts ("
  "  app_id INTEGER NOT NULL,"
  "  a      TEXT NOT NULL,"
  "  b      TEXT NOT NULL,"
  "  PRIMARY KEY (app_id, a, b),"
  "  FOREIGN KEY (app_id, a) REFERENCES users (app_id, username) ON DELETE CASCADE,"
  "  FOREIGN KEY (app_id, b) REFERENCES users (app_id, username) ON DELETE CASCADE) WITHOUT ROWID;"
  /* id: the uint64 message id stored as int64 (ids stay below 2^63) */
  "CREATE TABLE messages ("
  "  id            INTEGER PRIMARY KEY,"
  "  app_id        INTEGER NOT NULL REFERENCES apps (id),"
  "  conv_key      TEXT NOT NULL,"
  "  chat_type     INTEGER NOT NULL,"
  "  sender        TEXT NOT NULL,"
  "  recipient     TEXT NOT NULL,"
  "  timestamp     INTEGER NOT NULL,"
  "  body_type     INTEGER NOT NULL,"
  "  payload       TEXT NOT NULL,"
  "  from_resource TEXT);"
  "CREATE INDEX messages_conv ON messages (app_id, conv_key, id);"
  "CREATE TABLE user_conversations ("
  "  app_id            INTEGER NOT NULL REFERENCES apps (id),"
  "  username          TEXT NOT NULL,"
  "  conv_key          TEXT NOT NULL,"
  "  chat_type         INTEGER NOT NULL,"
  "  peer              TEXT NOT NULL,"
  "  cleared_ts        INTEGER NOT NULL DEFAULT -1,"
  "  cleared_id        INTEGER NOT NULL DEFAULT 0,"
  "  removed_before_id INTEGER NOT NULL DEFAULT 0,"
  "  read_id           INTEGER NOT NULL DEFAULT 0,"
  "  is_top            INTEGER NOT NULL DEFAULT 0,"
  "  top_time          INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (app_id, username, conv_key)) WITHOUT ROWID;"
  "CREATE INDEX user_conversations_conv ON user_conversations (app_id, conv_key);"
  "CREATE TABLE hidden_messages ("
  "  app_id   INTEGER NOT NULL,"
  "  username TEXT NOT NULL,"
  "  msg_id   INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (app_id, username, msg_id)) WITHOUT ROWID;"
  "CREATE INDEX hidden_messages_msg ON hidden_messages (msg_id);", NULL },
  /* v2: each message's history form, its packed protobuf Meta, made once when
   * stored, so that a history page is served without parsing or encoding.
   * Kept apart from `messages` and clustered by conversation: a page is a
   * few neighbouring rows of one b-tree, not 50 seeks into the messages
   * table.  The columns the visibility rule reads come along.  meta NULL: the
   * payload was unreadable when the row was made (v1 rows are made here). */
  { "CREATE TABLE message_metas ("
    "  app_id    INTEGER NOT NULL,"
    "  conv_key  TEXT NOT NULL,"
    "  id        INTEGER NOT NULL,"
    "  timestamp INTEGER NOT NULL,"
    "  sender    TEXT NOT NULL,"
    "  body_type INTEGER NOT NULL,"
    "  meta      BLOB,"
    "  PRIMARY KEY (app_id, conv_key, id)) WITHOUT ROWID;"
    "CREATE TRIGGER messages_drop_meta AFTER DELETE ON messages BEGIN"
    "  DELETE FROM message_metas"
    "  WHERE app_id = old.app_id AND conv_key = old.conv_key AND id = old.id;"
    " END;", store_messages_fill_metas },
};

gint64
store_now_ms (void)
{
  return g_get_real_time () / 1000;
}

void
store_set_sqlite_error (Store *store, GError **error, int rc, const char *doing)
{
  int primary = rc & 0xff;

  int sys = store->db ? sqlite3_system_errno (store->db) : 0;

  /* SQLite says SQLITE_FULL only for ENOSPC; a quota or a file size limit
   * arrives as an I/O error, but means the same to whoever reads the log. */
  if (primary == SQLITE_FULL ||
      (primary == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT || sys == EFBIG)))
    g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED, "%s: disk full%s%s", doing,
                 primary == SQLITE_IOERR ? ": " : "",
                 primary == SQLITE_IOERR ? g_strerror (sys) : "");
  else if (primary == SQLITE_CONSTRAINT && (rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
                                            rc == SQLITE_CONSTRAINT_UNIQUE))
    g_set_error (error, STORE_ERROR, STORE_ERROR_DUPLICATE, "%s: already exists", doing);
  else
    g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED, "%s: %s (%s)", doing,
                 store->db ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc),
                 sqlite3_errstr (rc));
}

sqlite3_stmt *
store_stmt (Store *store, StoreStmtSlot slot, const char *sql, GError **error)
{
  sqlite3_stmt *st = store->stmts[slot];

  if (st == NULL)
    {
      int rc = sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
      if (rc != SQLITE_OK)
        {
          store_set_sqlite_error (store, error, rc, "preparing a statement");
          return NULL;
        }
      store->stmts[slot] = st;
    }
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return st;
}

gboolean
store_step_done (Store *store, sqlite3_stmt *st, GError **error)
{
  int rc = sqlite3_step (st);
  gboolean ok = rc == SQLITE_DONE || rc == SQLITE_ROW;

  if (!ok)
    store_set_sqlite_error (store, error, rc, "writing");
  sqlite3_reset (st);
  return ok;
}

char *
store_column_dup (sqlite3_stmt *st, int col)
{
  const unsigned char *text = sqlite3_column_text (st, col);
  return text ? g_strdup ((const char *) text) : NULL;
}

static gboolean
exec (Store *store, const char *sql, const char *doing, GError **error)
{
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      store_set_sqlite_error (store, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/* ---- transactions ---- */

gboolean
store_write_begin (Store *store, GError **error)
{
  if (store->depth == 0)
    {
      /* IMMEDIATE: take the write lock now, not halfway through. */
      if (!exec (store, "BEGIN IMMEDIATE", "starting a transaction", error))
        return FALSE;
      store->doomed = FALSE;
    }
  else if (store->doomed || sqlite3_get_autocommit (store->db))
    {
      /* The caller's transaction is already gone (SQLite rolls back on a
       * full disk); writing on would commit this call on its own. */
      store->doomed = TRUE;
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED,
                   "transaction was rolled back after an earlier failure");
      return FALSE;
    }
  else if (!exec (store, "SAVEPOINT w", "starting a savepoint", error))
    return FALSE;
  store->depth++;
  return TRUE;
}

static void
rollback_level (Store *store)
{
  g_return_if_fail (store->depth > 0);
  store->depth--;
  /* After SQLITE_FULL or IOERR SQLite may already have rolled the whole
   * transaction back; there is then nothing left to undo at any level. */
  if (sqlite3_get_autocommit (store->db))
    {
      if (store->depth > 0)
        store->doomed = TRUE;
      return;
    }
  if (store->depth == 0)
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  else
    sqlite3_exec (store->db, "ROLLBACK TO w; RELEASE w", NULL, NULL, NULL);
}

gboolean
store_write_end (Store *store, gboolean ok, GError **error)
{
  if (!ok)
    {
      rollback_level (store);
      return FALSE;
    }
  g_return_val_if_fail (store->depth > 0, FALSE);
  if (store->depth > 1)
    {
      store->depth--;
      return exec (store, "RELEASE w", "releasing a savepoint", error);
    }
  if (store->doomed || sqlite3_get_autocommit (store->db))
    {
      rollback_level (store);
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED,
                   "transaction was rolled back after an earlier failure");
      return FALSE;
    }
  if (!exec (store, "COMMIT", "committing", error))
    {
      rollback_level (store);
      return FALSE;
    }
  store->depth--;
  return TRUE;
}

gboolean
store_begin (Store *store, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  if (store->depth > 0)
    {
      store->depth++;
      return TRUE;
    }
  return store_write_begin (store, error);
}

gboolean
store_commit (Store *store, GError **error)
{
  g_return_val_if_fail (store != NULL && store->depth > 0, FALSE);
  if (store->depth > 1)
    {
      store->depth--;
      return TRUE;
    }
  return store_write_end (store, TRUE, error);
}

void
store_rollback (Store *store)
{
  g_return_if_fail (store != NULL && store->depth > 0);
  if (store->depth > 1)
    {
      /* Only the outermost level touches SQLite; the outer commit will fail. */
      store->depth--;
      store->doomed = TRUE;
      return;
    }
  rollback_level (store);
}

/* ---- opening ---- */

static gboolean
query_int (Store *store, const char *sql, gint64 *out, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (store->db, sql, -1, &st, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (st);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int64 (st, 0);
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    store_set_sqlite_error (store, error, rc, "reading the database");
  sqlite3_finalize (st);
  return rc == SQLITE_OK;
}

static gboolean
migrate (Store *store, GError **error)
{
  gint64 version = 0;

  if (!query_int (store, "PRAGMA user_version", &version, error))
    return FALSE;
  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED,
                   "database schema version %" G_GINT64_FORMAT " is newer than this server's (%u)",
                   version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }
  for (; version < (gint64) G_N_ELEMENTS (migrations); version++)
    {
      /* PRAGMA takes no parameters; the number is our own constant, not input. */
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT,
                                                      version + 1);
      if (!store_write_begin (store, error))
        return FALSE;
      if (!store_write_end (store,
                            exec (store, migrations[version].sql, "creating the schema", error) &&
                            (migrations[version].fill == NULL ||
                             migrations[version].fill (store, error)) &&
                            exec (store, set_version, "creating the schema", error),
                            error))
        return FALSE;
    }
  return TRUE;
}

Store *
store_open (const char *path, GError **error)
{
  g_autoptr(Store) store = g_new0 (Store, 1);
  gint64 max_id = 0, max_group = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  rc = sqlite3_open_v2 (path, &store->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED, "cannot open database %s: %s",
                   path, store->db ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (store->db, 1);
  if (sqlite3_db_readonly (store->db, "main") == 1)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED,
                   "cannot open database %s: it is read-only", path);
      return NULL;
    }
  sqlite3_busy_timeout (store->db, STORE_BUSY_TIMEOUT_MS);

  /* journal_mode is the first statement that reads the file: a file that
   * is not a database fails here with SQLite's own clear message. */
  if (!exec (store, "PRAGMA journal_mode = WAL", "opening the database", error) ||
      !exec (store, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                    "PRAGMA temp_store = MEMORY;"
                    /* History pages read rows all over the file: keep it in
                     * memory (mmap avoids a pread per page) */
                    "PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824",
                    "opening the database", error) ||
      !migrate (store, error) ||
      !query_int (store, "SELECT coalesce(max(id), 0) FROM messages", &max_id, error) ||
      !query_int (store, "SELECT coalesce(max(CAST(id AS INTEGER)), 0) FROM chat_groups",
                  &max_group, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  store->last_msg_id = (guint64) max_id;
  store->last_group_id = (guint64) max_group;
  return g_steal_pointer (&store);
}

void
store_close (Store *store)
{
  if (store == NULL)
    return;
  if (store->depth > 0 && store->db != NULL && !sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (store->stmts[i]);
  sqlite3_close_v2 (store->db);
  g_free (store->cached_app_key);
  g_free (store);
}

gboolean
store_set_max_size (Store *store, gint64 max_bytes, GError **error)
{
  gint64 page_size = 0;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  if (max_bytes <= 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "size limit must be positive");
      return FALSE;
    }
  if (!query_int (store, "PRAGMA page_size", &page_size, error))
    return FALSE;
  /* PRAGMA takes no parameters; the number is computed here, not input text. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                         MAX (max_bytes / page_size, 1));
  return exec (store, sql, "setting the size limit", error);
}

gint64
store_count_messages (Store *store, gint64 app)
{
  g_autoptr(sqlite3_stmt) st =
    store_stmt (store, STMT_COUNT_MESSAGES, "SELECT count(*) FROM messages WHERE app_id = ?", NULL);

  if (st == NULL)
    return -1;
  sqlite3_bind_int64 (st, 1, app);
  return sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : -1;
}
