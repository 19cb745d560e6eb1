/* Connection lifecycle: settings → (discovery) → sign-in → conversation list,
 * each page of it into the store and the buddy list and its history walks
 * started while the next page is asked for → connected; with progress and
 * errors mapped for libpurple. */
#include "ac-purple.h"
#include "ac-client-error.h"

#include <errno.h>
#include <glib/gstdio.h>

#define LOGIN_STEPS 5

PurpleConnectionError
ac_purple_error_reason (const GError *error)
{
  if (error->domain != AC_CLIENT_ERROR)
    return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
  switch ((AcClientError) error->code)
    {
    case AC_CLIENT_ERROR_AUTH_FAILED:
    case AC_CLIENT_ERROR_UNAUTHORIZED:
      return PURPLE_CONNECTION_ERROR_AUTHENTICATION_FAILED;
    case AC_CLIENT_ERROR_NETWORK:
    case AC_CLIENT_ERROR_SERVER:
      /* The only ones worth an automatic reconnect. */
      return PURPLE_CONNECTION_ERROR_NETWORK_ERROR;
    case AC_CLIENT_ERROR_TLS:
      return PURPLE_CONNECTION_ERROR_CERT_OTHER_ERROR;
    case AC_CLIENT_ERROR_INVALID_ARGUMENT:
      return PURPLE_CONNECTION_ERROR_INVALID_SETTINGS;
    case AC_CLIENT_ERROR_BAD_REPLY:
    case AC_CLIENT_ERROR_NOT_FOUND:
    case AC_CLIENT_ERROR_FORBIDDEN:
    case AC_CLIENT_ERROR_NOT_SUPPORTED:
    default:
      return PURPLE_CONNECTION_ERROR_OTHER_ERROR;
    }
}

/* What the user reads: a translatable sentence per kind, then the server's words. */
static char *
error_text (const GError *error)
{
  const char *what = _("Agora Chat error");
  if (error->domain == AC_CLIENT_ERROR)
    switch ((AcClientError) error->code)
      {
      case AC_CLIENT_ERROR_AUTH_FAILED:
      case AC_CLIENT_ERROR_UNAUTHORIZED:
        what = _("Sign-in failed (wrong password or unknown user)"); break;
      case AC_CLIENT_ERROR_NETWORK: what = _("Cannot reach the Agora Chat server"); break;
      case AC_CLIENT_ERROR_TLS: what = _("Secure connection failed"); break;
      case AC_CLIENT_ERROR_SERVER: what = _("The Agora Chat server reported an error"); break;
      case AC_CLIENT_ERROR_BAD_REPLY: what = _("The server's reply could not be understood"); break;
      case AC_CLIENT_ERROR_INVALID_ARGUMENT: what = _("Invalid account settings"); break;
      case AC_CLIENT_ERROR_NOT_SUPPORTED: what = _("The server does not support this"); break;
      case AC_CLIENT_ERROR_FORBIDDEN: what = _("Not allowed by the server"); break;
      case AC_CLIENT_ERROR_NOT_FOUND: what = _("Not found on the server"); break;
      }
  else if (error->domain == AC_LOCAL_STORE_ERROR)
    what = _("The local message store cannot be used");
  return g_strdup_printf ("%s: %s", what, error->message);
}

static void
fail (AcAccount *acc, const GError *error)
{
  g_autofree char *text = error_text (error);
  purple_connection_error_reason (acc->gc, ac_purple_error_reason (error), text);
}

/* Callbacks of a closed connection must not touch it: close cancels all. */
static gboolean
cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The account's proxy (or none) as the SoupSession's resolver; NULL keeps
 * GIO's environment-based default for "use environment settings". */
