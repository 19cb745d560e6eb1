#include "ac-msync-frames.h"
#include "ac-error.h"
#include "ac-jid.h"
#include "ac-message-pb.h"

#include <string.h>

/* Packs any protobuf-c message into new bytes. */
static GBytes *
pack (const ProtobufCMessage *msg)
{
  gsize len = protobuf_c_message_get_packed_size (msg);
  guint8 *buf = g_malloc (MAX (len, 1));
  protobuf_c_message_pack (msg, buf);
  return g_bytes_new_take (buf, len);
}

/* The envelope every client frame shares (§7.2): version 0 always present,
 * encryptType [ENCRYPT_NONE] unpacked. */
static GBytes *
envelope (Easemob__Pb__MSync *m, Easemob__Pb__MSync__Command command, const ProtobufCMessage *payload)
{
  Easemob__Pb__EncryptType none = EASEMOB__PB__ENCRYPT_TYPE__ENCRYPT_NONE;
  g_autofree guint8 *payload_buf = NULL;

  m->has_version = TRUE;
  m->version = EASEMOB__PB__MSYNC__VERSION__MSYNC_V1;
  m->has_command = TRUE;
  m->command = command;
  m->n_encrypttype = 1;
  m->encrypttype = &none;
  if (payload != NULL)
    {
      m->has_payload = TRUE;
      m->payload.len = protobuf_c_message_get_packed_size (payload);
      payload_buf = g_malloc (MAX (m->payload.len, 1));
      protobuf_c_message_pack (payload, payload_buf);
      m->payload.data = payload_buf;
    }
  return pack (&m->base);
}

GBytes *
ac_msync_frame_provision (const char *app_key, const char *user, const char *resource,
                          const char *token)
{
  Easemob__Pb__MSync m = EASEMOB__PB__MSYNC__INIT;
  Easemob__Pb__JID guid = EASEMOB__PB__JID__INIT;
  Easemob__Pb__Provision p = EASEMOB__PB__PROVISION__INIT;
  Easemob__Pb__Provision__CompressType compress = EASEMOB__PB__PROVISION__COMPRESS_TYPE__COMPRESS_NONE;
  Easemob__Pb__EncryptType encrypt = EASEMOB__PB__ENCRYPT_TYPE__ENCRYPT_NONE;
  g_autofree char *auth = g_strconcat ("$t$", token != NULL ? token : "", NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *session = g_strdup_printf ("%" G_GINT64_FORMAT ":", g_get_real_time () / 1000);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, auth);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *auth_token = json_to_string (root, FALSE);

  guid.appkey = (char *) app_key;
  guid.name = (char *) user;
  guid.domain = (char *) AC_DOMAIN_USER;
  guid.clientresource = (char *) resource;

  p.has_ostype = TRUE;
  p.ostype = EASEMOB__PB__PROVISION__OS_TYPE__OS_OTHER;
  p.version = (char *) "1.4.0";
  p.n_compresstype = 1;
  p.compresstype = &compress;
  p.n_encrypttype = 1;
  p.encrypttype = &encrypt;
  p.deviceuuid = (char *) resource;
  p.devicename = (char *) "purple";
  p.resource = (char *) resource;
  p.actionversion = (char *) "v5.1";
  p.authtoken = auth_token;
  p.sessionid = session;

  m.guid = &guid;
  m.auth = auth;
  m.has_deviceid = TRUE;
  m.deviceid = 0;
  GBytes *out = envelope (&m, EASEMOB__PB__MSYNC__COMMAND__PROVISION, &p.base);
  /* The token must not linger in freed memory. */
  memset (auth, 0, strlen (auth));
  memset (auth_token, 0, strlen (auth_token));
  return out;
}

GBytes *
ac_msync_frame_unread (void)
{
  Easemob__Pb__MSync m = EASEMOB__PB__MSYNC__INIT;
  return envelope (&m, EASEMOB__PB__MSYNC__COMMAND__UNREAD, NULL);
}

GBytes *
ac_msync_frame_pull (const Easemob__Pb__JID *queue, guint64 key)
{
  Easemob__Pb__MSync m = EASEMOB__PB__MSYNC__INIT;
  Easemob__Pb__CommSyncUL ul = EASEMOB__PB__COMM_SYNC_UL__INIT;
  ul.queue = (Easemob__Pb__JID *) queue;
  if (key != 0)
    {
      ul.has_key = TRUE;
      ul.key = key;
    }
  return envelope (&m, EASEMOB__PB__MSYNC__COMMAND__SYNC, &ul.base);
}

