/* protobuf MessageBody / Meta <-> AcMessage (protocol reference §4.3, §5). */
#include "ac-error.h"
#include "ac-jid.h"
#include "ac-message-pb.h"
#include "codec-test-util.h"

#include <string.h>

#define GOLDEN_B64                                                                                            \
  "COWA4JPGtNDTEBIqCglvcmcxI2FwcDESA2JvYhoLZWFzZW1vYi5jb20iC3dlYmltX3dlYl8xGh8KCW9yZzEjYXBwMRIFYWxpY2UaC2Vh" \
  "c2Vtb2IuY29tIIDQlf+8MSgBMiMIARIFEgNib2IaBxIFYWxpY2UiDwgAEgtoZWxsbyBhbGljZQ=="

#define GOLDEN_HEX                                                                                  \
  "08 e5 80 e0 93 c6 b4 d0 d3 10"                                                                   \
  "12 2a 0a 09 \"org1#app1\" 12 03 \"bob\" 1a 0b \"easemob.com\" 22 0b \"webim_web_1\""             \
  "1a 1f 0a 09 \"org1#app1\" 12 05 \"alice\" 1a 0b \"easemob.com\""                                 \
  "20 80 d0 95 ff bc 31"                                                                            \
  "28 01"                                                                                           \
  "32 23 08 01 12 05 12 03 \"bob\" 1a 07 12 05 \"alice\" 22 0f 08 00 12 0b \"hello alice\""

static void
test_golden_meta (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcMessage) m = ac_message_from_meta_base64 (GOLDEN_B64, &error);
  g_autoptr (GBytes) want = ct_bytes_from_annotated (GOLDEN_HEX);
  g_autoptr (GBytes) again = NULL;
  g_autofree char *again_b64 = NULL;
  g_autofree guint8 *raw = NULL;
  gsize raw_len;

  /* The reference's base64 and its annotated hex are the same bytes. */
  raw = g_base64_decode (GOLDEN_B64, &raw_len);
  ct_assert_mem_equal (raw, raw_len, g_bytes_get_data (want, NULL), g_bytes_get_size (want));

  g_assert_no_error (error);
  ct_assert_golden_message (m);

  again = ac_message_to_meta (m, "org1#app1");
  ct_assert_bytes_equal (again, want);
  again_b64 = ac_message_to_meta_base64 (m, "org1#app1");
  g_assert_cmpstr (again_b64, ==, GOLDEN_B64);
}

static void
test_meta_round_trip (gconstpointer data)
{
  AcBodyType type = GPOINTER_TO_INT (data);

  for (AcChatType ct = AC_CHAT_SINGLE; ct <= AC_CHAT_ROOM; ct++)
    {
      g_autoptr (AcMessage) m = ct_sample_message (type);
      g_autoptr (AcMessage) back = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *b64 = NULL;
      Easemob__Pb__Meta *meta;

      m->chat_type = ct;
      m->id = G_MAXUINT64;
      m->from_resource = g_strdup ("webim_web_1");
      if (ct == AC_CHAT_SINGLE)
        m->to_resource = g_strdup ("pidgin_2");
      m->ext = json_object_new ();
      json_object_set_string_member (m->ext, "s", "x");
      json_object_set_int_member (m->ext, "big", G_MININT64);
      json_object_set_double_member (m->ext, "f", -0.25);
      json_object_set_boolean_member (m->ext, "no", FALSE);

      b64 = ac_message_to_meta_base64 (m, "org1#app1");
      back = ac_message_from_meta_base64 (b64, &error);
      g_assert_no_error (error);
      ct_assert_message_equal (back, m);

      /* The envelope: domains by chat type, resources where given. */
      meta = ac_message_to_pb_meta (m, "org1#app1");
      g_assert_cmpstr (meta->from->domain, ==, AC_DOMAIN_USER);
      g_assert_cmpstr (meta->from->appkey, ==, "org1#app1");
      g_assert_cmpstr (meta->to->domain, ==, ct == AC_CHAT_SINGLE ? AC_DOMAIN_USER : AC_DOMAIN_GROUP);
      g_assert_true (meta->has_ns && meta->ns == EASEMOB__PB__META__NAME_SPACE__CHAT);
      g_assert_false (meta->has_routetype);
      ac_pb_meta_free (meta);
    }
}