static GProxyResolver *
proxy_resolver_for (PurpleAccount *account)
{
  PurpleProxyInfo *info = purple_proxy_get_setup (account);
  PurpleProxyType type = info != NULL ? purple_proxy_info_get_type (info) : PURPLE_PROXY_NONE;
  const char *scheme = NULL;
  switch (type)
    {
    case PURPLE_PROXY_NONE: return g_simple_proxy_resolver_new (NULL, NULL);
    case PURPLE_PROXY_USE_ENVVAR: return NULL;
    case PURPLE_PROXY_HTTP: scheme = "http"; break;
    case PURPLE_PROXY_SOCKS4: scheme = "socks4"; break;
    case PURPLE_PROXY_SOCKS5: scheme = "socks5"; break;
    default: return g_simple_proxy_resolver_new (NULL, NULL);
    }
  const char *host = purple_proxy_info_get_host (info);
  if (host == NULL || *host == '\0')
    return g_simple_proxy_resolver_new (NULL, NULL);
  const char *user = purple_proxy_info_get_username (info);
  const char *pass = purple_proxy_info_get_password (info);
  g_autofree char *uri = g_uri_join_with_user (G_URI_FLAGS_NONE, scheme, user,
                                               (user != NULL && *user) ? pass : NULL, NULL, host,
                                               purple_proxy_info_get_port (info), "", NULL, NULL);
  return g_simple_proxy_resolver_new (uri, NULL);
}

static char *
store_path_for (PurpleAccount *account, GError **error)
{
  g_autofree char *dir = g_build_filename (purple_user_dir (), "agorachat", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, AC_LOCAL_STORE_ERROR, AC_LOCAL_STORE_ERROR_FAILED, "%s: %s", dir,
                   g_strerror (e));
      return NULL;
    }
  g_autofree char *name = g_strdup_printf ("%s@%s", purple_account_get_username (account),
                                           purple_account_get_string (account, AC_OPT_APP_KEY, ""));
  g_autofree char *file = g_strconcat (purple_escape_filename (name), ".db", NULL);
  return g_build_filename (dir, file, NULL);
}

static AcHistoryMode
history_mode (PurpleAccount *account)
{
  const char *mode = purple_account_get_string (account, AC_OPT_HISTORY, "all-new");
  if (g_strcmp0 (mode, "none") == 0)
    return AC_HISTORY_NONE;
  if (g_strcmp0 (mode, "latest") == 0)
    return AC_HISTORY_LATEST;
  return AC_HISTORY_ALL_NEW;
}

/* ---- back-fill ---- */

static void
on_synced (AcBackfill *bf, const char *id, gboolean is_group, GPtrArray *messages, gboolean capped,
           guint unread, gpointer user_data)
{
  AcAccount *acc = user_data;
  if (capped)
    ac_purple_history_note_capped (acc, id, is_group);
  ac_purple_history_write (acc, id, is_group, messages, unread);
}

static void
on_sync_failed (AcBackfill *bf, const char *id, gboolean is_group, GError *error, gpointer user_data)
{
  purple_debug_warning ("agorachat", "history of %s could not be fetched: %s\n", id, error->message);
  ac_purple_history_note_failed (user_data, id, is_group, error);
}

static void
on_backfill_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  if (!ac_backfill_run_finish (AC_BACKFILL (source), result, &error) && cancelled (error))
    return;
  AcAccount *acc = user_data;
  purple_debug_info ("agorachat", "history back-fill finished\n");
  purple_signal_emit (ac_purple_plugin (), "agorachat-backfill-done", acc->gc);
}

/* ---- names ---- */

static void
on_nicknames (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) nicks = ac_api_nicknames_finish (AC_API (source), result, &error);
  if (nicks == NULL)
    {
      if (!cancelled (error))
        purple_debug_warning ("agorachat", "nicknames: %s\n", error->message);
      return;
    }
  ac_purple_blist_set_nicknames (user_data, nicks);
}

static void
on_joined_groups (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) groups = ac_api_joined_groups_finish (AC_API (source), result, &error);
  if (groups == NULL)
    {
      if (!cancelled (error))
        purple_debug_warning ("agorachat", "joined groups: %s\n", error->message);
      return;
    }
  ac_purple_blist_set_group_names (user_data, groups);
}

static void
fetch_names (AcAccount *acc, GPtrArray *convs)
{
  g_autoptr (GPtrArray) users = g_ptr_array_new ();
  for (guint i = 0; i < convs->len; i++)
    {
      AcConversation *conv = convs->pdata[i];
      if (!conv->is_group)
        g_ptr_array_add (users, conv->id);
    }
  g_ptr_array_add (users, NULL);
  if (users->len > 1)
    ac_api_nicknames_async (acc->api, (const char *const *) users->pdata, acc->cancellable,
                            on_nicknames, acc);
  ac_api_joined_groups_async (acc->api, acc->cancellable, on_joined_groups, acc);
}

