/* Live messaging end to end: the headless libpurple client (real plugin)
 * and the official Web SDK in Node (live-sdk-peer.mjs) chat through the
 * real local server over MSYNC.  One scenario per process. */
#include "purple-harness.h"
#include "server-history.h"
#include "local-server.h"
#include "live-peer.h"
#include "ac-local-store.h"

#include <signal.h>

#define SEED "{\"users\":[{\"username\":\"alice\",\"password\":\"pw-a\"}," \
             "{\"username\":\"bob\",\"password\":\"pw-b\"},{\"username\":\"carol\",\"password\":\"pw-c\"}]," \
             "\"groups\":[{\"ref\":\"g1\",\"groupname\":\"Live\",\"owner\":\"alice\",\"members\":[\"bob\"]}," \
             "{\"ref\":\"g2\",\"groupname\":\"Closed\",\"owner\":\"bob\",\"members\":[]}," \
             "{\"ref\":\"g3\",\"groupname\":\"Bob's\",\"owner\":\"bob\",\"members\":[\"alice\"]}]}"

static guint live_connects, caught_up, acks, failures, remote_deleted;
static char *last_failure;
static int handle;

static void on_live_connected (PurpleConnection *gc, gpointer d) { live_connects++; }
static void on_caught_up (PurpleConnection *gc, gpointer d) { caught_up++; }
static void on_sent (PurpleConnection *gc, const char *conv, const char *id, gpointer d) { acks++; }
static void
on_failed (PurpleConnection *gc, const char *conv, const char *reason, gpointer d)
{
  failures++;
  g_free (last_failure);
  last_failure = g_strdup (reason);
}
static void on_remote_deleted (PurpleConnection *gc, const char *conv, guint n, gpointer d) { remote_deleted += n; }

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until *counter >= n or timeout. */
static gboolean
wait_count (const guint *counter, guint n, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (50, wake, NULL);
  while (*counter < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return *counter >= n;
}

static void
spin (guint ms)
{
  guint zero = 0;
  wait_count (&zero, 1, ms);
}

static void
hook_signals (void)
{
  PurplePlugin *prpl = purple_plugins_find_with_id ("prpl-agorachat");
  purple_signal_connect (prpl, "agorachat-live-connected", &handle, PURPLE_CALLBACK (on_live_connected), NULL);
  purple_signal_connect (prpl, "agorachat-live-caught-up", &handle, PURPLE_CALLBACK (on_caught_up), NULL);
  purple_signal_connect (prpl, "agorachat-message-sent", &handle, PURPLE_CALLBACK (on_sent), NULL);
  purple_signal_connect (prpl, "agorachat-send-failed", &handle, PURPLE_CALLBACK (on_failed), NULL);
  purple_signal_connect (prpl, "agorachat-remote-deleted", &handle, PURPLE_CALLBACK (on_remote_deleted), NULL);
}

static PurpleAccount *
live_account (LocalServer *srv)
{
  PurpleAccount *acc = harness_account ("alice", "pw-a", local_server_url (srv));
  /* Fast reconnects and heartbeats for tests; the defaults are the SDK's. */
  purple_account_set_int (acc, "msync_backoff_ms", 200);
  purple_account_set_int (acc, "msync_heartbeat_ms", 2000);
  return acc;
}

static void
connect_live (PurpleAccount *acc)
{
  guint before = live_connects;
  g_assert_true (harness_connect (acc, NULL, NULL));
  g_assert_true (wait_count (&live_connects, before + 1, 15000));
}

static void
peer_login (LivePeer *peer, const char *user, const char *password, const char *device)
{
  g_autofree char *cmd = g_strdup_printf ("{\"cmd\":\"login\",\"user\":\"%s\",\"password\":\"%s\","
                                          "\"device\":\"%s\"}", user, password, device);
  live_peer_command (peer, cmd);
  g_assert_nonnull (live_peer_wait (peer, "ready", 20000));
}

static void
peer_send (LivePeer *peer, const char *to, gboolean group, const char *text)
{
  g_autofree char *cmd = g_strdup_printf ("{\"cmd\":\"send\",\"to\":\"%s\",\"group\":%s,\"text\":\"%s\"}",
                                          to, group ? "true" : "false", text);
  live_peer_command (peer, cmd);
  JsonObject *r = live_peer_wait (peer, "sent", 20000);
  g_assert_nonnull (r);
}

/* The texts of a window's lines with `flag`, oldest first. */
static GPtrArray *
lines_with (PurpleConversation *conv, PurpleMessageFlags flag)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GList) lines = harness_history (conv);
  for (GList *l = lines; l != NULL; l = l->next)
    if (purple_conversation_message_get_flags (l->data) & flag)
      g_ptr_array_add (out, g_strdup (purple_conversation_message_get_message (l->data)));
  return out;
}

