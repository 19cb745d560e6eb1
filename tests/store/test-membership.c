/* Group membership after creation: adding, kicking, leaving, and what the
 * rest of the store sees of it (member lists, joined groups, history access
 * through membership, messages fanned out to the members of the moment). */
#include "store-test-util.h"

#include <string.h>

static char *
make_group (StoreFixture *f, gint maxusers)
{
  g_autoptr(GError) error = NULL;
  const char *members[] = { "bob", NULL };
  char *id = store_group_create (f->store, f->app, "Team", "", "alice", members, FALSE, maxusers,
                                 &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

/* Member names in the store's order, joined with ",". */
static char *
member_names (StoreFixture *f, const char *gid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreGroup) g = store_group_get (f->store, f->app, gid, TRUE, &error);
  g_autoptr(GString) s = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < g->members->len; i++)
    {
      const StoreMember *m = g_ptr_array_index (g->members, i);
      g_string_append_printf (s, "%s%s:%s", i ? "," : "", m->username, m->role);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_add_member (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gid = NULL;
  g_autofree char *names = NULL;
  g_autoptr(StoreGroup) g = NULL;
  g_autoptr(GPtrArray) joined = NULL;
  gint64 before = g_get_real_time () / 1000;

  store_test_users (f, "alice", "bob", "carol", NULL);
  gid = make_group (f, 0);
  g_assert_false (store_group_is_member (f->store, f->app, gid, "carol"));
  g_assert_true (store_group_add_member (f->store, f->app, gid, "carol", &error));
  g_assert_no_error (error);
  g_assert_true (store_group_is_member (f->store, f->app, gid, "carol"));
  names = member_names (f, gid);
  g_assert_cmpstr (names, ==, "alice:owner,bob:member,carol:member");

  g = store_group_get (f->store, f->app, gid, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((StoreMember *) g_ptr_array_index (g->members, 2))->joined_time, >=, before);

  joined = store_groups_joined (f->store, f->app, "carol", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (joined->len, ==, 1);
  g_assert_cmpstr (((StoreGroup *) g_ptr_array_index (joined, 0))->id, ==, gid);
}

static void
test_add_refusals (StoreFixture *f, gconstpointer data)
{
  g_autofree char *gid = NULL;
  g_autofree char *names = NULL;

  store_test_users (f, "alice", "bob", "carol", "dave", NULL);
  gid = make_group (f, 3);

  {
    g_autoptr(GError) error = NULL;
    g_assert_false (store_group_add_member (f->store, f->app, gid, "bob", &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_DUPLICATE);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (store_group_add_member (f->store, f->app, gid, "nobody", &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "nobody"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (store_group_add_member (f->store, f->app, "123456", "carol", &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (store_group_add_member (f->store, f->app, gid, "", &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  }
  /* maxusers 3: carol is the third, dave one too many. */
  {
    g_autoptr(GError) error = NULL;
    g_assert_true (store_group_add_member (f->store, f->app, gid, "carol", &error));
    g_assert_no_error (error);
    g_assert_false (store_group_add_member (f->store, f->app, gid, "dave", &error));
    g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "group member list is full!");
  }
  names = member_names (f, gid);
  g_assert_cmpstr (names, ==, "alice:owner,bob:member,carol:member");
}

static void
test_remove_member (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gid = NULL;
  g_autofree char *names = NULL;
  g_autoptr(GPtrArray) joined = NULL;

  store_test_users (f, "alice", "bob", NULL);
  gid = make_group (f, 0);
  g_assert_true (store_group_remove_member (f->store, f->app, gid, "bob", &error));
  g_assert_no_error (error);
  g_assert_false (store_group_is_member (f->store, f->app, gid, "bob"));
  names = member_names (f, gid);
  g_assert_cmpstr (names, ==, "alice:owner");
  joined = store_groups_joined (f->store, f->app, "bob", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (joined->len, ==, 0);

  /* Removed twice: not a member any more. */
  g_assert_false (store_group_remove_member (f->store, f->app, gid, "bob", &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A removed member can be added again, with a new joined time. */
  g_assert_true (store_group_add_member (f->store, f->app, gid, "bob", &error));
  g_assert_no_error (error);
  g_assert_true (store_group_is_member (f->store, f->app, gid, "bob"));
}

static void
test_owner_stays (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gid = NULL;
  g_autofree char *names = NULL;

  store_test_users (f, "alice", "bob", NULL);
  gid = make_group (f, 0);
  g_assert_false (store_group_remove_member (f->store, f->app, gid, "alice", &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "owner"));
  g_clear_error (&error);
  g_assert_false (store_group_remove_member (f->store, f->app, "99", "bob", &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  names = member_names (f, gid);
  g_assert_cmpstr (names, ==, "alice:owner,bob:member");
}

/* A refused change inside a caller's transaction leaves the rest of it intact. */
static void
test_refusal_inside_transaction (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gid = NULL;
  g_autofree char *names = NULL;

  store_test_users (f, "alice", "bob", "carol", NULL);
  gid = make_group (f, 0);
  g_assert_true (store_begin (f->store, &error));
  g_assert_true (store_group_add_member (f->store, f->app, gid, "carol", &error));
  g_assert_false (store_group_remove_member (f->store, f->app, gid, "alice", &error));
  g_clear_error (&error);
  g_assert_true (store_commit (f->store, &error));
  g_assert_no_error (error);
  names = member_names (f, gid);
  g_assert_cmpstr (names, ==, "alice:owner,bob:member,carol:member");
}

/* Decision (server/README.md): a new member sees the group's history from
 * before it joined; a removed member's later messages go to the members of
 * the moment only. */
static void
test_history_follows_membership (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gid = NULL;
  g_autoptr(GPtrArray) carol_sees = NULL;
  g_autoptr(GPtrArray) convs = NULL;

  store_test_users (f, "alice", "bob", "carol", NULL);
  gid = make_group (f, 0);
  store_test_send (f, AC_CHAT_GROUP, "alice", gid, "before carol", 0);
  g_assert_true (store_group_add_member (f->store, f->app, gid, "carol", &error));
  store_test_send (f, AC_CHAT_GROUP, "bob", gid, "after carol", 0);
  carol_sees = store_test_history (f, "carol", AC_CHAT_GROUP, gid);
  g_assert_cmpuint (carol_sees->len, ==, 2);
  g_assert_cmpstr (((AcMessage *) g_ptr_array_index (carol_sees, 0))->text, ==, "after carol");
  g_assert_cmpstr (((AcMessage *) g_ptr_array_index (carol_sees, 1))->text, ==, "before carol");

  /* Carol's conversation list has the group once a message arrived after she joined. */
  convs = store_conversations (f->store, f->app, "carol", -1, 0, 0, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (convs->len, ==, 1);
  g_assert_cmpstr (((StoreConversation *) g_ptr_array_index (convs, 0))->peer, ==, gid);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, fn, store_fixture_teardown)
  ADD ("/store/membership/add", test_add_member);
  ADD ("/store/membership/add-refusals", test_add_refusals);
  ADD ("/store/membership/remove", test_remove_member);
  ADD ("/store/membership/owner-stays", test_owner_stays);
  ADD ("/store/membership/refusal-inside-transaction", test_refusal_inside_transaction);
  ADD ("/store/membership/history-follows-membership", test_history_follows_membership);
#undef ADD
  return g_test_run ();
}
