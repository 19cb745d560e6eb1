#pragma once
#include "ac-api.h"

G_BEGIN_DECLS

/* Server-side deletion (protocol reference §6.1–§6.3, spec R5/R6) as typed
 * calls of AcApi.  ac-api-delete.c is the one place that knows their URLs
 * and bodies.  Errors are AC_CLIENT_ERROR (after AcHttp's one re-sign-in). */

/* The server's limit of ids per call (§14: "delete msg list limit can not
 * greater than 50"). */
#define AC_DELETE_BATCH 50

/* One-way: this user's history of the conversation at or before time_ms. */
void     ac_api_delete_before_async (AcApi *api, const char *conv_id, gboolean is_group,
                                     guint64 time_ms, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean ac_api_delete_before_finish (AcApi *api, GAsyncResult *result, GError **error);

/* One-way, one call: 1..AC_DELETE_BATCH ids (anything else fails with
 * INVALID_ARGUMENT before the network). */
void     ac_api_delete_ids_async (AcApi *api, const char *conv_id, gboolean is_group,
                                  const guint64 *ids, guint n, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean ac_api_delete_ids_finish (AcApi *api, GAsyncResult *result, GError **error);

/* The conversation leaves every participant's server list; with
 * delete_messages its history is gone for everyone. */
void     ac_api_delete_conversation_async (AcApi *api, const char *conv_id, gboolean is_group,
                                           gboolean delete_messages, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean ac_api_delete_conversation_finish (AcApi *api, GAsyncResult *result, GError **error);

/* Any number of ids, in calls of at most AC_DELETE_BATCH, one after the
 * other; the first failing call stops the rest.  batch_done runs after each
 * call the server confirmed (1-based index) so the caller can remove exactly
 * those ids locally at once. */
typedef void (*AcDeleteBatchFunc) (const guint64 *ids, guint n, guint batch, guint n_batches,
                                   gpointer user_data);

typedef struct {
  GArray *deleted;      /* guint64: ids the server confirmed, in the order given */
  GArray *not_deleted;  /* guint64: the others */
  guint   n_batches;
  guint   failed_batch; /* 1-based; 0 = none failed */
  GError *error;        /* why failed_batch failed; NULL when all were deleted */
} AcDeleteReport;

void            ac_delete_report_free (AcDeleteReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcDeleteReport, ac_delete_report_free)

void            ac_api_delete_ids_batched_async (AcApi *api, const char *conv_id,
                                                 gboolean is_group, const guint64 *ids, guint n,
                                                 AcDeleteBatchFunc batch_done, gpointer batch_data,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
/* Always a report (also for a failure); NULL only when cancelled (error set). */
AcDeleteReport *ac_api_delete_ids_batched_finish (AcApi *api, GAsyncResult *result,
                                                  GError **error);

G_END_DECLS
