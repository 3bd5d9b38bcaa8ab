/*
 * sspc-client: a libwebsockets-style SS proxy client, built the way lws
 * client builds are (LWS_SS_USE_SSPC, lws_ss_* names, no policy), on the
 * production backend (lws_create_context: epoll + real sockets). Used by
 * //tools:tools_e2e_test against a running ss-proxy.
 *
 *   sspc-client PROXY STREAMTYPE MESSAGE
 *
 * PROXY is "@name" (abstract unix socket), "/path" or "host:port". Sends
 * MESSAGE once CONNECTED and exits 0 when the same bytes came back, 1 on
 * any failure (after 10 s at most), 2 on bad usage.
 */
#define LWS_SS_USE_SSPC
#include <libwebsockets.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *message;
static int done, result = 1;

typedef struct {
	struct lws_ss_handle *ss;
	void *opaque_data;
	char rx[4096];
	size_t rx_len;
	int sent;
} client_t;

static lws_ss_state_return_t
client_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	client_t *c = (client_t *)userobj;

	(void)flags;
	if (c->rx_len + len > sizeof(c->rx))
		return LWSSSSRET_DESTROY_ME;
	memcpy(c->rx + c->rx_len, buf, len);
	c->rx_len += len;
	if (c->rx_len == strlen(message)) {
		result = memcmp(c->rx, message, c->rx_len) ? 1 : 0;
		done = 1;
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
client_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
	  int *flags)
{
	client_t *c = (client_t *)userobj;
	size_t n = strlen(message);

	(void)ord;
	if (c->sent || n > *len)
		return LWSSSSRET_TX_DONT_SEND;
	memcpy(buf, message, n);
	*len = n;
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	c->sent = 1;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
client_state(void *userobj, void *sh, lws_ss_constate_t state,
	     lws_ss_tx_ordinal_t ack)
{
	client_t *c = (client_t *)userobj;

	(void)sh;
	lwsl_ss_user(c->ss, "%s (%u)", lws_ss_state_name(state), (unsigned int)ack);
	switch (state) {
	case LWSSSCS_CREATING:
	case LWSSSCS_CONNECTED:
		return lws_ss_request_tx(c->ss);
	case LWSSSCS_UPSTREAM_LINK_RETRY:
		if (ack >= 3000) { /* the proxy is not coming */
			fprintf(stderr, "sspc-client: cannot reach the proxy\n");
			done = 1;
		}
		break;
	case LWSSSCS_DESTROYING:
		if (!done)
			fprintf(stderr, "sspc-client: the proxy refused the stream\n");
		done = 1;
		break;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

int main(int argc, const char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct lws_ss_handle *h = NULL;
	lws_ss_info_t ssi;
	char host[256];
	time_t start;
	const char *colon;

	if (argc != 4) {
		fprintf(stderr, "usage: sspc-client PROXY STREAMTYPE MESSAGE\n");
		return 2;
	}
	message = argv[3];
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = lws_sspc_protocols;
	colon = strrchr(argv[1], ':');
	if (argv[1][0] == '@' || argv[1][0] == '/' || argv[1][0] == '+') {
		info.ss_proxy_bind = argv[1];
	} else if (colon && (size_t)(colon - argv[1]) < sizeof(host)) {
		memcpy(host, argv[1], (size_t)(colon - argv[1]));
		host[colon - argv[1]] = '\0';
		info.ss_proxy_address = host;
		info.ss_proxy_port = (uint16_t)atoi(colon + 1);
	} else {
		fprintf(stderr, "sspc-client: PROXY must be @name, /path or host:port\n");
		return 2;
	}
	context = lws_create_context(&info);
	if (!context)
		return 1;

	memset(&ssi, 0, sizeof ssi);
	ssi.handle_offset = offsetof(client_t, ss);
	ssi.opaque_user_data_offset = offsetof(client_t, opaque_data);
	ssi.rx = client_rx;
	ssi.tx = client_tx;
	ssi.state = client_state;
	ssi.user_alloc = sizeof(client_t);
	ssi.streamtype = argv[2];
	if (lws_ss_create(context, 0, &ssi, NULL, &h, NULL, NULL)) {
		lws_context_destroy(context);
		return 1;
	}
	start = time(NULL);
	while (!done && time(NULL) - start < 10)
		lws_service(context, 100);
	if (!done)
		fprintf(stderr, "sspc-client: timed out\n");
	lws_ss_destroy(&h);
	lws_context_destroy(context);
	return result;
}
