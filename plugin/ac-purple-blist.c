/* Server conversations → buddy list: one-to-one as PurpleBuddy, groups as
 * PurpleChat (components group_id and name), in a group of this account.
 * Nodes the user moved or aliased stay as the user left them: we only
 * create missing nodes, and we change an alias only if we set it ourselves. */
#include "ac-purple.h"

#define OUR_ALIAS "agorachat-alias" /* node setting: the alias we set last */

/* Not translated: the name is the protocol's and the account's, and purple
 * finds the group by name, so a translated name would make a second group
 * (and leave the first) whenever the user's language changes. */
PurpleGroup *
ac_purple_blist_group (AcAccount *acc)
{
  g_autofree char *name = g_strdup_printf ("Agora Chat (%s)",
                                           purple_account_get_username (acc->account));
  PurpleGroup *group = purple_find_group (name);
  if (group == NULL)
    {
      group = purple_group_new (name);
      purple_blist_add_group (group, NULL);
    }
  return group;
}

static PurpleChat *
find_chat (AcAccount *acc, const char *group_id)
{
  return purple_blist_find_chat (acc->account, group_id);
}

/* Set alias only when the user has not chosen one of their own. */
static void
set_chat_alias (PurpleChat *chat, const char *alias)
{
  PurpleBlistNode *node = PURPLE_BLIST_NODE (chat);
  const char *ours = purple_blist_node_get_string (node, OUR_ALIAS);
  const char *current = chat->alias;
  if (alias == NULL || *alias == '\0')
    return;
  if (current != NULL && g_strcmp0 (current, ours) != 0)
    return; /* the user's own alias */
  purple_blist_alias_chat (chat, alias);
  purple_blist_node_set_string (node, OUR_ALIAS, alias);
}

/* Quietly: serv_got_alias() would write "bob is now known as …" into an
 * open conversation on every sign-in. */
static void
set_server_alias (AcAccount *acc, const char *who, const char *alias)
{
  PurpleBuddy *buddy = purple_find_buddy (acc->account, who);
  if (buddy == NULL || g_strcmp0 (purple_buddy_get_server_alias (buddy), alias) == 0)
    return;
  purple_blist_server_alias_buddy (buddy, alias);
  PurpleConversation *conv = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, who,
                                                                    acc->account);
  if (conv != NULL)
    purple_conversation_autoset_title (conv);
}

void
ac_purple_blist_update (AcAccount *acc, GPtrArray *convs)
{
  PurpleGroup *group = NULL;
  for (guint i = 0; i < convs->len; i++)
    {
      AcConversation *conv = convs->pdata[i];
      g_autofree char *summary =
        ac_message_unread_summary (conv->unread, conv->last != NULL && conv->last->from != NULL
                                                 ? conv->last : NULL);
      if (!conv->is_group)
        {
          PurpleBuddy *buddy = purple_find_buddy (acc->account, conv->id);
          if (buddy == NULL)
            {
              if (group == NULL)
                group = ac_purple_blist_group (acc);
              buddy = purple_buddy_new (acc->account, conv->id, NULL);
              purple_blist_add_buddy (buddy, NULL, group, NULL);
            }
          if (conv->name != NULL)
            set_server_alias (acc, conv->id, conv->name);
          if (summary != NULL)
            g_hash_table_replace (acc->summaries, g_strdup (conv->id), g_steal_pointer (&summary));
          purple_prpl_got_user_status (acc->account, conv->id, "available", NULL);
          continue;
        }
      PurpleChat *chat = find_chat (acc, conv->id);
      if (chat == NULL)
        {
          if (group == NULL)
            group = ac_purple_blist_group (acc);
          GHashTable *components = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_insert (components, g_strdup ("group_id"), g_strdup (conv->id));
          g_hash_table_insert (components, g_strdup ("name"), g_strdup (conv->name ? conv->name : ""));
          chat = purple_chat_new (acc->account, NULL, components);
          purple_blist_add_chat (chat, group, NULL);
        }
      set_chat_alias (chat, conv->name);
    }
}

void
ac_purple_blist_set_group_names (AcAccount *acc, GPtrArray *groups)
{
  for (guint i = 0; i < groups->len; i++)
    {
      AcGroupInfo *info = groups->pdata[i];
      PurpleChat *chat = find_chat (acc, info->id);
      if (chat == NULL || info->name == NULL)
        continue;
      g_hash_table_replace (purple_chat_get_components (chat), g_strdup ("name"),
                            g_strdup (info->name));
      set_chat_alias (chat, info->name);
      AcConversation conv = { .id = info->id, .is_group = TRUE, .name = info->name };
      g_autoptr (GError) error = NULL;
      if (!ac_local_store_save_conversation (acc->store, &conv, &error))
        purple_debug_warning ("agorachat", "%s\n", error->message);
    }
}

