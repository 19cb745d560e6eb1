#pragma once
/* The thin libpurple 2 layer: shared between its files only.  Everything
 * about Agora lives in core/; this layer maps it onto purple objects. */
#include <glib.h>
#include <glib/gi18n-lib.h>
#include <purple.h>

#include "ac-api.h"
#include "ac-backfill.h"
#include "ac-local-store.h"
#include "ac-message-label.h"
#include "ac-msync.h"

#define AC_PRPL_ID "prpl-agorachat"
#define AC_DEFAULT_DISCOVERY_URL "https://ars.chat.agora.io"

/* Account option keys: tests and packagers script them in accounts.xml. */
#define AC_OPT_APP_KEY        "app_key"
#define AC_OPT_REST_URL       "rest_url"
#define AC_OPT_WS_URL         "ws_url"
#define AC_OPT_DISCOVERY_URL  "discovery_url"
#define AC_OPT_HISTORY        "history_on_signin"
#define AC_OPT_HISTORY_N      "history_latest_n"
#define AC_OPT_HISTORY_CAP    "history_cap"

/* Per-connection state (purple_connection_get_protocol_data). */
typedef struct {
  PurpleConnection *gc;
  PurpleAccount    *account;
  GCancellable     *cancellable;
  AcHttp           *http;
  AcApi            *api;
  AcLocalStore     *store;      /* NULL until opened (on a worker thread) */
  gboolean          signed_in;  /* the token is in; with the store, the list is fetched */
  AcBackfill       *backfill;   /* made when the store is open */
  char             *ws_url;
  GHashTable       *chat_ids;   /* GINT_TO_POINTER (purple chat id) -> group id */
  int               next_chat_id;
  GHashTable       *capped;     /* "u:<id>"/"g:<id>" of conversations whose back-fill was cut */
  GHashTable       *summaries;  /* peer id -> status text (unread, latest message) */
  AcMsync          *msync;      /* live messages (ac-purple-live.c) */
  AcBackfill       *catchup;    /* all-new walk after a reconnect */
  const AcMessage  *opening_for; /* the live message whose arrival opens a window: the stored
                                    history shown then is what came before it */
} AcAccount;

/* agorachat.c */
PurplePlugin *ac_purple_plugin (void);

/* ac-purple-login.c */
void     ac_purple_login (PurpleAccount *account);
/* Our state of a signed-in account of this protocol; NULL when it is not
 * connected (a dialog may be answered after the account went offline) or
 * its store is not open yet. */
AcAccount *ac_purple_account_state (PurpleAccount *account);
void     ac_purple_close (PurpleConnection *gc);
PurpleConnectionError ac_purple_error_reason (const GError *error);

/* ac-purple-blist.c */
PurpleGroup *ac_purple_blist_group (AcAccount *acc);
void     ac_purple_blist_update (AcAccount *acc, GPtrArray *convs);
void     ac_purple_blist_set_group_names (AcAccount *acc, GPtrArray *groups);
void     ac_purple_blist_set_nicknames (AcAccount *acc, GHashTable *nicks);
GList   *ac_purple_chat_info (PurpleConnection *gc);
GHashTable *ac_purple_chat_info_defaults (PurpleConnection *gc, const char *chat_name);
char    *ac_purple_get_chat_name (GHashTable *components);
void     ac_purple_join_chat (PurpleConnection *gc, GHashTable *components);
const char *ac_purple_chat_group_id (AcAccount *acc, int chat_id);
char    *ac_purple_status_text (PurpleBuddy *buddy);

/* ac-purple-history.c */
char    *ac_purple_message_html (AcAccount *acc, const AcMessage *msg);
/* unread: the conversation's count, shown beside the buddy when no window is
 * open; G_MAXUINT: counted here. */
void     ac_purple_history_write (AcAccount *acc, const char *conv_id, gboolean is_group,
                                  GPtrArray *messages, guint unread);
void     ac_purple_history_note_capped (AcAccount *acc, const char *conv_id, gboolean is_group);
void     ac_purple_history_show_stored (AcAccount *acc, PurpleConversation *conv);
void     ac_purple_history_after_delete (AcAccount *acc, const char *conv_id, gboolean is_group,
                                         guint n_deleted);
void     ac_purple_history_mark_unread (AcAccount *acc, const char *conv_id, gboolean is_group,
                                        const AcMessage *latest, guint unread);
gboolean ac_purple_history_load_older (AcAccount *acc, PurpleConversation *conv, guint n);
void     ac_purple_history_note_failed (AcAccount *acc, const char *conv_id, gboolean is_group,
                                        const GError *error);
GList   *ac_purple_history_node_menu (PurpleBlistNode *node);
void     ac_purple_history_register (PurplePlugin *plugin);
void     ac_purple_history_hook_conversations (void);
void     ac_purple_history_unregister (void);

/* ac-purple-text-commands.c: our /commands typed in bitlbee (sent as text) */
void     ac_purple_text_commands_hook (void);

/* ac-purple-live.c: live messages over MSYNC */
void     ac_purple_live_start (AcAccount *acc, GProxyResolver *resolver);
void     ac_purple_live_stop (AcAccount *acc);
int      ac_purple_send_im (PurpleConnection *gc, const char *who, const char *message,
                            PurpleMessageFlags flags);
int      ac_purple_chat_send (PurpleConnection *gc, int id, const char *message,
                              PurpleMessageFlags flags);
void     ac_purple_live_register_signals (PurplePlugin *plugin);
