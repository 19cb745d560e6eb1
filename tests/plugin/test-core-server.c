/* plugin/core against the real local server: sign-in and its errors,
 * discovery, the conversation list, history pages, the back-fill engine and
 * the 401 → one re-sign-in → replay rule. */
#include "ac-api.h"
#include "ac-backfill.h"
#include "ac-client-error.h"
#include "local-server.h"

#include <glib/gstdio.h>

static GString *
seed_with_messages (guint n_chat, guint64 base_age_ms)
{
  GString *s = g_string_new (
    "{\"users\":[{\"username\":\"alice\",\"password\":\"pw-a\",\"nickname\":\"Alice A\"},"
    "{\"username\":\"bob\",\"password\":\"pw-b\",\"nickname\":\"Bobby\"},"
    "{\"username\":\"carol\",\"password\":\"pw-c\"}],"
    "\"groups\":[{\"ref\":\"g1\",\"groupname\":\"Team\",\"owner\":\"alice\",\"members\":[\"bob\",\"carol\"]}],"
    "\"messages\":[");
  for (guint i = 0; i < n_chat; i++)
    g_string_append_printf (s, "%s{\"from\":\"%s\",\"to\":\"%s\",\"type\":\"chat\",\"age_ms\":%" G_GUINT64_FORMAT
                            ",\"body\":{\"type\":\"txt\",\"msg\":\"chat %u\"}}",
                            i ? "," : "", i % 3 == 2 ? "alice" : "bob", i % 3 == 2 ? "bob" : "alice",
                            base_age_ms - i * 10, i);
  g_string_append (s, ",{\"from\":\"carol\",\"to\":\"g1\",\"type\":\"groupchat\",\"age_ms\":500,"
                      "\"body\":{\"type\":\"txt\",\"msg\":\"team hello\"}}]}");
  return s;
}

typedef struct {
  GAsyncResult *result;
} Waiter;

static void
got_result (GObject *source, GAsyncResult *result, gpointer data)
{
  Waiter *w = data;
  w->result = g_object_ref (result);
}

static GAsyncResult *
run_until_done (Waiter *w)
{
  while (w->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return w->result;
}

static AcApi *
make_api (LocalServer *srv, const char *user, const char *password)
{
  g_autoptr (AcHttp) http = ac_http_new (NULL, 0);
  g_autoptr (GError) error = NULL;
  AcApi *api = ac_api_new (http, "org1#app1", user, &error);
  g_assert_no_error (error);
  ac_api_set_rest_url (api, local_server_url (srv));
  ac_api_set_password (api, password);
  return api;
}

static gboolean
sign_in (AcApi *api, GError **error)
{
  Waiter w = { 0 };
  ac_api_sign_in_async (api, NULL, got_result, &w);
  gboolean ok = ac_api_sign_in_finish (api, run_until_done (&w), error);
  g_object_unref (w.result);
  return ok;
}

static void
test_sign_in_errors (void)
{
  g_autoptr (GString) seed = seed_with_messages (3, 10000);
  LocalServer *srv = local_server_start (seed->str, NULL);
  g_autoptr (GError) error = NULL;

  g_autoptr (AcApi) good = make_api (srv, "alice", "pw-a");
  g_assert_true (sign_in (good, &error));
  g_assert_no_error (error);
  g_assert_true (ac_http_has_token (ac_api_get_http (good)));

  g_autoptr (AcApi) wrong = make_api (srv, "alice", "nope");
  g_assert_false (sign_in (wrong, &error));
  g_assert_error (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "invalid password"));
  g_clear_error (&error);

  g_autoptr (AcApi) unknown = make_api (srv, "zed", "x");
  g_assert_false (sign_in (unknown, &error));
  g_assert_error (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_AUTH_FAILED);
  g_clear_error (&error);

  /* The server's log never carries the password. */
  g_assert_cmpuint (local_server_count_log (srv, "pw-a"), ==, 0);

  g_autofree char *url = g_strdup (local_server_url (srv));
  local_server_stop (srv);
  g_autoptr (AcHttp) http = ac_http_new (NULL, 0);
  g_autoptr (AcApi) gone = ac_api_new (http, "org1#app1", "alice", NULL);
  ac_api_set_rest_url (gone, url);
  ac_api_set_password (gone, "pw-a");
  g_assert_false (sign_in (gone, &error));
  g_assert_error (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_NETWORK);
  g_clear_error (&error);

  g_assert_null (ac_api_new (http, "no-hash-here", "alice", &error));
  g_assert_error (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_INVALID_ARGUMENT);
}

