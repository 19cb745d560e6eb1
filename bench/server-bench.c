/* Server benchmark: loads 100 users, 1,000 conversations and 100,000 messages
 * into a fresh local server through its import call, then measures history
 * pages of 50 served per second on loopback, with one client and with 8
 * concurrent clients.  Prints figures; asserts nothing (targets are judged by
 * people reading the numbers, not by a timed test). */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N_USERS        100
#define N_SINGLE       900
#define N_GROUPS       100
#define GROUP_SIZE     5
#define N_MESSAGES     100000
#define IMPORT_BATCH   10000
#define PAGE_SIZE      50

typedef struct {
  SoupSession *session;
  char        *base;      /* http://127.0.0.1:PORT/org1/app1 */
  char        *app_token;
  char       **tokens;    /* per user */
  char       **group_ids;
  GMainLoop   *loop;
} Bench;

typedef struct {
  int         user;       /* index of the asking user */
  char       *queue;      /* "<peer>@easemob.com" or "<gid>@conference.easemob.com" */
} Conv;

static char *
user_name (int i)
{
  return g_strdup_printf ("user%03d", i);
}

/* Synchronous request helper, used only for the load phase (no main loop yet). */
static JsonNode *
request_json (Bench *b, const char *method, const char *path, const char *token, JsonNode *body,
              guint *status_out)
{
  g_autofree char *url = g_strconcat (b->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  if (!msg)
    g_error ("bad url %s", url);
  if (token) {
    g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  }
  if (body) {
    g_autofree char *text = json_to_string (body, FALSE);
    gsize len = strlen (text);
    g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), len);
    soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  }
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = soup_session_send_and_read (b->session, msg, NULL, &error);
  if (!reply)
    g_error ("%s %s: %s", method, path, error->message);
  if (status_out)
    *status_out = soup_message_get_status (msg);
  if (soup_message_get_status (msg) != 200)
    g_error ("%s %s: HTTP %u: %.*s", method, path, soup_message_get_status (msg),
             (int) g_bytes_get_size (reply), (const char *) g_bytes_get_data (reply, NULL));
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error))
    g_error ("%s %s: bad JSON: %s", method, path, error->message);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
get_token (Bench *b, JsonNode *body)
{
  g_autoptr (JsonNode) reply = request_json (b, "POST", "/token", NULL, body, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "access_token"));
}

static JsonNode *
text_body (const char *text)
{
  g_autoptr (JsonBuilder) jb = json_builder_new ();
  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "type");
  json_builder_add_string_value (jb, "txt");
  json_builder_set_member_name (jb, "msg");
  json_builder_add_string_value (jb, text);
  json_builder_end_object (jb);
  return json_builder_get_root (jb);
}

/* Conversation c (0..999): singles pair user i with user (i + 1 + c / N_USERS) % N_USERS;
 * groups are c - N_SINGLE. */
static void
single_pair (int c, int *a, int *bb)
{
  *a = c % N_USERS;
  *bb = (*a + 1 + c / N_USERS) % N_USERS;
}

