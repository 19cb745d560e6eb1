/* Background threads (the store's writer, its checkpoints) run what they are
 * given and, on Linux, at a nice value 10 above the thread that made them
 * (at most 19), so that the main loop comes first on a busy machine. */
#include "ac-background-thread.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

static int
own_nice (void)
{
  errno = 0;
  int nice = getpriority (PRIO_PROCESS, (id_t) gettid ());
  g_assert_cmpint (errno, ==, 0);
  return nice;
}

static gpointer
report (gpointer data)
{
  *(int *) data = own_nice ();
  return data;
}

static void
test_runs_nicer (void)
{
  int seen = -100;
  GThread *t = ac_background_thread_new ("ac-test", report, &seen);
  g_assert_true (g_thread_join (t) == &seen);
#ifdef __linux__
  g_assert_cmpint (seen, ==, MIN (own_nice () + 10, 19));
#else
  g_assert_cmpint (seen, >=, own_nice ());
#endif
}

/* From a thread already at 15: capped at 19, not refused. */
static gpointer
spawn_from_nice_15 (gpointer data)
{
  g_assert_cmpint (setpriority (PRIO_PROCESS, (id_t) gettid (), 15), ==, 0);
  GThread *t = ac_background_thread_new ("ac-test-inner", report, data);
  g_thread_join (t);
  return NULL;
}

static void
test_capped (void)
{
  int seen = -100;
  g_thread_join (g_thread_new ("ac-test-outer", spawn_from_nice_15, &seen));
#ifdef __linux__
  g_assert_cmpint (seen, ==, 19);
#endif
  g_assert_cmpint (seen, !=, -100);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/background-thread/runs-nicer", test_runs_nicer);
  g_test_add_func ("/background-thread/capped", test_capped);
  return g_test_run ();
}