static void
test_discovery (void)
{
  LocalServer *srv = local_server_start (NULL, NULL);
  g_autoptr (AcHttp) http = ac_http_new (NULL, 0);
  g_autoptr (AcApi) api = ac_api_new (http, "org1#app1", "alice", NULL);
  Waiter w = { 0 };
  ac_api_discover_async (api, local_server_url (srv), NULL, got_result, &w);
  g_autofree char *rest = NULL, *ws = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (ac_api_discover_finish (api, run_until_done (&w), &rest, &ws, &error));
  g_object_unref (w.result);
  g_assert_no_error (error);
  g_assert_cmpstr (rest, ==, local_server_url (srv));
  g_autofree char *expect_ws = g_strconcat ("ws", local_server_url (srv) + 4, "/websocket", NULL);
  g_assert_cmpstr (ws, ==, expect_ws);
  local_server_stop (srv);
}

static void
test_conversations_and_pages (void)
{
  g_autoptr (GString) seed = seed_with_messages (60, 100000);
  LocalServer *srv = local_server_start (seed->str, NULL);
  g_autoptr (AcApi) api = make_api (srv, "alice", "pw-a");
  g_autoptr (GError) error = NULL;
  g_assert_true (sign_in (api, &error));

  Waiter w = { 0 };
  /* A page size of 1 makes the walk take several pages. */
  ac_api_list_conversations_async (api, 1, NULL, NULL, NULL, got_result, &w);
  gboolean legacy = TRUE;
  g_autoptr (GPtrArray) convs = ac_api_list_conversations_finish (api, run_until_done (&w), &legacy,
                                                                  &error);
  g_clear_object (&w.result);
  g_assert_no_error (error);
  g_assert_false (legacy);
  g_assert_cmpuint (convs->len, ==, 2);
  AcConversation *group = convs->pdata[0], *bob = convs->pdata[1];
  g_assert_true (group->is_group);
  g_assert_cmpstr (group->last->text, ==, "team hello");
  g_assert_false (bob->is_group);
  g_assert_cmpstr (bob->id, ==, "bob");
  g_assert_cmpstr (bob->last->text, ==, "chat 59");

  ac_api_roaming_async (api, "bob", FALSE, 0, 50, FALSE, NULL, got_result, &w);
  g_autoptr (AcRoamingPage) page = ac_api_roaming_finish (api, run_until_done (&w), &error);
  g_clear_object (&w.result);
  g_assert_no_error (error);
  g_assert_cmpuint (page->messages->len, ==, 50);
  g_assert_false (page->is_last);
  g_assert_cmpuint (page->next_key, !=, 0);
  g_assert_cmpstr (((AcMessage *) page->messages->pdata[0])->text, ==, "chat 59");

  ac_api_roaming_async (api, "bob", FALSE, page->next_key, 50, FALSE, NULL, got_result, &w);
  g_autoptr (AcRoamingPage) page2 = ac_api_roaming_finish (api, run_until_done (&w), &error);
  g_clear_object (&w.result);
  g_assert_cmpuint (page2->messages->len, ==, 10);
  g_assert_true (page2->is_last);
  g_assert_cmpuint (page2->next_key, ==, 0); /* "undefined" */
  g_assert_cmpstr (((AcMessage *) page2->messages->pdata[0])->text, ==, "chat 9");

  ac_api_joined_groups_async (api, NULL, got_result, &w);
  g_autoptr (GPtrArray) groups = ac_api_joined_groups_finish (api, run_until_done (&w), &error);
  g_clear_object (&w.result);
  g_assert_cmpuint (groups->len, ==, 1);
  g_assert_cmpstr (((AcGroupInfo *) groups->pdata[0])->name, ==, "Team");

  ac_api_group_members_async (api, group->id, NULL, got_result, &w);
  g_autoptr (GPtrArray) members = ac_api_group_members_finish (api, run_until_done (&w), &error);
  g_clear_object (&w.result);
  g_assert_cmpuint (members->len, ==, 3);
  g_assert_cmpstr (members->pdata[0], ==, "alice");

  const char *who[] = { "bob", "carol", NULL };
  ac_api_nicknames_async (api, who, NULL, got_result, &w);
  g_autoptr (GHashTable) nicks = ac_api_nicknames_finish (api, run_until_done (&w), &error);
  g_clear_object (&w.result);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (nicks, "bob"), ==, "Bobby");
  g_assert_null (g_hash_table_lookup (nicks, "carol"));
  local_server_stop (srv);
}

