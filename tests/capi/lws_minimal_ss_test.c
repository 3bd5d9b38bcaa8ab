/*
 * A program in the shape of lws' minimal-examples/secure-streams/
 * minimal-secure-streams, compiled as C against <libwebsockets.h>, run in
 * the simulator against the simulated HTTP server: a system state notifier
 * sets the auth blob at REGISTERED and creates the GET stream (with NULL
 * ppss) once the system is OPERATIONAL; rx ends the default loop at EOM.
 *
 * Checks: no notifier call inside lws_create_context; the exact notifier
 * sequence (current, target) from CONTEXT_CREATED to OPERATIONAL and then
 * CONTEXT_DESTROYING at destroy; the stream's states; exactly 12345 body
 * bytes (route /ok); the handle reached the user object although ppss was
 * NULL; no simulator violation.
 */
#include <libwebsockets.h>

#include <string.h>

#include "sim/scenarios/stream_raw/stream_sim_c.h"

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"minimal\",\"schema-version\":1,"
	"\"retry\":[{\"default\":{\"backoff\":[100,200,400],\"conceal\":3,"
	"\"jitterpc\":20}}],"
	"\"s\":["
	"{\"mintest\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"ok\",\"retry\":\"default\","
	"\"opportunistic\":true,\"timeout_ms\":5000,"
	"\"metadata\":[{\"uptag\":\"X-Upload-Tag:\"},{\"ctype\":\"Content-Type:\"}]}}"
	"]}";

static int bad = 1, fail_line;
static struct lws_context *stored_cx;
static lws_state_notify_link_t nl;
static int notified[64][2], n_notified;
static int states[64], n_states;
static size_t rx_bytes;
static void *created_user;

#define CHECK(_c) do { if (!(_c) && !fail_line) fail_line = __LINE__; } while (0)

LWS_SS_USER_TYPEDEF
	size_t rx;
	int eom;
} myss_t;

static lws_ss_state_return_t
myss_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	myss_t *m = (myss_t *)userobj;

	lwsl_ss_user(lws_ss_from_user(m), "len %d, flags: %d", (int)len, flags);
	lwsl_hexdump_ss_info(lws_ss_from_user(m), buf, len >= 16 ? 16 : len);
	lwsl_hexdump_info(buf, len >= 16 ? 16 : len);

	m->rx += len;
	rx_bytes = m->rx;
	if (flags & LWSSS_FLAG_EOM) {
		m->eom++;
		bad = 0;
		lws_default_loop_exit(lws_ss_cx_from_user(m));
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
	return LWSSSSRET_TX_DONT_SEND; /* a GET sends nothing */
}

