/*
 * A Secure Streams server in the shape of libwebsockets'
 * minimal-secure-streams-server, written in C against <libwebsockets.h>
 * only (plus sim/testing/test_context_c.h to pick the simulated backend):
 * the "myserver" streamtype (h1, "server": true) serves a page on port
 * 8080; this program's own "myclient" streams fetch it over loopback.
 * Checks: each client gets its own user object and handle (with the
 * server's opaque pointer), SERVER_TXN comes with the path and a URL
 * argument, server_ack(0) is a 200 with the response metadata as a
 * header, no ack is a 404, lws_ss_server_foreach_client visits each live
 * client once (also when the callback destroys the handle it is given).
 * Exits 0 on success.
 */
#include <libwebsockets.h>
#include "sim/testing/test_context_c.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const policy_json =
	"{\"release\":\"1\",\"product\":\"c-server-test\",\"schema-version\":1,"
	"\"s\":[{\"myserver\":{\"server\":true,\"endpoint\":\"\",\"port\":8080,"
	"\"protocol\":\"h1\",\"metadata\":[{\"path\":\"\"},{\"name\":\"\"},"
	"{\"mime\":\"content-type:\"}]}},"
	"{\"myclient\":{\"endpoint\":\"localhost\",\"port\":8080,\"protocol\":\"h1\","
	"\"http_method\":\"GET\",\"http_url\":\"${url}\",\"opportunistic\":true,"
	"\"metadata\":[{\"url\":\"\"},{\"mime\":\"content-type:\"}]}}]}";

static const char page[] = "<html><body>Hello from the server</body></html>";
static int failed, opaque_marker, served, not_found;

/* the server's user object: one per accepted client */
typedef struct srv {
	struct lws_ss_handle *ss;
	void *opaque_data;
	size_t sent;
	int txns;
} srv_t;

