#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* Moves SQLite's WAL checkpoints (the only place where a WAL database with
 * synchronous=NORMAL calls fsync) off the main thread: the owner turns
 * auto-checkpointing off on its connection, and this worker checkpoints
 * PASSIVE (never waiting for, nor blocking, the writer) on its own connection,
 * once kicks pause for 250 ms (at least every 2 s while they go on), and every
 * few seconds anyway.  On a busy
 * disk one fsync takes tens of milliseconds: in the main loop that is a frozen
 * window. */
typedef struct _AcWalCheckpointer AcWalCheckpointer;

/* NULL (with a debug line) when the database cannot be opened a second time:
 * the owner then keeps SQLite's own auto-checkpoint. */
AcWalCheckpointer *ac_wal_checkpointer_start (const char *path);
/* Cheap, any thread: there are new WAL frames. */
void               ac_wal_checkpointer_kick (AcWalCheckpointer *cp);
/* Joins the worker (after a last checkpoint) and closes its connection. */
void               ac_wal_checkpointer_stop (AcWalCheckpointer *cp);
/* Checkpoints done so far (tests). */
guint              ac_wal_checkpointer_count (AcWalCheckpointer *cp);

G_END_DECLS
