#pragma once
#include "ac-message.h"
#include "store.h"

G_BEGIN_DECLS

/* Messages that enter through REST (admin sends, bulk import): a REST body
 * ({"type":"txt","msg":…} and the other §3.4 bodies) plus sender,
 * receiver and ext, turned into an AcMessage by the codec, checked against
 * the store and inserted. */

/* body_type (REST name) overrides body's "type"; NULL: body must carry it.
 * ext may be NULL.  timestamp 0 = now.
 * The sender must be a user (or "admin", Agora's default sender); the
 * receiver a user or, for groups, an existing group. */
/* The device resource REST-sent messages come from. */
#define REST_RESOURCE "rest"

AcMessage *rest_message_insert (Store *store, gint64 app, const char *from, const char *to,
                                AcChatType chat_type, JsonObject *body, const char *body_type,
                                JsonObject *ext, gint64 timestamp, GError **error);

G_END_DECLS
