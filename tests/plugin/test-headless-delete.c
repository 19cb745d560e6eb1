/* Remote deletion end to end (spec R5, R6): the real libpurple core with the
 * built plugin, its dialogs answered by delete-request-ops, against a real
 * server process.  The server side is checked as each user sees it, through
 * the server's own REST API (token, messageroaming, conversation list).
 * One scenario per process (meson passes -p). */
#include "delete-request-ops.h"
#include "local-server.h"
#include "purple-harness.h"
#include "ac-message-pb.h"

#include <libsoup/soup.h>

/* ---- the server as each user sees it ---- */

static JsonObject *
call (const char *method, const char *url, const char *token, const char *body)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) req = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", req);
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != 200)
    g_error ("%s %s: HTTP %u", method, url, soup_message_get_status (msg));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                             (gssize) g_bytes_get_size (reply), NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
token_of (LocalServer *srv, const char *user, const char *password)
{
  g_autofree char *url = g_strconcat (local_server_url (srv), "/org1/app1/token", NULL);
  g_autofree char *body = g_strdup_printf ("{\"grant_type\":\"password\",\"username\":\"%s\","
                                           "\"password\":\"%s\"}", user, password);
  g_autoptr (JsonObject) reply = call ("POST", url, NULL, body);
  return g_strdup (json_object_get_string_member (reply, "access_token"));
}

/* Every text user can fetch of the conversation with peer, oldest first. */
static GPtrArray *
server_texts (LocalServer *srv, const char *user, const char *password, const char *peer)
{
  g_autofree char *token = token_of (srv, user, password);
  g_autofree char *url = g_strdup_printf ("%s/org1/app1/users/%s/messageroaming",
                                          local_server_url (srv), user);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *start = g_strdup ("-1");
  for (;;)
    {
      g_autofree char *body = g_strdup_printf (
        "{\"queue\":\"%s@easemob.com\",\"start\":%s,\"pull_number\":50,\"is_positive\":true}",
        peer, start);
      g_autoptr (JsonObject) reply = call ("POST", url, token, body);
      JsonObject *data = json_object_get_object_member (reply, "data");
      JsonArray *msgs = json_object_get_array_member (data, "msgs");
      for (guint i = 0; i < json_array_get_length (msgs); i++)
        {
          const char *b64 = json_object_get_string_member (json_array_get_object_element (msgs, i),
                                                           "msg");
          AcMessage *m = ac_message_from_meta_base64 (b64, NULL);
          g_assert_nonnull (m);
          g_ptr_array_add (texts, g_strdup (m->text));
          ac_message_free (m);
        }
      if (json_array_get_length (msgs) == 0 || json_object_get_boolean_member (data, "is_last"))
        break;
      g_free (start);
      start = g_strdup_printf ("\"%s\"", json_object_get_string_member (data, "next_key"));
    }
  return texts;
}

/* Whether user's server conversation list has peer. */
static gboolean
server_lists (LocalServer *srv, const char *user, const char *password, const char *peer)
{
  g_autofree char *token = token_of (srv, user, password);
  g_autofree char *url = g_strdup_printf ("%s/org1/app1/users/%s/user_channels/page?pageNum=1&"
                                          "pageSize=20", local_server_url (srv), user);
  g_autoptr (JsonObject) reply = call ("GET", url, token, NULL);
  JsonArray *list = json_object_get_array_member (json_object_get_object_member (reply, "data"),
                                                  "channel_infos");
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (list, i),
                                                  "session_to"), peer) == 0)
      return TRUE;
  return FALSE;
}

/* ---- the client ---- */

static gint64 base_s; /* the first seeded message's second */

/* alice and bob: n messages one second apart from base_s ("m0".."m{n-1}"),
 * bob's on even i; alice and carol: 3 messages. */
