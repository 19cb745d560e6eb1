#include "codec-test-util.h"

#include <string.h>
#include <json-glib/json-glib.h>

GBytes *
ct_bytes_from_annotated (const char *s)
{
  GByteArray *out = g_byte_array_new ();

  while (*s)
    {
      if (g_ascii_isspace (*s))
        s++;
      else if (*s == '"')
        {
          for (s++; *s && *s != '"'; s++)
            {
              if (*s == '\\' && s[1])
                s++;
              g_byte_array_append (out, (const guint8 *) s, 1);
            }
          g_assert_true (*s == '"');
          s++;
        }
      else
        {
          guint8 b;
          g_assert_true (g_ascii_isxdigit (s[0]) && g_ascii_isxdigit (s[1]));
          b = (guint8) (g_ascii_xdigit_value (s[0]) << 4 | g_ascii_xdigit_value (s[1]));
          g_byte_array_append (out, &b, 1);
          s += 2;
        }
    }
  return g_byte_array_free_to_bytes (out);
}

static char *
hex_dump (const guint8 *p, gsize n)
{
  GString *s = g_string_new (NULL);
  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%02x%s", p[i], i + 1 < n ? " " : "");
  return g_string_free (s, FALSE);
}

void
ct_assert_mem_equal (const guint8 *got, gsize got_len, const guint8 *want, gsize want_len)
{
  if (got_len != want_len || memcmp (got, want, got_len) != 0)
    {
      g_autofree char *g = hex_dump (got, got_len);
      g_autofree char *w = hex_dump (want, want_len);
      g_test_message ("got  (%" G_GSIZE_FORMAT "): %s", got_len, g);
      g_test_message ("want (%" G_GSIZE_FORMAT "): %s", want_len, w);
      g_test_fail_printf ("bytes differ (got %" G_GSIZE_FORMAT " B, want %" G_GSIZE_FORMAT " B)", got_len,
                          want_len);
    }
}

void
ct_assert_bytes_equal (GBytes *got, GBytes *want)
{
  gsize gl, wl;
  const guint8 *g = g_bytes_get_data (got, &gl);
  const guint8 *w = g_bytes_get_data (want, &wl);
  ct_assert_mem_equal (g, gl, w, wl);
}

static void
assert_json_object_equal (JsonObject *got, JsonObject *want, const char *what)
{
  g_autoptr (JsonNode) g = NULL, w = NULL;

  if (got == NULL || want == NULL)
    {
      if (got != want)
        g_test_fail_printf ("%s: one side is NULL", what);
      return;
    }
  g = json_node_init_object (json_node_alloc (), got);
  w = json_node_init_object (json_node_alloc (), want);
  if (!json_node_equal (g, w))
    {
      g_autofree char *gs = json_to_string (g, FALSE);
      g_autofree char *ws = json_to_string (w, FALSE);
      g_test_fail_printf ("%s differ: got %s want %s", what, gs, ws);
    }
}

void
ct_assert_message_equal (const AcMessage *got, const AcMessage *want)
{
  g_assert_nonnull (got);
  g_assert_cmpuint (got->id, ==, want->id);
  g_assert_cmpuint (got->timestamp, ==, want->timestamp);
  g_assert_cmpint (got->chat_type, ==, want->chat_type);
  g_assert_cmpstr (got->from, ==, want->from);
  g_assert_cmpstr (got->to, ==, want->to);
  g_assert_cmpstr (got->from_resource, ==, want->from_resource);
  g_assert_cmpstr (got->to_resource, ==, want->to_resource);
  g_assert_cmpint (got->type, ==, want->type);
  g_assert_cmpstr (got->text, ==, want->text);
  g_assert_cmpstr (got->url, ==, want->url);
  g_assert_cmpstr (got->secret, ==, want->secret);
  g_assert_cmpstr (got->filename, ==, want->filename);
  g_assert_cmpint (got->file_length, ==, want->file_length);
  g_assert_cmpfloat (got->width, ==, want->width);
  g_assert_cmpfloat (got->height, ==, want->height);
  g_assert_cmpint (got->duration, ==, want->duration);
  g_assert_cmpfloat (got->lat, ==, want->lat);
  g_assert_cmpfloat (got->lng, ==, want->lng);
  g_assert_cmpstr (got->address, ==, want->address);
  g_assert_cmpstr (got->building_name, ==, want->building_name);
  g_assert_cmpstr (got->action, ==, want->action);
  g_assert_cmpstr (got->custom_event, ==, want->custom_event);
  assert_json_object_equal (got->custom_exts, want->custom_exts, "custom_exts");
  g_assert_cmpstr (got->thumb, ==, want->thumb);
  g_assert_cmpstr (got->thumb_secret, ==, want->thumb_secret);
  g_assert_cmpstr (got->title, ==, want->title);
  g_assert_cmpstr (got->summary, ==, want->summary);
  g_assert_cmpint (got->combine_level, ==, want->combine_level);
  g_assert_cmpint (got->gif, ==, want->gif);
  assert_json_object_equal (got->ext, want->ext, "ext");
}

