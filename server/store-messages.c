/* Messages: ids, insertion, and the history one user sees (roaming). */
#include "store-private.h"
#include "ac-message-json.h"
#include "ac-message-pb.h"

#include <string.h>

#define SEQ_BITS 20
#define SEQ_MASK ((G_GUINT64_CONSTANT (1) << SEQ_BITS) - 1)
/* ids are int64 in SQLite: the timestamp must leave the sign bit free. */
#define MAX_TIMESTAMP_MS ((G_GUINT64_CONSTANT (1) << (63 - SEQ_BITS)) - 1)
#define ROAMING_MAX_LIMIT 50

char *
store_conv_key (const char *user, const StoreConvRef *conv, GError **error)
{
  if (conv == NULL || conv->peer == NULL || *conv->peer == '\0')
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "no conversation given");
      return NULL;
    }
  switch (conv->chat_type)
    {
    case AC_CHAT_SINGLE:
      if (user == NULL || *user == '\0')
        break;
      /* \x1f cannot occur in user names; it keeps "a"+"bc" apart from "ab"+"c". */
      if (strcmp (user, conv->peer) <= 0)
        return g_strconcat ("u:", user, "\x1f", conv->peer, NULL);
      return g_strconcat ("u:", conv->peer, "\x1f", user, NULL);
    case AC_CHAT_GROUP:
      return g_strconcat ("g:", conv->peer, NULL);
    case AC_CHAT_ROOM:
    default:
      break;
    }
  g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
               "only single and group chats have a stored history");
  return NULL;
}

gboolean
store_user_conv_get (Store *store, gint64 app, const char *user, const char *conv_key,
                     StoreUserConv *out, GError **error)
{
  g_autoptr(sqlite3_stmt) st =
    store_stmt (store, STMT_UC_SELECT,
                "SELECT cleared_ts, cleared_id, removed_before_id, read_id FROM user_conversations"
                " WHERE app_id = ? AND username = ? AND conv_key = ?", error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, conv_key, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        store_set_sqlite_error (store, error, rc, "reading conversations");
      return FALSE;
    }
  out->cleared_ts = sqlite3_column_int64 (st, 0);
  out->cleared_id = sqlite3_column_int64 (st, 1);
  out->removed_before_id = sqlite3_column_int64 (st, 2);
  out->read_id = sqlite3_column_int64 (st, 3);
  return TRUE;
}

/* The message as the store keeps it: what its columns say, nothing else
 * (to_resource, for one, is not kept). */
static AcMessage *
message_from_columns (guint64 id, guint64 timestamp, const char *payload,
                      const char *from_resource, GError **error)
{
  g_autoptr(GError) local = NULL;
  AcMessage *msg;

  msg = ac_message_from_payload_string (payload, &local);
  if (msg == NULL)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED, "stored message %" G_GUINT64_FORMAT
                   " is unreadable: %s", id, local ? local->message : "no payload");
      return NULL;
    }
  msg->id = id;
  msg->timestamp = timestamp;
  g_free (msg->from_resource);
  msg->from_resource = g_strdup (from_resource);
  return msg;
}

AcMessage *
store_message_from_row (sqlite3_stmt *st, int col, GError **error)
{
  return message_from_columns ((guint64) sqlite3_column_int64 (st, col),
                               (guint64) sqlite3_column_int64 (st, col + 1),
                               (const char *) sqlite3_column_text (st, col + 2),
                               (const char *) sqlite3_column_text (st, col + 3), error);
}

/* ---- the stored Meta (history's form of a message) ---- */

static const char *
app_key (Store *store, gint64 app, GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  int rc;

  if (store->cached_app_key != NULL && store->cached_app == app)
    return store->cached_app_key;
  st = store_stmt (store, STMT_APP_KEY, "SELECT org || '#' || app FROM apps WHERE id = ?", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, app);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "app %" G_GINT64_FORMAT
                     " does not exist", app);
      else
        store_set_sqlite_error (store, error, rc, "reading apps");
      return NULL;
    }
  g_free (store->cached_app_key);
  store->cached_app_key = store_column_dup (st, 0);
  store->cached_app = app;
  return store->cached_app_key;
}

