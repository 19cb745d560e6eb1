/* MSYNC frames: the envelopes of §7 and their payloads, built and read with
 * protobuf-c.  Messages built here use the GLib allocator for their parts
 * and are freed by hand (free_unpacked needs the allocator that unpacked). */
#include "msync-frames.h"
#include "ac-jid.h"
#include "store.h"

#include <string.h>

G_DEFINE_QUARK (msync-error-quark, msync_error)

/* ---- client frames ---- */

void
msync_frame_free (MsyncFrame *frame)
{
  if (frame == NULL)
    return;
  if (frame->provision)
    easemob__pb__provision__free_unpacked (frame->provision, NULL);
  if (frame->sync)
    easemob__pb__comm_sync_ul__free_unpacked (frame->sync, NULL);
  if (frame->envelope)
    easemob__pb__msync__free_unpacked (frame->envelope, NULL);
  g_free (frame);
}

MsyncFrame *
msync_frame_parse (const guint8 *data, gsize len, GError **error)
{
  g_autoptr(MsyncFrame) frame = g_new0 (MsyncFrame, 1);
  Easemob__Pb__MSync *env;

  frame->envelope = env = easemob__pb__msync__unpack (NULL, len, data);
  if (env == NULL)
    {
      g_set_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED, "frame is not an MSync protobuf");
      return NULL;
    }
  if (!env->has_command)
    {
      g_set_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED, "frame has no command");
      return NULL;
    }
  switch (env->command)
    {
    case EASEMOB__PB__MSYNC__COMMAND__PROVISION:
      if (env->has_payload)
        frame->provision = easemob__pb__provision__unpack (NULL, env->payload.len,
                                                           env->payload.data);
      if (frame->provision == NULL)
        {
          g_set_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED,
                       "PROVISION without a Provision payload");
          return NULL;
        }
      break;
    case EASEMOB__PB__MSYNC__COMMAND__SYNC:
      if (env->has_payload)
        frame->sync = easemob__pb__comm_sync_ul__unpack (NULL, env->payload.len, env->payload.data);
      if (frame->sync == NULL)
        {
          g_set_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED, "SYNC without a CommSyncUL payload");
          return NULL;
        }
      break;
    case EASEMOB__PB__MSYNC__COMMAND__UNREAD:
      break;
    case EASEMOB__PB__MSYNC__COMMAND__NOTICE:
    default:
      g_set_error (error, MSYNC_ERROR, MSYNC_ERROR_UNSUPPORTED, "command %d is not a client command",
                   (int) env->command);
      return NULL;
    }
  return g_steal_pointer (&frame);
}

/* ---- queue names ---- */

char *
msync_queue_name (const char *name, const char *domain, const char *resource)
{
  const char *d = domain && *domain ? domain : AC_DOMAIN_USER;

  if (resource && *resource)
    return g_strdup_printf ("%s@%s/%s", name, d, resource);
  return g_strdup_printf ("%s@%s", name, d);
}

char *
msync_queue_from_jid (const Easemob__Pb__JID *jid, GError **error)
{
  if (jid == NULL || jid->name == NULL || *jid->name == '\0' ||
      strpbrk (jid->name, "@/") != NULL ||
      (jid->domain && strpbrk (jid->domain, "@/") != NULL))
    {
      g_set_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED, "queue JID without a valid name");
      return NULL;
    }
  return msync_queue_name (jid->name, jid->domain, jid->clientresource);
}

static Easemob__Pb__JID *
jid_new (void)
{
  Easemob__Pb__JID *jid = g_new (Easemob__Pb__JID, 1);

  easemob__pb__jid__init (jid);
  return jid;
}

static void
jid_free (Easemob__Pb__JID *jid)
{
  if (jid == NULL)
    return;
  g_free (jid->appkey);
  g_free (jid->name);
  g_free (jid->domain);
  g_free (jid->clientresource);
  g_free (jid);
}

