/* Remote deletion (spec R5, R6) from Pidgin and Finch: three actions on a
 * buddy or chat, each a purple_request dialog, then a confirmation, then the
 * server call.  Only what the server confirmed leaves the local store, and
 * the user is told exactly what was and was not deleted.
 *
 * Decisions: times typed to the second cover that whole second (delTime =
 * s * 1000 + 999); a date without a time means its 00:00:00 local time; the
 * count in the "deleted" line is what left the local store (the server does
 * not say how many it hid). */
#include "ac-purple-delete.h"
#include "ac-api-delete.h"
#include "ac-client-error.h"

#define PICK_LIMIT 500   /* messages offered in the multi-select list */
#define PICK_TEXT_CHARS 40

/* What a dialog remembers: the account by its purple object (the connection
 * may be gone when the user answers), the conversation, the choice. */
typedef struct {
  PurpleAccount *account;
  char          *conv_id;
  gboolean       is_group;
  gint64         time_s;
  GArray        *ids;      /* guint64: offered (pick) or chosen (confirm) */
  guint          removed;  /* stored messages removed so far */
} Op;

static void op_free (Op *op);

static void
action_cancel (Op *op, int action)
{
  op_free (op);
}

static Op *
op_new (AcAccount *acc, const char *conv_id, gboolean is_group)
{
  Op *op = g_new0 (Op, 1);
  op->account = acc->account;
  op->conv_id = g_strdup (conv_id);
  op->is_group = is_group;
  op->ids = g_array_new (FALSE, FALSE, sizeof (guint64));
  return op;
}

static void
op_free (Op *op)
{
  g_free (op->conv_id);
  g_array_unref (op->ids);
  g_free (op);
}

/* NULL when the account is no longer connected. */
static AcAccount *
op_acc (Op *op)
{
  return ac_purple_account_state (op->account);
}

/* A confirmed dialog's account; NULL (and op freed) when it went offline
 * while the dialog was open. */
static AcAccount *
op_acc_or_drop (Op *op)
{
  AcAccount *acc = op_acc (op);
  if (acc == NULL)
    op_free (op);
  return acc;
}

/* Times typed to the second cover that whole second (the file's first comment). */
static guint64
covered_until_ms (gint64 time_s)
{
  return (guint64) time_s * 1000 + 999;
}

/* A request form with one group to fill; the caller adds the fields. */
static PurpleRequestFields *
fields_with_group (PurpleRequestFieldGroup **group)
{
  PurpleRequestFields *fields = purple_request_fields_new ();
  *group = purple_request_field_group_new (NULL);
  purple_request_fields_add_group (fields, *group);
  return fields;
}

/* The last question before a deletion: Delete or Cancel; takes op. */
static void
ask_delete (AcAccount *acc, Op *op, const char *title, const char *primary, const char *secondary,
            GCallback confirmed)
{
  purple_request_action (acc->gc, title, primary, secondary, 1,
                         acc->account, op->is_group ? NULL : op->conv_id, NULL, op, 2,
                         _("Delete"), confirmed, _("Cancel"), G_CALLBACK (action_cancel));
}

/* "Bobby (bob)", or the chat's name. */
static char *
display_name (AcAccount *acc, const char *conv_id, gboolean is_group)
{
  if (is_group)
    {
      PurpleChat *chat = purple_blist_find_chat (acc->account, conv_id);
      const char *name = chat != NULL ? purple_chat_get_name (chat) : NULL;
      return g_strdup (name != NULL && g_strcmp0 (name, conv_id) != 0 ? name : conv_id);
    }
  PurpleBuddy *buddy = purple_find_buddy (acc->account, conv_id);
  const char *alias = buddy != NULL ? purple_buddy_get_alias (buddy) : NULL;
  if (alias != NULL && g_strcmp0 (alias, conv_id) != 0)
    return g_strdup_printf ("%s (%s)", alias, conv_id);
  return g_strdup (conv_id);
}

static const char *
one_way_note (void)
{
  return _("This deletion is one-way: it changes only what you can fetch from the server. "
           "The other party still has these messages.");
}

static char *
format_time (gint64 time_s)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (time_s);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

