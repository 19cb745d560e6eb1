/* Unit tests of the MSYNC side's parts that need no socket: the delivery
 * queues of the store (real SQLite file) and the frames (real protobuf-c). */
#include "store-test-util.h"
#include "msync-frames.h"

#include <string.h>

static GBytes *
item (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

static void
enqueue (StoreFixture *f, const char *user, const char *res, const char *queue, guint64 id,
         const char *payload, guint64 *seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) meta = item (payload);

  g_assert_true (store_msync_enqueue (f->store, f->app, user, res, queue, 1, id, meta, seq, &error));
  g_assert_no_error (error);
}

/* The payloads of one queue's first batch, joined with ','. */
static char *
batch_text (StoreFixture *f, const char *user, const char *res, const char *queue, guint limit,
            guint64 *last)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = store_msync_batch (f->store, f->app, user, res, queue, limit, last,
                                                  &error);
  GString *s = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  for (guint i = 0; i < items->len; i++)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (g_ptr_array_index (items, i), &len);
      g_string_append_printf (s, "%s%.*s", i ? "," : "", (int) len, data);
    }
  return g_string_free (s, FALSE);
}

static void
msync_fixture_setup (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  store_fixture_setup (f, data);
  g_assert_true (store_msync_init (f->store, &error));
  /* Idempotent: a restart opens the same file. */
  g_assert_true (store_msync_init (f->store, &error));
  g_assert_no_error (error);
}

static void
test_queue_order_and_ack (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint64 s1 = 0, s2 = 0, s3 = 0, dup = 1, last = 0, s4 = 0;
  g_autofree char *first = NULL, *rest = NULL, *empty = NULL;
  g_autoptr(GPtrArray) unread = NULL;

  enqueue (f, "bob", "dev", "alice@easemob.com", 10, "a", &s1);
  enqueue (f, "bob", "dev", "42@conference.easemob.com", 11, "g", &s2);
  enqueue (f, "bob", "dev", "alice@easemob.com", 12, "b", &s3);
  enqueue (f, "bob", "dev", "alice@easemob.com", 12, "b-again", &dup);
  g_assert_cmpuint (s1, <, s2);
  g_assert_cmpuint (s2, <, s3);
  g_assert_cmpuint (dup, ==, 0);   /* the same item twice is queued once */

  unread = store_msync_unread (f->store, f->app, "bob", "dev", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unread->len, ==, 2);
  g_assert_cmpstr (((StoreMsyncQueue *) unread->pdata[0])->queue, ==, "alice@easemob.com");
  g_assert_cmpuint (((StoreMsyncQueue *) unread->pdata[0])->n, ==, 2);
  g_assert_cmpstr (((StoreMsyncQueue *) unread->pdata[1])->queue, ==, "42@conference.easemob.com");

  first = batch_text (f, "bob", "dev", "alice@easemob.com", 1, &last);
  g_assert_cmpstr (first, ==, "a");
  g_assert_cmpuint (last, ==, s1);
  g_assert_true (store_msync_ack (f->store, f->app, "bob", "dev", "alice@easemob.com", last, &error));
  rest = batch_text (f, "bob", "dev", "alice@easemob.com", 20, &last);
  g_assert_cmpstr (rest, ==, "b");
  g_assert_true (store_msync_ack (f->store, f->app, "bob", "dev", "alice@easemob.com", last, &error));
  empty = batch_text (f, "bob", "dev", "alice@easemob.com", 20, &last);
  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpuint (last, ==, 0);
  /* Other queues and devices are untouched by an ack. */
  g_free (empty);
  empty = batch_text (f, "bob", "dev", "42@conference.easemob.com", 20, NULL);
  g_assert_cmpstr (empty, ==, "g");

  /* The cursor never goes back, even once every row is gone. */
  g_assert_true (store_msync_ack (f->store, f->app, "bob", "dev", "42@conference.easemob.com", s3, &error));
  enqueue (f, "bob", "dev", "alice@easemob.com", 13, "c", &s4);
  g_assert_cmpuint (s4, >, s3);
}

