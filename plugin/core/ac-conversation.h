#pragma once
#include <glib.h>
#include "ac-message.h"

G_BEGIN_DECLS

/* One server conversation as the client knows it: a peer user or a group. */
typedef struct {
  char      *id;        /* peer user id or group id, no domain */
  gboolean   is_group;
  char      *name;      /* nickname / group name, NULL when unknown */
  guint      unread;
  AcMessage *last;      /* latest message, NULL when unknown */
} AcConversation;

AcConversation *ac_conversation_new (const char *id, gboolean is_group);
void            ac_conversation_free (AcConversation *conv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcConversation, ac_conversation_free)

/* A group the user has joined (joined_chatgroups). */
typedef struct {
  char *id;
  char *name;
} AcGroupInfo;

void ac_group_info_free (AcGroupInfo *info);

/* One page of messageroaming. */
typedef struct {
  GPtrArray *messages; /* AcMessage*, in server order */
  GPtrArray *metas;    /* GBytes*, each message's packed Meta as received (for the store) */
  guint64    next_key; /* 0 = none */
  gboolean   is_last;
} AcRoamingPage;

void ac_roaming_page_free (AcRoamingPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcRoamingPage, ac_roaming_page_free)

G_END_DECLS