AcMessage *
ct_sample_message (AcBodyType type)
{
  AcMessage *m = ac_message_new ();

  m->id = G_GUINT64_CONSTANT (1200000000000000101);
  m->timestamp = G_GUINT64_CONSTANT (1700000000000);
  m->from = g_strdup ("bob");
  m->to = g_strdup ("alice");
  m->type = type;
  switch (type)
    {
    case AC_BODY_TEXT:
      m->text = g_strdup ("hello \"alice\" ✓");
      break;
    case AC_BODY_IMAGE:
      m->url = g_strdup ("https://a1.example/org/app/chatfiles/abc");
      m->secret = g_strdup ("s3cr3t");
      m->filename = g_strdup ("cat.gif");
      m->file_length = 123456;
      m->width = 640;
      m->height = 480.5;
      m->gif = TRUE;
      break;
    case AC_BODY_VIDEO:
      m->url = g_strdup ("https://a1.example/v");
      m->secret = g_strdup ("vs");
      m->filename = g_strdup ("clip.mp4");
      m->file_length = 9999999;
      m->duration = 42;
      m->thumb = g_strdup ("https://a1.example/v?vframe=true");
      m->thumb_secret = g_strdup ("ts");
      break;
    case AC_BODY_AUDIO:
      m->url = g_strdup ("https://a1.example/a");
      m->secret = g_strdup ("as");
      m->filename = g_strdup ("voice.amr");
      m->file_length = 2048;
      m->duration = 3;
      break;
    case AC_BODY_FILE:
      m->url = g_strdup ("https://a1.example/f");
      m->secret = g_strdup ("fs");
      m->filename = g_strdup ("report.pdf");
      m->file_length = 12000;
      break;
    case AC_BODY_LOCATION:
      m->address = g_strdup ("1 Main St");
      m->building_name = g_strdup ("Tower");
      m->lat = 39.9042;
      m->lng = -116.4074;
      break;
    case AC_BODY_CMD:
      m->action = g_strdup ("typing");
      break;
    case AC_BODY_CUSTOM:
      m->custom_event = g_strdup ("gift");
      m->custom_exts = json_object_new ();
      json_object_set_string_member (m->custom_exts, "name", "rose");
      json_object_set_string_member (m->custom_exts, "count", "3");
      break;
    case AC_BODY_COMBINE:
      m->text = g_strdup ("[Chat history]");
      m->url = g_strdup ("https://a1.example/c");
      m->secret = g_strdup ("cs");
      m->filename = g_strdup ("combine.json");
      m->file_length = 777;
      m->title = g_strdup ("Chat of bob and alice");
      m->summary = g_strdup ("bob: hi\nalice: hello");
      m->combine_level = 1;
      break;
    default:
      g_assert_not_reached ();
    }
  return m;
}

void
ct_assert_golden_message (const AcMessage *m)
{
  g_assert_nonnull (m);
  g_assert_cmpuint (m->id, ==, G_GUINT64_CONSTANT (1200000000000000101));
  g_assert_cmpuint (m->timestamp, ==, G_GUINT64_CONSTANT (1700000000000));
  g_assert_cmpint (m->chat_type, ==, AC_CHAT_SINGLE);
  g_assert_cmpint (m->type, ==, AC_BODY_TEXT);
  g_assert_cmpstr (m->text, ==, "hello alice");
  g_assert_cmpstr (m->from, ==, "bob");
  g_assert_cmpstr (m->to, ==, "alice");
  g_assert_cmpstr (m->from_resource, ==, "webim_web_1");
  g_assert_null (m->to_resource);
  g_assert_null (m->ext);
}
