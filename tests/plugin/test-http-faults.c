/* The HTTP client and the typed calls against replies our local server never
 * sends: garbage JSON, 5xx, a stall, a truncated protobuf, a 401 that a fresh
 * token does not cure.  An in-process SoupServer plays the broken server; it
 * injects faults only, it does not stand in for the Agora server. */
#include "ac-api.h"
#include "ac-client-error.h"

#include <libsoup/soup.h>

typedef struct {
  const char *body;    /* reply body */
  guint       status;
  gboolean    stall;   /* never answer */
  guint       hits;
  guint       token_hits;
  gboolean    no_paged; /* 404 on the paged conversation list */
} Fault;

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer data)
{
  Fault *f = data;
  if (g_str_has_suffix (path, "/token"))
    {
      f->token_hits++;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        "{\"access_token\":\"t\",\"expires_in\":60}", 36);
      return;
    }
  f->hits++;
  if (g_str_has_suffix (path, "/user_channels/page") && f->no_paged)
    {
      soup_server_message_set_status (msg, 404, NULL); /* an endpoint this server lacks */
      return;
    }
  if (f->stall)
    {
      soup_server_message_pause (msg); /* answered never; the client's timeout must fire */
      return;
    }
  soup_server_message_set_status (msg, f->status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, f->body,
                                    strlen (f->body));
}

typedef struct {
  SoupServer *server;
  char       *url;
  AcHttp     *http;
  AcApi      *api;
} Rig;

