/*
 * A small simulated world for the tests in tests/capi (C-callable): host
 * "httpbin" runs the simulated HTTP/1.1 server (sim/peers) on port 80 with
 * /post answering 200 and the body "{\"ok\":true}" (11 bytes) and /meta
 * answering 200, "Server: simbin/1" and the body "meta-body"; the context
 * lives on host "client". Unlike ss_sim_world, it lets a test
 * read back what the server received (method, headers, body).
 */
#ifndef SS_TESTS_CAPI_HTTPBIN_BED_H
#define SS_TESTS_CAPI_HTTPBIN_BED_H

#include <libwebsockets.h>

#include "tests/capi/capi_part.h"

#ifdef __cplusplus
extern "C" {
#endif

struct capi_bed;

struct capi_bed *capi_bed_create(uint64_t seed);
/* Destroy the context first. */
void capi_bed_destroy(struct capi_bed *bed);
struct lws_context *capi_bed_context(struct capi_bed *bed,
				     const struct lws_context_creation_info *info);
size_t capi_bed_requests(struct capi_bed *bed);
/* TCP connections the server has accepted so far. */
size_t capi_bed_connections(struct capi_bed *bed);
/* Request i's method, body and a header (NULL if absent); valid until the
 * bed is destroyed. */
const char *capi_bed_method(struct capi_bed *bed, size_t i);
const char *capi_bed_body(struct capi_bed *bed, size_t i, size_t *len);
const char *capi_bed_header(struct capi_bed *bed, size_t i, const char *name);
size_t capi_bed_violations(struct capi_bed *bed);
/* Part k of request i's multipart body into *part (if k is in range);
 * returns the number of parts, -1 if the body is not multipart. */
int capi_bed_part(struct capi_bed *bed, size_t i, size_t k, struct capi_part *part);

#ifdef __cplusplus
}
#endif

#endif
