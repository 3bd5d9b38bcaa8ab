/*
 * A simulated world for C programs that use an SS proxy (lws_sspc_*):
 * host "server" runs an echo server on port 7 and an HTTP server on port
 * 80 (POST /post answers 200 "stored"); host "box" runs the SS proxy
 * (ProxyServer + the stream engine, as tools/ss-proxy does) on the lws
 * default "@proxy.ss.lws", with a policy whose streamtype "echo" is raw to
 * server:7 and whose "up" POSTs a multipart body to server:80/post,
 * riding on with "audio" and "tail" (tests/capi/rideshare_user.h); the C
 * context lives on "box" too. The proxy can be started
 * late and stopped, to see the client's link retry.
 */
#ifndef SS_TESTS_CAPI_SSPC_BED_H
#define SS_TESTS_CAPI_SSPC_BED_H

#include <libwebsockets.h>

#include "tests/capi/capi_part.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sspc_bed;

struct sspc_bed *sspc_bed_create(uint64_t seed);
/* Destroy the context first. */
void sspc_bed_destroy(struct sspc_bed *bed);
struct lws_context *sspc_bed_context(struct sspc_bed *bed,
				     const struct lws_context_creation_info *info);
int sspc_bed_start_proxy(struct sspc_bed *bed); /* 0 = listening */
void sspc_bed_stop_proxy(struct sspc_bed *bed);
/* Onward streams the proxy has right now. */
size_t sspc_bed_onward_streams(struct sspc_bed *bed);
size_t sspc_bed_violations(struct sspc_bed *bed);
/* Requests the HTTP server received, and part k of request i's multipart
 * body (as capi_bed_part). */
size_t sspc_bed_requests(struct sspc_bed *bed);
int sspc_bed_part(struct sspc_bed *bed, size_t i, size_t k, struct capi_part *part);

#ifdef __cplusplus
}
#endif

#endif
