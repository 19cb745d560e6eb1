/* Opening a local store off the main loop.  Opening may migrate: schema 7
 * copies every stored message once (about 1 s per 100,000), and even a new
 * profile's file is created, its schema written and synced — work the main
 * loop, the user's windows, must not wait for. */
#include "ac-local-store.h"

/* Opens run one at a time, under this lock: a sign-in retried while the
 * last one's open still runs opens the same file, and two connections
 * switching a new file to WAL at once get "database is locked" at once
 * (SQLite does not wait for that lock).  Opens are rare.  `opening` counts
 * those queued or running, so that unloading the plugin can wait for them
 * instead of unmapping the code they run. */
static GMutex opening_lock;
static GCond  opening_done;
static guint  opening;

static void
open_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  g_mutex_lock (&opening_lock);
  AcLocalStore *store = ac_local_store_open (task_data, &error);
  opening--;
  g_cond_broadcast (&opening_done);
  g_mutex_unlock (&opening_lock);
  if (store != NULL)
    g_task_return_pointer (task, store, (GDestroyNotify) ac_local_store_close);
  else
    g_task_return_error (task, error);
}

void
ac_local_store_open_async (const char *path, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_local_store_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_mutex_lock (&opening_lock);
  opening++;
  g_mutex_unlock (&opening_lock);
  g_task_run_in_thread (task, open_in_thread);
  g_object_unref (task);
}

AcLocalStore *
ac_local_store_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ac_local_store_wait_for_opens (void)
{
  g_mutex_lock (&opening_lock);
  while (opening > 0)
    g_cond_wait (&opening_done, &opening_lock);
  g_mutex_unlock (&opening_lock);
}
