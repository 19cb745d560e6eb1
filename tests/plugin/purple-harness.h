#pragma once
/* A headless libpurple client for tests: the real libpurple core with the
 * built plugin, driven from a GLib main loop. */
#include <purple.h>

#define HARNESS_UI "agorachat-test"

/* Temporary profile directory, plugin search path = PLUGIN_DIR (from meson). */
void           harness_init (void);
/* The same with a given profile directory, which harness_quit() leaves in place
 * (a test that restarts a client on the same profile). */
void           harness_init_in (const char *dir);
/* How long harness_connect() waits (default 30 s). */
void           harness_set_connect_timeout (guint ms);
void           harness_quit (void);
PurpleAccount *harness_account (const char *user, const char *password, const char *rest_url);
/* Iterate the main loop until *flag or timeout_ms; returns *flag. */
gboolean       harness_wait_flag (const gboolean *flag, guint timeout_ms);
/* Connects (enables the account the first time) and waits for signed-on +
 * back-fill-done or a connection error; returns TRUE when signed on. */
gboolean       harness_connect (PurpleAccount *account, PurpleConnectionError *reason,
                                char **description);
void           harness_disconnect (PurpleAccount *account);

/* A conversation's written messages, oldest first (PurpleConvMessage*, borrowed). */
GList         *harness_history (PurpleConversation *conv);

/* The longest gap between ticks of a timer on the main loop while it runs:
 * how long a UI would have been frozen. */
typedef struct {
  gint64 last;
  gint64 max_gap;   /* µs */
  guint  source;
} HarnessStallMeter;
void           harness_stall_meter_start (HarnessStallMeter *meter, guint interval_ms);
void           harness_stall_meter_stop (HarnessStallMeter *meter);