static lws_ss_state_return_t
myss_state(void *userobj, void *sh, lws_ss_constate_t state,
	   lws_ss_tx_ordinal_t ack)
{
	myss_t *m = (myss_t *)userobj;

	(void)sh;
	lwsl_ss_user(lws_ss_from_user(m), "%s (%d), ord 0x%x",
		     lws_ss_state_name(state), state, (unsigned int)ack);
	if (n_states < 64)
		states[n_states++] = (int)state;

	switch (state) {
	case LWSSSCS_CREATING:
		/* NULL ppss: the handle still reached our object */
		CHECK(m->ss != NULL);
		CHECK(lws_ss_to_user_object(m->ss) == m);
		CHECK(lws_ss_opaque_from_user(m) == NULL);
		CHECK(lws_ss_cx_from_user(m) == stored_cx);
		created_user = m;
		lws_ss_start_timeout(m->ss, 3000);
		CHECK(!lws_ss_set_metadata(m->ss, "uptag", "myuptag123", 10));
		CHECK(!lws_ss_set_metadata(m->ss, "ctype", "myctype", 7));
		return lws_ss_client_connect(m->ss);
	case LWSSSCS_ALL_RETRIES_FAILED:
	case LWSSSCS_TIMEOUT:
		CHECK(0);
		lws_default_loop_exit(lws_ss_cx_from_user(m));
		break;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

LWS_SS_INFO("mintest", myss_t)
	.rx = myss_rx,
	.tx = myss_tx,
	.state = myss_state,
};

static int
app_system_state_nf(lws_state_manager_t *mgr, lws_state_notify_link_t *link,
		    int current, int target)
{
	struct lws_context *context = lws_system_context_from_system_mgr(mgr);
	lws_system_blob_t *ab = lws_system_get_blob(context,
						    LWS_SYSBLOB_TYPE_AUTH, 1);

	CHECK(link == &nl);
	CHECK(context == stored_cx); /* never called before we stored it */
	if (n_notified < 64) {
		notified[n_notified][0] = current;
		notified[n_notified][1] = target;
		n_notified++;
	}

	switch (target) {
	case LWS_SYSTATE_REGISTERED:
		if (lws_system_blob_get_size(ab))
			break;
		lws_system_blob_direct_set(ab, (const uint8_t *)"token", 5);
		break;
	case LWS_SYSTATE_OPERATIONAL:
		if (current == LWS_SYSTATE_OPERATIONAL) {
			if (lws_ss_create(context, 0, &ssi_myss_t, NULL, NULL,
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
	struct ss_sim_world *w = ss_sim_world_create(5);
	int i, k, want_calls;

	lws_context_info_defaults(&info, policy);
	lws_cmdline_option_handle_builtin(argc, argv, &info);
	lws_set_log_level(LLL_ERR | LLL_USER, NULL);
	lwsl_user("LWS secure streams test client [-d<verb>]\n");

	if (!w || ss_sim_world_add_http_server(w, "httpbin", 80))
		return 1;

	nl.name = "app";
	nl.notify_cb = app_system_state_nf;
	info.register_notifier_list = app_notifier_list;

	stored_cx = ss_sim_create_context(&info, w, "client");
	if (!stored_cx) {
		lwsl_err("lws init failed\n");
		return 1;
	}
	CHECK(n_notified == 0); /* nothing inline from create */
	CHECK(lws_system_get_state_manager(stored_cx)->state ==
	      LWS_SYSTATE_CONTEXT_CREATED);

	lws_system_blob_direct_set(lws_system_get_blob(stored_cx,
			LWS_SYSBLOB_TYPE_DEVICE_SERIAL, 0),
			(const uint8_t *)"SN12345678", 10);

	/* the default loop: ends through lws_default_loop_exit at EOM */
	lws_context_default_loop_run_destroy(stored_cx);

	/* every step CONTEXT_CREATED -> OPERATIONAL: ask, then arrived */
	k = 0;
	for (i = LWS_SYSTATE_CONTEXT_CREATED; i < LWS_SYSTATE_OPERATIONAL; i++) {
		CHECK(notified[k][0] == i && notified[k][1] == i + 1);
		k++;
		CHECK(notified[k][0] == i + 1 && notified[k][1] == i + 1);
		k++;
	}
	/* then lws_context_destroy: OPERATIONAL -> CONTEXT_DESTROYING */
	CHECK(notified[k][0] == LWS_SYSTATE_OPERATIONAL &&
	      notified[k][1] == LWS_SYSTATE_CONTEXT_DESTROYING);
	k++;
	CHECK(notified[k][0] == LWS_SYSTATE_CONTEXT_DESTROYING &&
	      notified[k][1] == LWS_SYSTATE_CONTEXT_DESTROYING);
	k++;
	want_calls = k;
	CHECK(n_notified == want_calls);

	/* the stream: CREATING first, CONNECTED, the 200 acked, DESTROYING last */
	CHECK(created_user != NULL);
	CHECK(n_states >= 4 && states[0] == LWSSSCS_CREATING);
	CHECK(n_states >= 1 && states[n_states - 1] == LWSSSCS_DESTROYING);
	{
		int connected = -1, acked = -1;

		for (i = 0; i < n_states; i++) {
			if (states[i] == LWSSSCS_CONNECTED && connected < 0)
				connected = i;
			if (states[i] == LWSSSCS_QOS_ACK_REMOTE)
				acked = i;
			CHECK(states[i] != LWSSSCS_UNREACHABLE &&
			      states[i] != LWSSSCS_QOS_NACK_REMOTE);
		}
		CHECK(connected > 0 && acked > connected);
	}
	CHECK(rx_bytes == 12345);
	CHECK(ss_sim_world_violations(w) == 0);
	ss_sim_world_destroy(w);

	if (bad || fail_line) {
		lwsl_err("FAILED: bad %d, first failed check at line %d, rx %zu\n",
			 bad, fail_line, rx_bytes);
		return 1;
	}
	return lws_cmdline_passfail(argc, argv, 0);
}
