/*
 * The lws "testsfail" matrix (docs/secure-streams.md §5) for h1, written in C against
 * <libwebsockets.h> and run in the simulator: each case names a streamtype,
 * the state it must reach, states it must never see and the rx byte count
 * expected at that point. As in lws, the state callback re-arms the timeout
 * with the remaining budget in CREATING, CONNECTING and CONNECTED.
 */
#include <libwebsockets.h>

#include <ss/backend_c.h>

#include "sim/scenarios/stream_raw/stream_sim_c.h"

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"tf\",\"schema-version\":1,"
	"\"retry\":[{\"r\":{\"backoff\":[100,200,400],\"conceal\":3}}],"
	"\"s\":["
	"{\"get\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"ok\",\"retry\":\"r\",\"opportunistic\":true}},"
	"{\"chunked\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"chunked\",\"retry\":\"r\",\"opportunistic\":true}},"
	"{\"nf\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"notfound\",\"retry\":\"r\",\"opportunistic\":true}},"
	"{\"slow\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"delay\",\"retry\":\"r\",\"timeout_ms\":3000}},"
	"{\"busy\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"busy\",\"retry\":\"r\",\"opportunistic\":true}},"
	"{\"trunc\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"truncated\",\"retry\":\"r\"}},"
	"{\"nxd\":{\"endpoint\":\"bogus.nope\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"ok\",\"retry\":\"r\"}}"
	"]}";

struct tcase {
	const char *streamtype;
	unsigned int budget_ms;
	int must;          /* state that passes the case */
	unsigned int never; /* bitmask of states that fail it */
	size_t rx;         /* rx bytes expected when `must` comes */
};

#define B(s) (1u << (s))

static const struct tcase cases[] = {
	{ "get", 5000, LWSSSCS_QOS_ACK_REMOTE,
	  B(LWSSSCS_QOS_NACK_REMOTE) | B(LWSSSCS_UNREACHABLE) | B(LWSSSCS_TIMEOUT), 12345 },
	{ "chunked", 5000, LWSSSCS_QOS_ACK_REMOTE,
	  B(LWSSSCS_QOS_NACK_REMOTE) | B(LWSSSCS_TIMEOUT), 3000 },
	{ "nf", 5000, LWSSSCS_QOS_NACK_REMOTE,
	  B(LWSSSCS_QOS_ACK_REMOTE) | B(LWSSSCS_TIMEOUT), 0 },
	{ "slow", 3000, LWSSSCS_TIMEOUT,
	  B(LWSSSCS_QOS_ACK_REMOTE) | B(LWSSSCS_UNREACHABLE), 0 },
	{ "busy", 5000, LWSSSCS_QOS_NACK_REMOTE,
	  B(LWSSSCS_QOS_ACK_REMOTE) | B(LWSSSCS_TIMEOUT), 0 },
	/* dropped mid-body: the user hears DISCONNECTED, never an ACK */
	{ "trunc", 5000, LWSSSCS_DISCONNECTED,
	  B(LWSSSCS_QOS_ACK_REMOTE) | B(LWSSSCS_QOS_NACK_REMOTE), 2000 },
	{ "nxd", 30000, LWSSSCS_ALL_RETRIES_FAILED,
	  B(LWSSSCS_CONNECTED) | B(LWSSSCS_TIMEOUT), 0 },
};

typedef struct {
	struct lws_ss_handle *ss;
	void *opaque_data;
	const struct tcase *tc;
	struct lws_context *cx;
	int64_t deadline_us;
	size_t rx;
} tf_t;

static int results[8]; /* per case: 0 running, 1 pass, -1 fail */

static lws_ss_state_return_t
tf_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	tf_t *t = (tf_t *)userobj;

	(void)buf;
	(void)flags;
	t->rx += len;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
tf_state(void *userobj, void *h_src, lws_ss_constate_t state,
	 lws_ss_tx_ordinal_t ack)
{
	tf_t *t = (tf_t *)userobj;
	int64_t left;

	(void)h_src;
	(void)ack;
	if (!t->tc) {
		t->tc = (const struct tcase *)t->opaque_data;
		t->cx = lws_ss_get_context(t->ss);
	}
	if (results[t->tc - cases])
		return LWSSSSRET_OK; /* decided; DESTROYING etc. */
	if (state < 32 && (t->tc->never & B(state))) {
		lwsl_err("%s: forbidden state %s\n", t->tc->streamtype,
			 lws_ss_state_name(state));
		results[t->tc - cases] = -1;
		return LWSSSSRET_DESTROY_ME;
	}
	if ((int)state == t->tc->must) {
		results[t->tc - cases] = t->rx == t->tc->rx ? 1 : -1;
		if (results[t->tc - cases] < 0)
			lwsl_err("%s: rx %zu, expected %zu\n", t->tc->streamtype,
				 t->rx, t->tc->rx);
		return LWSSSSRET_DESTROY_ME;
	}
	switch (state) {
	case LWSSSCS_CREATING:
		t->deadline_us = ss_context_now_us(t->cx) +
				 (int64_t)t->tc->budget_ms * 1000;
		/* fallthrough */
	case LWSSSCS_CONNECTING:
	case LWSSSCS_CONNECTED:
		left = (t->deadline_us - ss_context_now_us(t->cx)) / 1000;
		if (left > 0)
			lws_ss_start_timeout(t->ss, (unsigned int)left);
		if (state == LWSSSCS_CREATING)
			return lws_ss_request_tx(t->ss);
		break;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

int main(void)
{
	struct lws_context_creation_info info;
	struct ss_sim_world *w = ss_sim_world_create(11);
	struct lws_context *cx;
	lws_ss_info_t ssi;
	struct lws_ss_handle *h[8];
	size_t n, ncases = sizeof(cases) / sizeof(cases[0]);
	int fails = 0, s = 0, guard = 0, running = 1;

	if (ss_sim_world_add_http_server(w, "httpbin", 80))
		return 1;
	memset(&info, 0, sizeof info);
	info.pss_policies_json = policy;
	cx = ss_sim_create_context(&info, w, "client");
	if (!cx)
		return 1;

	memset(&ssi, 0, sizeof ssi);
	ssi.user_alloc = sizeof(tf_t);
	ssi.handle_offset = offsetof(tf_t, ss);
	ssi.opaque_user_data_offset = offsetof(tf_t, opaque_data);
	ssi.rx = tf_rx;
	ssi.state = tf_state;

	/* the cases run concurrently, each on its own stream */
	for (n = 0; n < ncases; n++) {
		ssi.streamtype = cases[n].streamtype;
		if (lws_ss_create(cx, 0, &ssi, (void *)&cases[n], &h[n], NULL, NULL))
			return 1;
	}
	while (s >= 0 && running && guard++ < 1000000) {
		s = lws_service(cx, 0);
		running = 0;
		for (n = 0; n < ncases; n++)
			if (!results[n])
				running = 1;
	}
	for (n = 0; n < ncases; n++) {
		lwsl_user("%-8s %s\n", cases[n].streamtype,
			  results[n] > 0 ? "PASS" : results[n] < 0 ? "FAIL" : "NO RESULT");
		if (results[n] <= 0)
			fails++;
	}

	lws_context_destroy(cx);
	if (ss_sim_world_violations(w)) {
		lwsl_err("simulator violations: %zu\n", ss_sim_world_violations(w));
		fails++;
	}
	ss_sim_world_destroy(w);
	return fails;
}