static AcLocalStore *
plugin_store (void)
{
  g_autofree char *name = g_strdup (purple_escape_filename ("alice@org1#app1"));
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  g_autofree char *path = g_build_filename (purple_user_dir (), "agorachat", file, NULL);
  g_autoptr (GError) error = NULL;
  AcLocalStore *store = ac_local_store_open (path, &error);
  g_assert_no_error (error);
  return store;
}

/* Texts received by the SDK peer, in order. */
static GPtrArray *
peer_texts (LivePeer *peer, const char *prefix)
{
  GPtrArray *out = g_ptr_array_new ();
  GPtrArray *msgs = live_peer_messages (peer);
  for (guint i = 0; i < msgs->len; i++)
    {
      const char *t = json_object_get_string_member_with_default (msgs->pdata[i], "text", "");
      if (g_str_has_prefix (t, prefix))
        g_ptr_array_add (out, (gpointer) t);
    }
  return out;
}

static void
assert_sequence (GPtrArray *texts, const char *prefix, guint from, guint n)
{
  g_assert_cmpuint (texts->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *want = g_strdup_printf ("%s%u", prefix, from + i);
      g_assert_cmpstr (texts->pdata[i], ==, want);
    }
}

static void
plugin_send_im (PurpleAccount *acc, const char *to, const char *text)
{
  PurpleConversation *conv = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, to, acc);
  if (conv == NULL)
    conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, to);
  purple_conv_im_send (PURPLE_CONV_IM (conv), text);
}

static PurpleConversation *
open_chat (PurpleAccount *acc, const char *gid)
{
  GHashTable *comp = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (comp, g_strdup ("group_id"), g_strdup (gid));
  serv_join_chat (purple_account_get_connection (acc), comp);
  g_hash_table_unref (comp);
  PurpleConversation *conv = purple_find_conversation_with_account (PURPLE_CONV_TYPE_CHAT, gid, acc);
  g_assert_nonnull (conv);
  return conv;
}

static void
setup (LocalServer **srv, PurpleAccount **acc, JsonObject **groups)
{
  *srv = local_server_start (NULL, NULL);
  g_autoptr (JsonObject) r = local_server_import (*srv, SEED);
  JsonObject *data = json_object_get_object_member (r, "data");
  *groups = json_object_ref (json_object_get_object_member (data, "groups"));
  harness_init ();
  hook_signals ();
  *acc = live_account (*srv);
}

static void
teardown (LocalServer *srv, LivePeer *peer, JsonObject *groups)
{
  live_peer_stop (peer);
  purple_signals_disconnect_by_handle (&handle);
  harness_quit ();
  local_server_stop (srv);
  json_object_unref (groups);
  g_clear_pointer (&last_failure, g_free);
}

