/* The client's local store against a real SQLite file. */
#include "ac-local-store.h"
#include "ac-local-store-private.h"
#include "temp-store.h"
#include "ac-message-json.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>

typedef struct {
  TempStore tmp;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  temp_store_init (&f->tmp, "ac-store-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  temp_store_clear (&f->tmp);
}

static AcMessage *
text_message (guint64 id, guint64 ts, const char *from, const char *to, const char *text)
{
  AcMessage *m = ac_message_new ();
  m->id = id;
  m->timestamp = ts;
  m->chat_type = AC_CHAT_SINGLE;
  m->from = g_strdup (from);
  m->to = g_strdup (to);
  m->type = AC_BODY_TEXT;
  m->text = g_strdup (text);
  return m;
}

static GPtrArray *
messages (guint64 first_id, guint count, guint64 first_ts)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *text = g_strdup_printf ("m%" G_GUINT64_FORMAT, first_id + i);
      g_ptr_array_add (out, text_message (first_id + i, first_ts + i * 1000, "bob", "alice", text));
    }
  return out;
}

static void
test_file_mode_and_version (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  GStatBuf st;
  g_assert_cmpint (g_stat (f->tmp.path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (f->tmp.path, &db), ==, SQLITE_OK);
  sqlite3_stmt *s = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &s, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (s), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (s, 0), ==, AC_LOCAL_STORE_VERSION);
  sqlite3_finalize (s);
  sqlite3_close (db);
}

static void
test_too_new_schema_refused (Fixture *f, gconstpointer data)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (f->tmp.path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_autoptr (GError) error = NULL;
  AcLocalStore *store = ac_local_store_open (f->tmp.path, &error);
  g_assert_null (store);
  g_assert_error (error, AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_TOO_NEW);
}

static void
test_unopenable_path (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *bad = g_build_filename (f->tmp.dir, "missing-dir", "x.db", NULL);
  g_assert_null (ac_local_store_open (bad, &error));
  g_assert_error (error, AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_FAILED);
}

typedef struct {
  gboolean      done;
  AcLocalStore *store;
  GError       *error;
  GThread      *caller;
  gboolean      in_caller;
} Opened;

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Opened *o = user_data;
  o->store = ac_local_store_open_finish (result, &o->error);
  o->in_caller = g_thread_self () == o->caller;
  o->done = TRUE;
}

static void
open_and_wait (const char *path, GCancellable *cancellable, Opened *o)
{
  *o = (Opened) { .caller = g_thread_self () };
  ac_local_store_open_async (path, cancellable, on_opened, o);
  while (!o->done)
    g_main_context_iteration (NULL, TRUE);
  /* Nothing of it still runs once its callback came. */
  ac_local_store_wait_for_opens ();
}

/* n messages from bob committed through `into`, read back through `read_from`. */
static void
commit_and_count (AcLocalStore *into, AcLocalStore *read_from, guint n)
{
  g_autoptr (GPtrArray) msgs = messages (1, n, 1000);
  g_autoptr (GError) error = NULL;
  g_assert_true (ac_local_store_commit_page (into, "bob", FALSE, msgs, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ac_local_store_count_messages (read_from, "bob", FALSE), ==, n);
}

/* Opened on a worker thread, answered in the caller's main loop: a store to
 * use from there, the same error as the blocking open, and a cancelled open
 * that hands over no store (the task closes what it opened; the memcheck
 * run of this test fails on a leak). */
static void
test_open_async (Fixture *f, gconstpointer data)
{
  Opened o;
  open_and_wait (f->tmp.path, NULL, &o);
  g_assert_no_error (o.error);
  g_assert_nonnull (o.store);
  g_assert_true (o.in_caller);
  commit_and_count (o.store, o.store, 3);
  ac_local_store_close (o.store);

  g_autofree char *bad = g_build_filename (f->tmp.dir, "missing-dir", "x.db", NULL);
  open_and_wait (bad, NULL, &o);
  g_assert_null (o.store);
  g_assert_error (o.error, AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_FAILED);
  g_clear_error (&o.error);

  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  open_and_wait (f->tmp.path, cancellable, &o);
  g_assert_null (o.store);
  g_assert_error (o.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&o.error);
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) again = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ac_local_store_count_messages (again, "bob", FALSE), ==, 3);
}