static GString *
seed (guint n)
{
  base_s = g_get_real_time () / G_USEC_PER_SEC - 2 * 86400;
  GString *s = g_string_new ("{\"users\":[{\"username\":\"alice\",\"password\":\"pw-a\"},"
                             "{\"username\":\"bob\",\"password\":\"pw-b\"},"
                             "{\"username\":\"carol\",\"password\":\"pw-c\"}],\"messages\":[");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s{\"from\":\"%s\",\"to\":\"%s\",\"type\":\"chat\","
                            "\"timestamp\":%" G_GINT64_FORMAT ",\"body\":{\"type\":\"txt\",\"msg\":\"m%u\"}}",
                            i ? "," : "", i % 2 ? "alice" : "bob", i % 2 ? "bob" : "alice",
                            (base_s + i) * 1000, i);
  for (guint i = 0; i < 3; i++)
    g_string_append_printf (s, ",{\"from\":\"carol\",\"to\":\"alice\",\"type\":\"chat\","
                            "\"timestamp\":%" G_GINT64_FORMAT ",\"body\":{\"type\":\"txt\",\"msg\":\"c%u\"}}",
                            (base_s + i) * 1000, i);
  g_string_append (s, "]}");
  return s;
}

static gboolean delete_done;
static guint batches_seen;
static LocalServer *kill_after_first;

static void
on_delete_done (PurpleConnection *gc, const char *conv_id, gpointer data)
{
  delete_done = TRUE;
}

static void
on_delete_batch (PurpleConnection *gc, const char *conv_id, guint batch, guint n_batches,
                 gpointer data)
{
  batches_seen++;
  g_assert_cmpuint (batch, ==, batches_seen);
  /* The server dies for real between the first and the second call. */
  if (batch == 1 && kill_after_first != NULL)
    local_server_kill (kill_after_first);
}

static int handle;

static PurpleAccount *
start_client (LocalServer *srv)
{
  harness_init ();
  delete_ops_install ();
  PurplePlugin *prpl = purple_plugins_find_with_id ("prpl-agorachat");
  purple_signal_connect (prpl, "agorachat-delete-done", &handle, PURPLE_CALLBACK (on_delete_done),
                         NULL);
  purple_signal_connect (prpl, "agorachat-delete-batch", &handle, PURPLE_CALLBACK (on_delete_batch),
                         NULL);
  PurpleAccount *acc = harness_account ("alice", "pw-a", local_server_url (srv));
  purple_account_set_int (acc, "history_latest_n", 500); /* the first sync stores everything */
  g_assert_true (harness_connect (acc, NULL, NULL));
  return acc;
}

static void
stop_client (void)
{
  purple_signals_disconnect_by_handle (&handle);
  harness_quit ();
}

static void
wait_done (void)
{
  g_assert_true (harness_wait_flag (&delete_done, 20000));
  delete_done = FALSE;
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Runs a menu action of the buddy-list node by its label. */
static void
run_menu (PurpleBlistNode *node, const char *label)
{
  PurplePlugin *prpl = purple_plugins_find_with_id ("prpl-agorachat");
  GList *menu = PURPLE_PLUGIN_PROTOCOL_INFO (prpl)->blist_node_menu (node);
  gboolean found = FALSE;
  for (GList *l = menu; l != NULL; l = l->next)
    {
      PurpleMenuAction *action = l->data;
      if (!found && g_strcmp0 (action->label, label) == 0)
        {
          ((void (*) (PurpleBlistNode *, gpointer)) action->callback) (node, action->data);
          found = TRUE;
        }
      purple_menu_action_free (action);
    }
  g_list_free (menu);
  g_assert_true (found);
}

/* The window's message texts (no system lines), oldest first. */
static GPtrArray *
window_texts (PurpleConversation *conv, const char **last_system)
{
  GPtrArray *out = g_ptr_array_new ();
  *last_system = NULL;
  GList *lines = harness_history (conv);
  for (GList *l = lines; l != NULL; l = l->next)
    {
      PurpleMessageFlags f = purple_conversation_message_get_flags (l->data);
      const char *text = purple_conversation_message_get_message (l->data);
      if (f & PURPLE_MESSAGE_SYSTEM)
        *last_system = text;
      else if (!(f & PURPLE_MESSAGE_ERROR))
        g_ptr_array_add (out, (gpointer) text);
    }
  g_list_free (lines);
  return out;
}

static void
assert_texts (GPtrArray *texts, guint first, guint last, char prefix)
{
  g_assert_cmpuint (texts->len, ==, last - first + 1);
  for (guint i = first; i <= last; i++)
    {
      g_autofree char *want = g_strdup_printf ("%c%u", prefix, i);
      g_assert_cmpstr (texts->pdata[i - first], ==, want);
    }
}

static SeenDialog *
last_dialog (void)
{
  GPtrArray *d = delete_ops_dialogs ();
  g_assert_cmpuint (d->len, >, 0);
  return d->pdata[d->len - 1];
}

/* The server logs a request when its reply has gone: give it a moment. */
static guint
count_log (LocalServer *srv, const char *needle, guint want)
{
  guint n = 0;
  for (guint i = 0; i < 200 && (n = local_server_count_log (srv, needle)) < want; i++)
    g_usleep (10 * 1000);
  return n;
}

static char *
local_time (gint64 s)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (s);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
}

