#include "server.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

static gboolean
on_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Server) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  ServerConfig *config;
  guint sigterm, sigint;

  setlocale (LC_ALL, "");
  config = server_config_parse (&argc, &argv, &error);
  if (config == NULL) {
    g_printerr ("agora-local-server: %s\n", error->message);
    return 2;
  }
  server = server_new (config, &error);
  if (server == NULL) {
    g_printerr ("agora-local-server: %s\n", error->message);
    return 1;
  }

  loop = g_main_loop_new (NULL, FALSE);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, loop);
  sigint = g_unix_signal_add (SIGINT, on_signal, loop);

  /* Tests wait for exactly this line to learn the port. */
  printf ("agora-local-server listening on %s\n", server->base_url);
  fflush (stdout);

  g_main_loop_run (loop);
  g_source_remove (sigterm);
  g_source_remove (sigint);
  return 0;
}
