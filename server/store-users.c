/* Apps, users with their password hashes, and access tokens. */
#include "store-private.h"

#include <crypt.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#define TOKEN_RANDOM_BYTES 32
/* Agora's tokens start with "YWMt"; clients may look at it, so ours do too. */
#define TOKEN_PREFIX "YWMt"
/* Expired tokens are dropped this long after their expiry. */
#define TOKEN_PURGE_AFTER_MS (24 * 3600 * G_GINT64_CONSTANT (1000))

gint64
store_app_ensure (Store *store, const char *org, const char *app, GError **error)
{
  sqlite3_stmt *ins;
  g_autoptr(sqlite3_stmt) sel = NULL;
  gint64 id = -1;

  g_return_val_if_fail (store != NULL, -1);
  if (org == NULL || *org == '\0' || app == NULL || *app == '\0')
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "org and app names must not be empty");
      return -1;
    }
  if (!store_write_begin (store, error))
    return -1;
  ins = store_stmt (store, STMT_APP_INSERT,
                    "INSERT INTO apps (org, app) VALUES (?, ?) ON CONFLICT DO NOTHING", error);
  if (ins != NULL)
    {
      sqlite3_bind_text (ins, 1, org, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 2, app, -1, SQLITE_STATIC);
      if (store_step_done (store, ins, error))
        sel = store_stmt (store, STMT_APP_SELECT, "SELECT id FROM apps WHERE org = ? AND app = ?",
                          error);
    }
  if (sel != NULL)
    {
      int rc;
      sqlite3_bind_text (sel, 1, org, -1, SQLITE_STATIC);
      sqlite3_bind_text (sel, 2, app, -1, SQLITE_STATIC);
      rc = sqlite3_step (sel);
      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (sel, 0);
      else
        store_set_sqlite_error (store, error, rc, "reading apps");
      sqlite3_reset (sel);
    }
  if (!store_write_end (store, id > 0, error))
    return -1;
  return id;
}

/* ---- users ---- */

void
store_user_free (StoreUser *u)
{
  if (u == NULL)
    return;
  g_free (u->username);
  g_free (u->nickname);
  g_free (u);
}

static char *
hash_password (const char *password, GError **error)
{
  g_autofree char *salt = crypt_gensalt_ra ("$6$", 0, NULL, 0);
  g_autofree struct crypt_data *data = NULL;
  const char *hash;

  if (salt == NULL)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED, "cannot make a password salt: %s",
                   g_strerror (errno));
      return NULL;
    }
  data = g_new0 (struct crypt_data, 1);
  hash = crypt_r (password, salt, data);
  if (hash == NULL || hash[0] == '*')
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED, "cannot hash the password");
      return NULL;
    }
  return g_strdup (hash);
}

/* Constant time for equal lengths, so that timing tells nothing about the hash. */
static gboolean
equal_constant_time (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b);
  unsigned char diff = la != lb;

  for (size_t i = 0; i < la && i < lb; i++)
    diff |= (unsigned char) a[i] ^ (unsigned char) b[i];
  return diff == 0;
}

static gboolean
check_name (const char *what, const char *name, GError **error)
{
  if (name == NULL || *name == '\0')
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "%s must not be empty", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
store_user_create (Store *store, gint64 app, const char *username, const char *password,
                   const char *nickname, GError **error)
{
  g_autofree char *hash = NULL;
  sqlite3_stmt *st;
  gboolean ok = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!check_name ("user name", username, error) || !check_name ("password", password, error))
    return FALSE;
  hash = hash_password (password, error);
  if (hash == NULL || !store_write_begin (store, error))
    return FALSE;
  st = store_stmt (store, STMT_USER_INSERT,
                   "INSERT INTO users (app_id, username, pwhash, nickname, created)"
                   " VALUES (?, ?, ?, ?, ?)", error);
  if (st != NULL)
    {
      int rc;
      sqlite3_bind_int64 (st, 1, app);
      sqlite3_bind_text (st, 2, username, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, hash, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, nickname, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 5, store_now_ms ());
      rc = sqlite3_step (st);
      ok = rc == SQLITE_DONE;
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        g_set_error (error, STORE_ERROR, STORE_ERROR_DUPLICATE, "user %s exists", username);
      else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "unknown app");
      else if (!ok)
        store_set_sqlite_error (store, error, rc, "creating a user");
      sqlite3_reset (st);
    }
  return store_write_end (store, ok, error);
}

