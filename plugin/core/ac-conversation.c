#include "ac-conversation.h"

AcConversation *
ac_conversation_new (const char *id, gboolean is_group)
{
  AcConversation *conv = g_new0 (AcConversation, 1);
  conv->id = g_strdup (id);
  conv->is_group = is_group;
  return conv;
}

void
ac_conversation_free (AcConversation *conv)
{
  if (conv == NULL)
    return;
  g_free (conv->id);
  g_free (conv->name);
  g_clear_pointer (&conv->last, ac_message_free);
  g_free (conv);
}

void
ac_group_info_free (AcGroupInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->name);
  g_free (info);
}

void
ac_roaming_page_free (AcRoamingPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->messages, g_ptr_array_unref);
  g_clear_pointer (&page->metas, g_ptr_array_unref);
  g_free (page);
}
