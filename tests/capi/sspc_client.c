/*
 * sspc-client: a libwebsockets-style SS proxy client, built the way lws
 * client builds are (LWS_SS_USE_SSPC, lws_ss_* names, no policy), on the
 * production backend (lws_create_context: epoll + real sockets). Used by
 * //tools:tools_e2e_test and //tests/integration:proxy_bulk_test against a
 * running ss-proxy.
 *
 *   sspc-client PROXY STREAMTYPE MESSAGE
 *   sspc-client --get PROXY STREAMTYPE
 *
 * PROXY is "@name" (abstract unix socket), "/path" or "host:port".
 *
 * Echo (the first form): sends MESSAGE once CONNECTED and exits 0 when the
 * same bytes came back, 1 on any failure (after 10 s at most).
 *
 * --get: sends nothing, writes every byte the stream receives to stdout and
 * exits 0 at QOS_ACK_REMOTE (the whole response arrived); 1 if the stream
 * ends any other way first (DISCONNECTED, NACK, refusal, no proxy, a stdout
 * write error, 120 s without the ack), with one line on stderr saying how
 * many bytes had arrived.
 *
 * Bad usage exits 2.
 */
#define LWS_SS_USE_SSPC
#include <libwebsockets.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *message; /* NULL in --get mode */
static int done, result = 1;
static unsigned long long got_bytes;

typedef struct {
	struct lws_ss_handle *ss;
	void *opaque_data;
	char rx[4096];
	size_t rx_len;
	int sent;
} client_t;

static void
finish(int res, const char *why)
{
	if (done)
		return;
	if (why)
		fprintf(stderr, "sspc-client: %s (%llu bytes received)\n", why,
			got_bytes);
	result = res;
	done = 1;
}

static lws_ss_state_return_t
client_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	client_t *c = (client_t *)userobj;

	(void)flags;
	got_bytes += len;
	if (!message) {
		if (len && fwrite(buf, 1, len, stdout) != len)
			finish(1, "cannot write to stdout");
		return LWSSSSRET_OK;
	}
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
	size_t n;

	(void)ord;
	if (!message || c->sent)
		return LWSSSSRET_TX_DONT_SEND;
	n = strlen(message);
	if (n > *len)
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
		if (ack >= 3000) /* the proxy is not coming */
			finish(1, "cannot reach the proxy");
		break;
	case LWSSSCS_DESTROYING:
		finish(1, "the proxy refused the stream");
		break;
	case LWSSSCS_QOS_ACK_REMOTE:
		if (!message) {
			if (fflush(stdout))
				finish(1, "cannot write to stdout");
			finish(0, NULL);
		}
		break;
	case LWSSSCS_QOS_NACK_REMOTE:
	case LWSSSCS_DISCONNECTED:
	case LWSSSCS_ALL_RETRIES_FAILED:
	case LWSSSCS_TIMEOUT:
		if (!message) {
			char why[64];

			snprintf(why, sizeof why, "%s before the whole response",
				 lws_ss_state_name(state));
			finish(1, why);
		}
		break;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

static int
usage(void)
{
	fprintf(stderr, "usage: sspc-client PROXY STREAMTYPE MESSAGE\n"
			"       sspc-client --get PROXY STREAMTYPE\n");
	return 2;
}

int main(int argc, const char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct lws_ss_handle *h = NULL;
	lws_ss_info_t ssi;
	char host[256];
	time_t start;
	const char *colon, *proxy, *streamtype;
	int budget_s = 10;

	if (argc == 4 && !strcmp(argv[1], "--get")) {
		proxy = argv[2];
		streamtype = argv[3];
		budget_s = 120;
	} else if (argc == 4 && argv[1][0] != '-') {
		proxy = argv[1];
		streamtype = argv[2];
		message = argv[3];
	} else
		return usage();
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = lws_sspc_protocols;
	colon = strrchr(proxy, ':');
	if (proxy[0] == '@' || proxy[0] == '/' || proxy[0] == '+') {
		info.ss_proxy_bind = proxy;
	} else if (colon && (size_t)(colon - proxy) < sizeof(host)) {
		memcpy(host, proxy, (size_t)(colon - proxy));
		host[colon - proxy] = '\0';
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
	ssi.streamtype = streamtype;
	if (lws_ss_create(context, 0, &ssi, NULL, &h, NULL, NULL)) {
		lws_context_destroy(context);
		return 1;
	}
	start = time(NULL);
	while (!done && time(NULL) - start < budget_s)
		lws_service(context, 100);
	if (!done)
		finish(1, "timed out");
	lws_ss_destroy(&h);
	lws_context_destroy(context);
	return result;
}
