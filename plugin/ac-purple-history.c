/* Back-filled and stored messages → conversation windows.  The one place
 * that decides a history line's flags and timestamp.  A message is written
 * only into a window that is open and only once ever (the store's "shown"
 * mark); without a window it stays in the store until one opens. */
#include "ac-purple.h"

#define HISTORY_DEFAULT_N 20

static PurpleCmdId history_cmd;
static gboolean conversations_hooked;

static char *
capped_key (const char *id, gboolean is_group)
{
  return g_strdup_printf ("%c:%s", is_group ? 'g' : 'u', id);
}

static PurpleConversation *
find_conversation (AcAccount *acc, const char *id, gboolean is_group)
{
  if (!is_group)
    return purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, id, acc->account);
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, acc->chat_ids);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, id) == 0)
      {
        PurpleConversation *conv = purple_find_chat (acc->gc, GPOINTER_TO_INT (key));
        if (conv != NULL)
          return conv;
      }
  return NULL;
}

/* The conversation's Agora id and kind; FALSE when it is not one of ours. */
static gboolean
conversation_target (AcAccount *acc, PurpleConversation *conv, const char **id, gboolean *is_group)
{
  if (purple_conversation_get_type (conv) == PURPLE_CONV_TYPE_IM)
    {
      *id = purple_conversation_get_name (conv);
      *is_group = FALSE;
      return TRUE;
    }
  if (purple_conversation_get_type (conv) == PURPLE_CONV_TYPE_CHAT)
    {
      *id = ac_purple_chat_group_id (acc, purple_conv_chat_get_id (PURPLE_CONV_CHAT (conv)));
      *is_group = TRUE;
      return *id != NULL;
    }
  return FALSE;
}

/* A message as a conversation line: its label, escaped, and for non-text
 * bodies the attachment's link, so one can open what the label names. */
char *
ac_purple_message_html (AcAccount *acc, const AcMessage *msg)
{
  g_autofree char *text = ac_message_label (msg);
  char *html = purple_markup_escape_text (text, -1);
  g_autofree char *link = msg->type != AC_BODY_TEXT
    ? ac_api_attachment_url (acc->api, msg->url, msg->secret) : NULL;
  if (link == NULL)
    return html;
  g_autofree char *href = g_markup_escape_text (link, -1);
  char *with_link = g_strdup_printf ("%s <a href=\"%s\">%s</a>", html, href, href);
  g_free (html);
  return with_link;
}

static void
write_one (AcAccount *acc, PurpleConversation *conv, const AcMessage *msg)
{
  const char *me = purple_account_get_username (acc->account);
  gboolean mine = g_strcmp0 (msg->from, me) == 0;
  /* Old messages: DELAYED (no sounds, no "new message" urgency).  Our own,
   * sent from another device, show as sent. */
  PurpleMessageFlags flags = PURPLE_MESSAGE_DELAYED
    | (mine ? PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_REMOTE_SEND : PURPLE_MESSAGE_RECV);
  time_t when = (time_t) (msg->timestamp / 1000);
  g_autofree char *html = ac_purple_message_html (acc, msg);
  const char *who = msg->from != NULL ? msg->from : "";

  if (purple_conversation_get_type (conv) == PURPLE_CONV_TYPE_IM)
    purple_conv_im_write (PURPLE_CONV_IM (conv), who, html, flags, when);
  else
    purple_conv_chat_write (PURPLE_CONV_CHAT (conv), who, html, flags, when);
}

static void
write_messages (AcAccount *acc, PurpleConversation *conv, GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    {
      const AcMessage *msg = messages->pdata[i];
      if (ac_local_store_is_shown (acc->store, msg->id))
        continue;
      write_one (acc, conv, msg);
      g_autoptr (GError) error = NULL;
      if (!ac_local_store_mark_shown (acc->store, msg->id, &error))
        purple_debug_warning ("agorachat", "%s\n", error->message);
    }
}

