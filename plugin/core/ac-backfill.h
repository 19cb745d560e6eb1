#pragma once
#include <gio/gio.h>
#include "ac-api.h"
#include "ac-local-store.h"

G_BEGIN_DECLS

/* History back-fill through messageroaming (issue 3 §5).  A few conversations
 * at a time, at most 50 messages a page, newest first, paging with next_key:
 *  - never synced (no cursor): the latest `latest_n` messages;
 *  - synced before: everything newer than the cursor, up to `cap` (mode
 *    ALL_NEW) or `latest_n` (mode LATEST); "capped" says the limit cut it off.
 * Each page is committed to the store whole (several pages may share a
 * transaction); the cursor moves
 * in the transaction of the walk's last page (first sync too), so a restart mid-walk walks
 * again and the store's unique ids drop what it already has.
 * Server ids are taken to grow with time (the walk stops at the first id not
 * newer than the cursor). */
#define AC_TYPE_BACKFILL (ac_backfill_get_type ())
G_DECLARE_FINAL_TYPE (AcBackfill, ac_backfill, AC, BACKFILL, GObject)

typedef enum {
  AC_HISTORY_NONE,
  AC_HISTORY_LATEST,
  AC_HISTORY_ALL_NEW,
} AcHistoryMode;

#define AC_BACKFILL_DEFAULT_LATEST_N 20
#define AC_BACKFILL_DEFAULT_CAP 500
#define AC_BACKFILL_DEFAULT_CONCURRENCY 3
#define AC_BACKFILL_DEFAULT_QUEUE_DEPTH 4

/* store is borrowed and must outlive the back-fill. */
AcBackfill *ac_backfill_new (AcApi *api, AcLocalStore *store);
void        ac_backfill_set_mode (AcBackfill *bf, AcHistoryMode mode);
void        ac_backfill_set_latest_n (AcBackfill *bf, guint n);
void        ac_backfill_set_cap (AcBackfill *bf, guint cap);
void        ac_backfill_set_concurrency (AcBackfill *bf, guint n); /* clamped to 1..3 */
/* Pages of one walk that may wait for the store while the walk fetches on
 * (clamped to 1..8): a walk faster than the store waits beyond it.  1: the
 * next page is fetched only once the previous one is stored. */
void        ac_backfill_set_queue_depth (AcBackfill *bf, guint n);

/* Signals:
 *  "conversation-synced" (const char *id, gboolean is_group, GPtrArray *messages, gboolean capped,
 *                         guint unread)
 *     messages: AcMessage* of this walk that were never shown (ac_local_store_is_shown), oldest
 *     first; emitted once per conversation, also when empty.  unread: the conversation's stored
 *     messages never shown and not this user's (ac_local_store_count_unshown), counted when the
 *     walk's last page was stored; G_MAXUINT when it could not be.
 *  "conversation-failed" (const char *id, gboolean is_group, GError *error)
 *  "page-committed" (const char *id, gboolean is_group, guint n_messages): a page is in
 *     the store (progress; tests interrupt a walk here). */

/* convs: AcConversation* (only id/is_group are read; copied).  Finishes when
 * every conversation is synced or failed; FALSE only when cancelled. */
void     ac_backfill_run_async (AcBackfill *bf, GPtrArray *convs, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean ac_backfill_run_finish (AcBackfill *bf, GAsyncResult *result, GError **error);

/* The same run, fed as the conversation list comes in: open it, add each
 * page's conversations (walked in the order added, with the same limits), and
 * close it when the list is complete (also when it failed or was cancelled);
 * it finishes (ac_backfill_run_finish) once closed and every walk is done.
 * One open run at a time. */
void     ac_backfill_run_open_async (AcBackfill *bf, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
void     ac_backfill_run_add (AcBackfill *bf, GPtrArray *convs);
void     ac_backfill_run_close (AcBackfill *bf);

/* Up to n messages older than the oldest one fetched (the /history command),
 * stored and returned oldest first; the cursor's oldest id moves with them.
 * An empty array means the server has nothing older. */
void       ac_backfill_load_older_async (AcBackfill *bf, const char *conv_id, gboolean is_group,
                                         guint n, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *ac_backfill_load_older_finish (AcBackfill *bf, GAsyncResult *result, GError **error);

G_END_DECLS
