/* The local store's page writer: one thread with its own SQLite connection
 * that commits history pages while the main loop goes on parsing the next
 * ones.  Pages go into a transaction together (group commit: one WAL append,
 * one lock for many pages).  When a page's SQL fails, the batch is rolled
 * back and each page committed alone, so that the failing page fails alone
 * — and, through its chain, the later pages of its walk.  (A savepoint per
 * page did the same, but copied every b-tree page a page touched into a
 * sub-journal first: a third of the writer's time on interleaved
 * conversations.)  Results return through GTask to the caller's main
 * context. */
#include "ac-local-store-private.h"
#include "ac-background-thread.h"

#define MAX_BATCH 32
/* How long the first page of a batch waits for more.  One commit per page
 * rewrites the same b-tree pages into the WAL again and again (a third of
 * the writer's time in the back-fill benchmark); waiting costs no CPU, and
 * nobody waits on a single page: a walk keeps fetching meanwhile. */
#define LINGER_US 5000

struct _AcPageChain {
  gint failed; /* atomic */
};

AcPageChain *
ac_page_chain_new (void)
{
  return g_atomic_rc_box_new0 (AcPageChain);
}

AcPageChain *
ac_page_chain_ref (AcPageChain *chain)
{
  return g_atomic_rc_box_acquire (chain);
}

void
ac_page_chain_unref (AcPageChain *chain)
{
  g_atomic_rc_box_release (chain);
}

void
ac_page_chain_fail (AcPageChain *chain)
{
  if (chain != NULL)
    g_atomic_int_set (&chain->failed, 1);
}

gboolean
ac_page_chain_admit (AcPageChain *chain, GCancellable *cancellable, GError **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (chain != NULL && g_atomic_int_get (&chain->failed))
    {
      g_set_error_literal (error, AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_FAILED,
                           "An earlier page of this conversation was not stored");
      return FALSE;
    }
  return TRUE;
}

AcPageResult *
ac_page_result_new (GArray *is_new, guint unread)
{
  AcPageResult *r = g_new (AcPageResult, 1);
  r->is_new = is_new;
  r->unread = unread;
  return r;
}

void
ac_page_result_free (AcPageResult *r)
{
  g_clear_pointer (&r->is_new, g_array_unref);
  g_free (r);
}

struct _AcStoreWriter {
  AcLocalStore      *conn;
  AcWalCheckpointer *checkpointer; /* the main store's, borrowed */
  GThread           *thread;
  GAsyncQueue       *queue;        /* Job*; the stop marker ends it */
};

typedef struct {
  char        *conv_id;
  gboolean     is_group;
  GPtrArray   *msgs;
  GPtrArray   *metas;
  gboolean     has_cursor;
  AcSyncCursor cursor;
  AcPageChain *chain;
  char        *unread_for;
  guint        unread;
  GTask       *task;
  GArray      *is_new;
  GError      *error;
} Job;

static Job stop_marker;

static void
job_free (Job *job)
{
  g_free (job->conv_id);
  g_free (job->unread_for);
  g_clear_pointer (&job->msgs, g_ptr_array_unref);
  g_clear_pointer (&job->metas, g_ptr_array_unref);
  g_clear_pointer (&job->is_new, g_array_unref);
  g_clear_pointer (&job->chain, ac_page_chain_unref);
  g_clear_error (&job->error);
  g_clear_object (&job->task);
  g_free (job);
}

/* Stores a page in the open transaction.  FALSE: its SQL failed (job->error;
 * the transaction must be rolled back); a page refused by its chain or its
 * cancellable writes nothing and fails its chain at once. */
static gboolean
store_job (AcLocalStore *conn, Job *job)
{
  guint n = job->msgs->len;
  g_clear_pointer (&job->is_new, g_array_unref);
  g_clear_error (&job->error);
  job->is_new = g_array_sized_new (FALSE, TRUE, sizeof (gboolean), n);
  g_array_set_size (job->is_new, n);
  if (!ac_page_chain_admit (job->chain, g_task_get_cancellable (job->task), &job->error))
    {
      ac_page_chain_fail (job->chain); /* before the walk's next page, maybe in this batch */
      return TRUE;
    }
  if (!ac_local_store_store_page (conn, job->conv_id, job->is_group, job->msgs, job->metas,
                                  job->has_cursor ? &job->cursor : NULL,
                                  (gboolean *) job->is_new->data, &job->error))
    return FALSE;
  /* Inside the transaction: it counts what this page and those before it
   * store, and commits or rolls back with them. */
  if (job->unread_for != NULL)
    job->unread = ac_local_store_count_unshown (conn, job->conv_id, job->is_group, job->unread_for);
  return TRUE;
}

/* All pages in one transaction.  FALSE when a page's SQL failed: nothing of
 * the batch is kept.  *error: the transaction itself failed (BEGIN, COMMIT). */