static double
load_data (Bench *b)
{
  gint64 t0 = g_get_monotonic_time ();
  gint64 now_ms = g_get_real_time () / 1000;

  /* users and groups in one import */
  {
    g_autoptr (JsonBuilder) jb = json_builder_new ();
    json_builder_begin_object (jb);
    json_builder_set_member_name (jb, "users");
    json_builder_begin_array (jb);
    for (int i = 0; i < N_USERS; i++) {
      g_autofree char *name = user_name (i);
      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "username");
      json_builder_add_string_value (jb, name);
      json_builder_set_member_name (jb, "password");
      json_builder_add_string_value (jb, "bench-password");
      json_builder_end_object (jb);
    }
    json_builder_end_array (jb);
    json_builder_set_member_name (jb, "groups");
    json_builder_begin_array (jb);
    for (int g = 0; g < N_GROUPS; g++) {
      g_autofree char *ref = g_strdup_printf ("g%d", g);
      g_autofree char *owner = user_name (g % N_USERS);
      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "ref");
      json_builder_add_string_value (jb, ref);
      json_builder_set_member_name (jb, "groupname");
      json_builder_add_string_value (jb, ref);
      json_builder_set_member_name (jb, "owner");
      json_builder_add_string_value (jb, owner);
      json_builder_set_member_name (jb, "members");
      json_builder_begin_array (jb);
      for (int m = 1; m < GROUP_SIZE; m++) {
        g_autofree char *member = user_name ((g + m * 7) % N_USERS);
        json_builder_add_string_value (jb, member);
      }
      json_builder_end_array (jb);
      json_builder_end_object (jb);
    }
    json_builder_end_array (jb);
    json_builder_end_object (jb);
    g_autoptr (JsonNode) body = json_builder_get_root (jb);
    g_autoptr (JsonNode) reply = request_json (b, "POST", "/import", b->app_token, body, NULL);
    JsonObject *groups = json_object_get_object_member (
      json_object_get_object_member (json_node_get_object (reply), "data"), "groups");
    b->group_ids = g_new0 (char *, N_GROUPS + 1);
    for (int g = 0; g < N_GROUPS; g++) {
      g_autofree char *ref = g_strdup_printf ("g%d", g);
      b->group_ids[g] = g_strdup (json_object_get_string_member (groups, ref));
    }
  }

  /* messages, oldest first, spread over the last 30 days */
  for (int start = 0; start < N_MESSAGES; start += IMPORT_BATCH) {
    g_autoptr (JsonBuilder) jb = json_builder_new ();
    json_builder_begin_object (jb);
    json_builder_set_member_name (jb, "messages");
    json_builder_begin_array (jb);
    for (int k = start; k < start + IMPORT_BATCH; k++) {
      int c = k % (N_SINGLE + N_GROUPS);
      g_autofree char *from = NULL;
      const char *to;
      g_autofree char *to_user = NULL;
      gboolean group = c >= N_SINGLE;
      if (group) {
        int g = c - N_SINGLE;
        from = user_name (g % N_USERS);
        to = b->group_ids[g];
      } else {
        int a, bb;
        single_pair (c, &a, &bb);
        from = user_name ((k / (N_SINGLE + N_GROUPS)) % 2 ? a : bb);
        to_user = user_name ((k / (N_SINGLE + N_GROUPS)) % 2 ? bb : a);
        to = to_user;
      }
      g_autofree char *text = g_strdup_printf ("benchmark message %d — 基准测试消息 %d", k, k);
      json_builder_begin_object (jb);
      json_builder_set_member_name (jb, "from");
      json_builder_add_string_value (jb, from);
      json_builder_set_member_name (jb, "to");
      json_builder_add_string_value (jb, to);
      json_builder_set_member_name (jb, "type");
      json_builder_add_string_value (jb, group ? "groupchat" : "chat");
      json_builder_set_member_name (jb, "timestamp");
      json_builder_add_int_value (jb, now_ms - (gint64) (N_MESSAGES - k) * 25000);
      json_builder_set_member_name (jb, "body");
      json_builder_add_value (jb, text_body (text));
      json_builder_end_object (jb);
    }
    json_builder_end_array (jb);
    json_builder_end_object (jb);
    g_autoptr (JsonNode) body = json_builder_get_root (jb);
    g_autoptr (JsonNode) reply = request_json (b, "POST", "/import", b->app_token, body, NULL);
  }
  return (g_get_monotonic_time () - t0) / 1e6;
}

/* ---- the measured phase: asynchronous, N workers each walking conversations page by page ---- */

typedef struct {
  Bench   *b;
  Conv    *convs;
  int      n_convs;
  GArray  *latencies_us;  /* gint64 */
  int      remaining;     /* pages still to request */
  int      in_flight;
  int      messages;
} Run;

typedef struct {
  Run   *run;
  int    conv;
  char  *cursor;          /* NULL = from the newest */
  gint64 sent_at;
} Worker;

static void worker_next (Worker *w);

/* The client shares the machine's two cores with the server, so it must cost
 * far less per page than the server does: a full json-glib parse of each
 * 15 KB reply cost the client more CPU than the server spent serving it.
 * The reply's fields of interest hold no quotes or escapes (base64, decimal
 * ids, booleans), so a scan is exact here; the HTTP tests check the full JSON. */
static gboolean
scan_page (const char *body, gsize len, int *n_msgs, char **next_key, gboolean *is_last)
{
  const char *end = body + len;
  *n_msgs = 0;
  for (const char *p = body; (p = g_strstr_len (p, end - p, "{\"msg\":\"")) != NULL; p += 8)
    (*n_msgs)++;
  const char *last = g_strstr_len (body, len, "\"is_last\":");
  const char *key = g_strstr_len (body, len, "\"next_key\":\"");
  if (!last || !key)
    return FALSE;
  *is_last = g_str_has_prefix (last + strlen ("\"is_last\":"), "true");
  key += strlen ("\"next_key\":\"");
  const char *close = memchr (key, '"', end - key);
  if (!close)
    return FALSE;
  if (!*is_last)
    *next_key = g_strndup (key, close - key);
  return TRUE;
}

