#include "live-peer.h"
#include <gio/gio.h>

struct _LivePeer {
  GSubprocess      *proc;
  GOutputStream    *in;
  GDataInputStream *out;
  GCancellable     *cancel;
  GPtrArray        *events;   /* JsonObject* */
  GPtrArray        *taken;    /* parallel: GINT_TO_POINTER (taken) */
  GPtrArray        *messages; /* "msg" events, borrowed from events */
};

static void read_next (LivePeer *peer);

/* Wakes the blocking main-loop iterations below so that deadlines hold. */
static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
on_line (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, &len, &error);
  if (line == NULL)
    return; /* end of stream or cancelled: the peer is gone */
  LivePeer *peer = data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (json_parser_load_from_data (parser, line, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
      g_ptr_array_add (peer->events, o);
      g_ptr_array_add (peer->taken, GINT_TO_POINTER (FALSE));
      if (g_strcmp0 (json_object_get_string_member_with_default (o, "ev", ""), "msg") == 0)
        g_ptr_array_add (peer->messages, o);
      if (g_getenv ("HARNESS_DEBUG") != NULL)
        g_printerr ("peer: %s\n", line);
    }
  else
    g_printerr ("peer said: %s\n", line);
  read_next (peer);
}

static void
read_next (LivePeer *peer)
{
  g_data_input_stream_read_line_async (peer->out, G_PRIORITY_DEFAULT, peer->cancel, on_line, peer);
}

LivePeer *
live_peer_start (const char *server_url)
{
  LivePeer *peer = g_new0 (LivePeer, 1);
  g_autoptr (GError) error = NULL;
  peer->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                 &error, NODE_EXE, PEER_SCRIPT, server_url, NULL);
  g_assert_no_error (error);
  peer->in = g_subprocess_get_stdin_pipe (peer->proc);
  peer->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer->proc));
  peer->cancel = g_cancellable_new ();
  peer->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  peer->taken = g_ptr_array_new ();
  peer->messages = g_ptr_array_new ();
  read_next (peer);
  return peer;
}

void
live_peer_command (LivePeer *peer, const char *json)
{
  g_autofree char *line = g_strconcat (json, "\n", NULL);
  g_autoptr (GError) error = NULL;
  g_output_stream_write_all (peer->in, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
}

JsonObject *
live_peer_wait (LivePeer *peer, const char *ev, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (50, wake, NULL);
  JsonObject *found = NULL;
  while (found == NULL)
    {
      for (guint i = 0; i < peer->events->len; i++)
        {
          JsonObject *o = peer->events->pdata[i];
          if (!GPOINTER_TO_INT (peer->taken->pdata[i])
              && g_strcmp0 (json_object_get_string_member_with_default (o, "ev", ""), ev) == 0)
            {
              peer->taken->pdata[i] = GINT_TO_POINTER (TRUE);
              found = o;
              break;
            }
          if (g_strcmp0 (json_object_get_string_member_with_default (o, "ev", ""), "error") == 0
              && !GPOINTER_TO_INT (peer->taken->pdata[i]))
            {
              peer->taken->pdata[i] = GINT_TO_POINTER (TRUE);
              g_printerr ("peer error: %s\n", json_object_get_string_member_with_default (o, "message", ""));
            }
        }
      if (found != NULL || g_get_monotonic_time () > deadline)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
  return found;
}

GPtrArray *
live_peer_messages (LivePeer *peer)
{
  return peer->messages;
}

gboolean
live_peer_wait_messages (LivePeer *peer, guint n, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (50, wake, NULL);
  while (peer->messages->len < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return peer->messages->len >= n;
}

void
live_peer_stop (LivePeer *peer)
{
  if (peer == NULL)
    return;
  live_peer_command (peer, "{\"cmd\":\"quit\"}");
  g_output_stream_close (peer->in, NULL, NULL);
  live_peer_wait (peer, "bye", 5000);
  g_cancellable_cancel (peer->cancel);
  g_subprocess_force_exit (peer->proc);
  g_subprocess_wait (peer->proc, NULL, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (peer->cancel);
  g_object_unref (peer->out);
  g_object_unref (peer->proc);
  g_ptr_array_unref (peer->messages);
  g_ptr_array_unref (peer->taken);
  g_ptr_array_unref (peer->events);
  g_free (peer);
}
