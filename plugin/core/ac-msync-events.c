#include "ac-msync-events.h"
#include "ac-error.h"
#include "ac-id.h"

#include <json-glib/json-glib.h>

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* A time or id that may come as a JSON number or a decimal string. */
static gboolean
member_u64 (JsonObject *o, const char *name, guint64 *out)
{
  JsonNode *n = json_object_get_member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  if (json_node_get_value_type (n) == G_TYPE_STRING)
    return ac_id_parse (json_node_get_string (n), out);
  if (json_node_get_value_type (n) == G_TYPE_INT64 && json_node_get_int (n) >= 0)
    {
      *out = (guint64) json_node_get_int (n);
      return TRUE;
    }
  return FALSE;
}

void
ac_msync_notify_free (AcMsyncNotify *n)
{
  if (n == NULL)
    return;
  g_free (n->type);
  g_free (n->conv_id);
  g_free (n->resource);
  g_free (n->from);
  if (n->ids != NULL)
    g_array_unref (n->ids);
  g_free (n);
}

AcMsyncNotify *
ac_msync_notify_parse (const guint8 *payload, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) perr = NULL;
  if (payload == NULL || len == 0
      || !g_utf8_validate ((const char *) payload, (gssize) len, NULL)
      || !json_parser_load_from_data (parser, (const char *) payload, (gssize) len, &perr))
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED,
                   "NOTIFY payload is not JSON%s%s", perr ? ": " : "", perr ? perr->message : "");
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *o = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *data_node = o != NULL ? json_object_get_member (o, "data") : NULL;
  const char *type = o != NULL ? member_string (o, "type") : NULL;
  if (type == NULL || data_node == NULL || !JSON_NODE_HOLDS_OBJECT (data_node))
    {
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED,
                           "NOTIFY payload lacks a string \"type\" or an object \"data\"");
      return NULL;
    }
  JsonObject *data = json_node_get_object (data_node);
  g_autoptr (AcMsyncNotify) n = g_new0 (AcMsyncNotify, 1);
  n->type = g_strdup (type);
  n->ids = g_array_new (FALSE, FALSE, sizeof (guint64));

  if (g_str_equal (type, "roaming_delete"))
    {
      n->kind = AC_MSYNC_NOTIFY_ROAMING_DELETE;
      n->conv_id = g_strdup (member_string (data, "to"));
      n->resource = g_strdup (member_string (data, "resource"));
      n->is_group = g_strcmp0 (member_string (data, "chatType"), "chat") != 0;
      JsonNode *list = json_object_get_member (data, "msgIdList");
      if (list != NULL && JSON_NODE_HOLDS_ARRAY (list))
        {
          JsonArray *a = json_node_get_array (list);
          for (guint i = 0; i < json_array_get_length (a); i++)
            {
              JsonNode *e = json_array_get_element (a, i);
              guint64 id = 0;
              if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING
                  && ac_id_parse (json_node_get_string (e), &id))
                g_array_append_val (n->ids, id);
              else if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_INT64
                       && json_node_get_int (e) > 0)
                {
                  id = (guint64) json_node_get_int (e);
                  g_array_append_val (n->ids, id);
                }
            }
        }
      member_u64 (data, "deleteTime", &n->delete_time);
    }
  else if (g_str_equal (type, "conv") && g_strcmp0 (member_string (data, "op"), "del") == 0)
    {
      n->kind = AC_MSYNC_NOTIFY_CONVERSATION_DELETE;
      n->conv_id = g_strdup (member_string (data, "id"));
      n->resource = g_strdup (member_string (data, "res"));
      n->from = g_strdup (member_string (data, "from"));
      n->is_group = g_strcmp0 (member_string (data, "type"), "chat") != 0;
    }
  else
    n->kind = AC_MSYNC_NOTIFY_OTHER;

  if (n->kind != AC_MSYNC_NOTIFY_OTHER && (n->conv_id == NULL || *n->conv_id == '\0'))
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED,
                   "NOTIFY %s names no conversation", type);
      return NULL;
    }
  return g_steal_pointer (&n);
}

