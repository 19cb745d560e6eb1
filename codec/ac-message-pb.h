#pragma once
#include "ac-message.h"
#include "agora-msync.pb-c.h"

G_BEGIN_DECLS

/* protobuf MessageBody / Meta (ns=CHAT) <-> AcMessage (protocol reference §4.3, §5).
 * This file is the one place that knows the protobuf message shapes. */

/* MessageBody: from/to carry only `name`, TEXT never sets subType, ext is
 * encoded as the SDK does (object->JSON_STRING, string->STRING, bool->BOOL,
 * integer->INT, other number->DOUBLE).  Free with easemob_pb__message_body__free_unpacked (…, NULL)
 * via ac_pb_message_body_free(). */
EasemobPb__MessageBody *ac_message_to_body (const AcMessage *msg);
void                    ac_pb_message_body_free (EasemobPb__MessageBody *body);
/* Fails with UNSUPPORTED for types other than CHAT/GROUPCHAT/CHATROOM. */
AcMessage              *ac_message_from_body (const EasemobPb__MessageBody *body, GError **error);

/* Meta{id, from (full JID with from_resource), to, timestamp, ns=CHAT, payload=MessageBody}. */
GBytes    *ac_message_to_meta (const AcMessage *msg, const char *app_key);
AcMessage *ac_message_from_meta (const guint8 *data, gsize len, GError **error);

/* The same, as the base64 text of messageroaming's msgs[].msg. */
char      *ac_message_to_meta_base64 (const AcMessage *msg, const char *app_key);
AcMessage *ac_message_from_meta_base64 (const char *b64, GError **error);

G_END_DECLS
