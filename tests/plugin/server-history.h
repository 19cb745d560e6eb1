#pragma once
/* A user's newest messages with a peer, read from the server's REST API
 * (local_server_post_json) and decoded by the codec: for tests that have the
 * plugin loaded, where plugin/core's GObject types cannot be registered twice. */
#include <glib.h>

/* AcMessage*, newest first; aborts the test on failure. */
GPtrArray *server_history (const char *url, const char *user, const char *password,
                           const char *peer, guint n);
