#include "ac-message-pb.h"
#include "ac-error.h"
#include "ac-jid.h"

#include <math.h>
#include <string.h>

/* Everything built here is allocated with g_malloc (the system malloc since
 * GLib 2.46), so protobuf-c's free_unpacked() with its default allocator
 * frees it like an unpacked message. */

typedef Easemob__Pb__MessageBody__Content Content;
typedef Easemob__Pb__KeyValue KeyValue;

/* ---- encoding ---- */

static Easemob__Pb__JID *
pb_jid_new (const char *app_key, const char *name, const char *domain, const char *resource)
{
  Easemob__Pb__JID *j = g_new (Easemob__Pb__JID, 1);

  easemob__pb__jid__init (j);
  j->appkey = g_strdup (app_key);
  j->name = g_strdup (name);
  j->domain = g_strdup (domain);
  j->clientresource = g_strdup (resource);
  return j;
}

/* The SDK's ext encoding (§5.3): object/array -> JSON_STRING, string -> STRING,
 * bool -> BOOL, integer -> INT, other number -> DOUBLE.  JavaScript has one
 * number type, so 2.0 is an integer there too; null is typeof "object". */
static KeyValue *
kv_from_json (const char *key, JsonNode *node)
{
  KeyValue *kv = g_new (KeyValue, 1);

  easemob__pb__key_value__init (kv);
  kv->key = g_strdup (key);
  kv->has_type = TRUE;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType t = json_node_get_value_type (node);
      double d;

      if (t == G_TYPE_STRING)
        {
          kv->type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__STRING;
          kv->stringvalue = g_strdup (json_node_get_string (node));
          return kv;
        }
      if (t == G_TYPE_BOOLEAN)
        {
          kv->type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__BOOL;
          kv->has_varintvalue = TRUE;
          kv->varintvalue = json_node_get_boolean (node) ? 1 : 0;
          return kv;
        }
      if (t == G_TYPE_INT64)
        {
          kv->type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__INT;
          kv->has_varintvalue = TRUE;
          kv->varintvalue = json_node_get_int (node);
          return kv;
        }
      d = json_node_get_double (node);
      if (isfinite (d) && d == floor (d) && fabs (d) < 9.2e18)
        {
          kv->type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__INT;
          kv->has_varintvalue = TRUE;
          kv->varintvalue = (gint64) d;
        }
      else
        {
          kv->type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__DOUBLE;
          kv->has_doublevalue = TRUE;
          kv->doublevalue = d;
        }
      return kv;
    }
  kv->type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__JSON_STRING;
  kv->stringvalue = json_to_string (node, FALSE);
  return kv;
}

static KeyValue **
kvs_from_json (JsonObject *obj, size_t *n_out)
{
  KeyValue **kvs;
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  size_t n = 0;

  *n_out = 0;
  if (obj == NULL || json_object_get_size (obj) == 0)
    return NULL;
  kvs = g_new (KeyValue *, json_object_get_size (obj));
  json_object_iter_init_ordered (&iter, obj);
  while (json_object_iter_next_ordered (&iter, &key, &value))
    kvs[n++] = kv_from_json (key, value);
  *n_out = n;
  return kvs;
}

static void
set_attachment (Content *c, const AcMessage *m)
{
  c->displayname = g_strdup (m->filename);
  c->remotepath = g_strdup (m->url);
  c->secretkey = g_strdup (m->secret);
  /* fileLength is int32 on the wire; larger files go without a length. */
  if (m->file_length >= 0 && m->file_length <= G_MAXINT32)
    {
      c->has_filelength = TRUE;
      c->filelength = (gint32) m->file_length;
    }
}

static void
set_duration (Content *c, const AcMessage *m)
{
  if (m->duration >= 0)
    {
      c->has_duration = TRUE;
      c->duration = m->duration;
    }
}

