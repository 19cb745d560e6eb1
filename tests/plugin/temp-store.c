#include "temp-store.h"

#include <glib/gstdio.h>

void
temp_store_init (TempStore *t, const char *dir_template)
{
  t->dir = g_dir_make_tmp (dir_template, NULL);
  g_assert_nonnull (t->dir);
  t->path = g_build_filename (t->dir, "acct.db", NULL);
}

void
temp_store_clear (TempStore *t)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (t->path, suffixes[i], NULL);
      g_unlink (p);
    }
  g_rmdir (t->dir);
  g_clear_pointer (&t->path, g_free);
  g_clear_pointer (&t->dir, g_free);
}
