/* Online devices and delivery of queued items (see msync-router.h). */
#include "msync-router.h"
#include "msync-frames.h"
#include "ac-message-pb.h"
#include "ac-jid.h"

#define ID_SEQ_BITS 20
#define ID_SERVER_BIT (G_GUINT64_CONSTANT (1) << 19)

struct _MsyncRouter {
  Store      *store;
  GHashTable *online;   /* "app\x1fuser" -> GPtrArray of MsyncConn* (not owned) */
  guint64     last_id;
};

MsyncRouter *
msync_router_new (Store *store)
{
  MsyncRouter *r = g_new0 (MsyncRouter, 1);

  r->store = store;
  r->online = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref);
  return r;
}

void
msync_router_free (MsyncRouter *router)
{
  if (router == NULL)
    return;
  g_hash_table_unref (router->online);
  g_free (router);
}

static char *
user_key (gint64 app, const char *user)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "\x1f%s", app, user);
}

static GPtrArray *
devices (MsyncRouter *router, gint64 app, const char *user)
{
  g_autofree char *key = user_key (app, user);

  return g_hash_table_lookup (router->online, key);
}

void
msync_router_add (MsyncRouter *router, MsyncConn *conn)
{
  g_autofree char *key = user_key (conn->app, conn->user);
  GPtrArray *list = g_hash_table_lookup (router->online, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (router->online, g_steal_pointer (&key), list);
    }
  g_ptr_array_add (list, conn);
}

gboolean
msync_router_remove (MsyncRouter *router, MsyncConn *conn)
{
  g_autofree char *key = NULL;
  GPtrArray *list;
  gboolean found;

  if (!conn->provisioned)
    return FALSE;
  key = user_key (conn->app, conn->user);
  list = g_hash_table_lookup (router->online, key);
  if (list == NULL)
    return FALSE;
  found = g_ptr_array_remove (list, conn);
  if (list->len == 0)
    g_hash_table_remove (router->online, key);
  return found;
}

MsyncConn *
msync_router_find (MsyncRouter *router, gint64 app, const char *user, const char *resource)
{
  GPtrArray *list = devices (router, app, user);

  for (guint i = 0; list && i < list->len; i++)
    {
      MsyncConn *c = g_ptr_array_index (list, i);
      if (g_str_equal (c->resource, resource))
        return c;
    }
  return NULL;
}

guint
msync_router_online (MsyncRouter *router, gint64 app, const char *user)
{
  GPtrArray *list = devices (router, app, user);

  return list ? list->len : 0;
}

guint64
msync_router_new_id (MsyncRouter *router)
{
  guint64 id = ((guint64) (g_get_real_time () / 1000) << ID_SEQ_BITS) | ID_SERVER_BIT;

  if (id <= router->last_id)
    id = router->last_id + 1;
  router->last_id = id;
  return id;
}

gboolean
msync_router_deliver_meta (MsyncRouter *router, gint64 app, const char *user,
                           const char *except_resource, const char *queue, gint ns,
                           guint64 item_id, GBytes *meta, gboolean offline, GError **error)
{
  GPtrArray *list = devices (router, app, user);
  g_autoptr(GPtrArray) notify = g_ptr_array_new ();

  for (guint i = 0; list && i < list->len; i++)
    {
      MsyncConn *c = g_ptr_array_index (list, i);
      guint64 seq = 0;

      if (except_resource && g_str_equal (c->resource, except_resource))
        continue;
      if (!store_msync_enqueue (router->store, app, user, c->resource, queue, ns, item_id, meta,
                                &seq, error))
        return FALSE;
      if (seq)
        g_ptr_array_add (notify, c);
    }
  if (notify->len == 0 && offline &&
      !store_msync_enqueue (router->store, app, user, "", queue, ns, item_id, meta, NULL, error))
    return FALSE;
  /* A NOTICE is only a hint to pull: sent before the caller's commit it is
   * still read after it, as this process handles one event at a time. */
  if (notify->len > 0)
    {
      g_autoptr(GBytes) frame = msync_frame_notice (queue);
      for (guint i = 0; i < notify->len; i++)
        msync_conn_send (g_ptr_array_index (notify, i), frame);
    }
  return TRUE;
}

gboolean
msync_router_deliver_message (MsyncRouter *router, gint64 app, const char *app_key,
                              const AcMessage *msg, gboolean live, GError **error)
{
  g_autoptr(GBytes) meta = ac_message_to_meta (msg, app_key);
  g_autofree char *own_queue = msync_queue_name (msg->from, NULL, msg->from_resource);
  const gint ns = EASEMOB__PB__META__NAME_SPACE__CHAT;

  if (msg->chat_type == AC_CHAT_GROUP)
    {
      g_autoptr(StoreGroup) group = store_group_get (router->store, app, msg->to, TRUE, error);
      g_autofree char *queue = msync_queue_name (msg->to, AC_DOMAIN_GROUP, NULL);

      if (group == NULL)
        return FALSE;
      for (guint i = 0; group->members && i < group->members->len; i++)
        {
          const StoreMember *m = g_ptr_array_index (group->members, i);
          if (g_str_equal (m->username, msg->from))
            continue;
          if (!msync_router_deliver_meta (router, app, m->username, NULL, queue, ns, msg->id, meta,
                                          live, error))
            return FALSE;
        }
    }
  else if (!g_str_equal (msg->to, msg->from))
    {
      g_autofree char *queue = msync_queue_name (msg->from, NULL, NULL);

      if (!msync_router_deliver_meta (router, app, msg->to, NULL, queue, ns, msg->id, meta, live,
                                      error))
        return FALSE;
    }
  /* Copies for the sender's other devices: online ones only; the others
   * find their own messages in the roaming history. */
  return msync_router_deliver_meta (router, app, msg->from, msg->from_resource, own_queue, ns,
                                    msg->id, meta, FALSE, error);
}
