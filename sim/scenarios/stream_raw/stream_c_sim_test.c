/*
 * A classic-style Secure Streams C program (compiled as C) running in the
 * simulator: raw streams to a simulated echo server and to a host nobody
 * listens on, checking the states, the echoed bytes, ALL_RETRIES_FAILED
 * exactly once, no violation, and that the same seed gives the same trace.
 */
#include <libwebsockets.h>

#include "sim/scenarios/stream_raw/stream_sim_c.h"

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"c-sim\",\"schema-version\":1,"
	"\"retry\":[{\"quick\":{\"backoff\":[100,200,400],\"conceal\":3}}],"
	"\"s\":["
	"{\"echo\":{\"endpoint\":\"echo-1\",\"port\":7,\"protocol\":\"raw\",\"retry\":\"quick\"}},"
	"{\"dead\":{\"endpoint\":\"nobody\",\"port\":7,\"protocol\":\"raw\",\"retry\":\"quick\"}}"
	"]}";

LWS_SS_USER_TYPEDEF
	size_t rx;
	int sent;
	int connected;
	int destroying;
	int arf;
} myss_t;

static int done_echo, done_dead;

static lws_ss_state_return_t
myss_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	myss_t *m = (myss_t *)userobj;
	size_t n;

	(void)flags;
	for (n = 0; n < len; n++)
		if (buf[n] != (uint8_t)('a' + (m->rx + n) % 26))
			return LWSSSSRET_DESTROY_ME;
	m->rx += len;
	if (m->rx == 3000) {
		done_echo = 1;
		return LWSSSSRET_DESTROY_ME;
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
myss_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
	int *flags)
{
	myss_t *m = (myss_t *)userobj;
	size_t n;

	(void)ord;
	if (m->sent >= 3)
		return LWSSSSRET_TX_DONT_SEND;
	if (*len > 1000)
		*len = 1000;
	for (n = 0; n < *len; n++)
		buf[n] = (uint8_t)('a' + ((size_t)m->sent * 1000 + n) % 26);
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	if (++m->sent < 3)
		lws_ss_request_tx(m->ss);
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
myss_state(void *userobj, void *h_src, lws_ss_constate_t state,
	   lws_ss_tx_ordinal_t ack)
{
	myss_t *m = (myss_t *)userobj;

	(void)h_src;
	(void)ack;
	switch (state) {
	case LWSSSCS_CREATING:
		return lws_ss_request_tx(m->ss);
	case LWSSSCS_CONNECTED:
		m->connected++;
		break;
	case LWSSSCS_ALL_RETRIES_FAILED:
		m->arf++;
		done_dead = 1;
		break;
	case LWSSSCS_DESTROYING:
		m->destroying++;
		break;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

LWS_SS_INFO("echo", myss_t)
	.rx = myss_rx,
	.tx = myss_tx,
	.state = myss_state,
};

static uint64_t
run(uint64_t seed, int *ok)
{
	struct lws_context_creation_info info;
	struct ss_sim_world *w = ss_sim_world_create(seed);
	struct lws_context *cx;
	struct lws_ss_handle *he = NULL, *hd = NULL;
	lws_ss_info_t dead = ssi_myss_t;
	myss_t *md;
	uint64_t hash;
	int n = 0;

	*ok = 0;
	done_echo = done_dead = 0;
	if (ss_sim_world_add_echo_server(w, "echo-1", 7))
		return 0;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = policy;
	cx = ss_sim_create_context(&info, w, "client");
	if (!cx)
		return 0;
	if (lws_ss_create(cx, 0, &ssi_myss_t, NULL, &he, NULL, NULL))
		return 0;
	dead.streamtype = "dead";
	if (lws_ss_create(cx, 0, &dead, NULL, &hd, NULL, NULL))
		return 0;
	md = (myss_t *)lws_ss_to_user_object(hd);

	while (n >= 0 && !(done_echo && done_dead))
		n = lws_service(cx, 0);

	*ok = done_echo && done_dead && md->arf == 1 && md->connected == 0;
	lws_ss_destroy(&hd);
	lws_context_destroy(cx);
	if (ss_sim_world_violations(w))
		*ok = 0;
	hash = ss_sim_world_trace_hash(w);
	ss_sim_world_destroy(w);
	return hash;
}

int main(void)
{
	int ok1, ok2;
	uint64_t h1 = run(5, &ok1), h2 = run(5, &ok2);

	if (!ok1 || !ok2 || h1 != h2 || !h1) {
		lwsl_err("FAILED ok %d %d hash %llx %llx\n", ok1, ok2,
			 (unsigned long long)h1, (unsigned long long)h2);
		return 1;
	}
	lwsl_user("PASSED (trace hash %llx)\n", (unsigned long long)h1);
	return 0;
}
