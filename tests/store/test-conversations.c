/* The conversation list (R2, R3), one-way deletion (R5) and conversation deletion (R6). */
#include "store-test-util.h"

#define T0 G_GUINT64_CONSTANT (1700000000000)

static GPtrArray *
list (StoreFixture *f, const char *user, gint64 since, guint64 after, guint offset, guint limit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *convs = store_conversations (f->store, f->app, user, since, after, offset, limit,
                                          &error);
  g_assert_no_error (error);
  g_assert_nonnull (convs);
  return convs;
}

static StoreConversation *
conv_at (GPtrArray *convs, guint i)
{
  return convs->pdata[i];
}

static guint
history_len (StoreFixture *f, const char *user, AcChatType type, const char *peer)
{
  g_autoptr(GPtrArray) all = store_test_history (f, user, type, peer);
  return all->len;
}

static void
test_list (StoreFixture *f, gconstpointer data)
{
  const char *members[] = { "bob", "carol", NULL };
  g_autofree char *gid = NULL;
  g_autoptr(GPtrArray) convs = NULL;
  guint64 last_ab;

  store_test_users (f, "alice", "bob", "carol", NULL);
  gid = store_group_create (f->store, f->app, "G", NULL, "alice", members, TRUE, 0, NULL);
  store_test_send (f, AC_CHAT_SINGLE, "alice", "carol", "c1", T0 + 1000);
  store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "b1", T0 + 2000);
  store_test_send (f, AC_CHAT_GROUP, "carol", gid, "g1", T0 + 3000);
  store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "b2", T0 + 4000);
  last_ab = store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "b3", T0 + 5000);

  convs = list (f, "alice", -1, 0, 0, 0);
  g_assert_cmpuint (convs->len, ==, 3);
  /* newest activity first, each with its newest message */
  g_assert_cmpint (conv_at (convs, 0)->chat_type, ==, AC_CHAT_SINGLE);
  g_assert_cmpstr (conv_at (convs, 0)->peer, ==, "bob");
  g_assert_cmpuint (conv_at (convs, 0)->last->id, ==, last_ab);
  g_assert_cmpstr (conv_at (convs, 0)->last->text, ==, "b3");
  g_assert_cmpuint (conv_at (convs, 0)->last->timestamp, ==, T0 + 5000);
  g_assert_cmpuint (conv_at (convs, 0)->unread, ==, 3);
  g_assert_cmpint (conv_at (convs, 1)->chat_type, ==, AC_CHAT_GROUP);
  g_assert_cmpstr (conv_at (convs, 1)->peer, ==, gid);
  g_assert_cmpuint (conv_at (convs, 1)->unread, ==, 1);
  g_assert_cmpstr (conv_at (convs, 2)->peer, ==, "carol");
  g_assert_cmpuint (conv_at (convs, 2)->unread, ==, 0);   /* own message */
  g_assert_false (conv_at (convs, 2)->is_top);
  g_clear_pointer (&convs, g_ptr_array_unref);

  /* the other side's view */
  convs = list (f, "bob", -1, 0, 0, 0);
  g_assert_cmpuint (convs->len, ==, 2);
  g_assert_cmpstr (conv_at (convs, 0)->peer, ==, "alice");
  g_assert_cmpuint (conv_at (convs, 0)->unread, ==, 0);
  g_assert_cmpstr (conv_at (convs, 1)->peer, ==, gid);
  g_clear_pointer (&convs, g_ptr_array_unref);

  /* since_ms */
  convs = list (f, "alice", T0 + 3000, 0, 0, 0);
  g_assert_cmpuint (convs->len, ==, 2);
  g_assert_cmpstr (conv_at (convs, 1)->peer, ==, gid);
  g_clear_pointer (&convs, g_ptr_array_unref);
  convs = list (f, "alice", T0 + 6000, 0, 0, 0);
  g_assert_cmpuint (convs->len, ==, 0);
  g_clear_pointer (&convs, g_ptr_array_unref);

  /* offset / limit pages */
  convs = list (f, "alice", -1, 0, 1, 1);
  g_assert_cmpuint (convs->len, ==, 1);
  g_assert_cmpstr (conv_at (convs, 0)->peer, ==, gid);
  g_clear_pointer (&convs, g_ptr_array_unref);
  convs = list (f, "alice", -1, 0, 2, 5);
  g_assert_cmpuint (convs->len, ==, 1);
  g_assert_cmpstr (conv_at (convs, 0)->peer, ==, "carol");
  g_clear_pointer (&convs, g_ptr_array_unref);

  /* keyset continuation */
  convs = list (f, "alice", -1, last_ab, 0, 1);
  g_assert_cmpuint (convs->len, ==, 1);
  g_assert_cmpstr (conv_at (convs, 0)->peer, ==, gid);
  {
    guint64 after = conv_at (convs, 0)->last->id;
    g_clear_pointer (&convs, g_ptr_array_unref);
    convs = list (f, "alice", -1, after, 0, 10);
    g_assert_cmpuint (convs->len, ==, 1);
    g_assert_cmpstr (conv_at (convs, 0)->peer, ==, "carol");
  }
  g_clear_pointer (&convs, g_ptr_array_unref);

  /* a new message moves a conversation to the top */
  store_test_send (f, AC_CHAT_SINGLE, "carol", "alice", "c2", T0 + 6000);
  convs = list (f, "alice", -1, 0, 0, 0);
  g_assert_cmpstr (conv_at (convs, 0)->peer, ==, "carol");
  g_assert_cmpuint (conv_at (convs, 0)->unread, ==, 1);
  g_clear_pointer (&convs, g_ptr_array_unref);

  g_assert_cmpuint (history_len (f, "nobody", AC_CHAT_SINGLE, "alice"), ==, 0);
  convs = list (f, "nobody", -1, 0, 0, 0);
  g_assert_cmpuint (convs->len, ==, 0);
}

