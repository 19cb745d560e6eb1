#include "store-test-util.h"

#include <glib/gstdio.h>
#include <stdarg.h>

void
store_fixture_setup (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("store-test-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "store.db", NULL);
  f->store = store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
  f->app = store_app_ensure (f->store, "org", "app", &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->app, >, 0);
}

void
store_fixture_reopen (StoreFixture *f)
{
  g_autoptr(GError) error = NULL;

  store_close (f->store);
  f->store = store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

void
store_fixture_teardown (StoreFixture *f, gconstpointer data)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  store_close (f->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);
      g_unlink (file);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

void
store_test_users (StoreFixture *f, ...)
{
  va_list ap;
  const char *name;

  va_start (ap, f);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (store_user_create (f->store, f->app, name, "secret", NULL, &error));
      g_assert_no_error (error);
    }
  va_end (ap);
}

AcMessage *
store_test_message (AcChatType type, const char *from, const char *to, const char *text,
                    guint64 timestamp)
{
  AcMessage *msg = ac_message_new ();

  msg->chat_type = type;
  msg->from = g_strdup (from);
  msg->to = g_strdup (to);
  msg->type = AC_BODY_TEXT;
  msg->text = g_strdup (text);
  msg->timestamp = timestamp;
  return msg;
}

guint64
store_test_send (StoreFixture *f, AcChatType type, const char *from, const char *to,
                 const char *text, guint64 timestamp)
{
  g_autoptr(AcMessage) msg = store_test_message (type, from, to, text, timestamp);
  g_autoptr(GError) error = NULL;

  g_assert_true (store_message_insert (f->store, f->app, msg, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (msg->id, !=, 0);
  return msg->id;
}

GPtrArray *
store_test_history (StoreFixture *f, const char *user, AcChatType type, const char *peer)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_message_free);
  StoreConvRef conv = { type, peer };
  StoreRoamingQuery q = { .limit = 50, .start_time = -1, .end_time = -1 };
  gboolean is_last = FALSE;

  while (!is_last)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = store_roaming (f->store, f->app, user, &conv, &q, &q.start,
                                                 &is_last, &error);
      g_assert_no_error (error);
      g_assert_nonnull (page);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, g_steal_pointer (&page->pdata[i]));
      g_ptr_array_set_free_func (page, NULL);
    }
  return all;
}