static void
test_claim_and_release (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL, *own = NULL, *left = NULL, *back = NULL;

  /* Nobody online: queued for the user as a whole. */
  enqueue (f, "alice", "", "bob@easemob.com", 1, "m1", NULL);
  enqueue (f, "alice", "", "alice@easemob.com/phone", 2, "own-copy", NULL);
  enqueue (f, "alice", "", "bob@easemob.com", 3, "m3", NULL);
  enqueue (f, "alice", "laptop", "bob@easemob.com", 3, "m3", NULL);

  /* The phone logs in: it takes all but the copies of its own messages. */
  g_assert_true (store_msync_claim (f->store, f->app, "alice", "phone", "alice@easemob.com/phone", &error));
  g_assert_no_error (error);
  got = batch_text (f, "alice", "phone", "bob@easemob.com", 20, NULL);
  g_assert_cmpstr (got, ==, "m1,m3");
  own = batch_text (f, "alice", "phone", "alice@easemob.com/phone", 20, NULL);
  g_assert_cmpstr (own, ==, "");
  left = batch_text (f, "alice", "", "alice@easemob.com/phone", 20, NULL);
  g_assert_cmpstr (left, ==, "");
  /* Another device's own rows are its own. */
  g_free (got);
  got = batch_text (f, "alice", "laptop", "bob@easemob.com", 20, NULL);
  g_assert_cmpstr (got, ==, "m3");

  /* The last device goes: what it did not acknowledge waits for the next one, once. */
  g_assert_true (store_msync_release (f->store, f->app, "alice", "phone", &error));
  g_assert_true (store_msync_release (f->store, f->app, "alice", "laptop", &error));
  g_assert_no_error (error);
  back = batch_text (f, "alice", "", "bob@easemob.com", 20, NULL);
  g_assert_cmpstr (back, ==, "m1,m3");

  g_assert_false (store_msync_claim (f->store, f->app, "alice", "", NULL, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
}

static void
test_purge_and_errors (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) meta = item ("x");
  g_autofree char *left = NULL;

  enqueue (f, "carol", "d", "bob@easemob.com", 1, "x", NULL);
  g_assert_cmpint (store_msync_purge (f->store, 0, &error), ==, 0);
  g_assert_cmpint (store_msync_purge (f->store, G_MAXINT64, &error), ==, 1);
  g_assert_no_error (error);
  left = batch_text (f, "carol", "d", "bob@easemob.com", 20, NULL);
  g_assert_cmpstr (left, ==, "");

  g_assert_false (store_msync_enqueue (f->store, f->app, "carol", "d", "", 1, 1, meta, NULL, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (store_msync_enqueue (f->store, f->app, "carol", "d", "q", 1, G_MAXUINT64, meta,
                                      NULL, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
}

/* ---- frames ---- */

static void
test_parse_client_frames (void)
{
  static const guint8 unread[] = { 0x08, 0x00, 0x40, 0x01, 0x58, 0x00 };
  static const guint8 notice[] = { 0x08, 0x00, 0x40, 0x02 };
  static const guint8 sync_empty[] = { 0x08, 0x00, 0x40, 0x00 };
  static const guint8 garbage[] = { 0xff, 0xff, 0xff, 0xff };
  static const guint8 no_command[] = { 0x08, 0x00 };
  /* A pull of bob's queue with key 5 (§7.5). */
  static const guint8 pull[] = { 0x40, 0x00, 0x4a, 0x09, 0x10, 0x05, 0x1a, 0x05, 0x12, 0x03, 'b', 'o', 'b' };
  g_autoptr(GError) error = NULL;
  g_autoptr(MsyncFrame) f = NULL;
  g_autofree char *queue = NULL;

  f = msync_frame_parse (unread, sizeof unread, &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->envelope->command, ==, EASEMOB__PB__MSYNC__COMMAND__UNREAD);
  g_clear_pointer (&f, msync_frame_free);

  f = msync_frame_parse (pull, sizeof pull, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->sync);
  g_assert_true (f->sync->has_key);
  g_assert_cmpuint (f->sync->key, ==, 5);
  queue = msync_queue_from_jid (f->sync->queue, &error);
  g_assert_cmpstr (queue, ==, "bob@easemob.com");
  g_clear_pointer (&f, msync_frame_free);

  g_assert_null (msync_frame_parse (notice, sizeof notice, &error));
  g_assert_error (error, MSYNC_ERROR, MSYNC_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_null (msync_frame_parse (sync_empty, sizeof sync_empty, &error));
  g_assert_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (msync_frame_parse (garbage, sizeof garbage, &error));
  g_assert_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (msync_frame_parse (no_command, sizeof no_command, &error));
  g_assert_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (msync_frame_parse (NULL, 0, &error));
  g_assert_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED);
}

static void
test_queue_names (void)
{
  static const char *const names[] = {
    "bob@easemob.com", "alice@easemob.com/webim_1", "42@conference.easemob.com", "@easemob.com",
  };
  Easemob__Pb__JID bad = EASEMOB__PB__JID__INIT;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      Easemob__Pb__JID *jid = msync_queue_to_jid (names[i]);
      g_autofree char *back = NULL;
      g_assert_null (jid->appkey);
      if (i < 2)
        g_assert_null (jid->domain);   /* §14: no domain for easemob.com */
      if (i < 3)
        {
          back = msync_queue_from_jid (jid, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (back, ==, names[i]);
        }
      else
        {
          g_assert_null (jid->name);
          g_assert_cmpstr (jid->domain, ==, "easemob.com");
        }
      easemob__pb__jid__free_unpacked (jid, NULL);
    }
  bad.name = (char *) "a/b";
  g_assert_null (msync_queue_from_jid (&bad, &error));
  g_assert_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (msync_queue_from_jid (NULL, &error));
  g_assert_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED);
}

static Easemob__Pb__MSync *
unpack_envelope (GBytes *frame, Easemob__Pb__MSync__Command command)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (frame, &len);
  Easemob__Pb__MSync *env = easemob__pb__msync__unpack (NULL, len, data);

  g_assert_nonnull (env);
  g_assert_true (env->has_command);
  g_assert_cmpint (env->command, ==, command);
  g_assert_true (env->has_payload);
  return env;
}

static void
test_server_frames (void)
{
  /* The minimal reply the SDK accepts (§7.3). */
  static const guint8 provision[] = {
    0x08, 0x00, 0x40, 0x03, 0x4a, 0x28, 0x42, 0x02, 0x08, 0x00, 0x6a, 0x03, 'r', 'e', 's',
    0x92, 0x01, 0x1c, '{', '"', 'e', 'x', 'p', 'i', 'r', 'e', 's', '_', 'i', 'n', '"', ':',
    '1', '7', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '}',
  };
  g_autoptr(GBytes) p = msync_frame_provision_reply (MSYNC_OK, NULL, "res", 1700000000000);
  g_autoptr(GBytes) expected = g_bytes_new_static (provision, sizeof provision);
  g_autoptr(GBytes) ack = msync_frame_send_ack (MSYNC_OK, NULL, 530680804751, 99, 1700000000000);
  g_autoptr(GBytes) meta = msync_meta_notify (7, "org#app", "alice", "{\"type\":\"conv\"}", 5);
  g_autoptr(GPtrArray) metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) sync = NULL, bad_sync = NULL;
  g_autoptr(GError) error = NULL;
  Easemob__Pb__MSync *env;
  Easemob__Pb__CommSyncDL *dl;

  g_assert_true (g_bytes_equal (p, expected));

  env = unpack_envelope (ack, EASEMOB__PB__MSYNC__COMMAND__SYNC);
  dl = easemob__pb__comm_sync_dl__unpack (NULL, env->payload.len, env->payload.data);
  g_assert_true (dl->has_metaid && dl->metaid == 530680804751);
  g_assert_true (dl->has_serverid && dl->serverid == 99);
  g_assert_cmpuint (dl->n_metas, ==, 0);
  easemob__pb__comm_sync_dl__free_unpacked (dl, NULL);
  easemob__pb__msync__free_unpacked (env, NULL);

  g_ptr_array_add (metas, g_bytes_ref (meta));
  sync = msync_frame_sync ("alice@easemob.com/web", metas, 12, FALSE, &error);
  g_assert_no_error (error);
  env = unpack_envelope (sync, EASEMOB__PB__MSYNC__COMMAND__SYNC);
  dl = easemob__pb__comm_sync_dl__unpack (NULL, env->payload.len, env->payload.data);
  g_assert_false (dl->has_metaid);   /* a pull reply is not a send ack */
  g_assert_cmpuint (dl->n_metas, ==, 1);
  g_assert_cmpint (dl->metas[0]->ns, ==, EASEMOB__PB__META__NAME_SPACE__NOTIFY);
  g_assert_cmpstr (dl->metas[0]->from->name, ==, "admin");
  g_assert_cmpstr (dl->queue->name, ==, "alice");
  g_assert_cmpstr (dl->queue->clientresource, ==, "web");
  g_assert_true (dl->has_nextkey && dl->nextkey == 12);
  g_assert_true (dl->has_islast && !dl->islast);
  easemob__pb__comm_sync_dl__free_unpacked (dl, NULL);
  easemob__pb__msync__free_unpacked (env, NULL);

  /* A stored item that is not a Meta is an error, not a crash. */
  g_ptr_array_add (metas, g_bytes_new_static ("\xff\xff\xff", 3));
  bad_sync = msync_frame_sync ("bob@easemob.com", metas, 1, FALSE, &error);
  g_assert_null (bad_sync);
  g_assert_error (error, MSYNC_ERROR, MSYNC_ERROR_MALFORMED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/msync/store/order-and-ack", StoreFixture, NULL, msync_fixture_setup,
              test_queue_order_and_ack, store_fixture_teardown);
  g_test_add ("/msync/store/claim-and-release", StoreFixture, NULL, msync_fixture_setup,
              test_claim_and_release, store_fixture_teardown);
  g_test_add ("/msync/store/purge-and-errors", StoreFixture, NULL, msync_fixture_setup,
              test_purge_and_errors, store_fixture_teardown);
  g_test_add_func ("/msync/frames/parse", test_parse_client_frames);
  g_test_add_func ("/msync/frames/queue-names", test_queue_names);
  g_test_add_func ("/msync/frames/server", test_server_frames);
  return g_test_run ();
}
