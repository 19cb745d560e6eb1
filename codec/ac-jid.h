#pragma once
#include <glib.h>

G_BEGIN_DECLS

#define AC_DOMAIN_USER  "easemob.com"
#define AC_DOMAIN_GROUP "conference.easemob.com"

/* A JID: the protobuf JID, and the string forms used in REST
 * ("org#app_bob@easemob.com/res", and roaming queues "bob@easemob.com"). */
typedef struct {
  char *app_key;   /* "org#app", may be NULL */
  char *name;      /* user, group or chat-room id */
  char *domain;    /* AC_DOMAIN_USER or AC_DOMAIN_GROUP, may be NULL */
  char *resource;  /* device resource, may be NULL */
} AcJid;

AcJid   *ac_jid_new (const char *app_key, const char *name, const char *domain, const char *resource);
void     ac_jid_free (AcJid *jid);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AcJid, ac_jid_free)

/* Accepts "org#app_name@domain/res", "name@domain/res", "name@domain", "name".
 * The app-key prefix is recognised only when the string contains '#'. */
AcJid   *ac_jid_parse (const char *s, GError **error);
/* "org#app_name@domain[/res]"; without app_key: "name@domain[/res]". */
char    *ac_jid_to_string (const AcJid *jid);

/* Roaming queue strings: "<id>@easemob.com" / "<id>@conference.easemob.com". */
char    *ac_queue_for (const char *id, gboolean group);
gboolean ac_queue_parse (const char *queue, char **id, gboolean *group, GError **error);

/* "org#app" -> "org", "app"; exactly one '#', both halves non-empty. */
gboolean ac_app_key_split (const char *app_key, char **org, char **app, GError **error);

G_END_DECLS
