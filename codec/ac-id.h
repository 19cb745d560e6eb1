#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* Message ids are unsigned 64-bit integers; on every JSON surface they are
 * decimal strings because they exceed 2^53. */

/* Strict: digits only, no sign, no spaces, no overflow. */
gboolean ac_id_parse (const char *s, guint64 *out);
char    *ac_id_to_string (guint64 id);

G_END_DECLS