/* ---- back-fill ---- */

typedef struct {
  GPtrArray *messages; /* all synced ones */
  guint      signals;
  gboolean   capped;
  guint      unread;   /* the last signal's count */
} Synced;

static void
on_synced (AcBackfill *bf, const char *id, gboolean is_group, GPtrArray *msgs, gboolean capped,
           guint unread, gpointer data)
{
  Synced *s = data;
  s->signals++;
  s->capped |= capped;
  s->unread = unread;
  for (guint i = 0; i < msgs->len; i++)
    g_ptr_array_add (s->messages, ac_message_copy (msgs->pdata[i]));
}

static void
run_backfill (AcBackfill *bf, GPtrArray *convs)
{
  Waiter w = { 0 };
  g_autoptr (GError) error = NULL;
  ac_backfill_run_async (bf, convs, NULL, got_result, &w);
  g_assert_true (ac_backfill_run_finish (bf, run_until_done (&w), &error));
  g_object_unref (w.result);
}

static void
assert_time_order (GPtrArray *msgs)
{
  for (guint i = 1; i < msgs->len; i++)
    g_assert_cmpuint (((AcMessage *) msgs->pdata[i - 1])->timestamp, <=,
                      ((AcMessage *) msgs->pdata[i])->timestamp);
}

/* A signed-in alice with n_chat messages with bob on a real server, and a
 * fresh store. */
typedef struct {
  LocalServer  *srv;
  AcApi        *api;
  char         *dir;
  AcLocalStore *store;
  GPtrArray    *convs; /* bob's */
} StoreFixture;

static void
store_fixture_init (StoreFixture *f, guint n_chat)
{
  g_autoptr (GString) seed = seed_with_messages (n_chat, 1000000);
  g_autoptr (GError) error = NULL;
  f->srv = local_server_start (seed->str, NULL);
  f->api = make_api (f->srv, "alice", "pw-a");
  g_assert_true (sign_in (f->api, &error));
  f->dir = g_dir_make_tmp ("ac-bf-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (f->dir, "s.db", NULL);
  f->store = ac_local_store_open (path, &error);
  g_assert_no_error (error);
  f->convs = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_conversation_free);
  g_ptr_array_add (f->convs, ac_conversation_new ("bob", FALSE));
}

/* The same with 5 messages, synced once. */
static void
synced_once_init (StoreFixture *f)
{
  store_fixture_init (f, 5);
  g_autoptr (AcBackfill) bf = ac_backfill_new (f->api, f->store);
  run_backfill (bf, f->convs);
}

static void
store_fixture_clear (StoreFixture *f)
{
  ac_local_store_close (f->store);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_ptr_array_unref (f->convs);
  g_object_unref (f->api);
  local_server_stop (f->srv);
}

