#pragma once
#include "request.h"

G_BEGIN_DECLS

/* Every REST handler, grouped by the file that holds it.  router.c's
 * table says which path and which caller each one answers. */

/* auth.c */
void auth_token (Request *req);
void auth_token_expires (Request *req);

/* admin.c */
void admin_create_users (Request *req);
void admin_create_group (Request *req);
void admin_send_user_messages (Request *req);
void admin_send_group_messages (Request *req);
void admin_add_contact (Request *req);

/* import.c */
void import_handle (Request *req);

/* conversations.c */
void conversations_page (Request *req);
void conversations_legacy (Request *req);
void conversations_cursor (Request *req);

/* roaming.c */
void roaming_history (Request *req);

/* deletion.c */
void deletion_by_ids (Request *req);
void deletion_by_time (Request *req);
void deletion_all (Request *req);
void deletion_conversation (Request *req);

/* groups.c */
void groups_joined (Request *req);
void groups_info (Request *req);
void groups_members (Request *req);
void groups_contacts (Request *req);
void groups_user_metadata (Request *req);
void groups_user_get (Request *req);
/* The group by id with its members (also for group-members.c); NULL after a
 * 400 (not a group id) or 404 reply. */
StoreGroup *groups_load (Request *req, const char *id);

/* group-members.c */
void group_members_add_one (Request *req);
void group_members_add_batch (Request *req);
void group_members_invite (Request *req);
void group_members_remove (Request *req);
void group_members_quit (Request *req);

/* discovery.c */
void discovery_server_json (Request *req);

G_END_DECLS