/* The packed Meta, made from the message as read back from its columns, not
 * from the caller's: history served before schema v2 did so, and the bytes
 * must not depend on when a message was stored.  NULL when unreadable. */
static GBytes *
stored_meta (const char *key, guint64 id, guint64 timestamp, const char *payload,
             const char *from_resource, GError **error)
{
  g_autoptr(AcMessage) stored = message_from_columns (id, timestamp, payload, from_resource, error);

  return stored ? ac_message_to_meta (stored, key) : NULL;
}

/* The message_metas row of a message.  meta NULL: its payload is unreadable. */
static gboolean
insert_meta (Store *store, gint64 app, const char *conv_key, guint64 id, guint64 timestamp,
             const char *sender, AcBodyType body_type, GBytes *meta, GError **error)
{
  sqlite3_stmt *st = store_stmt (store, STMT_META_INSERT,
                                 "INSERT INTO message_metas (app_id, conv_key, id, timestamp,"
                                 " sender, body_type, meta) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  gsize len = 0;
  gconstpointer data = meta ? g_bytes_get_data (meta, &len) : NULL;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, conv_key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 3, (gint64) id);
  sqlite3_bind_int64 (st, 4, (gint64) timestamp);
  sqlite3_bind_text (st, 5, sender, -1, SQLITE_STATIC);
  sqlite3_bind_int (st, 6, body_type);
  if (meta != NULL)
    sqlite3_bind_blob (st, 7, data, (int) len, SQLITE_STATIC);
  else
    sqlite3_bind_null (st, 7);
  return store_step_done (store, st, error);
}

gboolean
store_messages_fill_metas (Store *store, GError **error)
{
  sqlite3_stmt *st = NULL;
  gboolean ok = FALSE;
  int rc;

  /* Reading messages while writing message_metas only: the scan is never
   * disturbed by its own writes. */
  rc = sqlite3_prepare_v2 (store->db,
                           "SELECT m.app_id, m.conv_key, m.id, m.timestamp, m.sender, m.body_type,"
                           " m.payload, m.from_resource, a.org || '#' || a.app"
                           " FROM messages m JOIN apps a ON a.id = m.app_id"
                           " WHERE NOT EXISTS (SELECT 1 FROM message_metas x WHERE"
                           "  x.app_id = m.app_id AND x.conv_key = m.conv_key AND x.id = m.id)",
                           -1, &st, NULL);
  if (rc != SQLITE_OK)
    {
      store_set_sqlite_error (store, error, rc, "preparing the message metas");
      goto out;
    }
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      guint64 id = (guint64) sqlite3_column_int64 (st, 2), ts = (guint64) sqlite3_column_int64 (st, 3);
      g_autoptr(GBytes) meta = stored_meta ((const char *) sqlite3_column_text (st, 8), id, ts,
                                            (const char *) sqlite3_column_text (st, 6),
                                            (const char *) sqlite3_column_text (st, 7), NULL);
      if (!insert_meta (store, sqlite3_column_int64 (st, 0),
                        (const char *) sqlite3_column_text (st, 1), id, ts,
                        (const char *) sqlite3_column_text (st, 4),
                        (AcBodyType) sqlite3_column_int (st, 5), meta, error))
        goto out;
    }
  if (rc != SQLITE_DONE)
    {
      store_set_sqlite_error (store, error, rc, "reading messages");
      goto out;
    }
  ok = TRUE;
out:
  sqlite3_finalize (st);
  return ok;
}

/* ---- insertion ---- */

/* (timestamp << 20) | sequence, the next free one of that millisecond.  The
 * newest millisecond is known in memory; an older one (imported history)
 * asks the primary key, which is one index probe. */
