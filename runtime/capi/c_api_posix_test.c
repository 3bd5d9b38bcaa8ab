/*
 * The classic lws-style C application on the production backend:
 * lws_create_context() (posix: epoll + real sockets), a raw stream to a
 * local TCP echo server run by a forked child, "hello" sent and echoed.
 */
#include <libwebsockets.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int interrupted, result = 1;

typedef struct {
	struct lws_ss_handle *ss;
	void *opaque_data;
	char rx[16];
	size_t rx_len;
	int sent;
} echo_t;

static lws_ss_state_return_t
echo_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	echo_t *e = (echo_t *)userobj;

	(void)flags;
	if (e->rx_len + len > sizeof(e->rx))
		return LWSSSSRET_DESTROY_ME;
	memcpy(e->rx + e->rx_len, buf, len);
	e->rx_len += len;
	if (e->rx_len == 5) {
		result = memcmp(e->rx, "hello", 5) != 0;
		interrupted = 1;
		return LWSSSSRET_DESTROY_ME;
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
echo_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
	int *flags)
{
	echo_t *e = (echo_t *)userobj;

	(void)ord;
	if (e->sent)
		return LWSSSSRET_TX_DONT_SEND;
	memcpy(buf, "hello", 5);
	*len = 5;
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	e->sent = 1;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
echo_state(void *userobj, void *h_src, lws_ss_constate_t state,
	   lws_ss_tx_ordinal_t ack)
{
	echo_t *e = (echo_t *)userobj;

	(void)h_src;
	(void)ack;
	lwsl_user("state %s\n", lws_ss_state_name(state));
	switch (state) {
	case LWSSSCS_CREATING:
		lws_ss_start_timeout(e->ss, 5000);
		return lws_ss_request_tx(e->ss);
	case LWSSSCS_TIMEOUT:
	case LWSSSCS_ALL_RETRIES_FAILED:
		interrupted = 1;
		return LWSSSSRET_DESTROY_ME;
	default:
		return LWSSSSRET_OK;
	}
}

static void
echo_server(int lfd)
{
	char buf[256];
	ssize_t n;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		_exit(2);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	_exit(0);
}

int main(void)
{
	struct lws_context_creation_info info;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	struct lws_context *cx;
	struct lws_ss_handle *h;
	char policy[512];
	lws_ss_info_t ssi;
	int lfd, guard = 0;
	pid_t child;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) ||
	    listen(lfd, 4) || getsockname(lfd, (struct sockaddr *)&sa, &sl))
		return 2;
	child = fork();
	if (child == 0)
		echo_server(lfd);
	close(lfd);

	snprintf(policy, sizeof policy,
		 "{\"release\":\"1\",\"product\":\"p\",\"schema-version\":1,"
		 "\"s\":[{\"echo\":{\"endpoint\":\"127.0.0.1\",\"port\":%u,"
		 "\"protocol\":\"raw\"}}]}", (unsigned)ntohs(sa.sin_port));

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = policy;
	cx = lws_create_context(&info);
	if (!cx) {
		kill(child, SIGKILL);
		return 1;
	}

	memset(&ssi, 0, sizeof ssi);
	ssi.streamtype = "echo";
	ssi.user_alloc = sizeof(echo_t);
	ssi.handle_offset = offsetof(echo_t, ss);
	ssi.opaque_user_data_offset = offsetof(echo_t, opaque_data);
	ssi.rx = echo_rx;
	ssi.tx = echo_tx;
	ssi.state = echo_state;
	if (lws_ss_create(cx, 0, &ssi, NULL, &h, NULL, NULL))
		return 1;

	while (!interrupted && guard++ < 10000)
		if (lws_service(cx, 100) < 0)
			break;

	lws_context_destroy(cx);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	lwsl_user("%s\n", result ? "FAILED" : "PASSED");
	return result;
}
