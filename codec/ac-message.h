#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Values equal MessageBody.Type of the protobuf schema. */
typedef enum {
  AC_CHAT_SINGLE = 1,
  AC_CHAT_GROUP = 2,
  AC_CHAT_ROOM = 3,
} AcChatType;

/* Values equal MessageBody.Content.Type of the protobuf schema. */
typedef enum {
  AC_BODY_TEXT = 0,
  AC_BODY_IMAGE = 1,
  AC_BODY_VIDEO = 2,
  AC_BODY_LOCATION = 3,
  AC_BODY_AUDIO = 4,
  AC_BODY_FILE = 5,
  AC_BODY_CMD = 6,
  AC_BODY_CUSTOM = 7,
  AC_BODY_COMBINE = 8,
} AcBodyType;

/* The one internal message: what the REST/JSON format and the protobuf
 * MessageBody/Meta both convert to and from.  Only the first body/content
 * is kept, as the official SDK does. */
typedef struct {
  guint64    id;            /* server id (0 = not yet assigned) */
  guint64    timestamp;     /* ms since epoch (0 = unknown) */
  AcChatType chat_type;
  char      *from;          /* plain ids, no domain */
  char      *to;
  char      *from_resource; /* sender's device, may be NULL */
  char      *to_resource;   /* directed device, may be NULL */

  AcBodyType type;
  char      *text;          /* txt msg, combine compatible text */
  char      *url;           /* remotePath */
  char      *secret;        /* secretKey */
  char      *filename;      /* displayName */
  gint64     file_length;   /* -1 = unknown */
  double     width, height; /* image size; 0 = unknown */
  gint       duration;      /* audio/video seconds; -1 = unknown */
  double     lat, lng;
  char      *address;
  char      *building_name;
  char      *action;        /* cmd */
  char      *custom_event;
  JsonObject *custom_exts;  /* custom: merged customExts, may be NULL */
  char      *thumb;         /* video thumbnail url */
  char      *thumb_secret;
  char      *title;         /* combine */
  char      *summary;
  gint       combine_level;
  gboolean   gif;

  JsonObject *ext;          /* may be NULL */
} AcMessage;

AcMessage  *ac_message_new (void);
AcMessage  *ac_message_copy (const AcMessage *msg);
void        ac_message_free (AcMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcMessage, ac_message_free)

/* REST names: "txt" "img" "video" "loc" "audio" "file" "cmd" "custom" "combine". */
const char *ac_body_type_to_rest (AcBodyType type);
gboolean    ac_body_type_from_rest (const char *name, AcBodyType *out);
/* "chat" "groupchat" "chatroom"; parsing is case-insensitive and also takes "groupChat", "chatRoom". */
const char *ac_chat_type_to_rest (AcChatType type);
gboolean    ac_chat_type_from_rest (const char *name, AcChatType *out);

G_END_DECLS
