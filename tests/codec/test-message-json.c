/* The REST/JSON message format (protocol reference §3.4, §14). */
#include "ac-error.h"
#include "ac-message-json.h"
#include "codec-test-util.h"

#include <string.h>

#define HARNESS_META                                                                                          \
  "{\"from\":\"org1#app1_bob@easemob.com/webim_web_1\",\"id\":\"1200000000000000101\","                       \
  "\"payload\":\"{\\\"bodies\\\":[{\\\"msg\\\":\\\"hello alice\\\",\\\"type\\\":\\\"txt\\\"}],\\\"ext\\\":{},"  \
  "\\\"from\\\":\\\"bob\\\",\\\"to\\\":\\\"alice\\\",\\\"type\\\":\\\"chat\\\"}\","                             \
  "\"timestamp\":1700000000000,\"to\":\"org1#app1_alice@easemob.com\"}"

static JsonObject *
parse (const char *json)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (p, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (p)));
  return json_object_ref (json_node_get_object (json_parser_get_root (p)));
}

static char *
to_string (JsonObject *o)
{
  g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), o);
  return json_to_string (n, FALSE);
}

/* Payloads carry no id, time or resources. */
static void
strip_envelope (AcMessage *m)
{
  m->id = 0;
  m->timestamp = 0;
  g_clear_pointer (&m->from_resource, g_free);
  g_clear_pointer (&m->to_resource, g_free);
}

static void
test_payload_round_trip (gconstpointer data)
{
  AcBodyType type = GPOINTER_TO_INT (data);

  for (AcChatType ct = AC_CHAT_SINGLE; ct <= AC_CHAT_ROOM; ct++)
    {
      g_autoptr (AcMessage) m = ct_sample_message (type);
      g_autoptr (AcMessage) back = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *json = NULL;
      g_autofree char *again = NULL;

      m->chat_type = ct;
      if (ct == AC_CHAT_GROUP)
        {
          m->ext = json_object_new ();
          json_object_set_string_member (m->ext, "s", "x");
          json_object_set_int_member (m->ext, "n", 7);
          json_object_set_boolean_member (m->ext, "b", TRUE);
          json_object_set_object_member (m->ext, "o", json_object_new ());
        }
      strip_envelope (m);
      json = ac_message_to_payload_string (m);
      back = ac_message_from_payload_string (json, &error);
      g_assert_no_error (error);
      ct_assert_message_equal (back, m);
      /* Stable: encoding the decoded message gives the same text. */
      again = ac_message_to_payload_string (back);
      g_assert_cmpstr (again, ==, json);
    }
}

static void
test_payload_shapes (void)
{
  g_autoptr (AcMessage) txt = ct_sample_message (AC_BODY_TEXT);
  g_autoptr (AcMessage) custom = ct_sample_message (AC_BODY_CUSTOM);
  g_autoptr (AcMessage) img = ct_sample_message (AC_BODY_IMAGE);
  g_autoptr (AcMessage) loc = ct_sample_message (AC_BODY_LOCATION);
  g_autofree char *t = NULL, *c = NULL, *i = NULL, *l = NULL;

  g_free (txt->text);
  txt->text = g_strdup ("hello alice");
  t = ac_message_to_payload_string (txt);
  g_assert_cmpstr (t, ==,
                   "{\"bodies\":[{\"msg\":\"hello alice\",\"type\":\"txt\"}],\"ext\":{},\"from\":\"bob\","
                   "\"to\":\"alice\",\"type\":\"chat\"}");
  c = ac_message_to_payload_string (custom);
  g_assert_nonnull (strstr (c, "{\"customEvent\":\"gift\",\"customExts\":[{\"name\":\"rose\"},{\"count\":\"3\"}],"
                               "\"type\":\"custom\"}"));
  img->chat_type = AC_CHAT_GROUP;
  i = ac_message_to_payload_string (img);
  g_assert_nonnull (strstr (i, "\"size\":{\"height\":480.5,\"width\":640},\"subType\":\"sub_gif\",\"type\":\"img\""));
  g_assert_nonnull (strstr (i, "\"file_length\":123456"));
  g_assert_nonnull (strstr (i, "\"type\":\"groupchat\""));
  l = ac_message_to_payload_string (loc);
  g_assert_nonnull (strstr (l, "\"addr\":\"1 Main St\",\"buildingName\":\"Tower\""));
  g_assert_nonnull (strstr (l, "\"type\":\"loc\""));
}