/* Two opens of one new file at once (a sign-in retried while the first
 * one's open still runs): each finds the schema made once, by either. */
static void
test_concurrent_opens (Fixture *f, gconstpointer data)
{
  for (guint round = 0; round < 20; round++)
    {
      g_autofree char *name = g_strdup_printf ("same-%u.db", round);
      g_autofree char *path = g_build_filename (f->tmp.dir, name, NULL);
      Opened a = { .caller = g_thread_self () }, b = { .caller = g_thread_self () };
      ac_local_store_open_async (path, NULL, on_opened, &a);
      ac_local_store_open_async (path, NULL, on_opened, &b);
      while (!a.done || !b.done)
        g_main_context_iteration (NULL, TRUE);
      ac_local_store_wait_for_opens ();
      g_assert_no_error (a.error);
      g_assert_no_error (b.error);
      commit_and_count (a.store, b.store, 2);
      ac_local_store_close (a.store);
      ac_local_store_close (b.store);
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (path);
    }
}

static void
test_each_id_stored_once (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);

  g_autoptr (GPtrArray) page1 = messages (100, 5, 1700000000000);
  g_autoptr (GPtrArray) inserted = NULL;
  AcSyncCursor cur = { .newest_id = 104, .oldest_id = 100 };
  g_assert_true (ac_local_store_commit_page (store, "bob", FALSE, page1, &cur, &inserted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (inserted->len, ==, 5);
  g_clear_pointer (&inserted, g_ptr_array_unref);

  /* Overlapping page: only 105..106 are new. */
  g_autoptr (GPtrArray) page2 = messages (103, 4, 1700000003000);
  g_assert_true (ac_local_store_commit_page (store, "bob", FALSE, page2, NULL, &inserted, &error));
  g_assert_cmpuint (inserted->len, ==, 2);
  g_assert_cmpuint (((AcMessage *) inserted->pdata[0])->id, ==, 105);
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 7);
  /* The same id is not stored again under another conversation either. */
  g_clear_pointer (&inserted, g_ptr_array_unref);
  g_assert_true (ac_local_store_commit_page (store, "carol", FALSE, page1, NULL, &inserted, &error));
  g_assert_cmpuint (inserted->len, ==, 0);

  /* The cursor was set by the first page only. */
  AcSyncCursor got;
  g_assert_true (ac_local_store_get_cursor (store, "bob", FALSE, &got, &error));
  g_assert_cmpuint (got.newest_id, ==, 104);
  g_assert_cmpuint (got.oldest_id, ==, 100);
  g_assert_true (ac_local_store_get_cursor (store, "nobody", FALSE, &got, &error));
  g_assert_cmpuint (got.newest_id, ==, 0);
}

