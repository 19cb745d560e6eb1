/* Message ids, insertion and history paging (R1, R4). */
#include "store-test-util.h"

#define T0 G_GUINT64_CONSTANT (1700000000000)

static const StoreRoamingQuery default_query = { .limit = 50, .start_time = -1, .end_time = -1 };

static GPtrArray *
roam (StoreFixture *f, const char *user, AcChatType type, const char *peer,
      const StoreRoamingQuery *q, guint64 *next_key, gboolean *is_last)
{
  StoreConvRef conv = { type, peer };
  g_autoptr(GError) error = NULL;
  GPtrArray *page = store_roaming (f->store, f->app, user, &conv, q, next_key, is_last, &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  return page;
}

static guint64
msg_id (GPtrArray *msgs, guint i)
{
  return ((AcMessage *) msgs->pdata[i])->id;
}

static void
test_ids (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint64 a, b, c, d, e, now_before = (guint64) (g_get_real_time () / 1000);

  a = store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "one", T0 + 2000);
  b = store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "two", T0 + 2000);
  g_assert_cmpuint (a, ==, (T0 + 2000) << 20);
  g_assert_cmpuint (b, ==, a + 1);
  /* imported history: an id in the past, so id order stays time order */
  c = store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "older", T0 + 1000);
  g_assert_cmpuint (c, ==, (T0 + 1000) << 20);
  d = store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "older too", T0 + 1000);
  g_assert_cmpuint (d, ==, c + 1);
  /* timestamp 0: now */
  {
    g_autoptr(AcMessage) msg = store_test_message (AC_CHAT_SINGLE, "alice", "bob", "now", 0);
    g_assert_true (store_message_insert (f->store, f->app, msg, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (msg->timestamp, >=, now_before);
    g_assert_cmpuint (msg->timestamp, <=, (guint64) (g_get_real_time () / 1000));
    g_assert_cmpuint (msg->id >> 20, ==, msg->timestamp);
    e = msg->id;
  }
  /* a given id is kept; the same id twice is refused */
  {
    g_autoptr(AcMessage) msg = store_test_message (AC_CHAT_SINGLE, "alice", "bob", "given", T0);
    msg->id = (T0 << 20) | 7;
    g_assert_true (store_message_insert (f->store, f->app, msg, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (msg->id, ==, (T0 << 20) | 7);
    g_assert_false (store_message_insert (f->store, f->app, msg, &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_DUPLICATE);
    g_clear_error (&error);
  }
  {
    g_autoptr(GPtrArray) all = store_test_history (f, "alice", AC_CHAT_SINGLE, "bob");
    g_assert_cmpuint (all->len, ==, 6);
    g_assert_cmpuint (msg_id (all, 0), ==, e);
    g_assert_cmpuint (msg_id (all, 1), ==, b);
    g_assert_cmpuint (msg_id (all, 2), ==, a);
    g_assert_cmpuint (msg_id (all, 3), ==, d);
    g_assert_cmpuint (msg_id (all, 4), ==, c);
    g_assert_cmpuint (msg_id (all, 5), ==, (T0 << 20) | 7);
    g_assert_cmpstr (((AcMessage *) all->pdata[3])->text, ==, "older too");
    g_assert_cmpstr (((AcMessage *) all->pdata[3])->from, ==, "bob");
    g_assert_cmpuint (((AcMessage *) all->pdata[3])->timestamp, ==, T0 + 1000);
  }
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 6);

  /* ids keep growing after a restart, also within the same millisecond */
  store_fixture_reopen (f);
  g_assert_cmpuint (store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "x", T0 + 2000), ==, b + 1);
  g_assert_cmpuint (store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "y", 0), >, e);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 8);
}

