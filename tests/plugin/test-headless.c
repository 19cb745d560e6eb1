/* End to end: the real libpurple core with the built plugin against a real
 * local server process.  Each test runs in its own process (meson passes -p)
 * with a fresh server and a fresh profile. */
#include "local-server.h"
#include "purple-harness.h"

#include <glib/gstdio.h>

#define N_PEERS 45 /* with bob and the group: three pages of the conversation list */

static GString *
seed (void)
{
  GString *s = g_string_new ("{\"users\":[{\"username\":\"alice\",\"password\":\"pw-a\"},"
                             "{\"username\":\"bob\",\"password\":\"pw-b\",\"nickname\":\"Bobby\"},"
                             "{\"username\":\"carol\",\"password\":\"pw-c\",\"nickname\":\"Caro\"}");
  for (guint i = 0; i < N_PEERS; i++)
    g_string_append_printf (s, ",{\"username\":\"user%02u\",\"password\":\"x\"}", i);
  g_string_append (s, "],\"groups\":[{\"ref\":\"g1\",\"groupname\":\"Team\",\"owner\":\"alice\","
                      "\"members\":[\"bob\",\"carol\"]}],\"messages\":[");
  /* bob: 30 messages, every third one from alice (another device of hers). */
  for (guint i = 0; i < 30; i++)
    g_string_append_printf (s, "%s{\"from\":\"%s\",\"to\":\"%s\",\"type\":\"chat\",\"age_ms\":%u,"
                            "\"body\":{\"type\":\"txt\",\"msg\":\"chat %u <b>\"}}",
                            i ? "," : "", i % 3 == 2 ? "alice" : "bob", i % 3 == 2 ? "bob" : "alice",
                            3000000 - i * 1000, i);
  for (guint i = 0; i < N_PEERS; i++)
    g_string_append_printf (s, ",{\"from\":\"user%02u\",\"to\":\"alice\",\"type\":\"chat\",\"age_ms\":%u,"
                            "\"body\":{\"type\":\"txt\",\"msg\":\"hello from %02u\"}}", i, 2000000 - i * 1000, i);
  g_string_append (s, ",{\"from\":\"carol\",\"to\":\"g1\",\"type\":\"groupchat\",\"age_ms\":900000,"
                      "\"body\":{\"type\":\"txt\",\"msg\":\"team one\"}}"
                      ",{\"from\":\"bob\",\"to\":\"g1\",\"type\":\"groupchat\",\"age_ms\":800000,"
                      "\"body\":{\"type\":\"txt\",\"msg\":\"team two\"}}"
                      ",{\"from\":\"alice\",\"to\":\"g1\",\"type\":\"groupchat\",\"age_ms\":700000,"
                      "\"body\":{\"type\":\"txt\",\"msg\":\"team three\"}}]}");
  return s;
}

static void
assert_line (PurpleConvMessage *m, const char *who, const char *text, PurpleMessageFlags flags)
{
  g_assert_cmpstr (purple_conversation_message_get_sender (m), ==, who);
  g_assert_cmpstr (purple_conversation_message_get_message (m), ==, text);
  g_assert_cmpint (purple_conversation_message_get_flags (m) & (PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_RECV
                                                                | PURPLE_MESSAGE_REMOTE_SEND
                                                                | PURPLE_MESSAGE_DELAYED),
                   ==, flags);
}

/* Lines written to the IM window with bob: "chat first..last", in order. */
static void
assert_bob_lines (GList *lines, guint first, guint last)
{
  g_assert_cmpuint (g_list_length (lines), ==, last - first + 1);
  time_t prev = 0;
  guint i = first;
  for (GList *l = lines; l != NULL; l = l->next, i++)
    {
      gboolean mine = i % 3 == 2;
      g_autofree char *text = g_strdup_printf ("chat %u &lt;b&gt;", i);
      assert_line (l->data, mine ? "alice" : "bob", text,
                   PURPLE_MESSAGE_DELAYED | (mine ? PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_REMOTE_SEND
                                                  : PURPLE_MESSAGE_RECV));
      time_t when = purple_conversation_message_get_timestamp (l->data);
      g_assert_cmpint (when, >=, prev);
      /* Server time (about 3000-i seconds ago), not the time of writing. */
      g_assert_cmpint (when, <=, time (NULL) - (3000 - (time_t) i) + 5);
      g_assert_cmpint (when, >=, time (NULL) - (3000 - (time_t) i) - 60);
      prev = when;
    }
}