Easemob__Pb__JID *
msync_queue_to_jid (const char *queue)
{
  Easemob__Pb__JID *jid = jid_new ();
  const char *at = strchr (queue, '@');
  const char *slash = at ? strchr (at, '/') : NULL;

  if (at == NULL)
    {
      jid->name = g_strdup (queue);
      return jid;
    }
  {
    g_autofree char *domain = slash ? g_strndup (at + 1, (gsize) (slash - at - 1)) : g_strdup (at + 1);
    /* "@easemob.com" is the system queue: a domain and nothing else. */
    if (at != queue)
      jid->name = g_strndup (queue, (gsize) (at - queue));
    if (at == queue || !g_str_equal (domain, AC_DOMAIN_USER))
      jid->domain = g_steal_pointer (&domain);
  }
  if (slash)
    jid->clientresource = g_strdup (slash + 1);
  return jid;
}

/* ---- server frames ---- */

static GBytes *
pack (const ProtobufCMessage *msg)
{
  gsize len = protobuf_c_message_get_packed_size (msg);
  guint8 *buf = g_malloc (len ? len : 1);

  protobuf_c_message_pack (msg, buf);
  return g_bytes_new_take (buf, len);
}

static GBytes *
envelope (Easemob__Pb__MSync__Command command, const ProtobufCMessage *payload)
{
  Easemob__Pb__MSync env = EASEMOB__PB__MSYNC__INIT;
  g_autoptr(GBytes) inner = pack (payload);
  gsize len = 0;

  env.has_version = TRUE;
  env.version = EASEMOB__PB__MSYNC__VERSION__MSYNC_V1;
  env.has_command = TRUE;
  env.command = command;
  env.has_payload = TRUE;
  env.payload.data = (guint8 *) g_bytes_get_data (inner, &len);
  env.payload.len = len;
  return pack (&env.base);
}

static void
status_set (Easemob__Pb__Status *status, MsyncStatus code, const char *reason)
{
  easemob__pb__status__init (status);
  status->has_errorcode = TRUE;
  status->errorcode = code;
  status->reason = (char *) reason;
}

GBytes *
msync_frame_provision_reply (MsyncStatus code, const char *reason, const char *resource,
                             gint64 expires_at_ms)
{
  Easemob__Pb__Provision p = EASEMOB__PB__PROVISION__INIT;
  Easemob__Pb__Status status;
  g_autofree char *auth_token = NULL;

  status_set (&status, code, reason);
  p.status = &status;
  p.resource = (char *) resource;
  if (expires_at_ms > 0)
    {
      auth_token = g_strdup_printf ("{\"expires_in\":%" G_GINT64_FORMAT "}", expires_at_ms);
      p.authtoken = auth_token;
    }
  return envelope (EASEMOB__PB__MSYNC__COMMAND__PROVISION, &p.base);
}

GBytes *
msync_frame_unread (const GPtrArray *queues, gint64 now_ms)
{
  Easemob__Pb__CommUnreadDL dl = EASEMOB__PB__COMM_UNREAD_DL__INIT;
  Easemob__Pb__Status status;
  guint n = queues ? queues->len : 0;
  g_autofree Easemob__Pb__MetaQueue *mq = g_new0 (Easemob__Pb__MetaQueue, MAX (n, 1));
  g_autofree Easemob__Pb__MetaQueue **ptrs = g_new0 (Easemob__Pb__MetaQueue *, MAX (n, 1));
  GBytes *out;

  status_set (&status, MSYNC_OK, NULL);
  dl.status = &status;
  dl.has_timestamp = TRUE;
  dl.timestamp = (guint64) now_ms;
  for (guint i = 0; i < n; i++)
    {
      const StoreMsyncQueue *q = g_ptr_array_index (queues, i);
      easemob__pb__meta_queue__init (&mq[i]);
      mq[i].queue = msync_queue_to_jid (q->queue);
      mq[i].has_n = TRUE;
      mq[i].n = q->n;
      ptrs[i] = &mq[i];
    }
  dl.n_unread = n;
  dl.unread = ptrs;
  out = envelope (EASEMOB__PB__MSYNC__COMMAND__UNREAD, &dl.base);
  for (guint i = 0; i < n; i++)
    jid_free (mq[i].queue);
  return out;
}