/* ---- delete before a time ---- */

static gboolean
set_when (PurpleRequestFields *fields, gpointer data)
{
  /* The default is now, with seconds. */
  const char *def = purple_request_fields_get_string (fields, "when");
  g_assert_nonnull (def);
  g_assert_cmpuint (strlen (def), ==, 19);
  purple_request_field_string_set_value (purple_request_fields_get_field (fields, "when"), data);
  return TRUE;
}

static guint picked_listed;

/* Reads the list, selects the first (newest) GPOINTER_TO_UINT (data) items. */
static gboolean
pick_newest (PurpleRequestFields *fields, gpointer data)
{
  PurpleRequestField *list = purple_request_fields_get_field (fields, "messages");
  g_assert_true (purple_request_field_list_get_multi_select (list));
  GList *items = purple_request_field_list_get_items (list);
  picked_listed = g_list_length (items);
  guint n = GPOINTER_TO_UINT (data);
  for (GList *l = items; l != NULL && n > 0; l = l->next, n--)
    purple_request_field_list_add_selected (list, l->data);
  return TRUE;
}

static void
test_before (void)
{
  g_autoptr (GString) s = seed (10);
  LocalServer *srv = local_server_start (s->str, NULL);
  PurpleAccount *acc = start_client (srv);
  PurpleConversation *im = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");

  /* The command: at or before m4's second. */
  g_autofree char *t4 = local_time (base_s + 4);
  g_autofree char *cmd = g_strconcat ("delete-before ", t4, NULL);
  delete_ops_answer_action (0);
  char *error = NULL;
  g_assert_cmpint (purple_cmd_do_command (im, cmd, cmd, &error), ==, PURPLE_CMD_STATUS_OK);
  wait_done ();
  SeenDialog *confirm = last_dialog ();
  g_assert_cmpint (confirm->type, ==, PURPLE_REQUEST_ACTION);
  g_assert_nonnull (strstr (confirm->primary, t4));
  g_assert_nonnull (strstr (confirm->secondary, "5 messages stored on this computer are covered"));
  g_assert_nonnull (strstr (confirm->secondary, "other party still has"));

  const char *system = NULL;
  g_autoptr (GPtrArray) shown = window_texts (im, &system);
  assert_texts (shown, 5, 9, 'm');
  g_assert_cmpstr (system, ==, "5 messages were deleted from the server");
  /* Exactly m0..m4 for alice; nothing for bob; carol's conversation untouched. */
  g_autoptr (GPtrArray) alice = server_texts (srv, "alice", "pw-a", "bob");
  assert_texts (alice, 5, 9, 'm');
  g_autoptr (GPtrArray) bob = server_texts (srv, "bob", "pw-b", "alice");
  assert_texts (bob, 0, 9, 'm');
  g_autoptr (GPtrArray) carol = server_texts (srv, "alice", "pw-a", "carol");
  assert_texts (carol, 0, 2, 'c');

  /* The menu's form: m5 and m6. */
  delete_ops_answer_fields (set_when, local_time (base_s + 6));
  delete_ops_answer_action (0);
  run_menu (PURPLE_BLIST_NODE (purple_find_buddy (acc, "bob")), "Delete server history before…");
  wait_done ();
  g_autoptr (GPtrArray) shown2 = window_texts (im, &system);
  assert_texts (shown2, 7, 9, 'm');
  g_assert_cmpstr (system, ==, "2 messages were deleted from the server");
  g_autoptr (GPtrArray) alice2 = server_texts (srv, "alice", "pw-a", "bob");
  assert_texts (alice2, 7, 9, 'm');

  /* A bad date asks nothing of the server. */
  delete_ops_reset ();
  error = NULL;
  g_assert_cmpint (purple_cmd_do_command (im, "delete-before yesterday", "", &error), ==,
                   PURPLE_CMD_STATUS_FAILED);
  g_assert_nonnull (strstr (error, "YYYY-MM-DD"));
  g_free (error);
  g_assert_cmpuint (delete_ops_dialogs ()->len, ==, 0);

  /* The next sign-in brings nothing back: the pick list has m7..m9 only. */
  harness_disconnect (acc);
  g_assert_true (harness_connect (acc, NULL, NULL));
  delete_ops_answer_fields (pick_newest, GUINT_TO_POINTER (0));
  run_menu (PURPLE_BLIST_NODE (purple_find_buddy (acc, "bob")), "Delete messages from server…");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (picked_listed, ==, 3);
  g_assert_cmpuint (delete_ops_notices ()->len, ==, 1); /* "No message was selected." */

  stop_client ();
  local_server_stop (srv);
}

