/* Who hears of a group membership change, and with which MUC operation
 * (§9.2).  The SDK's handler decides the shapes: PRESENCE / ABSENCE name the
 * member who came or went as MUCBody.from (its memberPresence /
 * memberAbsence events report `from`), or list several in members[]
 * (membersPresence / membersAbsence); KICK and DIRECT_JOINED name the
 * operator as from and the member in to[] (removeMember / directJoined).
 *
 *   added:  each new member DIRECT_JOINED; the other members PRESENCE
 *   kicked: each kicked user KICK; the remaining members ABSENCE
 *   left:   the remaining members and the leaver's other devices ABSENCE
 */
#include "msync-private.h"
#include "ac-jid.h"

typedef struct {
  MsyncServer *msync;
  gint64       app;
  const char  *caller;
  const char  *caller_resource;
  char        *queue;
} Fanout;

static void
send_to (Fanout *f, const MsyncMucEvent *event, const char *recipient)
{
  guint64 id = msync_router_new_id (f->msync->router);
  g_autoptr(GBytes) meta = msync_meta_muc (id, event, recipient,
                                           (guint64) (g_get_real_time () / 1000));
  const char *except = g_strcmp0 (recipient, f->caller) == 0 ? f->caller_resource : NULL;
  g_autoptr(GError) error = NULL;

  if (except != NULL && *except == '\0')
    except = NULL;
  if (!msync_router_deliver_meta (f->msync->router, f->app, recipient, except, f->queue,
                                  EASEMOB__PB__META__NAME_SPACE__MUC, id, meta, TRUE, &error))
    g_printerr ("MSYNC %s: MUC event for %s not queued: %s\n", f->queue, recipient,
                error->message);
}

/* PRESENCE or ABSENCE of `users` for every current member not in `skip`,
 * and for `also` (may be NULL). */
static void
presence_to_members (Fanout *f, MsyncMucEvent *event, const StoreGroup *group,
                     const char * const *users, const char *operator_name,
                     const char * const *skip, const char *also)
{
  const char *single[2] = { users[0], NULL };

  if (users[1] == NULL)
    {
      event->from = users[0];
      event->targets = single;
      event->as_members = FALSE;
    }
  else
    {
      event->from = operator_name;
      event->targets = users;
      event->as_members = TRUE;
    }
  for (guint i = 0; i < group->members->len; i++)
    {
      const StoreMember *m = g_ptr_array_index (group->members, i);
      if (skip == NULL || !g_strv_contains (skip, m->username))
        send_to (f, event, m->username);
    }
  if (also != NULL)
    send_to (f, event, also);
}

void
msync_notify_membership (MsyncServer *msync, gint64 app, const char *group_id,
                         MsyncMembershipChange change, const char *operator_name,
                         const char * const *users, const char *caller,
                         const char *caller_resource)
{
  g_autoptr(StoreGroup) group = NULL;
  g_autoptr(GError) error = NULL;
  MsyncMucEvent event = { 0 };
  Fanout f = { msync, app, caller, caller_resource, NULL };

  if (msync == NULL || users == NULL || users[0] == NULL)
    return;
  event.app_key = msync_app_key (msync, app);
  if (event.app_key == NULL)
    return;
  group = store_group_get (msync->server->store, app, group_id, TRUE, &error);
  if (group == NULL)
    {
      g_printerr ("MSYNC: MUC events of group %s not sent: %s\n", group_id, error->message);
      return;
    }
  f.queue = msync_queue_name (group_id, AC_DOMAIN_GROUP, NULL);
  event.group_id = group_id;
  event.group_name = group->name;
  event.member_count = (gint) group->members->len;

  switch (change)
    {
    case MSYNC_MEMBERS_ADDED:
      for (guint i = 0; users[i]; i++)
        {
          const char *one[2] = { users[i], NULL };
          event.op = EASEMOB__PB__MUCBODY__OPERATION__DIRECT_JOINED;
          event.from = operator_name;
          event.targets = one;
          event.as_members = FALSE;
          send_to (&f, &event, users[i]);
        }
      event.op = EASEMOB__PB__MUCBODY__OPERATION__PRESENCE;
      presence_to_members (&f, &event, group, users, operator_name, users, NULL);
      break;
    case MSYNC_MEMBERS_KICKED:
      for (guint i = 0; users[i]; i++)
        {
          const char *one[2] = { users[i], NULL };
          event.op = EASEMOB__PB__MUCBODY__OPERATION__KICK;
          event.from = operator_name;
          event.targets = one;
          event.as_members = FALSE;
          send_to (&f, &event, users[i]);
        }
      event.op = EASEMOB__PB__MUCBODY__OPERATION__ABSENCE;
      presence_to_members (&f, &event, group, users, operator_name, NULL, NULL);
      break;
    case MSYNC_MEMBER_LEFT:
      /* The leaver's other devices get the same ABSENCE naming the leaver. */
      event.op = EASEMOB__PB__MUCBODY__OPERATION__ABSENCE;
      presence_to_members (&f, &event, group, users, operator_name, NULL, users[0]);
      break;
    default:
      g_warn_if_reached ();
    }
  g_free (f.queue);
}
