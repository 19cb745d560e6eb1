/* MSYNC frames of protocol reference §7, rebuilt from its annotated hex and
 * packed again with the generated protobuf-c code: what our server and
 * plugin put on the WebSocket must be the SDK's bytes. */
#include "ac-message-pb.h"
#include "codec-test-util.h"

#define QUEUE_BOB "0a 09 \"org1#app1\" 12 03 \"bob\" 1a 0b \"easemob.com\""

static GBytes *
pack_msync (const Easemob__Pb__MSync *m)
{
  gsize len = easemob__pb__msync__get_packed_size (m);
  guint8 *buf = g_malloc (len);
  easemob__pb__msync__pack (m, buf);
  return g_bytes_new_take (buf, len);
}

/* Unpack, pack again, compare: the frame survives our generated code unchanged. */
static Easemob__Pb__MSync *
unpack_repack (GBytes *frame)
{
  Easemob__Pb__MSync *m = easemob__pb__msync__unpack (NULL, g_bytes_get_size (frame), g_bytes_get_data (frame, NULL));
  g_autoptr (GBytes) again = NULL;

  g_assert_nonnull (m);
  again = pack_msync (m);
  ct_assert_bytes_equal (again, frame);
  return m;
}

static void
set_envelope (Easemob__Pb__MSync *m, Easemob__Pb__MSync__Command command, Easemob__Pb__EncryptType *none)
{
  m->has_version = TRUE; /* the SDK always sends version 0 */
  m->version = EASEMOB__PB__MSYNC__VERSION__MSYNC_V1;
  m->has_command = TRUE;
  m->command = command;
  m->n_encrypttype = 1;
  m->encrypttype = none;
}

static void
test_unread (void)
{
  g_autoptr (GBytes) want = ct_bytes_from_annotated ("08 00 40 01 58 00");
  Easemob__Pb__MSync m = EASEMOB__PB__MSYNC__INIT;
  Easemob__Pb__EncryptType none = EASEMOB__PB__ENCRYPT_TYPE__ENCRYPT_NONE;
  g_autoptr (GBytes) got = NULL;
  Easemob__Pb__MSync *u;

  set_envelope (&m, EASEMOB__PB__MSYNC__COMMAND__UNREAD, &none);
  got = pack_msync (&m);
  ct_assert_bytes_equal (got, want);
  u = unpack_repack (want);
  g_assert_true (u->has_command && u->command == EASEMOB__PB__MSYNC__COMMAND__UNREAD);
  g_assert_false (u->has_payload);
  easemob__pb__msync__free_unpacked (u, NULL);
}

static void
test_provision (void)
{
  g_autoptr (GBytes) frame = ct_bytes_from_annotated (
    "08 00"
    "12 38 0a 09 \"org1#app1\" 12 05 \"alice\" 1a 0b \"easemob.com\" 22 17 \"webim_web_1795663204524\""
    "1a 0c \"$t$YWMtTOKEN\""
    "40 03"
    "4a 73"
    "  08 10  12 05 \"1.4.0\"  28 00  30 00  4a 11 \"web_1795663204524\"  62 05 \"webim\""
    "  6a 17 \"webim_web_1795663204524\"  8a 01 04 \"v5.1\""
    "  92 01 18 \"{\\\"token\\\":\\\"$t$YWMtTOKEN\\\"}\"  a2 01 0e \"1795663204525:\""
    "50 00"
    "58 00");
  Easemob__Pb__MSync *m;
  Easemob__Pb__Provision *p;
  gsize plen;
  g_autofree guint8 *pbuf = NULL;

  g_assert_cmpuint (g_bytes_get_size (frame), ==, 197);
  m = unpack_repack (frame);
  g_assert_cmpint (m->command, ==, EASEMOB__PB__MSYNC__COMMAND__PROVISION);
  g_assert_cmpstr (m->guid->appkey, ==, "org1#app1");
  g_assert_cmpstr (m->guid->name, ==, "alice");
  g_assert_cmpstr (m->guid->clientresource, ==, "webim_web_1795663204524");
  g_assert_cmpstr (m->auth, ==, "$t$YWMtTOKEN");
  g_assert_true (m->has_deviceid && m->deviceid == 0);
  g_assert_cmpuint (m->n_encrypttype, ==, 1);

  p = easemob__pb__provision__unpack (NULL, m->payload.len, m->payload.data);
  g_assert_nonnull (p);
  g_assert_cmpint (p->ostype, ==, EASEMOB__PB__PROVISION__OS_TYPE__OS_OTHER);
  g_assert_cmpstr (p->version, ==, "1.4.0");
  g_assert_cmpuint (p->n_compresstype, ==, 1);
  g_assert_cmpstr (p->deviceuuid, ==, "web_1795663204524");
  g_assert_cmpstr (p->devicename, ==, "webim");
  g_assert_cmpstr (p->resource, ==, "webim_web_1795663204524");
  g_assert_cmpstr (p->actionversion, ==, "v5.1");
  g_assert_cmpstr (p->authtoken, ==, "{\"token\":\"$t$YWMtTOKEN\"}");
  g_assert_cmpstr (p->sessionid, ==, "1795663204525:");
  plen = easemob__pb__provision__get_packed_size (p);
  pbuf = g_malloc (plen);
  easemob__pb__provision__pack (p, pbuf);
  ct_assert_mem_equal (pbuf, plen, m->payload.data, m->payload.len);
  easemob__pb__provision__free_unpacked (p, NULL);
  easemob__pb__msync__free_unpacked (m, NULL);
}