/* ---- conversation list ---- */

/* Each page of the server's list as it comes: stored, in the buddy list,
 * and its history walks start while the next page is asked for. */
static void
on_conversations_page (GPtrArray *convs, gpointer user_data)
{
  AcAccount *acc = user_data;
  g_autoptr (GError) serr = NULL;
  if (!ac_local_store_save_conversations (acc->store, convs, &serr))
    purple_debug_warning ("agorachat", "%s\n", serr->message);
  ac_purple_blist_update (acc, convs);
  ac_backfill_run_add (acc->backfill, convs);
}

static void
on_conversations (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gboolean legacy = FALSE;
  g_autoptr (GPtrArray) convs = ac_api_list_conversations_finish (AC_API (source), result, &legacy,
                                                                  &error);
  if (convs == NULL && cancelled (error))
    return;
  AcAccount *acc = user_data;
  /* The list is complete (or failed): the back-fill ends with its walks. */
  ac_backfill_run_close (acc->backfill);
  if (convs == NULL)
    {
      fail (acc, error);
      return;
    }
  if (legacy)
    purple_debug_info ("agorachat", "server has no paged conversation list; used the legacy one "
                       "(%u conversations)\n", convs->len);
  purple_connection_set_state (acc->gc, PURPLE_CONNECTED);
  fetch_names (acc, convs);
  g_autoptr (GProxyResolver) resolver = proxy_resolver_for (acc->account);
  ac_purple_live_start (acc, resolver);
}

static void
fetch_conversations (AcAccount *acc)
{
  purple_connection_update_progress (acc->gc, _("Fetching conversations"), 3, LOGIN_STEPS);
  /* R2: with local conversations, show them first, then refresh from the server. */
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) local = ac_local_store_list_conversations (acc->store, &error);
  if (local != NULL && local->len > 0)
    ac_purple_blist_update (acc, local);
  ac_backfill_run_open_async (acc->backfill, acc->cancellable, on_backfill_done, acc);
  ac_api_list_conversations_async (acc->api, 20, on_conversations_page, acc, acc->cancellable,
                                   on_conversations, acc);
}

/* ---- sign-in ---- */

/* The sign-in's request and the store's opening run side by side; the
 * conversation list needs both. */
static void
fetch_when_ready (AcAccount *acc)
{
  if (acc->signed_in && acc->store != NULL)
    fetch_conversations (acc);
}

static void
on_signed_in (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  AcAccount *acc = user_data;
  if (!ac_api_sign_in_finish (AC_API (source), result, &error))
    {
      /* Had the store failed first, libpurple keeps that error. */
      if (!cancelled (error))
        fail (acc, error);
      return;
    }
  acc->signed_in = TRUE;
  fetch_when_ready (acc);
}

static void
on_store_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  AcLocalStore *store = ac_local_store_open_finish (result, &error);
  if (store == NULL && cancelled (error))
    return;
  AcAccount *acc = user_data;
  if (store == NULL)
    {
      fail (acc, error);
      return;
    }
  acc->store = store;
  PurpleAccount *account = acc->account;
  acc->backfill = ac_backfill_new (acc->api, acc->store);
  ac_backfill_set_mode (acc->backfill, history_mode (account));
  ac_backfill_set_latest_n (acc->backfill,
                            purple_account_get_int (account, AC_OPT_HISTORY_N,
                                                    AC_BACKFILL_DEFAULT_LATEST_N));
  ac_backfill_set_cap (acc->backfill,
                       purple_account_get_int (account, AC_OPT_HISTORY_CAP, AC_BACKFILL_DEFAULT_CAP));
  g_signal_connect (acc->backfill, "conversation-synced", G_CALLBACK (on_synced), acc);
  g_signal_connect (acc->backfill, "conversation-failed", G_CALLBACK (on_sync_failed), acc);
  fetch_when_ready (acc);
}

static void
sign_in (AcAccount *acc)
{
  purple_connection_update_progress (acc->gc, _("Signing in"), 2, LOGIN_STEPS);
  ac_api_sign_in_async (acc->api, acc->cancellable, on_signed_in, acc);
}