gboolean
ac_purple_delete_parse_time (const char *text, gint64 *out_s)
{
  if (text == NULL)
    return FALSE;
  g_autofree char *s = g_strstrip (g_strdup (text));
  g_auto (GStrv) parts = g_strsplit_set (s, " T", 2);
  if (parts[0] == NULL || strlen (parts[0]) != 10)
    return FALSE;
  const char *time_part = parts[1] != NULL ? g_strstrip (parts[1]) : "";
  g_autofree char *iso = NULL;
  /* GLib's ISO 8601 reader wants seconds; the dialog and /delete-before
   * take them optional. */
  if (*time_part == '\0')
    iso = g_strconcat (parts[0], "T00:00:00", NULL);
  else if (strlen (time_part) == 5)
    iso = g_strconcat (parts[0], "T", time_part, ":00", NULL);
  else if (strlen (time_part) == 8)
    iso = g_strconcat (parts[0], "T", time_part, NULL);
  else
    return FALSE;
  g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (iso, tz);
  if (dt == NULL)
    return FALSE;
  *out_s = g_date_time_to_unix (dt);
  return *out_s >= 0;
}

gboolean
ac_purple_delete_conversation_target (PurpleConversation *conv, AcAccount **acc,
                                      const char **conv_id, gboolean *is_group)
{
  *acc = ac_purple_account_state (purple_conversation_get_account (conv));
  if (*acc == NULL)
    return FALSE;
  if (purple_conversation_get_type (conv) == PURPLE_CONV_TYPE_IM)
    {
      *conv_id = purple_conversation_get_name (conv);
      *is_group = FALSE;
      return TRUE;
    }
  if (purple_conversation_get_type (conv) == PURPLE_CONV_TYPE_CHAT)
    {
      *conv_id = ac_purple_chat_group_id (*acc, purple_conv_chat_get_id (PURPLE_CONV_CHAT (conv)));
      *is_group = TRUE;
      return *conv_id != NULL;
    }
  return FALSE;
}

/* ---- outcome ---- */

static void
emit_done (AcAccount *acc, const char *conv_id)
{
  purple_signal_emit (ac_purple_plugin (), "agorachat-delete-done", acc->gc, conv_id);
}

/* Why, in the user's words, then the server's. */
static char *
reason_text (const GError *error)
{
  const char *why = _("the server refused it");
  if (error->domain == AC_CLIENT_ERROR)
    switch ((AcClientError) error->code)
      {
      case AC_CLIENT_ERROR_NETWORK: why = _("the server could not be reached"); break;
      case AC_CLIENT_ERROR_TLS: why = _("the secure connection failed"); break;
      case AC_CLIENT_ERROR_AUTH_FAILED:
      case AC_CLIENT_ERROR_UNAUTHORIZED: why = _("signing in again failed"); break;
      case AC_CLIENT_ERROR_FORBIDDEN: why = _("the server does not allow it"); break;
      case AC_CLIENT_ERROR_NOT_FOUND: why = _("the conversation was not found on the server"); break;
      case AC_CLIENT_ERROR_SERVER: why = _("the server is busy or a limit was reached"); break;
      case AC_CLIENT_ERROR_NOT_SUPPORTED: why = _("the server does not support it"); break;
      case AC_CLIENT_ERROR_BAD_REPLY: why = _("the server's reply could not be understood"); break;
      case AC_CLIENT_ERROR_INVALID_ARGUMENT: why = _("the server refused the request"); break;
      }
  else if (error->domain == AC_LOCAL_STORE_ERROR)
    why = _("the local message store failed");
  return g_strdup_printf ("%s (%s)", why, error->message);
}

static void
tell_error (AcAccount *acc, const char *conv_id, gboolean is_group, const char *primary,
            const char *secondary)
{
  PurpleConversation *conv = is_group
    ? NULL : purple_find_conversation_with_account (PURPLE_CONV_TYPE_IM, conv_id, acc->account);
  if (conv != NULL)
    {
      g_autofree char *line = g_strdup_printf ("%s %s", primary, secondary);
      purple_conversation_write (conv, NULL, line, PURPLE_MESSAGE_ERROR | PURPLE_MESSAGE_NO_LOG,
                                 time (NULL));
    }
  purple_notify_error (acc->gc, _("Delete from server"), primary, secondary);
}

