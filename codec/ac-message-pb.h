#pragma once
#include "ac-message.h"
#include "agora-msync.pb-c.h"

G_BEGIN_DECLS

/* protobuf MessageBody / Meta (ns=CHAT) <-> AcMessage (protocol reference §4.3, §5).
 * This file is the one place that knows the protobuf message shapes.
 *
 * protoc-c names the package easemob.pb as Easemob__Pb__* (types) and
 * easemob__pb__* (functions); the EasemobPb__ aliases keep the first draft
 * of this header compiling. */
typedef Easemob__Pb__MessageBody EasemobPb__MessageBody;
typedef Easemob__Pb__Meta        EasemobPb__Meta;

/* MessageBody: from/to carry only `name`, TEXT never sets subType, ext is
 * encoded as the SDK does (object->JSON_STRING, string->STRING, bool->BOOL,
 * integer->INT, other number->DOUBLE).  Allocated with the system allocator
 * like an unpacked message; free with ac_pb_message_body_free() (which is
 * easemob__pb__message_body__free_unpacked (body, NULL)). */
Easemob__Pb__MessageBody *ac_message_to_body (const AcMessage *msg);
void                      ac_pb_message_body_free (Easemob__Pb__MessageBody *body);
/* Fails with UNSUPPORTED for types other than CHAT/GROUPCHAT/CHATROOM,
 * MALFORMED for a body without contents. */
AcMessage                *ac_message_from_body (const Easemob__Pb__MessageBody *body, GError **error);

/* Meta{id, from (full JID with from_resource), to, timestamp, ns=CHAT, payload=MessageBody}.
 * id is always set; timestamp only when non-zero; from only when msg->from is set;
 * to.clientResource only when msg->to_resource is set. */
GBytes    *ac_message_to_meta (const AcMessage *msg, const char *app_key);
AcMessage *ac_message_from_meta (const guint8 *data, gsize len, GError **error);

/* The same Meta as a struct, to be placed in a CommSyncDL/CommSyncUL and packed
 * by the caller; free with ac_pb_meta_free() (= easemob__pb__meta__free_unpacked (meta, NULL)). */
Easemob__Pb__Meta *ac_message_to_pb_meta (const AcMessage *msg, const char *app_key);
void               ac_pb_meta_free (Easemob__Pb__Meta *meta);
/* From an already unpacked Meta (e.g. one of CommSyncDL.metas):
 * UNSUPPORTED for ns != CHAT, MALFORMED when the payload is not a MessageBody. */
AcMessage         *ac_message_from_pb_meta (const Easemob__Pb__Meta *meta, GError **error);

/* The same, as the base64 text of messageroaming's msgs[].msg. */
char      *ac_message_to_meta_base64 (const AcMessage *msg, const char *app_key);
AcMessage *ac_message_from_meta_base64 (const char *b64, GError **error);
/* Just the validated, decoded bytes (packed Meta), for callers that keep them. */
GBytes    *ac_meta_from_base64 (const char *b64, GError **error);

G_END_DECLS