static gboolean
commit_together (AcStoreWriter *w, GPtrArray *batch, GError **error)
{
  if (!ac_local_store_begin (w->conn, error))
    return TRUE;
  for (guint i = 0; i < batch->len; i++)
    if (!store_job (w->conn, batch->pdata[i]))
      {
        ac_local_store_rollback (w->conn);
        return FALSE;
      }
  if (ac_local_store_commit (w->conn, error))
    ac_wal_checkpointer_kick (w->checkpointer);
  else
    ac_local_store_rollback (w->conn);
  return TRUE;
}

static void
commit_alone (AcStoreWriter *w, Job *job)
{
  g_clear_error (&job->error);
  if (ac_local_store_begin (w->conn, &job->error))
    {
      if (store_job (w->conn, job) && job->error == NULL
          && ac_local_store_commit (w->conn, &job->error))
        {
          ac_wal_checkpointer_kick (w->checkpointer);
          return;
        }
      ac_local_store_rollback (w->conn);
    }
  ac_page_chain_fail (job->chain);
}

static void
commit_batch (AcStoreWriter *w, GPtrArray *batch)
{
  GError *error = NULL;
  if (!commit_together (w, batch, &error))
    for (guint i = 0; i < batch->len; i++)
      commit_alone (w, batch->pdata[i]);
  for (guint i = 0; i < batch->len; i++)
    {
      Job *job = batch->pdata[i];
      /* The arrays go back to the caller only through its own references. */
      g_clear_pointer (&job->msgs, g_ptr_array_unref);
      g_clear_pointer (&job->metas, g_ptr_array_unref);
      if (error != NULL || job->error != NULL)
        ac_page_chain_fail (job->chain);
      if (error != NULL || job->error != NULL)
        g_task_return_error (job->task, g_error_copy (error != NULL ? error : job->error));
      else
        g_task_return_pointer (job->task, ac_page_result_new (g_steal_pointer (&job->is_new),
                                                              job->unread),
                               (GDestroyNotify) ac_page_result_free);
      job_free (job);
    }
  g_clear_error (&error);
  g_ptr_array_set_size (batch, 0);
}

static gpointer
run (gpointer data)
{
  AcStoreWriter *w = data;
  g_autoptr (GPtrArray) batch = g_ptr_array_new ();
  gboolean stopping = FALSE;
  while (!stopping)
    {
      Job *job = g_async_queue_pop (w->queue);
      gint64 deadline = g_get_monotonic_time () + LINGER_US;
      while (job != NULL)
        {
          if (job == &stop_marker)
            {
              stopping = TRUE;
              break;
            }
          g_ptr_array_add (batch, job);
          if (batch->len >= MAX_BATCH)
            break;
          job = g_async_queue_try_pop (w->queue);
          gint64 left = deadline - g_get_monotonic_time ();
          if (job == NULL && left > 0)
            job = g_async_queue_timeout_pop (w->queue, (guint64) left);
        }
      if (batch->len > 0)
        commit_batch (w, batch);
    }
  return NULL;
}

AcStoreWriter *
ac_store_writer_start (const char *path, AcWalCheckpointer *checkpointer, GError **error)
{
  AcLocalStore *conn = ac_local_store_open_connection (path, error);
  if (conn == NULL)
    return NULL;
  AcStoreWriter *w = g_new0 (AcStoreWriter, 1);
  w->conn = conn;
  w->checkpointer = checkpointer;
  w->queue = g_async_queue_new ();
  w->thread = ac_background_thread_new ("ac-store-writer", run, w);
  return w;
}

void
ac_store_writer_stop (AcStoreWriter *w)
{
  if (w == NULL)
    return;
  g_async_queue_push (w->queue, &stop_marker);
  g_thread_join (w->thread);
  g_async_queue_unref (w->queue);
  ac_local_store_close (w->conn);
  g_free (w);
}

void
ac_store_writer_commit_page_async (AcStoreWriter *w, const char *conv_id, gboolean is_group,
                                   GPtrArray *msgs, GPtrArray *metas, const AcSyncCursor *cursor,
                                   AcPageChain *chain, const char *unread_for,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  Job *job = g_new0 (Job, 1);
  job->unread_for = g_strdup (unread_for);
  job->unread = G_MAXUINT;
  job->conv_id = g_strdup (conv_id);
  job->is_group = is_group;
  job->msgs = msgs != NULL ? g_ptr_array_ref (msgs) : g_ptr_array_new ();
  job->metas = metas != NULL ? g_ptr_array_ref (metas) : NULL;
  job->has_cursor = cursor != NULL;
  if (cursor != NULL)
    job->cursor = *cursor;
  job->chain = chain != NULL ? ac_page_chain_ref (chain) : NULL;
  job->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, ac_local_store_commit_page_async);
  g_async_queue_push (w->queue, job);
}
