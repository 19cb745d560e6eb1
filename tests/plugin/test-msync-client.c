/* The MSYNC client (plugin/core/ac-msync.c) against a scripted in-process
 * WebSocket server, for what the real server never does: expired tokens at
 * PROVISION, garbage frames, group (MUC) events, refusals with §7.6 reasons,
 * kicks, and a queue that repeats its key.  Sign-in (POST /token) goes to the
 * real local server. */
#include "ac-msync.h"
#include "ac-jid.h"
#include "ac-message-pb.h"
#include "local-server.h"

#include <libsoup/soup.h>
#include <string.h>

#define SEED "{\"users\":[{\"username\":\"alice\",\"password\":\"pw-a\"}]}"

/* ---- the scripted server ---- */

typedef struct {
  SoupServer *soup;
  char       *url;
  GPtrArray  *conns;          /* SoupWebsocketConnection* */
  guint       provisions;
  gboolean    refuse_first;   /* "Sorry, token expired" on the first PROVISION */
  GPtrArray  *metas;          /* GBytes* packed Metas for the first pull of g1 */
  guint64     next_key;       /* in the first pull reply */
  gboolean    repeat_key;     /* every pull gets metas + the same key */
  guint       pulls, acks;
  guint64     last_ack;
  Easemob__Pb__Status__ErrorCode send_code;
  const char *send_reason;
  char       *last_auth;
} Fake;

static GBytes *
pack_frame (Easemob__Pb__MSync__Command cmd, const ProtobufCMessage *payload)
{
  Easemob__Pb__MSync m = EASEMOB__PB__MSYNC__INIT;
  m.has_command = TRUE;
  m.command = cmd;
  g_autofree guint8 *pbuf = NULL;
  if (payload != NULL)
    {
      m.has_payload = TRUE;
      m.payload.len = protobuf_c_message_get_packed_size (payload);
      pbuf = g_malloc (m.payload.len + 1);
      protobuf_c_message_pack (payload, pbuf);
      m.payload.data = pbuf;
    }
  gsize len = easemob__pb__msync__get_packed_size (&m);
  guint8 *buf = g_malloc (len);
  easemob__pb__msync__pack (&m, buf);
  return g_bytes_new_take (buf, len);
}

static Easemob__Pb__JID g1_queue = { PROTOBUF_C_MESSAGE_INIT (&easemob__pb__jid__descriptor),
                                     NULL, (char *) "g1", (char *) AC_DOMAIN_GROUP, NULL };

static void
send_frame (SoupWebsocketConnection *ws, GBytes *frame)
{
  soup_websocket_connection_send_message (ws, SOUP_WEBSOCKET_DATA_BINARY, frame);
}

static void
reply_pull (Fake *f, SoupWebsocketConnection *ws, const Easemob__Pb__CommSyncUL *ul)
{
  Easemob__Pb__CommSyncDL dl = EASEMOB__PB__COMM_SYNC_DL__INIT;
  Easemob__Pb__Status ok = EASEMOB__PB__STATUS__INIT;
  ok.has_errorcode = TRUE;
  dl.status = &ok;
  dl.queue = ul->queue;
  g_autofree Easemob__Pb__Meta **metas = NULL;
  if (ul->has_key)
    {
      f->acks++;
      f->last_ack = ul->key;
    }
  else
    f->pulls++;
  if ((!ul->has_key || f->repeat_key) && f->metas != NULL && f->metas->len > 0
      && (f->pulls == 1 || f->repeat_key))
    {
      metas = g_new0 (Easemob__Pb__Meta *, f->metas->len);
      for (guint i = 0; i < f->metas->len; i++)
        metas[i] = easemob__pb__meta__unpack (NULL, g_bytes_get_size (f->metas->pdata[i]),
                                              g_bytes_get_data (f->metas->pdata[i], NULL));
      dl.n_metas = f->metas->len;
      dl.metas = metas;
      dl.has_nextkey = TRUE;
      dl.nextkey = f->next_key;
      dl.has_islast = TRUE;
    }
  else
    {
      dl.has_islast = TRUE;
      dl.islast = TRUE;
    }
  g_autoptr (GBytes) frame = pack_frame (EASEMOB__PB__MSYNC__COMMAND__SYNC, &dl.base);
  for (gsize i = 0; i < dl.n_metas; i++)
    easemob__pb__meta__free_unpacked (metas[i], NULL);
  send_frame (ws, frame);
}