static void
test_rest_meta_round_trip (gconstpointer data)
{
  AcBodyType type = GPOINTER_TO_INT (data);

  for (AcChatType ct = AC_CHAT_SINGLE; ct <= AC_CHAT_ROOM; ct++)
    {
      g_autoptr (AcMessage) m = ct_sample_message (type);
      g_autoptr (AcMessage) back = NULL;
      g_autoptr (JsonObject) meta = NULL;
      g_autoptr (GError) error = NULL;

      m->chat_type = ct;
      m->id = G_MAXUINT64; /* far above 2^53: must stay exact */
      m->from_resource = g_strdup ("webim_web_1");
      meta = ac_message_to_rest_meta (m, "org1#app1");
      g_assert_cmpstr (json_object_get_string_member (meta, "id"), ==, "18446744073709551615");
      g_assert_cmpstr (json_object_get_string_member (meta, "from"), ==, "org1#app1_bob@easemob.com/webim_web_1");
      g_assert_cmpstr (json_object_get_string_member (meta, "to"), ==,
                       ct == AC_CHAT_SINGLE ? "org1#app1_alice@easemob.com"
                                            : "org1#app1_alice@conference.easemob.com");
      g_assert_cmpint (json_object_get_int_member (meta, "timestamp"), ==, 1700000000000);
      g_assert_cmpint (json_node_get_value_type (json_object_get_member (meta, "payload")), ==, G_TYPE_STRING);
      back = ac_message_from_rest_meta (meta, &error);
      g_assert_no_error (error);
      ct_assert_message_equal (back, m);
    }
}

static void
test_harness_example (void)
{
  g_autoptr (JsonObject) info = parse ("{\"session_to\":\"bob\",\"session_type\":\"chat\",\"unread_num\":2,"
                                       "\"is_top\":false,\"update_top_status_time\":0,\"meta\":" HARNESS_META "}");
  g_autoptr (GError) error = NULL;
  g_autoptr (AcMessage) m = ac_message_from_rest_meta (json_object_get_object_member (info, "meta"), &error);
  g_autoptr (JsonObject) again = NULL;
  g_autofree char *again_str = NULL;

  g_assert_no_error (error);
  ct_assert_golden_message (m);

  /* And back, byte for byte. */
  again = ac_message_to_rest_meta (m, "org1#app1");
  again_str = to_string (again);
  g_assert_cmpstr (again_str, ==, HARNESS_META);
}

