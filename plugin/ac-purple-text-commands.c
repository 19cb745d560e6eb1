/* The plugin's /commands for UIs that send "/history" as plain text.
 * Pidgin and Finch run libpurple commands before sending; bitlbee does not
 * (it hands every IRC line to purple_conv_*_send), so there a line starting
 * with one of our commands is run here instead of being sent to the peer. */
#include "ac-purple.h"

#include <string.h>

/* purple_core_init()'s UI id of bitlbee's libpurple module. */
#define BITLBEE_UI "BitlBee"

static gboolean hooked;

static gboolean
ran_as_command (PurpleAccount *account, PurpleConversation *conv, char **message)
{
  if (conv == NULL || *message == NULL || g_strcmp0 (purple_core_get_ui (), BITLBEE_UI) != 0
      || g_strcmp0 (purple_account_get_protocol_id (account), AC_PRPL_ID) != 0)
    return FALSE;
  g_autofree char *text = purple_markup_strip_html (*message);
  if (text[0] != '/' || text[1] == '/' || text[1] == '\0')
    return FALSE;
  g_autofree char *markup = g_markup_escape_text (text + 1, -1);
  char *error = NULL;
  PurpleCmdStatus st = purple_cmd_do_command (conv, text + 1, markup, &error);
  if (st == PURPLE_CMD_STATUS_NOT_FOUND)
    {
      g_free (error);
      return FALSE; /* not ours: an ordinary message that starts with "/" */
    }
  if (error != NULL)
    purple_conversation_write (conv, NULL, error, PURPLE_MESSAGE_ERROR | PURPLE_MESSAGE_NO_LOG,
                               time (NULL));
  g_free (error);
  g_free (*message);
  *message = NULL; /* libpurple sends nothing */
  return TRUE;
}

static void
on_sending_im (PurpleAccount *account, const char *receiver, char **message, gpointer data)
{
  ran_as_command (account, purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, receiver,
                                                                  account),
                  message);
}

static void
on_sending_chat (PurpleAccount *account, char **message, int id, gpointer data)
{
  PurpleConnection *gc = purple_account_get_connection (account);
  ran_as_command (account, gc != NULL ? purple_find_chat (gc, id) : NULL, message);
}

void
ac_purple_text_commands_hook (void)
{
  if (hooked)
    return;
  void *handle = purple_conversations_get_handle ();
  purple_signal_connect (handle, "sending-im-msg", ac_purple_plugin (),
                         PURPLE_CALLBACK (on_sending_im), NULL);
  purple_signal_connect (handle, "sending-chat-msg", ac_purple_plugin (),
                         PURPLE_CALLBACK (on_sending_chat), NULL);
  hooked = TRUE;
}