static void
test_read_and_top (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) convs = NULL;
  StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
  StoreConvRef ghost = { AC_CHAT_SINGLE, "ghost" };
  gint64 before = g_get_real_time () / 1000;

  for (guint i = 0; i < 4; i++)
    store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "m", 0);
  store_test_send (f, AC_CHAT_SINGLE, "carol", "alice", "m", 0);
  g_assert_true (store_conversation_mark_read (f->store, f->app, "alice", &bob, &error));
  g_assert_no_error (error);
  store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "after", 0);
  g_assert_true (store_conversation_set_top (f->store, f->app, "alice", &bob, TRUE, &error));
  g_assert_no_error (error);

  convs = list (f, "alice", -1, 0, 0, 0);
  g_assert_cmpuint (convs->len, ==, 2);
  g_assert_cmpstr (conv_at (convs, 0)->peer, ==, "bob");
  g_assert_cmpuint (conv_at (convs, 0)->unread, ==, 1);
  g_assert_true (conv_at (convs, 0)->is_top);
  g_assert_cmpint (conv_at (convs, 0)->top_time, >=, before);
  g_assert_cmpuint (conv_at (convs, 1)->unread, ==, 1);
  g_assert_false (conv_at (convs, 1)->is_top);
  g_clear_pointer (&convs, g_ptr_array_unref);

  g_assert_true (store_conversation_set_top (f->store, f->app, "alice", &bob, FALSE, &error));
  convs = list (f, "alice", -1, 0, 0, 0);
  g_assert_false (conv_at (convs, 0)->is_top);
  g_assert_cmpint (conv_at (convs, 0)->top_time, ==, 0);

  g_assert_false (store_conversation_mark_read (f->store, f->app, "alice", &ghost, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (store_conversation_set_top (f->store, f->app, "alice", &ghost, TRUE, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
}

static void
test_unread_cap (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) convs = NULL;

  g_assert_true (store_begin (f->store, NULL));
  for (guint i = 0; i < 1010; i++)
    store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "m", T0 + i);
  g_assert_true (store_commit (f->store, NULL));
  convs = list (f, "alice", -1, 0, 0, 0);
  g_assert_cmpuint (conv_at (convs, 0)->unread, ==, 999);
}

static void
test_hide_ids (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
  guint64 ids[6], other, hide[4];

  for (guint i = 0; i < 6; i++)
    ids[i] = store_test_send (f, AC_CHAT_SINGLE, i % 2 ? "alice" : "bob", i % 2 ? "bob" : "alice",
                              "m", T0 + 1000 * i);
  other = store_test_send (f, AC_CHAT_SINGLE, "carol", "alice", "c", T0);
  hide[0] = ids[1];
  hide[1] = ids[5];
  hide[2] = other;           /* not in this conversation: ignored */
  hide[3] = G_MAXUINT64;     /* not an id of ours: ignored */
  g_assert_cmpint (store_hide_messages (f->store, f->app, "alice", &bob, hide, 4, &error), ==, 2);
  g_assert_no_error (error);
  /* again: nothing more becomes hidden */
  g_assert_cmpint (store_hide_messages (f->store, f->app, "alice", &bob, hide, 2, &error), ==, 0);

  {
    g_autoptr(GPtrArray) all = store_test_history (f, "alice", AC_CHAT_SINGLE, "bob");
    g_assert_cmpuint (all->len, ==, 4);
    for (guint i = 0; i < all->len; i++)
      {
        g_assert_cmpuint (((AcMessage *) all->pdata[i])->id, !=, ids[1]);
        g_assert_cmpuint (((AcMessage *) all->pdata[i])->id, !=, ids[5]);
      }
  }
  g_assert_cmpuint (history_len (f, "bob", AC_CHAT_SINGLE, "alice"), ==, 6);
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_SINGLE, "carol"), ==, 1);
  {
    /* the list shows the newest message still visible */
    g_autoptr(GPtrArray) convs = list (f, "alice", -1, 0, 0, 0);
    g_autoptr(GPtrArray) bob_convs = list (f, "bob", -1, 0, 0, 0);
    g_assert_cmpuint (conv_at (convs, 0)->last->id, ==, ids[4]);
    g_assert_cmpuint (conv_at (bob_convs, 0)->last->id, ==, ids[5]);
  }
  /* a user without the conversation hides nothing */
  g_assert_cmpint (store_hide_messages (f->store, f->app, "dave", &bob, ids, 6, &error), ==, 0);
  g_assert_no_error (error);
  /* everything hidden: the conversation leaves the user's list */
  g_assert_cmpint (store_hide_messages (f->store, f->app, "alice", &bob, ids, 6, &error), ==, 4);
  {
    g_autoptr(GPtrArray) convs = list (f, "alice", -1, 0, 0, 0);
    g_assert_cmpuint (convs->len, ==, 1);
    g_assert_cmpstr (conv_at (convs, 0)->peer, ==, "carol");
  }
}