static void
test_backfill (void)
{
  StoreFixture f = { 0 };
  store_fixture_init (&f, 60);
  LocalServer *srv = f.srv;
  AcApi *api = f.api;
  AcLocalStore *store = f.store;
  g_autoptr (GError) error = NULL;
  AcBackfill *bf = ac_backfill_new (api, store);
  ac_backfill_set_latest_n (bf, 20);
  ac_backfill_set_cap (bf, 30);
  Synced s = { g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free) };
  g_signal_connect (bf, "conversation-synced", G_CALLBACK (on_synced), &s);

  g_autoptr (GPtrArray) convs = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_conversation_free);
  g_ptr_array_add (convs, ac_conversation_new ("bob", FALSE));

  /* First sync: the latest 20, in time order, no "capped" note. */
  run_backfill (bf, convs);
  g_assert_cmpuint (s.signals, ==, 1);
  g_assert_false (s.capped);
  g_assert_cmpuint (s.messages->len, ==, 20);
  assert_time_order (s.messages);
  g_assert_cmpstr (((AcMessage *) s.messages->pdata[0])->text, ==, "chat 40");
  g_assert_cmpstr (((AcMessage *) s.messages->pdata[19])->text, ==, "chat 59");
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 20);
  /* Counted with the walk's last page: the 13 of the 20 that bob sent. */
  g_assert_cmpuint (s.unread, ==, 13);
  AcSyncCursor cur;
  g_assert_true (ac_local_store_get_cursor (store, "bob", FALSE, &cur, &error));
  g_assert_cmpuint (cur.newest_id, ==, ((AcMessage *) s.messages->pdata[19])->id);
  g_assert_cmpuint (cur.oldest_id, ==, ((AcMessage *) s.messages->pdata[0])->id);
  /* Mark them shown, as the purple layer does when it writes them. */
  for (guint i = 0; i < s.messages->len; i++)
    ac_local_store_mark_shown (store, ((AcMessage *) s.messages->pdata[i])->id, NULL);

  /* Nothing new: nothing emitted. */
  g_ptr_array_set_size (s.messages, 0);
  run_backfill (bf, convs);
  g_assert_cmpuint (s.messages->len, ==, 0);
  g_assert_cmpuint (s.unread, ==, 0);

  /* 10 new while offline: exactly those 10. */
  g_autoptr (GString) more = g_string_new ("{\"messages\":[");
  for (guint i = 0; i < 10; i++)
    g_string_append_printf (more, "%s{\"from\":\"bob\",\"to\":\"alice\",\"type\":\"chat\",\"age_ms\":%u,"
                            "\"body\":{\"type\":\"txt\",\"msg\":\"new %u\"}}", i ? "," : "", 9000 - i * 10, i);
  g_string_append (more, "]}");
  g_autoptr (JsonObject) r1 = local_server_import (srv, more->str);
  run_backfill (bf, convs);
  g_assert_cmpuint (s.messages->len, ==, 10);
  g_assert_cmpuint (s.unread, ==, 10);
  g_assert_false (s.capped);
  assert_time_order (s.messages);
  g_assert_cmpstr (((AcMessage *) s.messages->pdata[0])->text, ==, "new 0");
  g_assert_cmpstr (((AcMessage *) s.messages->pdata[9])->text, ==, "new 9");
  for (guint i = 0; i < s.messages->len; i++)
    ac_local_store_mark_shown (store, ((AcMessage *) s.messages->pdata[i])->id, NULL);

  /* 70 new with the cap at 30: the newest 30 and the "capped" flag. */
  g_ptr_array_set_size (s.messages, 0);
  g_string_assign (more, "{\"messages\":[");
  for (guint i = 0; i < 70; i++)
    g_string_append_printf (more, "%s{\"from\":\"bob\",\"to\":\"alice\",\"type\":\"chat\",\"age_ms\":%u,"
                            "\"body\":{\"type\":\"txt\",\"msg\":\"burst %u\"}}", i ? "," : "", 5000 - i * 10, i);
  g_string_append (more, "]}");
  g_autoptr (JsonObject) r2 = local_server_import (srv, more->str);
  run_backfill (bf, convs);
  g_assert_true (s.capped);
  g_assert_cmpuint (s.messages->len, ==, 30);
  g_assert_cmpstr (((AcMessage *) s.messages->pdata[0])->text, ==, "burst 40");
  g_assert_cmpstr (((AcMessage *) s.messages->pdata[29])->text, ==, "burst 69");
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 60);

  /* Older history on demand after a cap: the 5 the cap skipped, just below. */
  Waiter w = { 0 };
  ac_backfill_load_older_async (bf, "bob", FALSE, 5, NULL, got_result, &w);
  g_autoptr (GPtrArray) older = ac_backfill_load_older_finish (bf, run_until_done (&w), &error);
  g_clear_object (&w.result);
  g_assert_no_error (error);
  g_assert_cmpuint (older->len, ==, 5);
  g_assert_cmpstr (((AcMessage *) older->pdata[0])->text, ==, "burst 35");
  g_assert_cmpstr (((AcMessage *) older->pdata[4])->text, ==, "burst 39");

  g_ptr_array_unref (s.messages);
  g_object_unref (bf);
  store_fixture_clear (&f);
}

