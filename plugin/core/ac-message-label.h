#pragma once
#include <glib.h>
#include "ac-message.h"

G_BEGIN_DECLS

/* What a reader sees of a message in one line, in the user's language:
 * the text itself for text, "[File] report.pdf (12 kB)" and the like for the
 * other bodies.  Never NULL. */
char *ac_message_label (const AcMessage *msg);

/* The buddy's status text: "2 unread: <label of latest>", "2 unread", or
 * the latest message's label alone; NULL when there is nothing to say. */
char *ac_message_unread_summary (guint unread, const AcMessage *latest);

G_END_DECLS
