/*
 * Compile-and-run test of every lws-example name the compatibility layer
 * adds to <libwebsockets.h> (docs/api.md, "lws example compatibility"),
 * compiled as C on ss_test_create_context() (virtual time):
 *  - the system state manager: veto and resume, deregister, jump, the
 *    refused lws_context_destroy from a notifier, CONTEXT_DESTROYING;
 *  - lws_sul_* timers: exact virtual due times, reschedule, cancel (both
 *    ways), refused lws_context_destroy from a sul callback;
 *  - logs: lwsl_visible, hexdump lines, lwsl_ss_* and lwsl_cx_* prefixes,
 *    emitters; lws_ss_dump_extant's line;
 *  - helpers: lws_context_info_defaults, lws_cmdline_passfail,
 *    lws_cmdline_option forms, LWS_SS_USER_TYPEDEF accessors,
 *    lws_ss_validity_confirmed, lws_get_random, lws_ss_policy_overlay
 *    (refused), and the creation info fields of
 *    LWS_SS_USE_SSPC programs.
 */
#include <libwebsockets.h>

#include <ss/backend_c.h>
#include "sim/testing/test_context_c.h"
#include <stdio.h>
#include <string.h>

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"names\",\"schema-version\":1,"
	"\"retry\":[{\"r\":{\"backoff\":[100],\"conceal\":1}}],"
	"\"s\":[{\"echo\":{\"endpoint\":\"echo.test\",\"port\":7,"
	"\"protocol\":\"raw\",\"retry\":\"r\"}}]}";

static int fail_line;
#define CHECK(_c) do { if (!(_c) && !fail_line) { fail_line = __LINE__; \
	fprintf(stderr, "check failed at line %d: %s\n", __LINE__, #_c); } } while (0)

/* ---- captured log lines ---- */

static char logbuf[8192];
static int log_lines;

static void
capture(int level, const char *line)
{
	size_t n = strlen(logbuf);

	(void)level;
	log_lines++;
	snprintf(logbuf + n, sizeof(logbuf) - n, "%s\n", line);
}

static void
log_reset(void)
{
	logbuf[0] = '\0';
	log_lines = 0;
}

/* ---- system state notifiers ---- */

static struct lws_context *cx;
static int veto_once = 1, a_calls, b_calls, destroy_seen, destroy_refused;
static int a_last_cur, a_last_tgt;

static int
nf_a(lws_state_manager_t *mgr, lws_state_notify_link_t *link, int current,
     int target)
{
	(void)link;
	CHECK(lws_system_context_from_system_mgr(mgr) == cx);
	a_calls++;
	a_last_cur = current;
	a_last_tgt = target;
	if (target == LWS_SYSTATE_TIME_VALID && current != target && veto_once) {
		veto_once = 0;
		return 1; /* "waiting for NTP": stops the walk here */
	}
	if (target == LWS_SYSTATE_CONTEXT_DESTROYING && current == target)
		destroy_seen++;
	if (target == LWS_SYSTATE_POLICY_VALID && current == target) {
		/* refused: we are inside the walk */
		lws_set_log_level(LLL_ERR, capture);
		log_reset();
		lws_context_destroy(lws_system_context_from_system_mgr(mgr));
		destroy_refused = strstr(logbuf, "refused") != NULL;
		lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	}
	return 0;
}

static int
nf_b(lws_state_manager_t *mgr, lws_state_notify_link_t *link, int current,
     int target)
{
	(void)mgr;
	(void)current;
	(void)target;
	b_calls++;
	lws_state_reg_deregister(link); /* one call only */
	return 0;
}

static lws_state_notify_link_t nl_a = { { NULL, NULL, NULL }, nf_a, "a" };
static lws_state_notify_link_t nl_b;
static lws_state_notify_link_t * const notifiers[] = { &nl_a, NULL };

/* ---- sul ---- */

typedef struct {
	int tag;
	lws_sorted_usec_list_t sul;
	int fired;
	int64_t fired_at;
} timer_t_;

static timer_t_ t1, t2, t3;
static int sul_destroy_refused;

static void
sul_cb(lws_sorted_usec_list_t *sul)
{
	timer_t_ *t = lws_container_of(sul, timer_t_, sul);

	t->fired++;
	t->fired_at = ss_context_now_us(cx);
	if (t == &t3) {
		lws_set_log_level(LLL_ERR, capture);
		log_reset();
		lws_context_destroy(cx); /* refused from a sul callback */
		sul_destroy_refused = strstr(logbuf, "refused") != NULL;
		lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	}
}

/* ---- a stream (the object-scoped log and user-object helpers) ---- */

LWS_SS_USER_TYPEDEF
	int creating;
} names_t;

