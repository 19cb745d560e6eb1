/* The plugin's MSYNC frames against the bytes the official SDK sends
 * (protocol reference §7, captured), and the server frames and event bodies
 * it reads, including malformed ones. */
#include "ac-msync-frames.h"
#include "ac-msync-events.h"
#include "ac-error.h"

#include <string.h>

static void
assert_bytes (GBytes *got, const guint8 *want, gsize want_len)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (got, &len);
  if (len != want_len || memcmp (data, want, len) != 0)
    {
      g_autoptr (GString) s = g_string_new ("got:");
      for (gsize i = 0; i < len; i++)
        g_string_append_printf (s, " %02x", data[i]);
      g_printerr ("%s\n", s->str);
    }
  g_assert_cmpmem (data, len, want, want_len);
}

static Easemob__Pb__JID
queue_bob (void)
{
  Easemob__Pb__JID q = EASEMOB__PB__JID__INIT;
  q.appkey = (char *) "org1#app1";
  q.name = (char *) "bob";
  q.domain = (char *) "easemob.com";
  return q;
}

#define BOB_JID 0x0a, 0x09, 'o', 'r', 'g', '1', '#', 'a', 'p', 'p', '1', 0x12, 0x03, 'b', 'o', 'b', \
                0x1a, 0x0b, 'e', 'a', 's', 'e', 'm', 'o', 'b', '.', 'c', 'o', 'm'

static void
test_unread (void)
{
  static const guint8 want[] = { 0x08, 0x00, 0x40, 0x01, 0x58, 0x00 };
  g_autoptr (GBytes) f = ac_msync_frame_unread ();
  assert_bytes (f, want, sizeof want);
}

static void
test_pull (void)
{
  Easemob__Pb__JID q = queue_bob ();
  static const guint8 want[] = { 0x08, 0x00, 0x40, 0x00, 0x4a, 0x1f, 0x1a, 0x1d, BOB_JID, 0x58, 0x00 };
  g_autoptr (GBytes) f = ac_msync_frame_pull (&q, 0);
  assert_bytes (f, want, sizeof want);
  /* With a key: 10 <varint> before the queue (§7.5 capture). */
  static const guint8 want_key[] = { 0x08, 0x00, 0x40, 0x00, 0x4a, 0x22, 0x10, 0x96, 0x01, 0x1a, 0x1d,
                                     BOB_JID, 0x58, 0x00 };
  g_autoptr (GBytes) k = ac_msync_frame_pull (&q, 150);
  assert_bytes (k, want_key, sizeof want_key);
}

/* §7.6's captured "hello bob", without its ext. */
static void
test_send (void)
{
  static const guint8 want[] = {
    0x08, 0x00, 0x40, 0x00, 0x4a, 0x4f,
    0x0a, 0x4d,
    0x08, 0x8f, 0xeb, 0xa9, 0xf8, 0xb8, 0x0f,
    0x1a, 0x1d, BOB_JID,
    0x28, 0x01,
    0x32, 0x21,
    0x08, 0x01,
    0x12, 0x07, 0x12, 0x05, 'a', 'l', 'i', 'c', 'e',
    0x1a, 0x05, 0x12, 0x03, 'b', 'o', 'b',
    0x22, 0x0d, 0x08, 0x00, 0x12, 0x09, 'h', 'e', 'l', 'l', 'o', ' ', 'b', 'o', 'b',
    0x38, 0x00,
    0x58, 0x00,
  };
  g_autoptr (AcMessage) m = ac_message_new ();
  m->chat_type = AC_CHAT_SINGLE;
  m->from = g_strdup ("alice");
  m->to = g_strdup ("bob");
  m->type = AC_BODY_TEXT;
  m->text = g_strdup ("hello bob");
  m->timestamp = 12345; /* never sent: the server stamps it */
  g_autoptr (GBytes) f = ac_msync_frame_send (m, 530680804751ULL, "org1#app1");
  assert_bytes (f, want, sizeof want);
}