/* Decoding unpacks into a block on the stack; a message bigger than it
 * (here a 64 KiB text and a large ext) goes partly to the heap and must come
 * back whole, and be freed (valgrind and ASan runs check the latter). */
static void
test_meta_round_trip_large (void)
{
  g_autoptr (AcMessage) m = ct_sample_message (AC_BODY_TEXT);
  g_autoptr (GError) error = NULL;
  g_free (m->text);
  m->text = g_strnfill (65536, 'x');
  m->ext = json_object_new ();
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *key = g_strdup_printf ("key%d", i);
      json_object_set_string_member (m->ext, key, "a value of some length");
    }
  g_autoptr (GBytes) meta = ac_message_to_meta (m, "org1#app1");
  g_autoptr (AcMessage) back = ac_message_from_meta (g_bytes_get_data (meta, NULL),
                                                     g_bytes_get_size (meta), &error);
  g_assert_no_error (error);
  ct_assert_message_equal (back, m);
  g_assert_cmpuint (strlen (back->text), ==, 65536);
}

static Easemob__Pb__MessageBody *
repack_body (const Easemob__Pb__MessageBody *body)
{
  gsize len = easemob__pb__message_body__get_packed_size (body);
  g_autofree guint8 *buf = g_malloc (len);

  easemob__pb__message_body__pack (body, buf);
  return easemob__pb__message_body__unpack (NULL, len, buf);
}

static void
test_body_rules (void)
{
  g_autoptr (AcMessage) text = ct_sample_message (AC_BODY_TEXT);
  g_autoptr (AcMessage) combine = ct_sample_message (AC_BODY_COMBINE);
  g_autoptr (AcMessage) gif = ct_sample_message (AC_BODY_IMAGE);
  Easemob__Pb__MessageBody *b, *u;

  /* TEXT: type on the wire, no subType; from/to carry only name. */
  b = ac_message_to_body (text);
  u = repack_body (b);
  g_assert_true (u->has_type && u->type == EASEMOB__PB__MESSAGE_BODY__TYPE__CHAT);
  g_assert_cmpstr (u->from->name, ==, "bob");
  g_assert_null (u->from->appkey);
  g_assert_null (u->from->domain);
  g_assert_null (u->from->clientresource);
  g_assert_cmpstr (u->to->name, ==, "alice");
  g_assert_null (u->to->domain);
  g_assert_cmpuint (u->n_contents, ==, 1);
  g_assert_true (u->contents[0]->has_type);
  g_assert_cmpint (u->contents[0]->type, ==, EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__TEXT);
  g_assert_false (u->contents[0]->has_subtype);
  ac_pb_message_body_free (b);
  ac_pb_message_body_free (u);

  /* COMBINE goes out as TEXT with subType 0. */
  b = ac_message_to_body (combine);
  u = repack_body (b);
  g_assert_cmpint (u->contents[0]->type, ==, EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__TEXT);
  g_assert_true (u->contents[0]->has_subtype);
  g_assert_cmpint (u->contents[0]->subtype, ==, EASEMOB__PB__MESSAGE_BODY__CONTENT__SUB_TYPE__SUBTYPE_COMBINE);
  ac_pb_message_body_free (b);
  ac_pb_message_body_free (u);

  b = ac_message_to_body (gif);
  g_assert_true (b->contents[0]->has_subtype);
  g_assert_cmpint (b->contents[0]->subtype, ==, EASEMOB__PB__MESSAGE_BODY__CONTENT__SUB_TYPE__SUBTYPE_GIF);
  g_assert_nonnull (b->contents[0]->size);
  ac_pb_message_body_free (b);
}