static void
test_provision_reply (void)
{
  g_autoptr (GBytes) want = ct_bytes_from_annotated (
    "08 00 40 03 4a 3c  42 02 08 00  6a 17 \"webim_web_1795663204524\""
    "  92 01 1c \"{\\\"expires_in\\\":1795749604535}\"");
  Easemob__Pb__Status status = EASEMOB__PB__STATUS__INIT;
  Easemob__Pb__Provision p = EASEMOB__PB__PROVISION__INIT;
  Easemob__Pb__MSync m = EASEMOB__PB__MSYNC__INIT;
  g_autofree guint8 *pbuf = NULL;
  g_autoptr (GBytes) got = NULL;
  Easemob__Pb__MSync *u;

  g_assert_cmpuint (g_bytes_get_size (want), ==, 66);
  status.has_errorcode = TRUE;
  status.errorcode = EASEMOB__PB__STATUS__ERROR_CODE__OK;
  p.status = &status;
  p.resource = (char *) "webim_web_1795663204524";
  p.authtoken = (char *) "{\"expires_in\":1795749604535}";
  pbuf = g_malloc (easemob__pb__provision__get_packed_size (&p));
  m.has_version = TRUE;
  m.has_command = TRUE;
  m.command = EASEMOB__PB__MSYNC__COMMAND__PROVISION;
  m.has_payload = TRUE;
  m.payload.len = easemob__pb__provision__pack (&p, pbuf);
  m.payload.data = pbuf;
  got = pack_msync (&m);
  ct_assert_bytes_equal (got, want);
  u = unpack_repack (want);
  easemob__pb__msync__free_unpacked (u, NULL);
}

#define TEXT_SEND                                                                                  \
  "08 00 40 00 4a 8c 01"                                                                           \
  " 0a 89 01"                                                                                      \
  "  08 8f eb a9 f8 b8 0f"                                                                         \
  "  1a 1d " QUEUE_BOB                                                                             \
  "  28 01"                                                                                        \
  "  32 5d"                                                                                        \
  "    08 01"                                                                                      \
  "    12 07 12 05 \"alice\""                                                                      \
  "    1a 05 12 03 \"bob\""                                                                        \
  "    22 0d 08 00 12 09 \"hello bob\""                                                            \
  "    2a 07 0a 01 \"a\" 10 02 18 01"                                                              \
  "    2a 08 0a 01 \"s\" 10 07 32 01 \"x\""                                                        \
  "    2a 0e 0a 01 \"o\" 10 08 32 07 \"{\\\"z\\\":1}\""                                            \
  "    2a 07 0a 01 \"b\" 10 01 18 01"                                                              \
  "    2a 0e 0a 01 \"f\" 10 06 29 00 00 00 00 00 00 f8 3f"                                         \
  "  38 00"                                                                                        \
  "58 00"

