#include "ac-error.h"

G_DEFINE_QUARK (ac-codec-error-quark, ac_codec_error)
