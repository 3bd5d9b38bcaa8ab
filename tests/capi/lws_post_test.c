/*
 * A program in the shape of lws' minimal-secure-streams-post and the newer
 * minimal-examples/client/http-post, compiled as C against
 * <libwebsockets.h>, run in the simulator against a simulated HTTP server
 * (tests/capi/httpbin_bed.h): a multipart body is announced with
 * lws_ss_request_tx_len in CREATING and sent in tx chunks (SOM on the
 * first, EOM on the last, lws_ss_request_tx for each next one) once
 * CONNECTED; the "ctype" metadata becomes the Content-Type header.
 *
 * Checks: the server saw exactly one POST whose body equals what was sent
 * byte for byte, with the announced Content-Length and our Content-Type;
 * the tx chunk flags; QOS_ACK_REMOTE; the whole response body at EOM; no
 * simulator violation.
 */
#include <libwebsockets.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/capi/httpbin_bed.h"

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"post\",\"schema-version\":1,"
	"\"retry\":[{\"default\":{\"backoff\":[100,200],\"conceal\":2}}],"
	"\"s\":["
	"{\"minpost\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"POST\",\"http_url\":\"post\",\"retry\":\"default\","
	"\"opportunistic\":true,\"timeout_ms\":5000,"
	"\"metadata\":[{\"ctype\":\"Content-Type:\"}]}}"
	"]}";

#define CTYPE "multipart/form-data;boundary=\"boundary\""

static char postbody[4096];
static int fail_line, test_result = 3; /* b0: acked, b1: response EOM */
static int chunks, som_first, eom_last, flags_bad;
static size_t sent, rx_len;
static char rx[64];

#define CHECK(_c) do { if (!(_c) && !fail_line) fail_line = __LINE__; } while (0)

LWS_SS_USER_TYPEDEF
	const char *payload;
	size_t size;
	size_t pos;
} http_post_t;

static lws_ss_state_return_t
http_post_rx(void *userobj, const uint8_t *in, size_t len, int flags)
{
	http_post_t *g = (http_post_t *)userobj;

	lwsl_ss_user(lws_ss_from_user(g), "RX %zu, flags 0x%x", len,
		     (unsigned int)flags);
	if (rx_len + len < sizeof(rx)) {
		memcpy(rx + rx_len, in, len);
		rx_len += len;
	}
	if (flags & LWSSS_FLAG_EOM) {
		test_result &= ~2;
		lws_default_loop_exit(lws_ss_cx_from_user(g));
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
http_post_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
	     int *flags)
{
	http_post_t *g = (http_post_t *)userobj;
	lws_ss_state_return_t r = LWSSSSRET_OK;

	(void)ord;
	if (g->pos == g->size)
		return LWSSSSRET_TX_DONT_SEND;
	if (*len > 700) /* several chunks, as a slow producer would */
		*len = 700;
	if (*len > g->size - g->pos)
		*len = g->size - g->pos;

	*flags = 0;
	if (!g->pos)
		*flags |= LWSSS_FLAG_SOM;
	memcpy(buf, g->payload + g->pos, *len);
	g->pos += *len;
	if (g->pos != g->size)
		r = lws_ss_request_tx(lws_ss_from_user(g));
	else
		*flags |= LWSSS_FLAG_EOM;

	chunks++;
	sent += *len;
	if (chunks == 1)
		som_first = !!(*flags & LWSSS_FLAG_SOM);
	else if (*flags & LWSSS_FLAG_SOM)
		flags_bad = 1;
	if (*flags & LWSSS_FLAG_EOM)
		eom_last = g->pos == g->size;
	lwsl_ss_info(lws_ss_from_user(g), "TX %zu, flags 0x%x, r %d", *len,
		     (unsigned int)*flags, (int)r);
	return r;
}

static lws_ss_state_return_t
http_post_state(void *userobj, void *h_src, lws_ss_constate_t state,
		lws_ss_tx_ordinal_t ack)
{
	http_post_t *g = (http_post_t *)userobj;

	(void)h_src;
	(void)ack;
	switch ((int)state) {
	case LWSSSCS_CREATING:
		if (lws_ss_set_metadata(lws_ss_from_user(g), "ctype", CTYPE,
					strlen(CTYPE)))
			return LWSSSSRET_DISCONNECT_ME;
		g->pos = 0;
		g->payload = postbody;
		g->size = strlen(g->payload);
		return lws_ss_request_tx_len(lws_ss_from_user(g),
					     (unsigned long)g->size);
	case LWSSSCS_CONNECTED:
		return lws_ss_request_tx(lws_ss_from_user(g));
	case LWSSSCS_QOS_ACK_REMOTE:
		test_result &= ~1;
		break;
	case LWSSSCS_ALL_RETRIES_FAILED:
	case LWSSSCS_TIMEOUT:
	case LWSSSCS_QOS_NACK_REMOTE:
		CHECK(0);
		lws_default_loop_exit(lws_ss_cx_from_user(g));
		break;
	}
	return LWSSSSRET_OK;
}

LWS_SS_INFO("minpost", http_post_t)
	.tx = http_post_tx,
	.rx = http_post_rx,
	.state = http_post_state,
};

