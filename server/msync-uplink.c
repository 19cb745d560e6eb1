/* Uplink metas (CommSyncUL.meta, §7.6, §7.7): messages are stored as
 * roaming history and delivered; "conversation read" marks the
 * conversation read; receipts are passed on.  Every CHAT meta is answered
 * with an ack carrying its metaId; refusals carry the reasons of §7.6's
 * table so the SDK reports the right error. */
#include "msync-private.h"
#include "ac-message-pb.h"
#include "ac-jid.h"

#include <string.h>

/* Decisions where Agora's answer is unknown (server/README.md). */
#define REASON_MALFORMED     "Sorry, message is malformed"
#define REASON_NO_USER       "user not found"
#define REASON_NO_GROUP      "group not found"
#define REASON_NOT_MEMBER    "not in group or chatroom"
#define REASON_NO_RECALL     "message recall disabled"
#define REASON_NO_EDIT       "message edit disabled"
#define REASON_NO_ROOM       "chat rooms are not supported"
#define REASON_UNSUPPORTED   "unsupported message type"
#define REASON_SERVER        "Sorry, server error"

static guint64
now_ms (void)
{
  return (guint64) (g_get_real_time () / 1000);
}

static void
ack (MsyncConn *conn, guint64 meta_id, MsyncStatus code, const char *reason, guint64 server_id,
     guint64 timestamp)
{
  g_autoptr(GBytes) frame = msync_frame_send_ack (code, reason, meta_id, server_id, timestamp);

  msync_conn_send (conn, frame);
}

static void
refuse (MsyncConn *conn, guint64 meta_id, MsyncStatus code, const char *reason)
{
  ack (conn, meta_id, code, reason, 0, now_ms ());
}

/* Ends the transaction the caller began: commits when `ok`, else rolls back. */
static gboolean
in_transaction (Store *store, gboolean ok, GError **error)
{
  if (!ok)
    {
      store_rollback (store);
      return FALSE;
    }
  return store_commit (store, error);
}

static gboolean
is_group_jid (const Easemob__Pb__JID *jid)
{
  return jid && jid->domain && strstr (jid->domain, "conference") != NULL;
}

/* The peer (user or group id) the meta is addressed to: Meta.to, else the
 * body's to. */
static char *
target_of (const Easemob__Pb__Meta *meta, const Easemob__Pb__MessageBody *body, gboolean group)
{
  const char *name = meta->to && meta->to->name ? meta->to->name
                     : body->to ? body->to->name : NULL;

  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return NULL;
  /* User names are lower case; group ids are digits. */
  return group ? g_strdup (name) : g_ascii_strdown (name, -1);
}

/* NULL when the sender may write to the target; else the refusal reason. */
static const char *
check_target (MsyncConn *conn, AcChatType type, const char *target)
{
  Store *store = conn->owner->server->store;

  if (type == AC_CHAT_GROUP)
    {
      g_autoptr(StoreGroup) group = store_group_get (store, conn->app, target, FALSE, NULL);
      if (group == NULL)
        return REASON_NO_GROUP;
      if (!store_group_is_member (store, conn->app, target, conn->user))
        return REASON_NOT_MEMBER;
      return NULL;
    }
  {
    g_autoptr(StoreUser) user = store_user_get (store, conn->app, target, NULL);
    return user ? NULL : REASON_NO_USER;
  }
}

