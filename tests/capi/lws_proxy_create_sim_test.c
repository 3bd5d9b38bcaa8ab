/*
 * lws_ss_proxy_create in the simulator (sspc_bed: host "server" echoes on
 * port 7; every context lives on host "box"). An application context with a
 * policy serves an SS proxy on "@cproxy"; a second context, a proxy client
 * (lws_sspc_*, no policy), sends through it and gets the echo back. Binding
 * the same name again fails with an lwsl_err line; bad arguments fail. The
 * proxy belongs to its context: lws_context_destroy closes it (the client
 * hears DISCONNECTED and retries) and frees the name, so a new context can
 * serve it again and the client reconnects. NULL bind is "@proxy.ss.lws".
 */
#include <libwebsockets.h>

#include <stdio.h>
#include <string.h>

#include <ss/backend_c.h>

#include "tests/capi/sspc_bed.h"

#define ECHO_USER_MESSAGE "through the app's proxy"
#include "tests/capi/sspc_echo_user.h"

#include "tests/capi/check.h"
#include "tests/capi/err_lines.h"

static int refused_destroying;

static lws_ss_state_return_t
refused_state(void *userobj, void *sh, lws_ss_constate_t state,
	      lws_ss_tx_ordinal_t ack)
{
	(void)userobj;
	(void)sh;
	(void)ack;
	refused_destroying += state == LWSSSCS_DESTROYING;
	return LWSSSSRET_OK;
}

static const char policy[] =
	"{\"release\":\"1\",\"product\":\"app\",\"schema-version\":1,"
	"\"retry\":[{\"default\":{\"backoff\":[100,200],\"conceal\":3,"
	"\"jitterpc\":0}}],"
	"\"s\":[{\"echo\":{\"endpoint\":\"server\",\"port\":7,"
	"\"protocol\":\"raw\",\"retry\":\"default\"}}]}";

static struct lws_context *
app_context(struct sspc_bed *bed)
{
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = policy;
	return sspc_bed_context(bed, &info);
}

int main(void)
{
	struct lws_context_creation_info info;
	struct sspc_bed *bed = sspc_bed_create(11);
	struct lws_context *app, *app2, *cl;
	struct lws_sspc_handle *h = NULL, *bad = NULL;
	lws_ss_info_t bad_ssi = echo_user_ssi;
	echo_user_t *c;

	lws_set_log_level(LLL_ERR, note_log_line);
	CHECK(bed != NULL);
	if (!bed)
		return 1;
	app = app_context(bed);
	CHECK(app != NULL);
	if (!app)
		return 1;

	CHECK(lws_ss_proxy_create(app, "@cproxy", 0) == 0);
	CHECK(err_lines == 0);
	/* the name is taken now, by this context or any other */
	CHECK(refused(lws_ss_proxy_create(app, "@cproxy", 0),
		      "cannot listen on +@cproxy: listen: address in use"));
	app2 = app_context(bed);
	CHECK(refused(lws_ss_proxy_create(app2, "+@cproxy", 0),
		      "address in use"));
	lws_context_destroy(app2);
	/* arguments that name no listen address */
	CHECK(refused(lws_ss_proxy_create(app, "", 0), "bind is empty"));
	CHECK(refused(lws_ss_proxy_create(app, "@", 0), "needs a name"));
	CHECK(refused(lws_ss_proxy_create(app, "@x", 7000),
		      "is a unix socket, but port 7000 asks for TCP"));
	CHECK(refused(lws_ss_proxy_create(app, NULL, 70000),
		      "port 70000 is not 0..65535"));
	CHECK(refused(lws_ss_proxy_create(NULL, "@y", 0), "no context"));

	/* a proxy client (no policy) sends through the app's proxy */
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = lws_sspc_protocols;
	info.ss_proxy_bind = "@cproxy";
	cl = sspc_bed_context(bed, &info);
	CHECK(cl != NULL);
	if (!cl)
		return 1;
	CHECK(!lws_sspc_create(cl, 0, &echo_user_ssi, NULL, &h, NULL, NULL));
	CHECK(h != NULL);
	if (!h)
		return 1;
	c = (echo_user_t *)lws_sspc_to_user_object(h);
	echo_user_run(cl, 1000);
	CHECK(c->states[LWSSSCS_CREATING] == 1);
	CHECK(c->states[LWSSSCS_CONNECTED] == 1);
	CHECK(c->states[LWSSSCS_UPSTREAM_LINK_RETRY] == 0);
	CHECK(c->rx_len == 23 && !memcmp(c->rx, "through the app's proxy", 23));

	/* the app's policy decides: a streamtype it lacks is refused */
	bad_ssi.streamtype = "not-in-the-app-policy";
	bad_ssi.state = refused_state;
	CHECK(!lws_sspc_create(cl, 0, &bad_ssi, NULL, &bad, NULL, NULL));
	echo_user_run(cl, 500);
	CHECK(refused_destroying == 1);

	/* the proxy goes with its context */
	lws_context_destroy(app);
	echo_user_run(cl, 1500);
	CHECK(c->states[LWSSSCS_DISCONNECTED] == 1);
	CHECK(c->states[LWSSSCS_UPSTREAM_LINK_RETRY] >= 1);

	/* the name is free again: a new app context serves it, and the
	 * client's retry finds it */
	app = app_context(bed);
	CHECK(app != NULL);
	if (!app)
		return 1;
	CHECK(lws_ss_proxy_create(app, "@cproxy", 0) == 0);
	echo_user_run(cl, 2000);
	CHECK(c->states[LWSSSCS_CONNECTED] == 2);
	CHECK(c->rx_len == 46 &&
	      !memcmp(c->rx + 23, "through the app's proxy", 23));

	/* NULL bind is lws's default name, "@proxy.ss.lws" */
	CHECK(lws_ss_proxy_create(app, NULL, 0) == 0);
	CHECK(sspc_bed_start_proxy(bed) != 0);
	/* TCP: every interface of the host, then the same port again */
	CHECK(lws_ss_proxy_create(app, NULL, 7000) == 0);
	CHECK(refused(lws_ss_proxy_create(app, "0.0.0.0", 7000),
		      "address in use"));
	CHECK(err_lines == 0);

	lws_sspc_destroy(&h);
	echo_user_run(cl, 200);
	CHECK(sspc_bed_violations(bed) == 0);
	lws_context_destroy(cl);
	lws_context_destroy(app);
	sspc_bed_destroy(bed);
	if (failed)
		fprintf(stderr, "FAILED (%d checks)\n", failed);
	return failed ? 1 : 0;
}
