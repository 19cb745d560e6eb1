/* Failures come back as clear errors: unusable files, a full disk, damaged rows. */
#include "store-test-util.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>

static void
test_open_bad_path (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  /* a path below a regular file cannot be created */
  g_autofree char *path = g_build_filename (f->path, "store.db", NULL);
  Store *store = store_open (path, &error);

  g_assert_null (store);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_open_not_a_database (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "junk.db", NULL);
  g_autofree char *junk = g_strnfill (8192, 'x');
  Store *store;

  g_assert_true (g_file_set_contents (path, junk, -1, NULL));
  store = store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "not a database"));
  g_unlink (path);
}

static void
test_open_newer_schema (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  Store *store;

  store_close (f->store);
  f->store = NULL;
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "newer"));
}

/* A row damaged behind the store's back fails that call, not the process. */
static void
test_damaged_payload (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
  StoreRoamingQuery q = { .limit = 50, .start_time = -1, .end_time = -1 };
  sqlite3 *db = NULL;
  GPtrArray *page;

  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "fine", 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE messages SET payload = '{not json'", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  page = store_roaming (f->store, f->app, "alice", &bob, &q, NULL, NULL, &error);
  g_assert_null (page);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "unreadable"));
  g_clear_error (&error);
  g_assert_null (store_conversations (f->store, f->app, "alice", -1, 0, 0, 0, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
}

/* A size cap hit in the middle of a write: "disk full", nothing half-written. */
static void
test_size_limit (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (20000, 'z');
  gint64 stored = 0;
  gboolean failed = FALSE;

  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "before", 0);
  g_assert_true (store_set_max_size (f->store, 512 * 1024, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && !failed; i++)
    {
      g_autoptr(AcMessage) msg = store_test_message (AC_CHAT_SINGLE, "alice", "bob", big, 0);
      if (store_message_insert (f->store, f->app, msg, &error))
        stored++;
      else
        {
          failed = TRUE;
          g_assert_cmpuint (msg->id, ==, 0);
        }
    }
  g_assert_true (failed);
  g_assert_cmpint (stored, >, 0);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "disk full"));
  g_clear_error (&error);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 1 + stored);

  /* Within a caller's transaction SQLite rolls the whole transaction back on
   * a full disk: later calls and the commit fail too, and nothing is kept. */
  g_assert_true (store_begin (f->store, &error));
  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "small", 0);
  {
    g_autoptr(AcMessage) msg = store_test_message (AC_CHAT_SINGLE, "alice", "bob", big, 0);
    g_assert_false (store_message_insert (f->store, f->app, msg, &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
    g_clear_error (&error);
    g_clear_pointer (&msg, ac_message_free);
    msg = store_test_message (AC_CHAT_SINGLE, "alice", "bob", "small", 0);
    g_assert_false (store_message_insert (f->store, f->app, msg, &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
    g_clear_error (&error);
  }
  g_assert_false (store_commit (f->store, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 1 + stored);
  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "small", 0);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 2 + stored);

  g_assert_true (store_set_max_size (f->store, G_GINT64_CONSTANT (1) << 40, &error));
  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", big, 0);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 3 + stored);
  g_assert_false (store_set_max_size (f->store, 0, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
}

/* Files may not grow beyond a limit (RLIMIT_FSIZE): a real failing write()
 * in the middle of a commit comes back as an error, and nothing of it stays. */
static void
test_disk_full (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (20000, 'z');
  struct rlimit old, small;
  gint64 before = 0, stored = 0;
  gboolean failed = FALSE;
  GStatBuf st;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);

  for (guint i = 0; i < 5; i++)
    store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "before", 0);
  before = store_count_messages (f->store, f->app);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  small = old;
  /* not on a page boundary, so that a write is cut in the middle */
  small.rlim_cur = (rlim_t) MAX (st.st_size, 4096 * 40) + 200000 + 777;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  for (guint i = 0; i < 200 && !failed; i++)
    {
      g_autoptr(AcMessage) msg = store_test_message (AC_CHAT_SINGLE, "alice", "bob", big, 0);
      if (store_message_insert (f->store, f->app, msg, &error))
        stored++;
      else
        failed = TRUE;
    }
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
  signal (SIGXFSZ, SIG_DFL);

  g_assert_true (failed);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_FAILED);
  g_test_message ("error: %s", error->message);
  /* SQLite reports EFBIG as a write error (SQLITE_IOERR_WRITE). */
  g_assert_true (strstr (error->message, "disk full") || strstr (error->message, "I/O error"));
  g_clear_error (&error);

  /* the failed write left nothing; the store keeps working */
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, before + stored);
  store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "after", 0);
  store_fixture_reopen (f);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, before + stored + 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, fn, store_fixture_teardown)
  ADD ("/store/errors/open-bad-path", test_open_bad_path);
  ADD ("/store/errors/open-not-a-database", test_open_not_a_database);
  ADD ("/store/errors/open-newer-schema", test_open_newer_schema);
  ADD ("/store/errors/damaged-payload", test_damaged_payload);
  ADD ("/store/errors/size-limit", test_size_limit);
  ADD ("/store/errors/file-size-limit", test_disk_full);
  return g_test_run ();
}