static void
send_message (MsyncConn *conn, const Easemob__Pb__Meta *meta, AcChatType type, const char *target)
{
  MsyncServer *msync = conn->owner;
  Store *store = msync->server->store;
  guint64 meta_id = meta->has_id ? meta->id : 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(AcMessage) msg = ac_message_from_pb_meta (meta, &error);
  const char *refusal;

  if (msg == NULL)
    {
      g_printerr ("MSYNC %s: message %" G_GUINT64_FORMAT " refused: %s\n", conn->own_queue,
                  meta_id, error->message);
      refuse (conn, meta_id, MSYNC_FAIL, REASON_MALFORMED);
      return;
    }
  refusal = check_target (conn, type, target);
  if (refusal != NULL)
    {
      refuse (conn, meta_id, MSYNC_FAIL, refusal);
      return;
    }
  /* Who sent it is the connection's business, not the client's. */
  g_free (msg->from);
  msg->from = g_strdup (conn->user);
  g_free (msg->from_resource);
  msg->from_resource = g_strdup (conn->resource);
  g_free (msg->to);
  msg->to = g_strdup (target);
  msg->chat_type = type;
  msg->id = 0;
  msg->timestamp = 0;

  if (!store_begin (store, &error) ||
      !in_transaction (store, store_message_insert (store, conn->app, msg, &error) &&
                       msync_router_deliver_message (msync->router, conn->app, conn->app_key, msg,
                                                     TRUE, &error), &error))
    {
      g_printerr ("MSYNC %s: message %" G_GUINT64_FORMAT " not stored: %s\n", conn->own_queue,
                  meta_id, error->message);
      refuse (conn, meta_id, MSYNC_FAIL, REASON_SERVER);
      return;
    }
  ack (conn, meta_id, MSYNC_OK, NULL, msg->id, msg->timestamp);
}

/* CHANNEL_ACK: everything in the conversation counts as read (§7.7). */
static void
channel_ack (MsyncConn *conn, guint64 meta_id, AcChatType type, const char *target)
{
  MsyncServer *msync = conn->owner;
  g_autoptr(GError) error = NULL;
  StoreConvRef ref = { type, target };

  if (!store_conversation_mark_read (msync->server->store, conn->app, conn->user, &ref, &error) &&
      !g_error_matches (error, STORE_ERROR, STORE_ERROR_NOT_FOUND))
    {
      g_printerr ("MSYNC %s: channel ack: %s\n", conn->own_queue, error->message);
      refuse (conn, meta_id, MSYNC_FAIL, REASON_SERVER);
      return;
    }
  ack (conn, meta_id, MSYNC_OK, NULL, msync_router_new_id (msync->router), now_ms ());
}

/* READ_ACK / DELIVER_ACK of a single chat go to the peer (in the sender's
 * queue) and to the sender's other devices, with Meta.from filled in.
 * Group receipts are acknowledged and go nowhere. */
static void
receipt (MsyncConn *conn, const Easemob__Pb__Meta *meta, AcChatType type, const char *target)
{
  MsyncServer *msync = conn->owner;
  Store *store = msync->server->store;
  guint64 meta_id = meta->has_id ? meta->id : 0;
  guint64 id = msync_router_new_id (msync->router), ts = now_ms ();
  Easemob__Pb__Meta out = *meta;
  Easemob__Pb__JID from = EASEMOB__PB__JID__INIT;
  g_autofree char *peer_queue = msync_queue_name (conn->user, NULL, NULL);
  g_autoptr(GBytes) packed = NULL;
  g_autoptr(GError) error = NULL;
  const char *refusal;

  if (type == AC_CHAT_GROUP)
    {
      ack (conn, meta_id, MSYNC_OK, NULL, id, ts);
      return;
    }
  refusal = check_target (conn, type, target);
  if (refusal != NULL)
    {
      refuse (conn, meta_id, MSYNC_FAIL, refusal);
      return;
    }
  from.appkey = conn->app_key;
  from.name = conn->user;
  from.domain = (char *) AC_DOMAIN_USER;
  from.clientresource = conn->resource;
  out.has_id = TRUE;
  out.id = id;
  out.from = &from;
  out.has_timestamp = TRUE;
  out.timestamp = ts;
  packed = msync_meta_pack (&out);
  if (!store_begin (store, &error) ||
      !in_transaction (store,
                       (g_str_equal (target, conn->user) ||
                        msync_router_deliver_meta (msync->router, conn->app, target, NULL, peer_queue,
                                                   EASEMOB__PB__META__NAME_SPACE__CHAT, id, packed,
                                                   TRUE, &error)) &&
                       msync_router_deliver_meta (msync->router, conn->app, conn->user,
                                                  conn->resource, conn->own_queue,
                                                  EASEMOB__PB__META__NAME_SPACE__CHAT, id, packed,
                                                  FALSE, &error), &error))
    {
      g_printerr ("MSYNC %s: receipt: %s\n", conn->own_queue, error->message);
      refuse (conn, meta_id, MSYNC_FAIL, REASON_SERVER);
      return;
    }
  ack (conn, meta_id, MSYNC_OK, NULL, id, ts);
}

