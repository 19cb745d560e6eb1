#pragma once
/* What the msync-*.c files share: the endpoint's state and the handlers of
 * one client frame. */
#include "msync-server.h"
#include "msync-router.h"
#include "msync-frames.h"

G_BEGIN_DECLS

struct _MsyncServer {
  Server      *server;
  MsyncRouter *router;
  GPtrArray   *conns;   /* every open MsyncConn (owned) */
};

/* Items per pull reply. */
#define MSYNC_BATCH 20

/* CommSyncUL.meta from a provisioned device (msync-uplink.c). */
void msync_uplink (MsyncConn *conn, const Easemob__Pb__Meta *meta);

/* The app key of a served app id (NULL if none). */
const char *msync_app_key (MsyncServer *msync, gint64 app);

G_END_DECLS