/* Both directions, one-to-one and group, ordering and exactly-once on both sides. */
static void
test_both_ways (void)
{
  LocalServer *srv;
  PurpleAccount *acc;
  JsonObject *groups;
  setup (&srv, &acc, &groups);
  const char *g1 = json_object_get_string_member (groups, "g1");
  connect_live (acc);
  LivePeer *bob = live_peer_start (local_server_url (srv));
  peer_login (bob, "bob", "pw-b", "bobdev");

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *t = g_strdup_printf ("a2b-%u", i);
      plugin_send_im (acc, "bob", t);
    }
  g_assert_true (wait_count (&acks, 20, 20000));
  g_assert_true (live_peer_wait_messages (bob, 20, 20000));
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *t = g_strdup_printf ("b2a-%u", i);
      peer_send (bob, "alice", FALSE, t);
    }
  PurpleConversation *im = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, "bob", acc);
  g_assert_nonnull (im);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  g_autoptr (GPtrArray) recv = NULL;
  do
    {
      spin (100);
      g_clear_pointer (&recv, g_ptr_array_unref);
      recv = lines_with (im, PURPLE_MESSAGE_RECV);
    }
  while (recv->len < 20 && g_get_monotonic_time () < deadline);
  spin (500); /* a duplicate would show up now */
  g_clear_pointer (&recv, g_ptr_array_unref);
  recv = lines_with (im, PURPLE_MESSAGE_RECV);
  assert_sequence (recv, "b2a-", 0, 20);
  g_autoptr (GPtrArray) at_bob = peer_texts (bob, "a2b-");
  assert_sequence (at_bob, "a2b-", 0, 20);
  /* Sender names and server times. */
  g_autoptr (GList) lines = harness_history (im);
  for (GList *l = lines; l != NULL; l = l->next)
    if (purple_conversation_message_get_flags (l->data) & PURPLE_MESSAGE_RECV)
      {
        g_assert_cmpstr (purple_conversation_message_get_sender (l->data), ==, "bob");
        g_assert_cmpint (labs ((long) (purple_conversation_message_get_timestamp (l->data) - time (NULL))), <, 60);
      }

  /* Group: five each way. */
  PurpleConversation *chat = open_chat (acc, g1);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *t = g_strdup_printf ("ga-%u", i);
      purple_conv_chat_send (PURPLE_CONV_CHAT (chat), t);
    }
  g_assert_true (wait_count (&acks, 25, 20000));
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *t = g_strdup_printf ("gb-%u", i);
      peer_send (bob, g1, TRUE, t);
    }
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  g_autoptr (GPtrArray) grecv = NULL;
  do
    {
      spin (100);
      g_clear_pointer (&grecv, g_ptr_array_unref);
      grecv = lines_with (chat, PURPLE_MESSAGE_RECV);
    }
  while (grecv->len < 5 && g_get_monotonic_time () < deadline);
  spin (500);
  g_clear_pointer (&grecv, g_ptr_array_unref);
  grecv = lines_with (chat, PURPLE_MESSAGE_RECV);
  assert_sequence (grecv, "gb-", 0, 5);
  g_autoptr (GPtrArray) gsent = lines_with (chat, PURPLE_MESSAGE_SEND);
  assert_sequence (gsent, "ga-", 0, 5);
  g_assert_true (live_peer_wait_messages (bob, 25, 20000));
  g_autoptr (GPtrArray) g_at_bob = peer_texts (bob, "ga-");
  assert_sequence (g_at_bob, "ga-", 0, 5);

  /* The store holds each message once: 40 one-to-one, 10 in the group. */
  g_autoptr (AcLocalStore) store = plugin_store ();
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 40);
  g_assert_cmpuint (ac_local_store_count_messages (store, g1, TRUE), ==, 10);
  g_assert_cmpuint (failures, ==, 0);
  teardown (srv, bob, groups);
}

/* bob, signed in with the SDK, writes "off-0" .. "off-9" to alice, who is offline. */
static LivePeer *
bob_writes_offline (LocalServer *srv)
{
  LivePeer *bob = live_peer_start (local_server_url (srv));
  peer_login (bob, "bob", "pw-b", "bobdev");
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *t = g_strdup_printf ("off-%u", i);
      peer_send (bob, "alice", FALSE, t);
    }
  return bob;
}

/* Messages sent while the other side was offline, both ways; the plugin's
 * offline messages arrive through its MSYNC offline queue and through the
 * back-fill at once: shown and stored once. */
