#pragma once
#include <glib.h>
#include "agora-msync.pb-c.h"

G_BEGIN_DECLS

/* MSYNC frames (protocol reference §7): one binary WebSocket message is one
 * packed MSync envelope.  This file is the one place that builds and reads
 * the envelopes and their CommSync/CommUnread/CommNotice/Provision payloads. */

#define MSYNC_ERROR (msync_error_quark ())
GQuark msync_error_quark (void);
typedef enum {
  MSYNC_ERROR_MALFORMED,   /* not protobuf, or the wrong shape */
  MSYNC_ERROR_UNSUPPORTED, /* a command the server does not take */
} MsyncError;

typedef Easemob__Pb__Status__ErrorCode MsyncStatus;
#define MSYNC_OK   EASEMOB__PB__STATUS__ERROR_CODE__OK
#define MSYNC_FAIL EASEMOB__PB__STATUS__ERROR_CODE__FAIL

/* One client frame, unpacked.  The payload is unpacked per command:
 * provision for PROVISION, sync for SYNC; UNREAD has none. */
typedef struct {
  Easemob__Pb__MSync      *envelope;
  Easemob__Pb__Provision  *provision;
  Easemob__Pb__CommSyncUL *sync;
} MsyncFrame;

MsyncFrame *msync_frame_parse (const guint8 *data, gsize len, GError **error);
void        msync_frame_free (MsyncFrame *frame);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MsyncFrame, msync_frame_free)

/* Queue names.  In the store a queue is "name@domain[/resource]" (domain
 * always spelled out); on the wire it is the short JID of §14: no app key,
 * no domain for easemob.com, the resource kept. */
char               *msync_queue_name (const char *name, const char *domain, const char *resource);
/* NULL (MALFORMED) when the JID has no name. */
char               *msync_queue_from_jid (const Easemob__Pb__JID *jid, GError **error);
Easemob__Pb__JID   *msync_queue_to_jid (const char *queue);

/* Server -> client frames, packed. */
GBytes *msync_frame_provision_reply (MsyncStatus code, const char *reason, const char *resource,
                                     gint64 expires_at_ms);
/* queues: StoreMsyncQueue* (queue, n). */
GBytes *msync_frame_unread (const GPtrArray *queues, gint64 now_ms);
GBytes *msync_frame_notice (const char *queue);
/* metas: GBytes* packed Metas (may be NULL or empty); next_key 0 = none. */
GBytes *msync_frame_sync (const char *queue, const GPtrArray *metas, guint64 next_key,
                          gboolean is_last, GError **error);
GBytes *msync_frame_send_ack (MsyncStatus code, const char *reason, guint64 meta_id,
                              guint64 server_id, guint64 timestamp);

/* Metas the server makes itself, packed.  NOTIFY: payload is UTF-8 JSON (§6.5). */
GBytes *msync_meta_notify (guint64 id, const char *app_key, const char *user, const char *json,
                           guint64 timestamp);
/* STATISTIC with a StatisticsBody (§9.3), e.g. a kick. */
GBytes *msync_meta_statistic (guint64 id, Easemob__Pb__StatisticsBody__Operation op,
                              const char *reason, guint64 timestamp);
/* MUC (§9.2) with a MUCBody, the one place that knows its shape: mucId is
 * the group's JID in the conference domain, from/to[] are user JIDs.
 * `targets` (NULL-terminated, may be NULL) go into to[] when `as_members`
 * is FALSE, else into members[] (what the SDK reports as membersPresence /
 * membersAbsence).  member_count > 0 sets mucMemberCount; name sets mucName.
 * Meta.from is the group, Meta.to the recipient. */
typedef struct {
  const char  *app_key;
  const char  *group_id;
  const char  *group_name;          /* may be NULL */
  Easemob__Pb__MUCBody__Operation op;
  const char  *from;                /* operator or the member concerned */
  const char * const *targets;
  gboolean     as_members;
  gint         member_count;
} MsyncMucEvent;
GBytes *msync_meta_muc (guint64 id, const MsyncMucEvent *event, const char *recipient,
                        guint64 timestamp);
/* Any Meta, packed. */
GBytes *msync_meta_pack (const Easemob__Pb__Meta *meta);

G_END_DECLS