/* ---- messages received live since the last sync do not count toward the cap ---- */

/* The n newest messages of alice's conversation with bob on the server,
 * newest first, as the live connection would have stored them. */
static GPtrArray *
newest_on_server (AcApi *api, guint n)
{
  Waiter w = { 0 };
  g_autoptr (GError) error = NULL;
  ac_api_roaming_async (api, "bob", FALSE, 0, n, FALSE, NULL, got_result, &w);
  AcRoamingPage *page = ac_api_roaming_finish (api, run_until_done (&w), &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  GPtrArray *msgs = g_ptr_array_ref (page->messages);
  ac_roaming_page_free (page);
  return msgs;
}

static void
import_burst (LocalServer *srv, guint n, const char *word, guint age_ms)
{
  g_autoptr (GString) more = g_string_new ("{\"messages\":[");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (more, "%s{\"from\":\"bob\",\"to\":\"alice\",\"type\":\"chat\","
                            "\"age_ms\":%u,\"body\":{\"type\":\"txt\",\"msg\":\"%s %u\"}}",
                            i ? "," : "", age_ms - i * 10, word, i);
  g_string_append (more, "]}");
  g_autoptr (JsonObject) r = local_server_import (srv, more->str);
}

static void
test_live_not_counted (void)
{
  StoreFixture f = { 0 };
  synced_once_init (&f);
  g_autoptr (GError) error = NULL;

  /* A long session: 60 arrive and are stored live (no cursor moves), then
   * 4 more while signed out.  With the cap at 10 the next sign-in walks past
   * the 60 it has to the 4 it has not, and says nothing of a cap. */
  import_burst (f.srv, 60, "live", 90000);
  g_autoptr (GPtrArray) live = newest_on_server (f.api, 50);
  g_autoptr (GPtrArray) live_rest = NULL;
  {
    Waiter w = { 0 };
    AcMessage *lowest = live->pdata[live->len - 1];
    ac_api_roaming_async (f.api, "bob", FALSE, lowest->id, 11, FALSE, NULL, got_result, &w);
    AcRoamingPage *page = ac_api_roaming_finish (f.api, run_until_done (&w), &error);
    g_object_unref (w.result);
    g_assert_no_error (error);
    live_rest = g_ptr_array_ref (page->messages);
    ac_roaming_page_free (page);
  }
  g_assert_true (ac_local_store_commit_page (f.store, "bob", FALSE, live, NULL, NULL, &error));
  g_assert_true (ac_local_store_commit_page (f.store, "bob", FALSE, live_rest, NULL, NULL, &error));
  g_assert_cmpuint (ac_local_store_count_messages (f.store, "bob", FALSE), ==, 5 + 60);
  import_burst (f.srv, 4, "offline", 80000);
  g_autoptr (GPtrArray) top = newest_on_server (f.api, 1);
  guint64 newest = ((AcMessage *) top->pdata[0])->id;

  AcBackfill *bf = ac_backfill_new (f.api, f.store);
  ac_backfill_set_cap (bf, 10);
  Synced s = { g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free) };
  g_signal_connect (bf, "conversation-synced", G_CALLBACK (on_synced), &s);
  run_backfill (bf, f.convs);
  g_assert_false (s.capped);
  g_assert_cmpuint (ac_local_store_count_messages (f.store, "bob", FALSE), ==, 5 + 60 + 4);
  AcSyncCursor cur;
  g_assert_true (ac_local_store_get_cursor (f.store, "bob", FALSE, &cur, &error));
  g_assert_cmpuint (cur.newest_id, ==, newest);
  /* Reported: everything never shown, the live ones included, once each. */
  g_assert_cmpuint (s.messages->len, ==, 60 + 4);
  assert_time_order (s.messages);
  g_ptr_array_set_size (s.messages, 0);

  /* 30 new while signed out, of which the newest 5 came live: the cap of 10
   * is reached among the 25 others, and only then is the walk capped. */
  import_burst (f.srv, 30, "later", 70000);
  g_autoptr (GPtrArray) five = newest_on_server (f.api, 5);
  g_assert_true (ac_local_store_commit_page (f.store, "bob", FALSE, five, NULL, NULL, &error));
  g_object_unref (bf);
  bf = ac_backfill_new (f.api, f.store);
  ac_backfill_set_cap (bf, 10);
  g_signal_connect (bf, "conversation-synced", G_CALLBACK (on_synced), &s);
  run_backfill (bf, f.convs);
  g_assert_true (s.capped);
  g_assert_cmpuint (ac_local_store_count_messages (f.store, "bob", FALSE), ==, 69 + 5 + 10);
  g_assert_cmpuint (s.messages->len, ==, 5 + 10);
  g_assert_cmpstr (((AcMessage *) s.messages->pdata[0])->text, ==, "later 15");
  g_assert_cmpstr (((AcMessage *) s.messages->pdata[14])->text, ==, "later 29");

  g_ptr_array_unref (s.messages);
  g_object_unref (bf);
  store_fixture_clear (&f);
}

