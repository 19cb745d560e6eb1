#pragma once
#include <glib.h>
#include "ac-message.h"

G_BEGIN_DECLS

/* The local server's SQLite store (WAL mode, one file).  Every statement is
 * prepared; every public call that writes is one transaction unless the caller
 * wraps several in store_begin()/store_commit().  All times are ms since epoch.
 * This file is the one place that knows the server's schema. */

#define STORE_ERROR (store_error_quark ())
GQuark store_error_quark (void);
typedef enum {
  STORE_ERROR_FAILED,        /* SQLite failed (disk full, I/O): a 500 */
  STORE_ERROR_DUPLICATE,     /* unique key exists (user name taken) */
  STORE_ERROR_NOT_FOUND,     /* user / group / conversation unknown */
  STORE_ERROR_INVALID,       /* argument the store refuses (empty name …) */
} StoreError;

typedef struct _Store Store;

Store   *store_open (const char *path, GError **error);
void     store_close (Store *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Store, store_close)

/* Nestable: only the outermost begin/commit touch SQLite. */
gboolean store_begin (Store *store, GError **error);
gboolean store_commit (Store *store, GError **error);
void     store_rollback (Store *store);

/* Apps ("org#app"): created on first use; every other table is scoped by the id. */
gint64   store_app_ensure (Store *store, const char *org, const char *app, GError **error);

/* Users.  Passwords are kept as crypt(3) hashes (sha512-crypt). */
typedef struct {
  char   *username;
  char   *nickname;  /* may be NULL */
  gint64  created;
  gboolean activated;
} StoreUser;
void       store_user_free (StoreUser *u);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreUser, store_user_free)

gboolean   store_user_create (Store *store, gint64 app, const char *username, const char *password,
                              const char *nickname, GError **error);
StoreUser *store_user_get (Store *store, gint64 app, const char *username, GError **error); /* NOT_FOUND */
typedef enum { STORE_PASSWORD_OK, STORE_PASSWORD_NO_USER, STORE_PASSWORD_WRONG } StorePasswordCheck;
StorePasswordCheck store_user_check_password (Store *store, gint64 app, const char *username,
                                              const char *password, GError **error);

/* Tokens: random, opaque; only their SHA-256 is stored.  username NULL = app admin token. */
char    *store_token_issue (Store *store, gint64 app, const char *username, gint64 ttl_ms,
                            gint64 *expires_at, GError **error);
/* FALSE (no error) when unknown; an expired token is returned with its expiry, the caller decides. */
gboolean store_token_lookup (Store *store, const char *token, gint64 *app, char **username,
                             gint64 *expires_at, GError **error);

/* Groups: ids are decimal strings of 64-bit numbers, like Agora's. */
typedef struct {
  char      *id;
  char      *name;
  char      *description;
  char      *owner;
  gint64     created;
  gboolean   is_public;
  gint       maxusers;
  GPtrArray *members; /* StoreMember*, owner first, then by joined_time; NULL where not asked for */
} StoreGroup;
typedef struct {
  char   *username;
  char   *role;       /* "owner" | "admin" | "member" */
  gint64  joined_time;
} StoreMember;
void store_group_free (StoreGroup *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreGroup, store_group_free)

/* The owner is always a member; members that are not users are NOT_FOUND. */
char       *store_group_create (Store *store, gint64 app, const char *name, const char *description,
                                const char *owner, const char * const *members, gboolean is_public,
                                gint maxusers, GError **error);
StoreGroup *store_group_get (Store *store, gint64 app, const char *group_id, gboolean with_members,
                             GError **error);                                   /* NOT_FOUND */
GPtrArray  *store_groups_joined (Store *store, gint64 app, const char *username, GError **error); /* StoreGroup*, no members */
gboolean    store_group_is_member (Store *store, gint64 app, const char *group_id, const char *username);
/* Membership changes after creation.  Adding: role "member", joined now;
 * NOT_FOUND for an unknown group or user, DUPLICATE when already a member,
 * INVALID "group member list is full!" at maxusers.  Removing (a kick, or
 * leaving when the user removes itself): NOT_FOUND for an unknown group or a
 * user who is not a member, INVALID for the owner (a group always has one). */