static Content *
content_from_message (const AcMessage *m)
{
  Content *c = g_new (Content, 1);

  easemob__pb__message_body__content__init (c);
  /* Always on the wire, even TEXT = 0, as the SDK sends it. */
  c->has_type = TRUE;
  c->type = (Easemob__Pb__MessageBody__Content__Type) m->type;
  switch (m->type)
    {
    case AC_BODY_TEXT:
      /* No subType here: its mere presence turns text into COMBINE. */
      c->text = g_strdup (m->text ? m->text : "");
      break;
    case AC_BODY_COMBINE:
      /* The SDK sends merged-forward messages as TEXT + subType COMBINE(0). */
      c->type = EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__TEXT;
      c->has_subtype = TRUE;
      c->subtype = EASEMOB__PB__MESSAGE_BODY__CONTENT__SUB_TYPE__SUBTYPE_COMBINE;
      c->text = g_strdup (m->text ? m->text : "");
      set_attachment (c, m);
      c->title = g_strdup (m->title);
      c->summary = g_strdup (m->summary);
      c->has_combinelevel = TRUE;
      c->combinelevel = m->combine_level;
      break;
    case AC_BODY_IMAGE:
      set_attachment (c, m);
      if (m->width > 0 || m->height > 0)
        {
          c->size = g_new (Easemob__Pb__MessageBody__Content__Size, 1);
          easemob__pb__message_body__content__size__init (c->size);
          c->size->has_width = c->size->has_height = TRUE;
          c->size->width = m->width;
          c->size->height = m->height;
        }
      if (m->gif)
        {
          c->has_subtype = TRUE;
          c->subtype = EASEMOB__PB__MESSAGE_BODY__CONTENT__SUB_TYPE__SUBTYPE_GIF;
        }
      break;
    case AC_BODY_VIDEO:
      set_attachment (c, m);
      set_duration (c, m);
      c->thumbnailremotepath = g_strdup (m->thumb);
      c->thumbnailsecretkey = g_strdup (m->thumb_secret);
      break;
    case AC_BODY_AUDIO:
      set_attachment (c, m);
      set_duration (c, m);
      break;
    case AC_BODY_FILE:
      set_attachment (c, m);
      break;
    case AC_BODY_LOCATION:
      c->has_latitude = c->has_longitude = TRUE;
      c->latitude = m->lat;
      c->longitude = m->lng;
      c->address = g_strdup (m->address);
      c->buildingname = g_strdup (m->building_name);
      break;
    case AC_BODY_CMD:
      c->action = g_strdup (m->action);
      break;
    case AC_BODY_CUSTOM:
      c->customevent = g_strdup (m->custom_event);
      c->customexts = kvs_from_json (m->custom_exts, &c->n_customexts);
      break;
    default:
      break;
    }
  return c;
}

Easemob__Pb__MessageBody *
ac_message_to_body (const AcMessage *m)
{
  Easemob__Pb__MessageBody *body;

  g_return_val_if_fail (m != NULL, NULL);
  body = g_new (Easemob__Pb__MessageBody, 1);
  easemob__pb__message_body__init (body);
  body->has_type = TRUE;
  body->type = (Easemob__Pb__MessageBody__Type) m->chat_type;
  /* Inside the body the SDK names users and groups by `name` only. */
  if (m->from)
    body->from = pb_jid_new (NULL, m->from, NULL, NULL);
  if (m->to)
    body->to = pb_jid_new (NULL, m->to, NULL, NULL);
  body->n_contents = 1;
  body->contents = g_new (Content *, 1);
  body->contents[0] = content_from_message (m);
  body->ext = kvs_from_json (m->ext, &body->n_ext);
  return body;
}

void
ac_pb_message_body_free (Easemob__Pb__MessageBody *body)
{
  if (body)
    easemob__pb__message_body__free_unpacked (body, NULL);
}

