/* The deletion commands, for Finch users and clients without the buddy-list
 * menu (bitlbee): /delete-before, /delete-last, /delete-conversation.  Each
 * only opens the same confirmation dialog as the menu actions. */
#include "ac-purple-delete.h"

#define MAX_DELETE_LAST 500

/* One command on its conversation's target; FALSE with *error set (usage) when
 * the argument is wrong. */
typedef gboolean (*CommandRun) (AcAccount *acc, const char *id, gboolean is_group,
                                const char *arg, char **error);

typedef struct {
  const char *name;
  const char *args;   /* purple_cmd_register's argument spec */
  CommandRun  run;
  const char *help;   /* N_(): translated when registered */
} Command;

static gboolean
delete_before (AcAccount *acc, const char *id, gboolean is_group, const char *arg, char **error)
{
  gint64 time_s;
  if (arg == NULL || !ac_purple_delete_parse_time (arg, &time_s))
    {
      *error = g_strdup (_("Usage: /delete-before YYYY-MM-DD [HH:MM[:SS]] (local time)"));
      return FALSE;
    }
  ac_purple_delete_before_confirm (acc, id, is_group, time_s);
  return TRUE;
}

static gboolean
delete_last (AcAccount *acc, const char *id, gboolean is_group, const char *arg, char **error)
{
  guint64 n = 0;
  if (arg == NULL || !g_ascii_string_to_unsigned (arg, 10, 1, MAX_DELETE_LAST, &n, NULL))
    {
      *error = g_strdup_printf (_("Usage: /delete-last N with N from 1 to %u"), MAX_DELETE_LAST);
      return FALSE;
    }
  ac_purple_delete_last_confirm (acc, id, is_group, (guint) n);
  return TRUE;
}

static gboolean
delete_conversation (AcAccount *acc, const char *id, gboolean is_group, const char *arg,
                     char **error)
{
  const char *flag = arg != NULL ? arg : "";
  gboolean keep = g_strcmp0 (flag, "--keep-messages") == 0;
  if (!keep && *flag != '\0')
    {
      *error = g_strdup (_("Usage: /delete-conversation [--keep-messages]"));
      return FALSE;
    }
  ac_purple_delete_conversation_dialog (acc, id, is_group, !keep);
  return TRUE;
}

static const Command commands[] = {
  { "delete-before", "s", delete_before,
    N_("delete-before YYYY-MM-DD [HH:MM[:SS]]: delete this conversation's messages at or before "
       "that local time from the server, for you only (asks first).") },
  { "delete-last", "w", delete_last,
    N_("delete-last N: delete the N latest messages of this conversation from the server, "
       "for you only (asks first).") },
  { "delete-conversation", "s", delete_conversation,
    N_("delete-conversation [--keep-messages]: delete this conversation from the server for "
       "everyone, with its messages unless --keep-messages (asks first).") },
};

static PurpleCmdId cmd_ids[G_N_ELEMENTS (commands)];

static PurpleCmdRet
on_command (PurpleConversation *conv, const char *cmd, char **args, char **error, gpointer data)
{
  const Command *command = data;
  AcAccount *acc;
  const char *id;
  gboolean is_group;
  if (!ac_purple_delete_conversation_target (conv, &acc, &id, &is_group))
    return PURPLE_CMD_RET_FAILED;
  const char *arg = args != NULL && args[0] != NULL ? g_strstrip (args[0]) : NULL;
  return command->run (acc, id, is_group, arg, error) ? PURPLE_CMD_RET_OK : PURPLE_CMD_RET_FAILED;
}

void
ac_purple_commands_register (void)
{
  const PurpleCmdFlag flags = PURPLE_CMD_FLAG_IM | PURPLE_CMD_FLAG_CHAT | PURPLE_CMD_FLAG_PRPL_ONLY
                              | PURPLE_CMD_FLAG_ALLOW_WRONG_ARGS;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    cmd_ids[i] = purple_cmd_register (commands[i].name, commands[i].args, PURPLE_CMD_P_PRPL, flags,
                                      AC_PRPL_ID, on_command, _(commands[i].help),
                                      (gpointer) &commands[i]);
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
