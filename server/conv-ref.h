#pragma once
#include "request.h"

G_BEGIN_DECLS

/* Resolves "which conversation" for roaming and deletion calls and checks
 * that the caller's user may see it: the peer user must exist; a group
 * must exist and the user must be a member (403 otherwise).  On failure a
 * reply has been sent and FALSE returned.  *peer_out is owned by the caller. */
gboolean conv_ref_resolve (Request *req, const char *user, const char *peer, gboolean group,
                           StoreConvRef *ref, char **peer_out);

G_END_DECLS
