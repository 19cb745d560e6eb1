#pragma once
#include <gio/gio.h>
#include "ac-conversation.h"

G_BEGIN_DECLS

/* The client's local store: one SQLite file per account (mode 0600), schema
 * versioned with PRAGMA user_version.  Messages are keyed by server id, so an
 * id is stored once ever; "shown" remembers which ones were written into a
 * conversation window, so an id is shown once ever.  All SQL is prepared.
 * ac-local-store.c is the one place that knows the client's schema; its
 * deletions and their tombstones are in ac-local-store-delete.c. */
typedef struct _AcLocalStore AcLocalStore;

#define AC_LOCAL_STORE_ERROR (ac_local_store_error_quark ())
GQuark ac_local_store_error_quark (void);
typedef enum {
  AC_LOCAL_STORE_ERROR_FAILED,     /* SQLite failed */
  AC_LOCAL_STORE_ERROR_TOO_NEW,    /* the file's schema is newer than this code */
} AcLocalStoreError;

#define AC_LOCAL_STORE_VERSION 7

AcLocalStore *ac_local_store_open (const char *path, GError **error);
void          ac_local_store_close (AcLocalStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcLocalStore, ac_local_store_close)
/* ac_local_store_open() on a worker thread (ac-local-store-open.c): the
 * store is then used from the caller's thread.  Cancelled, the finish is
 * G_IO_ERROR_CANCELLED and a store opened meanwhile is closed. */
void          ac_local_store_open_async (const char *path, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
AcLocalStore *ac_local_store_open_finish (GAsyncResult *result, GError **error);
/* Blocks until no ac_local_store_open_async() is still opening: before the
 * code it runs goes away (the plugin unloading). */
void          ac_local_store_wait_for_opens (void);

/* Insert or update (id, is_group); a NULL name keeps the stored one. */
gboolean   ac_local_store_save_conversation (AcLocalStore *store, const AcConversation *conv,
                                             GError **error);
/* The same for every AcConversation* of convs, in one transaction (all or none). */
gboolean   ac_local_store_save_conversations (AcLocalStore *store, GPtrArray *convs,
                                              GError **error);
/* AcConversation*, most recent activity first (last has only timestamp set). */
GPtrArray *ac_local_store_list_conversations (AcLocalStore *store, GError **error);

/* Per-conversation sync cursor; 0 = not set. */
typedef struct {
  guint64 newest_id; /* everything up to this id has been fetched */
  guint64 oldest_id; /* the oldest id fetched (older history not yet loaded) */
} AcSyncCursor;

/* *out is zeroed when the conversation was never synced. */
gboolean   ac_local_store_get_cursor (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                      AcSyncCursor *out, GError **error);

/* One transaction: store msgs (ids already stored are skipped), then, if
 * cursor is not NULL, set the conversation's cursor.  *inserted (optional)
 * receives copies of the newly stored messages in the order given. */
gboolean   ac_local_store_commit_page (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                       GPtrArray *msgs, const AcSyncCursor *cursor,
                                       GPtrArray **inserted, GError **error);

/* The pages of one history walk, committed in the order queued: once one
 * of them fails (or its cancellable is cancelled), the later ones fail too
 * without being stored.  So a walk may queue page k+1 before page k is
 * in, and still no page (nor the cursor the last one moves) is ever stored
 * behind a missing one.  Thread-safe reference counting. */
typedef struct _AcPageChain AcPageChain;
AcPageChain *ac_page_chain_new (void);
AcPageChain *ac_page_chain_ref (AcPageChain *chain);
void         ac_page_chain_unref (AcPageChain *chain);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcPageChain, ac_page_chain_unref)

/* The same as ac_local_store_commit_page, but on the store's writer thread
 * (its own connection), so that SQLite works while the main loop parses the
 * next page.  The writer waits a few milliseconds for more pages and commits
 * them together (one WAL append for many pages), each page still all or
 * nothing.  metas: NULL, or parallel to msgs the packed protobuf Meta
 * (GBytes*, NULL entries allowed) as received, stored instead of building
 * JSON.  chain: NULL, or the walk this page belongs to (see above).  Both
 * arrays are referenced and must not change until the callback, which runs
 * in the caller's thread-default main context.  The result is a GArray of
 * gboolean, one per message: newly stored.  unread_for: NULL, or the signed-in
 * user: the conversation's unread count (ac_local_store_count_unshown) is
 * then made right after the page is stored, on the writer's thread, whose
 * cache holds the rows (the main connection's cache is stale after each
 * commit) — a back-fill asks it with a walk's last page.  Without a writer
 * thread the page is committed on the main connection before this returns. */
void     ac_local_store_commit_page_async (AcLocalStore *store, const char *conv_id,
                                           gboolean is_group, GPtrArray *msgs, GPtrArray *metas,
                                           const AcSyncCursor *cursor, AcPageChain *chain,
                                           const char *unread_for, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
/* unread (may be NULL): the count asked for with unread_for, else G_MAXUINT. */
GArray  *ac_local_store_commit_page_finish (AcLocalStore *store, GAsyncResult *result,
                                            guint *unread, GError **error);

/* The last n stored messages (before_id 0) or the n before the message
 * before_id, oldest first. */
GPtrArray *ac_local_store_messages (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                    guint64 before_id, guint n, GError **error);
guint      ac_local_store_count_messages (AcLocalStore *store, const char *conv_id, gboolean is_group);
/* The last n stored messages never shown in a window, oldest first (one's
 * own included: they are shown once too). */
GPtrArray *ac_local_store_unshown_messages (AcLocalStore *store, const char *conv_id,
                                            gboolean is_group, guint n, GError **error);
/* How many of them are unread: those not sent by self (the signed-in user),
 * as the server counts unread. */
guint      ac_local_store_count_unshown (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                         const char *self);

gboolean   ac_local_store_is_shown (AcLocalStore *store, guint64 id);
/* Stored and never shown (FALSE for an id the store does not have, e.g. a deleted one). */
gboolean   ac_local_store_is_unshown (AcLocalStore *store, guint64 id);
gboolean   ac_local_store_mark_shown (AcLocalStore *store, guint64 id, GError **error);

/* Remote deletion (R5, R6): call these only for what the server confirmed.
 * Each is one transaction and leaves a tombstone, so that a later back-fill
 * never stores the deleted messages again.  *removed (optional) receives
 * how many stored messages went. */
gboolean   ac_local_store_delete_ids (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                      const guint64 *ids, guint n, guint *removed, GError **error);
/* Messages at or before ts_ms (server time, ms), as the server's delTime. */
gboolean   ac_local_store_delete_before (AcLocalStore *store, const char *conv_id,
                                         gboolean is_group, guint64 ts_ms, guint *removed,
                                         GError **error);
guint      ac_local_store_count_before (AcLocalStore *store, const char *conv_id, gboolean is_group,
                                        guint64 ts_ms);
/* Forgets the conversation (the server's list no longer has it); with
 * with_messages also its messages and cursor. */
gboolean   ac_local_store_delete_conversation (AcLocalStore *store, const char *conv_id,
                                               gboolean is_group, gboolean with_messages,
                                               guint *removed, GError **error);

/* Per-profile settings (NULL when unset). */
char      *ac_local_store_get_setting (AcLocalStore *store, const char *key);
gboolean   ac_local_store_set_setting (AcLocalStore *store, const char *key, const char *value,
                                       GError **error);
/* This profile's MSYNC device resource: made once ("webim_pidgin_<8 hex>"), then kept. */
char      *ac_local_store_device_resource (AcLocalStore *store, GError **error);

G_END_DECLS
