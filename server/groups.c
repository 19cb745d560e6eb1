/* Around roaming (§8): joined groups, group info and members, contacts,
 * user metadata and GET users/{u}. */
#include "handlers.h"
#include "reply.h"
#include "json-args.h"
#include "user-entity.h"
#include "ac-id.h"

#define MEMBERS_CURSOR_DEFAULT 50
#define MEMBERS_PAGE_DEFAULT 1000

static JsonNode *
string_array (GPtrArray *strings)
{
  JsonArray *a = json_array_new ();
  JsonNode *n = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; strings && i < strings->len; i++)
    json_array_add_string_element (a, g_ptr_array_index (strings, i));
  json_node_take_array (n, a);
  return n;
}

/* Page bounds [*from, *to) of `len` items: pagenum from 1, pagesize. */
static gboolean
query_page (Request *req, const char *num_name, const char *size_name, guint len,
            gint64 default_size, guint *from, guint *to)
{
  gint64 num, size;

  if (!request_query_int (req, num_name, 1, 0, G_MAXINT32, &num) ||
      !request_query_int (req, size_name, default_size, 1, G_MAXINT32, &size))
    return FALSE;
  /* Some SDK calls count pages from 0: treat 0 like 1. */
  num = MAX (num, 1);
  *from = (guint) MIN ((guint64) len, (guint64) (num - 1) * (guint64) size);
  *to = (guint) MIN ((guint64) len, (guint64) *from + (guint64) size);
  return TRUE;
}

void
groups_joined (Request *req)
{
  const char *user = request_capture (req, "u");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) groups = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  guint from, to;

  groups = store_groups_joined (req->server->store, req->app_id, user, &error);
  if (groups == NULL) {
    reply_gerror (req, error);
    return;
  }
  if (!query_page (req, "pagenum", "pagesize", groups->len, G_MAXINT32, &from, &to))
    return;
  json_builder_begin_array (b);
  for (guint i = from; i < to; i++) {
    const StoreGroup *g = g_ptr_array_index (groups, i);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "groupid");
    json_builder_add_string_value (b, g->id);
    json_builder_set_member_name (b, "groupname");
    json_builder_add_string_value (b, g->name);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  /* The SDK checks that "uri" names joined_chatgroups: the envelope's uri
   * is the request URL. */
  reply_envelope_with (req, json_builder_get_root (b), NULL, "count",
                       json_node_init_int (json_node_alloc (), to - from));
}

static void
add_member (JsonBuilder *b, const StoreMember *m, gboolean with_time)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, m->role);
  json_builder_add_string_value (b, m->username);
  if (with_time) {
    json_builder_set_member_name (b, "joined_time");
    json_builder_add_int_value (b, m->joined_time);
  }
  json_builder_end_object (b);
}

/* GroupDetailInfo (§8.2). */
static void
add_group_info (JsonBuilder *b, const StoreGroup *g)
{
  json_builder_begin_object (b);
#define STR(k, v) json_builder_set_member_name (b, k); json_builder_add_string_value (b, v)
#define INT(k, v) json_builder_set_member_name (b, k); json_builder_add_int_value (b, v)
#define BOOL(k, v) json_builder_set_member_name (b, k); json_builder_add_boolean_value (b, v)
  STR ("id", g->id);
  STR ("name", g->name);
  STR ("description", g->description ? g->description : "");
  STR ("owner", g->owner);
  INT ("created", g->created);
  STR ("custom", "");
  INT ("maxusers", g->maxusers);
  BOOL ("membersonly", !g->is_public);
  BOOL ("allowinvites", FALSE);
  BOOL ("mute", FALSE);
  BOOL ("public", g->is_public);
  INT ("affiliations_count", g->members ? g->members->len : 0);
  BOOL ("shieldgroup", FALSE);
  STR ("avatar", "");
#undef STR
#undef INT
#undef BOOL
  json_builder_set_member_name (b, "affiliations");
  json_builder_begin_array (b);
  for (guint i = 0; g->members && i < g->members->len; i++)
    add_member (b, g_ptr_array_index (g->members, i), TRUE);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

StoreGroup *
groups_load (Request *req, const char *id)
{
  g_autoptr (GError) error = NULL;
  StoreGroup *g;
  guint64 number;

  if (!ac_id_parse (id, &number)) {
    reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "group id [%s] is not valid",
                  id);
    return NULL;
  }
  g = store_group_get (req->server->store, req->app_id, id, TRUE, &error);
  if (g == NULL) {
    if (g_error_matches (error, STORE_ERROR, STORE_ERROR_NOT_FOUND))
      reply_group_not_found (req, id);
    else
      reply_gerror (req, error);
  }
  return g;
}

/* A group the caller may read: users only see groups they are in. */
static StoreGroup *
get_group (Request *req, const char *id)
{
  g_autoptr (StoreGroup) g = groups_load (req, id);

  if (g == NULL)
    return NULL;
  if (!req->caller_is_app &&
      !store_group_is_member (req->server->store, req->app_id, id, req->caller_user)) {
    reply_errorf (req, SOUP_STATUS_FORBIDDEN, "forbidden", "user %s is not a member of group %s",
                  req->caller_user, id);
    return NULL;
  }
  return g_steal_pointer (&g);
}

