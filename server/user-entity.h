#pragma once
#include <json-glib/json-glib.h>
#include "store.h"

G_BEGIN_DECLS

/* Users as the REST API shows them, and the rules for user names. */

/* A stable name-based UUID (SHA-1 of app key and name, RFC 4122 layout):
 * Agora answers uuids we have no other use for. name NULL = the app's. */
char     *entity_uuid (const char *app_key, const char *name);

/* {"uuid","type":"user","created","modified","username","activated"[,"nickname"]} */
JsonNode *user_entity_to_json (const char *app_key, const StoreUser *user);

/* Lower-cases like Agora and checks [a-z0-9_.-]{1,64}; the error text is
 * Agora's "username [x] is not legal". */
char     *username_normalize (const char *name, GError **error);

G_END_DECLS
