/* The internal message: life cycle, type names, one-line descriptions. */
#include "ac-error.h"
#include "ac-message.h"

#include <string.h>

static void
test_new_defaults (void)
{
  g_autoptr (AcMessage) m = ac_message_new ();

  g_assert_cmpint (m->chat_type, ==, AC_CHAT_SINGLE);
  g_assert_cmpint (m->type, ==, AC_BODY_TEXT);
  g_assert_cmpint (m->file_length, ==, -1);
  g_assert_cmpint (m->duration, ==, -1);
  g_assert_cmpuint (m->id, ==, 0);
  g_assert_null (m->ext);
  ac_message_free (NULL);
}

static void
test_copy_is_deep (void)
{
  g_autoptr (AcMessage) m = ac_message_new ();
  g_autoptr (AcMessage) c = NULL;
  JsonObject *inner = json_object_new ();

  m->id = 5;
  m->from = g_strdup ("bob");
  m->text = g_strdup ("hi");
  m->ext = json_object_new ();
  json_object_set_int_member (inner, "z", 1);
  json_object_set_object_member (m->ext, "o", inner);
  m->custom_exts = json_object_new ();
  json_object_set_string_member (m->custom_exts, "k", "v");

  c = ac_message_copy (m);
  g_assert_true (c != m);
  g_assert_cmpuint (c->id, ==, 5);
  g_assert_cmpstr (c->from, ==, "bob");
  g_assert_true (c->from != m->from);
  g_assert_cmpstr (c->text, ==, "hi");
  g_assert_true (c->ext != m->ext);
  /* Changing the original's nested object must not show in the copy. */
  json_object_set_int_member (inner, "z", 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (c->ext, "o"), "z"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (c->custom_exts, "k"), ==, "v");
  g_assert_null (ac_message_copy (NULL));
}

static void
test_type_names (void)
{
  const char *names[] = { "txt", "img", "video", "loc", "audio", "file", "cmd", "custom", "combine" };
  AcChatType ct;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      AcBodyType t = 99;
      g_assert_true (ac_body_type_from_rest (names[i], &t));
      g_assert_cmpint (t, ==, (AcBodyType) i);
      g_assert_cmpstr (ac_body_type_to_rest (t), ==, names[i]);
    }
  g_assert_false (ac_body_type_from_rest ("TXT", NULL));
  g_assert_false (ac_body_type_from_rest ("", NULL));
  g_assert_false (ac_body_type_from_rest (NULL, NULL));
  g_assert_null (ac_body_type_to_rest (42));

  g_assert_cmpstr (ac_chat_type_to_rest (AC_CHAT_SINGLE), ==, "chat");
  g_assert_cmpstr (ac_chat_type_to_rest (AC_CHAT_GROUP), ==, "groupchat");
  g_assert_cmpstr (ac_chat_type_to_rest (AC_CHAT_ROOM), ==, "chatroom");
  g_assert_null (ac_chat_type_to_rest (0));
  g_assert_true (ac_chat_type_from_rest ("groupChat", &ct) && ct == AC_CHAT_GROUP);
  g_assert_true (ac_chat_type_from_rest ("GROUPCHAT", &ct) && ct == AC_CHAT_GROUP);
  g_assert_true (ac_chat_type_from_rest ("chatRoom", &ct) && ct == AC_CHAT_ROOM);
  g_assert_true (ac_chat_type_from_rest ("chat", &ct) && ct == AC_CHAT_SINGLE);
  g_assert_true (ac_chat_type_from_rest ("singleChat", &ct) && ct == AC_CHAT_SINGLE);
  g_assert_false (ac_chat_type_from_rest ("group", &ct));
  g_assert_false (ac_chat_type_from_rest ("", &ct));
  g_assert_false (ac_chat_type_from_rest (NULL, &ct));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codec/message/new-defaults", test_new_defaults);
  g_test_add_func ("/codec/message/copy-is-deep", test_copy_is_deep);
  g_test_add_func ("/codec/message/type-names", test_type_names);
  return g_test_run ();
}