static void
write_capped_note (AcAccount *acc, PurpleConversation *conv, const char *id, gboolean is_group)
{
  g_autofree char *key = capped_key (id, is_group);
  if (!g_hash_table_remove (acc->capped, key))
    return;
  guint cap = (guint) purple_account_get_int (acc->account, AC_OPT_HISTORY_CAP,
                                              AC_BACKFILL_DEFAULT_CAP);
  g_autofree char *note = g_strdup_printf (
    _("Only the latest %u new messages were loaded; type /history to load older ones."), cap);
  purple_conversation_write (conv, NULL, note, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG,
                             time (NULL));
}

void
ac_purple_history_note_capped (AcAccount *acc, const char *conv_id, gboolean is_group)
{
  g_hash_table_add (acc->capped, capped_key (conv_id, is_group));
}

void
ac_purple_history_write (AcAccount *acc, const char *conv_id, gboolean is_group, GPtrArray *messages,
                         guint unread)
{
  PurpleConversation *conv = find_conversation (acc, conv_id, is_group);
  if (conv == NULL)
    {
      /* Stored only (no window storm); shown when the conversation opens. */
      if (messages->len > 0)
        ac_purple_history_mark_unread (acc, conv_id, is_group, messages->pdata[messages->len - 1],
                                       unread);
      return;
    }
  write_capped_note (acc, conv, conv_id, is_group);
  write_messages (acc, conv, messages);
}

/* An open window learns that its history is incomplete; the next sign-in
 * walks it again (its cursor did not move). */
void
ac_purple_history_note_failed (AcAccount *acc, const char *conv_id, gboolean is_group,
                               const GError *error)
{
  PurpleConversation *conv = find_conversation (acc, conv_id, is_group);
  if (conv == NULL)
    return;
  g_autofree char *text = g_strdup_printf (
    _("The history of this conversation could not be loaded (%s); it will be fetched again at the "
      "next sign-in."), error->message);
  purple_conversation_write (conv, NULL, text, PURPLE_MESSAGE_ERROR | PURPLE_MESSAGE_NO_LOG,
                             time (NULL));
}

/* The buddy's status text / tooltip says how many stored messages from the
 * buddy were never shown (one's own, sent from another device, are not
 * unread), and the latest one; opening the conversation clears it.
 * unread: that count when the caller has it (G_MAXUINT: counted here). */
void
ac_purple_history_mark_unread (AcAccount *acc, const char *conv_id, gboolean is_group,
                               const AcMessage *latest, guint unread)
{
  if (is_group)
    return; /* libpurple 2 has no status text for chats; the store keeps the count */
  PurpleBuddy *buddy = purple_find_buddy (acc->account, conv_id);
  if (buddy == NULL)
    return;
  if (unread == G_MAXUINT)
    unread = ac_local_store_count_unshown (acc->store, conv_id, FALSE,
                                           purple_account_get_username (acc->account));
  char *summary = ac_message_unread_summary (unread, latest);
  if (summary != NULL)
    g_hash_table_replace (acc->summaries, g_strdup (conv_id), summary);
  purple_blist_update_node_icon (PURPLE_BLIST_NODE (buddy));
}

void
ac_purple_history_show_stored (AcAccount *acc, PurpleConversation *conv)
{
  const char *id;
  gboolean is_group;
  if (!conversation_target (acc, conv, &id, &is_group))
    return;
  guint n = (guint) purple_account_get_int (acc->account, AC_OPT_HISTORY_N, HISTORY_DEFAULT_N);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) stored = ac_local_store_messages (acc->store, id, is_group, 0, MAX (n, 1),
                                                          &error);
  if (stored == NULL)
    {
      purple_debug_warning ("agorachat", "%s\n", error->message);
      return;
    }
  /* Opened by a live message: what the store has after it (a back-fill's
   * pages, come meanwhile) is shown as it arrives live, after it, in order. */
  const AcMessage *live = acc->opening_for;
  if (live != NULL)
    for (guint i = stored->len; i > 0; i--)
      {
        const AcMessage *m = stored->pdata[i - 1];
        if (m->timestamp > live->timestamp || (m->timestamp == live->timestamp && m->id > live->id))
          g_ptr_array_remove_index (stored, i - 1);
      }
  write_capped_note (acc, conv, id, is_group);
  write_messages (acc, conv, stored);
  if (!is_group && stored->len > 0)
    ac_purple_history_mark_unread (acc, id, FALSE, stored->pdata[stored->len - 1], G_MAXUINT);
}