Easemob__Pb__Meta *
ac_message_to_pb_meta (const AcMessage *m, const char *app_key)
{
  Easemob__Pb__Meta *meta;
  Easemob__Pb__MessageBody *body;

  g_return_val_if_fail (m != NULL, NULL);
  meta = g_new (Easemob__Pb__Meta, 1);
  easemob__pb__meta__init (meta);
  meta->has_id = TRUE;
  meta->id = m->id;
  if (m->from)
    meta->from = pb_jid_new (app_key, m->from, AC_DOMAIN_USER, m->from_resource);
  if (m->to)
    meta->to = pb_jid_new (app_key, m->to, m->chat_type == AC_CHAT_SINGLE ? AC_DOMAIN_USER : AC_DOMAIN_GROUP,
                           m->to_resource);
  if (m->timestamp)
    {
      meta->has_timestamp = TRUE;
      meta->timestamp = m->timestamp;
    }
  meta->has_ns = TRUE;
  meta->ns = EASEMOB__PB__META__NAME_SPACE__CHAT;

  body = ac_message_to_body (m);
  meta->has_payload = TRUE;
  meta->payload.len = easemob__pb__message_body__get_packed_size (body);
  meta->payload.data = g_malloc (meta->payload.len ? meta->payload.len : 1);
  easemob__pb__message_body__pack (body, meta->payload.data);
  ac_pb_message_body_free (body);
  return meta;
}

void
ac_pb_meta_free (Easemob__Pb__Meta *meta)
{
  if (meta)
    easemob__pb__meta__free_unpacked (meta, NULL);
}

GBytes *
ac_message_to_meta (const AcMessage *m, const char *app_key)
{
  Easemob__Pb__Meta *meta = ac_message_to_pb_meta (m, app_key);
  gsize len;
  guint8 *buf;

  g_return_val_if_fail (meta != NULL, NULL);
  len = easemob__pb__meta__get_packed_size (meta);
  buf = g_malloc (len);
  easemob__pb__meta__pack (meta, buf);
  ac_pb_meta_free (meta);
  return g_bytes_new_take (buf, len);
}

char *
ac_message_to_meta_base64 (const AcMessage *m, const char *app_key)
{
  g_autoptr (GBytes) bytes = ac_message_to_meta (m, app_key);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return g_base64_encode (data, len);
}

/* ---- decoding ---- */

/* protobuf-c does not check proto2 strings; JSON and GTK need valid UTF-8. */
static gboolean
take_string (const char *s, const char *field, char **out, GError **error)
{
  if (s == NULL)
    return TRUE;
  if (!g_utf8_validate (s, -1, NULL))
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "%s is not valid UTF-8", field);
      return FALSE;
    }
  g_free (*out);
  /* An empty resource or name is the same as none. */
  *out = *s ? g_strdup (s) : NULL;
  return TRUE;
}

static JsonNode *
kv_to_json (const KeyValue *kv)
{
  JsonNode *node = json_node_alloc ();
  Easemob__Pb__KeyValue__ValueType type = kv->type;

  if (!kv->has_type)
    {
      /* Not sent by the SDK; guess from whichever value is present. */
      if (kv->stringvalue)
        type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__STRING;
      else if (kv->has_doublevalue)
        type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__DOUBLE;
      else if (kv->has_floatvalue)
        type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__FLOAT;
      else if (kv->has_varintvalue)
        type = EASEMOB__PB__KEY_VALUE__VALUE_TYPE__INT;
      else
        return json_node_init_null (node);
    }
  switch (type)
    {
    case EASEMOB__PB__KEY_VALUE__VALUE_TYPE__BOOL:
      return json_node_init_boolean (node, kv->varintvalue != 0);
    case EASEMOB__PB__KEY_VALUE__VALUE_TYPE__INT:
    case EASEMOB__PB__KEY_VALUE__VALUE_TYPE__UINT:
    case EASEMOB__PB__KEY_VALUE__VALUE_TYPE__LLINT:
      return json_node_init_int (node, kv->varintvalue);
    case EASEMOB__PB__KEY_VALUE__VALUE_TYPE__FLOAT:
      return json_node_init_double (node, kv->floatvalue);
    case EASEMOB__PB__KEY_VALUE__VALUE_TYPE__DOUBLE:
      return json_node_init_double (node, kv->doublevalue);
    case EASEMOB__PB__KEY_VALUE__VALUE_TYPE__JSON_STRING:
      {
        g_autoptr (JsonParser) parser = json_parser_new ();
        if (kv->stringvalue && json_parser_load_from_data (parser, kv->stringvalue, -1, NULL) &&
            json_parser_get_root (parser) != NULL)
          {
            json_node_unref (node);
            return json_node_copy (json_parser_get_root (parser));
          }
        /* Not JSON after all: keep the text rather than lose the value. */
        return json_node_init_string (node, kv->stringvalue ? kv->stringvalue : "");
      }
    case EASEMOB__PB__KEY_VALUE__VALUE_TYPE__STRING:
    default:
      return json_node_init_string (node, kv->stringvalue ? kv->stringvalue : "");
    }
}

