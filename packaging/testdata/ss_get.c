/*
 * A Secure Streams client written against <libwebsockets.h>, built OUTSIDE
 * Bazel against an installed securestreams (//packaging:install_test):
 *
 *   ss_get PORT PATH      GET http://127.0.0.1:PORT/PATH, body to stdout
 *   ss_get PORT PATH CA   the same over TLS (https), trusting only CA: the
 *                         base64 of a DER certificate
 *
 * The policy is the usual lws one (an h1 streamtype with a retry table); the
 * stream connects on CREATING. Exit 0 only if the whole body arrived (EOM),
 * the transaction was acked (QOS_ACK_REMOTE) and nothing failed; otherwise
 * one line on stderr says what went wrong.
 */
#include <libwebsockets.h>

#include <stdlib.h>
#include <string.h>

static int done, failed, acked, eom;
static size_t rx_bytes;

typedef struct {
	struct lws_ss_handle *ss;
	void *opaque_data;
} get_t;

static lws_ss_state_return_t
get_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	(void)userobj;
	if (len && fwrite(buf, 1, len, stdout) != len) {
		failed = 1;
		done = 1;
		return LWSSSSRET_DESTROY_ME;
	}
	rx_bytes += len;
	if (flags & LWSSS_FLAG_EOM)
		eom = 1;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
get_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
       int *flags)
{
	(void)userobj;
	(void)ord;
	(void)buf;
	(void)len;
	(void)flags;
	return LWSSSSRET_TX_DONT_SEND; /* a GET sends no body */
}

static lws_ss_state_return_t
get_state(void *userobj, void *h_src, lws_ss_constate_t state,
	  lws_ss_tx_ordinal_t ack)
{
	get_t *g = (get_t *)userobj;

	(void)h_src;
	(void)ack;
	switch (state) {
	case LWSSSCS_CREATING:
		lws_ss_start_timeout(g->ss, 10000);
		return lws_ss_client_connect(g->ss);
	case LWSSSCS_QOS_ACK_REMOTE:
		acked = 1;
		break;
	case LWSSSCS_QOS_NACK_REMOTE:
	case LWSSSCS_ALL_RETRIES_FAILED:
	case LWSSSCS_TIMEOUT:
		fprintf(stderr, "ss_get: stream state %s\n",
			lws_ss_state_name(state));
		failed = 1;
		done = 1;
		return LWSSSSRET_DESTROY_ME;
	default:
		break;
	}
	if (acked && eom)
		done = 1;
	return LWSSSSRET_OK;
}

int main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *cx;
	struct lws_ss_handle *h;
	lws_ss_info_t ssi;
	char policy[8192];
	const char *ca = argc == 4 ? argv[3] : NULL;
	int guard = 0;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: ss_get PORT PATH [CA_DER_BASE64]\n");
		return 2;
	}
	if (ca && strlen(ca) > 6000) {
		fprintf(stderr, "ss_get: CA longer than 6000 characters\n");
		return 2;
	}
	snprintf(policy, sizeof policy,
		 "{\"release\":\"1\",\"product\":\"install-test\","
		 "\"schema-version\":1,"
		 "\"retry\":[{\"default\":{\"backoff\":[100,200],"
		 "\"conceal\":2,\"jitterpc\":0}}],"
		 "%s%s%s"
		 "\"s\":[{\"get\":{\"endpoint\":\"127.0.0.1\",\"port\":%d,"
		 "\"protocol\":\"h1\",\"http_method\":\"GET\","
		 "%s"
		 "\"http_url\":\"%s\",\"retry\":\"default\"}}]}",
		 ca ? "\"certs\":[{\"ca\":\"" : "", ca ? ca : "",
		 ca ? "\"}],\"trust_stores\":[{\"name\":\"ts\","
		      "\"stack\":[\"ca\"]}]," : "",
		 atoi(argv[1]),
		 ca ? "\"tls\":true,\"tls_trust_store\":\"ts\"," : "",
		 argv[2]);

	/* warnings too: a failed connection's reason (a TLS error) is one */
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = policy;
	cx = lws_create_context(&info);
	if (!cx) {
		fprintf(stderr, "ss_get: lws_create_context failed\n");
		return 1;
	}

	memset(&ssi, 0, sizeof ssi);
	ssi.streamtype = "get";
	ssi.user_alloc = sizeof(get_t);
	ssi.handle_offset = offsetof(get_t, ss);
	ssi.opaque_user_data_offset = offsetof(get_t, opaque_data);
	ssi.rx = get_rx;
	ssi.tx = get_tx;
	ssi.state = get_state;
	if (lws_ss_create(cx, 0, &ssi, NULL, &h, NULL, NULL)) {
		fprintf(stderr, "ss_get: lws_ss_create failed\n");
		lws_context_destroy(cx);
		return 1;
	}

	/* the stream's own 10 s timeout ends a stuck run; guard is a backstop */
	while (!done && guard++ < 100000)
		if (lws_service(cx, 100) < 0)
			break;
	lws_context_destroy(cx);
	fflush(stdout);

	if (failed || !acked || !eom) {
		fprintf(stderr, "ss_get: incomplete (acked %d, eom %d, %zu bytes)\n",
			acked, eom, rx_bytes);
		return 1;
	}
	return 0;
}