static void
test_offline (void)
{
  LocalServer *srv;
  PurpleAccount *acc;
  JsonObject *groups;
  setup (&srv, &acc, &groups);
  LivePeer *bob = bob_writes_offline (srv);
  connect_live (acc);
  PurpleConversation *im = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, "bob", acc);
  if (im == NULL)
    im = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");
  spin (1500);
  g_autoptr (GPtrArray) got = lines_with (im, PURPLE_MESSAGE_RECV);
  assert_sequence (got, "off-", 0, 10);
  g_autoptr (AcLocalStore) store = plugin_store ();
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 10);

  /* Now bob is offline and alice writes. */
  live_peer_stop (bob);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *t = g_strdup_printf ("back-%u", i);
      plugin_send_im (acc, "bob", t);
    }
  g_assert_true (wait_count (&acks, 10, 20000));
  bob = live_peer_start (local_server_url (srv));
  peer_login (bob, "bob", "pw-b", "bobdev");
  g_assert_true (live_peer_wait_messages (bob, 10, 20000));
  spin (800);
  g_autoptr (GPtrArray) at_bob = peer_texts (bob, "back-");
  assert_sequence (at_bob, "back-", 0, 10);
  teardown (srv, bob, groups);
}

/* A live message opens the window while the store already holds later ones
 * that no window showed (a back-fill's pages, stored meanwhile): the window
 * shows them in time order, the live one first, each once. */
static void
test_opening_order (void)
{
  LocalServer *srv;
  PurpleAccount *acc;
  JsonObject *groups;
  setup (&srv, &acc, &groups);
  purple_account_set_string (acc, "history_on_signin", "none"); /* the store is set up below */
  LivePeer *bob = bob_writes_offline (srv);
  {
    g_autoptr (GPtrArray) later = server_history (local_server_url (srv), "alice", "pw-a", "bob", 9);
    g_assert_cmpuint (later->len, ==, 9); /* off-1 .. off-9 */
    g_autofree char *dir = g_build_filename (purple_user_dir (), "agorachat", NULL);
    g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
    g_autoptr (AcLocalStore) store = plugin_store ();
    g_autoptr (GError) error = NULL;
    g_assert_true (ac_local_store_commit_page (store, "bob", FALSE, later, NULL, NULL, &error));
  }
  connect_live (acc);
  spin (1500);
  PurpleConversation *im = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, "bob", acc);
  g_assert_nonnull (im);
  g_autoptr (GPtrArray) got = lines_with (im, PURPLE_MESSAGE_RECV);
  assert_sequence (got, "off-", 0, 10);
  teardown (srv, bob, groups);
}

/* The server killed and restarted mid-conversation: both reconnect and
 * nothing is lost or doubled, including what bob sent before alice was back. */
static void
test_server_restart (void)
{
  LocalServer *srv;
  PurpleAccount *acc;
  JsonObject *groups;
  setup (&srv, &acc, &groups);
  purple_account_set_int (acc, "msync_backoff_ms", 2500);
  connect_live (acc);
  LivePeer *bob = live_peer_start (local_server_url (srv));
  peer_login (bob, "bob", "pw-b", "bobdev");
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *a = g_strdup_printf ("r-a-%u", i);
      g_autofree char *b = g_strdup_printf ("r-b-%u", i);
      plugin_send_im (acc, "bob", a);
      peer_send (bob, "alice", FALSE, b);
    }
  g_assert_true (wait_count (&acks, 5, 20000));
  g_assert_true (live_peer_wait_messages (bob, 5, 20000));

  local_server_kill (srv);
  local_server_restart (srv);
  /* Bob is back first (alice waits out her backoff) and writes.  His first
   * session's messages by id: the server may deliver again what that
   * session had not acked when the server died (at least once), and a new
   * SDK process has no memory of it; the SDK's side is checked by id. */
  g_autoptr (GHashTable) seen_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) at_bob = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *first = live_peer_messages (bob);
  for (guint i = 0; i < first->len; i++)
    {
      const char *t = json_object_get_string_member_with_default (first->pdata[i], "text", "");
      const char *id = json_object_get_string_member_with_default (first->pdata[i], "id", "");
      g_assert_false (g_hash_table_contains (seen_ids, id)); /* once within a session */
      g_hash_table_add (seen_ids, g_strdup (id));
      if (g_str_has_prefix (t, "r-a-"))
        g_ptr_array_add (at_bob, g_strdup (t));
    }
  live_peer_stop (bob);
  bob = live_peer_start (local_server_url (srv));
  peer_login (bob, "bob", "pw-b", "bobdev");
  for (guint i = 5; i < 8; i++)
    {
      g_autofree char *b = g_strdup_printf ("r-b-%u", i);
      peer_send (bob, "alice", FALSE, b);
    }
  g_assert_true (wait_count (&live_connects, 2, 30000));
  for (guint i = 5; i < 10; i++)
    {
      g_autofree char *a = g_strdup_printf ("r-a-%u", i);
      plugin_send_im (acc, "bob", a);
    }
  for (guint i = 8; i < 10; i++)
    {
      g_autofree char *b = g_strdup_printf ("r-b-%u", i);
      peer_send (bob, "alice", FALSE, b);
    }
  g_assert_true (wait_count (&acks, 10, 20000));
  g_assert_true (live_peer_wait_messages (bob, 5, 20000));
  wait_count (&caught_up, 1, 10000);
  spin (1000);
  PurpleConversation *im = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, "bob", acc);
  g_autoptr (GPtrArray) got = lines_with (im, PURPLE_MESSAGE_RECV);
  assert_sequence (got, "r-b-", 0, 10);
  GPtrArray *second = live_peer_messages (bob);
  g_autoptr (GHashTable) second_ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < second->len; i++)
    {
      const char *t = json_object_get_string_member_with_default (second->pdata[i], "text", "");
      const char *id = json_object_get_string_member_with_default (second->pdata[i], "id", "");
      g_assert_false (g_hash_table_contains (second_ids, id));
      g_hash_table_add (second_ids, (gpointer) id);
      if (g_str_has_prefix (t, "r-a-") && !g_hash_table_contains (seen_ids, id))
        g_ptr_array_add (at_bob, g_strdup (t));
    }
  assert_sequence (at_bob, "r-a-", 0, 10);
  g_autoptr (AcLocalStore) store = plugin_store ();
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 20);
  g_assert_cmpuint (failures, ==, 0);
  teardown (srv, bob, groups);
}