static gboolean alias_ready;

static gboolean
poll_alias (gpointer data)
{
  PurpleBuddy *bob = purple_find_buddy (data, "bob");
  if (bob != NULL && g_strcmp0 (purple_buddy_get_server_alias (bob), "Bobby") == 0)
    {
      alias_ready = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
test_fresh_profile (void)
{
  g_autoptr (GString) s = seed ();
  LocalServer *srv = local_server_start (s->str, NULL);
  harness_init ();
  PurpleAccount *acc = harness_account ("alice", "pw-a", local_server_url (srv));
  g_assert_true (harness_connect (acc, NULL, NULL));

  /* The history walks start with the list's first page, not after its last:
   * a page of history is answered before the list's third page. */
  g_assert_cmpuint (local_server_count_log (srv, "user_channels/page 200"), ==, 3);
  g_assert_cmpuint (local_server_log_line (srv, "messageroaming 200", FALSE), <,
                    local_server_log_line (srv, "user_channels/page 200", TRUE));

  /* Every conversation, beyond the first page of 20, in this account's group. */
  PurpleGroup *group = purple_find_group ("Agora Chat (alice)");
  g_assert_nonnull (group);
  g_assert_nonnull (purple_find_buddy (acc, "bob"));
  for (guint i = 0; i < N_PEERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("user%02u", i);
      PurpleBuddy *b = purple_find_buddy (acc, name);
      g_assert_nonnull (b);
      g_assert_true (purple_buddy_get_group (b) == group);
    }
  guint id = g_timeout_add (10, poll_alias, acc);
  g_assert_true (harness_wait_flag (&alias_ready, 5000) || (g_source_remove (id), FALSE));

  /* The group is a chat with its name. */
  PurpleChat *team = NULL;
  for (PurpleBlistNode *n = PURPLE_BLIST_NODE (group)->child; n != NULL; n = n->next)
    if (PURPLE_BLIST_NODE_IS_CHAT (n))
      team = PURPLE_CHAT (n);
  g_assert_nonnull (team);
  g_assert_cmpstr (purple_chat_get_name (team), ==, "Team");

  /* Opening bob shows the latest 20 stored messages, in order, delayed. */
  PurpleConversation *im = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");
  g_autoptr (GList) lines = harness_history (im);
  assert_bob_lines (lines, 10, 29);

  /* Opening it again shows nothing twice. */
  purple_conversation_destroy (im);
  im = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");
  g_assert_null (purple_conversation_get_message_history (im));

  /* Joining the chat shows its messages with their senders. */
  serv_join_chat (purple_account_get_connection (acc), purple_chat_get_components (team));
  PurpleConversation *chat = purple_find_conversation_with_account (PURPLE_CONV_TYPE_CHAT,
    g_hash_table_lookup (purple_chat_get_components (team), "group_id"), acc);
  g_assert_nonnull (chat);
  g_autoptr (GList) chat_lines = harness_history (chat);
  g_assert_cmpuint (g_list_length (chat_lines), ==, 3);
  assert_line (chat_lines->data, "carol", "team one", PURPLE_MESSAGE_DELAYED | PURPLE_MESSAGE_RECV);
  assert_line (chat_lines->next->data, "bob", "team two", PURPLE_MESSAGE_DELAYED | PURPLE_MESSAGE_RECV);
  assert_line (chat_lines->next->next->data, "alice", "team three",
               PURPLE_MESSAGE_DELAYED | PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_REMOTE_SEND);

  harness_quit ();
  local_server_stop (srv);
}

static GString *
new_messages (const char *prefix, guint n, guint age_ms)
{
  GString *m = g_string_new ("{\"messages\":[");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (m, "%s{\"from\":\"bob\",\"to\":\"alice\",\"type\":\"chat\",\"age_ms\":%u,"
                            "\"body\":{\"type\":\"txt\",\"msg\":\"%s %u\"}}",
                            i ? "," : "", age_ms - i * 10, prefix, i);
  g_string_append (m, "]}");
  return m;
}

static gboolean history_grew;

static void
on_wrote (PurpleAccount *account, const char *who, char *message, PurpleConversation *conv,
          PurpleMessageFlags flags, gpointer data)
{
  history_grew = TRUE;
}

/* Opens the window with bob as soon as the account is signed on, before
 * the back-fill runs: the back-fill then writes into it directly. */
static void
open_bob (PurpleConnection *gc, gpointer data)
{
  PurpleAccount *acc = purple_connection_get_account (gc);
  if (purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, "bob", acc) == NULL)
    *(PurpleConversation **) data = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");
}

static void
test_resync (void)
{
  g_autoptr (GString) s = seed ();
  LocalServer *srv = local_server_start (s->str, NULL);
  harness_init ();
  PurpleAccount *acc = harness_account ("alice", "pw-a", local_server_url (srv));
  purple_account_set_int (acc, "history_cap", 30);
  PurpleConversation *im = NULL;
  int on_handle;
  purple_signal_connect (purple_connections_get_handle (), "signed-on", &on_handle,
                         PURPLE_CALLBACK (open_bob), &im);
  g_assert_true (harness_connect (acc, NULL, NULL));
  purple_signals_disconnect_by_handle (&on_handle);
  g_assert_nonnull (im);
  /* The window was open: back-fill wrote into it directly. */
  g_autoptr (GList) first = harness_history (im);
  assert_bob_lines (first, 10, 29);
  harness_disconnect (acc);

  /* Sent while offline: arrives once on the next sign-in. */
  g_autoptr (GString) five = new_messages ("offline", 5, 20000);
  g_autoptr (JsonObject) r1 = local_server_import (srv, five->str);
  g_assert_true (harness_connect (acc, NULL, NULL));
  g_autoptr (GList) second = harness_history (im);
  g_assert_cmpuint (g_list_length (second), ==, 25);
  assert_line (g_list_nth_data (second, 20), "bob", "offline 0", PURPLE_MESSAGE_DELAYED | PURPLE_MESSAGE_RECV);
  assert_line (g_list_nth_data (second, 24), "bob", "offline 4", PURPLE_MESSAGE_DELAYED | PURPLE_MESSAGE_RECV);

  /* Reconnecting with nothing new writes nothing. */
  harness_disconnect (acc);
  g_assert_true (harness_connect (acc, NULL, NULL));
  g_assert_cmpuint (g_list_length (purple_conversation_get_message_history (im)), ==, 25);

  /* 45 new with the cap at 30: the newest 30 and one note. */
  harness_disconnect (acc);
  g_autoptr (GString) many = new_messages ("burst", 45, 10000);
  g_autoptr (JsonObject) r2 = local_server_import (srv, many->str);
  g_assert_true (harness_connect (acc, NULL, NULL));
  g_autoptr (GList) third = harness_history (im);
  g_assert_cmpuint (g_list_length (third), ==, 25 + 1 + 30);
  PurpleConvMessage *note = g_list_nth_data (third, 25);
  g_assert_true (purple_conversation_message_get_flags (note) & PURPLE_MESSAGE_SYSTEM);
  g_assert_nonnull (strstr (purple_conversation_message_get_message (note), "/history"));
  assert_line (g_list_nth_data (third, 26), "bob", "burst 15", PURPLE_MESSAGE_DELAYED | PURPLE_MESSAGE_RECV);
  assert_line (g_list_last (third)->data, "bob", "burst 44", PURPLE_MESSAGE_DELAYED | PURPLE_MESSAGE_RECV);

  /* /history 5 loads the five the cap skipped, just below the shown ones. */
  int handle;
  purple_signal_connect (purple_conversations_get_handle (), "wrote-im-msg", &handle,
                         PURPLE_CALLBACK (on_wrote), NULL);
  char *error = NULL;
  g_assert_cmpint (purple_cmd_do_command (im, "history 5", "history 5", &error), ==, PURPLE_CMD_STATUS_OK);
  g_assert_true (harness_wait_flag (&history_grew, 5000));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_autoptr (GList) fourth = harness_history (im);
  g_assert_cmpuint (g_list_length (fourth), ==, 56 + 5);
  g_assert_cmpstr (purple_conversation_message_get_message (g_list_nth_data (fourth, 56)), ==, "burst 10");
  g_assert_cmpstr (purple_conversation_message_get_message (g_list_last (fourth)->data), ==, "burst 14");
  purple_signals_disconnect_by_handle (&handle);

  harness_quit ();
  local_server_stop (srv);
}

static void
expect_error (PurpleAccount *acc, PurpleConnectionError want, const char *fragment)
{
  PurpleConnectionError reason = -1;
  g_autofree char *desc = NULL;
  g_assert_false (harness_connect (acc, &reason, &desc));
  g_assert_cmpint (reason, ==, want);
  g_assert_nonnull (strstr (desc, fragment));
}

static void
test_errors (void)
{
  g_autoptr (GString) s = seed ();
  LocalServer *srv = local_server_start (s->str, NULL);
  harness_init ();
  PurpleAccount *acc = harness_account ("alice", "wrong", local_server_url (srv));
  expect_error (acc, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED, "invalid password");

  PurpleAccount *zed = harness_account ("zed", "x", local_server_url (srv));
  expect_error (zed, PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED, "user not found");

  PurpleAccount *badkey = harness_account ("bob", "pw-b", local_server_url (srv));
  purple_account_set_string (badkey, "app_key", "org1app1");
  expect_error (badkey, PURPLE_CONNECTION_ERROR_INVALID_SETTINGS, "org#app");

  /* A store that cannot be opened (a directory where the file goes): its
   * error, while the sign-in request it overlaps answers, and no crash. */
  g_autofree char *store_dir = g_build_filename (purple_user_dir (), "agorachat",
                                                 purple_escape_filename ("carol@org1#app1"), NULL);
  g_autofree char *store_path = g_strconcat (store_dir, ".db", NULL);
  g_assert_cmpint (g_mkdir_with_parents (store_path, 0700), ==, 0);
  PurpleAccount *nostore = harness_account ("carol", "pw-c", local_server_url (srv));
  expect_error (nostore, PURPLE_CONNECTION_ERROR_OTHER_ERROR, "local message store");
  g_assert_cmpint (g_rmdir (store_path), ==, 0);
  purple_accounts_delete (nostore);

  g_autofree char *url = g_strdup (local_server_url (srv));
  local_server_stop (srv);
  PurpleAccount *gone = harness_account ("carol", "pw-c", url);
  expect_error (gone, PURPLE_CONNECTION_ERROR_NETWORK_ERROR, "Cannot reach");
  harness_quit ();
}

static void
test_discovery (void)
{
  g_autoptr (GString) s = seed ();
  LocalServer *srv = local_server_start (s->str, NULL);
  harness_init ();
  PurpleAccount *acc = harness_account ("alice", "pw-a", "");
  purple_account_set_string (acc, "discovery_url", local_server_url (srv));
  g_assert_true (harness_connect (acc, NULL, NULL));
  g_assert_nonnull (purple_find_buddy (acc, "bob"));
  harness_quit ();
  local_server_stop (srv);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/headless/fresh-profile", test_fresh_profile);
  g_test_add_func ("/headless/resync", test_resync);
  g_test_add_func ("/headless/errors", test_errors);
  g_test_add_func ("/headless/discovery", test_discovery);
  return g_test_run ();
}
