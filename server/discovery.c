/* GET /easemob/server.json (§1.2): this server is both the REST and the
 * MSYNC host, so an SDK with isHttpDNS on finds its way here. */
#include "handlers.h"
#include "reply.h"

static void
add_hosts (JsonBuilder *b, const Server *server)
{
  g_autofree char *port = g_strdup_printf ("%u", server->port);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hosts");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_string_value (b, "http");
  json_builder_set_member_name (b, "domain");
  json_builder_add_string_value (b, server->host);
  json_builder_set_member_name (b, "ip");
  json_builder_add_string_value (b, server->host);
  json_builder_set_member_name (b, "port");
  json_builder_add_string_value (b, port);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static char *
first_app_of_org (const Server *server, const char *org)
{
  for (char **k = server->config->app_keys; *k; k++) {
    const char *hash = strchr (*k, '#');
    if (hash != NULL && (gsize) (hash - *k) == strlen (org) && strncmp (*k, org, hash - *k) == 0)
      return g_strdup (*k);
  }
  return g_strdup (org);
}

void
discovery_server_json (Request *req)
{
  const char *value = request_query (req, "app_key");
  const char *fragment = g_uri_get_fragment (soup_server_message_get_uri (req->msg));
  g_autofree char *app_key = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (value == NULL || value[0] == '\0') {
    reply_error (req, SOUP_STATUS_BAD_REQUEST, "illegal_argument", "app_key must be provided");
    return;
  }
  /* An unencoded "org#app" reaches us as query "app_key=org" and fragment
   * "app", or without the fragment when the client dropped it (as fetch()
   * does): then the first served app of that org answers. */
  if (strchr (value, '#') != NULL)
    app_key = g_strdup (value);
  else if (fragment != NULL)
    app_key = g_strdup_printf ("%s#%s", value, fragment);
  else
    app_key = first_app_of_org (req->server, value);
  if (server_app_id (req->server, app_key) == 0) {
    reply_errorf (req, SOUP_STATUS_NOT_FOUND, "organization_application_not_found",
                  "Could not find application for %s", app_key);
    return;
  }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rest");
  add_hosts (b, req->server);
  json_builder_set_member_name (b, "msync-wx");
  add_hosts (b, req->server);
  json_builder_set_member_name (b, "app_key");
  json_builder_add_string_value (b, app_key);
  json_builder_set_member_name (b, "enableReportLogs");
  json_builder_add_string_value (b, "false");
  json_builder_set_member_name (b, "reportInterval");
  json_builder_add_string_value (b, "300000");
  json_builder_set_member_name (b, "enableDataReport");
  json_builder_add_string_value (b, "false");
  json_builder_set_member_name (b, "uploadinparts_enable");
  json_builder_add_string_value (b, "false");
  json_builder_end_object (b);
  reply_json (req, SOUP_STATUS_OK, json_builder_get_root (b));
}