static AcMessage *
decode_body_with (void (*tweak) (Easemob__Pb__MessageBody *, Easemob__Pb__MessageBody__Content *), GError **error)
{
  Easemob__Pb__MessageBody body = EASEMOB__PB__MESSAGE_BODY__INIT;
  Easemob__Pb__MessageBody__Content content = EASEMOB__PB__MESSAGE_BODY__CONTENT__INIT;
  Easemob__Pb__MessageBody__Content *contents[] = { &content };
  Easemob__Pb__JID from = EASEMOB__PB__JID__INIT, to = EASEMOB__PB__JID__INIT;

  from.name = (char *) "bob";
  to.name = (char *) "alice";
  body.has_type = TRUE;
  body.type = EASEMOB__PB__MESSAGE_BODY__TYPE__CHAT;
  body.from = &from;
  body.to = &to;
  body.n_contents = 1;
  body.contents = contents;
  content.has_type = TRUE;
  content.text = (char *) "t";
  tweak (&body, &content);
  return ac_message_from_body (&body, error);
}

static void tw_subtype0 (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c) { c->has_subtype = TRUE; }
static void tw_subtype_gif (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c)
{
  c->has_subtype = TRUE;
  c->subtype = EASEMOB__PB__MESSAGE_BODY__CONTENT__SUB_TYPE__SUBTYPE_GIF;
}
static void tw_type8 (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c) { c->type = 8; }
static void tw_no_ctype (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c) { c->has_type = FALSE; }
static void tw_ctype13 (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c) { c->type = 13; }
static void tw_normal (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c) { b->type = 0; }
static void tw_read_ack (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c) { b->type = 4; }
static void tw_no_type (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c) { b->has_type = FALSE; b->type = 1; }
static void tw_no_contents (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c) { b->n_contents = 0; }
static void tw_bad_utf8 (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c) { c->text = (char *) "a\xff"; }

static void
test_body_decode_cases (void)
{
  struct {
    void (*tweak) (Easemob__Pb__MessageBody *, Easemob__Pb__MessageBody__Content *);
    gint want_type; /* -1: error */
    gint code;
  } cases[] = {
    { tw_subtype0, AC_BODY_COMBINE, 0 },  /* presence of subType 0 on TEXT means COMBINE */
    { tw_subtype_gif, AC_BODY_TEXT, 0 },
    { tw_type8, AC_BODY_COMBINE, 0 },
    { tw_no_ctype, AC_BODY_TEXT, 0 },
    { tw_ctype13, -1, AC_CODEC_ERROR_UNSUPPORTED },
    { tw_normal, -1, AC_CODEC_ERROR_UNSUPPORTED },
    { tw_read_ack, -1, AC_CODEC_ERROR_UNSUPPORTED },
    { tw_no_type, -1, AC_CODEC_ERROR_UNSUPPORTED },
    { tw_no_contents, -1, AC_CODEC_ERROR_MALFORMED },
    { tw_bad_utf8, -1, AC_CODEC_ERROR_MALFORMED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AcMessage) m = decode_body_with (cases[i].tweak, &error);

      if (cases[i].want_type < 0)
        {
          g_assert_null (m);
          g_assert_error (error, AC_CODEC_ERROR, cases[i].code);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpint (m->type, ==, cases[i].want_type);
          g_assert_cmpstr (m->text, ==, "t");
        }
    }
}