static void
test_meta_without_type (void)
{
#define META_FMT "{\"id\":\"7\",\"timestamp\":5,\"to\":\"%s\",\"from\":\"org1#app1_carol@easemob.com/r1\"," \
                    "\"payload\":\"{\\\"bodies\\\":[{\\\"type\\\":\\\"txt\\\",\\\"msg\\\":\\\"x\\\"}]%s}\"}"
  struct {
    const char *to, *extra;
    AcChatType want;
    const char *want_from, *want_to;
  } cases[] = {
    { "org1#app1_g1@conference.easemob.com", "", AC_CHAT_GROUP, "carol", "g1" },
    { "org1#app1_alice@easemob.com", "", AC_CHAT_SINGLE, "carol", "alice" },
    /* payload.type wins over the domain; payload.from/to over the JIDs */
    { "org1#app1_alice@easemob.com", ",\\\"type\\\":\\\"groupChat\\\",\\\"from\\\":\\\"dan\\\"", AC_CHAT_GROUP,
      "dan", "alice" },
    { "org1#app1_r1@conference.easemob.com", ",\\\"type\\\":\\\"chatroom\\\",\\\"to\\\":\\\"r2\\\"", AC_CHAT_ROOM,
      "carol", "r2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (META_FMT, cases[i].to, cases[i].extra);
      g_autoptr (JsonObject) meta = parse (json);
      g_autoptr (GError) error = NULL;
      g_autoptr (AcMessage) m = ac_message_from_rest_meta (meta, &error);

      g_assert_no_error (error);
      g_assert_cmpint (m->chat_type, ==, cases[i].want);
      g_assert_cmpstr (m->from, ==, cases[i].want_from);
      g_assert_cmpstr (m->to, ==, cases[i].want_to);
      g_assert_cmpstr (m->from_resource, ==, "r1");
      g_assert_cmpuint (m->id, ==, 7);
      g_assert_cmpuint (m->timestamp, ==, 5);
    }
}

static void
test_body_variants (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcMessage) combine = ac_message_from_payload_string (
    "{\"bodies\":[{\"type\":\"txt\",\"subType\":\"sub_combine\",\"msg\":\"compat\",\"url\":\"u\",\"secret\":\"s\","
    "\"title\":\"T\",\"summary\":\"S\",\"file_length\":10,\"filename\":\"f\",\"combineLevel\":2}],\"type\":\"chat\"}",
    &error);
  g_autoptr (AcMessage) combine2 = NULL;
  g_autoptr (AcMessage) custom_obj = NULL;
  g_autoptr (AcMessage) custom_arr = NULL;
  g_autoptr (AcMessage) ints = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (combine->type, ==, AC_BODY_COMBINE);
  g_assert_cmpstr (combine->text, ==, "compat");
  g_assert_cmpstr (combine->title, ==, "T");
  g_assert_cmpstr (combine->summary, ==, "S");
  g_assert_cmpint (combine->file_length, ==, 10);
  g_assert_cmpint (combine->combine_level, ==, 2);

  combine2 = ac_message_from_payload_string ("{\"bodies\":[{\"type\":\"combine\",\"text\":\"compat2\"}]}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (combine2->type, ==, AC_BODY_COMBINE);
  g_assert_cmpstr (combine2->text, ==, "compat2");
  g_assert_cmpint (combine2->chat_type, ==, AC_CHAT_SINGLE); /* no type, no meta: single */

  custom_obj = ac_message_from_payload_string (
    "{\"bodies\":[{\"type\":\"custom\",\"customEvent\":\"e\",\"customExts\":{\"a\":\"1\",\"b\":\"2\"}}]}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (custom_obj->custom_exts, "b"), ==, "2");
  custom_arr = ac_message_from_payload_string (
    "{\"bodies\":[{\"type\":\"custom\",\"customExts\":[{\"a\":\"1\"},{\"b\":\"2\"},{\"a\":\"3\"}]}]}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_get_size (custom_arr->custom_exts), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (custom_arr->custom_exts, "a"), ==, "3"); /* later wins */

  /* Integral doubles are integers; null fields are absent. */
  ints = ac_message_from_payload_string (
    "{\"bodies\":[{\"type\":\"audio\",\"length\":4.0,\"file_length\":100.0,\"url\":null}],\"ext\":null}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ints->duration, ==, 4);
  g_assert_cmpint (ints->file_length, ==, 100);
  g_assert_null (ints->url);
  g_assert_null (ints->ext);
}

static void
test_bad_payloads (void)
{
  struct {
    const char *json;
    gint code;
    const char *needle;
  } cases[] = {
    { "", AC_CODEC_ERROR_MALFORMED, "not a JSON object" },
    { "{\"bodies\":[", AC_CODEC_ERROR_MALFORMED, "not valid JSON" },
    { "[1,2]", AC_CODEC_ERROR_MALFORMED, "not a JSON object" },
    { "\"str\"", AC_CODEC_ERROR_MALFORMED, "not a JSON object" },
    { "{}", AC_CODEC_ERROR_MALFORMED, "bodies must be an array" },
    { "{\"bodies\":{}}", AC_CODEC_ERROR_MALFORMED, "bodies must be an array" },
    { "{\"bodies\":\"txt\"}", AC_CODEC_ERROR_MALFORMED, "bodies must be an array" },
    { "{\"bodies\":[]}", AC_CODEC_ERROR_MALFORMED, "bodies is empty" },
    { "{\"bodies\":[\"txt\"]}", AC_CODEC_ERROR_MALFORMED, "bodies[0] must be an object" },
    { "{\"bodies\":[{\"msg\":\"x\"}]}", AC_CODEC_ERROR_MALFORMED, "body.type is missing" },
    { "{\"bodies\":[{\"type\":5}]}", AC_CODEC_ERROR_MALFORMED, "body.type must be a string" },
    { "{\"bodies\":[{\"type\":\"txt\",\"msg\":5}]}", AC_CODEC_ERROR_MALFORMED, "body.msg must be a string" },
    { "{\"bodies\":[{\"type\":\"txt\",\"msg\":[\"a\"]}]}", AC_CODEC_ERROR_MALFORMED, "body.msg must be a string" },
    { "{\"bodies\":[{\"type\":\"sticker\"}]}", AC_CODEC_ERROR_UNSUPPORTED, "sticker" },
    { "{\"type\":\"broadcast\",\"bodies\":[{\"type\":\"txt\"}]}", AC_CODEC_ERROR_MALFORMED, "payload.type" },
    { "{\"type\":1,\"bodies\":[{\"type\":\"txt\"}]}", AC_CODEC_ERROR_MALFORMED, "payload.type must be a string" },
    { "{\"from\":{},\"bodies\":[{\"type\":\"txt\"}]}", AC_CODEC_ERROR_MALFORMED, "payload.from" },
    { "{\"ext\":[1],\"bodies\":[{\"type\":\"txt\"}]}", AC_CODEC_ERROR_MALFORMED, "payload.ext must be an object" },
    { "{\"bodies\":[{\"type\":\"img\",\"size\":[1,2]}]}", AC_CODEC_ERROR_MALFORMED, "body.size must be an object" },
    { "{\"bodies\":[{\"type\":\"img\",\"size\":{\"width\":\"1\"}}]}", AC_CODEC_ERROR_MALFORMED, "width" },
    { "{\"bodies\":[{\"type\":\"file\",\"file_length\":\"12\"}]}", AC_CODEC_ERROR_MALFORMED, "file_length" },
    { "{\"bodies\":[{\"type\":\"file\",\"file_length\":1.5}]}", AC_CODEC_ERROR_MALFORMED, "must be an integer" },
    { "{\"bodies\":[{\"type\":\"file\",\"file_length\":-5}]}", AC_CODEC_ERROR_MALFORMED, "out of range" },
    { "{\"bodies\":[{\"type\":\"audio\",\"length\":1e12}]}", AC_CODEC_ERROR_MALFORMED, "out of range" },
    { "{\"bodies\":[{\"type\":\"loc\",\"lat\":true}]}", AC_CODEC_ERROR_MALFORMED, "body.lat must be a number" },
    { "{\"bodies\":[{\"type\":\"custom\",\"customExts\":\"x\"}]}", AC_CODEC_ERROR_MALFORMED, "customExts" },
    { "{\"bodies\":[{\"type\":\"custom\",\"customExts\":[1]}]}", AC_CODEC_ERROR_MALFORMED, "customExts[0]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AcMessage) m = ac_message_from_payload_string (cases[i].json, &error);

      g_test_message ("payload %s", cases[i].json);
      g_assert_null (m);
      g_assert_error (error, AC_CODEC_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (ac_message_from_payload_string (NULL, &error));
    g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
  }
}

static void
test_bad_metas (void)
{
  const char *ok_payload = "\"{\\\"bodies\\\":[{\\\"type\\\":\\\"txt\\\",\\\"msg\\\":\\\"x\\\"}]}\"";
  struct {
    const char *id, *timestamp, *from, *payload;
    const char *needle;
  } cases[] = {
    { "1200000000000000101", "1", "\"bob\"", NULL, "meta.payload is missing" },
    { NULL, "1", "\"bob\"", ok_payload, "meta.id is missing" },
    { "1200000000000000101", "1", "\"bob\"", "{\"bodies\":[]}", "meta.payload must be a string" },
    { "1200000000000000101", "1", "\"bob\"", "\"not json\"", "meta.payload is not valid JSON" },
    { "1200000000000000101", "\"1\"", "\"bob\"", ok_payload, "meta.timestamp must be a number" },
    { "1200000000000000101", "-1", "\"bob\"", ok_payload, "meta.timestamp is out of range" },
    { "1200000000000000101", "1", "\"a@b@c\"", ok_payload, "JID" },
    { "1200000000000000101", "1", "7", ok_payload, "meta.from must be a string" },
  };
  const char *bad_ids[] = { "1200000000000000101", "\"abc\"", "\"-1\"", "\"\"", "\"18446744073709551616\"",
                            "\" 1\"", "\"1x\"", "1.5", "true" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GString *s = g_string_new ("{\"to\":\"alice@easemob.com\"");
      g_autoptr (JsonObject) meta = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (AcMessage) m = NULL;

      if (cases[i].id)
        g_string_append_printf (s, ",\"id\":\"%s\"", cases[i].id);
      g_string_append_printf (s, ",\"timestamp\":%s,\"from\":%s", cases[i].timestamp, cases[i].from);
      if (cases[i].payload)
        g_string_append_printf (s, ",\"payload\":%s", cases[i].payload);
      g_string_append_c (s, '}');
      meta = parse (s->str);
      g_test_message ("meta %s", s->str);
      g_string_free (s, TRUE);
      m = ac_message_from_rest_meta (meta, &error);
      g_assert_null (m);
      g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":%s,\"payload\":%s}", bad_ids[i], ok_payload);
      g_autoptr (JsonObject) meta = parse (json);
      g_autoptr (GError) error = NULL;
      g_autoptr (AcMessage) m = ac_message_from_rest_meta (meta, &error);

      g_test_message ("meta %s", json);
      g_assert_null (m);
      g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
      g_assert_nonnull (strstr (error->message, "meta.id"));
    }
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (ac_message_from_rest_meta (NULL, &error));
    g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
  }
}

static void
add_per_type (const char *prefix, GTestDataFunc fn)
{
  for (AcBodyType t = AC_BODY_TEXT; t <= AC_BODY_COMBINE; t++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s", prefix, ac_body_type_to_rest (t));
      g_test_add_data_func (path, GINT_TO_POINTER (t), fn);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  add_per_type ("/codec/json/payload-round-trip", test_payload_round_trip);
  add_per_type ("/codec/json/rest-meta-round-trip", test_rest_meta_round_trip);
  g_test_add_func ("/codec/json/payload-shapes", test_payload_shapes);
  g_test_add_func ("/codec/json/harness-example", test_harness_example);
  g_test_add_func ("/codec/json/meta-without-type", test_meta_without_type);
  g_test_add_func ("/codec/json/body-variants", test_body_variants);
  g_test_add_func ("/codec/json/bad-payloads", test_bad_payloads);
  g_test_add_func ("/codec/json/bad-metas", test_bad_metas);
  return g_test_run ();
}
