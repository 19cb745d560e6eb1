#pragma once
#include <gio/gio.h>
#include "ac-api.h"
#include "ac-message.h"
#include "ac-msync-events.h"

G_BEGIN_DECLS

/* The account's MSYNC WebSocket (protocol reference §7): PROVISION with the
 * token and this profile's resource, UNREAD → pulls → acks by key, NOTICEs,
 * uplink messages acknowledged by metaId, the heartbeat of §7.8, reconnects
 * with backoff after a drop, one re-sign-in when the token is refused, and
 * no reconnect after a kick (§9.3) or a refusal that a retry cannot cure.
 * All I/O is asynchronous on the thread-default main context. */
#define AC_TYPE_MSYNC (ac_msync_get_type ())
G_DECLARE_FINAL_TYPE (AcMsync, ac_msync, AC, MSYNC, GObject)

#define AC_MSYNC_ERROR (ac_msync_error_quark ())
GQuark ac_msync_error_quark (void);
typedef enum {
  AC_MSYNC_ERROR_NOT_CONNECTED,       /* a send could not go out in time: no connection */
  AC_MSYNC_ERROR_TIMEOUT,             /* no ack within the SDK's 15 s */
  AC_MSYNC_ERROR_REFUSED,             /* the server acked with an error status (§7.6) */
  AC_MSYNC_ERROR_AUTH,                /* PROVISION refused, also after one re-sign-in */
  AC_MSYNC_ERROR_FORBIDDEN,           /* PROVISION refused for good (IM forbidden, limits) */
  AC_MSYNC_ERROR_KICKED_OTHER_DEVICE, /* STATISTIC: signed in elsewhere / kicked by a device */
  AC_MSYNC_ERROR_KICKED_PASSWORD,     /* STATISTIC: the password was changed */
  AC_MSYNC_ERROR_USER_REMOVED,        /* STATISTIC: the user was removed */
  AC_MSYNC_ERROR_STOPPED,             /* ac_msync_stop() while a send waited */
} AcMsyncError;

/* The SDK's limits (§10), defaults of the timing setters. */
#define AC_MSYNC_ACK_TIMEOUT_MS     15000
#define AC_MSYNC_HEARTBEAT_MS       30000
#define AC_MSYNC_CONNECT_TIMEOUT_MS 10000
#define AC_MSYNC_BACKOFF_MS         1000
#define AC_MSYNC_BACKOFF_MAX_MS     30000

/* api: signed in (its HTTP client holds the token); ws_url "ws(s)://host/websocket";
 * resource: this profile's device resource; resolver may be NULL. */
AcMsync    *ac_msync_new (AcApi *api, const char *ws_url, const char *resource,
                          GProxyResolver *resolver);
/* Tests: shorter heartbeat, ack timeout and first backoff step (0 keeps a value). */
void        ac_msync_set_timing (AcMsync *ms, guint heartbeat_ms, guint ack_timeout_ms,
                                 guint backoff_ms);
void        ac_msync_start (AcMsync *ms);
/* Closes the socket, fails waiting sends with STOPPED, never reconnects. */
void        ac_msync_stop (AcMsync *ms);
gboolean    ac_msync_is_connected (AcMsync *ms);
/* The resource the server's PROVISION reply gave (authoritative, §1.6). */
const char *ac_msync_get_resource (AcMsync *ms);
/* Counters for tests and the debug log. */
guint       ac_msync_get_connect_count (AcMsync *ms);
guint       ac_msync_get_reauth_count (AcMsync *ms);

/* msg: chat_type, from (me), to, body.  Sent when connected (queued meanwhile);
 * finishes with the server id and server timestamp, or an AC_MSYNC_ERROR whose
 * message says why (no ack within the ack timeout, or the server's refusal). */
void     ac_msync_send_async (AcMsync *ms, const AcMessage *msg, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
gboolean ac_msync_send_finish (AcMsync *ms, GAsyncResult *result, guint64 *server_id,
                               guint64 *timestamp, GError **error);

/* Signals:
 *  "connected" (gboolean reconnected): PROVISION accepted; reconnected is TRUE after a drop
 *     (the owner catches up through roaming).
 *  "disconnected" (GError *error): the socket dropped; a reconnect is scheduled.
 *  "failed" (GError *error): stopped for good (kick, refused sign-in).
 *  "message" (AcMessage *msg, const char *conv_id, gboolean is_group): a chat message from
 *     a pull, in queue order; handlers store it before returning (the pull is acked after).
 *  "notify" (AcMsyncNotify *n): a roaming_delete / conv del made on another device.
 *  "group-event" (AcGroupEvent *ev): a MUC membership event. */

G_END_DECLS
