#include "bench-cpu.h"

#include <sys/resource.h>

double
bench_process_cpu_ms (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0
         + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

double
bench_tasks_cpu_ms (const char *pid, GString *per_thread)
{
  g_autofree char *dir = g_strdup_printf ("/proc/%s/task", pid);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return -1;
  const char *tid;
  double ns = 0;
  while ((tid = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *sched_path = g_build_filename (dir, tid, "schedstat", NULL);
      g_autofree char *comm_path = g_build_filename (dir, tid, "comm", NULL);
      g_autofree char *sched = NULL, *comm = NULL;
      if (!g_file_get_contents (sched_path, &sched, NULL, NULL))
        continue;
      double t = g_ascii_strtod (sched, NULL);
      ns += t;
      if (per_thread != NULL && g_file_get_contents (comm_path, &comm, NULL, NULL))
        g_string_append_printf (per_thread, "  thread %-16s %6.1f ms CPU since start\n",
                                g_strstrip (comm), t / 1e6);
    }
  return ns / 1e6;
}
