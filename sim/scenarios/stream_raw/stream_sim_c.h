/*
 * C entry points to run the lws-compatible C API (<libwebsockets.h>) inside
 * a simulated World (securestreams extension, for C tests):
 *
 *   struct ss_sim_world *w = ss_sim_world_create(seed);
 *   ss_sim_world_add_echo_server(w, "echo-1", 7);
 *   struct lws_context *cx = ss_sim_create_context(&info, w, "client");
 *   ... lws_ss_create(cx, ...); while (lws_service(cx, 0) >= 0 && !done) ;
 *   lws_context_destroy(cx);          (before the world)
 *   ss_sim_world_destroy(w);
 *
 * lws_service() runs one simulated event (and then up to timeout_ms of
 * virtual time); it returns -1 when the world is idle. Stream states go
 * into the world's trace; illegal transitions into its violations.
 */
#ifndef SS_STREAM_SIM_C_H
#define SS_STREAM_SIM_C_H

#include <libwebsockets.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ss_sim_world;

struct ss_sim_world *ss_sim_world_create(uint64_t seed);
void ss_sim_world_destroy(struct ss_sim_world *world);
/* Adds host `host` (also its DNS name) running a raw echo server on `port`. */
int ss_sim_world_add_echo_server(struct ss_sim_world *world, const char *host, int port);
/* Adds host `host` running a simulated HTTP/1.1 server on `port` with the
 * routes /ok (200, 12345-byte body), /chunked (200, chunked, 3000 bytes),
 * /notfound (404), /delay (200 after 10 s), /busy (503, Retry-After: 1),
 * /truncated (200, connection dropped mid-body). */
int ss_sim_world_add_http_server(struct ss_sim_world *world, const char *host, int port);
/* Adds host `host` running a simulated WebSocket echo server on `port`;
 * with `wrong_accept` nonzero its handshake answer is deliberately wrong. */
int ss_sim_world_add_ws_echo_server(struct ss_sim_world *world, const char *host, int port,
				    int wrong_accept);
size_t ss_sim_world_violations(struct ss_sim_world *world);
uint64_t ss_sim_world_trace_hash(struct ss_sim_world *world);

/* A context whose streams live on simulated host `client_host` (created if
 * needed). Destroy it before the world. */
struct lws_context *ss_sim_create_context(const struct lws_context_creation_info *info,
					  struct ss_sim_world *world, const char *client_host);

#ifdef __cplusplus
}
#endif

#endif
