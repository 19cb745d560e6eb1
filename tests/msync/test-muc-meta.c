/* The MUC metas the server makes (msync_meta_muc): the fields both readers
 * rely on, the official SDK (Meta.from.name, Meta.to.domain, MUCBody.from /
 * to[] / members[] / mucName / mucMemberCount) and our plugin (mucId.name,
 * operation, to[] before members[] before from). */
#include "msync-frames.h"
#include "ac-jid.h"

static Easemob__Pb__MUCBody *
unpack_body (GBytes *packed, Easemob__Pb__Meta **meta_out)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (packed, &len);
  Easemob__Pb__Meta *meta = easemob__pb__meta__unpack (NULL, len, data);
  Easemob__Pb__MUCBody *body;

  g_assert_nonnull (meta);
  g_assert_true (meta->has_ns);
  g_assert_cmpint (meta->ns, ==, EASEMOB__PB__META__NAME_SPACE__MUC);
  g_assert_true (meta->has_payload);
  body = easemob__pb__mucbody__unpack (NULL, meta->payload.len, meta->payload.data);
  g_assert_nonnull (body);
  *meta_out = meta;
  return body;
}

static void
test_single (void)
{
  const char *targets[] = { "carol", NULL };
  MsyncMucEvent ev = {
    .app_key = "org#app", .group_id = "4242", .group_name = "Team",
    .op = EASEMOB__PB__MUCBODY__OPERATION__KICK, .from = "alice",
    .targets = targets, .as_members = FALSE, .member_count = 2,
  };
  g_autoptr(GBytes) packed = msync_meta_muc (77, &ev, "carol", 1700000000000);
  Easemob__Pb__Meta *meta = NULL;
  Easemob__Pb__MUCBody *body = unpack_body (packed, &meta);

  g_assert_cmpuint (meta->id, ==, 77);
  g_assert_cmpuint (meta->timestamp, ==, 1700000000000);
  g_assert_cmpstr (meta->from->name, ==, "4242");
  g_assert_cmpstr (meta->from->domain, ==, AC_DOMAIN_GROUP);
  g_assert_cmpstr (meta->to->name, ==, "carol");
  g_assert_cmpstr (meta->to->domain, ==, AC_DOMAIN_USER);

  g_assert_cmpstr (body->mucid->name, ==, "4242");
  g_assert_cmpstr (body->mucid->domain, ==, AC_DOMAIN_GROUP);
  g_assert_cmpstr (body->mucid->appkey, ==, "org#app");
  g_assert_true (body->has_operation);
  g_assert_cmpint (body->operation, ==, EASEMOB__PB__MUCBODY__OPERATION__KICK);
  g_assert_cmpstr (body->from->name, ==, "alice");
  g_assert_cmpuint (body->n_to, ==, 1);
  g_assert_cmpstr (body->to[0]->name, ==, "carol");
  g_assert_cmpstr (body->to[0]->domain, ==, AC_DOMAIN_USER);
  g_assert_cmpuint (body->n_members, ==, 0);
  g_assert_cmpstr (body->mucname, ==, "Team");
  g_assert_true (body->has_mucmembercount);
  g_assert_cmpint (body->mucmembercount, ==, 2);
  g_assert_true (body->has_ischatroom);
  g_assert_false (body->ischatroom);
  easemob__pb__mucbody__free_unpacked (body, NULL);
  easemob__pb__meta__free_unpacked (meta, NULL);
}

static void
test_members (void)
{
  const char *targets[] = { "carol", "dave", NULL };
  MsyncMucEvent ev = {
    .app_key = "org#app", .group_id = "4242",
    .op = EASEMOB__PB__MUCBODY__OPERATION__ABSENCE, .from = "admin",
    .targets = targets, .as_members = TRUE,
  };
  g_autoptr(GBytes) packed = msync_meta_muc (78, &ev, "bob", 1);
  Easemob__Pb__Meta *meta = NULL;
  Easemob__Pb__MUCBody *body = unpack_body (packed, &meta);

  g_assert_cmpint (body->operation, ==, EASEMOB__PB__MUCBODY__OPERATION__ABSENCE);
  g_assert_cmpuint (body->n_to, ==, 0);
  g_assert_cmpuint (body->n_members, ==, 2);
  g_assert_cmpstr (body->members[0], ==, "carol");
  g_assert_cmpstr (body->members[1], ==, "dave");
  g_assert_null (body->mucname);
  g_assert_false (body->has_mucmembercount);
  easemob__pb__mucbody__free_unpacked (body, NULL);
  easemob__pb__meta__free_unpacked (meta, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/msync/muc-meta/single", test_single);
  g_test_add_func ("/msync/muc-meta/members", test_members);
  return g_test_run ();
}
