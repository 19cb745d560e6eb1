#pragma once
#include "server.h"

G_BEGIN_DECLS

/* The MSYNC WebSocket endpoint "/websocket" (protocol reference §7):
 * PROVISION, UNREAD, pull/ack, uplink messages, NOTICEs, and the
 * multi-device notifications of §6.5. */
typedef struct _MsyncServer MsyncServer;

/* Creates the delivery tables, drops week-old queued items, registers the
 * WebSocket handler on server->soup and listens for REST-sent messages. */
MsyncServer *msync_server_new (Server *server, GError **error);
void         msync_server_free (MsyncServer *msync);

/* §6.5 NOTIFY metas for `user`'s devices other than `resource` (the REST
 * caller's, may be NULL).  Failures are logged: the REST call has succeeded. */
void msync_notify_roaming_delete (MsyncServer *msync, gint64 app, const char *app_key,
                                  const char *user, const char *resource, AcChatType chat_type,
                                  const char *peer, const guint64 *ids, guint n_ids,
                                  gint64 delete_time);
void msync_notify_conversation_deleted (MsyncServer *msync, gint64 app, const char *app_key,
                                        const char *user, const char *resource,
                                        AcChatType chat_type, const char *peer);

/* MUC metas (§9.2, msync-muc.c) after a group membership change, already
 * made in the store: `users` were added (by `operator_name`), kicked (by
 * `operator_name`) or left on their own (one user).  Every device concerned
 * gets them in the group's queue (offline users on their next login) except
 * `caller_resource` of the user `caller`, the device that made the change. */
typedef enum {
  MSYNC_MEMBERS_ADDED,
  MSYNC_MEMBERS_KICKED,
  MSYNC_MEMBER_LEFT,
} MsyncMembershipChange;
void msync_notify_membership (MsyncServer *msync, gint64 app, const char *group_id,
                              MsyncMembershipChange change, const char *operator_name,
                              const char * const *users, const char *caller,
                              const char *caller_resource);

G_END_DECLS