static void
page_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Worker *w = data;
  Run *run = w->run;
  g_autoptr (GError) error = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), res);
  g_autoptr (GBytes) reply = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  gint64 lat = g_get_monotonic_time () - w->sent_at;
  run->in_flight--;
  if (!reply || soup_message_get_status (msg) != 200)
    g_error ("history page failed: %s (HTTP %u)", error ? error->message : "", soup_message_get_status (msg));
  g_array_append_val (run->latencies_us, lat);

  gsize len;
  const char *body = g_bytes_get_data (reply, &len);
  int n_msgs;
  gboolean is_last;
  g_clear_pointer (&w->cursor, g_free);
  if (!scan_page (body, len, &n_msgs, &w->cursor, &is_last))
    g_error ("history reply without data.next_key / is_last: %.*s", (int) MIN (len, 300), body);
  run->messages += n_msgs;
  if (is_last)
    w->conv = g_random_int_range (0, run->n_convs);
  worker_next (w);
}

static void
worker_next (Worker *w)
{
  Run *run = w->run;
  if (run->remaining <= 0) {
    if (run->in_flight == 0)
      g_main_loop_quit (run->b->loop);
    return;
  }
  run->remaining--;
  run->in_flight++;
  Conv *c = &run->convs[w->conv];
  g_autofree char *user = user_name (c->user);
  g_autofree char *path = g_strdup_printf ("%s/users/%s/messageroaming", run->b->base, user);
  g_autofree char *body = g_strdup_printf (
    "{\"queue\":\"%s\",\"start\":%s%s%s,\"pull_number\":%d,\"is_positive\":false,\"msgType\":\"\","
    "\"end\":-1,\"startTime\":null,\"endTime\":null,\"userId\":null}",
    c->queue, w->cursor ? "\"" : "", w->cursor ? w->cursor : "-1", w->cursor ? "\"" : "", PAGE_SIZE);
  SoupMessage *msg = soup_message_new ("POST", path);
  /* messageroaming is a read: without this libsoup opens a new connection for every POST. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  g_autofree char *auth = g_strconcat ("Bearer ", run->b->tokens[c->user], NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  gsize len = strlen (body);
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), len);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  w->sent_at = g_get_monotonic_time ();
  soup_session_send_and_read_async (run->b->session, msg, G_PRIORITY_DEFAULT, NULL, page_done, w);
  g_object_unref (msg);
}

/* CPU time (user + system) of a process in µs, from /proc/PID/stat; -1 when
 * unknown.  Wall time alone misleads on a machine shared with builds. */
static gint64
process_cpu_us (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *after_comm;
  long ticks = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents (path, &text, NULL, NULL) || ticks <= 0)
    return -1;
  /* comm (field 2) may hold spaces: count from the last ')' */
  after_comm = strrchr (text, ')');
  if (after_comm == NULL)
    return -1;
  fields = g_strsplit (after_comm + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return -1;
  /* fields[0] is state (field 3): utime is field 14, stime field 15 */
  return (g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10)) *
         G_USEC_PER_SEC / ticks;
}

static int
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
measure (Bench *b, const char *label, Conv *convs, int n_convs, int clients, int pages)
{
  Run run = { .b = b, .convs = convs, .n_convs = n_convs, .remaining = pages,
              .latencies_us = g_array_new (FALSE, FALSE, sizeof (gint64)) };
  Worker *workers = g_new0 (Worker, clients);
  const char *server_pid = g_getenv ("SERVER_PID");
  g_autofree char *self_pid = g_strdup_printf ("%d", (int) getpid ());
  gint64 server_cpu0 = server_pid ? process_cpu_us (server_pid) : -1;
  gint64 client_cpu0 = process_cpu_us (self_pid);
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < clients; i++) {
    workers[i] = (Worker) { .run = &run, .conv = g_random_int_range (0, n_convs) };
    worker_next (&workers[i]);
  }
  g_main_loop_run (b->loop);
  double secs = (g_get_monotonic_time () - t0) / 1e6;
  gint64 server_cpu = server_cpu0 >= 0 ? process_cpu_us (server_pid) - server_cpu0 : -1;
  gint64 client_cpu = process_cpu_us (self_pid) - client_cpu0;
  g_array_sort (run.latencies_us, cmp_i64);
  guint n = run.latencies_us->len;
  double median = g_array_index (run.latencies_us, gint64, n / 2) / 1000.0;
  double p99 = g_array_index (run.latencies_us, gint64, MIN (n - 1, (guint) (n * 0.99))) / 1000.0;
  printf ("%shistory pages of %d, %d client%s: %u pages (%d messages) in %.2f s = %.0f pages/s; "
          "latency median %.2f ms, p99 %.2f ms\n",
          label, PAGE_SIZE, clients, clients == 1 ? "" : "s", n, run.messages, secs, n / secs, median, p99);
  /* CPU per page: the figure that does not depend on what else the machine runs. */
  if (server_cpu >= 0)
    printf ("%s  CPU per page: server %.0f µs, this client %.0f µs\n", label,
            (double) server_cpu / n, (double) client_cpu / n);
  else
    printf ("%s  CPU per page: this client %.0f µs (set SERVER_PID for the server's)\n", label,
            (double) client_cpu / n);
  for (int i = 0; i < clients; i++)
    g_free (workers[i].cursor);
  g_free (workers);
  g_array_unref (run.latencies_us);
}