static gboolean
assign_id (Store *store, guint64 timestamp, guint64 *out, GError **error)
{
  guint64 base = timestamp << SEQ_BITS, id;

  if (timestamp > MAX_TIMESTAMP_MS)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "timestamp %" G_GUINT64_FORMAT
                   " is out of range", timestamp);
      return FALSE;
    }
  if (base > store->last_msg_id)
    id = base;
  else if ((store->last_msg_id >> SEQ_BITS) == timestamp)
    id = store->last_msg_id + 1;
  else
    {
      g_autoptr(sqlite3_stmt) st =
        store_stmt (store, STMT_MSG_MAX_IN_MS,
                    "SELECT max(id) FROM messages WHERE id BETWEEN ? AND ?", error);
      int rc;
      if (st == NULL)
        return FALSE;
      sqlite3_bind_int64 (st, 1, (gint64) base);
      sqlite3_bind_int64 (st, 2, (gint64) (base | SEQ_MASK));
      rc = sqlite3_step (st);
      if (rc != SQLITE_ROW)
        {
          store_set_sqlite_error (store, error, rc, "reading message ids");
          return FALSE;
        }
      id = sqlite3_column_type (st, 0) == SQLITE_NULL
             ? base : (guint64) sqlite3_column_int64 (st, 0) + 1;
    }
  if ((id >> SEQ_BITS) != timestamp)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID,
                   "more than %" G_GUINT64_FORMAT " messages in millisecond %" G_GUINT64_FORMAT,
                   SEQ_MASK + 1, timestamp);
      return FALSE;
    }
  *out = id;
  return TRUE;
}

static gboolean
insert_row (Store *store, gint64 app, const AcMessage *msg, guint64 id, guint64 timestamp,
            const char *conv_key, GError **error)
{
  g_autofree char *payload = ac_message_to_payload_string (msg);
  const char *key = app_key (store, app, error);
  g_autoptr(GBytes) meta = key ? stored_meta (key, id, timestamp, payload, msg->from_resource,
                                              error) : NULL;
  sqlite3_stmt *st;
  int rc;

  if (meta == NULL)
    return FALSE;
  st = store_stmt (store, STMT_MSG_INSERT,
                   "INSERT INTO messages (id, app_id, conv_key, chat_type, sender,"
                   " recipient, timestamp, body_type, payload, from_resource)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, (gint64) id);
  sqlite3_bind_int64 (st, 2, app);
  sqlite3_bind_text (st, 3, conv_key, -1, SQLITE_STATIC);
  sqlite3_bind_int (st, 4, msg->chat_type);
  sqlite3_bind_text (st, 5, msg->from, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 6, msg->to, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 7, (gint64) timestamp);
  sqlite3_bind_int (st, 8, msg->type);
  sqlite3_bind_text (st, 9, payload, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 10, msg->from_resource, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  sqlite3_reset (st);
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_DUPLICATE,
                   "message %" G_GUINT64_FORMAT " exists", id);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      store_set_sqlite_error (store, error, rc, "storing a message");
      return FALSE;
    }
  return insert_meta (store, app, conv_key, id, timestamp, msg->from, msg->type, meta, error);
}

