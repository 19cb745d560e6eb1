/* History in its served form (store_roaming_metas): the Meta made when a
 * message is stored must be, byte for byte, what encoding the stored message
 * gives (the codec's golden-vector guarantee reaches the wire; the base64
 * text around it is checked by tests/server/roaming.test.mjs), with the same
 * paging and visibility as store_roaming; databases of schema v1 get theirs
 * made on opening; deletions take them along; damage is a clear error. */
#include "store-test-util.h"
#include "ac-message-pb.h"

#include <sqlite3.h>
#include <string.h>

#define T0 G_GUINT64_CONSTANT (1700000000000)
#define APP_KEY "org#app"

static const StoreRoamingQuery default_query = { .limit = 50, .start_time = -1, .end_time = -1 };

/* Both forms of one page; asserts they agree on length, order, bytes and paging. */
static void
assert_same_page (StoreFixture *f, const char *user, AcChatType type, const char *peer,
                  const StoreRoamingQuery *q, guint expect_len, guint64 *next_out)
{
  StoreConvRef conv = { type, peer };
  g_autoptr(GError) error = NULL;
  guint64 next_m = 1, next_b = 2;
  gboolean last_m = FALSE, last_b = TRUE;
  g_autoptr(GPtrArray) msgs = store_roaming (f->store, f->app, user, &conv, q, &next_m, &last_m,
                                             &error);
  g_autoptr(GPtrArray) metas = NULL;

  g_assert_no_error (error);
  metas = store_roaming_metas (f->store, f->app, user, &conv, q, &next_b, &last_b, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msgs);
  g_assert_nonnull (metas);
  g_assert_cmpuint (msgs->len, ==, expect_len);
  g_assert_cmpuint (metas->len, ==, msgs->len);
  g_assert_cmpuint (next_b, ==, next_m);
  g_assert_cmpint (last_b, ==, last_m);
  for (guint i = 0; i < msgs->len; i++)
    {
      g_autoptr(GBytes) want = ac_message_to_meta (msgs->pdata[i], APP_KEY);
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (metas->pdata[i], &len);
      g_autoptr(AcMessage) back = ac_message_from_meta (data, len, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (metas->pdata[i], want));
      g_assert_cmpuint (back->id, ==, ((AcMessage *) msgs->pdata[i])->id);
    }
  if (next_out)
    *next_out = next_m;
}

/* Messages of every body type, with ext values of each kind, resources and
 * numbers that a JSON round trip could change (2.0 is written as 2). */
static void
send_variety (StoreFixture *f, const char *gid, guint64 *ids)
{
  for (guint i = 0; i < 9; i++)
    {
      gboolean group = i % 3 == 2;
      g_autoptr(AcMessage) msg = store_test_message (group ? AC_CHAT_GROUP : AC_CHAT_SINGLE,
                                                     i % 2 ? "bob" : "alice",
                                                     group ? gid : i % 2 ? "alice" : "bob",
                                                     "héllo \"quoted\" \\ 你好", T0 + 1000 * i);
      g_autoptr(GError) error = NULL;
      msg->type = (AcBodyType) i;
      switch (msg->type)
        {
        case AC_BODY_IMAGE:
          msg->url = g_strdup ("http://127.0.0.1/i.png");
          msg->width = 640;
          msg->height = 480.5;
          break;
        case AC_BODY_LOCATION:
          msg->lat = 39.9;
          msg->lng = 2.0;
          msg->address = g_strdup ("somewhere");
          break;
        case AC_BODY_FILE:
          msg->url = g_strdup ("http://127.0.0.1/f");
          msg->filename = g_strdup ("f.pdf");
          msg->file_length = 12345;
          break;
        case AC_BODY_CMD:
          msg->action = g_strdup ("ping");
          break;
        case AC_BODY_CUSTOM:
          msg->custom_event = g_strdup ("gift");
          break;
        default:
          break;
        }
      msg->ext = json_object_new ();
      json_object_set_double_member (msg->ext, "whole_double", 2.0);
      json_object_set_double_member (msg->ext, "double", 0.25);
      json_object_set_int_member (msg->ext, "int", -7);
      json_object_set_boolean_member (msg->ext, "bool", TRUE);
      json_object_set_string_member (msg->ext, "string", "s");
      if (i % 2)
        {
          msg->from_resource = g_strdup ("webim_1");
          /* not kept by the store: the served Meta must not have it either */
          msg->to_resource = g_strdup ("android_2");
        }
      g_assert_true (store_message_insert (f->store, f->app, msg, &error));
      g_assert_no_error (error);
      ids[i] = msg->id;
    }
}

static char *
make_group (StoreFixture *f)
{
  const char *members[] = { "bob", "carol", NULL };
  g_autoptr(GError) error = NULL;
  char *gid;

  store_test_users (f, "alice", "bob", "carol", NULL);
  gid = store_group_create (f->store, f->app, "G", NULL, "alice", members, TRUE, 0, &error);
  g_assert_no_error (error);
  return gid;
}

