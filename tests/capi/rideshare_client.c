/*
 * rideshare-client: the rideshare upload of tests/capi/rideshare_user.h on
 * the production backend (lws_create_context: epoll + real sockets), for
 * //tests/integration:rideshare_test against a real HTTP server.
 *
 *   rideshare-client POLICY_FILE         streams of the policy, directly
 *   rideshare-sspc-client PROXY          the same source built with
 *                                        LWS_SS_USE_SSPC: through an
 *                                        ss-proxy at @name, /path or host:port
 *
 * Streamtype "up" (rideshare "audio", then "tail") POSTs the three parts;
 * exits 0 when lws_ss_rideshare() named each part during tx() and "tail"
 * during the response's rx(), the response was "stored" and
 * QOS_ACK_REMOTE came (10 s at most); 1 otherwise, saying which check
 * failed. Bad usage exits 2.
 */
#include <libwebsockets.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/capi/rideshare_user.h"

#if !defined(LWS_SS_USE_SSPC)
static char policy[16384];

static int
read_policy(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 1;
	n = fread(policy, 1, sizeof(policy) - 1, f);
	fclose(f);
	policy[n] = '\0';
	return n == 0 || n == sizeof(policy) - 1;
}
#endif

int main(int argc, const char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *cx;
	struct lws_ss_handle *h = NULL;
	time_t start;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s %s\n", argv[0],
#if defined(LWS_SS_USE_SSPC)
			"PROXY"
#else
			"POLICY_FILE"
#endif
		);
		return 2;
	}
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	rideshare_init();
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
#if defined(LWS_SS_USE_SSPC)
	{
		static char host[256];
		const char *colon = strrchr(argv[1], ':');

		info.protocols = lws_sspc_protocols;
		if (argv[1][0] == '@' || argv[1][0] == '/' || argv[1][0] == '+') {
			info.ss_proxy_bind = argv[1];
		} else if (colon && (size_t)(colon - argv[1]) < sizeof(host)) {
			memcpy(host, argv[1], (size_t)(colon - argv[1]));
			host[colon - argv[1]] = '\0';
			info.ss_proxy_address = host;
			info.ss_proxy_port = (uint16_t)atoi(colon + 1);
		} else {
			fprintf(stderr, "PROXY must be @name, /path or host:port\n");
			return 2;
		}
	}
#else
	if (read_policy(argv[1])) {
		fprintf(stderr, "cannot read the policy %s\n", argv[1]);
		return 2;
	}
	info.pss_policies_json = policy;
#endif
	cx = lws_create_context(&info);
	if (!cx)
		return 1;
	if (lws_ss_create(cx, 0, &ssi_rideshare_t, NULL, &h, NULL, NULL)) {
		lws_context_destroy(cx);
		return 1;
	}
	start = time(NULL);
	while (!rideshare_acked && !rideshare_fail_line && time(NULL) - start < 10)
		lws_service(cx, 100);
	lws_ss_destroy(&h);
	lws_context_destroy(cx);
	if (rideshare_check("stored")) {
		fprintf(stderr, "%s: rideshare_user.h check at line %d failed\n",
			argv[0], rideshare_fail_line);
		return 1;
	}
	printf("rideshare ok: tx named up, audio, tail; rx named tail\n");
	return 0;
}
