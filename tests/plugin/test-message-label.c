/* How a message reads in one line (plugin/core/ac-message-label.c), in the
 * untranslated language; tests/dist/test-l10n checks the Chinese labels
 * end to end. */
#include "ac-message-label.h"

static void
check_label (AcMessage *m, const char *want)
{
  g_autofree char *label = ac_message_label (m);
  g_assert_cmpstr (label, ==, want);
}

static void
test_labels (void)
{
  g_autoptr (AcMessage) m = ac_message_new ();

  check_label (m, ""); /* text without text: never NULL */
  m->text = g_strdup ("hello");
  check_label (m, "hello");

  m->type = AC_BODY_FILE;
  m->filename = g_strdup ("report.pdf");
  m->file_length = 12000;
  check_label (m, "[File] report.pdf (12.0\xc2\xa0kB)" /* g_format_size uses a no-break space */);
  m->file_length = -1;
  check_label (m, "[File] report.pdf");

  m->type = AC_BODY_IMAGE;
  m->width = 640;
  m->height = 480;
  check_label (m, "[Image] report.pdf 640×480");
  m->gif = TRUE;
  m->width = 0;
  check_label (m, "[GIF] report.pdf");

  m->type = AC_BODY_AUDIO;
  m->duration = 7;
  check_label (m, "[Voice] 7 s");
  m->type = AC_BODY_VIDEO;
  check_label (m, "[Video] report.pdf 7 s");

  m->type = AC_BODY_LOCATION;
  m->address = g_strdup ("Main St 1");
  m->lat = 39.9;
  m->lng = -116.25;
  check_label (m, "[Location] Main St 1 (39.900000, -116.250000)");

  m->type = AC_BODY_CMD;
  m->action = g_strdup ("typing");
  check_label (m, "[Command] typing");
  m->type = AC_BODY_CUSTOM;
  m->custom_event = g_strdup ("gift");
  check_label (m, "[Custom] gift");
  m->type = AC_BODY_COMBINE;
  m->title = g_strdup ("Chat of bob");
  m->summary = g_strdup ("a: hi");
  check_label (m, "[Chat history] Chat of bob: a: hi");
}

static void
check_summary (guint unread, const AcMessage *latest, const char *want)
{
  g_autofree char *summary = ac_message_unread_summary (unread, latest);
  g_assert_cmpstr (summary, ==, want);
}

static void
test_unread_summary (void)
{
  g_autoptr (AcMessage) m = ac_message_new ();
  m->type = AC_BODY_IMAGE;
  m->filename = g_strdup ("cat.png");

  check_summary (0, NULL, NULL);
  check_summary (0, m, "[Image] cat.png");
  check_summary (1, NULL, "1 unread");
  check_summary (3, NULL, "3 unread");
  check_summary (1, m, "1 unread: [Image] cat.png");
  check_summary (2, m, "2 unread: [Image] cat.png");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/message-label/labels", test_labels);
  g_test_add_func ("/message-label/unread-summary", test_unread_summary);
  return g_test_run ();
}