static void
chat_meta (MsyncConn *conn, const Easemob__Pb__Meta *meta)
{
  guint64 meta_id = meta->has_id ? meta->id : 0;
  Easemob__Pb__MessageBody *body = NULL;
  g_autofree char *target = NULL;
  AcChatType type;
  gboolean group;

  if (meta->has_payload && meta->payload.len > 0)
    body = easemob__pb__message_body__unpack (NULL, meta->payload.len, meta->payload.data);
  if (body == NULL || !body->has_type)
    {
      g_printerr ("MSYNC %s: meta %" G_GUINT64_FORMAT " has no readable MessageBody\n",
                  conn->own_queue, meta_id);
      refuse (conn, meta_id, MSYNC_FAIL, REASON_MALFORMED);
      goto out;
    }
  group = body->type == EASEMOB__PB__MESSAGE_BODY__TYPE__GROUPCHAT ||
          (body->type != EASEMOB__PB__MESSAGE_BODY__TYPE__CHAT && is_group_jid (meta->to));
  type = group ? AC_CHAT_GROUP : AC_CHAT_SINGLE;
  target = target_of (meta, body, group);
  if (target == NULL)
    {
      refuse (conn, meta_id, MSYNC_FAIL, REASON_MALFORMED);
      goto out;
    }
  switch (body->type)
    {
    case EASEMOB__PB__MESSAGE_BODY__TYPE__CHAT:
    case EASEMOB__PB__MESSAGE_BODY__TYPE__GROUPCHAT:
      send_message (conn, meta, type, target);
      break;
    case EASEMOB__PB__MESSAGE_BODY__TYPE__CHANNEL_ACK:
      channel_ack (conn, meta_id, type, target);
      break;
    case EASEMOB__PB__MESSAGE_BODY__TYPE__READ_ACK:
    case EASEMOB__PB__MESSAGE_BODY__TYPE__DELIVER_ACK:
      receipt (conn, meta, type, target);
      break;
    case EASEMOB__PB__MESSAGE_BODY__TYPE__RECALL:
      refuse (conn, meta_id, MSYNC_FAIL, REASON_NO_RECALL);
      break;
    case EASEMOB__PB__MESSAGE_BODY__TYPE__EDIT:
      refuse (conn, meta_id, MSYNC_FAIL, REASON_NO_EDIT);
      break;
    case EASEMOB__PB__MESSAGE_BODY__TYPE__CHATROOM:
      refuse (conn, meta_id, MSYNC_FAIL, REASON_NO_ROOM);
      break;
    case EASEMOB__PB__MESSAGE_BODY__TYPE__NORMAL:
    default:
      refuse (conn, meta_id, MSYNC_FAIL, REASON_UNSUPPORTED);
      break;
    }
out:
  if (body)
    easemob__pb__message_body__free_unpacked (body, NULL);
}

void
msync_uplink (MsyncConn *conn, const Easemob__Pb__Meta *meta)
{
  Easemob__Pb__Meta__NameSpace ns = meta->has_ns ? meta->ns : EASEMOB__PB__META__NAME_SPACE__STATISTIC;

  switch (ns)
    {
    case EASEMOB__PB__META__NAME_SPACE__STATISTIC:
      /* The SDK's "rebuild" information after each UNREAD reply (§7.4) needs no answer. */
      break;
    case EASEMOB__PB__META__NAME_SPACE__CHAT:
      chat_meta (conn, meta);
      break;
    default:
      refuse (conn, meta->has_id ? meta->id : 0, MSYNC_FAIL, REASON_UNSUPPORTED);
      break;
    }
}
