/* End to end with faults: the headless libpurple client talks to the real
 * server through an in-process fault-injecting proxy (a SoupServer that
 * forwards every request and, by rule, answers 500, garbage JSON or a page
 * with a truncated protobuf instead).  Checked: a clear error or a later
 * retry, no crash, and a main loop that keeps running. */
#include "local-server.h"
#include "purple-harness.h"

#include <libsoup/soup.h>

typedef enum { FAULT_NONE, FAULT_500, FAULT_GARBAGE, FAULT_TRUNCATED_PB } Fault;

typedef struct {
  SoupServer  *server;
  SoupSession *session;
  char        *upstream;  /* the real server */
  char        *url;       /* the proxy */
  Fault        token;     /* POST /token */
  GHashTable  *roaming;   /* peer -> Fault for its messageroaming pages */
} Proxy;

typedef struct {
  Proxy             *proxy;
  SoupServerMessage *msg;
  Fault              fault;
} Forward;

static void
reply (SoupServerMessage *msg, guint status, const char *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* The first history entry's protobuf cut in half, still valid base64. */
static char *
truncate_first_entry (GBytes *body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), NULL));
  JsonNode *root = json_parser_get_root (parser);
  JsonArray *msgs = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (root), "data"), "msgs");
  if (json_array_get_length (msgs) > 0)
    {
      JsonObject *first = json_array_get_object_element (msgs, 0);
      gsize len = 0;
      g_autofree guchar *pb = g_base64_decode (json_object_get_string_member (first, "msg"), &len);
      g_autofree char *cut = g_base64_encode (pb, len / 2);
      json_object_set_string_member (first, "msg", cut);
    }
  return json_to_string (root, FALSE);
}

static void
on_upstream (GObject *source, GAsyncResult *result, gpointer data)
{
  Forward *f = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *up = g_object_get_data (G_OBJECT (f->msg), "upstream");
  if (body == NULL)
    reply (f->msg, 502, "{\"error\":\"proxy\"}");
  else if (f->fault == FAULT_TRUNCATED_PB && soup_message_get_status (up) == 200)
    {
      g_autofree char *cut = truncate_first_entry (body);
      reply (f->msg, 200, cut);
    }
  else
    {
      soup_server_message_set_status (f->msg, soup_message_get_status (up), NULL);
      soup_server_message_set_response (f->msg, "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    }
  soup_server_message_unpause (f->msg);
  g_object_unref (f->msg);
  g_free (f);
}

static Fault
fault_for (Proxy *p, const char *path, GBytes *request)
{
  if (g_str_has_suffix (path, "/token"))
    return p->token;
  if (!g_str_has_suffix (path, "/messageroaming") || request == NULL)
    return FAULT_NONE;
  g_autofree char *text = g_strndup (g_bytes_get_data (request, NULL), g_bytes_get_size (request));
  GHashTableIter iter;
  gpointer peer, fault;
  g_hash_table_iter_init (&iter, p->roaming);
  while (g_hash_table_iter_next (&iter, &peer, &fault))
    {
      g_autofree char *queue = g_strdup_printf ("\"%s@easemob.com\"", (char *) peer);
      if (strstr (text, queue) != NULL)
        return GPOINTER_TO_INT (fault);
    }
  return FAULT_NONE;
}

static void
handle (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
        gpointer data)
{
  Proxy *p = data;
  SoupMessageBody *req_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) request = req_body->length > 0 ? soup_message_body_flatten (req_body) : NULL;
  Fault fault = fault_for (p, path, request);
  if (fault == FAULT_500)
    {
      reply (msg, 500, "{\"error\":\"internal_error\",\"error_description\":\"injected\"}");
      return;
    }
  if (fault == FAULT_GARBAGE)
    {
      reply (msg, 200, "<html>this is not JSON");
      return;
    }
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *target = g_strconcat (p->upstream, path,
                                         g_uri_get_query (uri) != NULL ? "?" : "",
                                         g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "", NULL);
  SoupMessage *up = soup_message_new (soup_server_message_get_method (msg), target);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (in, "Authorization");
  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (up), "Authorization", auth);
  if (request != NULL)
    soup_message_set_request_body_from_bytes (up, "application/json", request);
  g_object_set_data_full (G_OBJECT (msg), "upstream", up, g_object_unref);
  Forward *f = g_new0 (Forward, 1);
  f->proxy = p;
  f->msg = g_object_ref (msg);
  f->fault = fault;
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (p->session, up, G_PRIORITY_DEFAULT, NULL, on_upstream, f);
}

