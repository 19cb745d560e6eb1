#pragma once
/* Shared by ac-local-store.c (the schema, the main thread's connection) and
 * ac-local-store-writer.c (the page writer's thread and its own connection);
 * nothing else includes it. */
#include "ac-local-store.h"
#include "ac-wal-checkpointer.h"

typedef struct _AcStoreWriter AcStoreWriter;

/* One connection to an already migrated file, for the writer's thread:
 * no checkpointer, no writer, SQLite's auto-checkpoint off (the main store's
 * checkpointer does it, kicked through ac_local_store_kick_checkpoint). */
AcLocalStore *ac_local_store_open_connection (const char *path, GError **error);

/* Transaction pieces for the writer's group commit: BEGIN IMMEDIATE, then a
 * savepoint per page so that one failing page leaves the others alone. */
gboolean ac_local_store_begin (AcLocalStore *store, GError **error);
gboolean ac_local_store_commit (AcLocalStore *store, GError **error);
void     ac_local_store_rollback (AcLocalStore *store);
gboolean ac_local_store_savepoint (AcLocalStore *store, GError **error);
gboolean ac_local_store_release (AcLocalStore *store, GError **error);
void     ac_local_store_rollback_to (AcLocalStore *store);

/* Stores a page and moves the cursor inside the caller's transaction.
 * metas: NULL or GBytes* (packed Meta, may be NULL) parallel to msgs.
 * is_new[i] tells whether msgs[i] was newly stored. */
gboolean ac_local_store_store_page (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                    GPtrArray *msgs, GPtrArray *metas, const AcSyncCursor *cursor,
                                    gboolean *is_new, GError **error);


/* ac-local-store-writer.c */
AcStoreWriter *ac_store_writer_start (const char *path, AcWalCheckpointer *checkpointer,
                                      GError **error);
/* Commits what was queued, then joins the thread. */
void           ac_store_writer_stop (AcStoreWriter *writer);
void           ac_store_writer_commit_page_async (AcStoreWriter *writer, const char *conv_id,
                                                  gboolean is_group, GPtrArray *msgs,
                                                  GPtrArray *metas, const AcSyncCursor *cursor,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
