/*
 * C entry points for contexts on a chosen backend (securestreams extension,
 * not part of libwebsockets). The simulated ones are test-only:
 * sim/scenarios/stream_raw/stream_sim_c.h and sim/testing/test_context_c.h.
 */
#ifndef SS_BACKEND_C_H
#define SS_BACKEND_C_H

#include <libwebsockets.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Virtual time of a simulated context, in microseconds. */
int64_t ss_context_now_us(struct lws_context *context);

#ifdef __cplusplus
}
#endif

#endif
