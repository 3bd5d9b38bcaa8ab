/*
 * ss_test_create_context(): an lws_context for C tests on the stream
 * engine's test world (sim/testing/stream_world.h, docs/sim.md "Test
 * helpers"), which the context owns. Host "echo.test" echoes raw bytes on
 * port 7; "refused.test" refuses; "nxdomain.test" does not resolve;
 * "blackhole.test" never answers (connects time out); "silent.test" accepts
 * and never answers. Virtual time: lws_service(ctx, ms) runs one event and
 * then up to ms of virtual time, and returns -1 once nothing is left to do.
 * Broken engine invariants are logged at LLL_ERR ("INVARIANT VIOLATION").
 */
#ifndef SS_SIM_TESTING_TEST_CONTEXT_C_H
#define SS_SIM_TESTING_TEST_CONTEXT_C_H

#include <libwebsockets.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lws_context *ss_test_create_context(const struct lws_context_creation_info *info);

#ifdef __cplusplus
}
#endif

#endif
