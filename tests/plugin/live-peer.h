#pragma once
/* The official Web SDK in Node (live-sdk-peer.mjs) as the other party of a
 * live test: commands go to its stdin as JSON lines, its events come back
 * as JSON lines and are collected while the GLib main loop runs. */
#include <json-glib/json-glib.h>

typedef struct _LivePeer LivePeer;

LivePeer   *live_peer_start (const char *server_url);
void        live_peer_stop (LivePeer *peer);
/* One command object, e.g. "{\"cmd\":\"login\",\"user\":\"bob\",\"password\":\"pw\"}". */
void        live_peer_command (LivePeer *peer, const char *json);
/* Runs the main loop until an event "ev" not yet taken arrives (taken then),
 * or timeout_ms passes (NULL).  Borrowed, valid until live_peer_stop(). */
JsonObject *live_peer_wait (LivePeer *peer, const char *ev, guint timeout_ms);
/* "msg" events so far (JsonObject*, borrowed), in arrival order. */
GPtrArray  *live_peer_messages (LivePeer *peer);
/* Runs the main loop until at least n "msg" events arrived; FALSE on timeout. */
gboolean    live_peer_wait_messages (LivePeer *peer, guint n, guint timeout_ms);
