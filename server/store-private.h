#pragma once
/* What the store-*.c files share and nobody else sees: the Store struct,
 * the statement cache and the transaction/error helpers. */
#include <sqlite3.h>
#include "store.h"

G_BEGIN_DECLS

/* One slot per cached statement.  The SQL text lives next to its only use
 * (store_stmt's sql argument); the slot is where the prepared form is kept. */
typedef enum {
  STMT_APP_INSERT,
  STMT_APP_SELECT,
  STMT_USER_INSERT,
  STMT_USER_SELECT,
  STMT_USER_PWHASH,
  STMT_USER_EXISTS,
  STMT_TOKEN_INSERT,
  STMT_TOKEN_SELECT,
  STMT_TOKEN_PURGE,
  STMT_GROUP_INSERT,
  STMT_GROUP_SELECT,
  STMT_GROUP_MEMBER_INSERT,
  STMT_GROUP_MEMBERS,
  STMT_GROUPS_JOINED,
  STMT_GROUP_IS_MEMBER,
  STMT_GROUP_MEMBER_ROLE,
  STMT_GROUP_MEMBER_COUNT,
  STMT_GROUP_MEMBER_DELETE,
  STMT_CONTACT_INSERT,
  STMT_CONTACTS,
  STMT_MSG_INSERT,
  STMT_MSG_MAX_IN_MS,
  STMT_UC_UPSERT,
  STMT_UC_UPSERT_GROUP,
  STMT_UC_SELECT,
  STMT_ROAM_BACKWARD,
  STMT_ROAM_FORWARD,
  STMT_ROAM_META_BACKWARD,
  STMT_ROAM_META_FORWARD,
  STMT_META_INSERT,
  STMT_APP_KEY,
  STMT_CONV_LIST,
  STMT_CONV_UNREAD,
  STMT_CONV_MAX_ID,
  STMT_CONV_REMOVE,
  STMT_CONV_DELETE_MESSAGES,
  STMT_CONV_MARK_READ,
  STMT_CONV_SET_TOP,
  STMT_HIDE_ID,
  STMT_HIDE_COUNT_BEFORE,
  STMT_HIDE_SET_CLEARED_TS,
  STMT_HIDE_DROP_REDUNDANT,
  STMT_HIDE_ALL_COUNT,
  STMT_HIDE_ALL_SET,
  STMT_HIDE_ALL_DROP,
  STMT_COUNT_MESSAGES,
  /* store-msync.c */
  STMT_MSYNC_ENQUEUE,
  STMT_MSYNC_BATCH,
  STMT_MSYNC_ACK,
  STMT_MSYNC_UNREAD,
  STMT_MSYNC_CLAIM,
  STMT_MSYNC_CLAIM_DROP,
  STMT_MSYNC_RELEASE,
  STMT_MSYNC_RELEASE_DROP,
  STMT_MSYNC_PURGE,
  N_STMTS
} StoreStmtSlot;

struct _Store {
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  guint         depth;          /* store_begin / internal write nesting */
  gboolean      doomed;         /* an inner level rolled back: the outer commit must fail */
  guint64       last_msg_id;    /* highest message id issued or stored */
  guint64       last_group_id;
  /* store_message_announce() tells it about messages entering through REST */
  StoreMessageObserver observer;
  gpointer      observer_data;
  /* "org#app" of one app id, for the JIDs in stored messages' Metas: a
   * server serves one app nearly always, so one entry is the whole cache. */
  gint64        cached_app;
  char         *cached_app_key;
};

/* A reset statement from the cache (prepared on first use), or NULL with *error set. */
sqlite3_stmt *store_stmt (Store *store, StoreStmtSlot slot, const char *sql, GError **error);

/* Steps a statement that returns no rows, then resets it. */
gboolean store_step_done (Store *store, sqlite3_stmt *st, GError **error);

/* Turns SQLite's last error into a GError; `rc` is the failing result code. */
void store_set_sqlite_error (Store *store, GError **error, int rc, const char *doing);

/* Every public call that writes runs between these: a transaction of its
 * own, or a savepoint inside the caller's store_begin(), so that a failed
 * call leaves nothing behind either way. */
gboolean store_write_begin (Store *store, GError **error);
gboolean store_write_end (Store *store, gboolean ok, GError **error);

gint64 store_now_ms (void);

/* Text column as a new string (NULL for SQL NULL). */
char *store_column_dup (sqlite3_stmt *st, int col);

/* The conversation key of the messages table: "u:<min>\x1f<max>" (a single
 * chat's history is shared by both users) or "g:<group id>". */
char *store_conv_key (const char *user, const StoreConvRef *conv, GError **error);

/* The user_conversations row of (user, conv): FALSE when there is none. */
typedef struct {
  gint64 cleared_ts;
  gint64 cleared_id;
  gint64 removed_before_id;
  gint64 read_id;
} StoreUserConv;
gboolean store_user_conv_get (Store *store, gint64 app, const char *user, const char *conv_key,
                              StoreUserConv *out, GError **error);

/* A message row (id, timestamp, payload, from_resource columns starting at
 * `col`) as an AcMessage. */
AcMessage *store_message_from_row (sqlite3_stmt *st, int col, GError **error);

/* Migration step of schema v2: a message_metas row for each message that has
 * none (with a NULL meta when its payload is unreadable). */
gboolean store_messages_fill_metas (Store *store, GError **error);

/* sqlite3_reset as a g_autoptr cleanup: a statement handed out by
 * store_stmt() is reset when it goes out of scope (which also ends its read). */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_reset)

G_END_DECLS