/* ---- a walk interrupted after its first page, then run again ---- */

static void
cancel_on_first_page (AcBackfill *bf, const char *id, gboolean is_group, guint n, gpointer data)
{
  g_cancellable_cancel (data);
}

static void
test_interrupted_walk (void)
{
  StoreFixture f = { 0 };
  synced_once_init (&f);
  g_autoptr (GError) error = NULL;

  /* Synced once (5 messages), then 120 new arrive: three pages to walk. */
  import_burst (f.srv, 120, "late", 90000);

  /* Killed after the first page: that page is stored, the cursor has not moved. */
  AcSyncCursor before, after;
  g_assert_true (ac_local_store_get_cursor (f.store, "bob", FALSE, &before, &error));
  AcBackfill *bf = ac_backfill_new (f.api, f.store);
  /* Each page stored before the next is fetched, so that the cancel comes
   * between two pages (a kill can come anywhere; this is the state it leaves). */
  ac_backfill_set_queue_depth (bf, 1);
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_signal_connect (bf, "page-committed", G_CALLBACK (cancel_on_first_page), cancel);
  Waiter w = { 0 };
  ac_backfill_run_async (bf, f.convs, cancel, got_result, &w);
  g_assert_false (ac_backfill_run_finish (bf, run_until_done (&w), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&w.result);
  g_object_unref (bf);
  g_assert_cmpuint (ac_local_store_count_messages (f.store, "bob", FALSE), ==, 5 + 50);
  g_assert_true (ac_local_store_get_cursor (f.store, "bob", FALSE, &after, &error));
  g_assert_cmpuint (after.newest_id, ==, before.newest_id);

  /* Meanwhile two of the stored ones were deleted (tombstones). */
  g_autoptr (GPtrArray) stored = ac_local_store_messages (f.store, "bob", FALSE, 0, 50, &error);
  g_assert_no_error (error);
  guint64 gone[2] = { ((AcMessage *) stored->pdata[0])->id, ((AcMessage *) stored->pdata[1])->id };
  g_assert_true (ac_local_store_delete_ids (f.store, "bob", FALSE, gone, 2, NULL, &error));

  /* Started again: every message present once, none missing, all reported
   * but the deleted ones, which the walk meets again and must not bring back. */
  bf = ac_backfill_new (f.api, f.store);
  Synced s = { g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free) };
  g_signal_connect (bf, "conversation-synced", G_CALLBACK (on_synced), &s);
  run_backfill (bf, f.convs);
  g_assert_cmpuint (ac_local_store_count_messages (f.store, "bob", FALSE), ==, 5 + 120 - 2);
  /* The new ones, also those the interrupted walk stored but never reported. */
  g_assert_cmpuint (s.messages->len, ==, 120 - 2);
  for (guint i = 0; i < s.messages->len; i++)
    {
      g_assert_cmpuint (((AcMessage *) s.messages->pdata[i])->id, !=, gone[0]);
      g_assert_cmpuint (((AcMessage *) s.messages->pdata[i])->id, !=, gone[1]);
    }
  assert_time_order (s.messages);
  g_autoptr (GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < s.messages->len; i++)
    g_assert_true (g_hash_table_add (ids, &((AcMessage *) s.messages->pdata[i])->id));
  g_assert_cmpstr (((AcMessage *) s.messages->pdata[s.messages->len - 1])->text, ==, "late 119");
  g_assert_true (ac_local_store_get_cursor (f.store, "bob", FALSE, &after, &error));
  g_assert_cmpuint (after.newest_id, ==, ((AcMessage *) s.messages->pdata[s.messages->len - 1])->id);
  g_hash_table_unref (g_steal_pointer (&ids));
  g_ptr_array_unref (s.messages);
  g_object_unref (bf);
  store_fixture_clear (&f);
}