static void
test_ext_encoding (void)
{
  g_autoptr (AcMessage) m = ac_message_new ();
  Easemob__Pb__MessageBody *b;
  JsonObject *o = json_object_new ();
  struct {
    const char *key;
    gint type;
  } want[] = {
    { "a", EASEMOB__PB__KEY_VALUE__VALUE_TYPE__INT },   { "s", EASEMOB__PB__KEY_VALUE__VALUE_TYPE__STRING },
    { "o", EASEMOB__PB__KEY_VALUE__VALUE_TYPE__JSON_STRING }, { "b", EASEMOB__PB__KEY_VALUE__VALUE_TYPE__BOOL },
    { "f", EASEMOB__PB__KEY_VALUE__VALUE_TYPE__DOUBLE }, { "two", EASEMOB__PB__KEY_VALUE__VALUE_TYPE__INT },
    { "arr", EASEMOB__PB__KEY_VALUE__VALUE_TYPE__JSON_STRING }, { "nul", EASEMOB__PB__KEY_VALUE__VALUE_TYPE__JSON_STRING },
  };

  m->text = g_strdup ("x");
  m->ext = json_object_new ();
  json_object_set_int_member (m->ext, "a", 1);
  json_object_set_string_member (m->ext, "s", "x");
  json_object_set_int_member (o, "z", 1);
  json_object_set_object_member (m->ext, "o", o);
  json_object_set_boolean_member (m->ext, "b", TRUE);
  json_object_set_double_member (m->ext, "f", 1.5);
  json_object_set_double_member (m->ext, "two", 2.0); /* an integer in JavaScript */
  json_object_set_array_member (m->ext, "arr", json_array_new ());
  json_object_set_null_member (m->ext, "nul");

  b = ac_message_to_body (m);
  g_assert_cmpuint (b->n_ext, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_assert_cmpstr (b->ext[i]->key, ==, want[i].key);
      g_assert_true (b->ext[i]->has_type);
      g_assert_cmpint (b->ext[i]->type, ==, want[i].type);
    }
  g_assert_true (b->ext[0]->has_varintvalue && b->ext[0]->varintvalue == 1);
  g_assert_cmpstr (b->ext[1]->stringvalue, ==, "x");
  g_assert_cmpstr (b->ext[2]->stringvalue, ==, "{\"z\":1}");
  g_assert_true (b->ext[3]->has_varintvalue && b->ext[3]->varintvalue == 1);
  g_assert_true (b->ext[4]->has_doublevalue && b->ext[4]->doublevalue == 1.5);
  g_assert_false (b->ext[4]->has_varintvalue);
  g_assert_true (b->ext[5]->varintvalue == 2);
  g_assert_cmpstr (b->ext[6]->stringvalue, ==, "[]");
  g_assert_cmpstr (b->ext[7]->stringvalue, ==, "null");
  ac_pb_message_body_free (b);
}

static void tw_ext (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c);

static Easemob__Pb__KeyValue ext_kvs[9];
static Easemob__Pb__KeyValue *ext_ptrs[9];

static void
tw_ext (Easemob__Pb__MessageBody *b, Easemob__Pb__MessageBody__Content *c)
{
  b->n_ext = G_N_ELEMENTS (ext_ptrs);
  b->ext = ext_ptrs;
}

