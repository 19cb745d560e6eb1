/* The local store's page writer (its own thread and connection) against a
 * real SQLite file: pages committed asynchronously, the Meta stored as
 * received and read back, tombstones honoured, a close that drains. */
#include "ac-local-store.h"
#include "temp-store.h"
#include "ac-message-pb.h"

#include <sqlite3.h>


typedef struct {
  TempStore tmp;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  temp_store_init (&f->tmp, "ac-writer-XXXXXX");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  temp_store_clear (&f->tmp);
}

/* Messages first_id.. (ts 1000 * id) and their packed Metas. */
static void
page (guint64 first_id, guint count, GPtrArray **msgs, GPtrArray **metas)
{
  *msgs = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  *metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < count; i++)
    {
      AcMessage *m = ac_message_new ();
      m->id = first_id + i;
      m->timestamp = (first_id + i) * 1000;
      m->chat_type = AC_CHAT_SINGLE;
      m->from = g_strdup ("bob");
      m->to = g_strdup ("alice");
      m->type = AC_BODY_TEXT;
      m->text = g_strdup_printf ("text %" G_GUINT64_FORMAT, first_id + i);
      g_ptr_array_add (*metas, ac_message_to_meta (m, "org#app"));
      g_ptr_array_add (*msgs, m);
    }
}

typedef struct {
  guint   done;
  GArray *is_new[8];
  GError *error[8];
  guint   unread[8];
  AcLocalStore *store;
} Results;

typedef struct {
  Results *r;
  guint    slot;
} Call;

static void
on_committed (GObject *source, GAsyncResult *result, gpointer data)
{
  Call *c = data;
  /* The store may be closed already (a draining close): finish needs no store. */
  c->r->is_new[c->slot] = ac_local_store_commit_page_finish (NULL, result, &c->r->unread[c->slot],
                                                             &c->r->error[c->slot]);
  c->r->done++;
  g_free (c);
}

static void
commit_in_chain (AcLocalStore *store, const char *conv, AcPageChain *chain,
                 GCancellable *cancellable, Results *r, guint slot, guint64 first, guint n,
                 const AcSyncCursor *cursor)
{
  g_autoptr (GPtrArray) msgs = NULL, metas = NULL;
  page (first, n, &msgs, &metas);
  Call *c = g_new0 (Call, 1);
  c->r = r;
  c->slot = slot;
  ac_local_store_commit_page_async (store, conv, FALSE, msgs, metas, cursor, chain,
                                    cursor != NULL ? "alice" : NULL, cancellable,
                                    on_committed, c);
}

static void
commit_async (AcLocalStore *store, Results *r, guint slot, guint64 first, guint n,
              const AcSyncCursor *cursor)
{
  commit_in_chain (store, "bob", NULL, NULL, r, slot, first, n, cursor);
}

static void
wait_done (Results *r, guint n)
{
  while (r->done < n)
    g_main_context_iteration (NULL, TRUE);
}