static Proxy *
proxy_new (const char *upstream)
{
  Proxy *p = g_new0 (Proxy, 1);
  p->upstream = g_strdup (upstream);
  p->session = soup_session_new ();
  p->roaming = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (p->server, NULL, handle, p, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (soup_server_listen_local (p->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  GSList *uris = soup_server_get_uris (p->server);
  char *s = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (g_str_has_suffix (s, "/"))
    s[strlen (s) - 1] = '\0';
  p->url = s;
  return p;
}

static void
proxy_free (Proxy *p)
{
  /* Let the server side see the client's closed connections first. */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  soup_server_disconnect (p->server);
  g_object_unref (p->server);
  g_object_unref (p->session);
  g_hash_table_unref (p->roaming);
  g_free (p->upstream);
  g_free (p->url);
  g_free (p);
}

/* ---- data ---- */

#define PEERS 6
#define MSGS 20

static GString *
seed (void)
{
  GString *s = g_string_new ("{\"users\":[{\"username\":\"alice\",\"password\":\"pw-a\"}");
  for (guint p = 0; p < PEERS; p++)
    g_string_append_printf (s, ",{\"username\":\"p%02u\",\"password\":\"x\"}", p);
  g_string_append (s, "],\"messages\":[");
  for (guint p = 0; p < PEERS; p++)
    for (guint i = 0; i < MSGS; i++)
      g_string_append_printf (s, "%s{\"from\":\"p%02u\",\"to\":\"alice\",\"type\":\"chat\",\"age_ms\":%u,"
                              "\"body\":{\"type\":\"txt\",\"msg\":\"p%02u %u\"}}",
                              p || i ? "," : "", p, 900000 - p * 10000 - i * 100, p, i);
  g_string_append (s, "]}");
  return s;
}

static guint
lines_of (PurpleAccount *acc, const char *peer, PurpleMessageFlags flag)
{
  PurpleConversation *im = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, peer, acc);
  if (im == NULL)
    im = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, peer);
  guint n = 0;
  for (GList *l = purple_conversation_get_message_history (im); l != NULL; l = l->next)
    if (purple_conversation_message_get_flags (l->data) & flag)
      n++;
  return n;
}

static void
open_p01 (PurpleConnection *gc, gpointer data)
{
  purple_conversation_new (PURPLE_CONV_TYPE_IM, purple_connection_get_account (gc), "p01");
}

/* ---- tests ---- */

static void
test_sign_in_faults (void)
{
  g_autoptr (GString) s = seed ();
  LocalServer *srv = local_server_start (s->str, NULL);
  Proxy *proxy = proxy_new (local_server_url (srv));
  harness_init ();
  PurpleAccount *acc = harness_account ("alice", "pw-a", proxy->url);

  PurpleConnectionError reason = -1;
  g_autofree char *desc = NULL;
  proxy->token = FAULT_500;
  g_assert_false (harness_connect (acc, &reason, &desc));
  g_assert_cmpint (reason, ==, PURPLE_CONNECTION_ERROR_NETWORK_ERROR); /* worth a reconnect */
  g_assert_nonnull (strstr (desc, "server reported an error"));
  g_clear_pointer (&desc, g_free);

  proxy->token = FAULT_GARBAGE;
  g_assert_false (harness_connect (acc, &reason, &desc));
  g_assert_cmpint (reason, ==, PURPLE_CONNECTION_ERROR_OTHER_ERROR); /* not worth one */
  g_assert_nonnull (strstr (desc, "could not be understood"));

  proxy->token = FAULT_NONE;
  g_assert_true (harness_connect (acc, NULL, NULL));
  harness_quit ();
  proxy_free (proxy);
  local_server_stop (srv);
}

static void
test_history_faults (void)
{
  g_autoptr (GString) s = seed ();
  LocalServer *srv = local_server_start (s->str, NULL);
  Proxy *proxy = proxy_new (local_server_url (srv));
  g_hash_table_insert (proxy->roaming, g_strdup ("p01"), GINT_TO_POINTER (FAULT_500));
  g_hash_table_insert (proxy->roaming, g_strdup ("p02"), GINT_TO_POINTER (FAULT_GARBAGE));
  g_hash_table_insert (proxy->roaming, g_strdup ("p03"), GINT_TO_POINTER (FAULT_TRUNCATED_PB));
  harness_init ();
  PurpleAccount *acc = harness_account ("alice", "pw-a", proxy->url);
  int h;
  purple_signal_connect (purple_connections_get_handle (), "signed-on", &h, PURPLE_CALLBACK (open_p01), NULL);
  HarnessStallMeter t;
  harness_stall_meter_start (&t, 5);
  g_assert_true (harness_connect (acc, NULL, NULL));
  harness_stall_meter_stop (&t);
  purple_signals_disconnect_by_handle (&h);
  g_assert_true (purple_account_is_connected (acc));
  if (g_getenv ("AC_TEST_VALGRIND") == NULL) /* valgrind's own pauses are not ours */
    g_assert_cmpint (t.max_gap, <, G_USEC_PER_SEC); /* never blocked on a reply */

  /* The healthy conversations are complete. */
  g_assert_cmpuint (lines_of (acc, "p00", PURPLE_MESSAGE_DELAYED), ==, MSGS);
  g_assert_cmpuint (lines_of (acc, "p04", PURPLE_MESSAGE_DELAYED), ==, MSGS);
  g_assert_cmpuint (lines_of (acc, "p05", PURPLE_MESSAGE_DELAYED), ==, MSGS);
  /* 500: nothing, and the open window says why and what happens next. */
  g_assert_cmpuint (lines_of (acc, "p01", PURPLE_MESSAGE_DELAYED), ==, 0);
  g_assert_cmpuint (lines_of (acc, "p01", PURPLE_MESSAGE_ERROR), ==, 1);
  /* Garbage JSON: nothing, no crash. */
  g_assert_cmpuint (lines_of (acc, "p02", PURPLE_MESSAGE_DELAYED), ==, 0);
  /* A truncated protobuf: that one entry is dropped, the rest of the page is shown. */
  g_assert_cmpuint (lines_of (acc, "p03", PURPLE_MESSAGE_DELAYED), ==, MSGS - 1);

  /* The server heals: the next sign-in fetches what failed, once. */
  harness_disconnect (acc);
  g_hash_table_remove_all (proxy->roaming);
  g_assert_true (harness_connect (acc, NULL, NULL));
  g_assert_cmpuint (lines_of (acc, "p01", PURPLE_MESSAGE_DELAYED), ==, MSGS);
  g_assert_cmpuint (lines_of (acc, "p02", PURPLE_MESSAGE_DELAYED), ==, MSGS);
  g_assert_cmpuint (lines_of (acc, "p00", PURPLE_MESSAGE_DELAYED), ==, MSGS);
  /* The dropped entry was the newest: the cursor stayed below it, so it comes now. */
  g_assert_cmpuint (lines_of (acc, "p03", PURPLE_MESSAGE_DELAYED), ==, MSGS);
  harness_quit ();
  proxy_free (proxy);
  local_server_stop (srv);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/faults/sign-in", test_sign_in_faults);
  g_test_add_func ("/faults/history", test_history_faults);
  return g_test_run ();
}
