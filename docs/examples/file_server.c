/*
 * file_server: serves one file over HTTP with a Secure Streams server, in
 * the shape of libwebsockets' minimal-secure-streams-server, written
 * against <libwebsockets.h> alone (docs/api.md, "Serving").
 *
 *   file_server FILE [PORT [POLICY]]
 *                               GET / answers FILE (200), anything else 404;
 *                               POLICY: a policy file with a "myserver"
 *                               streamtype instead of the built-in one
 *
 * The streamtype "myserver" ("server": true) listens on PORT (default
 * 7681); every client connection gets its own srv_t.
 */
#include <libwebsockets.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int interrupted;
static char *page;        /* the file's bytes */
static size_t page_len;

typedef struct srv {
	struct lws_ss_handle *ss;
	void *opaque_data;
	size_t sent;
} srv_t;

static lws_ss_state_return_t
srv_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len, int *flags)
{
	srv_t *m = (srv_t *)userobj;
	size_t left = page_len - m->sent;

	(void)ord;
	if (*len > left)
		*len = left;
	memcpy(buf, page + m->sent, *len);
	*flags = m->sent ? 0 : LWSSS_FLAG_SOM;
	m->sent += *len;
	if (m->sent == page_len)
		*flags |= LWSSS_FLAG_EOM;
	else
		lws_ss_request_tx(m->ss);   /* more to come */
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
srv_state(void *userobj, void *h_src, lws_ss_constate_t state, lws_ss_tx_ordinal_t ack)
{
	srv_t *m = (srv_t *)userobj;
	const void *path;
	size_t len;

	(void)h_src;
	(void)ack;
	if (state != LWSSSCS_SERVER_TXN)
		return LWSSSSRET_OK;
	m->sent = 0;
	if (!lws_ss_get_metadata(m->ss, "path", &path, &len) &&
	    len == 1 && !memcmp(path, "/", 1)) {
		lws_ss_server_ack(m->ss, 0);                 /* 200 */
		lws_ss_set_metadata(m->ss, "mime", "text/plain", 10);
	}                                                    /* else 404 */
	return lws_ss_request_tx_len(m->ss, (unsigned long)page_len);
}

static void
sigint_handler(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int
read_file(const char *name)
{
	FILE *f = fopen(name, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > 16 * 1024 * 1024 ||
	    fseek(f, 0, SEEK_SET)) {
		if (f)
			fclose(f);
		return 1;
	}
	page = malloc((size_t)n + 1);
	page_len = (size_t)n;
	if (!page || fread(page, 1, page_len, f) != page_len) {
		fclose(f);
		return 1;
	}
	fclose(f);
	return 0;
}

int main(int argc, const char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct lws_ss_handle *server;
	lws_ss_info_t ssi;
	char policy[512];
	int n = 0;

	if (argc < 2 || read_file(argv[1])) {
		fprintf(stderr, "usage: file_server FILE [PORT [POLICY]] (FILE readable, at most 16 MiB)\n");
		return 2;
	}
	snprintf(policy, sizeof policy,
		 "{\"release\":\"1\",\"product\":\"file_server\",\"schema-version\":1,"
		 "\"s\":[{\"myserver\":{\"server\":true,\"endpoint\":\"127.0.0.1\","
		 "\"port\":%d,\"protocol\":\"h1\","
		 "\"metadata\":[{\"path\":\"\"},{\"mime\":\"content-type:\"}]}}]}",
		 argc > 2 ? atoi(argv[2]) : 7681);
	signal(SIGINT, sigint_handler);
	signal(SIGTERM, sigint_handler);

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	/* a policy file of your own (its "myserver" may be "tls": true) */
	info.pss_policies_json = argc > 3 ? argv[3] : policy;
	context = lws_create_context(&info);       /* posix backend */
	if (!context)
		return 1;

	memset(&ssi, 0, sizeof ssi);
	ssi.streamtype = "myserver";
	ssi.user_alloc = sizeof(srv_t);            /* each client gets one */
	ssi.handle_offset = offsetof(srv_t, ss);
	ssi.opaque_user_data_offset = offsetof(srv_t, opaque_data);
	ssi.tx = srv_tx;
	ssi.state = srv_state;
	if (lws_ss_create(context, 0, &ssi, NULL, &server, NULL, NULL)) {
		lws_context_destroy(context);
		return 1;                          /* the log says why (port in use) */
	}
	lwsl_user("serving %s\n", argv[1]);
	while (n >= 0 && !interrupted)
		n = lws_service(context, 0);
	lws_context_destroy(context);
	free(page);
	return 0;
}