/* conv holds n messages and its cursor's newest id is newest (0: none). */
static void
assert_stored (AcLocalStore *store, const char *conv, guint n, guint64 newest)
{
  g_autoptr (GError) error = NULL;
  AcSyncCursor got;
  g_assert_cmpuint (ac_local_store_count_messages (store, conv, FALSE), ==, n);
  g_assert_true (ac_local_store_get_cursor (store, conv, FALSE, &got, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got.newest_id, ==, newest);
}

static void
results_clear (Results *r)
{
  for (guint i = 0; i < G_N_ELEMENTS (r->is_new); i++)
    {
      g_clear_pointer (&r->is_new[i], g_array_unref);
      g_clear_error (&r->error[i]);
    }
}

static void
test_async_pages (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  Results r = { 0 };
  AcSyncCursor cur = { .newest_id = 50, .oldest_id = 1 };
  /* Queued back to back: they may share a transaction, each still whole. */
  commit_async (store, &r, 0, 1, 50, &cur);
  commit_async (store, &r, 1, 41, 20, NULL);
  wait_done (&r, 2);
  g_assert_no_error (r.error[0]);
  g_assert_no_error (r.error[1]);
  /* Only the page with the cursor counts: what it and the pages before it stored. */
  g_assert_cmpuint (r.unread[0], ==, 50);
  g_assert_cmpuint (r.unread[1], ==, G_MAXUINT);
  g_assert_cmpuint (r.is_new[0]->len, ==, 50);
  for (guint i = 0; i < 50; i++)
    g_assert_true (g_array_index (r.is_new[0], gboolean, i));
  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (g_array_index (r.is_new[1], gboolean, i), ==, 41 + i > 50);
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 60);
  AcSyncCursor got;
  g_assert_true (ac_local_store_get_cursor (store, "bob", FALSE, &got, &error));
  g_assert_cmpuint (got.newest_id, ==, 50);
  g_assert_cmpuint (got.oldest_id, ==, 1);

  /* Read back on the main connection: the stored Meta is the same message. */
  g_autoptr (GPtrArray) last = ac_local_store_messages (store, "bob", FALSE, 0, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (last->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      AcMessage *m = last->pdata[i];
      g_assert_cmpuint (m->id, ==, 58 + i);
      g_assert_cmpuint (m->timestamp, ==, (58 + i) * 1000);
      g_autofree char *text = g_strdup_printf ("text %u", 58 + i);
      g_assert_cmpstr (m->text, ==, text);
      g_assert_cmpstr (m->from, ==, "bob");
    }
  results_clear (&r);
}

static void
test_tombstones (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  guint64 gone = 5;
  g_assert_true (ac_local_store_delete_ids (store, "bob", FALSE, &gone, 1, NULL, &error));
  g_assert_true (ac_local_store_delete_before (store, "bob", FALSE, 3000, NULL, &error));
  Results r = { 0 };
  commit_async (store, &r, 0, 1, 10, NULL);
  wait_done (&r, 1);
  g_assert_no_error (r.error[0]);
  for (guint i = 0; i < 10; i++)
    {
      guint64 id = 1 + i;
      g_assert_cmpint (g_array_index (r.is_new[0], gboolean, i), ==, id > 3 && id != 5);
    }
  g_assert_cmpuint (ac_local_store_count_messages (store, "bob", FALSE), ==, 6);
  results_clear (&r);
}

static void
test_close_drains (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  AcLocalStore *store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  Results r = { 0 };
  AcSyncCursor cur = { .newest_id = 400, .oldest_id = 1 };
  for (guint i = 0; i < 8; i++)
    commit_async (store, &r, i, 1 + i * 50, 50, i == 7 ? &cur : NULL);
  /* Closed at once: what was queued is committed before the close returns. */
  ac_local_store_close (store);
  g_autoptr (AcLocalStore) again = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ac_local_store_count_messages (again, "bob", FALSE), ==, 400);
  AcSyncCursor got;
  g_assert_true (ac_local_store_get_cursor (again, "bob", FALSE, &got, &error));
  g_assert_cmpuint (got.newest_id, ==, 400);
  wait_done (&r, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_no_error (r.error[i]);
  results_clear (&r);
}

/* A walk queues its pages without waiting: once one is refused (here:
 * cancelled), the later pages of its chain are not stored either, not even
 * the last one with the cursor; another walk's chain is untouched. */
static void
test_chain_stops_after_failure (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  g_autoptr (AcPageChain) walk = ac_page_chain_new ();
  g_autoptr (AcPageChain) other = ac_page_chain_new ();
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_cancellable_cancel (cancelled);
  Results r = { 0 };
  AcSyncCursor cur = { .newest_id = 150, .oldest_id = 1 };
  commit_in_chain (store, "bob", walk, NULL, &r, 0, 101, 50, NULL);
  commit_in_chain (store, "bob", walk, cancelled, &r, 1, 51, 50, NULL);
  commit_in_chain (store, "bob", walk, NULL, &r, 2, 1, 50, &cur);
  commit_in_chain (store, "carol", other, NULL, &r, 3, 1001, 50, &cur);
  wait_done (&r, 4);
  g_assert_no_error (r.error[0]);
  g_assert_error (r.error[1], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (r.error[2], AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_FAILED);
  g_assert_no_error (r.error[3]);
  /* Only the page before the failure is in; the cursor did not move. */
  assert_stored (store, "bob", 50, 0);
  assert_stored (store, "carol", 50, 150);
  results_clear (&r);
}

/* A page whose SQL fails (a trigger refuses mallory's rows) fails alone,
 * with the later pages of its walk; the other pages queued with it, in the
 * same group commit or not, are stored and move their cursors. */
static void
test_failing_page_fails_alone (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcLocalStore) store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (f->tmp.path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse BEFORE INSERT ON messages"
                                 " WHEN NEW.conv_id = 'mallory'"
                                 " BEGIN SELECT RAISE (ABORT, 'refused by the test'); END;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_autoptr (AcPageChain) bob = ac_page_chain_new ();
  g_autoptr (AcPageChain) mallory = ac_page_chain_new ();
  g_autoptr (AcPageChain) carol = ac_page_chain_new ();
  Results r = { 0 };
  AcSyncCursor bob_cur = { .newest_id = 150, .oldest_id = 101 };
  AcSyncCursor mallory_cur = { .newest_id = 550, .oldest_id = 501 };
  AcSyncCursor carol_cur = { .newest_id = 1050, .oldest_id = 1001 };
  commit_in_chain (store, "bob", bob, NULL, &r, 0, 101, 50, &bob_cur);
  commit_in_chain (store, "mallory", mallory, NULL, &r, 1, 551, 50, NULL);
  commit_in_chain (store, "mallory", mallory, NULL, &r, 2, 501, 50, &mallory_cur);
  commit_in_chain (store, "carol", carol, NULL, &r, 3, 1001, 50, &carol_cur);
  wait_done (&r, 4);
  g_assert_no_error (r.error[0]);
  /* A page with a cursor brings the conversation's unread count back (all
   * 50 are bob's, unread for alice); a page without one does not. */
  g_assert_cmpuint (r.unread[0], ==, 50);
  g_assert_cmpuint (r.unread[3], ==, 50);
  g_assert_nonnull (r.error[1]);
  g_assert_nonnull (strstr (r.error[1]->message, "refused by the test"));
  g_assert_error (r.error[2], AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_FAILED);
  g_assert_no_error (r.error[3]);
  for (guint i = 0; i < 50; i++)
    {
      g_assert_true (g_array_index (r.is_new[0], gboolean, i));
      g_assert_true (g_array_index (r.is_new[3], gboolean, i));
    }
  assert_stored (store, "bob", 50, 150);
  assert_stored (store, "mallory", 0, 0);
  assert_stored (store, "carol", 50, 1050);
  results_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/local-store-writer/async-pages", test_async_pages);
  ADD ("/local-store-writer/tombstones", test_tombstones);
  ADD ("/local-store-writer/close-drains", test_close_drains);
  ADD ("/local-store-writer/chain-stops-after-failure", test_chain_stops_after_failure);
  ADD ("/local-store-writer/failing-page-fails-alone", test_failing_page_fails_alone);
  return g_test_run ();
}