/* ---- delete before a time ---- */

static void
before_outcome (AcAccount *acc, Op *op, gboolean ok, const GError *error)
{
  g_autofree char *when = format_time (op->time_s);
  if (!ok)
    {
      g_autofree char *why = reason_text (error);
      g_autofree char *primary = g_strdup_printf (_("Nothing was deleted before %s."), when);
      tell_error (acc, op->conv_id, op->is_group, primary, why);
      return;
    }
  guint removed = 0;
  g_autoptr (GError) serr = NULL;
  if (!ac_local_store_delete_before (acc->store, op->conv_id, op->is_group,
                                     covered_until_ms (op->time_s), &removed, &serr))
    {
      g_autofree char *why = reason_text (serr);
      tell_error (acc, op->conv_id, op->is_group,
                  _("The server deleted the history, but this computer still has a copy."), why);
    }
  ac_purple_history_after_delete (acc, op->conv_id, op->is_group, removed);
}

static void
on_deleted_before (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = ac_api_delete_before_finish (AC_API (source), result, &error);
  AcAccount *acc = op_acc (op);
  if (acc != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      before_outcome (acc, op, ok, error);
      emit_done (acc, op->conv_id);
    }
  op_free (op);
}

static void
before_confirmed (Op *op, int action)
{
  AcAccount *acc = op_acc_or_drop (op);
  if (acc == NULL)
    return;
  ac_api_delete_before_async (acc->api, op->conv_id, op->is_group,
                              covered_until_ms (op->time_s), acc->cancellable,
                              on_deleted_before, op);
}

void
ac_purple_delete_before_confirm (AcAccount *acc, const char *conv_id, gboolean is_group,
                                 gint64 time_s)
{
  Op *op = op_new (acc, conv_id, is_group);
  op->time_s = time_s;
  g_autofree char *who = display_name (acc, conv_id, is_group);
  g_autofree char *when = format_time (time_s);
  guint covered = ac_local_store_count_before (acc->store, conv_id, is_group,
                                               covered_until_ms (time_s));
  g_autofree char *primary = g_strdup_printf (_("Delete the server history of %s at or before %s?"),
                                              who, when);
  g_autofree char *count = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "%u message stored on this computer is covered.",
                 "%u messages stored on this computer are covered.", covered), covered);
  g_autofree char *secondary = g_strdup_printf ("%s\n%s", count, one_way_note ());
  ask_delete (acc, op, _("Delete server history"), primary, secondary,
              G_CALLBACK (before_confirmed));
}

static void
before_form_ok (Op *op, PurpleRequestFields *fields)
{
  AcAccount *acc = op_acc (op);
  const char *text = purple_request_fields_get_string (fields, "when");
  gint64 time_s = 0;
  if (acc != NULL && !ac_purple_delete_parse_time (text, &time_s))
    {
      g_autofree char *secondary = g_strdup_printf (
        _("\"%s\" is not a date and time of the form YYYY-MM-DD HH:MM:SS."), text ? text : "");
      purple_notify_error (acc->gc, _("Delete from server"), _("Nothing was deleted."), secondary);
    }
  else if (acc != NULL)
    ac_purple_delete_before_confirm (acc, op->conv_id, op->is_group, time_s);
  op_free (op);
}

static void
form_cancel (Op *op, PurpleRequestFields *fields)
{
  op_free (op);
}

