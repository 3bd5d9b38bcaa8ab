/*
 * The user side of one echo stream through an SS proxy in C, included by
 * the proxy client programs that run it in the simulator (lws_sspc_test.c,
 * lws_proxy_create_sim_test.c). Define ECHO_USER_MESSAGE (a string
 * literal) and include <libwebsockets.h> (and <ss/backend_c.h>) first.
 *
 * echo_user_ssi creates streamtype "echo" with an echo_user_t user object:
 * it counts each state it hears in states[], keeps the ack of the last
 * UPSTREAM_LINK_RETRY and collects rx in rx[]. tx() sends ECHO_USER_MESSAGE
 * (SOM|EOM) once per connection; the state callback asks for tx at CREATING
 * (the onward stream connects on request_tx), DISCONNECTED (again once the
 * link is back) and CONNECTED.
 */
#ifndef SS_TESTS_CAPI_SSPC_ECHO_USER_H
#define SS_TESTS_CAPI_SSPC_ECHO_USER_H

#include <stddef.h>
#include <string.h>

typedef struct echo_user {
	struct lws_sspc_handle *ss;
	void *opaque_data;
	int states[32];
	unsigned int last_retry_ack;
	int sent;
	char rx[256];
	size_t rx_len;
} echo_user_t;

static lws_ss_state_return_t
echo_user_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	echo_user_t *u = (echo_user_t *)userobj;

	(void)flags;
	if (u->rx_len + len < sizeof(u->rx)) {
		memcpy(u->rx + u->rx_len, buf, len);
		u->rx_len += len;
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
echo_user_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf,
	     size_t *len, int *flags)
{
	echo_user_t *u = (echo_user_t *)userobj;
	static const char msg[] = ECHO_USER_MESSAGE;

	(void)ord;
	if (u->sent)
		return LWSSSSRET_TX_DONT_SEND;
	memcpy(buf, msg, sizeof(msg) - 1);
	*len = sizeof(msg) - 1;
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	u->sent = 1;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
echo_user_state(void *userobj, void *sh, lws_ss_constate_t state,
		lws_ss_tx_ordinal_t ack)
{
	echo_user_t *u = (echo_user_t *)userobj;

	(void)sh;
	if ((int)state < 32)
		u->states[state]++;
	switch (state) {
	case LWSSSCS_UPSTREAM_LINK_RETRY:
		u->last_retry_ack = ack;
		return LWSSSSRET_OK;
	case LWSSSCS_CREATING:
	case LWSSSCS_DISCONNECTED:
		return lws_sspc_request_tx(u->ss);
	case LWSSSCS_CONNECTED:
		u->sent = 0;
		return lws_sspc_request_tx(u->ss);
	default:
		return LWSSSSRET_OK;
	}
}

static const lws_ss_info_t echo_user_ssi = {
	.handle_offset = offsetof(echo_user_t, ss),
	.opaque_user_data_offset = offsetof(echo_user_t, opaque_data),
	.rx = echo_user_rx,
	.tx = echo_user_tx,
	.state = echo_user_state,
	.user_alloc = sizeof(echo_user_t),
	.streamtype = "echo",
};

/* Services (one shared simulated world) until `ms` of virtual time passed;
 * one lws_service() runs the next simulated event, up to a second ahead. */
static void
echo_user_run(struct lws_context *cx, int ms)
{
	int64_t until = ss_context_now_us(cx) + (int64_t)ms * 1000;

	while (ss_context_now_us(cx) < until)
		if (lws_service(cx, 0) < 0)
			break;
}

#endif