static void
test_text_send (void)
{
  g_autoptr (GBytes) want = ct_bytes_from_annotated (TEXT_SEND);
  g_autoptr (AcMessage) msg = ac_message_new ();
  g_autoptr (AcMessage) back = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *o = json_object_new ();
  Easemob__Pb__MessageBody *body;
  Easemob__Pb__JID to = EASEMOB__PB__JID__INIT;
  Easemob__Pb__Meta meta = EASEMOB__PB__META__INIT;
  Easemob__Pb__CommSyncUL ul = EASEMOB__PB__COMM_SYNC_UL__INIT;
  Easemob__Pb__MSync m = EASEMOB__PB__MSYNC__INIT;
  Easemob__Pb__EncryptType none = EASEMOB__PB__ENCRYPT_TYPE__ENCRYPT_NONE;
  g_autofree guint8 *body_buf = NULL, *ul_buf = NULL;
  g_autoptr (GBytes) got = NULL;
  Easemob__Pb__MSync *um;
  Easemob__Pb__CommSyncUL *uul;

  g_assert_cmpuint (g_bytes_get_size (want), ==, 149);

  msg->chat_type = AC_CHAT_SINGLE;
  msg->from = g_strdup ("alice");
  msg->to = g_strdup ("bob");
  msg->text = g_strdup ("hello bob");
  msg->ext = json_object_new ();
  json_object_set_int_member (msg->ext, "a", 1);
  json_object_set_string_member (msg->ext, "s", "x");
  json_object_set_int_member (o, "z", 1);
  json_object_set_object_member (msg->ext, "o", o);
  json_object_set_boolean_member (msg->ext, "b", TRUE);
  json_object_set_double_member (msg->ext, "f", 1.5);

  body = ac_message_to_body (msg);
  body_buf = g_malloc (easemob__pb__message_body__get_packed_size (body));
  to.appkey = (char *) "org1#app1";
  to.name = (char *) "bob";
  to.domain = (char *) "easemob.com";
  meta.has_id = TRUE;
  meta.id = G_GUINT64_CONSTANT (530680804751);
  meta.to = &to;
  meta.has_ns = TRUE;
  meta.ns = EASEMOB__PB__META__NAME_SPACE__CHAT;
  meta.has_payload = TRUE;
  meta.payload.data = body_buf;
  meta.payload.len = easemob__pb__message_body__pack (body, body_buf);
  meta.has_routetype = TRUE;
  meta.routetype = EASEMOB__PB__META__ROUTE_TYPE__ROUTE_ALL;
  ul.meta = &meta;
  ul_buf = g_malloc (easemob__pb__comm_sync_ul__get_packed_size (&ul));
  set_envelope (&m, EASEMOB__PB__MSYNC__COMMAND__SYNC, &none);
  m.has_payload = TRUE;
  m.payload.data = ul_buf;
  m.payload.len = easemob__pb__comm_sync_ul__pack (&ul, ul_buf);
  got = pack_msync (&m);
  ct_assert_bytes_equal (got, want);
  ac_pb_message_body_free (body);

  /* And the server's view of the same bytes. */
  um = unpack_repack (want);
  uul = easemob__pb__comm_sync_ul__unpack (NULL, um->payload.len, um->payload.data);
  g_assert_nonnull (uul);
  back = ac_message_from_pb_meta (uul->meta, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->id, ==, G_GUINT64_CONSTANT (530680804751));
  g_assert_cmpint (back->chat_type, ==, AC_CHAT_SINGLE);
  g_assert_cmpstr (back->from, ==, "alice");
  g_assert_cmpstr (back->to, ==, "bob");
  g_assert_null (back->from_resource);
  g_assert_cmpstr (back->text, ==, "hello bob");
  g_assert_cmpint (json_object_get_int_member (back->ext, "a"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (back->ext, "s"), ==, "x");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (back->ext, "o"), "z"), ==, 1);
  g_assert_true (json_object_get_boolean_member (back->ext, "b"));
  g_assert_cmpfloat (json_object_get_double_member (back->ext, "f"), ==, 1.5);
  easemob__pb__comm_sync_ul__free_unpacked (uul, NULL);
  easemob__pb__msync__free_unpacked (um, NULL);
}

static void
test_send_ack (void)
{
  g_autoptr (GBytes) want = ct_bytes_from_annotated ("08 00 40 00 4a 1c 0a 02 08 00"
                                                     " 10 8f eb a9 f8 b8 0f"
                                                     " 18 e5 80 e0 93 c6 b4 d0 d3 10"
                                                     " 40 80 d0 95 ff bc 31");
  Easemob__Pb__Status status = EASEMOB__PB__STATUS__INIT;
  Easemob__Pb__CommSyncDL dl = EASEMOB__PB__COMM_SYNC_DL__INIT;
  Easemob__Pb__MSync m = EASEMOB__PB__MSYNC__INIT;
  guint8 buf[64];
  g_autoptr (GBytes) got = NULL;
  Easemob__Pb__MSync *um;
  Easemob__Pb__CommSyncDL *udl;

  g_assert_cmpuint (g_bytes_get_size (want), ==, 34);
  status.has_errorcode = TRUE;
  dl.status = &status;
  dl.has_metaid = dl.has_serverid = dl.has_timestamp = TRUE;
  dl.metaid = G_GUINT64_CONSTANT (530680804751);
  dl.serverid = G_GUINT64_CONSTANT (1200000000000000101);
  dl.timestamp = G_GUINT64_CONSTANT (1700000000000);
  m.has_version = m.has_command = m.has_payload = TRUE;
  m.command = EASEMOB__PB__MSYNC__COMMAND__SYNC;
  g_assert_cmpuint (easemob__pb__comm_sync_dl__get_packed_size (&dl), <=, sizeof buf);
  m.payload.len = easemob__pb__comm_sync_dl__pack (&dl, buf);
  m.payload.data = buf;
  got = pack_msync (&m);
  ct_assert_bytes_equal (got, want);

  um = unpack_repack (want);
  udl = easemob__pb__comm_sync_dl__unpack (NULL, um->payload.len, um->payload.data);
  g_assert_nonnull (udl);
  g_assert_cmpuint (udl->metaid, ==, G_GUINT64_CONSTANT (530680804751));
  g_assert_cmpuint (udl->serverid, ==, G_GUINT64_CONSTANT (1200000000000000101));
  g_assert_cmpuint (udl->n_metas, ==, 0);
  easemob__pb__comm_sync_dl__free_unpacked (udl, NULL);
  easemob__pb__msync__free_unpacked (um, NULL);
}