int
main (int argc, char **argv)
{
  if (argc != 4 && argc != 5) {
    fprintf (stderr, "usage: %s BASE_URL_WITH_ORG_APP CLIENT_ID CLIENT_SECRET [CONVERSATIONS_OUT]\n", argv[0]);
    return 2;
  }
  /* Each figure as soon as it is known, also into a pipe (a profiler waits for "import"). */
  setvbuf (stdout, NULL, _IOLBF, 0);
  Bench b = { .base = argv[1], .loop = g_main_loop_new (NULL, FALSE) };
  b.session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 16, "timeout", 60, NULL);

  g_autoptr (JsonBuilder) jb = json_builder_new ();
  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "grant_type");
  json_builder_add_string_value (jb, "client_credentials");
  json_builder_set_member_name (jb, "client_id");
  json_builder_add_string_value (jb, argv[2]);
  json_builder_set_member_name (jb, "client_secret");
  json_builder_add_string_value (jb, argv[3]);
  json_builder_end_object (jb);
  g_autoptr (JsonNode) cred = json_builder_get_root (jb);
  b.app_token = get_token (&b, cred);

  double import_s = load_data (&b);
  printf ("import: %d users, %d conversations, %d messages in %.2f s (%.0f messages/s)\n",
          N_USERS, N_SINGLE + N_GROUPS, N_MESSAGES, import_s, N_MESSAGES / import_s);

  b.tokens = g_new0 (char *, N_USERS + 1);
  for (int i = 0; i < N_USERS; i++) {
    g_autofree char *name = user_name (i);
    g_autoptr (JsonBuilder) ub = json_builder_new ();
    json_builder_begin_object (ub);
    json_builder_set_member_name (ub, "grant_type");
    json_builder_add_string_value (ub, "password");
    json_builder_set_member_name (ub, "username");
    json_builder_add_string_value (ub, name);
    json_builder_set_member_name (ub, "password");
    json_builder_add_string_value (ub, "bench-password");
    json_builder_end_object (ub);
    g_autoptr (JsonNode) body = json_builder_get_root (ub);
    b.tokens[i] = get_token (&b, body);
  }

  Conv *convs = g_new0 (Conv, N_SINGLE + N_GROUPS);
  for (int c = 0; c < N_SINGLE; c++) {
    int a, bb;
    single_pair (c, &a, &bb);
    g_autofree char *peer = user_name (bb);
    convs[c] = (Conv) { .user = a, .queue = g_strconcat (peer, "@easemob.com", NULL) };
  }
  for (int g = 0; g < N_GROUPS; g++)
    convs[N_SINGLE + g] = (Conv) { .user = g % N_USERS,
                                   .queue = g_strconcat (b.group_ids[g], "@conference.easemob.com", NULL) };

  /* For wrk (bench/roaming.lua): "user token queue" per line. */
  if (argc == 5) {
    g_autoptr (GString) out = g_string_new (NULL);
    for (int c = 0; c < N_SINGLE + N_GROUPS; c++) {
      g_autofree char *user = user_name (convs[c].user);
      g_string_append_printf (out, "%s %s %s\n", user, b.tokens[convs[c].user], convs[c].queue);
    }
    g_autoptr (GError) error = NULL;
    if (!g_file_set_contents_full (argv[4], out->str, out->len, G_FILE_SET_CONTENTS_NONE, 0600, &error))
      g_error ("%s", error->message);
  }

  measure (&b, "warm-up: ", convs, N_SINGLE + N_GROUPS, 1, 300);
  measure (&b, "", convs, N_SINGLE + N_GROUPS, 1, 5000);
  measure (&b, "", convs, N_SINGLE + N_GROUPS, 8, 10000);

  for (int c = 0; c < N_SINGLE + N_GROUPS; c++)
    g_free (convs[c].queue);
  g_free (convs);
  g_strfreev (b.tokens);
  g_strfreev (b.group_ids);
  g_free (b.app_token);
  g_object_unref (b.session);
  g_main_loop_unref (b.loop);
  return 0;
}