static lws_ss_state_return_t
srv_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len, int *flags)
{
	srv_t *m = (srv_t *)userobj;
	size_t left = strlen(page) - m->sent;

	(void)ord;
	if (*len > left)
		*len = left;
	memcpy(buf, page + m->sent, *len);
	*flags = (m->sent ? 0 : LWSSS_FLAG_SOM);
	m->sent += *len;
	if (m->sent == strlen(page))
		*flags |= LWSSS_FLAG_EOM;
	else
		lws_ss_request_tx(m->ss);
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
srv_state(void *userobj, void *h_src, lws_ss_constate_t state, lws_ss_tx_ordinal_t ack)
{
	srv_t *m = (srv_t *)userobj;
	const void *path, *name;
	size_t plen, nlen;

	(void)h_src;
	(void)ack;
	if (m->opaque_data != &opaque_marker)
		failed = 1;
	if (state != LWSSSCS_SERVER_TXN)
		return LWSSSSRET_OK;
	m->txns++;
	m->sent = 0;
	if (lws_ss_get_metadata(m->ss, "path", &path, &plen) ||
	    lws_ss_get_metadata(m->ss, "name", &name, &nlen)) {
		failed = 1;
		return LWSSSSRET_DISCONNECT_ME;
	}
	if (plen == 6 && !memcmp(path, "/index", 6)) {
		if (nlen != 3 || memcmp(name, "bob", 3))
			failed = 1;
		lws_ss_server_ack(m->ss, 0);
		lws_ss_set_metadata(m->ss, "mime", "text/html", 9);
		served++;
	} else {
		not_found++; /* no ack: 404, with the page as its body */
	}
	return lws_ss_request_tx_len(m->ss, (unsigned long)strlen(page));
}

/* the client's user object */
typedef struct cli {
	struct lws_ss_handle *ss;
	void *opaque_data;
	char rx[256];
	size_t rx_len;
	int acked, nacked;
	char mime[32];
} cli_t;

static lws_ss_state_return_t
cli_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	cli_t *m = (cli_t *)userobj;

	(void)flags;
	if (m->rx_len + len >= sizeof(m->rx))
		return LWSSSSRET_DISCONNECT_ME;
	memcpy(m->rx + m->rx_len, buf, len);
	m->rx_len += len;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
cli_state(void *userobj, void *h_src, lws_ss_constate_t state, lws_ss_tx_ordinal_t ack)
{
	cli_t *m = (cli_t *)userobj;
	const void *v;
	size_t len;

	(void)h_src;
	(void)ack;
	if (state == LWSSSCS_QOS_ACK_REMOTE || state == LWSSSCS_QOS_NACK_REMOTE) {
		*(state == LWSSSCS_QOS_ACK_REMOTE ? &m->acked : &m->nacked) = 1;
		if (!lws_ss_get_metadata(m->ss, "mime", &v, &len) && len < sizeof(m->mime))
			memcpy(m->mime, v, len);
	}
	return LWSSSSRET_OK;
}

static struct lws_ss_handle *seen[8];
static int seen_count, destroy_in_walk;

static void
visit(struct lws_ss_handle *h, void *arg)
{
	int i;

	if (arg != &seen_count)
		failed = 1;
	for (i = 0; i < seen_count; i++)
		if (seen[i] == h)
			failed = 1; /* visited twice */
	if (seen_count < 8)
		seen[seen_count++] = h;
	if (destroy_in_walk)
		lws_ss_destroy(&h);
}

/* about `ms` of virtual time: each lws_service runs one event, then up to 1 ms */
static void
service_for(struct lws_context *context, int ms)
{
	int n;

	for (n = 0; n < ms; n++)
		if (lws_service(context, 1) < 0)
			break;
}

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct lws_ss_handle *server = NULL, *c[3] = { NULL, NULL, NULL };
	lws_ss_info_t ssi;
	cli_t *cu[3];
	int i;

	lws_set_log_level(LLL_ERR | LLL_USER, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = policy_json;
	context = ss_test_create_context(&info);
	if (!context)
		return 1;

	memset(&ssi, 0, sizeof ssi);
	ssi.handle_offset = offsetof(srv_t, ss);
	ssi.opaque_user_data_offset = offsetof(srv_t, opaque_data);
	ssi.tx = srv_tx;
	ssi.state = srv_state;
	ssi.user_alloc = sizeof(srv_t);
	ssi.streamtype = "myserver";
	if (lws_ss_create(context, 0, &ssi, &opaque_marker, &server, NULL, NULL)) {
		lwsl_err("server create failed\n");
		return 1;
	}

	memset(&ssi, 0, sizeof ssi);
	ssi.handle_offset = offsetof(cli_t, ss);
	ssi.opaque_user_data_offset = offsetof(cli_t, opaque_data);
	ssi.rx = cli_rx;
	ssi.state = cli_state;
	ssi.user_alloc = sizeof(cli_t);
	ssi.streamtype = "myclient";
	for (i = 0; i < 3; i++) {
		if (lws_ss_create(context, 0, &ssi, NULL, &c[i], NULL, NULL))
			return 1;
		cu[i] = (cli_t *)lws_ss_to_user_object(c[i]);
		lws_ss_set_metadata(c[i], "url", i == 2 ? "missing" : "index?name=bob",
				    i == 2 ? 7 : 14);
		lws_ss_client_connect(c[i]);
	}
	/* until the three answers are in (an idle world's next event is the
	 * client pool's 5 s sweep, which would close the kept-alive wires) */
	for (i = 0; i < 100000 && !(cu[0]->acked && cu[1]->acked && cu[2]->nacked &&
				     cu[2]->rx_len == strlen(page)); i++)
		if (lws_service(context, 0) < 0)
			break;

	for (i = 0; i < 3; i++) {
		if (cu[i]->rx_len != strlen(page) || memcmp(cu[i]->rx, page, strlen(page))) {
			lwsl_err("client %d got %d bytes\n", i, (int)cu[i]->rx_len);
			failed = 1;
		}
	}
	if (!cu[0]->acked || !cu[1]->acked || !cu[2]->nacked || strcmp(cu[0]->mime, "text/html") ||
	    served != 2 || not_found != 1) {
		lwsl_err("acks or statuses wrong: served %d, 404s %d\n", served, not_found);
		failed = 1;
	}

	/* The clients keep their connections (keep-alive in the client pool,
	 * 5 s): the server has 3 live accepted streams. */
	lws_ss_server_foreach_client(server, visit, &seen_count);
	if (seen_count != 3 || seen[0] == seen[1] || seen[1] == seen[2] ||
	    lws_ss_to_user_object(seen[0]) == lws_ss_to_user_object(seen[1])) {
		lwsl_err("foreach_client saw %d clients\n", seen_count);
		failed = 1;
	}
	/* the same walk, destroying each handle it is given */
	seen_count = 0;
	destroy_in_walk = 1;
	lws_ss_server_foreach_client(server, visit, &seen_count);
	if (seen_count != 3)
		failed = 1;
	service_for(context, 100);
	seen_count = 0;
	destroy_in_walk = 0;
	lws_ss_server_foreach_client(server, visit, &seen_count);
	if (seen_count != 0) {
		lwsl_err("%d clients left after destroying all\n", seen_count);
		failed = 1;
	}
	/* a client handle has no clients */
	lws_ss_server_foreach_client(c[0], visit, &seen_count);
	if (seen_count != 0)
		failed = 1;

	lws_context_destroy(context);
	lwsl_user("c_api_server_test: %s\n", failed ? "FAIL" : "PASS");
	return failed;
}