static gboolean
upsert_user_conv (Store *store, gint64 app, const char *user, const char *conv_key,
                  AcChatType type, const char *peer, GError **error)
{
  sqlite3_stmt *st = store_stmt (store, STMT_UC_UPSERT,
                                 "INSERT INTO user_conversations (app_id, username, conv_key,"
                                 " chat_type, peer) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                 error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, user, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, conv_key, -1, SQLITE_STATIC);
  sqlite3_bind_int (st, 4, type);
  sqlite3_bind_text (st, 5, peer, -1, SQLITE_STATIC);
  return store_step_done (store, st, error);
}

static gboolean
upsert_group_convs (Store *store, gint64 app, const char *group_id, const char *conv_key,
                    GError **error)
{
  sqlite3_stmt *st = store_stmt (store, STMT_UC_UPSERT_GROUP,
                                 "INSERT INTO user_conversations (app_id, username, conv_key,"
                                 " chat_type, peer) SELECT app_id, username, ?, ?, group_id"
                                 " FROM group_members WHERE app_id = ? AND group_id = ?"
                                 " ON CONFLICT DO NOTHING", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, conv_key, -1, SQLITE_STATIC);
  sqlite3_bind_int (st, 2, AC_CHAT_GROUP);
  sqlite3_bind_int64 (st, 3, app);
  sqlite3_bind_text (st, 4, group_id, -1, SQLITE_STATIC);
  return store_step_done (store, st, error);
}

gboolean
store_message_insert (Store *store, gint64 app, AcMessage *msg, GError **error)
{
  StoreConvRef ref;
  g_autofree char *conv_key = NULL;
  guint64 timestamp, id = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (msg == NULL || msg->from == NULL || *msg->from == '\0' || msg->to == NULL || *msg->to == '\0')
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "a message needs a sender and a recipient");
      return FALSE;
    }
  if (msg->id > (guint64) G_MAXINT64)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "message id %" G_GUINT64_FORMAT
                   " is out of range", msg->id);
      return FALSE;
    }
  ref.chat_type = msg->chat_type;
  ref.peer = msg->to;
  conv_key = store_conv_key (msg->from, &ref, error);
  if (conv_key == NULL)
    return FALSE;
  timestamp = msg->timestamp ? msg->timestamp : (guint64) store_now_ms ();

  if (!store_write_begin (store, error))
    return FALSE;
  if (msg->chat_type == AC_CHAT_GROUP)
    {
      g_autoptr(StoreGroup) group = store_group_get (store, app, msg->to, FALSE, error);
      if (group == NULL)
        goto out;
    }
  if (msg->id != 0)
    id = msg->id;
  else if (!assign_id (store, timestamp, &id, error))
    goto out;
  if (!insert_row (store, app, msg, id, timestamp, conv_key, error))
    goto out;
  if (msg->chat_type == AC_CHAT_GROUP)
    ok = upsert_group_convs (store, app, msg->to, conv_key, error);
  else
    ok = upsert_user_conv (store, app, msg->from, conv_key, AC_CHAT_SINGLE, msg->to, error) &&
         upsert_user_conv (store, app, msg->to, conv_key, AC_CHAT_SINGLE, msg->from, error);
out:
  if (!store_write_end (store, ok, error))
    return FALSE;
  store->last_msg_id = MAX (store->last_msg_id, id);
  msg->id = id;
  msg->timestamp = timestamp;
  return TRUE;
}

/* ---- roaming ---- */

/* The visibility rule, over `messages` or `message_metas` (both have these
 * columns) as m, shared by both directions: ?1 app, ?2 conv_key, ?3 user,
 * ?4 cleared_ts, ?5 cleared_id; then ?6 start (inclusive), ?7/?8 time
 * window, ?9 sender, ?10 type mask, ?11 limit. */
#define ROAM_WHERE \
  " WHERE m.app_id = ?1 AND m.conv_key = ?2" \
  "  AND m.timestamp > ?4 AND m.id > ?5" \
  "  AND NOT EXISTS (SELECT 1 FROM hidden_messages h" \
  "                  WHERE h.app_id = ?1 AND h.username = ?3 AND h.msg_id = m.id)" \
  "  AND (?7 < 0 OR m.timestamp >= ?7) AND (?8 < 0 OR m.timestamp <= ?8)" \
  "  AND (?9 IS NULL OR m.sender = ?9)" \
  "  AND (?10 = 0 OR (?10 >> m.body_type) & 1)"
#define ROAM_MESSAGES "SELECT m.id, m.timestamp, m.payload, m.from_resource FROM messages m" ROAM_WHERE
#define ROAM_METAS "SELECT m.id, m.meta FROM message_metas m" ROAM_WHERE
#define ROAM_BACKWARD " AND m.id <= ?6 ORDER BY m.id DESC LIMIT ?11"
#define ROAM_FORWARD " AND m.id >= ?6 ORDER BY m.id ASC LIMIT ?11"