static gboolean
kvs_to_json (KeyValue *const *kvs, size_t n, const char *field, JsonObject **out, GError **error)
{
  if (n == 0)
    return TRUE;
  *out = json_object_new ();
  for (size_t i = 0; i < n; i++)
    {
      if (kvs[i]->key == NULL)
        continue;
      if (!g_utf8_validate (kvs[i]->key, -1, NULL) ||
          (kvs[i]->stringvalue && !g_utf8_validate (kvs[i]->stringvalue, -1, NULL)))
        {
          g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "%s[%zu] is not valid UTF-8", field, i);
          return FALSE;
        }
      json_object_set_member (*out, kvs[i]->key, kv_to_json (kvs[i]));
    }
  return TRUE;
}

static gboolean
read_attachment (const Content *c, AcMessage *m, GError **error)
{
  if (c->has_filelength)
    m->file_length = c->filelength;
  return take_string (c->displayname, "Content.displayName", &m->filename, error) &&
         take_string (c->remotepath, "Content.remotePath", &m->url, error) &&
         take_string (c->secretkey, "Content.secretKey", &m->secret, error);
}

static gboolean
read_content (const Content *c, AcMessage *m, GError **error)
{
  gint type = c->has_type ? (gint) c->type : EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__TEXT;

  if (c->has_duration)
    m->duration = c->duration;
  /* The SDK checks only the presence of subType: TEXT + subType 0 is COMBINE. */
  if (type == EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__TEXT && c->has_subtype &&
      c->subtype == EASEMOB__PB__MESSAGE_BODY__CONTENT__SUB_TYPE__SUBTYPE_COMBINE)
    type = EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__COMBINE;

  switch (type)
    {
    case EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__TEXT:
      m->type = AC_BODY_TEXT;
      return take_string (c->text, "Content.text", &m->text, error);
    case EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__COMBINE:
      m->type = AC_BODY_COMBINE;
      if (c->has_combinelevel)
        m->combine_level = c->combinelevel;
      return take_string (c->text, "Content.text", &m->text, error) && read_attachment (c, m, error) &&
             take_string (c->title, "Content.title", &m->title, error) &&
             take_string (c->summary, "Content.summary", &m->summary, error);
    case EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__IMAGE:
      m->type = AC_BODY_IMAGE;
      m->gif = c->has_subtype && c->subtype == EASEMOB__PB__MESSAGE_BODY__CONTENT__SUB_TYPE__SUBTYPE_GIF;
      if (c->size)
        {
          m->width = c->size->width;
          m->height = c->size->height;
        }
      return read_attachment (c, m, error);
    case EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__VIDEO:
      m->type = AC_BODY_VIDEO;
      return read_attachment (c, m, error) &&
             take_string (c->thumbnailremotepath, "Content.thumbnailRemotePath", &m->thumb, error) &&
             take_string (c->thumbnailsecretkey, "Content.thumbnailSecretKey", &m->thumb_secret, error);
    case EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__VOICE:
      m->type = AC_BODY_AUDIO;
      return read_attachment (c, m, error);
    case EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__FILE:
      m->type = AC_BODY_FILE;
      return read_attachment (c, m, error);
    case EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__LOCATION:
      m->type = AC_BODY_LOCATION;
      m->lat = c->latitude;
      m->lng = c->longitude;
      return take_string (c->address, "Content.address", &m->address, error) &&
             take_string (c->buildingname, "Content.buildingName", &m->building_name, error);
    case EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__COMMAND:
      m->type = AC_BODY_CMD;
      return take_string (c->action, "Content.action", &m->action, error);
    case EASEMOB__PB__MESSAGE_BODY__CONTENT__TYPE__CUSTOM:
      m->type = AC_BODY_CUSTOM;
      return take_string (c->customevent, "Content.customEvent", &m->custom_event, error) &&
             kvs_to_json (c->customexts, c->n_customexts, "Content.customExts", &m->custom_exts, error);
    default:
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_UNSUPPORTED, "unsupported content type %d", type);
      return FALSE;
    }
}

