#include "ac-backfill.h"

#define PAGE_MAX 50

struct _AcBackfill {
  GObject       parent;
  AcApi        *api;
  AcLocalStore *store;
  AcHistoryMode mode;
  guint         latest_n;
  guint         cap;
  guint         concurrency;
  guint         queue_depth;
  GTask        *open_run;   /* the run conversations may still be added to (borrowed) */
};

G_DEFINE_FINAL_TYPE (AcBackfill, ac_backfill, G_TYPE_OBJECT)

enum { SIG_SYNCED, SIG_FAILED, SIG_PAGE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
ac_backfill_dispose (GObject *object)
{
  AcBackfill *bf = AC_BACKFILL (object);
  g_clear_object (&bf->api);
  G_OBJECT_CLASS (ac_backfill_parent_class)->dispose (object);
}

static void
ac_backfill_class_init (AcBackfillClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ac_backfill_dispose;
  signals[SIG_SYNCED] = g_signal_new ("conversation-synced", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 5,
                                      G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_PTR_ARRAY,
                                      G_TYPE_BOOLEAN, G_TYPE_UINT);
  signals[SIG_FAILED] = g_signal_new ("conversation-failed", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                      G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_ERROR);
  signals[SIG_PAGE] = g_signal_new ("page-committed", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                    G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_UINT);
}

static void
ac_backfill_init (AcBackfill *bf)
{
  bf->mode = AC_HISTORY_ALL_NEW;
  bf->latest_n = AC_BACKFILL_DEFAULT_LATEST_N;
  bf->cap = AC_BACKFILL_DEFAULT_CAP;
  bf->concurrency = AC_BACKFILL_DEFAULT_CONCURRENCY;
  bf->queue_depth = AC_BACKFILL_DEFAULT_QUEUE_DEPTH;
}

AcBackfill *
ac_backfill_new (AcApi *api, AcLocalStore *store)
{
  AcBackfill *bf = g_object_new (AC_TYPE_BACKFILL, NULL);
  bf->api = g_object_ref (api);
  bf->store = store;
  return bf;
}

void ac_backfill_set_mode (AcBackfill *bf, AcHistoryMode mode) { bf->mode = mode; }
void ac_backfill_set_latest_n (AcBackfill *bf, guint n) { bf->latest_n = MAX (n, 1); }
void ac_backfill_set_cap (AcBackfill *bf, guint cap) { bf->cap = MAX (cap, 1); }
void ac_backfill_set_concurrency (AcBackfill *bf, guint n) { bf->concurrency = CLAMP (n, 1, 3); }
void ac_backfill_set_queue_depth (AcBackfill *bf, guint n) { bf->queue_depth = CLAMP (n, 1, 8); }

static gint
by_time (gconstpointer a, gconstpointer b)
{
  const AcMessage *x = *(AcMessage *const *) a, *y = *(AcMessage *const *) b;
  if (x->timestamp != y->timestamp)
    return x->timestamp < y->timestamp ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id ? 1 : 0;
}

/* ---- one conversation's walk ---- */

typedef struct _Walk Walk;

/* A page on its way to the store: its messages (and their Metas as
 * received), and the cursor when it is the walk's last. */
typedef struct {
  Walk        *walk;
  GPtrArray   *msgs;  /* AcMessage*, owned */
  GPtrArray   *metas; /* GBytes*, parallel */
  gboolean     has_cursor;
  AcSyncCursor cursor;
  gboolean     last;  /* the walk's last page: it brings the unread count back */
} PageJob;

static void
page_job_free (PageJob *job)
{
  g_ptr_array_unref (job->msgs);
  g_ptr_array_unref (job->metas);
  g_free (job);
}

/* A walk fetches its next page while earlier ones wait for the store's
 * writer, which commits them in order and, through the walk's chain,
 * stores none after a failed one: the last page (which moves the cursor)
 * is never committed after a failed one, so a failure leaves no gap behind
 * the cursor. */
struct _Walk {
  GTask       *task;      /* the run, borrowed */
  char        *id;
  gboolean     is_group;
  AcSyncCursor cursor;    /* as read when the walk started */
  guint        limit;
  guint        fetched;
  guint64      next_start;
  guint64      top_id;    /* newest id of the walk */
  guint64      lowest_id; /* oldest id of the walk */
  gboolean     fetching;  /* a page request in flight */
  guint        queued;    /* pages on the store's writer */
  AcPageChain *chain;
  gboolean     ended;     /* the last page was fetched */
  gboolean     recount;   /* at the cap: waits for its pages to be stored to count the new ones */
  gboolean     capped;
  gboolean     has_slot;  /* counts in RunState.fetching */
  GError      *error;     /* the first failure; the walk stops */
  GPtrArray   *seen;      /* AcMessage*, stored by this walk: never shown yet */
  GPtrArray   *known;     /* AcMessage*, the walk's messages the store already had */
  guint        unread;    /* the conversation's, counted with the last page; G_MAXUINT: not yet */
};

static void
walk_free (Walk *w)
{
  g_free (w->id);
  g_clear_pointer (&w->chain, ac_page_chain_unref);
  g_clear_error (&w->error);
  g_ptr_array_unref (w->seen);
  g_ptr_array_unref (w->known);
  g_free (w);
}

/* A walk holds one of the run's fetching slots (bf->concurrency) until its
 * last request is answered, not until its last commit: the next walk's
 * first request then overlaps the store's commit instead of waiting for it
 * (requests in flight stay within the limit). */
typedef struct {
  GQueue   pending;  /* Walk* */
  guint    fetching; /* walks holding a slot */
  guint    active;   /* walks started and not done */
  gboolean open;     /* more conversations may come (ac_backfill_run_add) */
} RunState;

static void
run_state_free (RunState *st)
{
  g_queue_clear_full (&st->pending, (GDestroyNotify) walk_free);
  g_free (st);
}

static void start_walks (GTask *task);
static void walk_fetch (Walk *w);

static void
walk_done (GTask *task, Walk *w)
{
  AcBackfill *bf = g_task_get_source_object (task);
  RunState *st = g_task_get_task_data (task);
  if (w->error != NULL)
    {
      g_debug ("back-fill of %s failed: %s", w->id, w->error->message);
      if (!g_error_matches (w->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (bf, signals[SIG_FAILED], 0, w->id, w->is_group, w->error);
    }
  else
    {
      /* Stored by this walk: certainly never shown.  Only the rest needs
       * asking (one query per message is costly): what the store had already
       * (a restarted walk) and is still unshown; what it refused to store (a
       * deleted message's tombstone) is not reported at all. */
      g_autoptr (GPtrArray) unshown = g_steal_pointer (&w->seen);
      w->seen = g_ptr_array_new ();
      for (guint i = 0; i < w->known->len; i++)
        {
          AcMessage *m = w->known->pdata[i];
          if (ac_local_store_is_unshown (bf->store, m->id))
            g_ptr_array_add (unshown, g_steal_pointer (&w->known->pdata[i]));
        }
      g_ptr_array_sort (unshown, by_time);
      g_signal_emit (bf, signals[SIG_SYNCED], 0, w->id, w->is_group, unshown, w->capped,
                     w->unread);
    }
  if (w->has_slot)
    st->fetching--;
  walk_free (w);
  st->active--;
  start_walks (task);
}

static void
walk_fail (Walk *w, GError *error)
{
  if (w->error == NULL)
    w->error = error;
  else
    g_error_free (error);
}

/* Gives the walk's slot to the next one once it fetches no more, and ends
 * the walk once nothing of it is in flight. */
static void
walk_settle (Walk *w)
{
  if (w->fetching || !(w->ended || w->error != NULL))
    return;
  if (w->has_slot)
    {
      RunState *st = g_task_get_task_data (w->task);
      w->has_slot = FALSE;
      st->fetching--;
      start_walks (w->task); /* never ends the run: this walk is still active */
    }
  if (w->queued == 0)
    walk_done (w->task, w);
}

/* The next page, unless the walk is over or the store is behind. */
static void
walk_continue (Walk *w)
{
  AcBackfill *bf = g_task_get_source_object (w->task);
  if (!w->fetching && !w->ended && !w->recount && w->error == NULL && w->queued < bf->queue_depth)
    walk_fetch (w);
}

static void walk_commit (Walk *w, PageJob *job);

static PageJob *
page_job_new (void)
{
  PageJob *job = g_new0 (PageJob, 1);
  job->msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  job->metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return job;
}

/* The cursor the walk's last page moves (in that page's transaction). */
static void
walk_set_end_cursor (Walk *w, PageJob *job)
{
  if (w->top_id == 0)
    return;
  job->has_cursor = TRUE;
  job->cursor = w->cursor;
  job->cursor.newest_id = MAX (w->cursor.newest_id, w->top_id);
  /* Capped: the skipped middle lies just below this walk, so "older"
   * (/history) continues from here, through the gap, down. */
  if (job->cursor.oldest_id == 0 || w->capped)
    job->cursor.oldest_id = w->lowest_id;
}

/* The cap of a later sync counts new messages: those received live since
 * the last sync are stored already and do not count (else a long session
 * would end the next sign-in's walk among them, with a false "only the
 * latest were loaded").  Which ones were new the store says when their
 * pages are in; then the walk goes on, or ends capped with a page that
 * only moves the cursor. */
static void
walk_recount (Walk *w)
{
  if (!w->recount || w->queued > 0 || w->error != NULL)
    return;
  w->recount = FALSE;
  if (w->seen->len < w->limit)
    {
      w->fetched = w->seen->len;
      walk_continue (w);
      return;
    }
  w->capped = TRUE;
  w->ended = TRUE;
  PageJob *job = page_job_new ();
  walk_set_end_cursor (w, job);
  walk_commit (w, job);
}

static void on_page_committed (GObject *source, GAsyncResult *result, gpointer user_data);

static void
walk_commit (Walk *w, PageJob *job)
{
  AcBackfill *bf = g_task_get_source_object (w->task);
  job->walk = w;
  w->queued++;
  /* The walk's last page (or the one that moves the cursor) brings the
   * conversation's unread count back, counted on the writer's thread. */
  gboolean count = job->last || job->has_cursor;
  ac_local_store_commit_page_async (bf->store, w->id, w->is_group, job->msgs, job->metas,
                                    job->has_cursor ? &job->cursor : NULL, w->chain,
                                    count ? ac_api_get_username (bf->api) : NULL,
                                    g_task_get_cancellable (w->task), on_page_committed, job);
}

static void
on_page_committed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PageJob *job = user_data;
  Walk *w = job->walk;
  AcBackfill *bf = g_task_get_source_object (w->task);
  GError *error = NULL;
  guint unread = G_MAXUINT;
  g_autoptr (GArray) is_new = ac_local_store_commit_page_finish (bf->store, result, &unread, &error);
  w->queued--;
  if (is_new == NULL)
    {
      page_job_free (job);
      walk_fail (w, error);
      walk_settle (w);
      return;
    }
  if (unread != G_MAXUINT)
    w->unread = unread;
  guint n = job->msgs->len;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (g_array_index (is_new, gboolean, i) ? w->seen : w->known,
                     g_steal_pointer (&job->msgs->pdata[i]));
  page_job_free (job);
  g_signal_emit (bf, signals[SIG_PAGE], 0, w->id, w->is_group, n);
  /* Cancelled (the account closing): nothing more is fetched; the writer
   * refuses what is still queued. */
  GError *cancelled = NULL;
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (w->task), &cancelled))
    walk_fail (w, cancelled);
  walk_recount (w);
  walk_continue (w);
  walk_settle (w);
}

