#pragma once
#include <glib.h>

/* CPU time figures for the benchmarks. */

/* This process, user + system, all threads (getrusage). */
double bench_process_cpu_ms (void);
/* A process's threads from /proc/PID/task/N/schedstat (ns precision), summed;
 * pid "self" for this one.  per_thread (optional) receives one line per
 * thread: its name and its CPU.  -1 when the process cannot be read. */
double bench_tasks_cpu_ms (const char *pid, GString *per_thread);
