/*
 * A ws Secure Stream in C in the simulator: "hello" goes out as one
 * message (SOM|EOM) and comes back from the echo server as one message;
 * against a server with a wrong Sec-WebSocket-Accept the stream never
 * reaches CONNECTED and ends with ALL_RETRIES_FAILED.
 */
#include <libwebsockets.h>

#include "sim/scenarios/stream_raw/stream_sim_c.h"

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"ws\",\"schema-version\":1,"
	"\"retry\":[{\"r\":{\"backoff\":[100,200],\"conceal\":2}}],"
	"\"s\":["
	"{\"wsecho\":{\"endpoint\":\"ws-good\",\"port\":80,\"protocol\":\"ws\","
	"\"http_url\":\"echo\",\"retry\":\"r\",\"ws_binary\":true}},"
	"{\"wsbad\":{\"endpoint\":\"ws-bad\",\"port\":80,\"protocol\":\"ws\","
	"\"http_url\":\"echo\",\"retry\":\"r\"}}"
	"]}";

typedef struct {
	struct lws_ss_handle *ss;
	void *opaque_data;
	int sent;
} w_t;

static int echo_ok, echo_flags, bad_arf, bad_connected, fails;

static lws_ss_state_return_t
w_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	(void)userobj;
	if (len == 5 && !memcmp(buf, "hello", 5))
		echo_ok = 1;
	echo_flags = flags;
	return LWSSSSRET_DESTROY_ME;
}

static lws_ss_state_return_t
w_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len, int *flags)
{
	w_t *w = (w_t *)userobj;

	(void)ord;
	if (w->sent)
		return LWSSSSRET_TX_DONT_SEND;
	memcpy(buf, "hello", 5);
	*len = 5;
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	w->sent = 1;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
w_state(void *userobj, void *h_src, lws_ss_constate_t state, lws_ss_tx_ordinal_t ack)
{
	w_t *w = (w_t *)userobj;

	(void)h_src;
	(void)ack;
	if (!strcmp(lws_ss_rideshare(w->ss), "wsbad")) {
		if (state == LWSSSCS_CONNECTED)
			bad_connected++;
		if (state == LWSSSCS_ALL_RETRIES_FAILED) {
			bad_arf++;
			return LWSSSSRET_DESTROY_ME;
		}
	}
	if (state == LWSSSCS_CREATING)
		return lws_ss_request_tx(w->ss);
	return LWSSSSRET_OK;
}

int main(void)
{
	struct lws_context_creation_info info;
	struct ss_sim_world *world = ss_sim_world_create(21);
	struct lws_context *cx;
	struct lws_ss_handle *h1, *h2;
	lws_ss_info_t ssi;
	int n = 0, guard = 0;

	if (ss_sim_world_add_ws_echo_server(world, "ws-good", 80, 0) ||
	    ss_sim_world_add_ws_echo_server(world, "ws-bad", 80, 1))
		return 1;
	memset(&info, 0, sizeof info);
	info.pss_policies_json = policy;
	cx = ss_sim_create_context(&info, world, "client");
	if (!cx)
		return 1;
	memset(&ssi, 0, sizeof ssi);
	ssi.user_alloc = sizeof(w_t);
	ssi.handle_offset = offsetof(w_t, ss);
	ssi.opaque_user_data_offset = offsetof(w_t, opaque_data);
	ssi.rx = w_rx;
	ssi.tx = w_tx;
	ssi.state = w_state;
	ssi.streamtype = "wsecho";
	if (lws_ss_create(cx, 0, &ssi, NULL, &h1, NULL, NULL))
		return 1;
	ssi.streamtype = "wsbad";
	if (lws_ss_create(cx, 0, &ssi, NULL, &h2, NULL, NULL))
		return 1;

	while (n >= 0 && !(echo_ok && bad_arf) && guard++ < 1000000)
		n = lws_service(cx, 0);

	lws_context_destroy(cx);
	if (!echo_ok || echo_flags != (LWSSS_FLAG_SOM | LWSSS_FLAG_EOM) ||
	    bad_arf != 1 || bad_connected || ss_sim_world_violations(world))
		fails = 1;
	lwsl_user("echo %d flags %d bad_arf %d bad_connected %d violations %zu: %s\n",
		  echo_ok, echo_flags, bad_arf, bad_connected,
		  ss_sim_world_violations(world), fails ? "FAILED" : "PASSED");
	ss_sim_world_destroy(world);
	return fails;
}