static void
on_walk_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Walk *w = user_data;
  GError *error = NULL;
  g_autoptr (AcRoamingPage) page = ac_api_roaming_finish (AC_API (source), result, &error);
  w->fetching = FALSE;
  if (page == NULL || w->error != NULL)
    {
      if (page == NULL)
        walk_fail (w, error);
      walk_settle (w);
      return;
    }

  AcBackfill *bf = g_task_get_source_object (w->task);
  gboolean reached_cursor = FALSE;
  guint64 resume = 0; /* the first message the limit left out */
  PageJob *job = page_job_new ();
  for (guint i = 0; i < page->messages->len; i++)
    {
      AcMessage *m = page->messages->pdata[i];
      if (w->cursor.newest_id != 0 && m->id <= w->cursor.newest_id)
        {
          reached_cursor = TRUE;
          break;
        }
      if (w->fetched >= w->limit)
        {
          resume = m->id;
          break;
        }
      /* Already taken: a walk resumed after a recount starts at its lowest
       * message (whether the server's start is inclusive or not). */
      if (m->id == 0 || (w->lowest_id != 0 && m->id >= w->lowest_id))
        continue;
      g_ptr_array_add (job->msgs, g_steal_pointer (&page->messages->pdata[i]));
      g_ptr_array_add (job->metas, g_bytes_ref (page->metas->pdata[i]));
      w->fetched++;
      w->top_id = MAX (w->top_id, m->id);
      w->lowest_id = w->lowest_id == 0 ? m->id : MIN (w->lowest_id, m->id);
    }
  gboolean limit_hit = w->fetched >= w->limit;
  gboolean more = !page->is_last && page->next_key != 0 && !reached_cursor
                  && page->messages->len > 0;
  /* A later sync "everything new" at its cap: first count what was new. */
  if (limit_hit && more && w->cursor.newest_id != 0 && bf->mode == AC_HISTORY_ALL_NEW)
    {
      w->recount = TRUE;
      w->next_start = resume != 0 ? w->lowest_id : page->next_key;
      walk_commit (w, job);
      walk_settle (w);
      return;
    }
  gboolean end = !more || limit_hit;

  /* Only the walk's last page moves the cursor, in that page's transaction:
   * a walk interrupted (process killed) after some pages is walked again from
   * the top, the store's unique ids drop what it already has, and no gap is
   * left behind — also on the first sync, whose latest N would otherwise end
   * at the interrupted page. */
  /* Only a gap in *new* messages is worth a note; the first sync's limit is
   * the user's choice of how much to load. */
  w->capped = end && limit_hit && more && w->cursor.newest_id != 0;
  if (end)
    walk_set_end_cursor (w, job);
  job->last = end;
  w->ended = end;
  if (!end)
    w->next_start = page->next_key;
  walk_commit (w, job);
  walk_continue (w);
  walk_settle (w);
}

