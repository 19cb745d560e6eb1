#pragma once
#include <json-glib/json-glib.h>
#include "store.h"

G_BEGIN_DECLS

/* Bulk import (our extension; format in server/README.md).  Runs inside
 * the caller's store transaction; on error nothing should be committed.
 * Returns the reply's "data" object. */
JsonNode *import_run (Store *store, gint64 app, JsonNode *root, GError **error);

G_END_DECLS
