/*
 * C entry points that create an lws_context on a chosen backend
 * (securestreams extension, not part of libwebsockets).
 */
#ifndef SS_BACKEND_C_H
#define SS_BACKEND_C_H

#include <libwebsockets.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A context on the engine's deterministic test world (FakeLoop/FakeNet,
 * target //runtime/stream:fake_backend). Host "echo.test" echoes raw bytes;
 * "refused.test" refuses; "nxdomain.test" does not resolve; "blackhole.test"
 * never answers. Virtual time: lws_service(ctx, ms) advances it by up to ms
 * (at least one event) and returns -1 once nothing is left to do. */
struct lws_context *ss_fake_create_context(const struct lws_context_creation_info *info);

/* Virtual time of a fake/simulated context, in microseconds. */
int64_t ss_context_now_us(struct lws_context *context);

#ifdef __cplusplus
}
#endif

#endif