/* ---- a run fed as the conversation list comes in ---- */

static void
test_open_run (void)
{
  StoreFixture f = { 0 };
  store_fixture_init (&f, 12);
  g_autoptr (GError) error = NULL;
  g_autoptr (AcBackfill) bf = ac_backfill_new (f.api, f.store);
  Synced s = { g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free) };
  g_signal_connect (bf, "conversation-synced", G_CALLBACK (on_synced), &s);

  Waiter w = { 0 };
  ac_backfill_run_open_async (bf, NULL, got_result, &w);
  ac_backfill_run_add (bf, f.convs); /* bob */
  /* bob's walk ends; the run does not: more may come. */
  while (s.signals < 1)
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (w.result);
  g_assert_cmpuint (s.messages->len, ==, 12);

  g_autoptr (GPtrArray) second = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_conversation_free);
  g_ptr_array_add (second, ac_conversation_new ("carol", FALSE)); /* nothing with carol yet */
  ac_backfill_run_add (bf, second);
  ac_backfill_run_close (bf);
  g_assert_true (ac_backfill_run_finish (bf, run_until_done (&w), &error));
  g_assert_no_error (error);
  g_object_unref (w.result);
  g_assert_cmpuint (s.signals, ==, 2);
  g_assert_cmpuint (s.messages->len, ==, 12);

  /* Closed with nothing left to walk: it finishes at once. */
  Waiter w2 = { 0 };
  ac_backfill_run_open_async (bf, NULL, got_result, &w2);
  ac_backfill_run_close (bf);
  g_assert_true (ac_backfill_run_finish (bf, run_until_done (&w2), &error));
  g_object_unref (w2.result);

  g_ptr_array_unref (s.messages);
  g_clear_object (&bf); /* before the store it uses */
  store_fixture_clear (&f);
}

/* ---- 401 → exactly one re-sign-in, every waiting request replayed ---- */

static void
test_expired_token (void)
{
  g_autoptr (GString) seed = seed_with_messages (30, 100000);
  const char *extra[] = { "--token-ttl", "1", NULL };
  LocalServer *srv = local_server_start (seed->str, extra);
  g_autoptr (AcApi) api = make_api (srv, "alice", "pw-a");
  g_autoptr (GError) error = NULL;
  g_assert_true (sign_in (api, &error));
  g_usleep (1500 * G_TIME_SPAN_MILLISECOND);

  enum { N = 6 };
  Waiter w[N] = { 0 };
  for (guint i = 0; i < N; i++)
    ac_api_roaming_async (api, "bob", FALSE, 0, 10, FALSE, NULL, got_result, &w[i]);
  for (guint i = 0; i < N; i++)
    {
      g_autoptr (AcRoamingPage) page = ac_api_roaming_finish (api, run_until_done (&w[i]), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->messages->len, ==, 10);
      g_object_unref (w[i].result);
    }
  g_assert_cmpuint (ac_http_get_reauth_count (ac_api_get_http (api)), ==, 1);
  g_assert_cmpuint (local_server_count_log (srv, "POST /org1/app1/token 200"), ==, 2);
  local_server_stop (srv);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_add_func ("/core-server/sign-in-errors", test_sign_in_errors);
  g_test_add_func ("/core-server/discovery", test_discovery);
  g_test_add_func ("/core-server/conversations-and-pages", test_conversations_and_pages);
  g_test_add_func ("/core-server/backfill", test_backfill);
  g_test_add_func ("/core-server/interrupted-walk", test_interrupted_walk);
  g_test_add_func ("/core-server/live-not-counted", test_live_not_counted);
  g_test_add_func ("/core-server/open-run", test_open_run);
  g_test_add_func ("/core-server/expired-token", test_expired_token);
  return g_test_run ();
}