static void
test_provision (void)
{
  g_autoptr (GBytes) f = ac_msync_frame_provision ("org1#app1", "alice", "webim_pidgin_1", "TOKEN");
  gsize len;
  const guint8 *data = g_bytes_get_data (f, &len);
  /* Starts like the SDK's (version 0, guid) and ends with deviceId 0, encryptType [0]. */
  g_assert_cmpint (data[0], ==, 0x08);
  g_assert_cmpint (data[1], ==, 0x00);
  g_assert_cmpint (data[2], ==, 0x12);
  static const guint8 tail[] = { 0x50, 0x00, 0x58, 0x00 };
  g_assert_cmpmem (data + len - 4, 4, tail, 4);
  Easemob__Pb__MSync *m = easemob__pb__msync__unpack (NULL, len, data);
  g_assert_nonnull (m);
  g_assert_cmpint (m->command, ==, EASEMOB__PB__MSYNC__COMMAND__PROVISION);
  g_assert_cmpstr (m->auth, ==, "$t$TOKEN");
  g_assert_cmpstr (m->guid->name, ==, "alice");
  g_assert_cmpstr (m->guid->domain, ==, "easemob.com");
  g_assert_cmpstr (m->guid->clientresource, ==, "webim_pidgin_1");
  Easemob__Pb__Provision *p = easemob__pb__provision__unpack (NULL, m->payload.len, m->payload.data);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->resource, ==, "webim_pidgin_1");
  g_assert_cmpstr (p->authtoken, ==, "{\"token\":\"$t$TOKEN\"}");
  g_assert_cmpint (p->ostype, ==, EASEMOB__PB__PROVISION__OS_TYPE__OS_OTHER);
  g_assert_cmpuint (p->n_compresstype, ==, 1);
  g_assert_cmpstr (p->actionversion, ==, "v5.1");
  easemob__pb__provision__free_unpacked (p, NULL);
  easemob__pb__msync__free_unpacked (m, NULL);
}

static void
test_parse_ack (void)
{
  /* §7.6's ack shape: status OK, metaId 7, serverId 9, timestamp 1000. */
  static const guint8 ack[] = { 0x08, 0x00, 0x40, 0x00, 0x4a, 0x0b, 0x0a, 0x02, 0x08, 0x00, 0x10, 0x07,
                                0x18, 0x09, 0x40, 0xe8, 0x07, 0x58, 0x00 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AcMsyncFrame) f = ac_msync_frame_parse (ack, sizeof ack, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->command, ==, EASEMOB__PB__MSYNC__COMMAND__SYNC);
  g_assert_nonnull (f->sync);
  g_assert_cmpuint (f->sync->metaid, ==, 7);
  g_assert_cmpuint (f->sync->serverid, ==, 9);
  g_assert_cmpuint (f->sync->timestamp, ==, 1000);
  g_assert_cmpint (ac_msync_status_code (f->sync->status), ==, EASEMOB__PB__STATUS__ERROR_CODE__OK);
}