gboolean    store_group_add_member (Store *store, gint64 app, const char *group_id,
                                    const char *username, GError **error);
gboolean    store_group_remove_member (Store *store, gint64 app, const char *group_id,
                                       const char *username, GError **error);

/* Contacts (symmetric). */
gboolean   store_contact_add (Store *store, gint64 app, const char *a, const char *b, GError **error);
GPtrArray *store_contacts (Store *store, gint64 app, const char *username, GError **error); /* char* */

/* Messages.  msg->id == 0: a new id is assigned (ids grow with timestamps:
 * (timestamp << 20) | sequence, so id order is time order);
 * msg->timestamp == 0: now.  Updates both parties' (or all group members')
 * conversations.  On success msg->id and msg->timestamp are set. */
gboolean store_message_insert (Store *store, gint64 app, AcMessage *msg, GError **error);

/* What one user sees of one conversation. */
typedef struct {
  AcChatType  chat_type;   /* AC_CHAT_SINGLE or AC_CHAT_GROUP */
  const char *peer;        /* the other user, or the group id */
} StoreConvRef;

typedef struct {
  guint64     start;        /* 0 = from the newest (backward) / oldest (forward); inclusive */
  guint       limit;        /* 1..50 */
  gboolean    forward;      /* TRUE: oldest first (is_positive) */
  gint64      start_time;   /* -1 = none */
  gint64      end_time;     /* -1 = none */
  const char *sender;       /* group sender filter, NULL = all */
  guint32     type_mask;    /* bit (1 << AcBodyType); 0 = all */
} StoreRoamingQuery;

/* Messages visible to `user`, in the requested order.  *next_key = id of the
 * first message of the next page (0 when *is_last).  Returns AcMessage*. */
GPtrArray *store_roaming (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
                          const StoreRoamingQuery *q, guint64 *next_key, gboolean *is_last,
                          GError **error);
/* The same page with each message in its history form, its packed protobuf
 * Meta, made once when it was stored: the bytes of ac_message_to_meta of what
 * store_roaming returns, read without parsing or encoding anything.
 * Returns GBytes*. */
GPtrArray *store_roaming_metas (Store *store, gint64 app, const char *user,
                                const StoreConvRef *conv, const StoreRoamingQuery *q,
                                guint64 *next_key, gboolean *is_last, GError **error);

typedef struct {
  AcChatType chat_type;
  char      *peer;
  guint      unread;
  gboolean   is_top;
  gint64     top_time;
  AcMessage *last;         /* newest visible message, never NULL */
} StoreConversation;
void store_conversation_free (StoreConversation *c);

/* Conversations of `user` that have a visible message, newest activity first.
 * offset/limit page them; since_ms >= 0 keeps only those active since then.
 * after_id != 0 continues a keyset listing: only conversations whose last
 * message id is < after_id. */
GPtrArray *store_conversations (Store *store, gint64 app, const char *user, gint64 since_ms,
                                guint64 after_id, guint offset, guint limit, GError **error);

/* One-way deletion: hides messages from `user` only.  Return the number of
 * messages that were visible and are now hidden. */
gint64   store_hide_messages (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
                              const guint64 *ids, guint n_ids, GError **error);
gint64   store_hide_before (Store *store, gint64 app, const char *user, const StoreConvRef *conv,
                            gint64 before_ms, GError **error);   /* at or before */
gint64   store_hide_all (Store *store, gint64 app, const char *user, GError **error);

/* Conversation deletion (R6): no participant gets the conversation from the
 * list any more (until a newer message arrives); with delete_roam the
 * conversation's messages are deleted for everyone.  NOT_FOUND when `user`
 * has no such conversation. */
