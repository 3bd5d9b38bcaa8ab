/*
 * A program in the shape of lws' minimal-secure-streams-metadata, compiled
 * as C against <libwebsockets.h>, run in the simulator against the
 * simulated HTTP server of tests/capi/httpbin_bed.h: the endpoint is
 * "${servername}", filled from metadata set in CREATING (from "-u", as the
 * example does); "uptag" goes out as the X-Upload-Tag request header and
 * the response's Server header comes back as the "srv" metadata. The
 * stream is created by a system state notifier at OPERATIONAL, and main
 * runs the classic `while (n >= 0 && !interrupted) lws_service()` loop.
 *
 * Checks: the request reached host "httpbin" with our X-Upload-Tag; "srv"
 * reads "simbin/1" in rx and at QOS_ACK_REMOTE; the body; an undeclared
 * name is refused; no simulator violation.
 */
#include <libwebsockets.h>

#include <string.h>

#include "tests/capi/httpbin_bed.h"

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"meta\",\"schema-version\":1,"
	"\"retry\":[{\"default\":{\"backoff\":[100,200],\"conceal\":2}}],"
	"\"s\":["
	"{\"mintest\":{\"endpoint\":\"${servername}\",\"port\":80,"
	"\"protocol\":\"h1\",\"http_method\":\"GET\",\"http_url\":\"meta\","
	"\"opportunistic\":true,\"retry\":\"default\","
	"\"metadata\":[{\"servername\":\"\"},{\"uptag\":\"X-Upload-Tag:\"},"
	"{\"srv\":\"server:\"}]}}"
	"]}";

static int interrupted, bad = 1, fail_line, acked;
static const char *server_name_or_url = "httpbin";
static lws_state_notify_link_t nl;
static char body[32];
static size_t body_len;

#define CHECK(_c) do { if (!(_c) && !fail_line) fail_line = __LINE__; } while (0)

typedef struct myss {
	struct lws_ss_handle *ss;
	void *opaque_data;
	lws_sorted_usec_list_t sul;
} myss_t;

static int
srv_is(struct lws_ss_handle *h, const char *want)
{
	const char *md_srv = NULL;
	size_t md_len = 0;

	if (lws_ss_get_metadata(h, "srv", (const void **)&md_srv, &md_len))
		return 0;
	return md_len == strlen(want) && !memcmp(md_srv, want, md_len);
}

static lws_ss_state_return_t
myss_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	myss_t *m = (myss_t *)userobj;

	lwsl_user("%s: len %d, flags: %d\n", __func__, (int)len, flags);
	lwsl_hexdump_info(buf, len);
	CHECK(srv_is(m->ss, "simbin/1"));
	if (body_len + len < sizeof(body)) {
		memcpy(body + body_len, buf, len);
		body_len += len;
	}
	if (flags & LWSSS_FLAG_EOM) {
		bad = 0;
		interrupted = 1;
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
myss_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
	int *flags)
{
	(void)userobj;
	(void)ord;
	(void)buf;
	(void)len;
	(void)flags;
	return LWSSSSRET_TX_DONT_SEND;
}

static lws_ss_state_return_t
myss_state(void *userobj, void *sh, lws_ss_constate_t state,
	   lws_ss_tx_ordinal_t ack)
{
	myss_t *m = (myss_t *)userobj;

	(void)sh;
	lwsl_user("%s: %s, ord 0x%x\n", __func__, lws_ss_state_name(state),
		  (unsigned int)ack);
	switch (state) {
	case LWSSSCS_CREATING:
		CHECK(!lws_ss_set_metadata(m->ss, "servername", server_name_or_url,
					   strlen(server_name_or_url)));
		CHECK(!lws_ss_set_metadata(m->ss, "uptag", "myuptag123", 10));
		CHECK(lws_ss_set_metadata(m->ss, "nosuch", "x", 1) != 0);
		return lws_ss_client_connect(m->ss);
	case LWSSSCS_ALL_RETRIES_FAILED:
		CHECK(0);
		interrupted = 1;
		break;
	case LWSSSCS_QOS_ACK_REMOTE:
		acked++;
		CHECK(srv_is(m->ss, "simbin/1"));
		break;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

static int
app_system_state_nf(lws_state_manager_t *mgr, lws_state_notify_link_t *link,
		    int current, int target)
{
	struct lws_context *context = lws_system_context_from_system_mgr(mgr);

	(void)link;
	switch (target) {
	case LWS_SYSTATE_OPERATIONAL:
		if (current == LWS_SYSTATE_OPERATIONAL) {
			lws_ss_info_t ssi;

			memset(&ssi, 0, sizeof(ssi));
			ssi.handle_offset = offsetof(myss_t, ss);
			ssi.opaque_user_data_offset = offsetof(myss_t,
							       opaque_data);
			ssi.rx = myss_rx;
			ssi.tx = myss_tx;
			ssi.state = myss_state;
			ssi.user_alloc = sizeof(myss_t);
			ssi.streamtype = "mintest";

			if (lws_ss_create(context, 0, &ssi, NULL, NULL,
					  NULL, NULL)) {
				lwsl_err("%s: failed to create secure stream\n",
					 __func__);
				return -1;
			}
		}
		break;
	}
	return 0;
}

static lws_state_notify_link_t * const app_notifier_list[] = {
	&nl, NULL
};

int main(int argc, const char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct capi_bed *bed = capi_bed_create(9);
	const char *p;
	int n = 0, guard = 0;

	memset(&info, 0, sizeof info);
	lws_cmdline_option_handle_builtin(argc, argv, &info);
	lwsl_user("LWS secure streams test client [-d<verb>]\n");

	info.fd_limit_per_thread = 1 + 6 + 1;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = policy;
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
		       LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;

	if ((p = lws_cmdline_option(argc, argv, "-u")))
		server_name_or_url = p;

	nl.name = "app";
	nl.notify_cb = app_system_state_nf;
	info.register_notifier_list = app_notifier_list;

	if (!bed)
		return 1;
	context = capi_bed_context(bed, &info);
	if (!context) {
		lwsl_err("lws init failed\n");
		return 1;
	}

	while (n >= 0 && !interrupted && guard++ < 100000)
		n = lws_service(context, 0);

	lws_context_destroy(context);

	CHECK(!bad && acked == 1);
	CHECK(body_len == 9 && !memcmp(body, "meta-body", 9));
	CHECK(capi_bed_requests(bed) == 1);
	p = capi_bed_header(bed, 0, "x-upload-tag");
	CHECK(p && !strcmp(p, "myuptag123"));
	p = capi_bed_header(bed, 0, "host");
	CHECK(p && !strncmp(p, "httpbin", 7));
	CHECK(capi_bed_violations(bed) == 0);
	capi_bed_destroy(bed);

	lwsl_user("Completed: %s\n", bad || fail_line ? "failed" : "OK");
	if (fail_line)
		lwsl_err("first failed check at line %d\n", fail_line);
	return bad || fail_line;
}