static void
test_hide_before (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
  guint64 ids[6];

  for (guint i = 0; i < 6; i++)
    ids[i] = store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "m", T0 + 1000 * i);
  /* one of the range is already hidden by id: counted once */
  g_assert_cmpint (store_hide_messages (f->store, f->app, "alice", &bob, &ids[0], 1, &error), ==, 1);
  /* at or before */
  g_assert_cmpint (store_hide_before (f->store, f->app, "alice", &bob, T0 + 2000, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (store_hide_before (f->store, f->app, "alice", &bob, T0 + 1000, &error), ==, 0);
  {
    g_autoptr(GPtrArray) all = store_test_history (f, "alice", AC_CHAT_SINGLE, "bob");
    g_assert_cmpuint (all->len, ==, 3);
    g_assert_cmpuint (((AcMessage *) all->pdata[2])->id, ==, ids[3]);
    g_assert_cmpuint (((AcMessage *) all->pdata[2])->timestamp, ==, T0 + 3000);
  }
  g_assert_cmpuint (history_len (f, "bob", AC_CHAT_SINGLE, "alice"), ==, 6);
  {
    g_autoptr(GPtrArray) convs = list (f, "alice", -1, 0, 0, 0);
    g_assert_cmpuint (conv_at (convs, 0)->unread, ==, 3);   /* hidden ones are not unread */
  }
  g_assert_cmpint (store_hide_before (f->store, f->app, "alice", &bob, T0 + 9000, &error), ==, 3);
  {
    g_autoptr(GPtrArray) convs = list (f, "alice", -1, 0, 0, 0);
    g_assert_cmpuint (convs->len, ==, 0);
  }
  g_assert_cmpint (store_hide_before (f->store, f->app, "alice", &bob, -5, &error), ==, -1);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
}

static void
test_hide_all (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *members[] = { "bob", NULL };
  g_autofree char *gid = NULL;
  guint64 fresh;

  store_test_users (f, "alice", "bob", NULL);
  gid = store_group_create (f->store, f->app, "G", NULL, "alice", members, TRUE, 0, NULL);
  for (guint i = 0; i < 3; i++)
    store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "m", T0 + i);
  store_test_send (f, AC_CHAT_SINGLE, "alice", "carol", "m", T0 + 5);
  store_test_send (f, AC_CHAT_GROUP, "bob", gid, "m", T0 + 6);
  {
    StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
    guint64 first = (T0 << 20);
    g_assert_cmpint (store_hide_messages (f->store, f->app, "alice", &bob, &first, 1, NULL), ==, 1);
  }
  g_assert_cmpint (store_hide_all (f->store, f->app, "alice", &error), ==, 4);
  g_assert_no_error (error);
  g_assert_cmpint (store_hide_all (f->store, f->app, "alice", &error), ==, 0);
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_SINGLE, "bob"), ==, 0);
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_SINGLE, "carol"), ==, 0);
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_GROUP, gid), ==, 0);
  {
    g_autoptr(GPtrArray) convs = list (f, "alice", -1, 0, 0, 0);
    g_assert_cmpuint (convs->len, ==, 0);
  }
  /* others keep everything */
  g_assert_cmpuint (history_len (f, "bob", AC_CHAT_SINGLE, "alice"), ==, 3);
  g_assert_cmpuint (history_len (f, "bob", AC_CHAT_GROUP, gid), ==, 1);
  g_assert_cmpuint (history_len (f, "carol", AC_CHAT_SINGLE, "alice"), ==, 1);

  /* a message in the very millisecond of the last hidden one is new, and visible */
  fresh = store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "fresh", T0 + 2);
  {
    g_autoptr(GPtrArray) all = store_test_history (f, "alice", AC_CHAT_SINGLE, "bob");
    g_autoptr(GPtrArray) convs = list (f, "alice", -1, 0, 0, 0);
    g_assert_cmpuint (all->len, ==, 1);
    g_assert_cmpuint (((AcMessage *) all->pdata[0])->id, ==, fresh);
    g_assert_cmpuint (convs->len, ==, 1);
    g_assert_cmpuint (conv_at (convs, 0)->unread, ==, 1);
  }
}