static void
walk_fetch (Walk *w)
{
  AcBackfill *bf = g_task_get_source_object (w->task);
  guint want = MIN (PAGE_MAX, w->limit - w->fetched);
  /* One extra so that reaching the cursor's own message is seen on the page
   * that also carries the newest messages. */
  if (w->cursor.newest_id != 0 && want < PAGE_MAX)
    want++;
  w->fetching = TRUE;
  ac_api_roaming_async (bf->api, w->id, w->is_group, w->next_start, want, FALSE,
                        g_task_get_cancellable (w->task), on_walk_page, w);
}

static void
start_walks (GTask *task)
{
  AcBackfill *bf = g_task_get_source_object (task);
  RunState *st = g_task_get_task_data (task);
  while (st->fetching < bf->concurrency && !g_queue_is_empty (&st->pending))
    {
      Walk *w = g_queue_pop_head (&st->pending);
      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        {
          walk_free (w);
          continue;
        }
      GError *error = NULL;
      if (!ac_local_store_get_cursor (bf->store, w->id, w->is_group, &w->cursor, &error))
        {
          st->active++; /* no slot: it fetches nothing */
          w->task = task;
          w->error = error;
          walk_done (task, w);
          return; /* walk_done re-entered start_walks */
        }
      w->limit = w->cursor.newest_id == 0 || bf->mode == AC_HISTORY_LATEST ? bf->latest_n : bf->cap;
      st->active++;
      st->fetching++;
      w->has_slot = TRUE;
      w->task = task;
      walk_fetch (w);
    }
  if (st->active == 0 && g_queue_is_empty (&st->pending) && !st->open)
    {
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static void
queue_walks (AcBackfill *bf, RunState *st, GPtrArray *convs)
{
  if (bf->mode == AC_HISTORY_NONE)
    return;
  for (guint i = 0; convs != NULL && i < convs->len; i++)
    {
      const AcConversation *conv = convs->pdata[i];
      Walk *w = g_new0 (Walk, 1);
      w->id = g_strdup (conv->id);
      w->is_group = conv->is_group;
      w->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
      w->known = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
      w->chain = ac_page_chain_new ();
      w->unread = G_MAXUINT;
      g_queue_push_tail (&st->pending, w);
    }
}

static GTask *
run_new (AcBackfill *bf, gboolean open, GCancellable *cancellable, GAsyncReadyCallback callback,
         gpointer user_data)
{
  GTask *task = g_task_new (bf, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_backfill_run_async);
  RunState *st = g_new0 (RunState, 1);
  g_queue_init (&st->pending);
  st->open = open;
  g_task_set_task_data (task, st, (GDestroyNotify) run_state_free);
  return task;
}

void
ac_backfill_run_open_async (AcBackfill *bf, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (bf->open_run == NULL);
  bf->open_run = run_new (bf, TRUE, cancellable, callback, user_data);
}

void
ac_backfill_run_add (AcBackfill *bf, GPtrArray *convs)
{
  g_return_if_fail (bf->open_run != NULL);
  queue_walks (bf, g_task_get_task_data (bf->open_run), convs);
  start_walks (bf->open_run);
}

void
ac_backfill_run_close (AcBackfill *bf)
{
  GTask *task = g_steal_pointer (&bf->open_run);
  if (task == NULL)
    return;
  RunState *st = g_task_get_task_data (task);
  st->open = FALSE;
  start_walks (task); /* may finish the run */
}

void
ac_backfill_run_async (AcBackfill *bf, GPtrArray *convs, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = run_new (bf, FALSE, cancellable, callback, user_data);
  queue_walks (bf, g_task_get_task_data (task), convs);
  start_walks (task);
}

gboolean
ac_backfill_run_finish (AcBackfill *bf, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, bf), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- older history on demand ---- */

typedef struct {
  char        *id;
  gboolean     is_group;
  guint        n;
  AcSyncCursor cursor;
} OlderState;

static void
older_state_free (OlderState *st)
{
  g_free (st->id);
  g_free (st);
}

static void
on_older_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AcBackfill *bf = g_task_get_source_object (task);
  OlderState *st = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (AcRoamingPage) page = ac_api_roaming_finish (AC_API (source), result, &error);
  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_autoptr (GPtrArray) keep = g_ptr_array_new ();
  AcSyncCursor next = st->cursor;
  for (guint i = 0; i < page->messages->len && keep->len < st->n; i++)
    {
      AcMessage *m = page->messages->pdata[i];
      /* start is inclusive: the page begins with the oldest message we had. */
      if (m->id == 0 || (st->cursor.oldest_id != 0 && m->id >= st->cursor.oldest_id))
        continue;
      g_ptr_array_add (keep, m);
      next.oldest_id = next.oldest_id == 0 ? m->id : MIN (next.oldest_id, m->id);
      next.newest_id = MAX (next.newest_id, m->id);
    }
  if (!ac_local_store_commit_page (bf->store, st->id, st->is_group, keep,
                                   keep->len > 0 ? &next : NULL, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  for (guint i = 0; i < keep->len; i++)
    g_ptr_array_add (out, ac_message_copy (keep->pdata[i]));
  g_ptr_array_sort (out, by_time);
  g_task_return_pointer (task, out, (GDestroyNotify) g_ptr_array_unref);
}

void
ac_backfill_load_older_async (AcBackfill *bf, const char *conv_id, gboolean is_group, guint n,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  GTask *task = g_task_new (bf, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_backfill_load_older_async);
  OlderState *st = g_new0 (OlderState, 1);
  st->id = g_strdup (conv_id);
  st->is_group = is_group;
  st->n = CLAMP (n, 1, PAGE_MAX - 1);
  g_task_set_task_data (task, st, (GDestroyNotify) older_state_free);
  GError *error = NULL;
  if (!ac_local_store_get_cursor (bf->store, conv_id, is_group, &st->cursor, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  ac_api_roaming_async (bf->api, conv_id, is_group, st->cursor.oldest_id, st->n + 1, FALSE,
                        cancellable, on_older_page, task);
}

GPtrArray *
ac_backfill_load_older_finish (AcBackfill *bf, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, bf), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
