/* Apps, users, passwords, tokens, groups and contacts. */
#include "store-test-util.h"

#include <string.h>

static void
test_apps (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 again = store_app_ensure (f->store, "org", "app", &error);
  gint64 other = store_app_ensure (f->store, "org", "other", &error);

  g_assert_no_error (error);
  g_assert_cmpint (again, ==, f->app);
  g_assert_cmpint (other, >, 0);
  g_assert_cmpint (other, !=, f->app);
  g_assert_cmpint (store_app_ensure (f->store, "", "x", &error), ==, -1);
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
}

static void
test_users (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreUser) alice = NULL;
  gint64 other = store_app_ensure (f->store, "org", "other", NULL);
  gint64 before = g_get_real_time () / 1000;

  g_assert_true (store_user_create (f->store, f->app, "alice", "pa55", "Alice A.", &error));
  g_assert_no_error (error);
  g_assert_true (store_user_create (f->store, f->app, "bob", "pw", NULL, &error));
  g_assert_no_error (error);

  g_assert_false (store_user_create (f->store, f->app, "alice", "x", NULL, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "alice"));
  g_clear_error (&error);
  g_assert_false (store_user_create (f->store, f->app, "", "x", NULL, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (store_user_create (f->store, f->app, "carol", "", NULL, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* Names are per app. */
  g_assert_true (store_user_create (f->store, other, "alice", "other", NULL, &error));
  g_assert_no_error (error);

  alice = store_user_get (f->store, f->app, "alice", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (alice->username, ==, "alice");
  g_assert_cmpstr (alice->nickname, ==, "Alice A.");
  g_assert_true (alice->activated);
  g_assert_cmpint (alice->created, >=, before);
  g_assert_cmpint (alice->created, <=, g_get_real_time () / 1000);
  {
    g_autoptr(StoreUser) bob = store_user_get (f->store, f->app, "bob", &error);
    g_assert_no_error (error);
    g_assert_null (bob->nickname);
  }
  g_assert_null (store_user_get (f->store, f->app, "nobody", &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (store_user_check_password (f->store, f->app, "alice", "pa55", &error), ==,
                   STORE_PASSWORD_OK);
  g_assert_cmpint (store_user_check_password (f->store, f->app, "alice", "pa56", &error), ==,
                   STORE_PASSWORD_WRONG);
  g_assert_cmpint (store_user_check_password (f->store, f->app, "alice", "", &error), ==,
                   STORE_PASSWORD_WRONG);
  g_assert_cmpint (store_user_check_password (f->store, f->app, "alice", "other", &error), ==,
                   STORE_PASSWORD_WRONG);
  g_assert_cmpint (store_user_check_password (f->store, other, "alice", "other", &error), ==,
                   STORE_PASSWORD_OK);
  g_assert_cmpint (store_user_check_password (f->store, f->app, "nobody", "pa55", &error), ==,
                   STORE_PASSWORD_NO_USER);
  g_assert_no_error (error);
}

/* The password is stored as a sha512-crypt hash, never as given. */
static void
test_password_not_stored (StoreFixture *f, gconstpointer data)
{
  g_autofree char *contents = NULL;
  gsize len;

  store_test_users (f, "alice", NULL);
  store_close (f->store);
  f->store = NULL;
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  {
    g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
    g_autofree char *wal_contents = NULL;
    gsize wal_len = 0;
    if (g_file_get_contents (wal, &wal_contents, &wal_len, NULL))
      g_assert_null (memmem (wal_contents, wal_len, "secret", 6));
  }
  g_assert_null (memmem (contents, len, "secret", 6));
  g_assert_nonnull (memmem (contents, len, "$6$", 3));
  store_fixture_reopen (f);
  g_assert_cmpint (store_user_check_password (f->store, f->app, "alice", "secret", NULL), ==,
                   STORE_PASSWORD_OK);
}

static void
test_tokens (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user_token = NULL, *admin_token = NULL, *short_token = NULL;
  g_autofree char *name = NULL;
  gint64 expires = 0, expires2 = 0, app = 0;
  gint64 now = g_get_real_time () / 1000;

  user_token = store_token_issue (f->store, f->app, "alice", 3600 * 1000, &expires, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (user_token, "YWMt"));
  g_assert_cmpuint (strlen (user_token), ==, 4 + 43);   /* 32 bytes, unpadded base64 */
  g_assert_null (strpbrk (user_token, "+/="));
  g_assert_cmpint (expires, >=, now + 3600 * 1000);
  g_assert_cmpint (expires, <=, g_get_real_time () / 1000 + 3600 * 1000);

  admin_token = store_token_issue (f->store, f->app, NULL, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (admin_token, !=, user_token);

  g_assert_true (store_token_lookup (f->store, user_token, &app, &name, &expires2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (app, ==, f->app);
  g_assert_cmpstr (name, ==, "alice");
  g_assert_cmpint (expires2, ==, expires);
  g_clear_pointer (&name, g_free);

  g_assert_true (store_token_lookup (f->store, admin_token, &app, &name, NULL, &error));
  g_assert_null (name);

  g_assert_false (store_token_lookup (f->store, "YWMtnothing", &app, &name, &expires2, &error));
  g_assert_no_error (error);
  g_assert_false (store_token_lookup (f->store, "", NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* An expired token is still found, with its expiry: the caller decides. */
  short_token = store_token_issue (f->store, f->app, "bob", 1, &expires, &error);
  g_assert_no_error (error);
  g_usleep (5000);
  g_assert_true (store_token_lookup (f->store, short_token, NULL, NULL, &expires2, &error));
  g_assert_cmpint (expires2, ==, expires);
  g_assert_cmpint (expires2, <, g_get_real_time () / 1000);

  g_assert_null (store_token_issue (f->store, f->app, "alice", 0, NULL, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Tokens survive a restart of the server. */
  store_fixture_reopen (f);
  g_assert_true (store_token_lookup (f->store, user_token, &app, &name, NULL, &error));
  g_assert_cmpstr (name, ==, "alice");
}

static const char *
member_name (StoreGroup *g, guint i)
{
  return ((StoreMember *) g->members->pdata[i])->username;
}

static void
test_groups (StoreFixture *f, gconstpointer data)
{
  const char *members[] = { "bob", "carol", "alice", NULL };
  const char *unknown[] = { "bob", "zed", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *gid = NULL, *gid2 = NULL;
  g_autoptr(StoreGroup) g = NULL;
  g_autoptr(GPtrArray) joined = NULL;

  store_test_users (f, "alice", "bob", "carol", "dave", NULL);
  gid = store_group_create (f->store, f->app, "Team", "our team", "alice", members, TRUE, 0,
                            &error);
  g_assert_no_error (error);
  g_assert_nonnull (gid);
  g_assert_cmpuint (g_ascii_strtoull (gid, NULL, 10), >, 0);
  gid2 = store_group_create (f->store, f->app, "Other", NULL, "dave", NULL, FALSE, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gid, !=, gid2);
  g_assert_cmpuint (g_ascii_strtoull (gid2, NULL, 10), >, g_ascii_strtoull (gid, NULL, 10));

  g = store_group_get (f->store, f->app, gid, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g->id, ==, gid);
  g_assert_cmpstr (g->name, ==, "Team");
  g_assert_cmpstr (g->description, ==, "our team");
  g_assert_cmpstr (g->owner, ==, "alice");
  g_assert_true (g->is_public);
  g_assert_cmpint (g->maxusers, ==, 200);
  g_assert_cmpuint (g->members->len, ==, 3);
  g_assert_cmpstr (member_name (g, 0), ==, "alice");
  g_assert_cmpstr (((StoreMember *) g->members->pdata[0])->role, ==, "owner");
  g_assert_cmpstr (member_name (g, 1), ==, "bob");
  g_assert_cmpstr (member_name (g, 2), ==, "carol");
  g_assert_cmpstr (((StoreMember *) g->members->pdata[2])->role, ==, "member");
  g_clear_pointer (&g, store_group_free);

  g = store_group_get (f->store, f->app, gid2, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (g->members);
  g_assert_cmpstr (g->description, ==, "");
  g_assert_false (g->is_public);
  g_assert_cmpint (g->maxusers, ==, 10);

  g_assert_null (store_group_get (f->store, f->app, "12345", TRUE, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A member that is no user: nothing is created. */
  g_assert_null (store_group_create (f->store, f->app, "Bad", NULL, "alice", unknown, TRUE, 0,
                                     &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "zed"));
  g_clear_error (&error);
  g_assert_null (store_group_create (f->store, f->app, "Bad", NULL, "nobody", NULL, TRUE, 0,
                                     &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (store_group_create (f->store, f->app, "", NULL, "alice", NULL, TRUE, 0, &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (store_group_create (f->store, f->app, "Small", NULL, "alice", members, TRUE, 2,
                                     &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);

  joined = store_groups_joined (f->store, f->app, "bob", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (joined->len, ==, 1);   /* the failed "Bad" group left no trace */
  g_assert_cmpstr (((StoreGroup *) joined->pdata[0])->id, ==, gid);
  g_assert_null (((StoreGroup *) joined->pdata[0])->members);
  g_clear_pointer (&joined, g_ptr_array_unref);
  joined = store_groups_joined (f->store, f->app, "dave", &error);
  g_assert_cmpuint (joined->len, ==, 1);
  g_assert_cmpstr (((StoreGroup *) joined->pdata[0])->id, ==, gid2);
  g_clear_pointer (&joined, g_ptr_array_unref);
  joined = store_groups_joined (f->store, f->app, "nobody", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (joined->len, ==, 0);

  g_assert_true (store_group_is_member (f->store, f->app, gid, "carol"));
  g_assert_true (store_group_is_member (f->store, f->app, gid, "alice"));
  g_assert_false (store_group_is_member (f->store, f->app, gid, "dave"));
  g_assert_false (store_group_is_member (f->store, f->app, "999", "alice"));

  /* Group ids keep growing across restarts. */
  store_fixture_reopen (f);
  {
    g_autofree char *gid3 = store_group_create (f->store, f->app, "Third", NULL, "bob", NULL,
                                                TRUE, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_ascii_strtoull (gid3, NULL, 10), >, g_ascii_strtoull (gid2, NULL, 10));
  }
}

static void
test_contacts (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  store_test_users (f, "alice", "bob", "carol", NULL);
  g_assert_true (store_contact_add (f->store, f->app, "alice", "carol", &error));
  g_assert_true (store_contact_add (f->store, f->app, "bob", "alice", &error));
  g_assert_true (store_contact_add (f->store, f->app, "alice", "bob", &error));  /* again: fine */
  g_assert_no_error (error);

  list = store_contacts (f->store, f->app, "alice", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (list->pdata[0], ==, "bob");
  g_assert_cmpstr (list->pdata[1], ==, "carol");
  g_clear_pointer (&list, g_ptr_array_unref);
  /* symmetric */
  list = store_contacts (f->store, f->app, "carol", &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (list->pdata[0], ==, "alice");
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_false (store_contact_add (f->store, f->app, "alice", "ghost", &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (store_contact_add (f->store, f->app, "alice", "alice", &error));
  g_assert_error (error, STORE_ERROR, STORE_ERROR_INVALID);
  g_clear_error (&error);
  list = store_contacts (f->store, f->app, "ghost", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, StoreFixture, NULL, store_fixture_setup, fn, store_fixture_teardown)
  ADD ("/store/apps", test_apps);
  ADD ("/store/users", test_users);
  ADD ("/store/users/password-not-stored", test_password_not_stored);
  ADD ("/store/tokens", test_tokens);
  ADD ("/store/groups", test_groups);
  ADD ("/store/contacts", test_contacts);
  return g_test_run ();
}