GBytes *
ac_msync_frame_send (const AcMessage *msg, guint64 local_id, const char *app_key)
{
  g_autoptr (AcMessage) copy = ac_message_copy (msg);
  copy->id = local_id;
  copy->timestamp = 0;
  Easemob__Pb__Meta *meta = ac_message_to_pb_meta (copy, app_key);
  /* The sender never sets Meta.from: the server fills it for receivers. */
  if (meta->from != NULL)
    {
      easemob__pb__jid__free_unpacked (meta->from, NULL);
      meta->from = NULL;
    }
  meta->has_routetype = TRUE;
  meta->routetype = EASEMOB__PB__META__ROUTE_TYPE__ROUTE_ALL;

  Easemob__Pb__MSync m = EASEMOB__PB__MSYNC__INIT;
  Easemob__Pb__CommSyncUL ul = EASEMOB__PB__COMM_SYNC_UL__INIT;
  ul.meta = meta;
  GBytes *out = envelope (&m, EASEMOB__PB__MSYNC__COMMAND__SYNC, &ul.base);
  ac_pb_meta_free (meta);
  return out;
}

void
ac_msync_frame_free (AcMsyncFrame *frame)
{
  if (frame == NULL)
    return;
  if (frame->provision != NULL)
    easemob__pb__provision__free_unpacked (frame->provision, NULL);
  if (frame->sync != NULL)
    easemob__pb__comm_sync_dl__free_unpacked (frame->sync, NULL);
  if (frame->unread != NULL)
    easemob__pb__comm_unread_dl__free_unpacked (frame->unread, NULL);
  if (frame->notice != NULL)
    easemob__pb__comm_notice__free_unpacked (frame->notice, NULL);
  if (frame->envelope != NULL)
    easemob__pb__msync__free_unpacked (frame->envelope, NULL);
  g_free (frame);
}

AcMsyncFrame *
ac_msync_frame_parse (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (AcMsyncFrame) f = g_new0 (AcMsyncFrame, 1);
  f->envelope = easemob__pb__msync__unpack (NULL, len, data);
  if (f->envelope == NULL)
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED,
                   "MSYNC frame of %" G_GSIZE_FORMAT " bytes is not an MSync envelope", len);
      return NULL;
    }
  if (!f->envelope->has_command)
    {
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED,
                           "MSYNC frame without a command");
      return NULL;
    }
  f->command = f->envelope->command;
  const ProtobufCBinaryData *p = &f->envelope->payload;
  gboolean ok = TRUE;
  switch (f->command)
    {
    case EASEMOB__PB__MSYNC__COMMAND__PROVISION:
      ok = (f->provision = easemob__pb__provision__unpack (NULL, p->len, p->data)) != NULL;
      break;
    case EASEMOB__PB__MSYNC__COMMAND__SYNC:
      ok = (f->sync = easemob__pb__comm_sync_dl__unpack (NULL, p->len, p->data)) != NULL;
      break;
    case EASEMOB__PB__MSYNC__COMMAND__UNREAD:
      ok = (f->unread = easemob__pb__comm_unread_dl__unpack (NULL, p->len, p->data)) != NULL;
      break;
    case EASEMOB__PB__MSYNC__COMMAND__NOTICE:
      ok = (f->notice = easemob__pb__comm_notice__unpack (NULL, p->len, p->data)) != NULL;
      break;
    default:
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_UNSUPPORTED,
                   "MSYNC command %d is not one a client receives", (int) f->command);
      return NULL;
    }
  if (!ok)
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED,
                   "MSYNC command %d carries a payload that does not unpack", (int) f->command);
      return NULL;
    }
  return g_steal_pointer (&f);
}

Easemob__Pb__Status__ErrorCode
ac_msync_status_code (const Easemob__Pb__Status *status)
{
  if (status == NULL || !status->has_errorcode)
    return EASEMOB__PB__STATUS__ERROR_CODE__OK;
  return status->errorcode;
}

const char *
ac_msync_status_reason (const Easemob__Pb__Status *status)
{
  return status != NULL && status->reason != NULL ? status->reason : "";
}

char *
ac_msync_queue_key (const Easemob__Pb__JID *queue)
{
  return g_strdup_printf ("%s@%s/%s", queue->name != NULL ? queue->name : "",
                          queue->domain != NULL ? queue->domain : "",
                          queue->clientresource != NULL ? queue->clientresource : "");
}

Easemob__Pb__JID *
ac_msync_jid_copy (const Easemob__Pb__JID *jid)
{
  Easemob__Pb__JID *j = g_new (Easemob__Pb__JID, 1);
  easemob__pb__jid__init (j);
  j->appkey = g_strdup (jid->appkey);
  j->name = g_strdup (jid->name);
  j->domain = g_strdup (jid->domain);
  j->clientresource = g_strdup (jid->clientresource);
  return j;
}

void
ac_msync_jid_free (Easemob__Pb__JID *jid)
{
  if (jid != NULL)
    easemob__pb__jid__free_unpacked (jid, NULL);
}
