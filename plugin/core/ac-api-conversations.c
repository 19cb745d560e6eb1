/* The server conversation list (protocol reference §3.2, §3.3, §14): the
 * paged call to its end, or the legacy call where the paged one is missing. */
#include "ac-api-private.h"
#include "ac-client-error.h"
#include "ac-jid.h"
#include "ac-message-json.h"

#define MAX_PAGES 1000 /* a server that ignores pageNum must not loop us forever */

typedef struct {
  guint       page_size;
  guint       page;
  gboolean    legacy;
  GPtrArray  *convs;  /* AcConversation* */
  GHashTable *seen;   /* "u:<id>" / "g:<id>" */
  AcConversationsPageFunc page_func;
  gpointer    page_data;
} ListState;

static void
list_state_free (ListState *st)
{
  g_ptr_array_unref (st->convs);
  g_hash_table_unref (st->seen);
  g_free (st);
}

/* One channel_infos[] item; NULL when it names no conversation we understand. */
static AcConversation *
parse_channel (JsonObject *item)
{
  g_autofree char *id = NULL;
  gboolean is_group = FALSE;
  const char *channel_id = ac_json_string (item, "channel_id");
  const char *session_to = ac_json_string (item, "session_to");

  if (channel_id != NULL)
    {
      /* "org#app_<id>@easemob.com" or "…@conference.easemob.com" (§14). */
      g_autoptr (AcJid) jid = ac_jid_parse (channel_id, NULL);
      if (jid == NULL || jid->name == NULL || *jid->name == '\0')
        return NULL;
      id = g_strdup (jid->name);
      is_group = g_strcmp0 (jid->domain, AC_DOMAIN_GROUP) == 0;
    }
  else if (session_to != NULL && *session_to != '\0')
    {
      id = g_strdup (session_to);
      /* The SDK's rule: anything but "chat" is a group. */
      const char *type = ac_json_string (item, "session_type");
      is_group = type != NULL && g_ascii_strcasecmp (type, "chat") != 0;
    }
  else
    return NULL;

  AcConversation *conv = ac_conversation_new (id, is_group);
  guint64 unread = 0;
  if (ac_json_uint (item, "unread_num", &unread))
    conv->unread = (guint) MIN (unread, G_MAXUINT);
  JsonObject *meta = ac_json_object (item, "meta");
  if (meta != NULL && json_object_get_size (meta) > 0)
    {
      g_autoptr (GError) error = NULL;
      conv->last = ac_message_from_rest_meta (meta, &error);
      if (conv->last == NULL)
        g_debug ("conversation %s: last message unreadable: %s", id, error->message);
    }
  return conv;
}

/* Adds the page's new conversations; returns how many items the page had. */
static guint
take_page (ListState *st, JsonObject *reply, GError **error)
{
  JsonObject *data = ac_json_data_object (reply, error);
  if (data == NULL)
    return 0;
  JsonArray *infos = ac_json_array (data, "channel_infos");
  guint n = infos != NULL ? json_array_get_length (infos) : 0;
  guint added = 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (infos, i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      AcConversation *conv = parse_channel (json_node_get_object (node));
      if (conv == NULL)
        continue;
      char *key = g_strdup_printf ("%c:%s", conv->is_group ? 'g' : 'u', conv->id);
      if (!g_hash_table_add (st->seen, key))
        {
          ac_conversation_free (conv);
          continue;
        }
      g_ptr_array_add (st->convs, conv);
      added++;
    }
  /* A page that brings nothing new ends the walk even if it was full. */
  return added == 0 ? 0 : n;
}

static void fetch_page (GTask *task);

/* The conversations a page added (the last `added` of st->convs) to page_func. */
static void
report_page (ListState *st, guint added)
{
  if (st->page_func == NULL || added == 0)
    return;
  g_autoptr (GPtrArray) page = g_ptr_array_new ();
  for (guint i = st->convs->len - added; i < st->convs->len; i++)
    g_ptr_array_add (page, st->convs->pdata[i]);
  st->page_func (page, st->page_data);
}

static void
on_legacy (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ListState *st = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonObject) reply = ac_http_request_finish (AC_HTTP (source), result, &error);
  if (reply == NULL || (take_page (st, reply, &error), error != NULL))
    {
      g_task_return_error (task, error);
      return;
    }
  report_page (st, st->convs->len);
  g_task_return_pointer (task, g_ptr_array_ref (st->convs), (GDestroyNotify) g_ptr_array_unref);
}

static void
fetch_legacy (GTask *task)
{
  AcApi *api = g_task_get_source_object (task);
  ListState *st = g_task_get_task_data (task);
  st->legacy = TRUE;
  g_autofree char *user = ac_api_escape (ac_api_get_username (api));
  g_autofree char *url = ac_api_url (api, "users/%s/user_channels", user);
  ac_http_request_async (ac_api_get_http (api), "GET", url, NULL, AC_HTTP_AUTH,
                         g_task_get_cancellable (task), on_legacy, task);
}

static void
on_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ListState *st = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonObject) reply = ac_http_request_finish (AC_HTTP (source), result, &error);
  if (reply == NULL)
    {
      /* Only the first page decides whether the call exists at all. */
      if (st->page == 1
          && (g_error_matches (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_NOT_SUPPORTED)
              || g_error_matches (error, AC_CLIENT_ERROR, AC_CLIENT_ERROR_NOT_FOUND)))
        {
          g_debug ("paged conversation list not supported (%s): using the legacy list",
                   error->message);
          g_error_free (error);
          fetch_legacy (task);
          return;
        }
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  guint before = st->convs->len;
  guint n = take_page (st, reply, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  guint added = st->convs->len - before;
  if (n < st->page_size || st->page >= MAX_PAGES)
    {
      report_page (st, added);
      g_task_return_pointer (task, g_ptr_array_ref (st->convs), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  st->page++;
  fetch_page (task);
  report_page (st, added);
}

static void
fetch_page (GTask *task)
{
  AcApi *api = g_task_get_source_object (task);
  ListState *st = g_task_get_task_data (task);
  g_autofree char *user = ac_api_escape (ac_api_get_username (api));
  g_autofree char *url = ac_api_url (api, "users/%s/user_channels/page?pageNum=%u&pageSize=%u",
                                     user, st->page, st->page_size);
  ac_http_request_async (ac_api_get_http (api), "GET", url, NULL, AC_HTTP_AUTH,
                         g_task_get_cancellable (task), on_page, task);
}

void
ac_api_list_conversations_async (AcApi *api, guint page_size, AcConversationsPageFunc page_func,
                                 gpointer page_data, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_list_conversations_async);
  ListState *st = g_new0 (ListState, 1);
  /* The SDK documents pageSize ≤ 20 for this call. */
  st->page_size = CLAMP (page_size, 1, 20);
  st->page = 1;
  st->convs = g_ptr_array_new_with_free_func ((GDestroyNotify) ac_conversation_free);
  st->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  st->page_func = page_func;
  st->page_data = page_data;
  g_task_set_task_data (task, st, (GDestroyNotify) list_state_free);
  fetch_page (task);
}

GPtrArray *
ac_api_list_conversations_finish (AcApi *api, GAsyncResult *result, gboolean *used_legacy,
                                  GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, api), NULL);
  ListState *st = g_task_get_task_data (G_TASK (result));
  if (used_legacy != NULL)
    *used_legacy = st->legacy;
  return g_task_propagate_pointer (G_TASK (result), error);
}
