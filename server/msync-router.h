#pragma once
#include <libsoup/soup.h>
#include "store.h"

G_BEGIN_DECLS

/* Who is online over MSYNC, and delivery: every item for a user is queued
 * in the store (store-msync.c) for each online device of that user, or for
 * the user as a whole when none is online, and each online device gets a
 * NOTICE naming the queue. */

/* One WebSocket connection (msync-server.c owns it). */
typedef struct _MsyncServer MsyncServer;
typedef struct {
  MsyncServer             *owner;
  SoupWebsocketConnection *ws;
  char                    *peer;        /* remote address, for logs */
  gboolean                 provisioned;
  gboolean                 closing;     /* refused or replaced: frames are ignored */
  gint64                   app;
  char                    *app_key;
  char                    *user;
  char                    *resource;
  char                    *own_queue;   /* "user@easemob.com/resource" */
} MsyncConn;

/* Sends one frame unless the connection is closing (msync-server.c). */
void msync_conn_send (MsyncConn *conn, GBytes *frame);

typedef struct _MsyncRouter MsyncRouter;

MsyncRouter *msync_router_new (Store *store);
void         msync_router_free (MsyncRouter *router);

void       msync_router_add (MsyncRouter *router, MsyncConn *conn);
/* FALSE when conn was not registered (e.g. already replaced). */
gboolean   msync_router_remove (MsyncRouter *router, MsyncConn *conn);
MsyncConn *msync_router_find (MsyncRouter *router, gint64 app, const char *user, const char *resource);
guint      msync_router_online (MsyncRouter *router, gint64 app, const char *user);

/* An id for items the server makes (notifications, acks of receipts):
 * (ms << 20) with bit 19 set, so they never equal a stored message id
 * unless a millisecond held 2^19 messages. */
guint64    msync_router_new_id (MsyncRouter *router);

/* Queues `meta` for user's online devices other than `except_resource`,
 * or, when there is none and `offline` is TRUE, for the user as a whole. */
gboolean   msync_router_deliver_meta (MsyncRouter *router, gint64 app, const char *user,
                                      const char *except_resource, const char *queue, gint ns,
                                      guint64 item_id, GBytes *meta, gboolean offline,
                                      GError **error);
/* A stored message to its recipient(s) (the peer, or every group member but
 * the sender) in the sender's queue, and to the sender's other online devices
 * in the sender's own JID with the sending device's resource.  live FALSE:
 * online devices only. */
gboolean   msync_router_deliver_message (MsyncRouter *router, gint64 app, const char *app_key,
                                         const AcMessage *msg, gboolean live, GError **error);

G_END_DECLS