/* The row's packed Meta. */
static GBytes *
meta_from_row (sqlite3_stmt *st, GError **error)
{
  const guchar *meta = sqlite3_column_blob (st, 1);
  int len = sqlite3_column_bytes (st, 1);

  if (meta == NULL || len == 0)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED, "stored message %" G_GINT64_FORMAT
                   " is unreadable: it has no meta", (gint64) sqlite3_column_int64 (st, 0));
      return NULL;
    }
  return g_bytes_new (meta, (gsize) len);
}

/* One page, each row made into an AcMessage or into its packed Meta. */
static GPtrArray *
roam (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
      const StoreRoamingQuery *q, gboolean metas, guint64 *next_key, gboolean *is_last,
      GError **error)
{
  g_autoptr(GPtrArray) page =
    g_ptr_array_new_with_free_func (metas ? (GDestroyNotify) g_bytes_unref
                                          : (GDestroyNotify) ac_message_free);
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autofree char *conv_key = NULL;
  StoreUserConv uc;
  g_autoptr(GError) local = NULL;
  guint64 next = 0;
  int rc;

  g_return_val_if_fail (store != NULL && q != NULL, NULL);
  if (q->limit < 1 || q->limit > ROAMING_MAX_LIMIT)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "page size %u is not within 1..%d",
                   q->limit, ROAMING_MAX_LIMIT);
      return NULL;
    }
  if (q->start > (guint64) G_MAXINT64)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "start id %" G_GUINT64_FORMAT
                   " is out of range", q->start);
      return NULL;
    }
  conv_key = store_conv_key (user, conv, error);
  if (conv_key == NULL)
    return NULL;
  if (!store_user_conv_get (store, app, user, conv_key, &uc, &local))
    {
      /* No row: the user has no history here (never took part, or a
       * member who joined after the last message). */
      if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      goto done;
    }

  if (metas && q->forward)
    st = store_stmt (store, STMT_ROAM_META_FORWARD, ROAM_METAS ROAM_FORWARD, error);
  else if (metas)
    st = store_stmt (store, STMT_ROAM_META_BACKWARD, ROAM_METAS ROAM_BACKWARD, error);
  else if (q->forward)
    st = store_stmt (store, STMT_ROAM_FORWARD, ROAM_MESSAGES ROAM_FORWARD, error);
  else
    st = store_stmt (store, STMT_ROAM_BACKWARD, ROAM_MESSAGES ROAM_BACKWARD, error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, conv_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 3, user, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, uc.cleared_ts);
  sqlite3_bind_int64 (st, 5, uc.cleared_id);
  sqlite3_bind_int64 (st, 6, q->start ? (gint64) q->start : (q->forward ? 0 : G_MAXINT64));
  sqlite3_bind_int64 (st, 7, q->start_time);
  sqlite3_bind_int64 (st, 8, q->end_time);
  sqlite3_bind_text (st, 9, conv->chat_type == AC_CHAT_GROUP ? q->sender : NULL, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 10, q->type_mask);
  /* One more than asked for: it tells whether there is a next page and where it starts. */
  sqlite3_bind_int (st, 11, (int) q->limit + 1);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gpointer item;
      if (page->len == q->limit)
        {
          next = (guint64) sqlite3_column_int64 (st, 0);
          continue;
        }
      item = metas ? (gpointer) meta_from_row (st, error)
                   : (gpointer) store_message_from_row (st, 0, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (page, item);
    }
  if (rc != SQLITE_DONE)
    {
      store_set_sqlite_error (store, error, rc, "reading history");
      return NULL;
    }
done:
  if (next_key)
    *next_key = next;
  if (is_last)
    *is_last = next == 0;
  return g_steal_pointer (&page);
}

GPtrArray *
store_roaming (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
               const StoreRoamingQuery *q, guint64 *next_key, gboolean *is_last, GError **error)
{
  return roam (store, app, user, conv, q, FALSE, next_key, is_last, error);
}

GPtrArray *
store_roaming_metas (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
                     const StoreRoamingQuery *q, guint64 *next_key, gboolean *is_last,
                     GError **error)
{
  return roam (store, app, user, conv, q, TRUE, next_key, is_last, error);
}
