#pragma once
/* A fresh store on a temporary file for each test, and short ways to fill it. */
#include "store.h"

typedef struct {
  char  *dir;
  char  *path;
  Store *store;
  gint64 app;
} StoreFixture;

/* Fixture functions for g_test_add: a new empty database with the app "org#app". */
void store_fixture_setup (StoreFixture *f, gconstpointer data);
void store_fixture_teardown (StoreFixture *f, gconstpointer data);
/* Closes and opens the same file again. */
void store_fixture_reopen (StoreFixture *f);

/* Creates users (NULL-terminated); asserts success. */
void store_test_users (StoreFixture *f, ...) G_GNUC_NULL_TERMINATED;

/* A text message; timestamp 0 = now. */
AcMessage *store_test_message (AcChatType type, const char *from, const char *to,
                               const char *text, guint64 timestamp);
/* Stores a text message and returns its id; asserts success. */
guint64 store_test_send (StoreFixture *f, AcChatType type, const char *from, const char *to,
                         const char *text, guint64 timestamp);

/* The whole history `user` sees, newest first, with limit 50 paging. */
GPtrArray *store_test_history (StoreFixture *f, const char *user, AcChatType type,
                               const char *peer);