void
ac_purple_blist_set_nicknames (AcAccount *acc, GHashTable *nicks)
{
  GHashTableIter iter;
  gpointer user, nick;
  g_hash_table_iter_init (&iter, nicks);
  while (g_hash_table_iter_next (&iter, &user, &nick))
    set_server_alias (acc, user, nick);
}

char *
ac_purple_status_text (PurpleBuddy *buddy)
{
  AcAccount *acc = ac_purple_account_state (purple_buddy_get_account (buddy));
  if (acc == NULL)
    return NULL;
  const char *text = g_hash_table_lookup (acc->summaries, purple_buddy_get_name (buddy));
  return text != NULL ? g_markup_escape_text (text, -1) : NULL;
}

/* ---- chats ---- */

GList *
ac_purple_chat_info (PurpleConnection *gc)
{
  GList *list = NULL;
  struct proto_chat_entry *pce = g_new0 (struct proto_chat_entry, 1);
  pce->label = _("Group ID");
  pce->identifier = "group_id";
  pce->required = TRUE;
  list = g_list_append (list, pce);
  pce = g_new0 (struct proto_chat_entry, 1);
  pce->label = _("Name");
  pce->identifier = "name";
  list = g_list_append (list, pce);
  return list;
}

GHashTable *
ac_purple_chat_info_defaults (PurpleConnection *gc, const char *chat_name)
{
  GHashTable *defaults = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  if (chat_name != NULL)
    g_hash_table_insert (defaults, "group_id", g_strdup (chat_name));
  return defaults;
}

char *
ac_purple_get_chat_name (GHashTable *components)
{
  return g_strdup (g_hash_table_lookup (components, "group_id"));
}

const char *
ac_purple_chat_group_id (AcAccount *acc, int chat_id)
{
  return g_hash_table_lookup (acc->chat_ids, GINT_TO_POINTER (chat_id));
}

typedef struct {
  AcAccount *acc;
  int        chat_id;
} MembersCall;

static void
on_members (GObject *source, GAsyncResult *result, gpointer user_data)
{
  MembersCall *call = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) members = ac_api_group_members_finish (AC_API (source), result, &error);
  if (members == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        purple_debug_warning ("agorachat", "group members: %s\n", error->message);
      g_free (call);
      return;
    }
  PurpleConversation *conv = purple_find_chat (call->acc->gc, call->chat_id);
  if (conv != NULL)
    {
      GList *users = NULL, *flags = NULL;
      for (guint i = 0; i < members->len; i++)
        {
          users = g_list_append (users, members->pdata[i]);
          flags = g_list_append (flags, GINT_TO_POINTER (i == 0 ? PURPLE_CBFLAGS_FOUNDER
                                                                : PURPLE_CBFLAGS_NONE));
        }
      purple_conv_chat_add_users (PURPLE_CONV_CHAT (conv), users, NULL, flags, FALSE);
      g_list_free (users);
      g_list_free (flags);
    }
  g_free (call);
}

void
ac_purple_join_chat (PurpleConnection *gc, GHashTable *components)
{
  /* NULL while still signing in: the chat is joined from the buddy list afterwards. */
  AcAccount *acc = ac_purple_account_state (purple_connection_get_account (gc));
  const char *group_id = g_hash_table_lookup (components, "group_id");
  if (acc == NULL || group_id == NULL || *group_id == '\0')
    return;
  /* Already open: reuse its id rather than minting a second one. */
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, acc->chat_ids);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, group_id) == 0 && purple_find_chat (gc, GPOINTER_TO_INT (key)) != NULL)
      return;
  int chat_id = acc->next_chat_id++;
  g_hash_table_insert (acc->chat_ids, GINT_TO_POINTER (chat_id), g_strdup (group_id));
  PurpleConversation *conv = serv_got_joined_chat (gc, chat_id, group_id);
  const char *name = g_hash_table_lookup (components, "name");
  if (name != NULL && *name != '\0')
    purple_conversation_set_title (conv, name);
  MembersCall *call = g_new0 (MembersCall, 1);
  call->acc = acc;
  call->chat_id = chat_id;
  ac_api_group_members_async (acc->api, group_id, acc->cancellable, on_members, call);
  ac_purple_history_show_stored (acc, conv);
}
