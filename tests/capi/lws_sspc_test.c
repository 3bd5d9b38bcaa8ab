/*
 * A client of an SS proxy, written as lws's minimal-secure-streams client
 * builds are: LWS_SS_USE_SSPC before <libwebsockets.h>, the ordinary
 * lws_ss_* names, no policy of its own. The proxy (sspc_bed) is not there
 * at first: the stream hears UPSTREAM_LINK_RETRY once a second; once the
 * proxy starts, CREATING, CONNECTED and the echo of what it sent come. Then
 * the proxy goes away mid-stream: DISCONNECTED; back again: CONNECTED a
 * second time (no second CREATING). A streamtype the proxy does not know
 * ends in DESTROYING.
 */
#define LWS_SS_USE_SSPC
#include <libwebsockets.h>

#include <stdio.h>
#include <string.h>

#include <ss/backend_c.h>

#include "tests/capi/sspc_bed.h"

#define ECHO_USER_MESSAGE "hello proxy"
#include "tests/capi/sspc_echo_user.h"

#include "tests/capi/check.h"

/* The refused stream's user object is freed after DESTROYING (as in lws):
 * what it saw is kept here instead. */
static int refused_creating, refused_destroying;
static char refused_why[128]; /* lws_ss_last_error in its DESTROYING */

static lws_ss_state_return_t
refused_state(void *userobj, void *sh, lws_ss_constate_t state,
	      lws_ss_tx_ordinal_t ack)
{
	(void)sh;
	(void)ack;
	refused_creating += state == LWSSSCS_CREATING;
	refused_destroying += state == LWSSSCS_DESTROYING;
	if (state == LWSSSCS_DESTROYING)
		snprintf(refused_why, sizeof(refused_why), "%s",
			 lws_ss_last_error(((echo_user_t *)userobj)->ss));
	return LWSSSSRET_OK;
}

int main(void)
{
	struct lws_context_creation_info info;
	struct sspc_bed *bed = sspc_bed_create(3);
	struct lws_context *cx;
	struct lws_ss_handle *h = NULL, *bad = NULL;
	lws_ss_info_t bad_ssi = echo_user_ssi;
	echo_user_t *m;
	int n;

	lws_set_log_level(LLL_ERR, NULL);
	CHECK(bed != NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = lws_sspc_protocols;
	info.ss_proxy_bind = "+@proxy.ss.lws";
	cx = sspc_bed_context(bed, &info); /* no policy: the proxy has it */
	CHECK(cx != NULL);
	if (!cx)
		return 1;

	CHECK(!lws_ss_create(cx, 0, &echo_user_ssi, NULL, &h, NULL, NULL));
	CHECK(h != NULL);
	m = (echo_user_t *)lws_ss_to_user_object(h);
	CHECK(m->ss == h);
	CHECK(!strcmp(lws_ss_tag(h), "echo"));
	lwsl_ss_user(h, "created (this line is not shown at LLL_ERR)");

	/* no proxy yet: a retry a second */
	echo_user_run(cx, 2500);
	n = m->states[LWSSSCS_UPSTREAM_LINK_RETRY];
	CHECK(n >= 3 && n <= 4);
	/* ack: ms since the first failed try, one try a second */
	CHECK(m->last_retry_ack + 100 >= (unsigned int)(n - 1) * 1000 &&
	      m->last_retry_ack <= (unsigned int)(n - 1) * 1000 + 100);
	CHECK(m->states[LWSSSCS_CREATING] == 0);
	CHECK(!strcmp(lws_ss_last_error(h), "cannot reach the SS proxy at "
		      "+@proxy.ss.lws: connection refused"));
	CHECK(lws_ss_last_error(NULL) == NULL);

	CHECK(sspc_bed_start_proxy(bed) == 0);
	echo_user_run(cx, 2000);
	CHECK(m->states[LWSSSCS_CREATING] == 1);
	CHECK(m->states[LWSSSCS_CONNECTED] == 1);
	CHECK(!strcmp(lws_ss_last_error(h), "")); /* CONNECTED clears it */
	CHECK(m->rx_len == 11 && !memcmp(m->rx, "hello proxy", 11));
	CHECK(sspc_bed_onward_streams(bed) == 1);

	/* the proxy goes away and comes back */
	sspc_bed_stop_proxy(bed);
	echo_user_run(cx, 1500);
	CHECK(m->states[LWSSSCS_DISCONNECTED] == 1);
	CHECK(sspc_bed_start_proxy(bed) == 0);
	echo_user_run(cx, 3000);
	CHECK(m->states[LWSSSCS_CREATING] == 1);
	CHECK(m->states[LWSSSCS_CONNECTED] == 2);
	CHECK(m->rx_len == 22);

	/* a streamtype the proxy's policy lacks */
	bad_ssi.streamtype = "not-in-the-proxy-policy";
	bad_ssi.state = refused_state;
	CHECK(!lws_ss_create(cx, 0, &bad_ssi, NULL, &bad, NULL, NULL));
	echo_user_run(cx, 1000);
	CHECK(refused_destroying == 1);
	CHECK(refused_creating == 0);
	CHECK(!strcmp(refused_why, "the SS proxy refused streamtype "
		      "'not-in-the-proxy-policy'"));

	lws_ss_destroy(&h);
	CHECK(h == NULL);
	echo_user_run(cx, 200);
	CHECK(sspc_bed_onward_streams(bed) == 0);
	CHECK(sspc_bed_violations(bed) == 0);
	lws_context_destroy(cx);
	sspc_bed_destroy(bed);
	if (failed)
		fprintf(stderr, "FAILED (%d checks)\n", failed);
	return failed ? 1 : 0;
}
