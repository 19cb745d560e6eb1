#pragma once
/* Remote deletion in the libpurple layer (spec R5, R6): the buddy-list /
 * conversation menu actions and the commands share these operations. */
#include "ac-purple.h"

/* Plugin signals (registered in load, emitted for UIs and tests):
 * "agorachat-delete-batch" (PurpleConnection*, const char *conv_id, guint batch, guint n_batches)
 *    after the server confirmed one batch of ids (1-based);
 * "agorachat-delete-done" (PurpleConnection*, const char *conv_id)
 *    when a deletion ended, deleted or not (its outcome was already told). */
void   ac_purple_delete_register_signals (PurplePlugin *plugin);

/* Menu actions for a buddy or chat of ours (blist_node_menu). */
GList *ac_purple_delete_node_menu (PurpleBlistNode *node);

/* The dialogs, for a conversation (conv_id, is_group) of acc.  Each asks;
 * nothing is sent before the user confirms. */
void   ac_purple_delete_before_dialog (AcAccount *acc, const char *conv_id, gboolean is_group,
                                       gint64 default_time_s);
/* Asks to confirm deleting before time_s (seconds, local input), no form. */
void   ac_purple_delete_before_confirm (AcAccount *acc, const char *conv_id, gboolean is_group,
                                        gint64 time_s);
void   ac_purple_delete_pick_dialog (AcAccount *acc, const char *conv_id, gboolean is_group);
/* Asks to confirm deleting the n latest stored messages. */
void   ac_purple_delete_last_confirm (AcAccount *acc, const char *conv_id, gboolean is_group,
                                      guint n);
void   ac_purple_delete_conversation_dialog (AcAccount *acc, const char *conv_id,
                                             gboolean is_group, gboolean delete_messages);

/* "YYYY-MM-DD[ HH:MM[:SS]]" in local time → seconds since the epoch; FALSE
 * when it is not such a date. */
gboolean ac_purple_delete_parse_time (const char *text, gint64 *out_s);

/* The conversation's Agora id and kind; FALSE when it is not one of ours. */
gboolean ac_purple_delete_conversation_target (PurpleConversation *conv, AcAccount **acc,
                                               const char **conv_id, gboolean *is_group);

/* ac-purple-commands.c: /delete-before, /delete-last, /delete-conversation. */
void   ac_purple_commands_register (void);
void   ac_purple_commands_unregister (void);
