/* Unit tests of the server's HTTP-side pieces that need no socket: path
 * matching, query parsing as libsoup does it for the SDK's odd URLs,
 * options, user names and JSON argument checks.  The endpoints themselves
 * are tested over HTTP in tests/server/. */
#include "router.h"
#include "server-config.h"
#include "user-entity.h"
#include "json-args.h"

#include <glib/gstdio.h>

static void
test_router_match (void)
{
  Request req = { 0 };

  g_assert_true (router_match ("{org}/{app}/users/{u}/messageroaming",
                               "/org1/app1/users/Alice/messageroaming", &req));
  g_assert_cmpstr (request_capture (&req, "org"), ==, "org1");
  g_assert_cmpstr (request_capture (&req, "app"), ==, "app1");
  /* user names are case-insensitive */
  g_assert_cmpstr (request_capture (&req, "u"), ==, "alice");
  g_assert_null (request_capture (&req, "id"));

  /* percent-decoded, empty segments ignored */
  g_assert_true (router_match ("{org}/{app}/chatgroups/{id}", "//org1/app1/chatgroups/1%2C2/", &req));
  g_assert_cmpstr (request_capture (&req, "id"), ==, "1,2");

  g_assert_false (router_match ("{org}/{app}/users/{u}", "/org1/app1/users", &req));
  g_assert_false (router_match ("{org}/{app}/users/{u}", "/org1/app1/users/a/b", &req));
  g_assert_false (router_match ("{org}/{app}/user/{u}/user_channel",
                                "/org1/app1/users/a/user_channel", &req));
  /* an encoded slash does not make a capture span two segments */
  g_assert_false (router_match ("{org}/{app}/users/{u}", "/org1/app1/users/a%2Fb", &req));
  request_clear (&req);
}

/* The SDK's GET builder yields "?&limit=…" and the time delete "&&resource". */
static void
test_query_quirks (void)
{
  g_autoptr (GHashTable) q1 = soup_form_decode ("&limit=20&cursor=&need_mark=true&_v=1");
  g_autoptr (GHashTable) q2 = soup_form_decode ("userId=bob&delTime=1700000000000&&resource=webim_1");
  g_autoptr (GHashTable) q3 = soup_form_decode ("userId=bob&msgIdList=1200000000000000101,1200000000000000102");

  g_assert_cmpstr (g_hash_table_lookup (q1, "limit"), ==, "20");
  g_assert_cmpstr (g_hash_table_lookup (q1, "cursor"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (q2, "delTime"), ==, "1700000000000");
  g_assert_cmpstr (g_hash_table_lookup (q2, "resource"), ==, "webim_1");
  g_assert_cmpstr (g_hash_table_lookup (q3, "msgIdList"), ==,
                   "1200000000000000101,1200000000000000102");
}

static ServerConfig *
parse (const char *const *args, GError **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  char **v;
  int argc;
  ServerConfig *c;

  g_ptr_array_add (argv, (gpointer) "agora-local-server");
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);
  argc = (int) argv->len - 1;
  /* GOption rearranges argv: give it a copy of the pointer array only */
  v = g_memdup2 (argv->pdata, argv->len * sizeof (char *));
  c = server_config_parse (&argc, &v, error);
  g_free (v);
  return c;
}

