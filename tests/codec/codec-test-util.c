#include "codec-test-util.h"

#include <string.h>

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