void
ac_purple_delete_before_dialog (AcAccount *acc, const char *conv_id, gboolean is_group,
                                gint64 default_time_s)
{
  g_autofree char *now = format_time (default_time_s);
  guint covered = ac_local_store_count_before (acc->store, conv_id, is_group,
                                               covered_until_ms (default_time_s));
  PurpleRequestFieldGroup *group;
  PurpleRequestFields *fields = fields_with_group (&group);
  PurpleRequestField *f = purple_request_field_string_new (
    "when", _("Date and time (YYYY-MM-DD HH:MM:SS, local time)"), now, FALSE);
  purple_request_field_set_required (f, TRUE);
  purple_request_field_group_add_field (group, f);
  g_autofree char *count = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "At %s, %u stored message is covered; the exact count is "
                 "shown before anything is deleted.",
                 "At %s, %u stored messages are covered; the exact count is shown before "
                 "anything is deleted.", covered), now, covered);
  /* Explanations go in the secondary text, not in label fields: Finch does
   * not draw label fields. */
  g_autofree char *secondary = g_strdup_printf (
    "%s\n%s\n%s", _("Messages at or before this time will no longer be fetched by you."), count,
    one_way_note ());
  g_autofree char *who = display_name (acc, conv_id, is_group);
  g_autofree char *primary = g_strdup_printf (_("Delete the server history of %s before a time"), who);
  purple_request_fields (acc->gc, _("Delete server history before"), primary, secondary,
                         fields, _("Next"), G_CALLBACK (before_form_ok),
                         _("Cancel"), G_CALLBACK (form_cancel),
                         acc->account, is_group ? NULL : conv_id, NULL,
                         op_new (acc, conv_id, is_group));
}

/* ---- delete chosen messages, in batches ---- */

static void
on_batch_done (const guint64 *ids, guint n, guint batch, guint n_batches, gpointer user_data)
{
  Op *op = user_data;
  AcAccount *acc = op_acc (op);
  if (acc == NULL)
    return;
  guint removed = 0;
  g_autoptr (GError) error = NULL;
  /* At once, per batch: a later failure must not keep what the server hid. */
  if (ac_local_store_delete_ids (acc->store, op->conv_id, op->is_group, ids, n, &removed, &error))
    op->removed += removed;
  else
    purple_debug_warning ("agorachat", "local copy of deleted messages kept: %s\n", error->message);
  purple_signal_emit (ac_purple_plugin (), "agorachat-delete-batch", acc->gc, op->conv_id, batch,
                      n_batches);
}

static void
on_deleted_ids (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AcDeleteReport) report = ac_api_delete_ids_batched_finish (AC_API (source), result,
                                                                        &error);
  AcAccount *acc = op_acc (op);
  if (acc == NULL || report == NULL)
    goto out;
  if (report->error != NULL)
    {
      g_autofree char *why = reason_text (report->error);
      guint done = report->deleted->len, left = report->not_deleted->len;
      g_autofree char *primary = done == 0
        ? g_strdup_printf (_("Nothing was deleted: all %u messages are still on the server."), left)
        : g_strdup_printf (_("Only %u of %u messages were deleted from the server."), done,
                           done + left);
      g_autofree char *secondary = done == 0
        ? g_strdup_printf (_("Batch %u of %u failed: %s."), report->failed_batch,
                           report->n_batches, why)
        : g_strdup_printf (_("Batches 1 to %u of %u were deleted (%u messages). Batch %u failed: "
                             "%s. Its messages and the ones after it (%u) were not deleted."),
                           report->failed_batch - 1, report->n_batches, done,
                           report->failed_batch, why, left);
      tell_error (acc, op->conv_id, op->is_group, primary, secondary);
    }
  if (report->deleted->len > 0)
    ac_purple_history_after_delete (acc, op->conv_id, op->is_group, op->removed);
  emit_done (acc, op->conv_id);
out:
  op_free (op);
}

static void
ids_confirmed (Op *op, int action)
{
  AcAccount *acc = op_acc_or_drop (op);
  if (acc == NULL)
    return;
  ac_api_delete_ids_batched_async (acc->api, op->conv_id, op->is_group,
                                   (const guint64 *) op->ids->data, op->ids->len, on_batch_done, op,
                                   acc->cancellable, on_deleted_ids, op);
}

/* Takes op (its ids are the chosen ones). */
static void
confirm_ids (AcAccount *acc, Op *op)
{
  g_autofree char *who = display_name (acc, op->conv_id, op->is_group);
  guint n = op->ids->len;
  g_autofree char *primary = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "Delete %u message of %s from the server?",
                 "Delete %u messages of %s from the server?", n), n, who);
  guint batches = (n + AC_DELETE_BATCH - 1) / AC_DELETE_BATCH;
  g_autofree char *calls = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "This takes %u request to the server (at most %u messages each).",
                 "This takes %u requests to the server (at most %u messages each).", batches),
    batches, AC_DELETE_BATCH);
  g_autofree char *secondary = g_strdup_printf ("%s\n%s", calls, one_way_note ());
  ask_delete (acc, op, _("Delete messages from server"), primary, secondary,
              G_CALLBACK (ids_confirmed));
}