static void
test_config (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("server-config-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "server.ini", NULL);
  const char *none[] = { NULL };
  const char *cli[] = { "--config", file, "--legacy-limit", "3", "--app-key", "a#b", NULL };
  const char *bad_listen[] = { "--listen", "127.0.0.1", NULL };
  const char *bad_key[] = { "--app-key", "a#b#c", NULL };
  const char *bad_ttl[] = { "--token-ttl", "0", NULL };
  g_autoptr (ServerConfig) d = parse (none, &error);
  g_autoptr (ServerConfig) c = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (d->listen_host, ==, "127.0.0.1");
  g_assert_cmpuint (d->listen_port, ==, 0);
  g_assert_cmpstr (d->app_keys[0], ==, "org1#app1");
  g_assert_cmpint (d->token_ttl_s, ==, 86400);
  g_assert_cmpint (d->legacy_days, ==, 7);
  g_assert_cmpint (d->legacy_limit, ==, 10);
  g_assert_cmpint (d->max_body, ==, 1048576);
  g_assert_false (d->open_registration);

  g_assert_true (g_file_set_contents (file,
                                      "[server]\nlisten=127.0.0.1:8081\nlegacy-limit=5\n"
                                      "legacy-days=2\napp-key=x#y;z#w\nopen-registration=true\n",
                                      -1, NULL));
  c = parse (cli, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c->listen_port, ==, 8081);
  g_assert_cmpint (c->legacy_days, ==, 2);          /* from the file */
  g_assert_cmpint (c->legacy_limit, ==, 3);         /* the command line wins */
  g_assert_cmpstr (c->app_keys[0], ==, "a#b");
  g_assert_null (c->app_keys[1]);
  g_assert_true (c->open_registration);

  g_assert_null (parse (bad_listen, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (parse (bad_key, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (parse (bad_ttl, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_unlink (file);
  g_rmdir (dir);
}

static void
test_usernames (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ok = username_normalize ("Alice.B_c-9", &error);
  g_autofree char *long_name = g_strnfill (65, 'a');
  g_autofree char *u1 = entity_uuid ("org#app", "alice");
  g_autofree char *u2 = entity_uuid ("org#app", "alice");
  g_autofree char *u3 = entity_uuid ("org#app", "bob");

  g_assert_no_error (error);
  g_assert_cmpstr (ok, ==, "alice.b_c-9");
  for (const char *bad_name[] = { "", "a b", "ä", "a/b", "a#b", NULL }, **b = bad_name; *b; b++) {
    g_assert_null (username_normalize (*b, &error));
    g_assert_error (error, ARG_ERROR, ARG_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "is not legal"));
    g_clear_error (&error);
  }
  g_assert_null (username_normalize (long_name, &error));
  g_clear_error (&error);

  g_assert_cmpstr (u1, ==, u2);
  g_assert_cmpstr (u1, !=, u3);
  g_assert_cmpuint (strlen (u1), ==, 36);
  g_assert_cmpint (u1[14], ==, '5');
}

static void
test_json_args (void)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  JsonObject *o;
  const char *s;
  gboolean b;
  gint64 i;

  g_assert_true (json_parser_load_from_data (p,
      "{\"s\":\"x\",\"e\":\"\",\"n\":5,\"f\":1.5,\"b\":true,\"z\":null,\"a\":[\"p\",\"q\"],\"bad\":[\"p\",1]}",
      -1, NULL));
  o = json_node_get_object (json_parser_get_root (p));

  g_assert_true (json_arg_string (o, "s", TRUE, &s, &error));
  g_assert_cmpstr (s, ==, "x");
  g_assert_false (json_arg_string (o, "e", TRUE, &s, &error));
  g_assert_error (error, ARG_ERROR, ARG_ERROR_MISSING);
  g_assert_cmpstr (error->message, ==, "field e cannot be null or empty");
  g_clear_error (&error);
  g_assert_true (json_arg_string (o, "z", FALSE, &s, &error));
  g_assert_null (s);
  g_assert_false (json_arg_string (o, "n", FALSE, &s, &error));
  g_assert_error (error, ARG_ERROR, ARG_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (json_arg_int (o, "n", TRUE, 0, &i, &error));
  g_assert_cmpint (i, ==, 5);
  g_assert_false (json_arg_int (o, "f", TRUE, 0, &i, &error));
  g_clear_error (&error);
  g_assert_true (json_arg_int (o, "missing", FALSE, 7, &i, &error));
  g_assert_cmpint (i, ==, 7);

  g_assert_true (json_arg_bool (o, "b", TRUE, FALSE, &b, &error));
  g_assert_true (b);
  g_assert_false (json_arg_bool (o, "s", TRUE, FALSE, &b, &error));
  g_clear_error (&error);
  g_assert_false (json_arg_bool (o, "missing", TRUE, FALSE, &b, &error));
  g_assert_error (error, ARG_ERROR, ARG_ERROR_MISSING);
  g_clear_error (&error);

  g_assert_true (json_arg_string_array (o, "a", TRUE, &list, &error));
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_false (json_arg_string_array (o, "bad", TRUE, &list, &error));
  g_assert_null (list);
  g_clear_error (&error);
}

static void
test_json_depth (void)
{
  g_autofree char *deep = g_strnfill (65, '[');
  const char *ok = "{\"a\":[[{\"b\":\"[[[[[[[[\\\"[[[[[[[[[[\"}]]]}";

  g_assert_true (json_depth_ok (ok, strlen (ok), 4));
  g_assert_false (json_depth_ok (ok, strlen (ok), 3));
  g_assert_true (json_depth_ok (deep, 64, JSON_MAX_DEPTH));
  g_assert_false (json_depth_ok (deep, 65, JSON_MAX_DEPTH));
  /* brackets inside strings do not count, escaped quotes do not end them */
  g_assert_true (json_depth_ok ("\"[[[[\"", 6, 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/router/match", test_router_match);
  g_test_add_func ("/server/router/query-quirks", test_query_quirks);
  g_test_add_func ("/server/config", test_config);
  g_test_add_func ("/server/usernames", test_usernames);
  g_test_add_func ("/server/json-args", test_json_args);
  g_test_add_func ("/server/json-depth", test_json_depth);
  return g_test_run ();
}