StoreUser *
store_user_get (Store *store, gint64 app, const char *username, GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  StoreUser *u;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  if (!check_name ("user name", username, error))
    return NULL;
  st = store_stmt (store, STMT_USER_SELECT,
                   "SELECT nickname, created, activated FROM users"
                   " WHERE app_id = ? AND username = ?", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, username, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_NOT_FOUND, "user %s not found", username);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      store_set_sqlite_error (store, error, rc, "reading a user");
      return NULL;
    }
  u = g_new0 (StoreUser, 1);
  u->username = g_strdup (username);
  u->nickname = store_column_dup (st, 0);
  u->created = sqlite3_column_int64 (st, 1);
  u->activated = sqlite3_column_int (st, 2) != 0;
  return u;
}

StorePasswordCheck
store_user_check_password (Store *store, gint64 app, const char *username, const char *password,
                           GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autofree struct crypt_data *data = NULL;
  const char *stored, *hash;
  int rc;

  g_return_val_if_fail (store != NULL, STORE_PASSWORD_NO_USER);
  if (username == NULL || password == NULL)
    return username == NULL ? STORE_PASSWORD_NO_USER : STORE_PASSWORD_WRONG;
  st = store_stmt (store, STMT_USER_PWHASH,
                   "SELECT pwhash FROM users WHERE app_id = ? AND username = ?", error);
  if (st == NULL)
    return STORE_PASSWORD_NO_USER;
  sqlite3_bind_int64 (st, 1, app);
  sqlite3_bind_text (st, 2, username, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        store_set_sqlite_error (store, error, rc, "reading a user");
      return STORE_PASSWORD_NO_USER;
    }
  stored = (const char *) sqlite3_column_text (st, 0);
  data = g_new0 (struct crypt_data, 1);
  hash = crypt_r (password, stored, data);
  if (hash == NULL || hash[0] == '*' || !equal_constant_time (hash, stored))
    return STORE_PASSWORD_WRONG;
  return STORE_PASSWORD_OK;
}

/* ---- tokens ---- */

static char *
token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static char *
random_token (GError **error)
{
  guint8 bytes[TOKEN_RANDOM_BYTES];
  g_autofree char *b64 = NULL;
  size_t got = 0;

  /* g_random is not a cryptographic generator. */
  while (got < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_set_error (error, STORE_ERROR, STORE_ERROR_FAILED, "no random bytes: %s",
                       g_strerror (errno));
          return NULL;
        }
      got += (size_t) n;
    }
  b64 = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  *strchrnul (b64, '=') = '\0';
  return g_strconcat (TOKEN_PREFIX, b64, NULL);
}

char *
store_token_issue (Store *store, gint64 app, const char *username, gint64 ttl_ms,
                   gint64 *expires_at, GError **error)
{
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  gint64 now = store_now_ms (), expiry;
  sqlite3_stmt *st;
  gboolean ok = FALSE;

  g_return_val_if_fail (store != NULL, NULL);
  if (ttl_ms <= 0 || ttl_ms > G_MAXINT64 - now)
    {
      g_set_error (error, STORE_ERROR, STORE_ERROR_INVALID, "token lifetime out of range");
      return NULL;
    }
  expiry = now + ttl_ms;
  token = random_token (error);
  if (token == NULL || !store_write_begin (store, error))
    return NULL;
  hash = token_hash (token);
  st = store_stmt (store, STMT_TOKEN_PURGE, "DELETE FROM tokens WHERE expires_at < ?", error);
  if (st != NULL)
    {
      sqlite3_bind_int64 (st, 1, now - TOKEN_PURGE_AFTER_MS);
      if (store_step_done (store, st, error))
        st = store_stmt (store, STMT_TOKEN_INSERT,
                         "INSERT INTO tokens (sha256, app_id, username, expires_at)"
                         " VALUES (?, ?, ?, ?)", error);
      else
        st = NULL;
    }
  if (st != NULL)
    {
      sqlite3_bind_text (st, 1, hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 2, app);
      sqlite3_bind_text (st, 3, username, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 4, expiry);
      ok = store_step_done (store, st, error);
    }
  if (!store_write_end (store, ok, error))
    return NULL;
  if (expires_at)
    *expires_at = expiry;
  return g_steal_pointer (&token);
}

gboolean
store_token_lookup (Store *store, const char *token, gint64 *app, char **username,
                    gint64 *expires_at, GError **error)
{
  g_autoptr(sqlite3_stmt) st = NULL;
  g_autofree char *hash = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  if (token == NULL || *token == '\0')
    return FALSE;
  hash = token_hash (token);
  st = store_stmt (store, STMT_TOKEN_SELECT,
                   "SELECT app_id, username, expires_at FROM tokens WHERE sha256 = ?", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        store_set_sqlite_error (store, error, rc, "reading tokens");
      return FALSE;
    }
  if (app)
    *app = sqlite3_column_int64 (st, 0);
  if (username)
    *username = store_column_dup (st, 1);
  if (expires_at)
    *expires_at = sqlite3_column_int64 (st, 2);
  return TRUE;
}