static void
on_discovered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *ws = NULL;
  if (!ac_api_discover_finish (AC_API (source), result, &rest, &ws, &error))
    {
      if (!cancelled (error))
        fail (user_data, error);
      return;
    }
  AcAccount *acc = user_data;
  purple_debug_info ("agorachat", "discovered REST %s, WebSocket %s\n", rest, ws);
  ac_api_set_rest_url (acc->api, rest);
  if (acc->ws_url == NULL)
    acc->ws_url = g_steal_pointer (&ws);
  sign_in (acc);
}

static void
account_free (AcAccount *acc)
{
  g_cancellable_cancel (acc->cancellable);
  ac_purple_live_stop (acc);
  if (acc->backfill != NULL)
    {
      g_signal_handlers_disconnect_by_data (acc->backfill, acc);
      ac_backfill_run_close (acc->backfill); /* its walks are cancelled: it ends at once */
    }
  if (acc->http != NULL)
    ac_http_cancel_all (acc->http);
  g_clear_object (&acc->backfill);
  g_clear_object (&acc->api);
  g_clear_object (&acc->http);
  g_clear_pointer (&acc->store, ac_local_store_close);
  g_clear_object (&acc->cancellable);
  g_free (acc->ws_url);
  g_hash_table_unref (acc->chat_ids);
  g_hash_table_unref (acc->capped);
  g_hash_table_unref (acc->summaries);
  g_free (acc);
}

static const char *
nonempty (const char *s)
{
  return s != NULL && *s != '\0' ? s : NULL;
}

AcAccount *
ac_purple_account_state (PurpleAccount *account)
{
  if (account == NULL || g_strcmp0 (purple_account_get_protocol_id (account), AC_PRPL_ID) != 0)
    return NULL;
  PurpleConnection *gc = purple_account_get_connection (account);
  AcAccount *acc = gc != NULL ? purple_connection_get_protocol_data (gc) : NULL;
  return acc != NULL && acc->store != NULL ? acc : NULL;
}

void
ac_purple_login (PurpleAccount *account)
{
  PurpleConnection *gc = purple_account_get_connection (account);
  ac_purple_history_hook_conversations ();
  ac_purple_text_commands_hook ();
  AcAccount *acc = g_new0 (AcAccount, 1);
  acc->gc = gc;
  acc->account = account;
  acc->cancellable = g_cancellable_new ();
  acc->chat_ids = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  acc->next_chat_id = 1;
  acc->capped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  acc->summaries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  purple_connection_set_protocol_data (gc, acc);
  purple_connection_update_progress (gc, _("Connecting"), 0, LOGIN_STEPS);

  g_autoptr (GError) error = NULL;
  g_autoptr (GProxyResolver) resolver = proxy_resolver_for (account);
  acc->http = ac_http_new (resolver, 0);
  acc->api = ac_api_new (acc->http, purple_account_get_string (account, AC_OPT_APP_KEY, ""),
                         purple_account_get_username (account), &error);
  if (acc->api == NULL)
    {
      fail (acc, error);
      return;
    }
  ac_api_set_password (acc->api, purple_connection_get_password (gc));

  const char *rest = nonempty (purple_account_get_string (account, AC_OPT_REST_URL, ""));
  acc->ws_url = g_strdup (nonempty (purple_account_get_string (account, AC_OPT_WS_URL, "")));
  if (rest != NULL)
    {
      ac_api_set_rest_url (acc->api, rest);
      sign_in (acc);
    }
  else
    {
      purple_connection_update_progress (gc, _("Discovering servers"), 1, LOGIN_STEPS);
      const char *discovery = nonempty (purple_account_get_string (account, AC_OPT_DISCOVERY_URL,
                                                                   AC_DEFAULT_DISCOVERY_URL));
      ac_api_discover_async (acc->api, discovery != NULL ? discovery : AC_DEFAULT_DISCOVERY_URL,
                             acc->cancellable, on_discovered, acc);
    }

  /* The store opens (a new profile's schema is created, an older one
   * migrated) on a worker thread while the first request is on its way. */
  g_autofree char *path = store_path_for (account, &error);
  if (path == NULL)
    {
      fail (acc, error);
      return;
    }
  ac_local_store_open_async (path, acc->cancellable, on_store_opened, acc);
}

void
ac_purple_close (PurpleConnection *gc)
{
  AcAccount *acc = purple_connection_get_protocol_data (gc);
  if (acc == NULL)
    return;
  purple_connection_set_protocol_data (gc, NULL);
  account_free (acc);
}