/* A deletion made with the SDK as alice on another device disappears from
 * the plugin's store and open window. */
static void
test_remote_delete (void)
{
  LocalServer *srv;
  PurpleAccount *acc;
  JsonObject *groups;
  setup (&srv, &acc, &groups);
  connect_live (acc);
  LivePeer *bob = live_peer_start (local_server_url (srv));
  peer_login (bob, "bob", "pw-b", "bobdev");
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *t = g_strdup_printf ("del-%u", i);
      peer_send (bob, "alice", FALSE, t);
    }
  PurpleConversation *im = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  g_autoptr (GPtrArray) got = NULL;
  do
    {
      spin (100);
      im = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, "bob", acc);
      g_clear_pointer (&got, g_ptr_array_unref);
      got = im != NULL ? lines_with (im, PURPLE_MESSAGE_RECV) : g_ptr_array_new ();
    }
  while (got->len < 5 && g_get_monotonic_time () < deadline);
  g_assert_cmpuint (got->len, ==, 5);

  g_autoptr (AcLocalStore) store = plugin_store ();
  g_autoptr (GPtrArray) stored = ac_local_store_messages (store, "bob", FALSE, 0, 10, NULL);
  g_assert_cmpuint (stored->len, ==, 5);
  const AcMessage *m1 = stored->pdata[1], *m3 = stored->pdata[3];
  LivePeer *alice2 = live_peer_start (local_server_url (srv));
  peer_login (alice2, "alice", "pw-a", "alicephone");
  g_autofree char *cmd = g_strdup_printf ("{\"cmd\":\"delete\",\"peer\":\"bob\",\"ids\":[\"%" G_GUINT64_FORMAT
                                          "\",\"%" G_GUINT64_FORMAT "\"]}", m1->id, m3->id);
  live_peer_command (alice2, cmd);
  g_assert_nonnull (live_peer_wait (alice2, "deleted", 20000));
  g_assert_true (wait_count (&remote_deleted, 2, 15000));
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 3);
  g_autoptr (GPtrArray) left = lines_with (im, PURPLE_MESSAGE_RECV);
  g_assert_cmpuint (left->len, ==, 3);
  g_assert_cmpstr (left->pdata[0], ==, "del-0");
  g_assert_cmpstr (left->pdata[1], ==, "del-2");
  g_assert_cmpstr (left->pdata[2], ==, "del-4");
  g_autoptr (GPtrArray) sys = lines_with (im, PURPLE_MESSAGE_SYSTEM);
  g_assert_cmpuint (sys->len, >=, 1);
  g_assert_nonnull (strstr (sys->pdata[sys->len - 1], "2 messages were deleted"));
  live_peer_stop (alice2);
  teardown (srv, bob, groups);
}

