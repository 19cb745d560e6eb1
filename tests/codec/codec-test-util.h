#pragma once
#include <glib.h>

/* Bytes from annotated hex as written in the protocol reference:
 * hex pairs, and "quoted" ASCII strings (with \" escapes); white space ignored. */
GBytes *ct_bytes_from_annotated (const char *annotated);

/* Fails the test with both hex dumps when the bytes differ. */
void ct_assert_bytes_equal (GBytes *got, GBytes *want);
void ct_assert_mem_equal (const guint8 *got, gsize got_len, const guint8 *want, gsize want_len);

#include "ac-message.h"

/* Every field equal (JSON objects compared by value). */
void ct_assert_message_equal (const AcMessage *got, const AcMessage *want);
/* Message used by several tests: one of each body type, filled in fully. */
AcMessage *ct_sample_message (AcBodyType type);
/* The reference's golden message (§3.4 harness meta, §4.3 Meta): "hello alice"
 * from bob (resource webim_web_1) to alice, id 1200000000000000101, time 1700000000000. */
void ct_assert_golden_message (const AcMessage *m);
