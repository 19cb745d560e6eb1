#include "delete-request-ops.h"

typedef struct {
  PurpleRequestType   type;
  DeleteFieldsAnswer  fields_answer;
  gpointer            data;
  int                 action_index;
} Answer;

typedef struct {
  PurpleRequestType    type;
  PurpleRequestFields *fields;
  GCallback            ok_cb, cancel_cb;
  GCallback            actions[8];
  size_t               n_actions;
  gpointer             user_data;
  Answer              *answer;
  guint                idle;
} Pending;

static GQueue answers = G_QUEUE_INIT;
static GPtrArray *dialogs, *notices;

static void
seen_dialog_free (SeenDialog *d)
{
  g_free (d->title);
  g_free (d->primary);
  g_free (d->secondary);
  g_free (d);
}

static void
seen_notice_free (SeenNotice *n)
{
  g_free (n->primary);
  g_free (n->secondary);
  g_free (n);
}

static void
record (PurpleRequestType type, const char *title, const char *primary, const char *secondary)
{
  SeenDialog *d = g_new0 (SeenDialog, 1);
  d->type = type;
  d->title = g_strdup (title);
  d->primary = g_strdup (primary);
  d->secondary = g_strdup (secondary);
  g_ptr_array_add (dialogs, d);
}

/* The first scripted answer of this type, taken off the script. */
static Answer *
take_answer (PurpleRequestType type)
{
  for (GList *l = answers.head; l != NULL; l = l->next)
    if (((Answer *) l->data)->type == type)
      {
        Answer *a = l->data;
        g_queue_delete_link (&answers, l);
        return a;
      }
  return NULL;
}

static gboolean
answer_now (gpointer data)
{
  Pending *p = data;
  p->idle = 0;
  if (p->type == PURPLE_REQUEST_FIELDS)
    {
      gboolean ok = p->answer != NULL && p->answer->fields_answer (p->fields, p->answer->data);
      GCallback cb = ok ? p->ok_cb : p->cancel_cb;
      if (cb != NULL)
        ((PurpleRequestFieldsCb) cb) (p->user_data, p->fields);
    }
  else
    {
      /* Unscripted: the last button, which our dialogs make "Cancel". */
      int index = p->answer != NULL ? p->answer->action_index : (int) p->n_actions - 1;
      if (index >= 0 && (size_t) index < p->n_actions && p->actions[index] != NULL)
        ((PurpleRequestActionCb) p->actions[index]) (p->user_data, index);
    }
  purple_request_close (p->type, p);
  return G_SOURCE_REMOVE;
}

static void *
request_fields (const char *title, const char *primary, const char *secondary,
                PurpleRequestFields *fields, const char *ok_text, GCallback ok_cb,
                const char *cancel_text, GCallback cancel_cb, PurpleAccount *account,
                const char *who, PurpleConversation *conv, void *user_data)
{
  record (PURPLE_REQUEST_FIELDS, title, primary, secondary);
  Pending *p = g_new0 (Pending, 1);
  p->type = PURPLE_REQUEST_FIELDS;
  p->fields = fields;
  p->ok_cb = ok_cb;
  p->cancel_cb = cancel_cb;
  p->user_data = user_data;
  p->answer = take_answer (PURPLE_REQUEST_FIELDS);
  p->idle = g_idle_add (answer_now, p);
  return p;
}

static void *
request_action (const char *title, const char *primary, const char *secondary, int default_action,
                PurpleAccount *account, const char *who, PurpleConversation *conv,
                void *user_data, size_t action_count, va_list actions)
{
  record (PURPLE_REQUEST_ACTION, title, primary, secondary);
  Pending *p = g_new0 (Pending, 1);
  p->type = PURPLE_REQUEST_ACTION;
  p->user_data = user_data;
  for (size_t i = 0; i < action_count && i < G_N_ELEMENTS (p->actions); i++)
    {
      va_arg (actions, const char *);
      p->actions[i] = va_arg (actions, GCallback);
      p->n_actions++;
    }
  p->answer = take_answer (PURPLE_REQUEST_ACTION);
  p->idle = g_idle_add (answer_now, p);
  return p;
}

/* Also called by purple_request_close_with_handle() when the connection goes. */
static void
close_request (PurpleRequestType type, void *ui_handle)
{
  Pending *p = ui_handle;
  if (p->idle != 0)
    g_source_remove (p->idle);
  if (p->fields != NULL)
    purple_request_fields_destroy (p->fields);
  g_free (p->answer);
  g_free (p);
}

static void *
notify_message (PurpleNotifyMsgType type, const char *title, const char *primary,
                const char *secondary)
{
  SeenNotice *n = g_new0 (SeenNotice, 1);
  n->type = type;
  n->primary = g_strdup (primary);
  n->secondary = g_strdup (secondary);
  g_ptr_array_add (notices, n);
  return NULL;
}

static PurpleRequestUiOps request_ops = {
  .request_fields = request_fields,
  .request_action = request_action,
  .close_request = close_request,
};

static PurpleNotifyUiOps notify_ops = {
  .notify_message = notify_message,
};

void
delete_ops_install (void)
{
  if (dialogs == NULL)
    {
      dialogs = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_dialog_free);
      notices = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_notice_free);
    }
  purple_request_set_ui_ops (&request_ops);
  purple_notify_set_ui_ops (&notify_ops);
}

void
delete_ops_answer_fields (DeleteFieldsAnswer answer, gpointer data)
{
  Answer *a = g_new0 (Answer, 1);
  a->type = PURPLE_REQUEST_FIELDS;
  a->fields_answer = answer;
  a->data = data;
  g_queue_push_tail (&answers, a);
}

void
delete_ops_answer_action (int index)
{
  Answer *a = g_new0 (Answer, 1);
  a->type = PURPLE_REQUEST_ACTION;
  a->action_index = index;
  g_queue_push_tail (&answers, a);
}

GPtrArray *
delete_ops_dialogs (void)
{
  return dialogs;
}

GPtrArray *
delete_ops_notices (void)
{
  return notices;
}

void
delete_ops_reset (void)
{
  g_queue_clear_full (&answers, g_free);
  g_ptr_array_set_size (dialogs, 0);
  g_ptr_array_set_size (notices, 0);
}
