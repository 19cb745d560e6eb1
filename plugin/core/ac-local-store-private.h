#pragma once
/* Shared by ac-local-store.c (the schema, the main thread's connection),
 * ac-local-store-delete.c (remote deletion and its tombstones) and
 * ac-local-store-writer.c (the page writer's thread and its own connection);
 * nothing else includes it. */
#include "ac-local-store.h"
#include "ac-wal-checkpointer.h"

#include <sqlite3.h>

typedef struct _AcStoreWriter AcStoreWriter;

/* Every prepared statement of a connection, one cache slot each; the SQL
 * text lives beside the code that runs it (ac-local-store.c, or the ST_DEL_
 * ones in ac-local-store-delete.c). */
typedef enum {
  ST_CONV_UPSERT,
  ST_CONV_LIST,
  ST_CURSOR_GET,
  ST_CURSOR_SET,
  ST_MSG_INSERT,
  ST_MSG_LAST,
  ST_MSG_BEFORE,
  ST_MSG_COUNT,
  ST_SHOWN_GET,
  ST_SHOWN_SET,
  ST_MSG_UNSHOWN,
  ST_UNSHOWN_COUNT,
  ST_SENDERLESS_UNSHOWN,
  ST_SENDER_SET,
  ST_TOMBSTONE_BEFORE,
  ST_TOMBSTONE_ANY_ID,
  ST_TOMBSTONE_ID,
  ST_DEL_ID_REMEMBER,
  ST_DEL_ID_MESSAGE,
  ST_DEL_BEFORE_REMEMBER,
  ST_DEL_BEFORE_MESSAGES,
  ST_DEL_BEFORE_COUNT,
  ST_DEL_CONV,
  ST_DEL_CONV_CURSOR,
  ST_DEL_CONV_MESSAGES,
  ST_DEL_CONV_MAX_TS,
  ST_SETTING_GET,
  ST_SETTING_SET,
  ST_BEGIN,
  ST_COMMIT,
  ST_ROLLBACK,
  N_STATEMENTS
} StatementId;

struct _AcLocalStore {
  sqlite3      *db;
  sqlite3_stmt *stmt[N_STATEMENTS];
  AcWalCheckpointer *checkpointer; /* NULL: SQLite's own auto-checkpoint */
  AcStoreWriter *writer;           /* history pages; NULL: committed on this connection */
};

/* A prepared statement (sql is used the first time), reset and unbound,
 * ready for this use; NULL and *error set when SQLite cannot prepare it. */
sqlite3_stmt *ac_local_store_stmt (AcLocalStore *store, StatementId id, const char *sql,
                                   GError **error);
/* Steps a statement without parameters or rows (BEGIN, COMMIT …) once. */
gboolean      ac_local_store_exec (AcLocalStore *store, StatementId id, GError **error);
/* Sets *error to "what: SQLite's message"; returns FALSE. */
gboolean      ac_local_store_fail (AcLocalStore *store, GError **error, const char *what);

/* One connection to an already migrated file, for the writer's thread:
 * no checkpointer, no writer, SQLite's auto-checkpoint off (the main store's
 * checkpointer does it, kicked through ac_local_store_kick_checkpoint). */
AcLocalStore *ac_local_store_open_connection (const char *path, GError **error);
/* A file with the schema of an older version (migration tests only): no
 * writer thread, no checkpointer; SQL goes through its db. */
AcLocalStore *ac_local_store_open_version (const char *path, int version, GError **error);

/* Transaction pieces for the writer's group commit (BEGIN IMMEDIATE). */
gboolean ac_local_store_begin (AcLocalStore *store, GError **error);
gboolean ac_local_store_commit (AcLocalStore *store, GError **error);
void     ac_local_store_rollback (AcLocalStore *store);

/* Stores a page and moves the cursor inside the caller's transaction.
 * metas: NULL or GBytes* (packed Meta, may be NULL) parallel to msgs.
 * is_new[i] tells whether msgs[i] was newly stored. */
gboolean ac_local_store_store_page (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                    GPtrArray *msgs, GPtrArray *metas, const AcSyncCursor *cursor,
                                    gboolean *is_new, GError **error);


/* ac-local-store-writer.c */
/* Whether a page of chain (may be NULL) may still be stored: FALSE with
 * *error when the chain failed before or cancellable is cancelled. */
gboolean       ac_page_chain_admit (AcPageChain *chain, GCancellable *cancellable, GError **error);
void           ac_page_chain_fail (AcPageChain *chain);
AcStoreWriter *ac_store_writer_start (const char *path, AcWalCheckpointer *checkpointer,
                                      GError **error);
/* Commits what was queued, then joins the thread. */
void           ac_store_writer_stop (AcStoreWriter *writer);
void           ac_store_writer_commit_page_async (AcStoreWriter *writer, const char *conv_id,
                                                  gboolean is_group, GPtrArray *msgs,
                                                  GPtrArray *metas, const AcSyncCursor *cursor,
                                                  AcPageChain *chain, const char *unread_for,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);

/* What a committed page returns through its GTask. */
typedef struct {
  GArray *is_new; /* gboolean per message */
  guint   unread; /* the count asked for with unread_for, else G_MAXUINT */
} AcPageResult;
AcPageResult *ac_page_result_new (GArray *is_new, guint unread);
void          ac_page_result_free (AcPageResult *result);
