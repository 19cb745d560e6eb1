#include "purple-harness.h"

#include <glib/gstdio.h>

static char *profile_dir;
static gboolean keep_profile;
static guint connect_timeout_ms = 30000;
static gboolean signed_on, backfill_done, conn_error;
static PurpleConnectionError last_reason;
static char *last_description;

/* ---- GLib glue for libpurple's event loop ---- */

typedef struct {
  PurpleInputFunction func;
  gpointer data;
} InputClosure;

static gboolean
input_dispatch (GIOChannel *source, GIOCondition cond, gpointer data)
{
  InputClosure *c = data;
  int cond_out = 0;
  if (cond & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    cond_out |= PURPLE_INPUT_READ;
  if (cond & (G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL))
    cond_out |= PURPLE_INPUT_WRITE;
  c->func (c->data, g_io_channel_unix_get_fd (source), cond_out);
  return TRUE;
}

static guint
input_add (gint fd, PurpleInputCondition cond, PurpleInputFunction func, gpointer data)
{
  InputClosure *c = g_new0 (InputClosure, 1);
  c->func = func;
  c->data = data;
  GIOCondition gcond = 0;
  if (cond & PURPLE_INPUT_READ)
    gcond |= G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (cond & PURPLE_INPUT_WRITE)
    gcond |= G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL;
  GIOChannel *ch = g_io_channel_unix_new (fd);
  guint id = g_io_add_watch_full (ch, G_PRIORITY_DEFAULT, gcond, input_dispatch, c, g_free);
  g_io_channel_unref (ch);
  return id;
}

static PurpleEventLoopUiOps loop_ops = {
  .timeout_add = g_timeout_add,
  .timeout_remove = g_source_remove,
  .input_add = input_add,
  .input_remove = g_source_remove,
  .timeout_add_seconds = g_timeout_add_seconds,
};

/* ---- signals ---- */

static void
on_signed_on (PurpleConnection *gc, gpointer data)
{
  signed_on = TRUE;
}

static void
on_connection_error (PurpleConnection *gc, PurpleConnectionError reason, const char *desc,
                     gpointer data)
{
  conn_error = TRUE;
  last_reason = reason;
  g_free (last_description);
  last_description = g_strdup (desc);
}

static void
on_backfill_done (PurpleConnection *gc, gpointer data)
{
  backfill_done = TRUE;
}

static int handle;

void
harness_set_connect_timeout (guint ms)
{
  connect_timeout_ms = ms;
}

static void init_core (void);

void
harness_init (void)
{
  profile_dir = g_dir_make_tmp ("ac-profile-XXXXXX", NULL);
  g_assert_nonnull (profile_dir);
  keep_profile = FALSE;
  init_core ();
}

void
harness_init_in (const char *dir)
{
  profile_dir = g_strdup (dir);
  keep_profile = TRUE;
  init_core ();
}

static void
init_core (void)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  purple_util_set_user_dir (profile_dir);
  purple_debug_set_enabled (g_getenv ("HARNESS_DEBUG") != NULL);
  purple_eventloop_set_ui_ops (&loop_ops);
  purple_plugins_add_search_path (PLUGIN_DIR);
  g_assert_true (purple_core_init (HARNESS_UI));
  purple_set_blist (purple_blist_new ());
  purple_blist_load ();
  purple_prefs_load ();

  PurplePlugin *prpl = purple_plugins_find_with_id ("prpl-agorachat");
  g_assert_nonnull (prpl);
  g_assert_true (purple_plugin_is_loaded (prpl));
  purple_signal_connect (purple_connections_get_handle (), "signed-on", &handle,
                         PURPLE_CALLBACK (on_signed_on), NULL);
  purple_signal_connect (purple_connections_get_handle (), "connection-error", &handle,
                         PURPLE_CALLBACK (on_connection_error), NULL);
  purple_signal_connect (prpl, "agorachat-backfill-done", &handle,
                         PURPLE_CALLBACK (on_backfill_done), NULL);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
harness_quit (void)
{
  purple_signals_disconnect_by_handle (&handle);
  purple_core_quit ();
  if (!keep_profile)
    remove_tree (profile_dir);
  g_free (profile_dir);
  g_free (last_description);
}

PurpleAccount *
harness_account (const char *user, const char *password, const char *rest_url)
{
  PurpleAccount *acc = purple_account_new (user, "prpl-agorachat");
  purple_account_set_remember_password (acc, TRUE); /* else disconnecting forgets it */
  purple_account_set_password (acc, password);
  purple_account_set_string (acc, "app_key", "org1#app1");
  purple_account_set_string (acc, "rest_url", rest_url);
  purple_accounts_add (acc);
  return acc;
}

static gboolean
timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
harness_wait_flag (const gboolean *flag, guint timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, timed_out, &expired);
  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *flag;
}

static gboolean done_or_error;

static gboolean
check_done (gpointer data)
{
  if ((signed_on && backfill_done) || conn_error)
    {
      done_or_error = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

gboolean
harness_connect (PurpleAccount *account, PurpleConnectionError *reason, char **description)
{
  signed_on = backfill_done = conn_error = done_or_error = FALSE;
  if (!purple_account_get_enabled (account, HARNESS_UI))
    {
      purple_account_set_enabled (account, HARNESS_UI, TRUE);
      purple_savedstatus_activate (purple_savedstatus_new (NULL, PURPLE_STATUS_AVAILABLE));
      if (purple_account_is_disconnected (account))
        purple_account_connect (account);
    }
  else
    purple_account_connect (account);
  guint id = g_timeout_add (10, check_done, NULL);
  if (!harness_wait_flag (&done_or_error, connect_timeout_ms))
    {
      g_source_remove (id);
      g_error ("neither signed on with back-fill nor an error within %u ms", connect_timeout_ms);
    }
  if (conn_error)
    {
      if (reason != NULL)
        *reason = last_reason;
      if (description != NULL)
        *description = g_strdup (last_description);
      /* libpurple disconnects from an idle callback: let it. */
      while (!purple_account_is_disconnected (account))
        g_main_context_iteration (NULL, TRUE);
      return FALSE;
    }
  return TRUE;
}

void
harness_disconnect (PurpleAccount *account)
{
  purple_account_disconnect (account);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

GList *
harness_history (PurpleConversation *conv)
{
  return g_list_reverse (g_list_copy (purple_conversation_get_message_history (conv)));
}

static gboolean
stall_meter_tick (gpointer data)
{
  HarnessStallMeter *meter = data;
  gint64 now = g_get_monotonic_time ();
  if (meter->last != 0)
    meter->max_gap = MAX (meter->max_gap, now - meter->last);
  meter->last = now;
  return G_SOURCE_CONTINUE;
}

void
harness_stall_meter_start (HarnessStallMeter *meter, guint interval_ms)
{
  *meter = (HarnessStallMeter) { 0 };
  meter->source = g_timeout_add (interval_ms, stall_meter_tick, meter);
}

void
harness_stall_meter_stop (HarnessStallMeter *meter)
{
  if (meter->source != 0)
    g_source_remove (meter->source);
  meter->source = 0;
}