GBytes *
msync_frame_notice (const char *queue)
{
  Easemob__Pb__CommNotice notice = EASEMOB__PB__COMM_NOTICE__INIT;
  GBytes *out;

  notice.queue = msync_queue_to_jid (queue);
  out = envelope (EASEMOB__PB__MSYNC__COMMAND__NOTICE, &notice.base);
  jid_free (notice.queue);
  return out;
}

GBytes *
msync_frame_sync (const char *queue, const GPtrArray *metas, guint64 next_key, gboolean is_last,
                  GError **error)
{
  Easemob__Pb__CommSyncDL dl = EASEMOB__PB__COMM_SYNC_DL__INIT;
  Easemob__Pb__Status status;
  guint n = metas ? metas->len : 0;
  g_autofree Easemob__Pb__Meta **ptrs = g_new0 (Easemob__Pb__Meta *, MAX (n, 1));
  GBytes *out = NULL;
  guint i;

  for (i = 0; i < n; i++)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (metas, i), &len);
      ptrs[i] = easemob__pb__meta__unpack (NULL, len, data);
      if (ptrs[i] == NULL)
        {
          g_set_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED, "queued item %u of %s is not a Meta",
                       i, queue);
          goto out;
        }
    }
  status_set (&status, MSYNC_OK, NULL);
  dl.status = &status;
  dl.queue = msync_queue_to_jid (queue);
  dl.n_metas = n;
  dl.metas = ptrs;
  if (next_key)
    {
      dl.has_nextkey = TRUE;
      dl.nextkey = next_key;
    }
  dl.has_islast = TRUE;
  dl.islast = is_last;
  dl.has_timestamp = TRUE;
  dl.timestamp = (guint64) (g_get_real_time () / 1000);
  out = envelope (EASEMOB__PB__MSYNC__COMMAND__SYNC, &dl.base);
  jid_free (dl.queue);
out:
  for (guint j = 0; j < i; j++)
    easemob__pb__meta__free_unpacked (ptrs[j], NULL);
  return out;
}

GBytes *
msync_frame_send_ack (MsyncStatus code, const char *reason, guint64 meta_id, guint64 server_id,
                      guint64 timestamp)
{
  Easemob__Pb__CommSyncDL dl = EASEMOB__PB__COMM_SYNC_DL__INIT;
  Easemob__Pb__Status status;

  status_set (&status, code, reason);
  dl.status = &status;
  /* metaId > 0 is what makes the SDK take this for a send ack. */
  dl.has_metaid = TRUE;
  dl.metaid = meta_id;
  if (server_id)
    {
      dl.has_serverid = TRUE;
      dl.serverid = server_id;
    }
  dl.has_timestamp = TRUE;
  dl.timestamp = timestamp;
  return envelope (EASEMOB__PB__MSYNC__COMMAND__SYNC, &dl.base);
}

/* ---- server-made metas ---- */

GBytes *
msync_meta_pack (const Easemob__Pb__Meta *meta)
{
  return pack (&meta->base);
}

GBytes *
msync_meta_notify (guint64 id, const char *app_key, const char *user, const char *json,
                   guint64 timestamp)
{
  Easemob__Pb__Meta meta = EASEMOB__PB__META__INIT;
  Easemob__Pb__JID from = EASEMOB__PB__JID__INIT, to = EASEMOB__PB__JID__INIT;

  meta.has_id = TRUE;
  meta.id = id;
  /* The SDK does not read Meta.from of notifications; Agora's is "admin". */
  from.appkey = (char *) app_key;
  from.name = (char *) "admin";
  from.domain = (char *) AC_DOMAIN_USER;
  to.appkey = (char *) app_key;
  to.name = (char *) user;
  to.domain = (char *) AC_DOMAIN_USER;
  meta.from = &from;
  meta.to = &to;
  meta.has_timestamp = TRUE;
  meta.timestamp = timestamp;
  meta.has_ns = TRUE;
  meta.ns = EASEMOB__PB__META__NAME_SPACE__NOTIFY;
  meta.has_payload = TRUE;
  meta.payload.data = (guint8 *) json;
  meta.payload.len = strlen (json);
  return pack (&meta.base);
}

