/* Message ids (decimal uint64 strings) and JIDs in their string forms. */
#include "ac-error.h"
#include "ac-id.h"
#include "ac-jid.h"

#include <string.h>

static void
test_id_parse_valid (void)
{
  guint64 v = 1;

  g_assert_true (ac_id_parse ("0", &v));
  g_assert_cmpuint (v, ==, 0);
  g_assert_true (ac_id_parse ("1200000000000000101", &v));
  g_assert_cmpuint (v, ==, G_GUINT64_CONSTANT (1200000000000000101));
  g_assert_true (ac_id_parse ("18446744073709551615", &v));
  g_assert_cmpuint (v, ==, G_MAXUINT64);
  /* Values above 2^53 must survive exactly (they would not as JSON doubles). */
  g_assert_true (ac_id_parse ("9007199254740993", &v));
  g_assert_cmpuint (v, ==, G_GUINT64_CONSTANT (9007199254740993));
  g_assert_true (ac_id_parse ("42", NULL));
}

static void
test_id_parse_invalid (void)
{
  const char *bad[] = {
    NULL, "", "18446744073709551616", "99999999999999999999999", "-1", "+1", " 1", "1 ",
    "1a", "a1", "0x10", "1.0", "1e3", "01", "00", "\t5", "１２", /* full-width digits */
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint64 v = 77;
      g_assert_false (ac_id_parse (bad[i], &v));
      g_assert_cmpuint (v, ==, 77); /* untouched on failure */
    }
}

static void
test_id_to_string (void)
{
  g_autofree char *a = ac_id_to_string (0);
  g_autofree char *b = ac_id_to_string (G_MAXUINT64);
  g_autofree char *c = ac_id_to_string (G_GUINT64_CONSTANT (1200000000000000101));
  guint64 back = 0;

  g_assert_cmpstr (a, ==, "0");
  g_assert_cmpstr (b, ==, "18446744073709551615");
  g_assert_cmpstr (c, ==, "1200000000000000101");
  g_assert_true (ac_id_parse (b, &back));
  g_assert_cmpuint (back, ==, G_MAXUINT64);
}

static void
check_jid (const char *s, const char *app_key, const char *name, const char *domain, const char *resource)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcJid) jid = ac_jid_parse (s, &error);
  g_autofree char *back = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (jid);
  g_assert_cmpstr (jid->app_key, ==, app_key);
  g_assert_cmpstr (jid->name, ==, name);
  g_assert_cmpstr (jid->domain, ==, domain);
  g_assert_cmpstr (jid->resource, ==, resource);
  back = ac_jid_to_string (jid);
  g_assert_cmpstr (back, ==, s);
}

static void
test_jid_parse_valid (void)
{
  check_jid ("org1#app1_bob@easemob.com/webim_web_1", "org1#app1", "bob", AC_DOMAIN_USER, "webim_web_1");
  check_jid ("org1#app1_alice@easemob.com", "org1#app1", "alice", AC_DOMAIN_USER, NULL);
  check_jid ("org1#app1_2233445566@conference.easemob.com", "org1#app1", "2233445566", AC_DOMAIN_GROUP, NULL);
  check_jid ("bob@easemob.com/res", NULL, "bob", AC_DOMAIN_USER, "res");
  check_jid ("bob@easemob.com", NULL, "bob", AC_DOMAIN_USER, NULL);
  check_jid ("bob", NULL, "bob", NULL, NULL);
  /* User ids may hold '_'; only the first '_' after the app key separates. */
  check_jid ("org1#app1_bob_smith@easemob.com", "org1#app1", "bob_smith", AC_DOMAIN_USER, NULL);
  check_jid ("bob_smith@easemob.com", NULL, "bob_smith", AC_DOMAIN_USER, NULL);
  /* Resources are free-form after the first '/'. */
  check_jid ("bob@easemob.com/a/b", NULL, "bob", AC_DOMAIN_USER, "a/b");
}

static void
test_jid_parse_invalid (void)
{
  const char *bad[] = {
    NULL, "", "@easemob.com", "bob@", "bob@/res", "bob@easemob.com/", "a@b@c", "org1#app1@easemob.com",
    "#app_bob@easemob.com", "org#_bob@easemob.com", "org#app_@easemob.com", "org#a#b_bob@easemob.com",
    "bob smith@easemob.com", "bob\n@easemob.com", "org#app_bo#b@easemob.com",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AcJid) jid = ac_jid_parse (bad[i], &error);
      g_assert_null (jid);
      g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
      g_assert_nonnull (strstr (error->message, "JID"));
    }
}

static void
test_jid_to_string (void)
{
  g_autoptr (AcJid) a = ac_jid_new ("org#app", "g1", AC_DOMAIN_GROUP, NULL);
  g_autoptr (AcJid) b = ac_jid_new (NULL, "bob", AC_DOMAIN_USER, "res");
  g_autoptr (AcJid) c = ac_jid_new (NULL, "bob", NULL, NULL);
  g_autofree char *sa = ac_jid_to_string (a);
  g_autofree char *sb = ac_jid_to_string (b);
  g_autofree char *sc = ac_jid_to_string (c);

  g_assert_cmpstr (sa, ==, "org#app_g1@conference.easemob.com");
  g_assert_cmpstr (sb, ==, "bob@easemob.com/res");
  g_assert_cmpstr (sc, ==, "bob");
}

static void
test_queue (void)
{
  g_autofree char *q1 = ac_queue_for ("bob", FALSE);
  g_autofree char *q2 = ac_queue_for ("2233445566", TRUE);
  const char *bad[] = { "bob", "org#app_bob@easemob.com", "bob@easemob.com/res", "bob@example.org", "", "@easemob.com" };

  g_assert_cmpstr (q1, ==, "bob@easemob.com");
  g_assert_cmpstr (q2, ==, "2233445566@conference.easemob.com");

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *id = NULL;
      gboolean group = !i;
      g_assert_true (ac_queue_parse (i ? q2 : q1, &id, &group, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (id, ==, i ? "2233445566" : "bob");
      g_assert_cmpint (group, ==, i ? TRUE : FALSE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *id = NULL;
      g_assert_false (ac_queue_parse (bad[i], &id, NULL, &error));
      g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
      g_assert_null (id);
    }
}

static void
test_app_key_split (void)
{
  const char *bad[] = { NULL, "", "orgapp", "#app", "org#", "o#r#g", "#" };
  g_autoptr (GError) error = NULL;
  g_autofree char *org = NULL, *app = NULL;

  g_assert_true (ac_app_key_split ("org1#app1", &org, &app, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (org, ==, "org1");
  g_assert_cmpstr (app, ==, "app1");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      g_autofree char *o = NULL, *a = NULL;
      g_assert_false (ac_app_key_split (bad[i], &o, &a, &e));
      g_assert_error (e, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
      g_assert_null (o);
      g_assert_null (a);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codec/id/parse-valid", test_id_parse_valid);
  g_test_add_func ("/codec/id/parse-invalid", test_id_parse_invalid);
  g_test_add_func ("/codec/id/to-string", test_id_to_string);
  g_test_add_func ("/codec/jid/parse-valid", test_jid_parse_valid);
  g_test_add_func ("/codec/jid/parse-invalid", test_jid_parse_invalid);
  g_test_add_func ("/codec/jid/to-string", test_jid_to_string);
  g_test_add_func ("/codec/jid/queue", test_queue);
  g_test_add_func ("/codec/jid/app-key-split", test_app_key_split);
  return g_test_run ();
}
