/* Remote deletion in the client's local store (R5, R6), on a real SQLite
 * file: what goes, what stays, and that tombstones keep a later back-fill
 * from storing deleted messages again. */
#include "ac-local-store.h"
#include "temp-store.h"
#include "ac-message-json.h"

#include <sqlite3.h>

typedef struct {
  TempStore     tmp;
  AcLocalStore *store;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  temp_store_init (&f->tmp, "ac-store-del-XXXXXX");
  g_autoptr (GError) error = NULL;
  f->store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  ac_local_store_close (f->store);
  temp_store_clear (&f->tmp);
}

/* ids first_id.., timestamps 1000 ms apart from first_ts. */
static GPtrArray *
messages (guint64 first_id, guint count, guint64 first_ts)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  for (guint i = 0; i < count; i++)
    {
      AcMessage *m = ac_message_new ();
      m->id = first_id + i;
      m->timestamp = first_ts + i * 1000;
      m->chat_type = AC_CHAT_SINGLE;
      m->from = g_strdup ("bob");
      m->to = g_strdup ("alice");
      m->type = AC_BODY_TEXT;
      m->text = g_strdup_printf ("m%u", i);
      g_ptr_array_add (out, m);
    }
  return out;
}

static void
commit (Fixture *f, const char *conv, GPtrArray *msgs, guint expect_new)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) added = NULL;
  g_assert_true (ac_local_store_commit_page (f->store, conv, FALSE, msgs, NULL, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, expect_new);
}

static void
test_by_ids (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) bob = messages (100, 10, 1700000000000);
  g_autoptr (GPtrArray) carol = messages (200, 3, 1700000000000);
  commit (f, "bob", bob, 10);
  commit (f, "carol", carol, 3);

  /* 103 and 105 go; 201 is carol's and stays; 999 is unknown. */
  const guint64 ids[] = { 103, 105, 201, 999 };
  guint removed = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (ac_local_store_delete_ids (f->store, "bob", FALSE, ids, G_N_ELEMENTS (ids),
                                            &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 2);
  g_assert_cmpuint (ac_local_store_count_messages (f->store, "bob", FALSE), ==, 8);
  g_assert_cmpuint (ac_local_store_count_messages (f->store, "carol", FALSE), ==, 3);

  /* A later back-fill brings the same page again: only the kept ones exist. */
  commit (f, "bob", bob, 0);
  g_assert_cmpuint (ac_local_store_count_messages (f->store, "bob", FALSE), ==, 8);
  g_autoptr (GPtrArray) left = ac_local_store_messages (f->store, "bob", FALSE, 0, 50, &error);
  for (guint i = 0; i < left->len; i++)
    {
      guint64 id = ((AcMessage *) left->pdata[i])->id;
      g_assert_true (id != 103 && id != 105);
    }
}

static void
test_before (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) bob = messages (100, 10, 1700000000000);
  g_autoptr (GPtrArray) carol = messages (200, 10, 1700000000000);
  commit (f, "bob", bob, 10);
  commit (f, "carol", carol, 10);
  const guint64 t = 1700000000000 + 4000; /* the 5th message, "at or before" */
  g_assert_cmpuint (ac_local_store_count_before (f->store, "bob", FALSE, t), ==, 5);
  g_assert_cmpuint (ac_local_store_count_before (f->store, "bob", FALSE, t - 1), ==, 4);

  guint removed = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (ac_local_store_delete_before (f->store, "bob", FALSE, t, &removed, &error));
  g_assert_cmpuint (removed, ==, 5);
  g_assert_cmpuint (ac_local_store_count_messages (f->store, "bob", FALSE), ==, 5);
  g_assert_cmpuint (ac_local_store_count_messages (f->store, "carol", FALSE), ==, 10);
  /* An earlier time never moves the tombstone back. */
  g_assert_true (ac_local_store_delete_before (f->store, "bob", FALSE, t - 3000, &removed, &error));
  g_assert_cmpuint (removed, ==, 0);

  /* Re-fetched: the old five are refused, a newer one is stored. */
  commit (f, "bob", bob, 0);
  g_autoptr (GPtrArray) newer = messages (500, 1, t + 1);
  commit (f, "bob", newer, 1);
  g_assert_cmpuint (ac_local_store_count_messages (f->store, "bob", FALSE), ==, 6);
}

static void
test_conversation (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) bob = messages (100, 4, 1700000000000);
  g_autoptr (GPtrArray) carol = messages (200, 4, 1700000000000);
  commit (f, "bob", bob, 4);
  commit (f, "carol", carol, 4);
  g_autoptr (GError) error = NULL;
  AcConversation *c = ac_conversation_new ("bob", FALSE);
  g_assert_true (ac_local_store_save_conversation (f->store, c, &error));
  ac_conversation_free (c);
  c = ac_conversation_new ("carol", FALSE);
  g_assert_true (ac_local_store_save_conversation (f->store, c, &error));
  ac_conversation_free (c);

  /* Keeping the messages: only the list entry goes. */
  guint removed = 99;
  g_assert_true (ac_local_store_delete_conversation (f->store, "carol", FALSE, FALSE, &removed,
                                                     &error));
  g_assert_cmpuint (removed, ==, 0);
  g_assert_cmpuint (ac_local_store_count_messages (f->store, "carol", FALSE), ==, 4);

  g_assert_true (ac_local_store_delete_conversation (f->store, "bob", FALSE, TRUE, &removed,
                                                     &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 4);
  g_autoptr (GPtrArray) list = ac_local_store_list_conversations (f->store, &error);
  g_assert_cmpuint (list->len, ==, 0);
  commit (f, "bob", bob, 0); /* never again */
  g_autoptr (GPtrArray) newer = messages (300, 2, 1700000000000 + 10000);
  commit (f, "bob", newer, 2); /* the conversation coming back */

  /* Nothing stored: nothing to do, no tombstone needed. */
  g_assert_true (ac_local_store_delete_conversation (f->store, "dave", FALSE, TRUE, &removed,
                                                     &error));
  g_assert_cmpuint (removed, ==, 0);
}

/* A version-1 file (issue 3's schema) is migrated and keeps its messages. */
static void
test_migrates_v1 (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) bob = messages (100, 3, 1700000000000);
  commit (f, "bob", bob, 3);
  ac_local_store_close (f->store);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (f->tmp.path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE deleted_ids; DROP TABLE deleted_before; "
                                     "PRAGMA user_version = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_autoptr (GError) error = NULL;
  f->store = ac_local_store_open (f->tmp.path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ac_local_store_count_messages (f->store, "bob", FALSE), ==, 3);
  const guint64 id = 101;
  guint removed = 0;
  g_assert_true (ac_local_store_delete_ids (f->store, "bob", FALSE, &id, 1, &removed, &error));
  g_assert_cmpuint (removed, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/local-store-delete/by-ids", Fixture, NULL, setup, test_by_ids, teardown);
  g_test_add ("/local-store-delete/before", Fixture, NULL, setup, test_before, teardown);
  g_test_add ("/local-store-delete/conversation", Fixture, NULL, setup, test_conversation, teardown);
  g_test_add ("/local-store-delete/migrates-v1", Fixture, NULL, setup, test_migrates_v1, teardown);
  return g_test_run ();
}
