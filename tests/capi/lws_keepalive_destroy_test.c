/*
 * The classic libwebsockets idiom, a stream per request: create, GET, and
 * on QOS_ACK_REMOTE return LWSSSSRET_DESTROY_ME (half the rounds) or call
 * lws_ss_destroy() from the callback (the other half); then the next round.
 * Run in the simulator against a keep-alive HTTP server
 * (tests/capi/httpbin_bed.h).
 *
 * Checks: 100 rounds, 100 GETs seen by the server, every one acked with its
 * whole body, and the server accepted ONE connection: each destroyed
 * stream's finished keep-alive wire went to the context's pool and the next
 * stream took it (docs/api.md, "Connection reuse").
 */
#include <libwebsockets.h>

#include <stdio.h>
#include <string.h>

#include "tests/capi/httpbin_bed.h"

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"keepalive\",\"schema-version\":1,"
	"\"retry\":[{\"default\":{\"backoff\":[100,200],\"conceal\":2}}],"
	"\"s\":["
	"{\"get\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"meta\",\"retry\":\"default\","
	"\"timeout_ms\":5000}}"
	"]}";

#define ROUNDS 100

static int round_no, acks, bad_body, fail_line;
static size_t rx_len;
static struct lws_context *cx;

#define CHECK(_c) do { if (!(_c) && !fail_line) fail_line = __LINE__; } while (0)

LWS_SS_USER_TYPEDEF
	int round;
} get_t;

static int next_round(void);

static lws_ss_state_return_t
get_rx(void *userobj, const uint8_t *in, size_t len, int flags)
{
	(void)userobj;
	(void)in;
	(void)flags;
	rx_len += len;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
get_state(void *userobj, void *h_src, lws_ss_constate_t state,
	  lws_ss_tx_ordinal_t ack)
{
	get_t *g = (get_t *)userobj;

	(void)h_src;
	(void)ack;
	switch ((int)state) {
	case LWSSSCS_CREATING:
		return lws_ss_client_connect(lws_ss_from_user(g));
	case LWSSSCS_QOS_ACK_REMOTE:
		acks++;
		if (rx_len != strlen("meta-body"))
			bad_body++;
		if (g->round % 2) {
			lws_ss_destroy(&g->ss); /* deferred until we return */
			return LWSSSSRET_OK;
		}
		return LWSSSSRET_DESTROY_ME;
	case LWSSSCS_DESTROYING:
		if (next_round())
			lws_default_loop_exit(cx);
		break;
	case LWSSSCS_QOS_NACK_REMOTE:
	case LWSSSCS_ALL_RETRIES_FAILED:
		CHECK(0);
		lws_default_loop_exit(cx);
		break;
	}
	return LWSSSSRET_OK;
}

static LWS_SS_INFO("get", get_t)
	.rx = get_rx,
	.state = get_state,
};

/* Starts the next round; non-zero when all are done (or on error). */
static int
next_round(void)
{
	struct lws_ss_handle *h;

	if (round_no == ROUNDS)
		return 1;
	rx_len = 0;
	if (lws_ss_create(cx, 0, &ssi_get_t, NULL, &h, NULL, NULL)) {
		CHECK(0);
		return 1;
	}
	((get_t *)lws_ss_to_user_object(h))->round = round_no++;
	return 0;
}

int main(void)
{
	struct lws_context_creation_info info;
	struct capi_bed *bed = capi_bed_create(7);
	int n = 0;

	if (!bed)
		return 1;
	memset(&info, 0, sizeof(info));
	info.pss_policies_json = policy;
	info.fd_limit_per_thread = 64;
	cx = capi_bed_context(bed, &info);
	if (!cx) {
		fprintf(stderr, "no context\n");
		return 1;
	}
	CHECK(!next_round());
	while (n >= 0 && !fail_line && acks < ROUNDS)
		n = lws_service(cx, 0);
	/* let the last DESTROYING run */
	for (n = 0; n < 100 && lws_service(cx, 0) >= 0; n++)
		;

	CHECK(acks == ROUNDS);
	CHECK(!bad_body);
	CHECK(capi_bed_requests(bed) == ROUNDS);
	CHECK(capi_bed_connections(bed) == 1);
	CHECK(!capi_bed_violations(bed));
	fprintf(stderr, "rounds %d, acks %d, requests %zu, connections %zu\n",
		round_no, acks, capi_bed_requests(bed),
		capi_bed_connections(bed));
	lws_context_destroy(cx);
	capi_bed_destroy(bed);
	if (fail_line) {
		fprintf(stderr, "FAIL at line %d\n", fail_line);
		return 1;
	}
	return 0;
}
