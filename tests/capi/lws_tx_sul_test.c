/*
 * A program in the shape of lws' minimal-secure-streams-tx /
 * minimal-secure-streams-client-tx, compiled as C against <libwebsockets.h>,
 * run in the simulator: once CONNECTED, an lws_sorted_usec_list_t timer in
 * the user object asks for one message every 100 ms (lws_sul_schedule);
 * the echo server sends each back; after the fifth echo the program leaves
 * the default loop (lws_default_loop_exit). The streams are created from
 * main right after the context, as the newer lws examples do.
 *
 * Checks: the five messages come back intact, in order; the sends are
 * spaced by the timer (virtual time from CONNECTED to the last echo is at
 * least 400 ms); a stream destroyed with its sul still scheduled never sees
 * that timer fire; no simulator violation.
 */
#include <libwebsockets.h>

#include <ss/backend_c.h>
#include <stdio.h>
#include <string.h>

#include "sim/scenarios/stream_raw/stream_sim_c.h"

#define RATE_US (100 * LWS_US_PER_MS)
#define MESSAGES 5

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"tx\",\"schema-version\":1,"
	"\"retry\":[{\"default\":{\"backoff\":[100,200,400],\"conceal\":3}}],"
	"\"s\":["
	"{\"mintx\":{\"endpoint\":\"echo-1\",\"port\":7,\"protocol\":\"raw\","
	"\"retry\":\"default\"}}"
	"]}";

static int fail_line, zombie_fired;
static char echoed[256];
static size_t echoed_len;
static int64_t t_connected, t_done;
static struct lws_context *cx;

#define CHECK(_c) do { if (!(_c) && !fail_line) fail_line = __LINE__; } while (0)

LWS_SS_USER_TYPEDEF
	lws_sorted_usec_list_t sul;
	int count;   /* messages asked for */
	int sent;    /* messages sent */
	int due;     /* a message is waiting for tx */
} myss_t;

static void
txcb(lws_sorted_usec_list_t *sul)
{
	myss_t *m = lws_container_of(sul, myss_t, sul);

	m->due = 1;
	if (lws_ss_request_tx(m->ss))
		return;
	if (++m->count < MESSAGES)
		lws_sul_schedule(lws_ss_get_context(m->ss), 0, &m->sul, txcb,
				 RATE_US);
}

static lws_ss_state_return_t
myss_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
	int *flags)
{
	myss_t *m = (myss_t *)userobj;
	int n;

	(void)ord;
	if (!m->due)
		return LWSSSSRET_TX_DONT_SEND;
	m->due = 0;
	n = lws_snprintf((char *)buf, *len, "msg%d;", m->sent++);
	*len = (size_t)n;
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	lwsl_ss_info(m->ss, "sending %d", n);
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
myss_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	myss_t *m = (myss_t *)userobj;

	(void)flags;
	lwsl_hexdump_ss_debug(m->ss, buf, len);
	if (echoed_len + len >= sizeof(echoed))
		return LWSSSSRET_DESTROY_ME;
	memcpy(echoed + echoed_len, buf, len);
	echoed_len += len;
	if (!strcmp(echoed, "msg0;msg1;msg2;msg3;msg4;")) {
		t_done = ss_context_now_us(lws_ss_cx_from_user(m));
		lws_default_loop_exit(lws_ss_cx_from_user(m));
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
myss_state(void *userobj, void *sh, lws_ss_constate_t state,
	   lws_ss_tx_ordinal_t ack)
{
	myss_t *m = (myss_t *)userobj;

	(void)sh;
	(void)ack;
	lwsl_ss_user(m->ss, "%s", lws_ss_state_name(state));
	switch (state) {
	case LWSSSCS_CREATING:
		return lws_ss_client_connect(m->ss);
	case LWSSSCS_CONNECTED:
		t_connected = ss_context_now_us(lws_ss_cx_from_user(m));
		lws_sul_schedule(lws_ss_cx_from_user(m), 0, &m->sul, txcb,
				 RATE_US);
		break;
	case LWSSSCS_DISCONNECTED:
	case LWSSSCS_DESTROYING:
		lws_sul_cancel(&m->sul);
		break;
	case LWSSSCS_ALL_RETRIES_FAILED:
		CHECK(0);
		lws_default_loop_exit(lws_ss_cx_from_user(m));
		break;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

LWS_SS_INFO("mintx", myss_t)
	.rx = myss_rx,
	.tx = myss_tx,
	.state = myss_state,
};

/* A second user type whose sul is left scheduled when the stream goes. */
LWS_SS_USER_TYPEDEF
	lws_sorted_usec_list_t sul;
} zombie_t;

static void
zombie_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	zombie_fired = 1;
}

static lws_ss_state_return_t
zombie_state(void *userobj, void *sh, lws_ss_constate_t state,
	     lws_ss_tx_ordinal_t ack)
{
	zombie_t *z = (zombie_t *)userobj;

	(void)sh;
	(void)ack;
	if (state == LWSSSCS_CREATING) {
		lws_sul_schedule(lws_ss_cx_from_user(z), 0, &z->sul, zombie_cb,
				 50 * LWS_US_PER_MS);
		return LWSSSSRET_DESTROY_ME; /* gone before its timer is due */
	}
	return LWSSSSRET_OK;
}

LWS_SS_INFO("mintx", zombie_t)
	.state = zombie_state,
};

int main(int argc, const char **argv)
{
	struct lws_context_creation_info info;
	struct ss_sim_world *w = ss_sim_world_create(21);

	lws_context_info_defaults(&info, policy);
	lws_cmdline_option_handle_builtin(argc, argv, &info);
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);

	if (!w || ss_sim_world_add_echo_server(w, "echo-1", 7))
		return 1;
	cx = ss_sim_create_context(&info, w, "client");
	if (!cx)
		return 1;

	if (lws_ss_create(cx, 0, &ssi_myss_t, NULL, NULL, NULL, NULL)) {
		lwsl_cx_err(cx, "failed to create secure stream");
		return 1;
	}
	/* refused: DESTROY_ME from CREATING; its scheduled sul must die too */
	CHECK(lws_ss_create(cx, 0, &ssi_zombie_t, NULL, NULL, NULL, NULL));

	lws_context_default_loop_run_destroy(cx);

	CHECK(!strcmp(echoed, "msg0;msg1;msg2;msg3;msg4;"));
	CHECK(t_connected > 0 && t_done - t_connected >= 4 * RATE_US);
	CHECK(!zombie_fired);
	CHECK(ss_sim_world_violations(w) == 0);
	ss_sim_world_destroy(w);

	if (fail_line) {
		lwsl_err("FAILED at line %d (echoed '%s', %lld us)\n", fail_line,
			 echoed, (long long)(t_done - t_connected));
		return 1;
	}
	return lws_cmdline_passfail(argc, argv, 0);
}