static void
test_same_bytes (StoreFixture *f, gconstpointer data)
{
  g_autofree char *gid = make_group (f);
  StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
  StoreRoamingQuery q = default_query;
  guint64 ids[9], next = 0;

  send_variety (f, gid, ids);
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &q, 6, NULL);
  assert_same_page (f, "bob", AC_CHAT_SINGLE, "alice", &q, 6, NULL);
  assert_same_page (f, "carol", AC_CHAT_GROUP, gid, &q, 3, NULL);

  /* paging in both directions */
  q.limit = 4;
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &q, 4, &next);
  g_assert_cmpuint (next, !=, 0);
  q.start = next;
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &q, 2, &next);
  g_assert_cmpuint (next, ==, 0);
  q = default_query;
  q.forward = TRUE;
  q.limit = 5;
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &q, 5, &next);
  q.start = next;
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &q, 1, NULL);

  /* filters: types, time window, group sender */
  q = default_query;
  q.type_mask = 1u << AC_BODY_TEXT | 1u << AC_BODY_FILE;
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &q, 1, NULL);
  q = default_query;
  q.start_time = T0 + 1000;
  q.end_time = T0 + 4000;
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &q, 3, NULL);
  q = default_query;
  q.sender = "bob";
  assert_same_page (f, "carol", AC_CHAT_GROUP, gid, &q, 1, NULL);

  /* one-way deletion and hide-all apply to the served form too */
  g_assert_cmpint (store_hide_messages (f->store, f->app, "alice", &bob, &ids[0], 1, NULL), ==, 1);
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &default_query, 5, NULL);
  assert_same_page (f, "bob", AC_CHAT_SINGLE, "alice", &default_query, 6, NULL);
  g_assert_cmpint (store_hide_all (f->store, f->app, "alice", NULL), >, 0);
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &default_query, 0, NULL);

  /* and after reopening */
  store_fixture_reopen (f);
  assert_same_page (f, "bob", AC_CHAT_SINGLE, "alice", &default_query, 6, NULL);
}

/* Runs SQL on the database file behind the store's back. */
static void
raw_exec (StoreFixture *f, const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gint64
raw_count (StoreFixture *f, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return n;
}

/* A database as schema v1 left it (no message_metas): opening it makes the
 * Metas, identical to those made at insertion; an unreadable payload gets
 * none and fails history with a clear error, as it did before. */
static void
test_migration (StoreFixture *f, gconstpointer data)
{
  g_autofree char *gid = make_group (f);
  g_autoptr(GError) error = NULL;
  StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
  g_autoptr(GPtrArray) before = NULL, after = NULL;
  guint64 ids[9];

  send_variety (f, gid, ids);
  before = store_roaming_metas (f->store, f->app, "alice", &bob, &default_query, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, 6);
  store_close (f->store);
  f->store = NULL;
  raw_exec (f, "DROP TRIGGER messages_drop_meta; DROP TABLE message_metas; PRAGMA user_version = 1");

  store_fixture_reopen (f);
  g_assert_cmpint (raw_count (f, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (raw_count (f, "SELECT count(*) FROM message_metas"), ==, 9);
  after = store_roaming_metas (f->store, f->app, "alice", &bob, &default_query, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    g_assert_true (g_bytes_equal (after->pdata[i], before->pdata[i]));
  assert_same_page (f, "carol", AC_CHAT_GROUP, gid, &default_query, 3, NULL);

  /* again, with one payload damaged before the upgrade */
  store_close (f->store);
  f->store = NULL;
  raw_exec (f, "DROP TRIGGER messages_drop_meta; DROP TABLE message_metas; PRAGMA user_version = 1;"
               "UPDATE messages SET payload = '{not json' WHERE chat_type = 1 AND sender = 'bob'");
  store_fixture_reopen (f);
  g_assert_cmpint (raw_count (f, "SELECT count(*) FROM message_metas WHERE meta IS NULL"), ==, 3);
  g_assert_null (store_roaming_metas (f->store, f->app, "alice", &bob, &default_query, NULL, NULL,
                                      &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "unreadable"));
  g_clear_error (&error);
  /* the group's history is unharmed */
  assert_same_page (f, "carol", AC_CHAT_GROUP, gid, &default_query, 3, NULL);
}

/* delete_roam removes the messages for everyone: their Metas go with them. */
static void
test_conversation_delete (StoreFixture *f, gconstpointer data)
{
  g_autofree char *gid = make_group (f);
  g_autoptr(GError) error = NULL;
  StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
  guint64 ids[9];

  send_variety (f, gid, ids);
  g_assert_true (store_conversation_delete (f->store, f->app, "alice", &bob, TRUE, &error));
  g_assert_no_error (error);
  assert_same_page (f, "bob", AC_CHAT_SINGLE, "alice", &default_query, 0, NULL);
  g_assert_cmpint (raw_count (f, "SELECT count(*) FROM message_metas"), ==, 3);
  /* a later message is served as usual */
  store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "again", T0 + 60000);
  assert_same_page (f, "alice", AC_CHAT_SINGLE, "bob", &default_query, 1, NULL);
}

/* A Meta emptied behind the store's back fails the page, not the process. */
static void
test_damaged_meta (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };

  store_test_users (f, "alice", "bob", NULL);
  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "fine", 0);
  raw_exec (f, "UPDATE message_metas SET meta = x''");
  g_assert_null (store_roaming_metas (f->store, f->app, "alice", &bob, &default_query, NULL, NULL,
                                      &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "unreadable"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, fn, store_fixture_teardown)
  ADD ("/store/roaming-metas/same-bytes", test_same_bytes);
  ADD ("/store/roaming-metas/migration", test_migration);
  ADD ("/store/roaming-metas/conversation-delete", test_conversation_delete);
  ADD ("/store/roaming-metas/damaged-meta", test_damaged_meta);
  return g_test_run ();
}