static void
rig_start (Rig *rig, Fault *fault)
{
  g_autoptr (GError) error = NULL;
  rig->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (rig->server, NULL, handler, fault, NULL);
  g_assert_true (soup_server_listen_local (rig->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  GSList *uris = soup_server_get_uris (rig->server);
  g_autofree char *s = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  rig->url = g_strndup (s, strlen (s) - 1); /* no trailing '/' */
  rig->http = ac_http_new (NULL, 0);
  ac_http_set_timeout (rig->http, 1);
  rig->api = ac_api_new (rig->http, "org1#app1", "alice", &error);
  ac_api_set_rest_url (rig->api, rig->url);
  ac_api_set_password (rig->api, "pw");
  ac_http_set_token (rig->http, "t");
}

static void
rig_stop (Rig *rig)
{
  g_object_unref (rig->api);
  g_object_unref (rig->http);
  soup_server_disconnect (rig->server);
  g_object_unref (rig->server);
  g_free (rig->url);
}

static void
got (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GError *
roaming_error (Rig *rig, AcRoamingPage **page_out)
{
  GAsyncResult *result = NULL;
  ac_api_roaming_async (rig->api, "bob", FALSE, 0, 20, FALSE, NULL, got, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  GError *error = NULL;
  AcRoamingPage *page = ac_api_roaming_finish (rig->api, result, &error);
  g_object_unref (result);
  if (page_out != NULL)
    *page_out = page;
  else if (page != NULL)
    ac_roaming_page_free (page);
  return error;
}

static void
test_garbage_json (void)
{
  Fault f = { .body = "{\"data\": [unterminated", .status = 200 };
  Rig rig;
  rig_start (&rig, &f);
  g_autoptr (GError) error = roaming_error (&rig, NULL);
  g_assert_error (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_BAD_REPLY);
  rig_stop (&rig);
}

static void
test_json_of_wrong_shape (void)
{
  Fault f = { .body = "{\"data\": {\"msgs\": 7, \"next_key\": [], \"is_last\": \"yes\"}}", .status = 200 };
  Rig rig;
  rig_start (&rig, &f);
  AcRoamingPage *page = NULL;
  g_autoptr (GError) error = roaming_error (&rig, &page);
  g_assert_no_error (error);
  g_assert_cmpuint (page->messages->len, ==, 0);
  g_assert_true (page->is_last);
  ac_roaming_page_free (page);

  f.body = "[1,2,3]";
  g_autoptr (GError) e2 = roaming_error (&rig, NULL);
  g_assert_error (e2, AC_CLIENT_ERROR, AC_CLIENT_ERROR_BAD_REPLY);
  rig_stop (&rig);
}

static void
test_server_error (void)
{
  Fault f = { .body = "{\"error\":\"internal\",\"error_description\":\"boom\"}", .status = 500 };
  Rig rig;
  rig_start (&rig, &f);
  g_autoptr (GError) error = roaming_error (&rig, NULL);
  g_assert_error (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "boom"));

  f.status = 429;
  g_autoptr (GError) busy = roaming_error (&rig, NULL);
  g_assert_error (busy, AC_CLIENT_ERROR, AC_CLIENT_ERROR_SERVER);

  f.status = 400;
  f.body = "{\"error\":\"service open exception\",\"error_description\":\"this appKey not open message roaming\"}";
  g_autoptr (GError) closed = roaming_error (&rig, NULL);
  g_assert_error (closed, AC_CLIENT_ERROR, AC_CLIENT_ERROR_NOT_SUPPORTED);
  rig_stop (&rig);
}

static void
test_stall_times_out (void)
{
  Fault f = { .stall = TRUE };
  Rig rig;
  rig_start (&rig, &f);
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = roaming_error (&rig, NULL);
  g_assert_error (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_NETWORK);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  rig_stop (&rig);
}

static void
test_truncated_protobuf_dropped (void)
{
  /* The golden vector of protocol reference §4.3, once whole, once cut short,
   * once not base64 at all: the good one survives, the others are dropped. */
  Fault f = { .status = 200, .body =
    "{\"data\":{\"msgs\":["
    "{\"msg\":\"COWA4JPGtNDTEBIqCglvcmcxI2FwcDESA2JvYhoLZWFzZW1vYi5jb20iC3dlYmltX3dlYl8xGh8KCW9yZzEjYXBwMRIFYWxpY2UaC2Vhc2Vtb2IuY29tIIDQlf+8MSgBMiMIARIFEgNib2IaBxIFYWxpY2UiDwgAEgtoZWxsbyBhbGljZQ==\"},"
    "{\"msg\":\"COWA4JPGtNDTEBIqCglvcmcxI2FwcDESA2JvYhoLZWFz\"},"
    "{\"msg\":\"%%% not base64 %%%\"},{\"nomsg\":1},7],"
    "\"next_key\":\"undefined\",\"is_last\":true}}" };
  Rig rig;
  rig_start (&rig, &f);
  AcRoamingPage *page = NULL;
  g_autoptr (GError) error = roaming_error (&rig, &page);
  g_assert_no_error (error);
  g_assert_cmpuint (page->messages->len, ==, 1);
  AcMessage *m = page->messages->pdata[0];
  g_assert_cmpstr (m->text, ==, "hello alice");
  g_assert_cmpuint (m->id, ==, G_GUINT64_CONSTANT (1200000000000000101));
  g_assert_true (page->is_last);
  g_assert_cmpuint (page->next_key, ==, 0);
  ac_roaming_page_free (page);
  rig_stop (&rig);
}

static void
test_401_after_new_token_is_final (void)
{
  /* Always 401: exactly one re-sign-in, then the request fails as an
   * authentication error instead of looping. */
  Fault f = { .status = 401, .body =
    "{\"error\":\"unauthorized\",\"exception\":\"EasemobSecurityException\","
    "\"error_description\":\"Unable to authenticate (OAuth)\"}" };
  Rig rig;
  rig_start (&rig, &f);
  g_autoptr (GError) error = roaming_error (&rig, NULL);
  g_assert_error (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_AUTH_FAILED);
  g_assert_cmpuint (f.token_hits, ==, 1);
  g_assert_cmpuint (f.hits, ==, 2);
  g_assert_cmpuint (ac_http_get_reauth_count (rig.http), ==, 1);
  rig_stop (&rig);
}

static void
test_legacy_conversation_list (void)
{
  Fault f = { .no_paged = TRUE, .status = 200, .body =
    "{\"data\":{\"channel_infos\":["
    "{\"channel_id\":\"org1#app1_bob@easemob.com\",\"unread_num\":2,\"meta\":{}},"
    "{\"channel_id\":\"org1#app1_42@conference.easemob.com\",\"unread_num\":0},"
    "{\"channel_id\":\"@@@\"},{\"nothing\":1},\"junk\"]}}" };
  Rig rig;
  rig_start (&rig, &f);
  GAsyncResult *result = NULL;
  ac_api_list_conversations_async (rig.api, 20, NULL, NULL, NULL, got, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_autoptr (GError) error = NULL;
  gboolean legacy = FALSE;
  g_autoptr (GPtrArray) convs = ac_api_list_conversations_finish (rig.api, result, &legacy, &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_true (legacy);
  g_assert_cmpuint (f.hits, ==, 2);
  g_assert_cmpuint (convs->len, ==, 2);
  AcConversation *bob = convs->pdata[0], *grp = convs->pdata[1];
  g_assert_cmpstr (bob->id, ==, "bob");
  g_assert_false (bob->is_group);
  g_assert_cmpuint (bob->unread, ==, 2);
  g_assert_null (bob->last);
  g_assert_cmpstr (grp->id, ==, "42");
  g_assert_true (grp->is_group);
  rig_stop (&rig);
}

static void
test_cancel_all (void)
{
  Fault f = { .stall = TRUE };
  Rig rig;
  rig_start (&rig, &f);
  GAsyncResult *result = NULL;
  ac_api_roaming_async (rig.api, "bob", FALSE, 0, 20, FALSE, NULL, got, &result);
  ac_http_cancel_all (rig.http);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_null (ac_api_roaming_finish (rig.api, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (result);
  rig_stop (&rig);
}

/* Four requests in flight reach the server at once, each on a connection
 * of its own (libsoup's default of two per host held the others back). */
static void
test_four_in_flight (void)
{
  Fault f = { .stall = TRUE };
  Rig rig;
  rig_start (&rig, &f);
  ac_http_set_timeout (rig.http, 30);
  GAsyncResult *results[4] = { NULL };
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    ac_api_roaming_async (rig.api, "bob", FALSE, 0, 20, FALSE, NULL, got, &results[i]);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (f.hits < G_N_ELEMENTS (results) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f.hits, ==, G_N_ELEMENTS (results));
  ac_http_cancel_all (rig.http);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      while (results[i] == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_autoptr (GError) error = NULL;
      g_assert_null (ac_api_roaming_finish (rig.api, results[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_object_unref (results[i]);
    }
  rig_stop (&rig);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_add_func ("/http-faults/garbage-json", test_garbage_json);
  g_test_add_func ("/http-faults/json-of-wrong-shape", test_json_of_wrong_shape);
  g_test_add_func ("/http-faults/server-error", test_server_error);
  g_test_add_func ("/http-faults/stall-times-out", test_stall_times_out);
  g_test_add_func ("/http-faults/truncated-protobuf-dropped", test_truncated_protobuf_dropped);
  g_test_add_func ("/http-faults/401-after-new-token-is-final", test_401_after_new_token_is_final);
  g_test_add_func ("/http-faults/legacy-conversation-list", test_legacy_conversation_list);
  g_test_add_func ("/http-faults/cancel-all", test_cancel_all);
  g_test_add_func ("/http-faults/four-in-flight", test_four_in_flight);
  return g_test_run ();
}