void
ac_group_event_free (AcGroupEvent *ev)
{
  if (ev == NULL)
    return;
  g_free (ev->group_id);
  g_free (ev->actor);
  g_free (ev->reason);
  if (ev->members != NULL)
    g_ptr_array_unref (ev->members);
  g_free (ev);
}

static AcGroupEventKind
group_event_kind (Easemob__Pb__MUCBody__Operation op)
{
  switch (op)
    {
    case EASEMOB__PB__MUCBODY__OPERATION__PRESENCE:
    case EASEMOB__PB__MUCBODY__OPERATION__JOIN:
    case EASEMOB__PB__MUCBODY__OPERATION__DIRECT_JOINED:
    case EASEMOB__PB__MUCBODY__OPERATION__INVITE_ACCEPT:
    case EASEMOB__PB__MUCBODY__OPERATION__APPLY_ACCEPT:
      return AC_GROUP_EVENT_JOINED;
    case EASEMOB__PB__MUCBODY__OPERATION__ABSENCE:
    case EASEMOB__PB__MUCBODY__OPERATION__LEAVE:
      return AC_GROUP_EVENT_LEFT;
    case EASEMOB__PB__MUCBODY__OPERATION__KICK:
      return AC_GROUP_EVENT_KICKED;
    case EASEMOB__PB__MUCBODY__OPERATION__DESTROY:
      return AC_GROUP_EVENT_DESTROYED;
    default:
      return AC_GROUP_EVENT_OTHER;
    }
}

AcGroupEvent *
ac_group_event_parse (const guint8 *payload, gsize len, GError **error)
{
  Easemob__Pb__MUCBody *body = easemob__pb__mucbody__unpack (NULL, len, payload);
  if (body == NULL || body->mucid == NULL || body->mucid->name == NULL || *body->mucid->name == '\0'
      || !body->has_operation)
    {
      if (body != NULL)
        easemob__pb__mucbody__free_unpacked (body, NULL);
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED,
                           "MUC meta without a MUCBody naming a group and an operation");
      return NULL;
    }
  AcGroupEvent *ev = g_new0 (AcGroupEvent, 1);
  ev->operation = body->operation;
  ev->kind = group_event_kind (body->operation);
  ev->group_id = g_strdup (body->mucid->name);
  ev->actor = body->from != NULL ? g_strdup (body->from->name) : NULL;
  ev->reason = g_strdup (body->reason);
  ev->members = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < body->n_to; i++)
    if (body->to[i] != NULL && body->to[i]->name != NULL && *body->to[i]->name != '\0')
      g_ptr_array_add (ev->members, g_strdup (body->to[i]->name));
  for (gsize i = 0; i < body->n_members; i++)
    if (body->members[i] != NULL && *body->members[i] != '\0')
      g_ptr_array_add (ev->members, g_strdup (body->members[i]));
  /* PRESENCE/ABSENCE name the member who came or went as the operator. */
  if (ev->members->len == 0 && ev->actor != NULL && *ev->actor != '\0')
    g_ptr_array_add (ev->members, g_strdup (ev->actor));
  if (ev->members->len == 0 && (ev->kind == AC_GROUP_EVENT_JOINED || ev->kind == AC_GROUP_EVENT_LEFT
                                || ev->kind == AC_GROUP_EVENT_KICKED))
    ev->kind = AC_GROUP_EVENT_OTHER;
  easemob__pb__mucbody__free_unpacked (body, NULL);
  return ev;
}

gboolean
ac_msync_statistic_is_kick (const guint8 *payload, gsize len, int *operation, char **reason)
{
  Easemob__Pb__StatisticsBody *body = easemob__pb__statistics_body__unpack (NULL, len, payload);
  if (body == NULL)
    return FALSE;
  gboolean kick = body->has_operation
    && body->operation != EASEMOB__PB__STATISTICS_BODY__OPERATION__INFORMATION;
  if (kick)
    {
      *operation = body->operation;
      *reason = g_strdup (body->reason);
    }
  easemob__pb__statistics_body__free_unpacked (body, NULL);
  return kick;
}
