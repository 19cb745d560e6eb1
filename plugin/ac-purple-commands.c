/* The deletion commands, for Finch users and clients without the buddy-list
 * menu (bitlbee): /delete-before, /delete-last, /delete-conversation.  Each
 * only opens the same confirmation dialog as the menu actions. */
#include "ac-purple-delete.h"

#define MAX_DELETE_LAST 500

static PurpleCmdId cmd_ids[3];

static PurpleCmdRet
delete_before_cmd (PurpleConversation *conv, const char *cmd, char **args, char **error,
                   gpointer data)
{
  AcAccount *acc;
  const char *id;
  gboolean is_group;
  gint64 time_s;
  if (!ac_purple_delete_conversation_target (conv, &acc, &id, &is_group))
    return PURPLE_CMD_RET_FAILED;
  if (args == NULL || args[0] == NULL || !ac_purple_delete_parse_time (args[0], &time_s))
    {
      *error = g_strdup (_("Usage: /delete-before YYYY-MM-DD [HH:MM[:SS]] (local time)"));
      return PURPLE_CMD_RET_FAILED;
    }
  ac_purple_delete_before_confirm (acc, id, is_group, time_s);
  return PURPLE_CMD_RET_OK;
}

static PurpleCmdRet
delete_last_cmd (PurpleConversation *conv, const char *cmd, char **args, char **error,
                 gpointer data)
{
  AcAccount *acc;
  const char *id;
  gboolean is_group;
  guint64 n = 0;
  if (!ac_purple_delete_conversation_target (conv, &acc, &id, &is_group))
    return PURPLE_CMD_RET_FAILED;
  if (args == NULL || args[0] == NULL
      || !g_ascii_string_to_unsigned (args[0], 10, 1, MAX_DELETE_LAST, &n, NULL))
    {
      *error = g_strdup_printf (_("Usage: /delete-last N with N from 1 to %u"), MAX_DELETE_LAST);
      return PURPLE_CMD_RET_FAILED;
    }
  ac_purple_delete_last_confirm (acc, id, is_group, (guint) n);
  return PURPLE_CMD_RET_OK;
}

static PurpleCmdRet
delete_conversation_cmd (PurpleConversation *conv, const char *cmd, char **args, char **error,
                         gpointer data)
{
  AcAccount *acc;
  const char *id;
  gboolean is_group;
  if (!ac_purple_delete_conversation_target (conv, &acc, &id, &is_group))
    return PURPLE_CMD_RET_FAILED;
  const char *arg = args != NULL && args[0] != NULL ? g_strstrip (args[0]) : "";
  gboolean keep = g_strcmp0 (arg, "--keep-messages") == 0;
  if (!keep && *arg != '\0')
    {
      *error = g_strdup (_("Usage: /delete-conversation [--keep-messages]"));
      return PURPLE_CMD_RET_FAILED;
    }
  ac_purple_delete_conversation_dialog (acc, id, is_group, !keep);
  return PURPLE_CMD_RET_OK;
}

void
ac_purple_commands_register (void)
{
  const PurpleCmdFlag flags = PURPLE_CMD_FLAG_IM | PURPLE_CMD_FLAG_CHAT | PURPLE_CMD_FLAG_PRPL_ONLY
                              | PURPLE_CMD_FLAG_ALLOW_WRONG_ARGS;
  cmd_ids[0] = purple_cmd_register ("delete-before", "s", PURPLE_CMD_P_PRPL, flags, AC_PRPL_ID,
    delete_before_cmd,
    _("delete-before YYYY-MM-DD [HH:MM[:SS]]: delete this conversation's messages at or before "
      "that local time from the server, for you only (asks first)."), NULL);
  cmd_ids[1] = purple_cmd_register ("delete-last", "w", PURPLE_CMD_P_PRPL, flags, AC_PRPL_ID,
    delete_last_cmd,
    _("delete-last N: delete the N latest messages of this conversation from the server, "
      "for you only (asks first)."), NULL);
  cmd_ids[2] = purple_cmd_register ("delete-conversation", "s", PURPLE_CMD_P_PRPL, flags,
    AC_PRPL_ID, delete_conversation_cmd,
    _("delete-conversation [--keep-messages]: delete this conversation from the server for "
      "everyone, with its messages unless --keep-messages (asks first)."), NULL);
}

void
ac_purple_commands_unregister (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cmd_ids); i++)
    if (cmd_ids[i] != 0)
      {
        purple_cmd_unregister (cmd_ids[i]);
        cmd_ids[i] = 0;
      }
}