static void
test_delete_keep_roam (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
  guint64 newer;

  for (guint i = 0; i < 5; i++)
    store_test_send (f, AC_CHAT_SINGLE, i % 2 ? "alice" : "bob", i % 2 ? "bob" : "alice", "m", 0);
  store_test_send (f, AC_CHAT_SINGLE, "alice", "carol", "m", 0);
  g_assert_true (store_conversation_delete (f->store, f->app, "alice", &bob, FALSE, &error));
  g_assert_no_error (error);
  {
    /* gone from both lists */
    g_autoptr(GPtrArray) a = list (f, "alice", -1, 0, 0, 0);
    g_autoptr(GPtrArray) b = list (f, "bob", -1, 0, 0, 0);
    g_assert_cmpuint (a->len, ==, 1);
    g_assert_cmpstr (conv_at (a, 0)->peer, ==, "carol");
    g_assert_cmpuint (b->len, ==, 0);
  }
  /* the history is kept for both */
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_SINGLE, "bob"), ==, 5);
  g_assert_cmpuint (history_len (f, "bob", AC_CHAT_SINGLE, "alice"), ==, 5);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 6);

  /* a new message brings it back, with only the new message unread */
  newer = store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "again", 0);
  {
    g_autoptr(GPtrArray) a = list (f, "alice", -1, 0, 0, 0);
    g_autoptr(GPtrArray) b = list (f, "bob", -1, 0, 0, 0);
    g_assert_cmpuint (a->len, ==, 2);
    g_assert_cmpstr (conv_at (a, 0)->peer, ==, "bob");
    g_assert_cmpuint (conv_at (a, 0)->last->id, ==, newer);
    g_assert_cmpuint (conv_at (a, 0)->unread, ==, 1);
    g_assert_cmpuint (b->len, ==, 1);
  }
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_SINGLE, "bob"), ==, 6);
}

