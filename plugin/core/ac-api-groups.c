/* Groups and people (protocol reference §8): joined groups, group members,
 * nicknames from user metadata. */
#include "ac-api-private.h"
#include "ac-client-error.h"

#define GROUP_PAGE 100
#define MEMBER_PAGE 100
#define NICK_BATCH 100
#define MAX_PAGES 1000

/* A walk over a pagenum/pagesize call whose data is an array: each page's
 * items go to take(); a short page ends it. */
typedef void (*TakeItem) (GPtrArray *out, JsonObject *item);

typedef struct {
  char      *url_base; /* ends with '?' or '&' */
  guint      page;
  guint      page_size;
  guint      first_page;
  TakeItem   take;
  GPtrArray *out;
} PagedState;

static void
paged_state_free (PagedState *st)
{
  g_free (st->url_base);
  g_ptr_array_unref (st->out);
  g_free (st);
}

static void paged_fetch (GTask *task);

static void
on_paged (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PagedState *st = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonObject) reply = ac_http_request_finish (AC_HTTP (source), result, &error);
  JsonArray *data = reply != NULL ? ac_json_data_array (reply, &error) : NULL;
  if (data == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  guint n = json_array_get_length (data);
  guint before = st->out->len;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (data, i);
      if (JSON_NODE_HOLDS_OBJECT (node))
        st->take (st->out, json_node_get_object (node));
    }
  if (n < st->page_size || st->out->len == before || st->page - st->first_page >= MAX_PAGES)
    {
      g_task_return_pointer (task, g_ptr_array_ref (st->out), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  st->page++;
  paged_fetch (task);
}

static void
paged_fetch (GTask *task)
{
  AcApi *api = g_task_get_source_object (task);
  PagedState *st = g_task_get_task_data (task);
  g_autofree char *url = g_strdup_printf ("%spagenum=%u&pagesize=%u", st->url_base, st->page,
                                          st->page_size);
  ac_http_request_async (ac_api_get_http (api), "GET", url, NULL, AC_HTTP_AUTH,
                         g_task_get_cancellable (task), on_paged, task);
}

static void
paged_start (GTask *task, char *url_base, guint page_size, TakeItem take, GDestroyNotify item_free)
{
  PagedState *st = g_new0 (PagedState, 1);
  st->url_base = url_base;
  st->page = st->first_page = 1;
  st->page_size = page_size;
  st->take = take;
  st->out = g_ptr_array_new_with_free_func (item_free);
  g_task_set_task_data (task, st, (GDestroyNotify) paged_state_free);
  paged_fetch (task);
}

/* ---- joined groups: data [{"groupid","groupname"}] ---- */

static void
take_group (GPtrArray *out, JsonObject *item)
{
  const char *id = ac_json_string (item, "groupid");
  if (id == NULL || *id == '\0')
    return;
  AcGroupInfo *info = g_new0 (AcGroupInfo, 1);
  info->id = g_strdup (id);
  info->name = g_strdup (ac_json_string (item, "groupname"));
  g_ptr_array_add (out, info);
}

void
ac_api_joined_groups_async (AcApi *api, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_joined_groups_async);
  g_autofree char *user = ac_api_escape (ac_api_get_username (api));
  paged_start (task, ac_api_url (api, "users/%s/joined_chatgroups?", user), GROUP_PAGE,
               take_group, (GDestroyNotify) ac_group_info_free);
}

GPtrArray *
ac_api_joined_groups_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, api), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- members: data [{"owner":"alice"},{"member":"bob"},…] (the key is the role) ---- */

static void
take_member (GPtrArray *out, JsonObject *item)
{
  static const char *const roles[] = { "owner", "admin", "member" };
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      const char *name = ac_json_string (item, roles[i]);
      if (name != NULL && *name != '\0')
        {
          if (i == 0)
            g_ptr_array_insert (out, 0, g_strdup (name));
          else
            g_ptr_array_add (out, g_strdup (name));
          return;
        }
    }
}

void
ac_api_group_members_async (AcApi *api, const char *group_id, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_group_members_async);
  g_autofree char *gid = ac_api_escape (group_id);
  paged_start (task, ac_api_url (api, "chatgroups/%s/users?", gid), MEMBER_PAGE, take_member,
               g_free);
}

GPtrArray *
ac_api_group_members_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, api), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- nicknames: POST metadata/user/get → data {"bob":{"nickname":"Bobby"}} ---- */

typedef struct {
  GStrv       users;
  guint       next;
  GHashTable *nicks;
} NickState;

static void
nick_state_free (NickState *st)
{
  g_strfreev (st->users);
  g_hash_table_unref (st->nicks);
  g_free (st);
}

static void nick_fetch (GTask *task);

static void
on_nicks (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  NickState *st = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonObject) reply = ac_http_request_finish (AC_HTTP (source), result, &error);
  JsonObject *data = reply != NULL ? ac_json_data_object (reply, &error) : NULL;
  if (data == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  JsonObjectIter iter;
  const char *user;
  JsonNode *node;
  json_object_iter_init (&iter, data);
  while (json_object_iter_next (&iter, &user, &node))
    {
      const char *nick = JSON_NODE_HOLDS_OBJECT (node)
        ? ac_json_string (json_node_get_object (node), "nickname") : NULL;
      if (nick != NULL && *nick != '\0')
        g_hash_table_replace (st->nicks, g_strdup (user), g_strdup (nick));
    }
  nick_fetch (task);
}

static void
nick_fetch (GTask *task)
{
  AcApi *api = g_task_get_source_object (task);
  NickState *st = g_task_get_task_data (task);
  guint total = g_strv_length (st->users);
  if (st->next >= total)
    {
      g_task_return_pointer (task, g_hash_table_ref (st->nicks), (GDestroyNotify) g_hash_table_unref);
      g_object_unref (task);
      return;
    }
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "targets");
  json_builder_begin_array (b);
  guint end = MIN (total, st->next + NICK_BATCH);
  for (; st->next < end; st->next++)
    json_builder_add_string_value (b, st->users[st->next]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "properties");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "nickname");
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) body = json_builder_get_root (b);
  g_autofree char *url = ac_api_url (api, "metadata/user/get");
  ac_http_request_async (ac_api_get_http (api), "POST", url, body, AC_HTTP_AUTH | AC_HTTP_READ,
                         g_task_get_cancellable (task), on_nicks, task);
}

void
ac_api_nicknames_async (AcApi *api, const char *const *users, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, ac_api_nicknames_async);
  NickState *st = g_new0 (NickState, 1);
  st->users = g_strdupv ((char **) users);
  if (st->users == NULL)
    st->users = g_new0 (char *, 1);
  st->nicks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_task_set_task_data (task, st, (GDestroyNotify) nick_state_free);
  nick_fetch (task);
}

GHashTable *
ac_api_nicknames_finish (AcApi *api, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, api), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