static void
test_messages_roundtrip_in_time_order (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  {
    g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
    g_autoptr (GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
    /* Given newest first, as messageroaming pages come. */
    g_ptr_array_add (page, text_message (12, 3000, "alice", "bob", "third"));
    g_ptr_array_add (page, text_message (11, 2000, "bob", "alice", "second"));
    g_ptr_array_add (page, text_message (10, 1000, "bob", "alice", "first"));
    g_assert_true (ac_local_store_commit_page (store, "bob", FALSE, page, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  /* Reopened: the data is in the file, not in memory. */
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) last2 = ac_local_store_messages (store, "bob", FALSE, 0, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (last2->len, ==, 2);
  AcMessage *a = last2->pdata[0], *b = last2->pdata[1];
  g_assert_cmpstr (a->text, ==, "second");
  g_assert_cmpuint (a->id, ==, 11);
  g_assert_cmpuint (a->timestamp, ==, 2000);
  g_assert_cmpstr (a->from, ==, "bob");
  g_assert_cmpstr (b->text, ==, "third");
  g_assert_cmpstr (b->from, ==, "alice");

  g_autoptr (GPtrArray) before = ac_local_store_messages (store, "bob", FALSE, 11, 10, &error);
  g_assert_cmpuint (before->len, ==, 1);
  g_assert_cmpstr (((AcMessage *) before->pdata[0])->text, ==, "first");
}

static void
test_shown_once (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_autoptr (GPtrArray) page = messages (500, 2, 1000);
  g_assert_true (ac_local_store_commit_page (store, "g1", TRUE, page, NULL, NULL, &error));
  g_assert_false (ac_local_store_is_shown (store, 500));
  g_assert_true (ac_local_store_mark_shown (store, 500, &error));
  g_assert_true (ac_local_store_is_shown (store, 500));
  g_assert_false (ac_local_store_is_shown (store, 501));
  g_assert_false (ac_local_store_is_shown (store, 999)); /* unknown id */
}

/* bob's conversation as alice sees it: bob, alice (from another device), bob, alice. */
static GPtrArray *
both_ways (void)
{
  GPtrArray *page = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  g_ptr_array_add (page, text_message (700, 1000, "bob", "alice", "hi"));
  g_ptr_array_add (page, text_message (701, 2000, "alice", "bob", "hello from my phone"));
  g_ptr_array_add (page, text_message (702, 3000, "bob", "alice", "how are you"));
  g_ptr_array_add (page, text_message (703, 4000, "alice", "bob", "fine"));
  return page;
}

/* One's own messages are never unread (the server's count leaves them out
 * too), yet they are shown once like any other. */
static void
test_unread_leaves_out_own (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) page = both_ways ();
  g_assert_true (ac_local_store_commit_page (store, "bob", FALSE, page, NULL, NULL, &error));
  g_assert_cmpuint (ac_local_store_count_unshown (store, "bob", FALSE, "alice"), ==, 2);
  /* From bob's side (were he signed in on this file) alice's two are unread. */
  g_assert_cmpuint (ac_local_store_count_unshown (store, "bob", FALSE, "bob"), ==, 2);
  g_autoptr (GPtrArray) unshown = ac_local_store_unshown_messages (store, "bob", FALSE, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unshown->len, ==, 4);

  g_assert_true (ac_local_store_mark_shown (store, 700, &error));
  g_assert_true (ac_local_store_mark_shown (store, 701, &error));
  g_assert_cmpuint (ac_local_store_count_unshown (store, "bob", FALSE, "alice"), ==, 1);
  g_assert_true (ac_local_store_mark_shown (store, 702, &error));
  g_assert_cmpuint (ac_local_store_count_unshown (store, "bob", FALSE, "alice"), ==, 0);
  /* Own 703 is still unshown: opening the window shows it once. */
  g_assert_true (ac_local_store_is_unshown (store, 703));
}

/* A file of an older schema `version` holding both_ways() for bob, written
 * as that version did (JSON payloads; the sender column from version 5);
 * `shown`: the ids already shown. */
static void
make_old_file (const char *path, int version, const guint64 *shown, guint n_shown)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) old = ac_local_store_open_version (path, version, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) page = both_ways ();
  for (guint i = 0; i < page->len; i++)
    {
      const AcMessage *m = page->pdata[i];
      gboolean is_shown = FALSE;
      for (guint k = 0; k < n_shown; k++)
        is_shown = is_shown || shown[k] == m->id;
      g_autofree char *payload = ac_message_to_payload_string (m);
      sqlite3_stmt *s = NULL;
      g_assert_cmpint (sqlite3_prepare_v2 (old->db, version >= 5
                         ? "INSERT INTO messages (server_id, conv_id, is_group, ts, payload, shown, sender)"
                           " VALUES (?1, 'bob', 0, ?2, ?3, ?4, ?5)"
                         : "INSERT INTO messages (server_id, conv_id, is_group, ts, payload, shown)"
                           " VALUES (?1, 'bob', 0, ?2, ?3, ?4)", -1, &s, NULL), ==, SQLITE_OK);
      sqlite3_bind_int64 (s, 1, (sqlite3_int64) m->id);
      sqlite3_bind_int64 (s, 2, (sqlite3_int64) m->timestamp);
      sqlite3_bind_text (s, 3, payload, -1, SQLITE_STATIC);
      sqlite3_bind_int (s, 4, is_shown);
      if (version >= 5)
        sqlite3_bind_text (s, 5, m->from, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (s), ==, SQLITE_DONE);
      sqlite3_finalize (s);
    }
}

/* The query plan of `sql` on the file at `path`, one line per step. */
static char *
query_plan (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  sqlite3_stmt *s = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &s, NULL), ==, SQLITE_OK);
  GString *plan = g_string_new (NULL);
  while (sqlite3_step (s) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (s, 3));
  sqlite3_finalize (s);
  sqlite3_close (db);
  return g_string_free (plan, FALSE);
}