static void
test_pull_frames (void)
{
  /* A pull of a queue, the key-ack that continues it, and the empty isLast reply. */
  g_autoptr (GBytes) pull = ct_bytes_from_annotated ("08 00 40 00 4a 1f 1a 1d " QUEUE_BOB " 58 00");
  g_autoptr (GBytes) ack = ct_bytes_from_annotated (
    "08 00 40 00 4a 29 10 e5 80 e0 93 c6 b4 d0 d3 10 1a 1d " QUEUE_BOB " 58 00");
  g_autoptr (GBytes) last = ct_bytes_from_annotated ("08 00 40 00 4a 25 0a 02 08 00 32 1d " QUEUE_BOB " 38 01");
  Easemob__Pb__MSync *m;
  Easemob__Pb__CommSyncUL *ul;
  Easemob__Pb__CommSyncDL *dl;

  m = unpack_repack (pull);
  ul = easemob__pb__comm_sync_ul__unpack (NULL, m->payload.len, m->payload.data);
  g_assert_nonnull (ul);
  g_assert_null (ul->meta);
  g_assert_false (ul->has_key);
  g_assert_cmpstr (ul->queue->name, ==, "bob");
  g_assert_cmpstr (ul->queue->appkey, ==, "org1#app1");
  easemob__pb__comm_sync_ul__free_unpacked (ul, NULL);
  easemob__pb__msync__free_unpacked (m, NULL);

  m = unpack_repack (ack);
  ul = easemob__pb__comm_sync_ul__unpack (NULL, m->payload.len, m->payload.data);
  g_assert_true (ul->has_key);
  g_assert_cmpuint (ul->key, ==, G_GUINT64_CONSTANT (1200000000000000101));
  easemob__pb__comm_sync_ul__free_unpacked (ul, NULL);
  easemob__pb__msync__free_unpacked (m, NULL);

  m = unpack_repack (last);
  dl = easemob__pb__comm_sync_dl__unpack (NULL, m->payload.len, m->payload.data);
  g_assert_nonnull (dl);
  g_assert_true (dl->has_islast && dl->islast);
  g_assert_false (dl->has_metaid);
  g_assert_cmpuint (dl->n_metas, ==, 0);
  g_assert_cmpstr (dl->queue->name, ==, "bob");
  g_assert_true (dl->status->has_errorcode && dl->status->errorcode == EASEMOB__PB__STATUS__ERROR_CODE__OK);
  easemob__pb__comm_sync_dl__free_unpacked (dl, NULL);
  easemob__pb__msync__free_unpacked (m, NULL);
}

static void
test_truncated_frames (void)
{
  g_autoptr (GBytes) frame = ct_bytes_from_annotated (TEXT_SEND);
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  /* protobuf-c must refuse any cut inside a length-delimited field without crashing. */
  for (gsize n = 1; n < len; n++)
    {
      Easemob__Pb__MSync *m = easemob__pb__msync__unpack (NULL, n, data);
      if (n > 5 && n < len - 2)
        g_assert_null (m);
      if (m)
        easemob__pb__msync__free_unpacked (m, NULL);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codec/frames/unread", test_unread);
  g_test_add_func ("/codec/frames/provision", test_provision);
  g_test_add_func ("/codec/frames/provision-reply", test_provision_reply);
  g_test_add_func ("/codec/frames/text-send", test_text_send);
  g_test_add_func ("/codec/frames/send-ack", test_send_ack);
  g_test_add_func ("/codec/frames/pull", test_pull_frames);
  g_test_add_func ("/codec/frames/truncated", test_truncated_frames);
  return g_test_run ();
}