void
ac_purple_delete_last_confirm (AcAccount *acc, const char *conv_id, gboolean is_group, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) stored = ac_local_store_messages (acc->store, conv_id, is_group, 0, n,
                                                          &error);
  if (stored == NULL || stored->len == 0)
    {
      purple_notify_error (acc->gc, _("Delete from server"), _("Nothing was deleted."),
                           stored == NULL ? error->message
                                          : _("No messages of this conversation are stored here."));
      return;
    }
  Op *op = op_new (acc, conv_id, is_group);
  for (guint i = 0; i < stored->len; i++)
    g_array_append_val (op->ids, ((AcMessage *) stored->pdata[i])->id);
  confirm_ids (acc, op);
}

static void
pick_ok (Op *op, PurpleRequestFields *fields)
{
  AcAccount *acc = op_acc (op);
  PurpleRequestField *list = purple_request_fields_get_field (fields, "messages");
  Op *chosen = acc != NULL ? op_new (acc, op->conv_id, op->is_group) : NULL;
  for (GList *l = chosen != NULL ? purple_request_field_list_get_selected (list) : NULL;
       l != NULL; l = l->next)
    {
      guint index = GPOINTER_TO_UINT (purple_request_field_list_get_data (list, l->data));
      if (index >= 1 && index <= op->ids->len)
        g_array_append_val (chosen->ids, g_array_index (op->ids, guint64, index - 1));
    }
  op_free (op);
  if (chosen == NULL)
    return;
  if (chosen->ids->len == 0)
    {
      purple_notify_info (acc->gc, _("Delete from server"), _("Nothing was deleted."),
                          _("No message was selected."));
      op_free (chosen);
      return;
    }
  confirm_ids (acc, chosen);
}

/* "2024-01-05 10:00:00 — bob — start of the text…" (unique: the list keys
 * items by their text). */
static char *
pick_label (const AcMessage *msg, GHashTable *seen)
{
  g_autofree char *when = format_time ((gint64) (msg->timestamp / 1000));
  g_autofree char *text = ac_message_label (msg);
  g_strdelimit (text, "\r\n\t", ' ');
  if (g_utf8_strlen (text, -1) > PICK_TEXT_CHARS)
    {
      char *cut = g_utf8_offset_to_pointer (text, PICK_TEXT_CHARS);
      *cut = '\0';
      char *longer = g_strconcat (text, "…", NULL);
      g_free (text);
      text = longer;
    }
  char *label = g_strdup_printf ("%s — %s — %s", when, msg->from != NULL ? msg->from : "?", text);
  for (guint n = 2; g_hash_table_contains (seen, label); n++)
    {
      g_free (label);
      label = g_strdup_printf ("%s — %s — %s (%u)", when, msg->from != NULL ? msg->from : "?",
                               text, n);
    }
  g_hash_table_add (seen, label);
  return g_strdup (label);
}

void
ac_purple_delete_pick_dialog (AcAccount *acc, const char *conv_id, gboolean is_group)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) stored = ac_local_store_messages (acc->store, conv_id, is_group, 0,
                                                          PICK_LIMIT, &error);
  if (stored == NULL || stored->len == 0)
    {
      purple_notify_info (acc->gc, _("Delete messages from server"), _("Nothing to delete."),
                          stored == NULL ? error->message
                                         : _("No messages of this conversation are stored here."));
      return;
    }
  Op *op = op_new (acc, conv_id, is_group);
  PurpleRequestFieldGroup *group;
  PurpleRequestFields *fields = fields_with_group (&group);
  PurpleRequestField *list = purple_request_field_list_new ("messages", _("Messages (newest first)"));
  purple_request_field_list_set_multi_select (list, TRUE);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = stored->len; i-- > 0;)
    {
      const AcMessage *msg = stored->pdata[i];
      g_array_append_val (op->ids, msg->id);
      g_autofree char *label = pick_label (msg, seen);
      /* Item data: 1-based index into op->ids (an id may not fit a pointer). */
      purple_request_field_list_add_icon (list, label, NULL, GUINT_TO_POINTER (op->ids->len));
    }
  purple_request_field_group_add_field (group, list);
  g_autofree char *who = display_name (acc, conv_id, is_group);
  g_autofree char *primary = g_strdup_printf (_("Choose messages of %s to delete from the server"),
                                              who);
  g_autofree char *listed = g_strdup_printf (
    _("The latest %u messages stored on this computer are listed."), stored->len);
  g_autofree char *secondary = g_strdup_printf ("%s\n%s", listed, one_way_note ());
  purple_request_fields (acc->gc, _("Delete messages from server"), primary, secondary, fields,
                         _("Next"), G_CALLBACK (pick_ok), _("Cancel"), G_CALLBACK (form_cancel),
                         acc->account, is_group ? NULL : conv_id, NULL, op);
}