static void
on_client_frame (SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer data)
{
  Fake *f = data;
  Easemob__Pb__MSync *m = easemob__pb__msync__unpack (NULL, g_bytes_get_size (message),
                                                      g_bytes_get_data (message, NULL));
  g_assert_nonnull (m);
  if (m->command == EASEMOB__PB__MSYNC__COMMAND__PROVISION)
    {
      f->provisions++;
      g_free (f->last_auth);
      f->last_auth = g_strdup (m->auth);
      Easemob__Pb__Provision p = EASEMOB__PB__PROVISION__INIT;
      Easemob__Pb__Status st = EASEMOB__PB__STATUS__INIT;
      st.has_errorcode = TRUE;
      p.status = &st;
      if (f->refuse_first && f->provisions == 1)
        {
          st.errorcode = EASEMOB__PB__STATUS__ERROR_CODE__FAIL;
          st.reason = (char *) "Sorry, token expired";
        }
      else
        p.resource = (char *) "server_res_1";
      g_autoptr (GBytes) frame = pack_frame (EASEMOB__PB__MSYNC__COMMAND__PROVISION, &p.base);
      send_frame (ws, frame);
      if (st.errorcode == EASEMOB__PB__STATUS__ERROR_CODE__OK)
        {
          /* Junk the client must shrug off, then the work. */
          static const guint8 junk[] = { 0xff, 0xff, 0x01 };
          g_autoptr (GBytes) j = g_bytes_new_static (junk, sizeof junk);
          send_frame (ws, j);
          soup_websocket_connection_send_text (ws, "not a frame");
        }
    }
  else if (m->command == EASEMOB__PB__MSYNC__COMMAND__UNREAD)
    {
      Easemob__Pb__CommUnreadDL ur = EASEMOB__PB__COMM_UNREAD_DL__INIT;
      Easemob__Pb__MetaQueue q = EASEMOB__PB__META_QUEUE__INIT;
      Easemob__Pb__MetaQueue *qs[1] = { &q };
      q.queue = &g1_queue;
      q.has_n = TRUE;
      q.n = f->metas != NULL ? f->metas->len : 0;
      if (f->metas != NULL && f->pulls == 0)
        {
          ur.n_unread = 1;
          ur.unread = qs;
        }
      g_autoptr (GBytes) frame = pack_frame (EASEMOB__PB__MSYNC__COMMAND__UNREAD, &ur.base);
      send_frame (ws, frame);
    }
  else if (m->command == EASEMOB__PB__MSYNC__COMMAND__SYNC)
    {
      Easemob__Pb__CommSyncUL *ul = easemob__pb__comm_sync_ul__unpack (NULL, m->payload.len,
                                                                       m->payload.data);
      g_assert_nonnull (ul);
      if (ul->meta != NULL)
        {
          Easemob__Pb__CommSyncDL ack = EASEMOB__PB__COMM_SYNC_DL__INIT;
          Easemob__Pb__Status st = EASEMOB__PB__STATUS__INIT;
          st.has_errorcode = TRUE;
          st.errorcode = f->send_code;
          st.reason = (char *) f->send_reason;
          ack.status = &st;
          ack.has_metaid = TRUE;
          ack.metaid = ul->meta->id;
          if (f->send_code == EASEMOB__PB__STATUS__ERROR_CODE__OK)
            {
              ack.has_serverid = TRUE;
              ack.serverid = 4242;
              ack.has_timestamp = TRUE;
              ack.timestamp = 1700000000000;
            }
          g_autoptr (GBytes) frame = pack_frame (EASEMOB__PB__MSYNC__COMMAND__SYNC, &ack.base);
          send_frame (ws, frame);
        }
      else if (ul->queue != NULL)
        reply_pull (f, ws, ul);
      easemob__pb__comm_sync_ul__free_unpacked (ul, NULL);
    }
  easemob__pb__msync__free_unpacked (m, NULL);
}

static void
on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *ws, gpointer data)
{
  Fake *f = data;
  g_ptr_array_add (f->conns, g_object_ref (ws));
  g_signal_connect (ws, "message", G_CALLBACK (on_client_frame), f);
}

