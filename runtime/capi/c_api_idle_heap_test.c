/*
 * The heap an idle stream costs, guarded (docs/benchmarks.md "heap per idle
 * stream"; bench/e2e_bench.c idle mode is the benchmark that prints it).
 * A C program on the posix backend opens 300 raw streams and 300 h1 streams
 * to a local listener that never accepts or answers (the kernel completes
 * the connects from the listen backlog), and checks the heap each one adds
 * once they are all up:
 *   raw (CONNECTED): at most 1,024 bytes (issue 15's target; 941 B measured);
 *   h1 (request sent, waiting for the head): at most 2,560 bytes.
 * Heap is glibc's bytes in use (mallinfo2, chunk sizes included), or under
 * ASan the bytes its allocator has handed out. What each context makes once
 * (the policy's per-streamtype state, pools) is taken out by measuring from
 * the first stream on.
 */
#define _GNU_SOURCE
#include <libwebsockets.h>

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SS_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SS_ASAN 1
#endif
#ifdef SS_ASAN
#include <sanitizer/allocator_interface.h>
#endif

#define STREAMS 300

static struct lws_context *cx;
static int up; /* streams CONNECTED (raw) or CONNECTING (h1) */
static int wait_state;
static int failed;

typedef struct {
	struct lws_ss_handle *ss;
	void *opaque_data;
} idle_t;

static size_t heap_in_use(void)
{
#ifdef SS_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	return mallinfo2().uordblks;
#endif
}

static lws_ss_state_return_t
idle_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	(void)userobj;
	(void)buf;
	(void)len;
	(void)flags;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
idle_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
	int *flags)
{
	(void)userobj;
	(void)ord;
	(void)buf;
	(void)len;
	(void)flags;
	return LWSSSSRET_TX_DONT_SEND;
}

static lws_ss_state_return_t
idle_state(void *userobj, void *h_src, lws_ss_constate_t state,
	   lws_ss_tx_ordinal_t ack)
{
	idle_t *s = (idle_t *)userobj;

	(void)h_src;
	(void)ack;
	if ((int)state == wait_state)
		up++;
	switch (state) {
	case LWSSSCS_CREATING:
		/* h1 sends its request once connected */
		return lws_ss_client_connect(s->ss);
	case LWSSSCS_DISCONNECTED:
	case LWSSSCS_UNREACHABLE:
	case LWSSSCS_ALL_RETRIES_FAILED:
	case LWSSSCS_TIMEOUT:
		if (wait_state < 0) /* the context is being destroyed */
			return LWSSSSRET_OK;
		fprintf(stderr, "a stream went %s\n", lws_ss_state_name(state));
		failed = 1;
		return LWSSSSRET_OK;
	default:
		return LWSSSSRET_OK;
	}
}

static int make(const char *streamtype)
{
	struct lws_ss_handle *h;
	lws_ss_info_t ssi;

	memset(&ssi, 0, sizeof ssi);
	ssi.streamtype = streamtype;
	ssi.user_alloc = sizeof(idle_t);
	ssi.handle_offset = offsetof(idle_t, ss);
	ssi.opaque_user_data_offset = offsetof(idle_t, opaque_data);
	ssi.rx = idle_rx;
	ssi.tx = idle_tx;
	ssi.state = idle_state;
	return lws_ss_create(cx, 0, &ssi, NULL, &h, NULL, NULL);
}

/* Services until `want` streams are up or 20 s passed; then 200 ms more
 * for h1 requests to go out. */
static int run_until_up(int want, int settle_ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		lws_service(cx, 10);
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (failed)
			return 1;
		if (up >= want && ms >= settle_ms)
			return 0;
		if (ms > 20000) {
			fprintf(stderr, "only %d of %d streams came up\n", up, want);
			return 1;
		}
	}
}

/* Bytes of heap each of STREAMS - 1 more streams of `streamtype` adds. */
static long per_stream(const char *streamtype, int state, int settle_ms)
{
	size_t h0, h1;
	int i;

	wait_state = state;
	up = 0;
	if (make(streamtype) || run_until_up(1, settle_ms))
		return -1;
	h0 = heap_in_use();
	for (i = 1; i < STREAMS; i++)
		if (make(streamtype))
			return -1;
	if (run_until_up(STREAMS, settle_ms))
		return -1;
	h1 = heap_in_use();
	return (long)(h1 - h0) / (STREAMS - 1);
}

int main(void)
{
	struct lws_context_creation_info info;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	char policy[768];
	long raw, h1;
	int lfd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) ||
	    listen(lfd, 2 * STREAMS + 8) || getsockname(lfd, (struct sockaddr *)&sa, &sl)) {
		perror("listener");
		return 2;
	}

	snprintf(policy, sizeof policy,
		 "{\"release\":\"1\",\"product\":\"p\",\"schema-version\":1,"
		 "\"s\":[{\"raw\":{\"endpoint\":\"127.0.0.1\",\"port\":%u,\"protocol\":\"raw\"}},"
		 "{\"get\":{\"endpoint\":\"127.0.0.1\",\"port\":%u,\"protocol\":\"h1\","
		 "\"http_method\":\"GET\",\"http_url\":\"idle\",\"timeout_ms\":60000}}]}",
		 (unsigned)ntohs(sa.sin_port), (unsigned)ntohs(sa.sin_port));

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = policy;
	cx = lws_create_context(&info);
	if (!cx)
		return 1;

	raw = per_stream("raw", LWSSSCS_CONNECTED, 0);
	h1 = per_stream("get", LWSSSCS_CONNECTING, 200);
	printf("heap per idle stream: raw %ld B (budget 1024), h1 %ld B (budget 2560)\n", raw, h1);

	wait_state = -1;
	lws_context_destroy(cx);
	close(lfd);
	if (raw < 0 || h1 < 0)
		return 1;
	return raw > 1024 || h1 > 2560;
}