static void
test_parse_bad (void)
{
  static const guint8 junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
  static const guint8 no_command[] = { 0x08, 0x00 };
  static const guint8 bad_payload[] = { 0x08, 0x00, 0x40, 0x00, 0x4a, 0x02, 0xff, 0xff };
  static const guint8 unknown[] = { 0x08, 0x00, 0x40, 0x07 };
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;
  g_assert_null (ac_msync_frame_parse (junk, sizeof junk, &e1));
  g_assert_error (e1, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
  g_assert_null (ac_msync_frame_parse (no_command, sizeof no_command, &e2));
  g_assert_error (e2, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
  g_assert_null (ac_msync_frame_parse (bad_payload, sizeof bad_payload, &e3));
  g_assert_error (e3, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
  g_assert_null (ac_msync_frame_parse (unknown, sizeof unknown, &e4));
  g_assert_true (e4 != NULL);
  g_assert_null (ac_msync_frame_parse (NULL, 0, &e5));
  g_assert_error (e5, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
}

static void
test_notify (void)
{
  const char *del = "{\"type\":\"roaming_delete\",\"data\":{\"resource\":\"webim_other\",\"to\":\"g9\","
                    "\"chatType\":\"groupchat\",\"msgIdList\":[\"1200000000000000101\",\"7\"]}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (AcMsyncNotify) n = ac_msync_notify_parse ((const guint8 *) del, strlen (del), &error);
  g_assert_no_error (error);
  g_assert_cmpint (n->kind, ==, AC_MSYNC_NOTIFY_ROAMING_DELETE);
  g_assert_cmpstr (n->conv_id, ==, "g9");
  g_assert_true (n->is_group);
  g_assert_cmpuint (n->ids->len, ==, 2);
  g_assert_cmpuint (g_array_index (n->ids, guint64, 0), ==, G_GUINT64_CONSTANT (1200000000000000101));
  g_assert_cmpstr (n->resource, ==, "webim_other");

  const char *before = "{\"type\":\"roaming_delete\",\"data\":{\"to\":\"bob\",\"chatType\":\"chat\","
                       "\"deleteTime\":1700000000000}}";
  g_autoptr (AcMsyncNotify) b = ac_msync_notify_parse ((const guint8 *) before, strlen (before), NULL);
  g_assert_nonnull (b);
  g_assert_false (b->is_group);
  g_assert_cmpuint (b->delete_time, ==, G_GUINT64_CONSTANT (1700000000000));

  const char *conv = "{\"type\":\"conv\",\"data\":{\"op\":\"del\",\"id\":\"bob\",\"type\":\"chat\","
                     "\"ts\":1,\"res\":\"r\",\"from\":\"alice\"}}";
  g_autoptr (AcMsyncNotify) c = ac_msync_notify_parse ((const guint8 *) conv, strlen (conv), NULL);
  g_assert_cmpint (c->kind, ==, AC_MSYNC_NOTIFY_CONVERSATION_DELETE);
  g_assert_cmpstr (c->from, ==, "alice");

  const char *pin = "{\"type\":\"conv\",\"data\":{\"op\":\"top\",\"id\":\"bob\"}}";
  g_autoptr (AcMsyncNotify) p = ac_msync_notify_parse ((const guint8 *) pin, strlen (pin), NULL);
  g_assert_cmpint (p->kind, ==, AC_MSYNC_NOTIFY_OTHER);

  static const char *const bad[] = { "", "not json", "[1]", "{\"type\":1,\"data\":{}}",
                                     "{\"type\":\"roaming_delete\",\"data\":{}}",
                                     "{\"type\":\"conv\"}" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      g_assert_null (ac_msync_notify_parse ((const guint8 *) bad[i], strlen (bad[i]), &e));
      g_assert_error (e, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
    }
  static const guint8 not_utf8[] = { '{', 0xff, '}' };
  g_autoptr (GError) e = NULL;
  g_assert_null (ac_msync_notify_parse (not_utf8, sizeof not_utf8, &e));
}

static GBytes *
muc (Easemob__Pb__MUCBody__Operation op, const char *from, const char *to)
{
  Easemob__Pb__MUCBody b = EASEMOB__PB__MUCBODY__INIT;
  Easemob__Pb__JID gid = EASEMOB__PB__JID__INIT, jfrom = EASEMOB__PB__JID__INIT,
                   jto = EASEMOB__PB__JID__INIT;
  Easemob__Pb__JID *tos[1] = { &jto };
  gid.name = (char *) "g1";
  b.mucid = &gid;
  b.has_operation = TRUE;
  b.operation = op;
  if (from != NULL)
    {
      jfrom.name = (char *) from;
      b.from = &jfrom;
    }
  if (to != NULL)
    {
      jto.name = (char *) to;
      b.n_to = 1;
      b.to = tos;
    }
  gsize len = easemob__pb__mucbody__get_packed_size (&b);
  guint8 *buf = g_malloc (len);
  easemob__pb__mucbody__pack (&b, buf);
  return g_bytes_new_take (buf, len);
}

static void
test_group_events (void)
{
  g_autoptr (GBytes) presence = muc (EASEMOB__PB__MUCBODY__OPERATION__PRESENCE, "carol", NULL);
  gsize len;
  const guint8 *d = g_bytes_get_data (presence, &len);
  g_autoptr (AcGroupEvent) j = ac_group_event_parse (d, len, NULL);
  g_assert_cmpint (j->kind, ==, AC_GROUP_EVENT_JOINED);
  g_assert_cmpstr (j->group_id, ==, "g1");
  g_assert_cmpuint (j->members->len, ==, 1);
  g_assert_cmpstr (j->members->pdata[0], ==, "carol");

  g_autoptr (GBytes) kick = muc (EASEMOB__PB__MUCBODY__OPERATION__KICK, "alice", "bob");
  d = g_bytes_get_data (kick, &len);
  g_autoptr (AcGroupEvent) k = ac_group_event_parse (d, len, NULL);
  g_assert_cmpint (k->kind, ==, AC_GROUP_EVENT_KICKED);
  g_assert_cmpstr (k->actor, ==, "alice");
  g_assert_cmpstr (k->members->pdata[0], ==, "bob");

  g_autoptr (GBytes) absence = muc (EASEMOB__PB__MUCBODY__OPERATION__ABSENCE, "dave", NULL);
  d = g_bytes_get_data (absence, &len);
  g_autoptr (AcGroupEvent) l = ac_group_event_parse (d, len, NULL);
  g_assert_cmpint (l->kind, ==, AC_GROUP_EVENT_LEFT);

  static const guint8 junk[] = { 0x0a, 0x05, 0x01 };
  g_autoptr (GError) e = NULL;
  g_assert_null (ac_group_event_parse (junk, sizeof junk, &e));
  g_assert_error (e, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
}

static void
test_statistic (void)
{
  Easemob__Pb__StatisticsBody b = EASEMOB__PB__STATISTICS_BODY__INIT;
  b.has_operation = TRUE;
  b.operation = EASEMOB__PB__STATISTICS_BODY__OPERATION__USER_LOGIN_ANOTHER_DEVICE;
  b.reason = (char *) "phone";
  guint8 buf[64];
  gsize len = easemob__pb__statistics_body__pack (&b, buf);
  int op = -1;
  g_autofree char *reason = NULL;
  g_assert_true (ac_msync_statistic_is_kick (buf, len, &op, &reason));
  g_assert_cmpint (op, ==, EASEMOB__PB__STATISTICS_BODY__OPERATION__USER_LOGIN_ANOTHER_DEVICE);
  g_assert_cmpstr (reason, ==, "phone");
  b.operation = EASEMOB__PB__STATISTICS_BODY__OPERATION__INFORMATION;
  len = easemob__pb__statistics_body__pack (&b, buf);
  g_assert_false (ac_msync_statistic_is_kick (buf, len, &op, &reason));
  static const guint8 junk[] = { 0xff };
  g_assert_false (ac_msync_statistic_is_kick (junk, 1, &op, &reason));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/msync-frames/unread", test_unread);
  g_test_add_func ("/msync-frames/pull", test_pull);
  g_test_add_func ("/msync-frames/send", test_send);
  g_test_add_func ("/msync-frames/provision", test_provision);
  g_test_add_func ("/msync-frames/parse-ack", test_parse_ack);
  g_test_add_func ("/msync-frames/parse-bad", test_parse_bad);
  g_test_add_func ("/msync-events/notify", test_notify);
  g_test_add_func ("/msync-events/group", test_group_events);
  g_test_add_func ("/msync-events/statistic", test_statistic);
  return g_test_run ();
}