GBytes *
msync_meta_statistic (guint64 id, Easemob__Pb__StatisticsBody__Operation op, const char *reason,
                      guint64 timestamp)
{
  Easemob__Pb__Meta meta = EASEMOB__PB__META__INIT;
  Easemob__Pb__StatisticsBody body = EASEMOB__PB__STATISTICS_BODY__INIT;
  Easemob__Pb__JID from = EASEMOB__PB__JID__INIT;
  g_autoptr(GBytes) payload = NULL;
  gsize len = 0;

  /* The SDK reads Meta.from.name of every meta it is given. */
  from.name = (char *) "admin";
  from.domain = (char *) AC_DOMAIN_USER;
  meta.from = &from;

  body.has_operation = TRUE;
  body.operation = op;
  body.reason = (char *) reason;
  payload = pack (&body.base);
  meta.has_id = TRUE;
  meta.id = id;
  meta.has_timestamp = TRUE;
  meta.timestamp = timestamp;
  meta.has_ns = TRUE;
  meta.ns = EASEMOB__PB__META__NAME_SPACE__STATISTIC;
  meta.has_payload = TRUE;
  meta.payload.data = (guint8 *) g_bytes_get_data (payload, &len);
  meta.payload.len = len;
  return pack (&meta.base);
}

GBytes *
msync_meta_muc (guint64 id, const MsyncMucEvent *event, const char *recipient,
                guint64 timestamp)
{
  Easemob__Pb__Meta meta = EASEMOB__PB__META__INIT;
  Easemob__Pb__MUCBody body = EASEMOB__PB__MUCBODY__INIT;
  Easemob__Pb__JID group = EASEMOB__PB__JID__INIT, to = EASEMOB__PB__JID__INIT;
  Easemob__Pb__JID from = EASEMOB__PB__JID__INIT;
  guint n = event->targets ? g_strv_length ((char **) event->targets) : 0;
  g_autofree Easemob__Pb__JID *target_jids = g_new0 (Easemob__Pb__JID, MAX (n, 1));
  g_autofree Easemob__Pb__JID **target_ptrs = g_new0 (Easemob__Pb__JID *, MAX (n, 1));
  g_autoptr(GBytes) payload = NULL;
  gsize len = 0;

  group.appkey = (char *) event->app_key;
  group.name = (char *) event->group_id;
  group.domain = (char *) AC_DOMAIN_GROUP;
  from.appkey = (char *) event->app_key;
  from.name = (char *) event->from;
  from.domain = (char *) AC_DOMAIN_USER;

  body.mucid = &group;
  body.has_operation = TRUE;
  body.operation = event->op;
  body.from = &from;
  body.has_ischatroom = TRUE;
  body.ischatroom = FALSE;
  body.mucname = (char *) event->group_name;
  if (event->member_count > 0)
    {
      body.has_mucmembercount = TRUE;
      body.mucmembercount = event->member_count;
    }
  if (event->as_members)
    {
      body.n_members = n;
      body.members = (char **) event->targets;
    }
  else
    {
      for (guint i = 0; i < n; i++)
        {
          easemob__pb__jid__init (&target_jids[i]);
          target_jids[i].appkey = (char *) event->app_key;
          target_jids[i].name = (char *) event->targets[i];
          target_jids[i].domain = (char *) AC_DOMAIN_USER;
          target_ptrs[i] = &target_jids[i];
        }
      body.n_to = n;
      body.to = target_ptrs;
    }
  payload = pack (&body.base);

  /* The SDK reads Meta.from.name of every meta, and Meta.to.domain when
   * there is a Meta.to. */
  to.appkey = (char *) event->app_key;
  to.name = (char *) recipient;
  to.domain = (char *) AC_DOMAIN_USER;
  meta.from = &group;
  meta.to = &to;
  meta.has_id = TRUE;
  meta.id = id;
  meta.has_timestamp = TRUE;
  meta.timestamp = timestamp;
  meta.has_ns = TRUE;
  meta.ns = EASEMOB__PB__META__NAME_SPACE__MUC;
  meta.has_payload = TRUE;
  meta.payload.data = (guint8 *) g_bytes_get_data (payload, &len);
  meta.payload.len = len;
  return pack (&meta.base);
}
