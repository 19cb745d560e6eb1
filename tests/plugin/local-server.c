#include "local-server.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

struct _LocalServer {
  GSubprocess *proc;
  char        *dir;
  char        *url;
  char        *log_path;
};

/* In the child, before exec: a test that aborts on a failed assertion must
 * not leave its server running. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts the server; returns its first stdout line ("… listening on URL"). */
static char *
spawn_server (LocalServer *srv, const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, srv->log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  srv->proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_autoptr (GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (srv->proc));
  char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

/* SERVER_EXE comes from meson (the server's build target). */
LocalServer *
local_server_start (const char *seed_json, const char *const *extra)
{
  LocalServer *srv = g_new0 (LocalServer, 1);
  g_autoptr (GError) error = NULL;
  srv->dir = g_dir_make_tmp ("ac-server-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *db = g_build_filename (srv->dir, "server.db", NULL);
  srv->log_path = g_build_filename (srv->dir, "server.log", NULL);

  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (SERVER_EXE));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1:0"));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (db));
  if (seed_json != NULL)
    {
      g_autofree char *seed = g_build_filename (srv->dir, "seed.json", NULL);
      g_assert_true (g_file_set_contents (seed, seed_json, -1, NULL));
      g_ptr_array_add (argv, g_strdup ("--seed"));
      g_ptr_array_add (argv, g_strdup (seed));
    }
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra[i]));
  g_ptr_array_add (argv, NULL);

  g_autofree char *line = spawn_server (srv, (const char *const *) argv->pdata);
  const char *prefix = "agora-local-server listening on ";
  g_assert_true (g_str_has_prefix (line, prefix));
  srv->url = g_strdup (line + strlen (prefix));
  return srv;
}

const char *
local_server_url (LocalServer *srv)
{
  return srv->url;
}

void
local_server_stop (LocalServer *srv)
{
  if (srv == NULL)
    return;
  g_subprocess_send_signal (srv->proc, SIGTERM);
  g_autoptr (GError) error = NULL;
  g_subprocess_wait (srv->proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (srv->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (srv->proc), ==, 0);
  g_object_unref (srv->proc);
  g_autoptr (GDir) dir = g_dir_open (srv->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *p = g_build_filename (srv->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (srv->dir);
  g_free (srv->dir);
  g_free (srv->url);
  g_free (srv->log_path);
  g_free (srv);
}

JsonObject *
local_server_post_json (const char *url, const char *token, const char *body, guint expect)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  g_autoptr (GBytes) req = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/json", req);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != expect)
    g_error ("POST %s: HTTP %u: %.*s", url, soup_message_get_status (msg),
             (int) g_bytes_get_size (reply), (const char *) g_bytes_get_data (reply, NULL));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                             (gssize) g_bytes_get_size (reply), NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

JsonObject *
local_server_import (LocalServer *srv, const char *json)
{
  g_autofree char *token_url = g_strconcat (srv->url, "/org1/app1/token", NULL);
  g_autoptr (JsonObject) tok = local_server_post_json (token_url, NULL,
    "{\"grant_type\":\"client_credentials\",\"client_id\":\"local-client-id\","
    "\"client_secret\":\"local-client-secret\"}", 200);
  g_autofree char *url = g_strconcat (srv->url, "/org1/app1/import", NULL);
  return local_server_post_json (url, json_object_get_string_member (tok, "access_token"), json, 200);
}

void
local_server_signal (LocalServer *srv, int sig)
{
  g_subprocess_send_signal (srv->proc, sig);
  if (sig != SIGSTOP)
    return;
  /* kill() returns before the stop takes effect: a server thread that is
   * running, or is woken meanwhile, can still answer a request sent right
   * after (a loaded machine made test_failures' "unanswered" message get its
   * ack).  Stalled must mean stalled on return: wait, without reaping, until
   * the kernel reports the whole thread group stopped. */
  pid_t pid = (pid_t) g_ascii_strtoll (g_subprocess_get_identifier (srv->proc), NULL, 10);
  siginfo_t info = { 0 };
  int rc;
  do
    rc = waitid (P_PID, (id_t) pid, &info, WSTOPPED | WEXITED | WNOWAIT);
  while (rc < 0 && errno == EINTR);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpint (info.si_code, ==, CLD_STOPPED);
}

guint
local_server_count_log (LocalServer *srv, const char *needle)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (srv->log_path, &text, NULL, NULL))
    return 0;
  guint n = 0;
  for (const char *p = text; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  return n;
}

guint
local_server_log_line (LocalServer *srv, const char *needle, gboolean last)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (srv->log_path, &text, NULL, NULL))
    return 0;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint found = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      {
        found = i + 1;
        if (!last)
          break;
      }
  return found;
}

void
local_server_kill (LocalServer *srv)
{
  g_subprocess_force_exit (srv->proc);
  g_subprocess_wait (srv->proc, NULL, NULL);
}

void
local_server_restart (LocalServer *srv)
{
  g_subprocess_wait (srv->proc, NULL, NULL);
  g_clear_object (&srv->proc);
  g_autofree char *db = g_build_filename (srv->dir, "server.db", NULL);
  const char *port = strrchr (srv->url, ':') + 1;
  g_autofree char *listen = g_strconcat ("127.0.0.1:", port, NULL);
  const char *argv[] = { SERVER_EXE, "--listen", listen, "--db", db, NULL };
  g_autofree char *line = spawn_server (srv, argv);
  g_assert_true (g_str_has_suffix (line, srv->url));
}