/* A refusal (not a member) and a missing ack (server stopped) each give a
 * "message failed" line with the reason. */
static void
test_failures (void)
{
  LocalServer *srv;
  PurpleAccount *acc;
  JsonObject *groups;
  setup (&srv, &acc, &groups);
  purple_account_set_int (acc, "msync_ack_timeout_ms", 1500);
  connect_live (acc);
  PurpleConversation *chat = open_chat (acc, json_object_get_string_member (groups, "g2"));
  purple_conv_chat_send (PURPLE_CONV_CHAT (chat), "not allowed");
  g_assert_true (wait_count (&failures, 1, 15000));
  g_assert_nonnull (strstr (last_failure, "refused") != NULL || strstr (last_failure, "member") != NULL
                    ? last_failure : NULL);
  g_autoptr (GPtrArray) errs = lines_with (chat, PURPLE_MESSAGE_ERROR);
  g_assert_cmpuint (errs->len, ==, 1);
  g_assert_nonnull (strstr (errs->pdata[0], "could not be sent"));
  g_assert_nonnull (strstr (errs->pdata[0], "not allowed"));

  /* Returns once the server is stopped: sent earlier, the message could still be acked. */
  local_server_signal (srv, SIGSTOP);
  plugin_send_im (acc, "bob", "into the void");
  g_assert_true (wait_count (&failures, 2, 15000));
  g_assert_nonnull (strstr (last_failure, "did not confirm"));
  g_assert_cmpuint (acks, ==, 0);
  PurpleConversation *im = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, "bob", acc);
  g_autoptr (GPtrArray) im_errs = lines_with (im, PURPLE_MESSAGE_ERROR);
  g_assert_cmpuint (im_errs->len, ==, 1);
  local_server_signal (srv, SIGCONT);
  /* The socket that swallowed it is replaced. */
  g_assert_true (wait_count (&live_connects, 2, 20000));
  plugin_send_im (acc, "bob", "after the stall");
  g_assert_true (wait_count (&acks, 1, 15000));
  LivePeer *none = NULL;
  teardown (srv, none, groups);
}

/* Signed in elsewhere with the same resource: a clear error, no reconnect loop. */
static void
test_kick (void)
{
  LocalServer *srv;
  PurpleAccount *acc;
  JsonObject *groups;
  setup (&srv, &acc, &groups);
  /* The plugin's resource is the Web SDK's form for device "kick". */
  g_autofree char *dir = g_build_filename (purple_user_dir (), "agorachat", NULL);
  g_mkdir_with_parents (dir, 0700);
  {
    g_autoptr (AcLocalStore) store = plugin_store ();
    g_assert_true (ac_local_store_set_setting (store, "msync_resource", "webim_web_kick", NULL));
  }
  connect_live (acc);
  LivePeer *other = live_peer_start (local_server_url (srv));
  peer_login (other, "alice", "pw-a", "kick");
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (purple_account_is_connected (acc) && g_get_monotonic_time () < deadline)
    spin (100);
  g_assert_false (purple_account_is_connected (acc));
  spin (3000);
  g_assert_cmpuint (live_connects, ==, 1);
  g_assert_true (purple_account_is_disconnected (acc));
  teardown (srv, other, groups);
}

/* The token expires while connected; after the server restarts, PROVISION
 * refuses it: one re-sign-in, then live again. */