int main(int argc, const char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *cx;
	struct capi_bed *bed = capi_bed_create(3);
	char clen[24];
	const char *body, *h;
	size_t body_len = 0;
	int n, p = 0;

	/* a multipart body of about 3 KiB */
	p += snprintf(postbody + p, sizeof(postbody) - (size_t)p,
		      "--boundary\r\nContent-Disposition: form-data; "
		      "name=\"text\"\r\n\r\nvalue1\r\n--boundary\r\n"
		      "Content-Disposition: form-data; name=\"field2\"; "
		      "filename=\"example.txt\"\r\n\r\n");
	for (n = 0; n < 40; n++)
		p += snprintf(postbody + p, sizeof(postbody) - (size_t)p,
			      "%02x-0123456789abcdef0123456789abcdef"
			      "0123456789abcdef0123456789abcdef\r\n", n);
	snprintf(postbody + p, sizeof(postbody) - (size_t)p, "--boundary--\r\n");

	lws_context_info_defaults(&info, policy);
	lws_cmdline_option_handle_builtin(argc, argv, &info);
	if (!bed)
		return 1;

	cx = capi_bed_context(bed, &info);
	if (!cx) {
		lwsl_err("lws init failed\n");
		return 1;
	}
	if (lws_ss_create(cx, 0, &ssi_http_post_t, NULL, NULL, NULL, NULL)) {
		lwsl_cx_err(cx, "failed to create secure stream");
		lws_context_destroy(cx);
		return 1;
	}
	lws_context_default_loop_run_destroy(cx);

	CHECK(test_result == 0);
	CHECK(chunks >= 4 && som_first && eom_last && !flags_bad);
	CHECK(sent == strlen(postbody));
	CHECK(rx_len == 11 && !memcmp(rx, "{\"ok\":true}", 11));

	CHECK(capi_bed_requests(bed) == 1);
	CHECK(capi_bed_method(bed, 0) && !strcmp(capi_bed_method(bed, 0), "POST"));
	body = capi_bed_body(bed, 0, &body_len);
	CHECK(body && body_len == strlen(postbody) &&
	      !memcmp(body, postbody, body_len));
	h = capi_bed_header(bed, 0, "content-type");
	CHECK(h && !strcmp(h, CTYPE));
	snprintf(clen, sizeof clen, "%zu", strlen(postbody));
	h = capi_bed_header(bed, 0, "content-length");
	CHECK(h && !strcmp(h, clen));
	CHECK(capi_bed_violations(bed) == 0);
	capi_bed_destroy(bed);

	if (fail_line) {
		lwsl_err("FAILED at line %d (result %d, chunks %d, sent %zu)\n",
			 fail_line, test_result, chunks, sent);
		return 1;
	}
	return lws_cmdline_passfail(argc, argv, 0);
}
