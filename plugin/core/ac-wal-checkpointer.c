#include "ac-wal-checkpointer.h"
#include "ac-background-thread.h"

#include <sqlite3.h>

#define QUIET_US (250 * G_TIME_SPAN_MILLISECOND)
#define MAX_DELAY_US (2 * G_TIME_SPAN_SECOND)
#define IDLE_INTERVAL_US (5 * G_TIME_SPAN_SECOND)

struct _AcWalCheckpointer {
  sqlite3  *db;
  GThread  *thread;
  GMutex    lock;
  GCond     cond;
  gboolean  kicked;
  gboolean  stopping;
  guint     count;   /* under lock */
};

static void
checkpoint (AcWalCheckpointer *cp)
{
  int frames = 0, done = 0;
  int rc = sqlite3_wal_checkpoint_v2 (cp->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &done);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    g_debug ("local store: checkpoint: %s", sqlite3_errmsg (cp->db));
  g_mutex_lock (&cp->lock);
  cp->count++;
  g_mutex_unlock (&cp->lock);
}

static gpointer
run (gpointer data)
{
  AcWalCheckpointer *cp = data;
  g_mutex_lock (&cp->lock);
  while (!cp->stopping)
    {
      gint64 deadline = g_get_monotonic_time () + IDLE_INTERVAL_US;
      while (!cp->kicked && !cp->stopping)
        if (!g_cond_wait_until (&cp->cond, &cp->lock, deadline))
          break;
      /* A burst of commits (a back-fill) is checkpointed once it pauses, or
       * every MAX_DELAY_US while it lasts: copying pages into the database
       * that the next commit rewrites is wasted work, done on the CPU the
       * back-fill needs. */
      gint64 latest = g_get_monotonic_time () + MAX_DELAY_US;
      while (cp->kicked && !cp->stopping && g_get_monotonic_time () < latest)
        {
          cp->kicked = FALSE;
          gint64 until = MIN (g_get_monotonic_time () + QUIET_US, latest);
          while (!cp->kicked && !cp->stopping)
            if (!g_cond_wait_until (&cp->cond, &cp->lock, until))
              break;
        }
      if (cp->stopping)
        break;
      cp->kicked = FALSE;
      g_mutex_unlock (&cp->lock);
      checkpoint (cp);
      g_mutex_lock (&cp->lock);
    }
  g_mutex_unlock (&cp->lock);
  checkpoint (cp);
  return NULL;
}

AcWalCheckpointer *
ac_wal_checkpointer_start (const char *path)
{
  sqlite3 *db = NULL;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_debug ("local store: no checkpoint thread: %s", db != NULL ? sqlite3_errmsg (db) : "no memory");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 1000);
  /* A connection learns that the file is in WAL mode only when it reads it;
   * until then a checkpoint is a no-op. */
  if (sqlite3_exec (db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_debug ("local store: no checkpoint thread: %s", sqlite3_errmsg (db));
      sqlite3_close (db);
      return NULL;
    }
  AcWalCheckpointer *cp = g_new0 (AcWalCheckpointer, 1);
  cp->db = db;
  g_mutex_init (&cp->lock);
  g_cond_init (&cp->cond);
  cp->thread = ac_background_thread_new ("ac-checkpoint", run, cp);
  return cp;
}

void
ac_wal_checkpointer_kick (AcWalCheckpointer *cp)
{
  if (cp == NULL)
    return;
  g_mutex_lock (&cp->lock);
  cp->kicked = TRUE;
  g_cond_signal (&cp->cond);
  g_mutex_unlock (&cp->lock);
}

guint
ac_wal_checkpointer_count (AcWalCheckpointer *cp)
{
  g_mutex_lock (&cp->lock);
  guint n = cp->count;
  g_mutex_unlock (&cp->lock);
  return n;
}

void
ac_wal_checkpointer_stop (AcWalCheckpointer *cp)
{
  if (cp == NULL)
    return;
  g_mutex_lock (&cp->lock);
  cp->stopping = TRUE;
  g_cond_signal (&cp->cond);
  g_mutex_unlock (&cp->lock);
  g_thread_join (cp->thread);
  sqlite3_close (cp->db);
  g_mutex_clear (&cp->lock);
  g_cond_clear (&cp->cond);
  g_free (cp);
}
