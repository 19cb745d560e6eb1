#pragma once
#include "ac-message.h"

G_BEGIN_DECLS

/* The REST/JSON message format (protocol reference §3.4):
 *   payload = {"type","from","to","ext":{…},"bodies":[{"type":"txt","msg":…}, …]}
 *   meta    = {"id":"<decimal>","timestamp":<ms>,"from":"<full JID with res>",
 *              "to":"<full JID>","payload":"<payload as a JSON string>"}
 * This file is the one place that knows these shapes. */

AcMessage  *ac_message_from_payload (JsonObject *payload, GError **error);
JsonObject *ac_message_to_payload (const AcMessage *msg);
AcMessage  *ac_message_from_payload_string (const char *json, GError **error);
char       *ac_message_to_payload_string (const AcMessage *msg);

JsonObject *ac_message_to_rest_meta (const AcMessage *msg, const char *app_key);
AcMessage  *ac_message_from_rest_meta (JsonObject *meta, GError **error);

G_END_DECLS
