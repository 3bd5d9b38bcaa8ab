/*
 * A Secure Streams application in the classic lws style, written in C
 * against <libwebsockets.h> only (plus <ss/backend_c.h> to pick the test
 * backend). It sends "hello" over a raw stream to an echo peer, waits for
 * the echo, checks the states it saw, and exits 0 on success.
 */
#include <libwebsockets.h>
#include <ss/backend_c.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const policy_json =
	"{\"release\":\"1\",\"product\":\"c-test\",\"schema-version\":1,"
	"\"retry\":[{\"default\":{\"backoff\":[100,200],\"conceal\":2,\"jitterpc\":10}}],"
	"\"s\":[{\"rawecho\":{\"endpoint\":\"echo.test\",\"port\":7,\"protocol\":\"raw\","
	"\"retry\":\"default\",\"timeout_ms\":5000,\"metadata\":[{\"tag\":\"\"}]}},"
	"{\"rawfail\":{\"endpoint\":\"refused.test\",\"port\":7,\"protocol\":\"raw\","
	"\"retry\":\"default\"}}]}";

static int interrupted, failed, states_seen[32], arf_seen, reason_bad;
static struct lws_ss_handle *fail_h;

typedef struct myss {
	struct lws_ss_handle *ss;
	void *opaque_data;
	size_t rx_len;
	char rx[64];
	int sent;
} myss_t;