static void
test_expired_token (void)
{
  static const char *const ttl[] = { "--token-ttl", "3", NULL };
  LocalServer *srv = local_server_start (NULL, ttl);
  g_autoptr (JsonObject) r = local_server_import (srv, SEED);
  harness_init ();
  hook_signals ();
  PurpleAccount *acc = live_account (srv);
  connect_live (acc);
  spin (4000);
  local_server_kill (srv);
  local_server_restart (srv);
  g_assert_true (wait_count (&live_connects, 2, 30000));
  g_assert_cmpuint (local_server_count_log (srv, "/token 200"), ==, 1);
  g_assert_true (purple_account_is_connected (acc));
  LivePeer *bob = live_peer_start (local_server_url (srv));
  peer_login (bob, "bob", "pw-b", "bobdev");
  plugin_send_im (acc, "bob", "still here");
  g_assert_true (wait_count (&acks, 1, 15000));
  g_assert_true (live_peer_wait_messages (bob, 1, 15000));
  JsonObject *groups = json_object_new ();
  teardown (srv, bob, groups);
}

static gboolean
wait_member (PurpleConversation *chat, const char *who, gboolean present, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  while ((purple_conv_chat_find_user (PURPLE_CONV_CHAT (chat), who) != FALSE) != present
         && g_get_monotonic_time () < deadline)
    spin (50);
  return (purple_conv_chat_find_user (PURPLE_CONV_CHAT (chat), who) != FALSE) == present;
}

/* Group membership changed by the SDK (the owner bob) shows in alice's open
 * chat: a member added and removed, then alice herself removed. */
static void
test_group_members (void)
{
  LocalServer *srv;
  PurpleAccount *acc;
  JsonObject *groups;
  setup (&srv, &acc, &groups);
  const char *g3 = json_object_get_string_member (groups, "g3");
  connect_live (acc);
  PurpleConversation *chat = open_chat (acc, g3);
  g_assert_true (wait_member (chat, "bob", TRUE, 10000));
  g_assert_false (purple_conv_chat_find_user (PURPLE_CONV_CHAT (chat), "carol"));
  LivePeer *bob = live_peer_start (local_server_url (srv));
  peer_login (bob, "bob", "pw-b", "bobdev");

  g_autofree char *invite = g_strdup_printf ("{\"cmd\":\"group-invite\",\"group\":\"%s\","
                                             "\"users\":[\"carol\"]}", g3);
  live_peer_command (bob, invite);
  g_assert_nonnull (live_peer_wait (bob, "group-done", 15000));
  g_assert_true (wait_member (chat, "carol", TRUE, 10000));

  g_autofree char *remove = g_strdup_printf ("{\"cmd\":\"group-remove\",\"group\":\"%s\","
                                             "\"user\":\"carol\"}", g3);
  live_peer_command (bob, remove);
  g_assert_nonnull (live_peer_wait (bob, "group-done", 15000));
  g_assert_true (wait_member (chat, "carol", FALSE, 10000));
  g_assert_true (purple_conv_chat_find_user (PURPLE_CONV_CHAT (chat), "bob"));

  g_autofree char *kick = g_strdup_printf ("{\"cmd\":\"group-remove\",\"group\":\"%s\","
                                           "\"user\":\"alice\"}", g3);
  live_peer_command (bob, kick);
  g_assert_nonnull (live_peer_wait (bob, "group-done", 15000));
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!purple_conv_chat_has_left (PURPLE_CONV_CHAT (chat)) && g_get_monotonic_time () < deadline)
    spin (50);
  g_assert_true (purple_conv_chat_has_left (PURPLE_CONV_CHAT (chat)));
  g_autoptr (GPtrArray) sys = lines_with (chat, PURPLE_MESSAGE_SYSTEM);
  gboolean told = FALSE;
  for (guint i = 0; i < sys->len; i++)
    told |= strstr (sys->pdata[i], "You were removed from the group by bob") != NULL;
  g_assert_true (told);
  teardown (srv, bob, groups);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/live/both-ways", test_both_ways);
  g_test_add_func ("/live/offline", test_offline);
  g_test_add_func ("/live/opening-order", test_opening_order);
  g_test_add_func ("/live/server-restart", test_server_restart);
  g_test_add_func ("/live/remote-delete", test_remote_delete);
  g_test_add_func ("/live/failures", test_failures);
  g_test_add_func ("/live/kick", test_kick);
  g_test_add_func ("/live/expired-token", test_expired_token);
  g_test_add_func ("/live/group-members", test_group_members);
  return g_test_run ();
}