/* A version-4 file (no sender column) learns the senders of its unshown
 * messages when migrated, so that its unread counts leave out one's own. */
static void
test_v4_file_learns_senders (Fixture *f, gconstpointer data)
{
  const guint64 shown[] = { 700 };
  make_old_file (f->tmp.path, 4, shown, G_N_ELEMENTS (shown));

  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ac_local_store_count_unshown (store, "bob", FALSE, "alice"), ==, 1);
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 4);
}

/* Version 7 clusters messages by conversation: a version-6 file keeps every
 * message, its shown flag and sender; reading a conversation (its unread
 * count too) is one range of the table, and a server id is still stored
 * once. */
static void
test_v6_file_clustered (Fixture *f, gconstpointer data)
{
  const guint64 shown[] = { 700, 701 };
  make_old_file (f->tmp.path, 6, shown, G_N_ELEMENTS (shown));

  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 4);
  g_assert_cmpuint (ac_local_store_count_unshown (store, "bob", FALSE, "alice"), ==, 1);
  g_assert_false (ac_local_store_is_unshown (store, 700));
  g_assert_true (ac_local_store_is_unshown (store, 703));
  g_autoptr (GPtrArray) last = ac_local_store_messages (store, "bob", FALSE, 0, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (last->len, ==, 3);
  for (guint i = 0; i < last->len; i++)
    g_assert_cmpuint (((AcMessage *) last->pdata[i])->id, ==, 701 + i);
  g_assert_cmpstr (((AcMessage *) last->pdata[2])->text, ==, "fine");

  /* The same message again (a live copy, a re-fetched page): not new. */
  g_autoptr (GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  g_ptr_array_add (again, text_message (702, 3000, "bob", "alice", "how are you"));
  g_ptr_array_add (again, text_message (704, 5000, "bob", "alice", "new"));
  gboolean is_new[2] = { TRUE, FALSE };
  g_assert_true (ac_local_store_store_page (store, "bob", FALSE, again, NULL, NULL, is_new, &error));
  g_assert_no_error (error);
  g_assert_false (is_new[0]);
  g_assert_true (is_new[1]);
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 5);

  g_autofree char *count = query_plan (f->tmp.path, "SELECT COUNT(*) FROM messages WHERE is_group = 0 "
                                       "AND conv_id = 'bob' AND shown = 0 AND sender IS NOT 'alice'");
  g_assert_nonnull (strstr (count, "USING PRIMARY KEY (is_group=? AND conv_id=?)"));
  g_autofree char *by_id = query_plan (f->tmp.path, "SELECT shown FROM messages WHERE server_id = 5");
  g_assert_nonnull (strstr (by_id, "USING INDEX messages_by_id (server_id=?)"));
}

static gpointer
open_in_thread (gpointer path)
{
  GError *error = NULL;
  AcLocalStore *store = ac_local_store_open (path, &error);
  if (store == NULL)
    return error;
  ac_local_store_close (store);
  return NULL;
}

/* Two processes upgrading one file at once (two clients of one profile):
 * the one that waited for the lock finds the file migrated, instead of
 * migrating it again from the version it read before ("duplicate column"). */
static void
test_concurrent_migrations (Fixture *f, gconstpointer data)
{
  for (guint round = 0; round < 10; round++)
    {
      const guint64 shown[] = { 700 };
      make_old_file (f->tmp.path, 4, shown, G_N_ELEMENTS (shown));
      GThread *a = g_thread_new ("open-a", open_in_thread, f->tmp.path);
      GThread *b = g_thread_new ("open-b", open_in_thread, f->tmp.path);
      g_autoptr (GError) ea = g_thread_join (a);
      g_autoptr (GError) eb = g_thread_join (b);
      g_assert_no_error (ea);
      g_assert_no_error (eb);
      g_autoptr (GError) error = NULL;
      g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 4);
      g_assert_cmpuint (ac_local_store_count_unshown (store, "bob", FALSE, "alice"), ==, 1);
      g_clear_pointer (&store, ac_local_store_close);
      temp_store_clear (&f->tmp);
      temp_store_init (&f->tmp, "ac-store-XXXXXX");
    }
}