static void
test_insert_invalid (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AcMessage) no_to = store_test_message (AC_CHAT_SINGLE, "alice", NULL, "x", 0);
  g_autoptr(AcMessage) room = store_test_message (AC_CHAT_ROOM, "alice", "123", "x", 0);
  g_autoptr(AcMessage) no_group = store_test_message (AC_CHAT_GROUP, "alice", "123", "x", 0);
  g_autoptr(AcMessage) far = store_test_message (AC_CHAT_SINGLE, "alice", "bob", "x",
                                                 G_GUINT64_CONSTANT (1) << 50);

  g_assert_false (store_message_insert (f->store, f->app, no_to, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (store_message_insert (f->store, f->app, room, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (store_message_insert (f->store, f->app, no_group, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (store_message_insert (f->store, f->app, far, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 0);
  g_assert_cmpuint (no_group->id, ==, 0);
}

/* A message is stored with everything the codec knows; what comes back is the same. */
static void
test_roundtrip (StoreFixture *f, gconstpointer data)
{
  g_autoptr(AcMessage) msg = ac_message_new ();
  g_autoptr(GPtrArray) page = NULL;
  AcMessage *got;

  msg->chat_type = AC_CHAT_SINGLE;
  msg->from = g_strdup ("alice");
  msg->to = g_strdup ("bob");
  msg->from_resource = g_strdup ("webim_1");
  msg->type = AC_BODY_FILE;
  msg->url = g_strdup ("http://127.0.0.1/org/app/chatfiles/abc");
  msg->filename = g_strdup ("report.pdf");
  msg->file_length = 12345;
  msg->ext = json_object_new ();
  json_object_set_string_member (msg->ext, "k", "v");
  g_assert_true (store_message_insert (f->store, f->app, msg, NULL));

  page = roam (f, "bob", AC_CHAT_SINGLE, "alice", &default_query, NULL, NULL);
  g_assert_cmpuint (page->len, ==, 1);
  got = page->pdata[0];
  g_assert_cmpuint (got->id, ==, msg->id);
  g_assert_cmpuint (got->timestamp, ==, msg->timestamp);
  g_assert_cmpstr (got->from_resource, ==, "webim_1");
  g_assert_cmpint (got->type, ==, AC_BODY_FILE);
  g_assert_cmpstr (got->filename, ==, "report.pdf");
  g_assert_cmpint (got->file_length, ==, 12345);
  g_assert_cmpstr (got->from, ==, "alice");
  g_assert_cmpstr (got->to, ==, "bob");
  g_assert_nonnull (got->ext);
  g_assert_cmpstr (json_object_get_string_member (got->ext, "k"), ==, "v");
}

/* 120 messages, pages of 50 newest first, with new messages arriving
 * between pages: each old message exactly once, in order, none of the new. */
static void
test_paging_backward (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GArray) sent = g_array_new (FALSE, FALSE, sizeof (guint64));
  StoreRoamingQuery q = default_query;
  gboolean is_last = FALSE;
  guint pages = 0, total = 0;
  guint64 prev = G_MAXUINT64;

  for (guint i = 0; i < 120; i++)
    {
      guint64 id = store_test_send (f, AC_CHAT_SINGLE, i % 2 ? "alice" : "bob",
                                    i % 2 ? "bob" : "alice", "m", 0);
      g_array_append_val (sent, id);
    }
  while (!is_last)
    {
      g_autoptr(GPtrArray) page = roam (f, "alice", AC_CHAT_SINGLE, "bob", &q, &q.start, &is_last);
      pages++;
      g_assert_cmpuint (page->len, ==, pages < 3 ? 50 : 20);
      for (guint i = 0; i < page->len; i++)
        {
          guint64 id = msg_id (page, i);
          g_assert_cmpuint (id, <, prev);
          prev = id;
          total++;
          g_assert_cmpuint (id, ==, g_array_index (sent, guint64, 119 - (total - 1)));
        }
      if (!is_last)
        g_assert_cmpuint (q.start, ==, g_array_index (sent, guint64, 119 - total));
      else
        g_assert_cmpuint (q.start, ==, 0);
      store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "new", 0);
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (total, ==, 120);
}

/* Oldest first, pages of 20: messages arriving meanwhile are newer and come
 * at the end, each once. */
static void
test_paging_forward (StoreFixture *f, gconstpointer data)
{
  StoreRoamingQuery q = default_query;
  gboolean is_last = FALSE;
  guint pages = 0, total = 0, added = 0;
  guint64 prev = 0;

  q.forward = TRUE;
  q.limit = 20;
  for (guint i = 0; i < 120; i++)
    store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "m", 0);
  while (!is_last)
    {
      g_autoptr(GPtrArray) page = roam (f, "bob", AC_CHAT_SINGLE, "alice", &q, &q.start, &is_last);
      pages++;
      for (guint i = 0; i < page->len; i++)
        {
          g_assert_cmpuint (msg_id (page, i), >, prev);
          prev = msg_id (page, i);
          total++;
        }
      if (!is_last)
        {
          g_assert_cmpuint (page->len, ==, 20);
          g_assert_cmpuint (q.start, >, prev);
        }
      if (added < 3)
        {
          store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "new", 0);
          added++;
        }
    }
  g_assert_cmpuint (total, ==, 123);
  g_assert_cmpuint (pages, ==, 7);
}

static void
test_start_inclusive (StoreFixture *f, gconstpointer data)
{
  StoreRoamingQuery q = default_query;
  g_autoptr(GPtrArray) back = NULL, fwd = NULL;
  guint64 ids[5], next = 1;
  gboolean is_last = FALSE;

  for (guint i = 0; i < 5; i++)
    ids[i] = store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "m", T0 + i);
  q.start = ids[2];
  q.limit = 2;
  back = roam (f, "alice", AC_CHAT_SINGLE, "bob", &q, &next, &is_last);
  g_assert_cmpuint (back->len, ==, 2);
  g_assert_cmpuint (msg_id (back, 0), ==, ids[2]);
  g_assert_cmpuint (msg_id (back, 1), ==, ids[1]);
  g_assert_cmpuint (next, ==, ids[0]);
  g_assert_false (is_last);

  q.forward = TRUE;
  q.limit = 3;
  fwd = roam (f, "alice", AC_CHAT_SINGLE, "bob", &q, &next, &is_last);
  g_assert_cmpuint (fwd->len, ==, 3);
  g_assert_cmpuint (msg_id (fwd, 0), ==, ids[2]);
  g_assert_cmpuint (msg_id (fwd, 2), ==, ids[4]);
  g_assert_true (is_last);
  g_assert_cmpuint (next, ==, 0);

  /* the page size is checked */
  {
    g_autoptr(GError) error = NULL;
    StoreConvRef conv = { AC_CHAT_SINGLE, "bob" };
    q.limit = 51;
    g_assert_null (store_roaming (f->store, f->app, "alice", &conv, &q, NULL, NULL, &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
    g_clear_error (&error);
    q.limit = 0;
    g_assert_null (store_roaming (f->store, f->app, "alice", &conv, &q, NULL, NULL, &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  }
}

static void
test_filters (StoreFixture *f, gconstpointer data)
{
  const char *members[] = { "bob", "carol", NULL };
  g_autofree char *gid = NULL;
  StoreRoamingQuery q = default_query;
  guint64 ids[10];

  store_test_users (f, "alice", "bob", "carol", NULL);
  gid = store_group_create (f->store, f->app, "G", NULL, "alice", members, TRUE, 0, NULL);
  g_assert_nonnull (gid);
  /* senders alice bob carol alice bob ...; every third an image */
  for (guint i = 0; i < 10; i++)
    {
      const char *from = i % 3 == 0 ? "alice" : i % 3 == 1 ? "bob" : "carol";
      g_autoptr(AcMessage) msg = store_test_message (AC_CHAT_GROUP, from, gid, "m", T0 + 1000 * i);
      if (i % 3 == 2)
        {
          msg->type = AC_BODY_IMAGE;
          msg->url = g_strdup ("http://127.0.0.1/x");
        }
      g_assert_true (store_message_insert (f->store, f->app, msg, NULL));
      ids[i] = msg->id;
    }

  {
    g_autoptr(GPtrArray) all = roam (f, "carol", AC_CHAT_GROUP, gid, &q, NULL, NULL);
    g_assert_cmpuint (all->len, ==, 10);
  }
  {
    /* time window, both ends inclusive */
    g_autoptr(GPtrArray) page = NULL;
    q.start_time = T0 + 3000;
    q.end_time = T0 + 6000;
    page = roam (f, "carol", AC_CHAT_GROUP, gid, &q, NULL, NULL);
    g_assert_cmpuint (page->len, ==, 4);
    g_assert_cmpuint (msg_id (page, 0), ==, ids[6]);
    g_assert_cmpuint (msg_id (page, 3), ==, ids[3]);
  }
  {
    g_autoptr(GPtrArray) page = NULL;
    q.end_time = -1;
    page = roam (f, "carol", AC_CHAT_GROUP, gid, &q, NULL, NULL);
    g_assert_cmpuint (page->len, ==, 7);
    q.start_time = -1;
    q.end_time = T0 + 1000;
    g_ptr_array_unref (page);
    page = roam (f, "carol", AC_CHAT_GROUP, gid, &q, NULL, NULL);
    g_assert_cmpuint (page->len, ==, 2);
    q.end_time = -1;
  }
  {
    /* sender, with a start id and paging */
    g_autoptr(GPtrArray) page = NULL;
    guint64 next = 0;
    gboolean is_last = TRUE;
    q.sender = "bob";
    q.limit = 2;
    page = roam (f, "alice", AC_CHAT_GROUP, gid, &q, &next, &is_last);
    g_assert_cmpuint (page->len, ==, 2);
    g_assert_cmpuint (msg_id (page, 0), ==, ids[7]);
    g_assert_cmpuint (msg_id (page, 1), ==, ids[4]);
    g_assert_cmpuint (next, ==, ids[1]);
    g_assert_false (is_last);
    q.start = next;
    g_ptr_array_unref (page);
    page = roam (f, "alice", AC_CHAT_GROUP, gid, &q, &next, &is_last);
    g_assert_cmpuint (page->len, ==, 1);
    g_assert_cmpuint (msg_id (page, 0), ==, ids[1]);
    g_assert_true (is_last);
    q.start = 0;
    q.limit = 50;
  }
  {
    /* type mask combined with the sender */
    g_autoptr(GPtrArray) page = NULL;
    q.sender = NULL;
    q.type_mask = 1u << AC_BODY_IMAGE;
    page = roam (f, "alice", AC_CHAT_GROUP, gid, &q, NULL, NULL);
    g_assert_cmpuint (page->len, ==, 3);
    for (guint i = 0; i < page->len; i++)
      g_assert_cmpint (((AcMessage *) page->pdata[i])->type, ==, AC_BODY_IMAGE);
    q.type_mask = (1u << AC_BODY_IMAGE) | (1u << AC_BODY_TEXT);
    g_ptr_array_unref (page);
    page = roam (f, "alice", AC_CHAT_GROUP, gid, &q, NULL, NULL);
    g_assert_cmpuint (page->len, ==, 10);
    q.sender = "carol";
    q.type_mask = 1u << AC_BODY_TEXT;
    g_ptr_array_unref (page);
    page = roam (f, "alice", AC_CHAT_GROUP, gid, &q, NULL, NULL);
    g_assert_cmpuint (page->len, ==, 0);
  }
}

/* One-to-one history is shared; other pairs and apps are separate; a
 * user who never took part sees nothing. */
static void
test_scoping (StoreFixture *f, gconstpointer data)
{
  gint64 other = store_app_ensure (f->store, "org", "other", NULL);
  g_autoptr(GPtrArray) ab = NULL, ba = NULL, ac = NULL, cb = NULL;
  StoreRoamingQuery q = default_query;
  g_autoptr(AcMessage) msg = store_test_message (AC_CHAT_SINGLE, "alice", "bob", "other app", 0);

  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "1", 0);
  store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "2", 0);
  store_test_send (f, AC_CHAT_SINGLE, "alice", "carol", "3", 0);
  g_assert_true (store_message_insert (f->store, other, msg, NULL));

  ab = roam (f, "alice", AC_CHAT_SINGLE, "bob", &q, NULL, NULL);
  ba = roam (f, "bob", AC_CHAT_SINGLE, "alice", &q, NULL, NULL);
  ac = roam (f, "alice", AC_CHAT_SINGLE, "carol", &q, NULL, NULL);
  cb = roam (f, "carol", AC_CHAT_SINGLE, "bob", &q, NULL, NULL);
  g_assert_cmpuint (ab->len, ==, 2);
  g_assert_cmpuint (ba->len, ==, 2);
  g_assert_cmpuint (msg_id (ab, 0), ==, msg_id (ba, 0));
  g_assert_cmpstr (((AcMessage *) ab->pdata[0])->text, ==, "2");
  g_assert_cmpuint (ac->len, ==, 1);
  g_assert_cmpuint (cb->len, ==, 0);
}

/* Members see the group's history; outsiders do not. */
static void
test_group_history (StoreFixture *f, gconstpointer data)
{
  const char *members[] = { "bob", NULL };
  g_autofree char *gid = NULL;
  g_autoptr(GPtrArray) bob = NULL, carol = NULL;

  store_test_users (f, "alice", "bob", "carol", NULL);
  gid = store_group_create (f->store, f->app, "G", NULL, "alice", members, TRUE, 0, NULL);
  store_test_send (f, AC_CHAT_GROUP, "alice", gid, "hi", 0);
  store_test_send (f, AC_CHAT_GROUP, "bob", gid, "hello", 0);
  bob = roam (f, "bob", AC_CHAT_GROUP, gid, &default_query, NULL, NULL);
  carol = roam (f, "carol", AC_CHAT_GROUP, gid, &default_query, NULL, NULL);
  g_assert_cmpuint (bob->len, ==, 2);
  g_assert_cmpint (((AcMessage *) bob->pdata[0])->chat_type, ==, AC_CHAT_GROUP);
  g_assert_cmpstr (((AcMessage *) bob->pdata[0])->to, ==, gid);
  g_assert_cmpuint (carol->len, ==, 0);
}

/* store_begin/commit make one transaction of many inserts; a rollback leaves none. */
static void
test_transactions (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (store_begin (f->store, &error));
  g_assert_true (store_begin (f->store, &error));
  for (guint i = 0; i < 100; i++)
    store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "bulk", T0 + i);
  g_assert_true (store_commit (f->store, &error));
  g_assert_true (store_commit (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 100);

  g_assert_true (store_begin (f->store, &error));
  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "undone", 0);
  store_rollback (f->store);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 100);

  /* a failing call inside a transaction undoes only itself */
  g_assert_true (store_begin (f->store, &error));
  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "kept", 0);
  {
    g_autoptr(AcMessage) msg = store_test_message (AC_CHAT_GROUP, "alice", "404", "x", 0);
    g_assert_false (store_message_insert (f->store, f->app, msg, &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_true (store_commit (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 101);

  /* an inner rollback dooms the outer transaction */
  g_assert_true (store_begin (f->store, &error));
  g_assert_true (store_begin (f->store, &error));
  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "doomed", 0);
  store_rollback (f->store);
  g_assert_false (store_commit (f->store, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 101);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, fn, store_fixture_teardown)
  ADD ("/store/messages/ids", test_ids);
  ADD ("/store/messages/invalid", test_insert_invalid);
  ADD ("/store/messages/roundtrip", test_roundtrip);
  ADD ("/store/messages/transactions", test_transactions);
  ADD ("/store/roaming/paging-backward", test_paging_backward);
  ADD ("/store/roaming/paging-forward", test_paging_forward);
  ADD ("/store/roaming/start-inclusive", test_start_inclusive);
  ADD ("/store/roaming/filters", test_filters);
  ADD ("/store/roaming/scoping", test_scoping);
  ADD ("/store/roaming/group", test_group_history);
  return g_test_run ();
}