/* ---- chosen messages, in batches of 50 ---- */

#define N_SEEDED 130

static void
test_batches (void)
{
  g_autoptr (GString) s = seed (N_SEEDED);
  LocalServer *srv = local_server_start (s->str, NULL);
  PurpleAccount *acc = start_client (srv);
  PurpleConversation *im = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");

  delete_ops_answer_fields (pick_newest, GUINT_TO_POINTER (120));
  delete_ops_answer_action (0);
  run_menu (PURPLE_BLIST_NODE (purple_find_buddy (acc, "bob")), "Delete messages from server…");
  wait_done ();
  g_assert_cmpuint (picked_listed, ==, N_SEEDED);
  g_assert_nonnull (strstr (last_dialog ()->primary, "Delete 120 messages of bob"));
  g_assert_nonnull (strstr (last_dialog ()->secondary, "3 requests"));
  g_assert_cmpuint (batches_seen, ==, 3);
  g_assert_cmpuint (count_log (srv, "DELETE /org1/app1/sdk/message/roaming/chat/user/alice 200", 3),
                    ==, 3);
  g_assert_cmpuint (delete_ops_notices ()->len, ==, 0);

  const char *system = NULL;
  g_autoptr (GPtrArray) shown = window_texts (im, &system);
  assert_texts (shown, 0, 9, 'm');
  g_assert_cmpstr (system, ==, "120 messages were deleted from the server");
  g_autoptr (GPtrArray) alice = server_texts (srv, "alice", "pw-a", "bob");
  assert_texts (alice, 0, 9, 'm');
  g_autoptr (GPtrArray) bob = server_texts (srv, "bob", "pw-b", "alice");
  assert_texts (bob, 0, N_SEEDED - 1, 'm');

  /* /delete-last 1: the newest remaining one. */
  batches_seen = 0;
  delete_ops_answer_action (0);
  char *error = NULL;
  g_assert_cmpint (purple_cmd_do_command (im, "delete-last 1", "", &error), ==, PURPLE_CMD_STATUS_OK);
  wait_done ();
  g_assert_nonnull (strstr (last_dialog ()->primary, "Delete 1 message of bob"));
  g_autoptr (GPtrArray) alice2 = server_texts (srv, "alice", "pw-a", "bob");
  assert_texts (alice2, 0, 8, 'm');
  g_autoptr (GPtrArray) shown2 = window_texts (im, &system);
  assert_texts (shown2, 0, 8, 'm');
  g_assert_cmpstr (system, ==, "1 message was deleted from the server");

  stop_client ();
  local_server_stop (srv);
}