static void
test_conversations (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_autoptr (AcConversation) bob = ac_conversation_new ("bob", FALSE);
  bob->name = g_strdup ("Bobby");
  bob->unread = 3;
  bob->last = text_message (1, 5000, "bob", "alice", "x");
  g_autoptr (AcConversation) grp = ac_conversation_new ("123", TRUE);
  grp->name = g_strdup ("Team");
  grp->last = text_message (2, 9000, "bob", "123", "y");
  g_assert_true (ac_local_store_save_conversation (store, bob, &error));
  g_assert_true (ac_local_store_save_conversation (store, grp, &error));
  /* An update without a name keeps the stored one. */
  g_clear_pointer (&bob->name, g_free);
  bob->unread = 0;
  g_assert_true (ac_local_store_save_conversation (store, bob, &error));

  g_autoptr (GPtrArray) list = ac_local_store_list_conversations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  AcConversation *first = list->pdata[0], *second = list->pdata[1];
  g_assert_cmpstr (first->id, ==, "123");
  g_assert_true (first->is_group);
  g_assert_cmpstr (second->id, ==, "bob");
  g_assert_cmpstr (second->name, ==, "Bobby");
  g_assert_cmpuint (second->unread, ==, 0);
}

/* Checkpoints run on the store's worker thread: with SQLite's auto-checkpoint
 * off on the main connection, committed pages still reach the main database
 * file (read here without the -wal file) soon after the commit. */
static void
test_checkpoints_off_main_thread (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  for (guint page = 0; page < 20; page++)
    {
      g_autoptr (GPtrArray) msgs = messages (1000 + page * 50, 50, 100000 + page * 50000);
      g_assert_true (ac_local_store_commit_page (store, "bob", FALSE, msgs, NULL, NULL, &error));
    }
  g_autofree char *copy = g_strconcat (f->tmp.path, ".copy", NULL);
  gint64 count = 0;
  for (int attempt = 0; attempt < 40 && count < 1000; attempt++)
    {
      g_usleep (50 * 1000);
      g_autofree char *bytes = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (f->tmp.path, &bytes, &len, NULL));
      g_assert_true (g_file_set_contents (copy, bytes, (gssize) len, NULL));
      sqlite3 *db = NULL;
      g_assert_cmpint (sqlite3_open_v2 (copy, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      sqlite3_stmt *s = NULL;
      if (sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM messages", -1, &s, NULL) == SQLITE_OK
          && sqlite3_step (s) == SQLITE_ROW)
        count = sqlite3_column_int64 (s, 0);
      sqlite3_finalize (s);
      sqlite3_close (db);
    }
  g_unlink (copy);
  g_assert_cmpint (count, ==, 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/local-store/file-mode-and-version", test_file_mode_and_version);
  ADD ("/local-store/too-new-schema-refused", test_too_new_schema_refused);
  ADD ("/local-store/unopenable-path", test_unopenable_path);
  ADD ("/local-store/open-async", test_open_async);
  ADD ("/local-store/concurrent-opens", test_concurrent_opens);
  ADD ("/local-store/each-id-stored-once", test_each_id_stored_once);
  ADD ("/local-store/messages-roundtrip-in-time-order", test_messages_roundtrip_in_time_order);
  ADD ("/local-store/shown-once", test_shown_once);
  ADD ("/local-store/unread-leaves-out-own", test_unread_leaves_out_own);
  ADD ("/local-store/v4-file-learns-senders", test_v4_file_learns_senders);
  ADD ("/local-store/v6-file-clustered", test_v6_file_clustered);
  ADD ("/local-store/concurrent-migrations", test_concurrent_migrations);
  ADD ("/local-store/conversations", test_conversations);
  ADD ("/local-store/checkpoints-off-main-thread", test_checkpoints_off_main_thread);
  return g_test_run ();
}