AcMessage *
ac_message_from_body (const Easemob__Pb__MessageBody *body, GError **error)
{
  g_autoptr (AcMessage) m = NULL;

  if (body == NULL)
    {
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "no MessageBody");
      return NULL;
    }
  /* Receipts, recalls, edits and NORMAL bodies are not messages (§4.3, §5.3). */
  if (!body->has_type || (body->type != EASEMOB__PB__MESSAGE_BODY__TYPE__CHAT &&
                          body->type != EASEMOB__PB__MESSAGE_BODY__TYPE__GROUPCHAT &&
                          body->type != EASEMOB__PB__MESSAGE_BODY__TYPE__CHATROOM))
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_UNSUPPORTED, "MessageBody type %d is not a chat message",
                   body->has_type ? (gint) body->type : 0);
      return NULL;
    }
  if (body->n_contents == 0 || body->contents[0] == NULL)
    {
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "MessageBody has no content");
      return NULL;
    }
  m = ac_message_new ();
  m->chat_type = (AcChatType) body->type;
  if ((body->from && !take_string (body->from->name, "MessageBody.from.name", &m->from, error)) ||
      (body->to && !take_string (body->to->name, "MessageBody.to.name", &m->to, error)) ||
      !read_content (body->contents[0], m, error) || !kvs_to_json (body->ext, body->n_ext, "MessageBody.ext", &m->ext, error))
    return NULL;
  return g_steal_pointer (&m);
}

/* Unpacking allocates every submessage, string and bytes field on its own
 * (dozens of mallocs per message, then as many frees), and what is unpacked
 * here is dropped as soon as the AcMessage is built: it comes from one block
 * on the caller's stack instead, and only a message too big for the block
 * goes to the heap.  Freeing then releases just the heap part. */
#define ARENA_SIZE 4096

typedef struct {
  union { max_align_t align; guint8 bytes[ARENA_SIZE]; } block;
  gsize used;
} Arena;

static void *
arena_alloc (void *data, size_t size)
{
  Arena *a = data;
  gsize need = (size + sizeof (max_align_t) - 1) & ~(sizeof (max_align_t) - 1);
  if (need >= size && need <= ARENA_SIZE - a->used)
    {
      void *p = a->block.bytes + a->used;
      a->used += need;
      return p;
    }
  return g_try_malloc (size); /* protobuf-c fails the unpack on NULL */
}

static void
arena_free (void *data, void *ptr)
{
  Arena *a = data;
  guintptr p = (guintptr) ptr, start = (guintptr) a->block.bytes;
  if (p < start || p >= start + ARENA_SIZE)
    g_free (ptr);
}