/* ---- delete the whole conversation ---- */

typedef struct {
  Op      *op;
  gboolean with_messages;
  gboolean remove_node;
} ConvCall;

static void
remove_node (AcAccount *acc, const char *conv_id, gboolean is_group)
{
  if (is_group)
    {
      PurpleChat *chat = purple_blist_find_chat (acc->account, conv_id);
      if (chat != NULL)
        purple_blist_remove_chat (chat);
      return;
    }
  g_hash_table_remove (acc->summaries, conv_id);
  GSList *buddies = purple_find_buddies (acc->account, conv_id);
  for (GSList *l = buddies; l != NULL; l = l->next)
    purple_blist_remove_buddy (l->data);
  g_slist_free (buddies);
}

static void
conversation_outcome (AcAccount *acc, ConvCall *call, gboolean ok, const GError *error)
{
  Op *op = call->op;
  if (!ok)
    {
      g_autofree char *who = display_name (acc, op->conv_id, op->is_group);
      g_autofree char *why = reason_text (error);
      g_autofree char *primary = g_strdup_printf (
        _("The conversation with %s was not deleted, nor any of its messages."), who);
      tell_error (acc, op->conv_id, op->is_group, primary, why);
      return;
    }
  guint removed = 0;
  g_autoptr (GError) serr = NULL;
  if (!ac_local_store_delete_conversation (acc->store, op->conv_id, op->is_group,
                                           call->with_messages, &removed, &serr))
    purple_debug_warning ("agorachat", "local copy of a deleted conversation kept: %s\n",
                          serr->message);
  if (call->remove_node)
    remove_node (acc, op->conv_id, op->is_group);
  else if (call->with_messages)
    ac_purple_history_after_delete (acc, op->conv_id, op->is_group, removed);
}

static void
on_deleted_conversation (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConvCall *call = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = ac_api_delete_conversation_finish (AC_API (source), result, &error);
  AcAccount *acc = op_acc (call->op);
  if (acc != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      conversation_outcome (acc, call, ok, error);
      emit_done (acc, call->op->conv_id);
    }
  op_free (call->op);
  g_free (call);
}

static void
conversation_ok (Op *op, PurpleRequestFields *fields)
{
  AcAccount *acc = op_acc_or_drop (op);
  if (acc == NULL)
    return;
  ConvCall *call = g_new0 (ConvCall, 1);
  call->op = op;
  call->with_messages = purple_request_fields_get_bool (fields, "messages");
  call->remove_node = purple_request_fields_get_bool (fields, "remove");
  ac_api_delete_conversation_async (acc->api, op->conv_id, op->is_group, call->with_messages,
                                    acc->cancellable, on_deleted_conversation, call);
}

void
ac_purple_delete_conversation_dialog (AcAccount *acc, const char *conv_id, gboolean is_group,
                                      gboolean delete_messages)
{
  PurpleRequestFieldGroup *group;
  PurpleRequestFields *fields = fields_with_group (&group);
  purple_request_field_group_add_field (group, purple_request_field_bool_new (
    "messages", _("Also delete its messages on the server (no one will be able to fetch them)"),
    delete_messages));
  purple_request_field_group_add_field (group, purple_request_field_bool_new (
    "remove", _("Remove from buddy list"), FALSE));
  g_autofree char *who = display_name (acc, conv_id, is_group);
  g_autofree char *primary = g_strdup_printf (_("Delete the conversation with %s from the server?"),
                                              who);
  purple_request_fields (acc->gc, _("Delete conversation from server"), primary,
                         _("Neither you nor the other users will get this conversation from the "
                           "server any more. Its messages stay fetchable unless you also delete "
                           "them.\nDeleting only messages (the other two actions) is one-way and "
                           "changes only your view: the other party still has them; deleting the "
                           "conversation is not one-way."),
                         fields, _("Delete"), G_CALLBACK (conversation_ok),
                         _("Cancel"), G_CALLBACK (form_cancel),
                         acc->account, is_group ? NULL : conv_id, NULL,
                         op_new (acc, conv_id, is_group));
}

