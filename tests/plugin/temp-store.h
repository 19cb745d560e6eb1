#pragma once
/* A store file in a fresh temporary directory, for the local-store unit
 * tests: SQLite in WAL mode leaves -wal and -shm beside it, which removing
 * the directory must take too. */
#include <glib.h>

typedef struct {
  char *dir;
  char *path;   /* <dir>/acct.db, not created */
} TempStore;

void temp_store_init (TempStore *t, const char *dir_template);
void temp_store_clear (TempStore *t);