static void
test_ext_decoding (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AcMessage) m = NULL;
  JsonObject *e;

  for (guint i = 0; i < G_N_ELEMENTS (ext_kvs); i++)
    {
      Easemob__Pb__KeyValue init = EASEMOB__PB__KEY_VALUE__INIT;
      ext_kvs[i] = init;
      ext_kvs[i].has_type = TRUE;
      ext_ptrs[i] = &ext_kvs[i];
    }
  ext_kvs[0].key = (char *) "b", ext_kvs[0].type = 1, ext_kvs[0].has_varintvalue = 1, ext_kvs[0].varintvalue = 5;
  ext_kvs[1].key = (char *) "i", ext_kvs[1].type = 2, ext_kvs[1].varintvalue = -3;
  ext_kvs[2].key = (char *) "u", ext_kvs[2].type = 3, ext_kvs[2].varintvalue = 7;
  ext_kvs[3].key = (char *) "ll", ext_kvs[3].type = 4, ext_kvs[3].varintvalue = G_MAXINT64;
  ext_kvs[4].key = (char *) "fl", ext_kvs[4].type = 5, ext_kvs[4].floatvalue = 0.5f;
  ext_kvs[5].key = (char *) "d", ext_kvs[5].type = 6, ext_kvs[5].doublevalue = 2.25;
  ext_kvs[6].key = (char *) "s", ext_kvs[6].type = 7, ext_kvs[6].stringvalue = (char *) "{not json";
  ext_kvs[7].key = (char *) "j", ext_kvs[7].type = 8, ext_kvs[7].stringvalue = (char *) "{\"z\":[1,2]}";
  ext_kvs[8].key = (char *) "bad", ext_kvs[8].type = 8, ext_kvs[8].stringvalue = (char *) "{not json";

  m = decode_body_with (tw_ext, &error);
  g_assert_no_error (error);
  e = m->ext;
  g_assert_true (json_object_get_boolean_member (e, "b"));
  g_assert_cmpint (json_object_get_int_member (e, "i"), ==, -3);
  g_assert_cmpint (json_object_get_int_member (e, "u"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (e, "ll"), ==, G_MAXINT64);
  g_assert_cmpfloat (json_object_get_double_member (e, "fl"), ==, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (e, "d"), ==, 2.25);
  g_assert_cmpstr (json_object_get_string_member (e, "s"), ==, "{not json");
  g_assert_cmpint (json_array_get_int_element (
                     json_object_get_array_member (json_object_get_object_member (e, "j"), "z"), 1), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (e, "bad"), ==, "{not json"); /* kept as text */
}

static GBytes *
pack_meta (Easemob__Pb__Meta *meta)
{
  gsize len = easemob__pb__meta__get_packed_size (meta);
  guint8 *buf = g_malloc (len);
  easemob__pb__meta__pack (meta, buf);
  return g_bytes_new_take (buf, len);
}

static void
test_meta_errors (void)
{
  g_autoptr (GBytes) golden = ct_bytes_from_annotated (GOLDEN_HEX);
  gsize glen;
  const guint8 *g = g_bytes_get_data (golden, &glen);
  const char *bad_b64[] = { "", "abc", "!!!!", "QUJD=A==", "QUJ D", "QUJDRA=", "QUJDRA==\n", "QU=DRA==", "Q===",
                            "_w==" /* URL-safe alphabet */ };
  guint8 garbage[] = { 0xff, 0xff, 0xff };

  /* Every truncation of the golden vector fails cleanly (and never crashes). */
  for (gsize n = 0; n < glen; n++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AcMessage) m = ac_message_from_meta (g, n, &error);
      g_assert_null (m);
      g_assert_nonnull (error);
      g_assert_true (error->domain == AC_CODEC_ERROR);
    }
  {
    /* Cut inside the payload's length-delimited field: a protobuf error. */
    g_autoptr (GError) error = NULL;
    g_autoptr (AcMessage) m = ac_message_from_meta (g, glen - 3, &error);
    g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "protobuf"));
  }
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (ac_message_from_meta (garbage, sizeof garbage, &error));
    g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_b64); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_null (ac_message_from_meta_base64 (bad_b64[i], &error));
      g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
    }
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (ac_message_from_meta_base64 (NULL, &error));
    g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
  }
  {
    /* Valid base64 of bytes that are not a Meta. */
    g_autoptr (GError) error = NULL;
    g_assert_null (ac_message_from_meta_base64 ("////", &error));
    g_assert_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
  }

  /* Namespaces other than CHAT, and CHAT metas whose payload is no MessageBody. */
  {
    Easemob__Pb__Meta meta = EASEMOB__PB__META__INIT;
    g_autoptr (GError) e1 = NULL;
    g_autoptr (GError) e2 = NULL;
    g_autoptr (GError) e3 = NULL;
    g_autoptr (GError) e4 = NULL;
    g_autoptr (GBytes) b1 = NULL, b2 = NULL, b3 = NULL, b4 = NULL;
    guint8 json[] = "{\"type\":\"conv\"}";

    meta.has_id = TRUE;
    meta.id = 1;
    meta.has_payload = TRUE;
    meta.payload.data = json;
    meta.payload.len = sizeof json - 1;
    meta.has_ns = TRUE;
    meta.ns = EASEMOB__PB__META__NAME_SPACE__NOTIFY;
    b1 = pack_meta (&meta);
    g_assert_null (ac_message_from_meta (g_bytes_get_data (b1, NULL), g_bytes_get_size (b1), &e1));
    g_assert_error (e1, AC_CODEC_ERROR, AC_CODEC_ERROR_UNSUPPORTED);

    meta.has_ns = FALSE; /* absent ns is STATISTIC (0) */
    b2 = pack_meta (&meta);
    g_assert_null (ac_message_from_meta (g_bytes_get_data (b2, NULL), g_bytes_get_size (b2), &e2));
    g_assert_error (e2, AC_CODEC_ERROR, AC_CODEC_ERROR_UNSUPPORTED);

    meta.has_ns = TRUE;
    meta.ns = EASEMOB__PB__META__NAME_SPACE__CHAT;
    b3 = pack_meta (&meta);
    g_assert_null (ac_message_from_meta (g_bytes_get_data (b3, NULL), g_bytes_get_size (b3), &e3));
    g_assert_error (e3, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
    g_assert_nonnull (strstr (e3->message, "MessageBody"));

    meta.has_payload = FALSE;
    b4 = pack_meta (&meta);
    g_assert_null (ac_message_from_meta (g_bytes_get_data (b4, NULL), g_bytes_get_size (b4), &e4));
    g_assert_error (e4, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED);
  }
}

