/* Plugin registration: protocol info, account options, translations. */
#include "ac-purple.h"
#include "ac-purple-delete.h"

#include <locale.h>

static PurplePlugin *the_plugin;

PurplePlugin *
ac_purple_plugin (void)
{
  return the_plugin;
}

static const char *
list_icon (PurpleAccount *account, PurpleBuddy *buddy)
{
  return "agorachat";
}

static GList *
status_types (PurpleAccount *account)
{
  GList *types = NULL;
  /* Agora's REST surface has no presence: server conversations show as
   * available so that Pidgin's default "hide offline" keeps them visible. */
  types = g_list_append (types, purple_status_type_new_full (PURPLE_STATUS_AVAILABLE, NULL, NULL,
                                                             TRUE, TRUE, FALSE));
  types = g_list_append (types, purple_status_type_new_full (PURPLE_STATUS_OFFLINE, NULL, NULL,
                                                             TRUE, TRUE, FALSE));
  return types;
}

static void
tooltip_text (PurpleBuddy *buddy, PurpleNotifyUserInfo *info, gboolean full)
{
  g_autofree char *text = ac_purple_status_text (buddy);
  if (text != NULL)
    purple_notify_user_info_add_pair_plaintext (info, _("Latest"), text);
}

static void
set_status (PurpleAccount *account, PurpleStatus *status)
{
}

static void
add_buddy (PurpleConnection *gc, PurpleBuddy *buddy, PurpleGroup *group)
{
}

static void
remove_buddy (PurpleConnection *gc, PurpleBuddy *buddy, PurpleGroup *group)
{
}

/* Pidgin shows these in the buddy list and in Conversation → More, Finch
 * in its buddy-list context menu. */
static GList *
blist_node_menu (PurpleBlistNode *node)
{
  return g_list_concat (ac_purple_history_node_menu (node), ac_purple_delete_node_menu (node));
}

static PurplePluginProtocolInfo prpl_info = {
  .options = OPT_PROTO_CHAT_TOPIC,
  .icon_spec = NO_BUDDY_ICONS,
  .list_icon = list_icon,
  .status_text = ac_purple_status_text,
  .tooltip_text = tooltip_text,
  .status_types = status_types,
  .chat_info = ac_purple_chat_info,
  .chat_info_defaults = ac_purple_chat_info_defaults,
  .login = ac_purple_login,
  .close = ac_purple_close,
  .set_status = set_status,
  .add_buddy = add_buddy,
  .remove_buddy = remove_buddy,
  .join_chat = ac_purple_join_chat,
  .send_im = ac_purple_send_im,
  .chat_send = ac_purple_chat_send,
  .get_chat_name = ac_purple_get_chat_name,
  .blist_node_menu = blist_node_menu,
  .struct_size = sizeof (PurplePluginProtocolInfo),
};

static gboolean
plugin_load (PurplePlugin *plugin)
{
  ac_purple_history_register (plugin);
  ac_purple_commands_register ();
  ac_purple_delete_register_signals (plugin);
  ac_purple_live_register_signals (plugin);
  /* Emitted when a sign-in's back-fill has finished (tests wait for it). */
  purple_signal_register (plugin, "agorachat-backfill-done", purple_marshal_VOID__POINTER, NULL, 1,
                          purple_value_new (PURPLE_TYPE_SUBTYPE, PURPLE_SUBTYPE_CONNECTION));
  return TRUE;
}

static gboolean
plugin_unload (PurplePlugin *plugin)
{
  /* libpurple closes the module next: no thread may still run its code. */
  ac_local_store_wait_for_opens ();
  ac_purple_history_unregister ();
  ac_purple_commands_unregister ();
  purple_signals_unregister_by_instance (plugin);
  return TRUE;
}

static PurplePluginInfo info = {
  .magic = PURPLE_PLUGIN_MAGIC,
  .major_version = PURPLE_MAJOR_VERSION,
  .minor_version = PURPLE_MINOR_VERSION,
  .type = PURPLE_PLUGIN_PROTOCOL,
  .priority = PURPLE_PRIORITY_DEFAULT,
  .id = AC_PRPL_ID,
  .name = "Agora Chat",
  .version = "0.1.0",
  .homepage = "https://www.agora.io/",
  .load = plugin_load,
  .unload = plugin_unload,
  .extra_info = &prpl_info,
};

static void
add_string_option (const char *label, const char *key, const char *def)
{
  prpl_info.protocol_options = g_list_append (prpl_info.protocol_options,
                                              purple_account_option_string_new (label, key, def));
}

static void
init_plugin (PurplePlugin *plugin)
{
  /* Before any translated name or option label is built (not in load). */
  /* AGORACHAT_LOCALEDIR: translations of an uninstalled build (tests, a
   * per-user copy of the plugin next to its own locale tree). */
  const char *localedir = g_getenv ("AGORACHAT_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  the_plugin = plugin;

  info.summary = _("Agora Chat protocol plugin");
  info.description = _("Agora Chat (Easemob) messaging with server-side history "
                       "back-filled into your conversations.");

  add_string_option (_("App key (org#app)"), AC_OPT_APP_KEY, "");
  add_string_option (_("REST URL (empty: discover)"), AC_OPT_REST_URL, "");
  add_string_option (_("WebSocket URL (empty: discover)"), AC_OPT_WS_URL, "");
  add_string_option (_("Discovery URL"), AC_OPT_DISCOVERY_URL, AC_DEFAULT_DISCOVERY_URL);

  GList *modes = NULL;
  PurpleKeyValuePair *kv;
  static const struct { const char *key; const char *label; } mode_list[] = {
    { "all-new", N_("Everything new") },
    { "latest", N_("The latest messages") },
    { "none", N_("None") },
  };
  for (guint i = 0; i < G_N_ELEMENTS (mode_list); i++)
    {
      kv = g_new0 (PurpleKeyValuePair, 1);
      kv->key = g_strdup (_(mode_list[i].label));
      kv->value = g_strdup (mode_list[i].key);
      modes = g_list_append (modes, kv);
    }
  prpl_info.protocol_options = g_list_append (prpl_info.protocol_options,
    purple_account_option_list_new (_("History on sign-in"), AC_OPT_HISTORY, modes));
  prpl_info.protocol_options = g_list_append (prpl_info.protocol_options,
    purple_account_option_int_new (_("Latest messages per conversation"), AC_OPT_HISTORY_N,
                                   AC_BACKFILL_DEFAULT_LATEST_N));
  prpl_info.protocol_options = g_list_append (prpl_info.protocol_options,
    purple_account_option_int_new (_("Most new messages per conversation"), AC_OPT_HISTORY_CAP,
                                   AC_BACKFILL_DEFAULT_CAP));
}

PURPLE_INIT_PLUGIN (agorachat, init_plugin, info)