/* ---- the menu ---- */

static gboolean
node_target (PurpleBlistNode *node, AcAccount **acc, const char **conv_id, gboolean *is_group)
{
  PurpleAccount *account = NULL;
  if (PURPLE_BLIST_NODE_IS_BUDDY (node))
    {
      account = purple_buddy_get_account (PURPLE_BUDDY (node));
      *conv_id = purple_buddy_get_name (PURPLE_BUDDY (node));
      *is_group = FALSE;
    }
  else if (PURPLE_BLIST_NODE_IS_CHAT (node))
    {
      account = purple_chat_get_account (PURPLE_CHAT (node));
      *conv_id = g_hash_table_lookup (purple_chat_get_components (PURPLE_CHAT (node)), "group_id");
      *is_group = TRUE;
    }
  *acc = ac_purple_account_state (account);
  return *acc != NULL && *conv_id != NULL && **conv_id != '\0';
}

/* One callback per action: Finch overwrites a blist menu action's data with
 * the node, so the data cannot say which action it is. */
static void
menu_before (PurpleBlistNode *node, gpointer data)
{
  AcAccount *acc;
  const char *id;
  gboolean is_group;
  if (node_target (node, &acc, &id, &is_group))
    ac_purple_delete_before_dialog (acc, id, is_group, (gint64) time (NULL));
}

static void
menu_pick (PurpleBlistNode *node, gpointer data)
{
  AcAccount *acc;
  const char *id;
  gboolean is_group;
  if (node_target (node, &acc, &id, &is_group))
    ac_purple_delete_pick_dialog (acc, id, is_group);
}

static void
menu_conversation (PurpleBlistNode *node, gpointer data)
{
  AcAccount *acc;
  const char *id;
  gboolean is_group;
  if (node_target (node, &acc, &id, &is_group))
    ac_purple_delete_conversation_dialog (acc, id, is_group, FALSE);
}

GList *
ac_purple_delete_node_menu (PurpleBlistNode *node)
{
  AcAccount *acc;
  const char *id;
  gboolean is_group;
  if (!node_target (node, &acc, &id, &is_group))
    return NULL;
  GList *menu = NULL;
  menu = g_list_append (menu, purple_menu_action_new (_("Delete server history before…"),
                                                      PURPLE_CALLBACK (menu_before), NULL, NULL));
  menu = g_list_append (menu, purple_menu_action_new (_("Delete messages from server…"),
                                                      PURPLE_CALLBACK (menu_pick), NULL, NULL));
  menu = g_list_append (menu, purple_menu_action_new (_("Delete conversation from server…"),
                                                      PURPLE_CALLBACK (menu_conversation), NULL,
                                                      NULL));
  return menu;
}

void
ac_purple_delete_register_signals (PurplePlugin *plugin)
{
  purple_signal_register (plugin, "agorachat-delete-batch",
                          purple_marshal_VOID__POINTER_POINTER_UINT_UINT, NULL, 4,
                          purple_value_new (PURPLE_TYPE_SUBTYPE, PURPLE_SUBTYPE_CONNECTION),
                          purple_value_new (PURPLE_TYPE_STRING),
                          purple_value_new (PURPLE_TYPE_UINT), purple_value_new (PURPLE_TYPE_UINT));
  purple_signal_register (plugin, "agorachat-delete-done", purple_marshal_VOID__POINTER_POINTER,
                          NULL, 2, purple_value_new (PURPLE_TYPE_SUBTYPE, PURPLE_SUBTYPE_CONNECTION),
                          purple_value_new (PURPLE_TYPE_STRING));
}
