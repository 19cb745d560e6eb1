/* The local store's writer alone: 10,000 messages over 100 conversations
 * (the plugin benchmark's history, with packed Metas as the server sends
 * them) committed as 200 pages of 50 through the writer thread, in the
 * order three walks at a time produce them.  Prints wall and CPU time: the
 * store's share of a back-fill, without the network.
 *   store-writer [DIR] */
#include "ac-local-store.h"
#include "ac-message-pb.h"
#include "bench-cpu.h"

#include <glib/gstdio.h>
#include <stdio.h>

#define N_CONVS 100
#define PER_CONV 100
#define PAGE 50

static void
on_committed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) is_new = ac_local_store_commit_page_finish (NULL, result, NULL, &error);
  if (is_new == NULL)
    g_error ("commit: %s", error->message);
  (*(guint *) data)--;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = argc > 1 ? g_strdup (argv[1]) : g_dir_make_tmp ("ac-store-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  /* The pages first, as the walks would hand them over. */
  GPtrArray *pages_msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *pages_metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *pages_conv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) pages_last = g_array_new (FALSE, FALSE, sizeof (gboolean));
  for (guint base = 0; base < N_CONVS; base += 3)
    for (guint pg = 0; pg < PER_CONV / PAGE; pg++)
      for (guint c = base; c < base + 3 && c < N_CONVS; c++)
        {
          GPtrArray *msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
          GPtrArray *metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
          g_autofree char *peer = g_strdup_printf ("peer%03u", c);
          for (guint i = 0; i < PAGE; i++)
            {
              guint k = pg * PAGE + i; /* newest first */
              gboolean mine = k % 4 == 3;
              AcMessage *m = ac_message_new ();
              /* As plugin-backfill's data: conversations interleaved in time,
               * or (BENCH_LAYOUT=bands) each in a time band of its own. */
              m->timestamp = g_strcmp0 (g_getenv ("BENCH_LAYOUT"), "bands") == 0
                ? 1790000000000ull - (guint64) c * 100000 - k * 100
                : 1790000000000ull - ((guint64) k * N_CONVS + c) * 10;
              m->id = m->timestamp << 22; /* the server's ids: time, then a sequence */
              m->chat_type = AC_CHAT_SINGLE;
              m->from = g_strdup (mine ? "reader" : peer);
              m->to = g_strdup (mine ? peer : "reader");
              m->type = AC_BODY_TEXT;
              m->text = g_strdup_printf ("message %u of conversation %u, long enough to look like a "
                                         "real line of chat", k, c);
              g_ptr_array_add (metas, ac_message_to_meta (m, "org1#app1"));
              g_ptr_array_add (msgs, m);
            }
          g_ptr_array_add (pages_msgs, msgs);
          g_ptr_array_add (pages_metas, metas);
          g_ptr_array_add (pages_conv, g_strdup (peer));
          gboolean last = pg == PER_CONV / PAGE - 1;
          g_array_append_val (pages_last, last);
        }
  g_autoptr (GError) error = NULL;
  AcLocalStore *store = ac_local_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  guint pending = pages_msgs->len;
  double c0 = bench_process_cpu_ms ();
  gint64 t0 = g_get_monotonic_time ();
  for (guint i = 0; i < pages_msgs->len; i++)
    {
      /* As a walk does: its last page moves the cursor and brings the unread count. */
      gboolean last = g_array_index (pages_last, gboolean, i);
      AcSyncCursor cursor = { .newest_id = 1, .oldest_id = 1 };
      ac_local_store_commit_page_async (store, pages_conv->pdata[i], FALSE, pages_msgs->pdata[i],
                                        pages_metas->pdata[i], last ? &cursor : NULL, NULL,
                                        last ? "reader" : NULL, NULL, on_committed, &pending);
    }
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
  double wall = (g_get_monotonic_time () - t0) / 1000.0, cpu = bench_process_cpu_ms () - c0;
  printf ("store writer: %u messages in %u pages: %.1f ms wall, %.1f ms CPU\n", N_CONVS * PER_CONV,
          pages_msgs->len, wall, cpu);
  /* Per thread: the writer, the checkpointer, this one. */
  g_autoptr (GString) threads = g_string_new (NULL);
  bench_tasks_cpu_ms ("self", threads);
  fputs (threads->str, stdout);
  ac_local_store_close (store);
  g_ptr_array_unref (pages_msgs);
  g_ptr_array_unref (pages_metas);
  g_ptr_array_unref (pages_conv);
  return 0;
}