void
groups_info (Request *req)
{
  g_auto (GStrv) ids = g_strsplit (request_capture (req, "id"), ",", -1);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (g_strv_length (ids) > 100) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "at most 100 group ids");
    return;
  }
  json_builder_begin_array (b);
  for (char **id = ids; *id; id++) {
    g_autoptr (StoreGroup) g = get_group (req, *id);
    if (g == NULL)
      return;
    add_group_info (b, g);
  }
  json_builder_end_array (b);
  reply_envelope (req, json_builder_get_root (b), NULL);
}

void
groups_members (Request *req)
{
  const char *id = request_capture (req, "id");
  const char *cursor = request_query (req, "cursor");
  g_autoptr (StoreGroup) g = get_group (req, id);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gboolean cursor_mode = cursor != NULL || request_query (req, "limit") != NULL;
  guint len, from = 0, to = 0;
  g_autofree char *next = NULL;

  if (g == NULL)
    return;
  len = g->members ? g->members->len : 0;
  if (cursor_mode) {
    gint64 limit;
    guint64 start = 0;
    /* Our cursor is the index of the next member; the SDK sends
     * "undefined" when it has none. */
    if (cursor != NULL && cursor[0] != '\0' && !g_str_equal (cursor, "undefined") &&
        !g_ascii_string_to_unsigned (cursor, 10, 0, G_MAXUINT32, &start, NULL)) {
      reply_errorf (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument",
                    "cursor [%s] is not valid", cursor);
      return;
    }
    if (!request_query_int (req, "limit", MEMBERS_CURSOR_DEFAULT, 1, G_MAXINT32, &limit))
      return;
    from = (guint) MIN ((guint64) len, start);
    to = (guint) MIN ((guint64) len, (guint64) from + (guint64) limit);
    if (to < len)
      next = g_strdup_printf ("%u", to);
  } else if (!query_page (req, "pagenum", "pagesize", len, MEMBERS_PAGE_DEFAULT, &from, &to)) {
    return;
  }

  json_builder_begin_array (b);
  for (guint i = from; i < to; i++)
    add_member (b, g_ptr_array_index (g->members, i), cursor_mode);
  json_builder_end_array (b);
  if (cursor_mode && next != NULL)
    reply_envelope_with (req, json_builder_get_root (b), NULL, "cursor",
                         json_node_init_string (json_node_alloc (), next));
  else
    reply_envelope (req, json_builder_get_root (b), NULL);
}

void
groups_contacts (Request *req)
{
  const char *user = request_capture (req, "u");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) contacts = NULL;
  JsonNode *entities = NULL;

  contacts = store_contacts (req->server->store, req->app_id, user, &error);
  if (contacts == NULL) {
    reply_gerror (req, error);
    return;
  }
  if (g_strcmp0 (request_query (req, "needReturnRemark"), "true") == 0) {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    json_builder_begin_array (b);
    for (guint i = 0; i < contacts->len; i++) {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "username");
      json_builder_add_string_value (b, g_ptr_array_index (contacts, i));
      json_builder_set_member_name (b, "remark");
      json_builder_add_string_value (b, "");
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
    entities = json_builder_get_root (b);
  }
  reply_envelope (req, string_array (contacts), entities);
}

void
groups_user_metadata (Request *req)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *body = request_body_object (req, TRUE, &root);
  g_autoptr (GPtrArray) targets = NULL;
  g_autoptr (GPtrArray) properties = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gboolean want_nickname = TRUE;

  if (body == NULL)
    return;
  if (!json_arg_string_array (body, "targets", TRUE, &targets, &error) ||
      !json_arg_string_array (body, "properties", FALSE, &properties, &error)) {
    reply_gerror (req, error);
    return;
  }
  if (targets->len > 100) {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "at most 100 targets");
    return;
  }
  if (properties != NULL && properties->len > 0) {
    want_nickname = FALSE;
    for (guint i = 0; i < properties->len; i++)
      if (g_str_equal (g_ptr_array_index (properties, i), "nickname"))
        want_nickname = TRUE;
  }

  json_builder_begin_object (b);
  for (guint i = 0; i < targets->len; i++) {
    const char *target = g_ptr_array_index (targets, i);
    g_autofree char *name = g_ascii_strdown (target, -1);
    g_autoptr (StoreUser) u = store_user_get (req->server->store, req->app_id, name, NULL);

    /* Unknown users are left out, as Agora leaves out users without metadata. */
    if (u == NULL)
      continue;
    json_builder_set_member_name (b, target);
    json_builder_begin_object (b);
    if (want_nickname && u->nickname != NULL) {
      json_builder_set_member_name (b, "nickname");
      json_builder_add_string_value (b, u->nickname);
    }
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  reply_envelope (req, json_builder_get_root (b), NULL);
}

void
groups_user_get (Request *req)
{
  const char *name = request_capture (req, "u");
  g_autoptr (GError) error = NULL;
  g_autoptr (StoreUser) u = store_user_get (req->server->store, req->app_id, name, &error);
  JsonNode *entities;

  if (u == NULL) {
    if (g_error_matches (error, STORE_ERROR, STORE_ERROR_NOT_FOUND))
      reply_user_not_found (req, name);
    else
      reply_gerror (req, error);
    return;
  }
  entities = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (entities, json_array_new ());
  json_array_add_element (json_node_get_array (entities), user_entity_to_json (req->app_key, u));
  reply_envelope (req, NULL, entities);
}
