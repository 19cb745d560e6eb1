#pragma once
#include <glib.h>
#include "ac-message.h"
#include "agora-msync.pb-c.h"

G_BEGIN_DECLS

/* The client side of MSYNC (protocol reference §7): one binary WebSocket
 * message is one packed MSync envelope.  This file is the one place in the
 * plugin that builds the client's frames and reads the server's; the
 * server's own frame code lives in server/msync-frames.c. */

/* PROVISION (§7.3): guid + "$t$<token>" auth, Provision{osType OTHER,
 * resource, deviceUuid, authToken {"token":"$t$<token>"}}. */
GBytes *ac_msync_frame_provision (const char *app_key, const char *user, const char *resource,
                                  const char *token);
/* UNREAD (§7.4, also the heartbeat ping of §7.8): 08 00 40 01 58 00. */
GBytes *ac_msync_frame_unread (void);
/* A pull of queue (§7.5); key != 0 also acknowledges everything up to key. */
GBytes *ac_msync_frame_pull (const Easemob__Pb__JID *queue, guint64 key);
/* An uplink message (§7.6): Meta{id=local_id, to, ns CHAT, payload MessageBody}
 * without from/timestamp.  msg->from must be set (MessageBody.from). */
GBytes *ac_msync_frame_send (const AcMessage *msg, guint64 local_id, const char *app_key);

/* One server frame, unpacked; exactly one payload pointer is set, per command. */
typedef struct {
  Easemob__Pb__MSync        *envelope;
  Easemob__Pb__MSync__Command command;
  Easemob__Pb__Provision    *provision; /* PROVISION reply */
  Easemob__Pb__CommSyncDL   *sync;      /* SYNC: pull reply or send ack */
  Easemob__Pb__CommUnreadDL *unread;    /* UNREAD reply */
  Easemob__Pb__CommNotice   *notice;    /* NOTICE */
} AcMsyncFrame;

/* AC_CODEC_ERROR_MALFORMED when the bytes or the payload do not unpack or
 * the frame has no command/payload; UNSUPPORTED for an unknown command. */
AcMsyncFrame *ac_msync_frame_parse (const guint8 *data, gsize len, GError **error);
void          ac_msync_frame_free (AcMsyncFrame *frame);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcMsyncFrame, ac_msync_frame_free)

/* Status helpers: a missing status is OK (the SDK reads errorCode 0). */
Easemob__Pb__Status__ErrorCode ac_msync_status_code (const Easemob__Pb__Status *status);
const char                    *ac_msync_status_reason (const Easemob__Pb__Status *status);

/* "name@domain/resource" of a queue JID, a stable key for the pulls in flight. */
char              *ac_msync_queue_key (const Easemob__Pb__JID *queue);
Easemob__Pb__JID  *ac_msync_jid_copy (const Easemob__Pb__JID *jid);
void               ac_msync_jid_free (Easemob__Pb__JID *jid);

G_END_DECLS
