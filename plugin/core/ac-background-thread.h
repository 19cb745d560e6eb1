#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* A thread for work nobody waits on at once (the store's writer, its
 * checkpoints): g_thread_new(), with the thread's nice value raised by 10
 * where the system keeps one per thread (Linux), so that on a busy machine
 * the main loop, the user's windows, comes first.  name: at most 15
 * characters, or the system keeps none. */
GThread *ac_background_thread_new (const char *name, GThreadFunc func, gpointer data);

G_END_DECLS