AcMessage *
ac_message_from_pb_meta (const Easemob__Pb__Meta *meta, GError **error)
{
  Easemob__Pb__MessageBody *body;
  g_autoptr (AcMessage) m = NULL;
  g_autofree char *from_name = NULL, *to_name = NULL;

  if (meta == NULL)
    {
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "no Meta");
      return NULL;
    }
  if (!meta->has_ns || meta->ns != EASEMOB__PB__META__NAME_SPACE__CHAT)
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_UNSUPPORTED, "Meta namespace %d is not CHAT",
                   meta->has_ns ? (gint) meta->ns : 0);
      return NULL;
    }
  if (!meta->has_payload || meta->payload.len == 0)
    {
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "CHAT Meta without a payload");
      return NULL;
    }
  Arena arena;
  arena.used = 0;
  ProtobufCAllocator alloc = { arena_alloc, arena_free, &arena };
  body = easemob__pb__message_body__unpack (&alloc, meta->payload.len, meta->payload.data);
  if (body == NULL)
    {
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "Meta payload is not a MessageBody");
      return NULL;
    }
  m = ac_message_from_body (body, error);
  easemob__pb__message_body__free_unpacked (body, &alloc);
  if (m == NULL)
    return NULL;

  m->id = meta->has_id ? meta->id : 0;
  m->timestamp = meta->has_timestamp ? meta->timestamp : 0;
  if (meta->from && (!take_string (meta->from->clientresource, "Meta.from.clientResource", &m->from_resource, error) ||
                     !take_string (meta->from->name, "Meta.from.name", &from_name, error)))
    return NULL;
  if (meta->to && (!take_string (meta->to->clientresource, "Meta.to.clientResource", &m->to_resource, error) ||
                   !take_string (meta->to->name, "Meta.to.name", &to_name, error)))
    return NULL;
  /* The body names both ends; the envelope is only a fallback. */
  if (m->from == NULL)
    m->from = g_steal_pointer (&from_name);
  if (m->to == NULL)
    m->to = g_steal_pointer (&to_name);
  return g_steal_pointer (&m);
}

AcMessage *
ac_message_from_meta (const guint8 *data, gsize len, GError **error)
{
  Easemob__Pb__Meta *meta;
  AcMessage *m;

  if (data == NULL || len == 0)
    {
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "empty Meta");
      return NULL;
    }
  Arena arena;
  arena.used = 0;
  ProtobufCAllocator alloc = { arena_alloc, arena_free, &arena };
  meta = easemob__pb__meta__unpack (&alloc, len, data);
  if (meta == NULL)
    {
      g_set_error (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED,
                   "not a protobuf Meta (%" G_GSIZE_FORMAT " bytes do not parse)", len);
      return NULL;
    }
  m = ac_message_from_pb_meta (meta, error);
  easemob__pb__meta__free_unpacked (meta, &alloc);
  return m;
}

/* g_base64_decode() skips characters outside the alphabet instead of failing;
 * a corrupted msgs[].msg must be an error, not a different message. */
static gboolean
base64_is_valid (const char *s)
{
  /* strspn: one table lookup per character, the whole alphabet at once. */
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  gsize body = strspn (s, alphabet);
  const char *pad = s + body;
  gsize len = body + strlen (pad);
  return len > 0 && len % 4 == 0
         && (pad[0] == '\0' || strcmp (pad, "=") == 0 || strcmp (pad, "==") == 0);
}

GBytes *
ac_meta_from_base64 (const char *b64, GError **error)
{
  gsize len = 0;

  if (b64 == NULL || !base64_is_valid (b64))
    {
      g_set_error_literal (error, AC_CODEC_ERROR, AC_CODEC_ERROR_MALFORMED, "message is not valid base64");
      return NULL;
    }
  guint8 *data = g_base64_decode (b64, &len);
  return g_bytes_new_take (data, len);
}

AcMessage *
ac_message_from_meta_base64 (const char *b64, GError **error)
{
  g_autoptr (GBytes) data = ac_meta_from_base64 (b64, error);
  if (data == NULL)
    return NULL;
  return ac_message_from_meta (g_bytes_get_data (data, NULL), g_bytes_get_size (data), error);
}