static AcAccount *
account_of (PurpleConversation *conv)
{
  return ac_purple_account_state (purple_conversation_get_account (conv));
}

static void
on_conversation_created (PurpleConversation *conv, gpointer data)
{
  AcAccount *acc = account_of (conv);
  /* Chats show their history from join_chat, once their id is mapped. */
  if (acc != NULL && purple_conversation_get_type (conv) == PURPLE_CONV_TYPE_IM)
    ac_purple_history_show_stored (acc, conv);
}

/* ---- /history [N] ---- */

typedef struct {
  AcAccount *acc;
  char      *id;
  gboolean   is_group;
} OlderCall;

static void
on_older (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OlderCall *call = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) older = ac_backfill_load_older_finish (AC_BACKFILL (source), result, &error);
  if (older == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;
  PurpleConversation *conv = find_conversation (call->acc, call->id, call->is_group);
  if (conv == NULL)
    goto out;
  if (older == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Older messages could not be loaded: %s"),
                                               error->message);
      purple_conversation_write (conv, NULL, text, PURPLE_MESSAGE_ERROR | PURPLE_MESSAGE_NO_LOG,
                                 time (NULL));
    }
  else if (older->len == 0)
    purple_conversation_write (conv, NULL, _("There are no older messages on the server."),
                               PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG, time (NULL));
  else
    write_messages (call->acc, conv, older);
out:
  g_free (call->id);
  g_free (call);
}

/* Older messages for an open conversation: first the stored ones never
 * shown (a back-fill without a window stores more than opening shows), then
 * the server's, below the oldest one fetched. */
gboolean
ac_purple_history_load_older (AcAccount *acc, PurpleConversation *conv, guint n)
{
  const char *id;
  gboolean is_group;
  if (!conversation_target (acc, conv, &id, &is_group))
    return FALSE;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) stored = ac_local_store_unshown_messages (acc->store, id, is_group, n, &error);
  if (stored != NULL && stored->len > 0)
    {
      write_messages (acc, conv, stored);
      return TRUE;
    }
  if (stored == NULL)
    purple_debug_warning ("agorachat", "%s\n", error->message);
  OlderCall *call = g_new0 (OlderCall, 1);
  call->acc = acc;
  call->id = g_strdup (id);
  call->is_group = is_group;
  ac_backfill_load_older_async (acc->backfill, id, is_group, n, acc->cancellable, on_older, call);
  return TRUE;
}

static PurpleCmdRet
history_command (PurpleConversation *conv, const char *cmd, char **args, char **error,
                 gpointer data)
{
  AcAccount *acc = account_of (conv);
  if (acc == NULL)
    return PURPLE_CMD_RET_FAILED;
  guint64 n = HISTORY_DEFAULT_N;
  if (args != NULL && args[0] != NULL && *args[0] != '\0'
      && (!g_ascii_string_to_unsigned (args[0], 10, 1, 49, &n, NULL)))
    {
      *error = g_strdup (_("Usage: /history [N] with N from 1 to 49"));
      return PURPLE_CMD_RET_FAILED;
    }
  return ac_purple_history_load_older (acc, conv, (guint) n) ? PURPLE_CMD_RET_OK
                                                               : PURPLE_CMD_RET_FAILED;
}

/* ---- the same from the buddy list / conversation menu ---- */