static lws_ss_state_return_t
names_state(void *userobj, void *sh, lws_ss_constate_t state,
	    lws_ss_tx_ordinal_t ack)
{
	names_t *g = (names_t *)userobj;

	(void)sh;
	(void)ack;
	if (state == LWSSSCS_CREATING) {
		g->creating++;
		CHECK(lws_ss_from_user(g) != NULL);
		CHECK(lws_ss_opaque_from_user(g) == (void *)&t1);
		CHECK(lws_ss_cx_from_user(g) == cx);
		lws_ss_validity_confirmed(lws_ss_from_user(g));
	}
	return LWSSSSRET_OK;
}

LWS_SS_INFO("echo", names_t)
	.state = names_state,
};

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_ss_handle *h = NULL;
	lws_state_manager_t *mgr;
	const char *argv_[] = { "prog", "-d1039", "--expected-exit", "3" };
	static const uint8_t bytes[20] = "0123456789abcdefXYZ";
	int n, guard;

	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);

	/* ---- helpers ---- */
	lws_context_info_defaults(&info, policy);
	CHECK(info.port == CONTEXT_PORT_NO_LISTEN);
	CHECK(info.fd_limit_per_thread == 1 + 6 + 1);
	CHECK(info.pss_policies_json == policy);
	CHECK(info.options & LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT);
	CHECK(info.register_notifier_list == NULL && info.ss_seed == 0);
	CHECK(!strcmp(lws_cmdline_option(4, argv_, "-d"), "1039"));
	CHECK(lws_cmdline_passfail(4, argv_, 3) == 0);
	CHECK(lws_cmdline_passfail(4, argv_, 0) == 1);
	CHECK(lws_cmdline_passfail(1, argv_, 0) == 0);
	info.default_loglevel = LLL_ERR;
	lws_cmdline_option_handle_builtin(1, argv_, &info);
	CHECK(lwsl_visible(LLL_ERR) && !lwsl_visible(LLL_USER));
	lws_cmdline_option_handle_builtin(2, argv_, &info); /* -d1039 */
	CHECK(lwsl_visible(LLL_USER) && lwsl_visible(LLL_INFO) &&
	      !lwsl_visible(LLL_DEBUG));
	CHECK(LWS_US_PER_SEC == 1000000 && LWS_USEC_PER_SEC == 1000000 &&
	      LWS_US_PER_MS == 1000 && LWS_MS_PER_SEC == 1000);
	CHECK(LWS_SYSTATE_OPERATIONAL == 13 && LWS_SYSTATE_POLICY_VALID == 8 &&
	      LWS_SYSTATE_CONTEXT_DESTROYING == 15);

	/* ---- lws_ss_state_name: libwebsockets' strings, every state ---- */
	{
		static const struct { int state; const char *name; } names[] = {
			{ 0, "(unset)" },
			{ LWSSSCS_CREATING, "LWSSSCS_CREATING" },
			{ LWSSSCS_DISCONNECTED, "LWSSSCS_DISCONNECTED" },
			{ LWSSSCS_UNREACHABLE, "LWSSSCS_UNREACHABLE" },
			{ LWSSSCS_AUTH_FAILED, "LWSSSCS_AUTH_FAILED" },
			{ LWSSSCS_CONNECTED, "LWSSSCS_CONNECTED" },
			{ LWSSSCS_CONNECTING, "LWSSSCS_CONNECTING" },
			{ LWSSSCS_DESTROYING, "LWSSSCS_DESTROYING" },
			{ LWSSSCS_POLL, "LWSSSCS_POLL" },
			{ LWSSSCS_ALL_RETRIES_FAILED, "LWSSSCS_ALL_RETRIES_FAILED" },
			{ LWSSSCS_QOS_ACK_REMOTE, "LWSSSCS_QOS_ACK_REMOTE" },
			{ LWSSSCS_QOS_NACK_REMOTE, "LWSSSCS_QOS_NACK_REMOTE" },
			{ LWSSSCS_QOS_ACK_LOCAL, "LWSSSCS_QOS_ACK_LOCAL" },
			{ LWSSSCS_QOS_NACK_LOCAL, "LWSSSCS_QOS_NACK_LOCAL" },
			{ LWSSSCS_TIMEOUT, "LWSSSCS_TIMEOUT" },
			{ LWSSSCS_SERVER_TXN, "LWSSSCS_SERVER_TXN" },
			{ LWSSSCS_SERVER_UPGRADE, "LWSSSCS_SERVER_UPGRADE" },
			{ LWSSSCS_EVENT_WAIT_CANCELLED, "LWSSSCS_EVENT_WAIT_CANCELLED" },
			{ LWSSSCS_UPSTREAM_LINK_RETRY, "LWSSSCS_UPSTREAM_LINK_RETRY" },
			{ LWSSSCS_SINK_JOIN, "LWSSSCS_SINK_JOIN" },
			{ LWSSSCS_SINK_PART, "LWSSSCS_SINK_PART" },
			{ 21, "unknown" },
			{ 999, "unknown" },
			{ -1, "unknown" },
			{ LWSSSCS_USER_BASE, "user state" },
			{ LWSSSCS_USER_BASE + 530, "user state" },
		};
		size_t i;

		/* the numbers, as on the wire (docs/states.md) */
		CHECK(LWSSSCS_CREATING == 1 && LWSSSCS_DESTROYING == 7 &&
		      LWSSSCS_ALL_RETRIES_FAILED == 9 &&
		      LWSSSCS_UPSTREAM_LINK_RETRY == 18 &&
		      LWSSSCS_SINK_PART == 20 && LWSSSCS_USER_BASE == 1000);
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			const char *got = lws_ss_state_name(
					(lws_ss_constate_t)names[i].state);

			if (!got || strcmp(got, names[i].name)) {
				fprintf(stderr, "lws_ss_state_name(%d) = \"%s\", "
					"expected \"%s\"\n", names[i].state,
					got ? got : "(null)", names[i].name);
				CHECK(0);
			}
		}
	}
	lwsl_emit_stderr(LLL_USER, "lwsl_emit_stderr works");
	lwsl_emit_stderr_notimestamp(LLL_USER, "lwsl_emit_stderr_notimestamp works");

	/* ---- logs ---- */
	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE | LLL_INFO | LLL_USER,
			  capture);
	log_reset();
	lwsl_hexdump_info(bytes, 19);
	CHECK(log_lines == 2);
	CHECK(strstr(logbuf, "0000: 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66"
			     "   0123456789abcdef\n") != NULL);
	CHECK(strstr(logbuf, "0010: 58 59 5A ") != NULL);
	CHECK(strstr(logbuf, "  XYZ\n") != NULL);
	log_reset();
	lwsl_hexdump_debug(bytes, 4); /* not visible */
	lwsl_hexdump(bytes, 4);       /* LLL_DEBUG */
	CHECK(log_lines == 0);
	lwsl_hexdump_err(bytes, 1);
	lwsl_hexdump_warn(bytes, 1);
	lwsl_hexdump_notice(bytes, 1);
	lwsl_hexdump_level(LLL_USER, bytes, 0); /* nothing for 0 bytes */
	CHECK(log_lines == 3);

	/* ---- context with notifiers ---- */
	info.register_notifier_list = notifiers;
	info.ss_proxy_bind = "@proxy.ss.lws";
	info.ss_proxy_address = NULL;
	info.ss_proxy_port = 0;
	info.protocols = lws_sspc_protocols;
	cx = ss_test_create_context(&info);
	CHECK(cx != NULL);
	if (!cx)
		return 1;
	mgr = lws_system_get_state_manager(cx);
	CHECK(mgr && mgr->context == cx && !strcmp(mgr->name, "system"));
	CHECK(mgr->state == LWS_SYSTATE_CONTEXT_CREATED && a_calls == 0);
	CHECK(!strcmp(mgr->state_names[LWS_SYSTATE_OPERATIONAL], "OPERATIONAL"));
	nl_b.name = "b";
	nl_b.notify_cb = nf_b;
	lws_state_reg_notifier(mgr, &nl_b);
	CHECK(mgr->notify_list.count == 2);

	log_reset();
	lwsl_cx_user(cx, "hello %d", 42);
	CHECK(strstr(logbuf, "[cx] main: hello 42\n") != NULL);
	lwsl_cx_notice(cx, "n");
	lwsl_cx_warn(cx, "w");
	lwsl_cx_err(cx, "e");
	lwsl_cx_info(cx, "i");
	lwsl_cx_debug(cx, "invisible");
	lwsl_hexdump_cx_info(cx, bytes, 2);
	lwsl_hexdump_cx_debug(cx, bytes, 2);
	CHECK(log_lines == 6);
	CHECK(strstr(logbuf, "[cx] 0000: 30 31") != NULL);

	/* a stream, for the object-scoped logs and user-object helpers */
	CHECK(!lws_ss_create(cx, 0, &ssi_names_t, &t1, &h, NULL, NULL));
	CHECK(h != NULL);
	log_reset();
	lwsl_ss_user(h, "x=%d", 7);
	lwsl_ss_notice(h, "n");
	lwsl_ss_warn(h, "w");
	lwsl_ss_err(h, "e");
	lwsl_ss_info(h, "i");
	lwsl_ss_debug(h, "invisible");
	lwsl_hexdump_ss_info(h, bytes, 3);
	lwsl_hexdump_ss_notice(h, bytes, 3);
	lwsl_hexdump_ss_warn(h, bytes, 3);
	lwsl_hexdump_ss_err(h, bytes, 3);
	lwsl_hexdump_ss_debug(h, bytes, 3);
	CHECK(strstr(logbuf, "[echo] main: x=7\n") != NULL);
	CHECK(strstr(logbuf, "[echo] 0000: 30 31 32 ") != NULL);
	CHECK(log_lines == 9);
	log_reset();
	lws_ss_dump_extant(cx, 0);
	CHECK(strstr(logbuf, "1 live stream") != NULL);
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	{
		uint8_t r1[32], r2[32];
		int nonzero = 0;

		memset(r1, 0, sizeof r1);
		CHECK(lws_get_random(cx, r1, sizeof r1) == sizeof r1);
		CHECK(lws_get_random(cx, r2, sizeof r2) == sizeof r2);
		for (n = 0; n < (int)sizeof r1; n++)
			nonzero |= r1[n];
		CHECK(nonzero && memcmp(r1, r2, sizeof r1));
		CHECK(lws_get_random(NULL, r1, 1) == 0);
	}
	lws_set_log_level(0, NULL);
	CHECK(lws_ss_policy_overlay(cx, "{\"s\":[]}") == 1);
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	CHECK(lws_ss_get_context(h) == cx);
	CHECK(!strcmp(lws_ss_tag(h), "echo"));
	CHECK(!strcmp(lws_ss_tag(NULL), "[null ss]"));
	CHECK(((names_t *)lws_ss_to_user_object(h))->creating == 1);

	/* ---- first lws_service: the walk stops at the veto ---- */
	t3.tag = 3;
	lws_service(cx, 0);
	CHECK(mgr->state == LWS_SYSTATE_CPD_PRE_TIME);
	CHECK(a_last_cur == LWS_SYSTATE_CPD_PRE_TIME &&
	      a_last_tgt == LWS_SYSTATE_TIME_VALID);
	CHECK(b_calls == 1 && mgr->notify_list.count == 1); /* b left */
	lws_service(cx, 0); /* no second automatic walk */
	CHECK(mgr->state == LWS_SYSTATE_CPD_PRE_TIME);
	/* whoever vetoed resumes it */
	CHECK(lws_state_transition_steps(mgr, LWS_SYSTATE_OPERATIONAL) == 0);
	CHECK(mgr->state == LWS_SYSTATE_OPERATIONAL);
	CHECK(destroy_refused); /* from the POLICY_VALID notification */
	CHECK(a_last_cur == LWS_SYSTATE_OPERATIONAL &&
	      a_last_tgt == LWS_SYSTATE_OPERATIONAL);
	/* a jump, then back */
	lws_state_transition(mgr, LWS_SYSTATE_POLICY_INVALID);
	CHECK(mgr->state == LWS_SYSTATE_POLICY_INVALID);
	lws_state_transition(mgr, LWS_SYSTATE_OPERATIONAL);
	CHECK(mgr->state == LWS_SYSTATE_OPERATIONAL);

	/* ---- sul timers on virtual time ---- */
	{
		int64_t t0 = ss_context_now_us(cx);

		lws_sul_schedule(cx, 0, &t1.sul, sul_cb, 300 * LWS_US_PER_MS);
		lws_sul_schedule(cx, 0, &t2.sul, sul_cb, 100 * LWS_US_PER_MS);
		CHECK(t1.sul.us == t0 + 300000 && t1.sul.cb == sul_cb);
		/* reschedule moves it */
		lws_sul_schedule(cx, 0, &t1.sul, sul_cb, 200 * LWS_US_PER_MS);
		lws_sul_schedule(cx, 0, &t3.sul, sul_cb, 500 * LWS_US_PER_MS);
		lws_sul_cancel(&t2.sul);
		CHECK(t2.sul.us == 0);
		lws_sul_schedule(cx, 0, &t3.sul, NULL, LWS_SET_TIMER_USEC_CANCEL);
		lws_sul_schedule(cx, 0, &t3.sul, sul_cb, 400 * LWS_US_PER_MS);
		for (guard = 0; guard < 1000 && !t3.fired; guard++)
			if (lws_service(cx, 10) < 0)
				break;
		CHECK(t1.fired == 1 && t1.fired_at == t0 + 200000);
		CHECK(t2.fired == 0);
		CHECK(t3.fired == 1 && t3.fired_at == t0 + 400000);
		CHECK(sul_destroy_refused);
		lws_sul_cancel(&t1.sul); /* already fired: a no-op */
	}

	/* the stream goes; its DESTROYING comes at destroy of the handle */
	lws_ss_destroy(&h);
	CHECK(h == NULL);
	for (n = 0, guard = 0; n >= 0 && guard < 100; guard++)
		n = lws_service(cx, 10);

	/* CONTEXT_DESTROYING reaches the notifiers */
	lws_context_destroy(cx);
	CHECK(destroy_seen == 1);
	CHECK(nl_a.list.owner == NULL); /* unlinked with its context */

	/* the same static links serve a second context */
	n = a_calls;
	cx = ss_test_create_context(&info);
	CHECK(cx != NULL);
	if (cx) {
		mgr = lws_system_get_state_manager(cx);
		CHECK(mgr->notify_list.count == 1);
		lws_service(cx, 0);
		CHECK(mgr->state == LWS_SYSTATE_OPERATIONAL && a_calls > n);
		lws_context_destroy(cx);
		CHECK(destroy_seen == 2);
	}

	if (fail_line) {
		lwsl_err("FAILED at line %d\n", fail_line);
		return 1;
	}
	lwsl_user("PASSED\n");
	return 0;
}
