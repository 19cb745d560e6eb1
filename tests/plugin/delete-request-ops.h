#pragma once
/* Request and notify UI ops for the headless client: dialogs are answered
 * from a script, a moment later as a person would, and every dialog and
 * notification is recorded for assertions. */
#include <purple.h>

/* Fills in or reads a fields dialog; returns TRUE for OK, FALSE for Cancel. */
typedef gboolean (*DeleteFieldsAnswer) (PurpleRequestFields *fields, gpointer data);

typedef struct {
  PurpleRequestType type;
  char *title;
  char *primary;
  char *secondary;
} SeenDialog;

typedef struct {
  PurpleNotifyMsgType type;
  char *primary;
  char *secondary;
} SeenNotice;

void        delete_ops_install (void);
/* The next fields dialog gets answer(fields, data). */
void        delete_ops_answer_fields (DeleteFieldsAnswer answer, gpointer data);
/* The next action dialog gets its button number `index` (0 = first). */
void        delete_ops_answer_action (int index);
/* Dialogs / notices seen so far (SeenDialog* / SeenNotice*), oldest first. */
GPtrArray  *delete_ops_dialogs (void);
GPtrArray  *delete_ops_notices (void);
/* Dialogs still waiting for an answer (none scripted) are cancelled. */
void        delete_ops_reset (void);