static void
test_partial_failure (void)
{
  g_autoptr (GString) s = seed (N_SEEDED);
  LocalServer *srv = local_server_start (s->str, NULL);
  PurpleAccount *acc = start_client (srv);
  PurpleConversation *im = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");

  kill_after_first = srv;
  delete_ops_answer_fields (pick_newest, GUINT_TO_POINTER (120));
  delete_ops_answer_action (0);
  run_menu (PURPLE_BLIST_NODE (purple_find_buddy (acc, "bob")), "Delete messages from server…");
  wait_done ();
  kill_after_first = NULL;
  g_assert_cmpuint (batches_seen, ==, 1);

  /* Said precisely: what was deleted, which batch failed, what was not. */
  GPtrArray *notices = delete_ops_notices ();
  g_assert_cmpuint (notices->len, ==, 1);
  SeenNotice *n = notices->pdata[0];
  g_assert_cmpint (n->type, ==, PURPLE_NOTIFY_MSG_ERROR);
  g_assert_cmpstr (n->primary, ==, "Only 50 of 120 messages were deleted from the server.");
  g_assert_nonnull (strstr (n->secondary, "Batches 1 to 1 of 3 were deleted (50 messages)"));
  g_assert_nonnull (strstr (n->secondary, "Batch 2 failed: the server could not be reached"));
  g_assert_nonnull (strstr (n->secondary, "(70) were not deleted"));
  const char *system = NULL;
  g_autoptr (GPtrArray) shown = window_texts (im, &system);
  assert_texts (shown, 0, N_SEEDED - 51, 'm');
  g_assert_cmpstr (system, ==, "50 messages were deleted from the server");

  /* The server agrees: the newest 50 are gone for alice, the rest intact. */
  local_server_restart (srv);
  g_autoptr (GPtrArray) alice = server_texts (srv, "alice", "pw-a", "bob");
  assert_texts (alice, 0, N_SEEDED - 51, 'm');
  g_autoptr (GPtrArray) bob = server_texts (srv, "bob", "pw-b", "alice");
  g_assert_cmpuint (bob->len, ==, N_SEEDED);

  stop_client ();
  local_server_stop (srv);
}

/* ---- whole conversations (R6) ---- */

static gboolean
conversation_answer (PurpleRequestFields *fields, gpointer data)
{
  const gboolean *want = data; /* { expected default of "messages", messages, remove } */
  g_assert_cmpint (purple_request_fields_get_bool (fields, "messages"), ==, want[0]);
  g_assert_false (purple_request_fields_get_bool (fields, "remove"));
  purple_request_field_bool_set_value (purple_request_fields_get_field (fields, "messages"), want[1]);
  purple_request_field_bool_set_value (purple_request_fields_get_field (fields, "remove"), want[2]);
  return TRUE;
}

static void
test_conversation (void)
{
  g_autoptr (GString) s = seed (6);
  LocalServer *srv = local_server_start (s->str, NULL);
  PurpleAccount *acc = start_client (srv);

  /* Carol, by command, keeping the messages, removed from the buddy list. */
  PurpleConversation *with_carol = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "carol");
  static const gboolean keep_remove[] = { FALSE, FALSE, TRUE };
  delete_ops_answer_fields (conversation_answer, (gpointer) keep_remove);
  char *error = NULL;
  g_assert_cmpint (purple_cmd_do_command (with_carol, "delete-conversation --keep-messages", "",
                                          &error), ==, PURPLE_CMD_STATUS_OK);
  wait_done ();
  SeenDialog *d = last_dialog ();
  g_assert_nonnull (strstr (d->secondary, "Neither you nor the other users will get this "
                                          "conversation from the server any more"));
  g_assert_null (purple_find_buddy (acc, "carol"));
  g_assert_false (server_lists (srv, "alice", "pw-a", "carol"));
  g_assert_false (server_lists (srv, "carol", "pw-c", "alice"));
  g_autoptr (GPtrArray) a_c = server_texts (srv, "alice", "pw-a", "carol");
  assert_texts (a_c, 0, 2, 'c');
  g_autoptr (GPtrArray) c_a = server_texts (srv, "carol", "pw-c", "alice");
  assert_texts (c_a, 0, 2, 'c');

  /* Bob, from the menu, with the messages, kept in the buddy list. */
  PurpleConversation *with_bob = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");
  g_assert_true (server_lists (srv, "bob", "pw-b", "alice"));
  static const gboolean delete_keep[] = { FALSE, TRUE, FALSE };
  delete_ops_answer_fields (conversation_answer, (gpointer) delete_keep);
  run_menu (PURPLE_BLIST_NODE (purple_find_buddy (acc, "bob")), "Delete conversation from server…");
  wait_done ();
  g_assert_nonnull (purple_find_buddy (acc, "bob"));
  g_assert_false (server_lists (srv, "alice", "pw-a", "bob"));
  g_assert_false (server_lists (srv, "bob", "pw-b", "alice"));
  g_autoptr (GPtrArray) a_b = server_texts (srv, "alice", "pw-a", "bob");
  g_assert_cmpuint (a_b->len, ==, 0);
  g_autoptr (GPtrArray) b_a = server_texts (srv, "bob", "pw-b", "alice");
  g_assert_cmpuint (b_a->len, ==, 0);
  const char *system = NULL;
  g_autoptr (GPtrArray) shown = window_texts (with_bob, &system);
  g_assert_cmpuint (shown->len, ==, 0);
  g_assert_cmpstr (system, ==, "6 messages were deleted from the server");

  /* The default of the command without --keep-messages is to delete them. */
  static const gboolean cancel_check[] = { TRUE, TRUE, FALSE };
  delete_ops_answer_fields (conversation_answer, (gpointer) cancel_check);
  error = NULL;
  g_assert_cmpint (purple_cmd_do_command (with_bob, "delete-conversation", "", &error), ==,
                   PURPLE_CMD_STATUS_OK);
  wait_done ();
  g_assert_cmpuint (delete_ops_notices ()->len, ==, 0);

  stop_client ();
  local_server_stop (srv);
}