static lws_ss_state_return_t
myss_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	myss_t *m = (myss_t *)userobj;

	(void)flags;
	if (m->rx_len + len >= sizeof(m->rx))
		return LWSSSSRET_DISCONNECT_ME;
	memcpy(m->rx + m->rx_len, buf, len);
	m->rx_len += len;
	if (m->rx_len == 5) {
		if (memcmp(m->rx, "hello", 5))
			failed = 1;
		interrupted = 1;
		return LWSSSSRET_DESTROY_ME;
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
myss_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
	int *flags)
{
	myss_t *m = (myss_t *)userobj;

	(void)ord;
	if (m->sent || *len < 5)
		return LWSSSSRET_TX_DONT_SEND;
	memcpy(buf, "hello", 5);
	*len = 5;
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	m->sent = 1;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
myss_state(void *userobj, void *h_src, lws_ss_constate_t state,
	   lws_ss_tx_ordinal_t ack)
{
	myss_t *m = (myss_t *)userobj;
	const void *v;
	size_t vlen;

	(void)h_src;
	(void)ack;
	lwsl_user("%s: %s\n", __func__, lws_ss_state_name(state));
	if (state < 32)
		states_seen[state]++;

	switch (state) {
	case LWSSSCS_CREATING:
		if (lws_ss_to_user_object(m->ss) != m)
			failed = 1;
		if (lws_ss_set_metadata(m->ss, "tag", "abc", 3))
			failed = 1;
		if (!lws_ss_set_metadata(m->ss, "undeclared", "x", 1))
			failed = 1;
		if (lws_ss_get_metadata(m->ss, "tag", &v, &vlen) || vlen != 3)
			failed = 1;
		lws_ss_start_timeout(m->ss, LWSSS_TIMEOUT_FROM_POLICY);
		return lws_ss_request_tx(m->ss);
	case LWSSSCS_TIMEOUT:
		failed = 1;
		interrupted = 1;
		return LWSSSSRET_DESTROY_ME;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
fail_state(void *userobj, void *h_src, lws_ss_constate_t state,
	   lws_ss_tx_ordinal_t ack)
{
	(void)userobj;
	(void)h_src;
	(void)ack;
	if (state == LWSSSCS_CREATING)
		return LWSSSSRET_OK;
	/* why it failed, in words (lws_ss_last_error, a securestreams extension) */
	if ((state == LWSSSCS_UNREACHABLE || state == LWSSSCS_ALL_RETRIES_FAILED) &&
	    (!fail_h || !lws_ss_last_error(fail_h) ||
	     strcmp(lws_ss_last_error(fail_h), "connection refused")))
		reason_bad++;
	if (state == LWSSSCS_ALL_RETRIES_FAILED)
		arf_seen++;
	return LWSSSSRET_OK;
}

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct lws_ss_handle *h = NULL, *hf = NULL;
	lws_ss_info_t ssi;
	int n = 0, guard = 0;

	lws_set_log_level(LLL_ERR | LLL_USER, NULL);

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.pss_policies_json = policy_json;
	info.fd_limit_per_thread = 1 + 6 + 1;

	context = ss_fake_create_context(&info);
	if (!context) {
		lwsl_err("context creation failed\n");
		return 1;
	}

	memset(&ssi, 0, sizeof ssi);
	ssi.handle_offset = offsetof(myss_t, ss);
	ssi.opaque_user_data_offset = offsetof(myss_t, opaque_data);
	ssi.rx = myss_rx;
	ssi.tx = myss_tx;
	ssi.state = myss_state;
	ssi.user_alloc = sizeof(myss_t);
	ssi.streamtype = "rawecho";

	if (lws_ss_create(context, 0, &ssi, NULL, &h, NULL, NULL)) {
		lwsl_err("create failed\n");
		return 1;
	}

	/* the small helpers lws examples lean on */
	{
		char tag[8];
		const char *argv_[] = { "prog", "-d", "1039" };
		if (strcmp(lws_ss_tag(h), "rawecho") ||
		    lws_snprintf(tag, sizeof tag, "%s", "1234567890") != 7 ||
		    strcmp(tag, "1234567") || LWS_ARRAY_SIZE(argv_) != 3 ||
		    strcmp(lws_cmdline_option(3, argv_, "-d"), "1039")) {
			lwsl_err("helpers misbehave\n");
			return 1;
		}
		lws_cmdline_option_handle_builtin(3, argv_, &info);
		lws_set_log_level(LLL_ERR | LLL_USER, NULL);
	}

	/* system blobs, as lws examples set the auth token and device facts */
	{
		static const uint8_t tok[] = "abc", more[] = "def";
		const uint8_t *p = NULL;
		uint8_t buf[8];
		size_t len = sizeof buf;
		lws_system_blob_t *b = lws_system_get_blob(context,
						LWS_SYSBLOB_TYPE_AUTH, 1);

		if (!b || lws_system_get_blob(context, LWS_SYSBLOB_TYPE_MQTT_PASSWORD, 1) ||
		    lws_system_get_blob(context, LWS_SYSBLOB_TYPE_AUTH, -1) ||
		    lws_system_blob_get_size(b) != 0 ||
		    lws_system_blob_get_single_ptr(b, &p) == 0) {
			lwsl_err("blob lookup misbehaves\n");
			return 1;
		}
		lws_system_blob_direct_set(b, tok, 3);
		if (lws_system_blob_heap_append(b, more, 3) ||
		    lws_system_blob_get_size(b) != 6 ||
		    lws_system_blob_get(b, buf, &len, 2) || len != 4 ||
		    memcmp(buf, "cdef", 4) ||
		    lws_system_blob_get_single_ptr(b, &p) || memcmp(p, "abcdef", 6) ||
		    lws_system_blob_get(b, buf, &len, 7) == 0) {
			lwsl_err("blob contents misbehave\n");
			return 1;
		}
		lws_system_blob_heap_empty(b);
		if (lws_system_blob_get_size(b) != 0) {
			lwsl_err("blob not emptied\n");
			return 1;
		}
	}

	/* unknown streamtype: refused, no CREATING */
	ssi.streamtype = "no-such-streamtype";
	if (!lws_ss_create(context, 0, &ssi, NULL, &hf, NULL, NULL) || hf) {
		lwsl_err("unknown streamtype was accepted\n");
		return 1;
	}

	ssi.streamtype = "rawfail";
	ssi.rx = NULL;
	ssi.tx = NULL;
	ssi.state = fail_state;
	if (lws_ss_create(context, 0, &ssi, NULL, &hf, NULL, NULL) ||
	    lws_ss_client_connect(hf) != LWSSSSRET_OK) {
		lwsl_err("create rawfail failed\n");
		return 1;
	}
	fail_h = hf;
	if (lws_ss_last_error(NULL) || strcmp(lws_ss_last_error(hf), "")) {
		lwsl_err("lws_ss_last_error before any failure\n");
		return 1;
	}

	while (n >= 0 && !(interrupted && arf_seen) && guard++ < 100000)
		n = lws_service(context, 0);

	lws_ss_destroy(&hf);
	lws_context_destroy(context);

	if (failed || !interrupted || arf_seen != 1 || reason_bad ||
	    states_seen[LWSSSCS_CONNECTED] != 1 ||
	    states_seen[LWSSSCS_DESTROYING] != 1 ||
	    states_seen[LWSSSCS_CREATING] != 1) {
		lwsl_err("FAILED (failed %d, interrupted %d, arf %d, reason %d)\n", failed,
			 interrupted, arf_seen, reason_bad);
		return 1;
	}
	lwsl_user("PASSED\n");
	return 0;
}
