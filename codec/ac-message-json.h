#pragma once
#include "ac-message.h"

G_BEGIN_DECLS

/* The REST/JSON message format (protocol reference §3.4):
 *   payload = {"type","from","to","ext":{…},"bodies":[{"type":"txt","msg":…}, …]}
 *   meta    = {"id":"<decimal>","timestamp":<ms>,"from":"<full JID with res>",
 *              "to":"<full JID>","payload":"<payload as a JSON string>"}
 * This file is the one place that knows these shapes.
 *
 * Decisions where Agora's behaviour is unknown (tested in tests/codec/test-message-json.c):
 *  - Output keys are in alphabetical order, as in the captured harness meta; "ext" is
 *    always written ({} when empty); an empty ext reads back as msg->ext == NULL.
 *  - COMBINE is written as a "combine" body; "txt"+subType "sub_combine" is read too.
 *  - customExts is written as an array of one-key objects; a plain object is also read.
 *  - Whole numbers are written as JSON integers (size 640, not 640.0); integers are read
 *    from 12 or 12.0, anything non-integral where an integer belongs is MALFORMED.
 *  - Without payload.type a payload alone is single chat; with a meta, a conference
 *    domain in meta.to makes it a group (chat rooms cannot be told apart there).
 *  - A wrong JSON type anywhere is MALFORMED naming the field ("body.msg must be a
 *    string"); an unknown body type is UNSUPPORTED; missing meta.id is MALFORMED.
 *  - payload.from/to win over the names in meta.from/meta.to, which fill them when absent. */

AcMessage  *ac_message_from_payload (JsonObject *payload, GError **error);
JsonObject *ac_message_to_payload (const AcMessage *msg);
AcMessage  *ac_message_from_payload_string (const char *json, GError **error);
char       *ac_message_to_payload_string (const AcMessage *msg);

JsonObject *ac_message_to_rest_meta (const AcMessage *msg, const char *app_key);
AcMessage  *ac_message_from_rest_meta (JsonObject *meta, GError **error);

G_END_DECLS