/* ---- errors: 404, and a 401 cured by one re-sign-in ---- */

static void
test_errors (void)
{
  g_autoptr (GString) s = seed (4);
  const char *ttl[] = { "--token-ttl", "2", NULL };
  LocalServer *srv = local_server_start (s->str, ttl);
  PurpleAccount *acc = start_client (srv);

  /* A chat the server does not know: 404, nothing claimed. */
  GHashTable *components = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (components, g_strdup ("group_id"), g_strdup ("424242"));
  PurpleChat *ghost = purple_chat_new (acc, NULL, components);
  purple_blist_add_chat (ghost, NULL, NULL);
  delete_ops_answer_fields (set_when, local_time (base_s + 1));
  delete_ops_answer_action (0);
  run_menu (PURPLE_BLIST_NODE (ghost), "Delete server history before…");
  wait_done ();
  GPtrArray *notices = delete_ops_notices ();
  g_assert_cmpuint (notices->len, ==, 1);
  SeenNotice *n = notices->pdata[0];
  g_assert_true (g_str_has_prefix (n->primary, "Nothing was deleted before"));
  g_assert_nonnull (strstr (n->secondary, "not found"));

  /* The token expires; the deletion signs in again once and goes through. */
  guint tokens = local_server_count_log (srv, "POST /org1/app1/token 200");
  g_usleep (2500 * 1000);
  PurpleConversation *im = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");
  delete_ops_answer_action (0);
  char *error = NULL;
  g_assert_cmpint (purple_cmd_do_command (im, "delete-last 2", "", &error), ==, PURPLE_CMD_STATUS_OK);
  wait_done ();
  g_assert_cmpuint (count_log (srv, "POST /org1/app1/token 200", tokens + 1), ==, tokens + 1);
  g_assert_cmpuint (count_log (srv, "DELETE /org1/app1/sdk/message/roaming/chat/user/alice 401", 1),
                    ==, 1);
  g_assert_cmpuint (notices->len, ==, 1);
  g_autoptr (GPtrArray) alice = server_texts (srv, "alice", "pw-a", "bob");
  assert_texts (alice, 0, 1, 'm');

  /* Usage errors stay local. */
  error = NULL;
  g_assert_cmpint (purple_cmd_do_command (im, "delete-last 0", "", &error), ==,
                   PURPLE_CMD_STATUS_FAILED);
  g_free (error);
  error = NULL;
  g_assert_cmpint (purple_cmd_do_command (im, "delete-conversation --everything", "", &error), ==,
                   PURPLE_CMD_STATUS_FAILED);
  g_free (error);

  stop_client ();
  local_server_stop (srv);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/delete/before", test_before);
  g_test_add_func ("/delete/batches", test_batches);
  g_test_add_func ("/delete/partial-failure", test_partial_failure);
  g_test_add_func ("/delete/conversation", test_conversation);
  g_test_add_func ("/delete/errors", test_errors);
  return g_test_run ();
}
