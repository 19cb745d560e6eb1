#pragma once
/* The real local server as a child process, for tests: started on a free
 * port with its own database, seeded through --seed, driven through its
 * admin REST API. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>

typedef struct _LocalServer LocalServer;

/* seed_json: the import document (may be NULL); extra: more options, NULL-terminated. */
LocalServer *local_server_start (const char *seed_json, const char *const *extra);
void         local_server_stop (LocalServer *srv);
const char  *local_server_url (LocalServer *srv); /* "http://127.0.0.1:PORT" */
/* POST body (JSON) to url, with "Bearer token" when token is not NULL; the
 * reply's JSON object.  Aborts the test unless the status is expect. */
JsonObject  *local_server_post_json (const char *url, const char *token, const char *body,
                                     guint expect);
/* POST /org1/app1/import with an app admin token; aborts the test on failure. */
JsonObject  *local_server_import (LocalServer *srv, const char *json);
/* How many lines of the server's request log contain needle (e.g. "POST /org1/app1/token 200"). */
/* Sends a signal to the server process (SIGSTOP/SIGCONT: a stalled server);
 * SIGSTOP returns once the server is stopped, not merely signalled. */
void         local_server_signal (LocalServer *srv, int sig);
guint        local_server_count_log (LocalServer *srv, const char *needle);
/* The line number (from 1) of the first, or the last, request-log line that
 * contains needle; 0 when none does.  Lines are written as requests finish. */
guint        local_server_log_line (LocalServer *srv, const char *needle, gboolean last);
/* SIGKILL, waited for: the server dies between two requests of a client. */
void         local_server_kill (LocalServer *srv);
/* A new process on the same database and port (after local_server_kill);
 * the extra options of local_server_start are not repeated.  The request
 * log starts again. */
void         local_server_restart (LocalServer *srv);