gboolean store_conversation_delete (Store *store, gint64 app, const char *user,
                                    const StoreConvRef *conv, gboolean delete_roam, GError **error);

/* Everything in the conversation so far counts as read by `user` (MSYNC
 * channel ack).  NOT_FOUND when `user` has no such conversation. */
gboolean store_conversation_mark_read (Store *store, gint64 app, const char *user,
                                       const StoreConvRef *conv, GError **error);
/* Pins (is_top, top_time = now) or unpins the conversation for `user`.  NOT_FOUND as above. */
gboolean store_conversation_set_top (Store *store, gint64 app, const char *user,
                                     const StoreConvRef *conv, gboolean is_top, GError **error);

/* Caps the database file (a quota): writes beyond it fail with a
 * "disk full" STORE_ERROR_FAILED, as on a full disk. */
gboolean store_set_max_size (Store *store, gint64 max_bytes, GError **error);

/* Size figures for the benchmark. */
gint64   store_count_messages (Store *store, gint64 app);

/* ---- MSYNC delivery queues (store-msync.c) ----
 * What the WebSocket side still has to hand to a device: packed Meta
 * protobufs in named queues (the queue JID in string form, e.g.
 * "bob@easemob.com", "alice@easemob.com/res", "42@conference.easemob.com").
 * Rows belong to one device (`resource`) or, with resource "", to the user
 * as a whole (taken over by the next device that logs in).  Every row has a
 * sequence number that only grows: it is the pull cursor (nextKey). */
gboolean store_msync_init (Store *store, GError **error);
/* Queues one item; a second item with the same (ns, item_id) for the same
 * device is ignored.  *seq (may be NULL) gets its sequence number, 0 when ignored. */
gboolean store_msync_enqueue (Store *store, gint64 app, const char *user, const char *resource,
                              const char *queue, gint ns, guint64 item_id, GBytes *meta,
                              guint64 *seq, GError **error);
/* Up to `limit` items of one queue in order (GBytes* packed Metas); *last_seq =
 * sequence number of the last one (0 when none). */
GPtrArray *store_msync_batch (Store *store, gint64 app, const char *user, const char *resource,
                              const char *queue, guint limit, guint64 *last_seq, GError **error);
/* Acknowledges (drops) the items of one queue up to and including `upto`. */
gboolean store_msync_ack (Store *store, gint64 app, const char *user, const char *resource,
                          const char *queue, guint64 upto, GError **error);
typedef struct {
  char  *queue;
  guint  n;
} StoreMsyncQueue;
void       store_msync_queue_free (StoreMsyncQueue *q);
/* The device's non-empty queues, oldest first. */
GPtrArray *store_msync_unread (Store *store, gint64 app, const char *user, const char *resource,
                               GError **error);
/* The device takes over the user-level ("") items, except those of queue
 * `skip_queue` (copies of the device's own messages), which are dropped. */
gboolean store_msync_claim (Store *store, gint64 app, const char *user, const char *resource,
                            const char *skip_queue, GError **error);
/* The device's unacknowledged items go back to the user level. */
gboolean store_msync_release (Store *store, gint64 app, const char *user, const char *resource,
                              GError **error);
/* Drops items queued before `before_ms`; returns how many, -1 on error. */
gint64   store_msync_purge (Store *store, gint64 before_ms, GError **error);

/* Messages inserted outside the WebSocket (REST sends, import) are announced
 * to an observer (the MSYNC side) so online devices hear of them.  `live` is
 * FALSE for history with a given timestamp (import). */
typedef void (*StoreMessageObserver) (gint64 app, const AcMessage *msg, gboolean live,
                                      gpointer user_data);
void     store_set_message_observer (Store *store, StoreMessageObserver observer, gpointer user_data);
void     store_message_announce (Store *store, gint64 app, const AcMessage *msg, gboolean live);

G_END_DECLS