static void
menu_load_older (PurpleBlistNode *node, gpointer data)
{
  PurpleAccount *account = NULL;
  PurpleConversation *conv = NULL;
  if (PURPLE_BLIST_NODE_IS_BUDDY (node))
    {
      PurpleBuddy *buddy = PURPLE_BUDDY (node);
      account = purple_buddy_get_account (buddy);
      conv = purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM,
                                                    purple_buddy_get_name (buddy), account);
      if (conv == NULL)
        conv = purple_conversation_new (PURPLE_CONV_TYPE_IM, account, purple_buddy_get_name (buddy));
    }
  else if (PURPLE_BLIST_NODE_IS_CHAT (node))
    {
      PurpleChat *chat = PURPLE_CHAT (node);
      account = purple_chat_get_account (chat);
      PurpleConnection *gc = purple_account_get_connection (account);
      const char *group_id = g_hash_table_lookup (purple_chat_get_components (chat), "group_id");
      if (gc == NULL || group_id == NULL)
        return;
      conv = purple_find_conversation_with_account (PURPLE_CONV_TYPE_CHAT, group_id, account);
      if (conv == NULL)
        {
          serv_join_chat (gc, purple_chat_get_components (chat));
          conv = purple_find_conversation_with_account (PURPLE_CONV_TYPE_CHAT, group_id, account);
        }
    }
  AcAccount *acc = conv != NULL ? account_of (conv) : NULL;
  if (acc != NULL)
    ac_purple_history_load_older (acc, conv, HISTORY_DEFAULT_N);
}

GList *
ac_purple_history_node_menu (PurpleBlistNode *node)
{
  if (!PURPLE_BLIST_NODE_IS_BUDDY (node) && !PURPLE_BLIST_NODE_IS_CHAT (node))
    return NULL;
  return g_list_append (NULL, purple_menu_action_new (_("Load older messages"),
                                                      PURPLE_CALLBACK (menu_load_older), NULL, NULL));
}

void
ac_purple_history_register (PurplePlugin *plugin)
{
  history_cmd = purple_cmd_register ("history", "s", PURPLE_CMD_P_PRPL,
                                     PURPLE_CMD_FLAG_IM | PURPLE_CMD_FLAG_CHAT
                                     | PURPLE_CMD_FLAG_PRPL_ONLY | PURPLE_CMD_FLAG_ALLOW_WRONG_ARGS,
                                     AC_PRPL_ID, history_command,
                                     _("history [N]: load N older messages from the server."),
                                     NULL);
}

/* Not in load: protocol plugins load before the conversation subsystem
 * registers its signals, so the first sign-in connects them. */
void
ac_purple_history_hook_conversations (void)
{
  if (conversations_hooked)
    return;
  purple_signal_connect (purple_conversations_get_handle (), "conversation-created",
                         ac_purple_plugin (), PURPLE_CALLBACK (on_conversation_created), NULL);
  conversations_hooked = TRUE;
}

void
ac_purple_history_unregister (void)
{
  purple_cmd_unregister (history_cmd);
  purple_signals_disconnect_by_handle (ac_purple_plugin ());
  conversations_hooked = FALSE;
}

/* After a remote deletion (R5): the open window forgets what it showed,
 * shows again what the store still has (at least as many lines as before),
 * then says how many messages went. */
void
ac_purple_history_after_delete (AcAccount *acc, const char *conv_id, gboolean is_group,
                                guint n_deleted)
{
  PurpleConversation *conv = find_conversation (acc, conv_id, is_group);
  if (conv == NULL)
    return;
  guint n = g_list_length (purple_conversation_get_message_history (conv));
  n = MAX (n, (guint) purple_account_get_int (acc->account, AC_OPT_HISTORY_N, HISTORY_DEFAULT_N));
  purple_conversation_clear_message_history (conv);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) stored = ac_local_store_messages (acc->store, conv_id, is_group, 0,
                                                          MAX (n, 1), &error);
  if (stored == NULL)
    purple_debug_warning ("agorachat", "%s\n", error->message);
  for (guint i = 0; stored != NULL && i < stored->len; i++)
    {
      const AcMessage *msg = stored->pdata[i];
      write_one (acc, conv, msg);
      if (!ac_local_store_mark_shown (acc->store, msg->id, NULL))
        purple_debug_warning ("agorachat", "cannot mark a message shown\n");
    }
  g_autofree char *line = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "%u message was deleted from the server",
                 "%u messages were deleted from the server", n_deleted), n_deleted);
  purple_conversation_write (conv, NULL, line, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG,
                             time (NULL));
}