static void
test_delete_roam (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  StoreConvRef alice = { AC_CHAT_SINGLE, "alice" };
  StoreConvRef ghost = { AC_CHAT_SINGLE, "ghost" };
  guint64 ids[4];

  for (guint i = 0; i < 4; i++)
    ids[i] = store_test_send (f, AC_CHAT_SINGLE, "alice", "bob", "m", 0);
  store_test_send (f, AC_CHAT_SINGLE, "alice", "carol", "m", 0);
  {
    StoreConvRef bob = { AC_CHAT_SINGLE, "bob" };
    g_assert_cmpint (store_hide_messages (f->store, f->app, "alice", &bob, ids, 1, NULL), ==, 1);
  }
  /* deleted by the other side this time */
  g_assert_true (store_conversation_delete (f->store, f->app, "bob", &alice, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_SINGLE, "bob"), ==, 0);
  g_assert_cmpuint (history_len (f, "bob", AC_CHAT_SINGLE, "alice"), ==, 0);
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_SINGLE, "carol"), ==, 1);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 1);
  {
    g_autoptr(GPtrArray) a = list (f, "alice", -1, 0, 0, 0);
    g_autoptr(GPtrArray) b = list (f, "bob", -1, 0, 0, 0);
    g_assert_cmpuint (a->len, ==, 1);
    g_assert_cmpuint (b->len, ==, 0);
  }
  /* a second delete of the now empty conversation is fine */
  g_assert_true (store_conversation_delete (f->store, f->app, "bob", &alice, TRUE, &error));
  g_assert_false (store_conversation_delete (f->store, f->app, "bob", &ghost, TRUE, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  store_test_send (f, AC_CHAT_SINGLE, "bob", "alice", "new", 0);
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_SINGLE, "bob"), ==, 1);
  {
    g_autoptr(GPtrArray) b = list (f, "bob", -1, 0, 0, 0);
    g_assert_cmpuint (b->len, ==, 1);
  }
}

static void
test_delete_group (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *members[] = { "bob", "carol", NULL };
  g_autofree char *gid = NULL;
  StoreConvRef group;

  store_test_users (f, "alice", "bob", "carol", NULL);
  gid = store_group_create (f->store, f->app, "G", NULL, "alice", members, TRUE, 0, NULL);
  group.chat_type = AC_CHAT_GROUP;
  group.peer = gid;
  store_test_send (f, AC_CHAT_GROUP, "bob", gid, "1", 0);
  store_test_send (f, AC_CHAT_GROUP, "carol", gid, "2", 0);
  g_assert_true (store_conversation_delete (f->store, f->app, "carol", &group, FALSE, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) a = list (f, "alice", -1, 0, 0, 0);
    g_autoptr(GPtrArray) b = list (f, "bob", -1, 0, 0, 0);
    g_assert_cmpuint (a->len, ==, 0);
    g_assert_cmpuint (b->len, ==, 0);
  }
  g_assert_cmpuint (history_len (f, "alice", AC_CHAT_GROUP, gid), ==, 2);
  g_assert_true (store_conversation_delete (f->store, f->app, "alice", &group, TRUE, &error));
  g_assert_cmpuint (history_len (f, "bob", AC_CHAT_GROUP, gid), ==, 0);
  g_assert_cmpuint (history_len (f, "carol", AC_CHAT_GROUP, gid), ==, 0);
  g_assert_cmpint (store_count_messages (f->store, f->app), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, fn, store_fixture_teardown)
  ADD ("/store/conversations/list", test_list);
  ADD ("/store/conversations/read-and-top", test_read_and_top);
  ADD ("/store/conversations/unread-cap", test_unread_cap);
  ADD ("/store/hide/ids", test_hide_ids);
  ADD ("/store/hide/before", test_hide_before);
  ADD ("/store/hide/all", test_hide_all);
  ADD ("/store/delete/keep-roam", test_delete_keep_roam);
  ADD ("/store/delete/roam", test_delete_roam);
  ADD ("/store/delete/group", test_delete_group);
  return g_test_run ();
}
