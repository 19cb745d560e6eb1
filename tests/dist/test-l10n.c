/* The plugin as a user gets it: the headless libpurple client of
 * tests/plugin against a real local server, checking the strings a user
 * sees (plugin summary, account option, a command's usage error, a notice
 * written into a conversation, a buddy's unread count with the label of an
 * image) in the language of the environment, and the buddy-list group whose
 * name stays the same in every language.
 *   test-l10n en|zh_CN [PLUGIN_DIR_EXPECTED]
 * Built twice by meson: with the build tree's plugin directory (translations
 * from AGORACHAT_LOCALEDIR), and with a plugin directory that does not exist,
 * so that only libpurple's own search path can find an installed plugin; then
 * PLUGIN_DIR_EXPECTED says where it must have come from. */
#include "local-server.h"
#include "purple-harness.h"

#include <locale.h>

typedef struct {
  const char *summary, *app_key_label, *usage, *no_older, *unread;
} Strings;

static const Strings english = {
  "Agora Chat protocol plugin",
  "App key (org#app)",
  "Usage: /history [N] with N from 1 to 49",
  "There are no older messages on the server.",
  "3 unread: [Image] cat.png 800×600",
};

/* Must match po/zh_CN.po. */
static const Strings chinese = {
  "Agora Chat 协议插件",
  "App Key（格式为 org#app）",
  "用法：/history [N]，N 为 1 到 49 之间的整数",
  "服务器上没有更早的消息了。",
  "3 条未读：[图片] cat.png 800×600",
};

static const Strings *want;
static const char *expected_dir;

static const char seed[] =
  "{\"users\":[{\"username\":\"alice\",\"password\":\"pw-a\"},"
  "{\"username\":\"bob\",\"password\":\"pw-b\",\"nickname\":\"Bob\"}],"
  "\"messages\":["
  "{\"from\":\"bob\",\"to\":\"alice\",\"type\":\"chat\",\"age_ms\":60000,"
  "\"body\":{\"type\":\"txt\",\"msg\":\"first line\"}},"
  "{\"from\":\"bob\",\"to\":\"alice\",\"type\":\"chat\",\"age_ms\":50000,"
  "\"body\":{\"type\":\"txt\",\"msg\":\"second line\"}},"
  "{\"from\":\"bob\",\"to\":\"alice\",\"type\":\"chat\",\"age_ms\":40000,\"body\":{\"type\":\"img\","
  "\"url\":\"https://internal.example:8443/org1/app1/chatfiles/img-1\",\"secret\":\"s1\","
  "\"filename\":\"cat.png\",\"size\":{\"width\":800,\"height\":600}}}]}";

static const char *
option_label (PurplePlugin *prpl, const char *setting)
{
  for (GList *l = PURPLE_PLUGIN_PROTOCOL_INFO (prpl)->protocol_options; l != NULL; l = l->next)
    if (g_strcmp0 (purple_account_option_get_setting (l->data), setting) == 0)
      return purple_account_option_get_text (l->data);
  return NULL;
}

static gboolean
has_line (PurpleConversation *conv, const char *text)
{
  g_autoptr (GList) lines = harness_history (conv);
  for (GList *l = lines; l != NULL; l = l->next)
    if (g_strcmp0 (purple_conversation_message_get_message (l->data), text) == 0)
      return TRUE;
  return FALSE;
}

static gboolean found;

/* The buddy's status text once the back-fill has counted what was never shown. */
static gboolean
poll_status_text (gpointer buddy)
{
  PurplePluginProtocolInfo *info =
    PURPLE_PLUGIN_PROTOCOL_INFO (purple_plugins_find_with_id ("prpl-agorachat"));
  g_autofree char *text = info->status_text (buddy);
  found = g_strcmp0 (text, want->unread) == 0;
  return found ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static gboolean
poll_line (gpointer conv)
{
  found = has_line (conv, want->no_older);
  return found ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
test_user_visible_strings (void)
{
  LocalServer *srv = local_server_start (seed, NULL);
  harness_init ();

  PurplePlugin *prpl = purple_plugins_find_with_id ("prpl-agorachat");
  g_assert_nonnull (prpl);
  if (expected_dir != NULL)
    {
      /* Found by libpurple's own search path, not by ours. */
      g_autofree char *dir = g_path_get_dirname (prpl->path);
      g_assert_cmpstr (dir, ==, expected_dir);
    }
  g_assert_cmpstr (prpl->info->summary, ==, want->summary);
  g_assert_cmpstr (option_label (prpl, "app_key"), ==, want->app_key_label);

  PurpleAccount *acc = harness_account ("alice", "pw-a", local_server_url (srv));
  g_assert_true (harness_connect (acc, NULL, NULL));
  /* The same group in every language (plugin/README.md says why). */
  g_assert_nonnull (purple_find_group ("Agora Chat (alice)"));
  PurpleBuddy *bob = purple_find_buddy (acc, "bob");
  g_assert_nonnull (bob);
  guint id = g_timeout_add (20, poll_status_text, bob);
  if (!harness_wait_flag (&found, 10000))
    g_source_remove (id);
  g_assert_true (found);

  PurpleConversation *im = purple_conversation_new (PURPLE_CONV_TYPE_IM, acc, "bob");
  g_assert_true (has_line (im, "first line"));
  g_assert_true (has_line (im, "second line"));

  char *error = NULL;
  PurpleCmdStatus st = purple_cmd_do_command (im, "history abc", "history abc", &error);
  g_assert_cmpint (st, ==, PURPLE_CMD_STATUS_FAILED);
  g_assert_cmpstr (error, ==, want->usage);
  g_free (error);

  error = NULL;
  st = purple_cmd_do_command (im, "history", "history", &error);
  g_assert_cmpint (st, ==, PURPLE_CMD_STATUS_OK);
  g_free (error);
  found = FALSE;
  id = g_timeout_add (20, poll_line, im);
  if (!harness_wait_flag (&found, 10000))
    g_source_remove (id);
  g_assert_true (found);

  harness_disconnect (acc);
  harness_quit ();
  local_server_stop (srv);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  if (argc < 2 || (g_strcmp0 (argv[1], "en") != 0 && g_strcmp0 (argv[1], "zh_CN") != 0))
    g_error ("usage: test-l10n en|zh_CN [PLUGIN_DIR_EXPECTED]");
  want = g_strcmp0 (argv[1], "zh_CN") == 0 ? &chinese : &english;
  expected_dir = argc > 2 ? argv[2] : NULL;
  g_test_add_func ("/dist/user-visible-strings", test_user_visible_strings);
  return g_test_run ();
}
