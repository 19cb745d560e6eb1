#pragma once
/* Shared by ac-msync.c (the connection) and ac-msync-send.c (uplink
 * messages and their acks); nothing else includes it. */
#include "ac-msync.h"
#include "ac-msync-frames.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

typedef enum {
  STATE_STOPPED,
  STATE_WAITING,      /* backoff before the next connect */
  STATE_CONNECTING,   /* WebSocket handshake */
  STATE_PROVISIONING, /* PROVISION sent */
  STATE_READY,
  STATE_REAUTH,       /* re-signing in after a refused token */
} State;

typedef struct {
  AcMsync *ms;
  GTask   *task;
  guint64  local_id;
  GBytes  *frame;
  guint    timeout_id;
  gboolean sent;
} SendOp;

/* A pull reply handed out a slice of metas per main-loop iteration, so
 * that a big batch never freezes the UI; acked when all were handled. */
typedef struct {
  Easemob__Pb__CommSyncDL *dl;
  gsize                    next;
} Reply;

typedef struct {
  Easemob__Pb__JID *queue;
  guint64           last_key;
  guint             repulls;
  gboolean          again;   /* a NOTICE came while this pull ran */
} Pull;

struct _AcMsync {
  GObject parent;
  AcApi        *api;
  SoupSession  *session;
  char         *ws_url;
  char         *resource;
  State         state;
  GCancellable *connect_cancel;
  SoupWebsocketConnection *ws;
  guint         connect_timeout_id;
  guint         provision_timeout_id;
  guint         reconnect_id;
  guint         heartbeat_id;
  gint64        last_rx_us;
  gboolean      ping_sent;
  guint         attempt;
  gboolean      ever_connected;
  gboolean      reauth_tried;
  guint         connect_count;
  guint         generation; /* of connect attempts: late callbacks of old ones are ignored */
  guint         reauth_count;
  guint         token_serial; /* ac_http_get_token_serial() of the token the PROVISION carried */
  guint64       last_local_id;
  GHashTable   *pending;  /* guint64* local id -> SendOp* (owned) */
  GQueue        unsent;   /* SendOp* waiting for a connection (borrowed from pending) */
  GHashTable   *pulls;    /* queue key -> Pull* */
  GQueue        replies;  /* Reply*: pull replies whose metas are being handed out */
  guint         replies_id;
  guint         heartbeat_ms, ack_timeout_ms, backoff_ms;
};

/* ac-msync.c */
void ac_msync_ws_send (AcMsync *ms, GBytes *frame);
void ac_msync_drop (AcMsync *ms, GError *error);

/* ac-msync-send.c */
void ac_msync_send_op_free (SendOp *op);
void ac_msync_fail_sends (AcMsync *ms, AcMsyncError code, const char *text);
void ac_msync_flush_unsent (AcMsync *ms);
void ac_msync_handle_send_ack (AcMsync *ms, const Easemob__Pb__CommSyncDL *dl);
