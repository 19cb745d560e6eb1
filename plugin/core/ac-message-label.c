/* The reader-facing rendering of message bodies.  It lives here, not in the
 * codec, because it is translated: the codec (shared with the server) stays
 * free of gettext, and this is the one place that knows how a non-text body
 * reads. */
#include "ac-message-label.h"

#include <glib/gi18n-lib.h>
#include <math.h>

static void
append_name (GString *s, const char *name)
{
  if (name != NULL && *name != '\0')
    g_string_append_printf (s, " %s", name);
}

static void
append_seconds (GString *s, gint seconds)
{
  if (seconds >= 0)
    {
      g_string_append_c (s, ' ');
      /* TRANSLATORS: the length of a voice or video message in seconds. */
      g_string_append_printf (s, C_("duration", "%d s"), seconds);
    }
}

/* The bracketed kind of a body; translators keep the brackets (or their
 * language's own) so the label reads as a placeholder, not as message text. */
static const char *
kind_label (const AcMessage *msg)
{
  switch (msg->type)
    {
    case AC_BODY_IMAGE:
      return msg->gif ? _("[GIF]") : _("[Image]");
    case AC_BODY_VIDEO:
      return _("[Video]");
    case AC_BODY_AUDIO:
      return _("[Voice]");
    case AC_BODY_FILE:
      return _("[File]");
    case AC_BODY_LOCATION:
      return _("[Location]");
    case AC_BODY_CMD:
      return _("[Command]");
    case AC_BODY_CUSTOM:
      return _("[Custom]");
    case AC_BODY_COMBINE:
      return _("[Chat history]");
    case AC_BODY_TEXT:
    default:
      return _("[Message]");
    }
}

char *
ac_message_label (const AcMessage *msg)
{
  g_return_val_if_fail (msg != NULL, g_strdup (""));
  if (msg->type == AC_BODY_TEXT)
    return g_strdup (msg->text != NULL ? msg->text : "");

  GString *s = g_string_new (kind_label (msg));
  switch (msg->type)
    {
    case AC_BODY_IMAGE:
      append_name (s, msg->filename);
      if (msg->width > 0 && msg->height > 0)
        g_string_append_printf (s, " %.0f×%.0f", msg->width, msg->height);
      break;
    case AC_BODY_VIDEO:
      append_name (s, msg->filename);
      append_seconds (s, msg->duration);
      break;
    case AC_BODY_AUDIO:
      append_seconds (s, msg->duration);
      break;
    case AC_BODY_FILE:
      append_name (s, msg->filename);
      if (msg->file_length >= 0)
        {
          g_autofree char *size = g_format_size ((guint64) msg->file_length);
          g_string_append_printf (s, " (%s)", size);
        }
      break;
    case AC_BODY_LOCATION:
      append_name (s, msg->building_name);
      append_name (s, msg->address);
      if (isfinite (msg->lat) && isfinite (msg->lng))
        {
          /* Locale-independent: a decimal comma would read as a separator. */
          char lat[G_ASCII_DTOSTR_BUF_SIZE], lng[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_printf (s, " (%s, %s)", g_ascii_formatd (lat, sizeof lat, "%.6f", msg->lat),
                                  g_ascii_formatd (lng, sizeof lng, "%.6f", msg->lng));
        }
      break;
    case AC_BODY_CMD:
      append_name (s, msg->action);
      break;
    case AC_BODY_CUSTOM:
      append_name (s, msg->custom_event);
      break;
    case AC_BODY_COMBINE:
      append_name (s, msg->title);
      if (msg->summary != NULL && *msg->summary != '\0')
        g_string_append_printf (s, ": %s", msg->summary);
      break;
    default:
      break;
    }
  return g_string_free (s, FALSE);
}

char *
ac_message_unread_summary (guint unread, const AcMessage *latest)
{
  g_autofree char *last = latest != NULL ? ac_message_label (latest) : NULL;
  if (unread > 0 && last != NULL)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unread: %s", "%u unread: %s", unread),
                            unread, last);
  if (unread > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unread", "%u unread", unread), unread);
  return g_steal_pointer (&last);
}