static Fake *
fake_new (void)
{
  Fake *f = g_new0 (Fake, 1);
  f->conns = g_ptr_array_new_with_free_func (g_object_unref);
  f->soup = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (f->soup, "/websocket", NULL, NULL, on_websocket, f, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (soup_server_listen_local (f->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_autoptr (GSList) uris = soup_server_get_uris (f->soup);
  f->url = g_strdup_printf ("ws://127.0.0.1:%d/websocket", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return f;
}

static void
fake_free (Fake *f)
{
  for (guint i = 0; i < f->conns->len; i++)
    {
      SoupWebsocketConnection *ws = f->conns->pdata[i];
      g_signal_handlers_disconnect_by_data (ws, f);
      if (soup_websocket_connection_get_state (ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_ptr_array_unref (f->conns);
  soup_server_disconnect (f->soup);
  g_object_unref (f->soup);
  if (f->metas != NULL)
    g_ptr_array_unref (f->metas);
  g_free (f->last_auth);
  g_free (f->url);
  g_free (f);
}

/* ---- metas ---- */

static GBytes *
meta (Easemob__Pb__Meta__NameSpace ns, const ProtobufCMessage *payload, const char *json)
{
  Easemob__Pb__Meta m = EASEMOB__PB__META__INIT;
  static guint64 id = 100;
  m.has_id = TRUE;
  m.id = ++id;
  m.has_ns = TRUE;
  m.ns = ns;
  g_autofree guint8 *buf = NULL;
  m.has_payload = TRUE;
  if (payload != NULL)
    {
      m.payload.len = protobuf_c_message_get_packed_size (payload);
      buf = g_malloc (m.payload.len + 1);
      protobuf_c_message_pack (payload, buf);
      m.payload.data = buf;
    }
  else
    {
      m.payload.len = strlen (json);
      m.payload.data = (guint8 *) json;
    }
  gsize len = easemob__pb__meta__get_packed_size (&m);
  guint8 *out = g_malloc (len);
  easemob__pb__meta__pack (&m, out);
  return g_bytes_new_take (out, len);
}

static GBytes *
muc_presence (const char *who)
{
  Easemob__Pb__MUCBody b = EASEMOB__PB__MUCBODY__INIT;
  Easemob__Pb__JID gid = EASEMOB__PB__JID__INIT, from = EASEMOB__PB__JID__INIT;
  gid.name = (char *) "g1";
  from.name = (char *) who;
  b.mucid = &gid;
  b.from = &from;
  b.has_operation = TRUE;
  b.operation = EASEMOB__PB__MUCBODY__OPERATION__PRESENCE;
  return meta (EASEMOB__PB__META__NAME_SPACE__MUC, &b.base, NULL);
}

static GBytes *
chat_meta (const char *from, const char *text)
{
  g_autoptr (AcMessage) m = ac_message_new ();
  m->id = 777;
  m->timestamp = 1700000000000;
  m->chat_type = AC_CHAT_GROUP;
  m->from = g_strdup (from);
  m->to = g_strdup ("g1");
  m->type = AC_BODY_TEXT;
  m->text = g_strdup (text);
  return ac_message_to_meta (m, "org1#app1");
}

/* ---- the client side ---- */

typedef struct {
  guint connected, disconnected, failed, messages, notifies, group_events;
  GError *fail_error;
  char   *last_text;
  char   *last_group_member;
  int     last_group_kind;
} Seen;

static void on_connected (AcMsync *ms, gboolean re, Seen *s) { s->connected++; }
static void on_disconnected (AcMsync *ms, GError *e, Seen *s) { s->disconnected++; }
static void
on_failed (AcMsync *ms, GError *e, Seen *s)
{
  s->failed++;
  g_clear_error (&s->fail_error);
  s->fail_error = g_error_copy (e);
}
static void
on_message (AcMsync *ms, AcMessage *msg, const char *conv, gboolean is_group, Seen *s)
{
  s->messages++;
  g_free (s->last_text);
  s->last_text = g_strdup_printf ("%s|%s|%d|%s", msg->from, conv, is_group, msg->text);
}
static void on_notify (AcMsync *ms, AcMsyncNotify *n, Seen *s) { s->notifies++; }
static void
on_group (AcMsync *ms, AcGroupEvent *ev, Seen *s)
{
  s->group_events++;
  s->last_group_kind = ev->kind;
  g_free (s->last_group_member);
  s->last_group_member = g_strdup (ev->members->pdata[0]);
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_until (const guint *counter, guint n, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  guint tick = g_timeout_add (20, wake, NULL);
  while (*counter < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return *counter >= n;
}

typedef struct {
  LocalServer *srv;
  AcApi       *api;
  AcMsync     *ms;
  Fake        *fake;
  Seen         seen;
} Rig;

static void
rig_up (Rig *r)
{
  memset (r, 0, sizeof *r);
  r->srv = local_server_start (SEED, NULL);
  r->fake = fake_new ();
  g_autoptr (AcHttp) http = ac_http_new (NULL, 0);
  r->api = ac_api_new (http, "org1#app1", "alice", NULL);
  ac_api_set_rest_url (r->api, local_server_url (r->srv));
  ac_api_set_password (r->api, "pw-a");
  ac_http_set_token (http, "stale-token");
  r->ms = ac_msync_new (r->api, r->fake->url, "webim_pidgin_test", NULL);
  ac_msync_set_timing (r->ms, 0, 1000, 100);
  g_signal_connect (r->ms, "connected", G_CALLBACK (on_connected), &r->seen);
  g_signal_connect (r->ms, "disconnected", G_CALLBACK (on_disconnected), &r->seen);
  g_signal_connect (r->ms, "failed", G_CALLBACK (on_failed), &r->seen);
  g_signal_connect (r->ms, "message", G_CALLBACK (on_message), &r->seen);
  g_signal_connect (r->ms, "notify-event", G_CALLBACK (on_notify), &r->seen);
  g_signal_connect (r->ms, "group-event", G_CALLBACK (on_group), &r->seen);
}

static void
rig_down (Rig *r)
{
  ac_msync_stop (r->ms);
  g_object_unref (r->ms);
  g_object_unref (r->api);
  fake_free (r->fake);
  local_server_stop (r->srv);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_error (&r->seen.fail_error);
  g_free (r->seen.last_text);
  g_free (r->seen.last_group_member);
}

/* "Sorry, token expired" at PROVISION: one re-sign-in, then in. */
static void
test_reauth (void)
{
  Rig r;
  rig_up (&r);
  r.fake->refuse_first = TRUE;
  ac_msync_start (r.ms);
  g_assert_true (wait_until (&r.seen.connected, 1, 10000));
  g_assert_cmpuint (r.fake->provisions, ==, 2);
  g_assert_cmpuint (ac_msync_get_reauth_count (r.ms), ==, 1);
  g_assert_cmpstr (r.fake->last_auth, !=, "$t$stale-token");
  g_assert_true (g_str_has_prefix (r.fake->last_auth, "$t$"));
  /* The reply's resource is authoritative (§1.6). */
  g_assert_cmpstr (ac_msync_get_resource (r.ms), ==, "server_res_1");
  g_assert_cmpuint (r.seen.failed, ==, 0);
  rig_down (&r);
}

/* Junk frames are ignored; a pull brings a member joining, a message and
 * notifications (ours ignored); the batch is acked by its key. */
static void
test_pull_events (void)
{
  Rig r;
  rig_up (&r);
  r.fake->metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (r.fake->metas, muc_presence ("carol"));
  g_ptr_array_add (r.fake->metas, chat_meta ("bob", "hi group"));
  g_ptr_array_add (r.fake->metas, meta (EASEMOB__PB__META__NAME_SPACE__NOTIFY, NULL,
    "{\"type\":\"roaming_delete\",\"data\":{\"resource\":\"other\",\"to\":\"bob\",\"chatType\":\"chat\",\"msgIdList\":[\"5\"]}}"));
  g_ptr_array_add (r.fake->metas, meta (EASEMOB__PB__META__NAME_SPACE__NOTIFY, NULL,
    "{\"type\":\"roaming_delete\",\"data\":{\"resource\":\"server_res_1\",\"to\":\"bob\",\"chatType\":\"chat\"}}"));
  g_ptr_array_add (r.fake->metas, meta (EASEMOB__PB__META__NAME_SPACE__NOTIFY, NULL, "{broken"));
  r.fake->next_key = 55;
  ac_msync_start (r.ms);
  g_assert_true (wait_until (&r.fake->acks, 1, 10000));
  g_assert_cmpuint (r.fake->last_ack, ==, 55);
  g_assert_cmpuint (r.seen.group_events, ==, 1);
  g_assert_cmpint (r.seen.last_group_kind, ==, AC_GROUP_EVENT_JOINED);
  g_assert_cmpstr (r.seen.last_group_member, ==, "carol");
  g_assert_cmpuint (r.seen.messages, ==, 1);
  g_assert_cmpstr (r.seen.last_text, ==, "bob|g1|1|hi group");
  g_assert_cmpuint (r.seen.notifies, ==, 1);
  g_assert_cmpuint (r.seen.failed, ==, 0);
  g_assert_cmpuint (r.seen.disconnected, ==, 0);
  rig_down (&r);
}

typedef struct {
  gboolean done, ok;
  guint64  id;
  GError  *error;
} SendWait;

static void
on_sent (GObject *source, GAsyncResult *result, gpointer data)
{
  SendWait *w = data;
  w->ok = ac_msync_send_finish (AC_MSYNC (source), result, &w->id, NULL, &w->error);
  w->done = TRUE;
}

static void
send_one (Rig *r, SendWait *w)
{
  g_autoptr (AcMessage) m = ac_message_new ();
  m->chat_type = AC_CHAT_SINGLE;
  m->from = g_strdup ("alice");
  m->to = g_strdup ("bob");
  m->type = AC_BODY_TEXT;
  m->text = g_strdup ("hi");
  ac_msync_send_async (r->ms, m, NULL, on_sent, w);
  guint tick = g_timeout_add (20, wake, NULL);
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

/* An ack, a refusal with §7.6's reason, and a send before the connection
 * is up (queued, then sent). */
static void
test_send_statuses (void)
{
  Rig r;
  rig_up (&r);
  ac_msync_start (r.ms);
  SendWait early = { 0 };
  send_one (&r, &early); /* queued until PROVISION, then acked */
  g_assert_true (early.ok);
  g_assert_cmpuint (early.id, ==, 4242);
  r.fake->send_code = EASEMOB__PB__STATUS__ERROR_CODE__PERMISSION_DENIED;
  r.fake->send_reason = "user is mute";
  SendWait muted = { 0 };
  send_one (&r, &muted);
  g_assert_false (muted.ok);
  g_assert_error (muted.error, AC_MSYNC_ERROR, AC_MSYNC_ERROR_REFUSED);
  g_assert_nonnull (strstr (muted.error->message, "muted"));
  g_clear_error (&muted.error);
  r.fake->send_code = EASEMOB__PB__STATUS__ERROR_CODE__FAIL;
  r.fake->send_reason = "nonroster";
  SendWait nonroster = { 0 };
  send_one (&r, &nonroster);
  g_assert_nonnull (strstr (nonroster.error->message, "Not a contact"));
  g_clear_error (&nonroster.error);
  rig_down (&r);
}

/* A kick in a pull: acked (so the next sign-in is not kicked again), then
 * "failed" once and no reconnect. */
static void
test_kick (void)
{
  Rig r;
  rig_up (&r);
  Easemob__Pb__StatisticsBody st = EASEMOB__PB__STATISTICS_BODY__INIT;
  st.has_operation = TRUE;
  st.operation = EASEMOB__PB__STATISTICS_BODY__OPERATION__USER_KICKED_BY_CHANGE_PASSWORD;
  r.fake->metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (r.fake->metas, meta (EASEMOB__PB__META__NAME_SPACE__STATISTIC, &st.base, NULL));
  r.fake->next_key = 9;
  ac_msync_start (r.ms);
  g_assert_true (wait_until (&r.seen.failed, 1, 10000));
  g_assert_error (r.seen.fail_error, AC_MSYNC_ERROR, AC_MSYNC_ERROR_KICKED_PASSWORD);
  g_assert_true (wait_until (&r.fake->acks, 1, 3000));
  g_assert_cmpuint (r.fake->last_ack, ==, 9);
  guint zero = 0;
  wait_until (&zero, 1, 1500);
  g_assert_cmpuint (r.fake->provisions, ==, 1);
  g_assert_cmpuint (r.seen.failed, ==, 1);
  g_assert_false (ac_msync_is_connected (r.ms));
  rig_down (&r);
}

/* A queue that answers every ack with the same key and more metas is given
 * up after a few rounds instead of looping. */
static void
test_repeated_key (void)
{
  Rig r;
  rig_up (&r);
  r.fake->metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (r.fake->metas, chat_meta ("bob", "again"));
  r.fake->next_key = 7;
  r.fake->repeat_key = TRUE;
  ac_msync_start (r.ms);
  g_assert_true (wait_until (&r.fake->acks, 1, 10000));
  guint zero = 0;
  wait_until (&zero, 1, 1500);
  g_assert_cmpuint (r.fake->acks, <=, 5);
  g_assert_cmpuint (r.seen.messages, >=, 1);
  g_assert_true (ac_msync_is_connected (r.ms));
  rig_down (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/msync-client/reauth", test_reauth);
  g_test_add_func ("/msync-client/pull-events", test_pull_events);
  g_test_add_func ("/msync-client/send-statuses", test_send_statuses);
  g_test_add_func ("/msync-client/kick", test_kick);
  g_test_add_func ("/msync-client/repeated-key", test_repeated_key);
  return g_test_run ();
}
