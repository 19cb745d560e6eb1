#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* Errors of the wire codec: input that does not parse as what it claims to be. */
#define AC_CODEC_ERROR (ac_codec_error_quark ())
GQuark ac_codec_error_quark (void);

typedef enum {
  AC_CODEC_ERROR_MALFORMED,   /* not valid JSON / protobuf / base64 / id / JID */
  AC_CODEC_ERROR_UNSUPPORTED, /* well-formed, but a kind we do not turn into a message
                                 (ns != CHAT, MessageBody type NORMAL, ack types …) */
} AcCodecError;

G_END_DECLS
