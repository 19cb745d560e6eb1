#pragma once
#include <glib.h>
#include "agora-msync.pb-c.h"

G_BEGIN_DECLS

/* The non-message metas a pull can bring (protocol reference §6.5, §9.2,
 * §9.3) as plain structs.  This file is the one place that knows the NOTIFY
 * JSON shapes, the MUCBody fields we use and the StatisticsBody kicks. */

typedef enum {
  AC_MSYNC_NOTIFY_OTHER,            /* a type we do not act on */
  AC_MSYNC_NOTIFY_ROAMING_DELETE,   /* {"type":"roaming_delete","data":{...}} */
  AC_MSYNC_NOTIFY_CONVERSATION_DELETE, /* {"type":"conv","data":{"op":"del",...}} */
} AcMsyncNotifyKind;

typedef struct {
  AcMsyncNotifyKind kind;
  char     *type;        /* the JSON "type" */
  char     *conv_id;     /* data.to (roaming_delete) / data.id (conv) */
  gboolean  is_group;    /* chatType/type other than "chat" */
  char     *resource;    /* the device that made the change (data.resource / data.res) */
  char     *from;        /* conv: data.from */
  GArray   *ids;         /* guint64: roaming_delete data.msgIdList (may be empty) */
  guint64   delete_time; /* roaming_delete data.deleteTime in ms, 0 = none */
} AcMsyncNotify;

/* payload: NOTIFY Meta.payload (UTF-8 JSON).  NULL + AC_CODEC_ERROR_MALFORMED
 * when it is not a JSON object with a string "type" and an object "data". */
AcMsyncNotify *ac_msync_notify_parse (const guint8 *payload, gsize len, GError **error);
void           ac_msync_notify_free (AcMsyncNotify *n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcMsyncNotify, ac_msync_notify_free)

typedef enum {
  AC_GROUP_EVENT_OTHER,
  AC_GROUP_EVENT_JOINED,   /* PRESENCE, JOIN, DIRECT_JOINED, INVITE_ACCEPT, APPLY_ACCEPT */
  AC_GROUP_EVENT_LEFT,     /* ABSENCE, LEAVE */
  AC_GROUP_EVENT_KICKED,   /* KICK */
  AC_GROUP_EVENT_DESTROYED,/* DESTROY */
} AcGroupEventKind;

typedef struct {
  AcGroupEventKind kind;
  int        operation;  /* MUCBody.Operation as received */
  char      *group_id;   /* mucId.name */
  char      *actor;      /* from.name (operator), may be NULL */
  GPtrArray *members;    /* char*: the users concerned (to[].name, members[]); never empty
                            for JOINED/LEFT/KICKED (the actor stands in when both are empty) */
  char      *reason;     /* may be NULL */
} AcGroupEvent;

AcGroupEvent *ac_group_event_parse (const guint8 *payload, gsize len, GError **error);
void          ac_group_event_free (AcGroupEvent *ev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcGroupEvent, ac_group_event_free)

/* STATISTIC metas: TRUE with the operation and reason when the meta logs this
 * device out (USER_REMOVED, LOGIN_ANOTHER_DEVICE, KICKED_BY_CHANGE_PASSWORD,
 * KICKED_BY_OTHER_DEVICE); FALSE for INFORMATION or an unreadable body. */
gboolean ac_msync_statistic_is_kick (const guint8 *payload, gsize len, int *operation,
                                     char **reason);

G_END_DECLS