static void
test_meta_fallbacks (void)
{
  /* A body without from/to names: the envelope names them; resources come from the envelope. */
  g_autoptr (AcMessage) m = ct_sample_message (AC_BODY_TEXT);
  g_autoptr (AcMessage) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  Easemob__Pb__Meta *meta;
  Easemob__Pb__MessageBody *body;

  m->to_resource = g_strdup ("dev2");
  meta = ac_message_to_pb_meta (m, NULL);
  g_assert_null (meta->to->appkey);
  g_assert_cmpstr (meta->to->clientresource, ==, "dev2");
  body = easemob__pb__message_body__unpack (NULL, meta->payload.len, meta->payload.data);
  g_clear_pointer (&body->from->name, free);
  g_clear_pointer (&body->to->name, free);
  g_free (meta->payload.data);
  meta->payload.len = easemob__pb__message_body__get_packed_size (body);
  meta->payload.data = g_malloc (meta->payload.len);
  easemob__pb__message_body__pack (body, meta->payload.data);
  ac_pb_message_body_free (body);
  bytes = pack_meta (meta);
  ac_pb_meta_free (meta);

  back = ac_message_from_meta (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->from, ==, "bob");
  g_assert_cmpstr (back->to, ==, "alice");
  g_assert_cmpstr (back->to_resource, ==, "dev2");
  g_assert_null (back->from_resource);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codec/pb/golden-meta", test_golden_meta);
  for (AcBodyType t = AC_BODY_TEXT; t <= AC_BODY_COMBINE; t++)
    {
      g_autofree char *path = g_strdup_printf ("/codec/pb/meta-round-trip/%s", ac_body_type_to_rest (t));
      g_test_add_data_func (path, GINT_TO_POINTER (t), test_meta_round_trip);
    }
  g_test_add_func ("/codec/pb/meta-round-trip-large", test_meta_round_trip_large);
  g_test_add_func ("/codec/pb/body-rules", test_body_rules);
  g_test_add_func ("/codec/pb/body-decode-cases", test_body_decode_cases);
  g_test_add_func ("/codec/pb/ext-encoding", test_ext_encoding);
  g_test_add_func ("/codec/pb/ext-decoding", test_ext_decoding);
  g_test_add_func ("/codec/pb/meta-errors", test_meta_errors);
  g_test_add_func ("/codec/pb/meta-fallbacks", test_meta_fallbacks);
  return g_test_run ();
}
