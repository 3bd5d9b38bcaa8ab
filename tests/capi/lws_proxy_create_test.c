/*
 * lws_ss_proxy_create on the production backend (lws_create_context: epoll
 * and real sockets). This program is an application that serves an SS
 * proxy from its own context, with a policy whose "echo" streamtype is raw
 * to a local echo server (a forked child). Client processes are the
 * sspc-client binary (tests/capi/sspc_client.c, an lws-style
 * LWS_SS_USE_SSPC client; argv[1]), run while this program services its
 * context; sspc-client exits 0 only if the echo it got back is the message
 * it sent.
 *
 * Checked: echo through a unique abstract name, a unix socket path and TCP;
 * a streamtype the policy lacks is refused; binding an address in use (the
 * same name, from this or another context; the echo server's port) or a
 * path in a missing directory returns nonzero with an lwsl_err line;
 * lws_context_destroy closes the proxy (the path is unlinked and the name
 * can be served again).
 */
#include <libwebsockets.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/capi/check.h"
#include "tests/capi/err_lines.h"

static const char *sspc_client;

/* Every log line to stderr; the errors also to err_lines.h. */
static void
emit(int level, const char *line)
{
	fprintf(stderr, "%s\n", line);
	note_log_line(level, line);
}

/* Echoes every connection, one after the other, until killed. */
static void
echo_server(int lfd)
{
	char buf[4096];
	ssize_t n;
	int fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			_exit(2);
		while ((n = read(fd, buf, sizeof buf)) > 0)
			if (write(fd, buf, (size_t)n) != n)
				break;
		close(fd);
	}
}

static int
tcp_listener(struct sockaddr_in *sa)
{
	socklen_t sl = sizeof *sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, sizeof *sa) ||
	    listen(fd, 8) || getsockname(fd, (struct sockaddr *)sa, &sl)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Runs `sspc-client PROXY STREAMTYPE MESSAGE`, servicing `cx` (the proxy)
 * until it exits; its exit code, or -1. sspc-client gives up after 10 s;
 * the guard only keeps a hung child from hanging the test. */
static int
run_client(struct lws_context *cx, const char *proxy, const char *streamtype,
	   const char *message)
{
	int status, guard = 0;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl(sspc_client, sspc_client, proxy, streamtype, message,
		      (char *)NULL);
		_exit(127);
	}
	while (guard++ < 600) {
		lws_service(cx, 50);
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static struct lws_context *
app_context(const char *policy)
{
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = policy;
	return lws_create_context(&info);
}

int main(int argc, const char **argv)
{
	struct lws_context *cx, *cx2;
	struct sockaddr_in sa;
	char policy[512], name[64], path[64], tcp[64];
	unsigned int echo_port, proxy_port = 0;
	pid_t echo;
	int lfd, n, ok;

	if (argc != 2) {
		fprintf(stderr, "usage: lws_proxy_create_test SSPC_CLIENT\n");
		return 2;
	}
	sspc_client = argv[1];
	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE, emit);
	signal(SIGPIPE, SIG_IGN);

	lfd = tcp_listener(&sa);
	if (lfd < 0)
		return 2;
	echo_port = ntohs(sa.sin_port);
	echo = fork();
	if (echo == 0)
		echo_server(lfd);
	close(lfd);

	snprintf(policy, sizeof policy,
		 "{\"release\":\"1\",\"product\":\"app\",\"schema-version\":1,"
		 "\"retry\":[{\"default\":{\"backoff\":[100,200],\"conceal\":2,"
		 "\"jitterpc\":0}}],"
		 "\"s\":[{\"echo\":{\"endpoint\":\"127.0.0.1\",\"port\":%u,"
		 "\"protocol\":\"raw\",\"retry\":\"default\"}}]}", echo_port);
	/* Unique while this test runs: the echo server holds its port (a pid
	 * would not do: sandboxed tests may share a pid, not a port). */
	snprintf(name, sizeof name, "@lws-proxy-create-test-%u", echo_port);
	snprintf(path, sizeof path, "/tmp/lws-proxy-create-test-%u.sock",
		 echo_port);
	unlink(path);

	cx = app_context(policy);
	CHECK(cx != NULL);
	if (!cx) {
		kill(echo, SIGKILL);
		return 1;
	}

	/* 1. an abstract name: echo through it; an unknown streamtype is
	 * refused by this context's policy */
	CHECK(lws_ss_proxy_create(cx, name, 0) == 0);
	CHECK(err_lines == 0);
	CHECK(run_client(cx, name, "echo", "hello through lws_ss_proxy_create") == 0);
	CHECK(run_client(cx, name, "not-in-the-policy", "x") == 1);

	/* 2. the same name again: from this context, from another one */
	CHECK(refused(lws_ss_proxy_create(cx, name, 0), "Address already in use"));
	cx2 = app_context(policy);
	CHECK(cx2 != NULL);
	CHECK(refused(lws_ss_proxy_create(cx2, name, 0), "Address already in use"));
	lws_context_destroy(cx2);

	/* 3. a path in a directory that does not exist; a path that works */
	CHECK(refused(lws_ss_proxy_create(cx, "/nonexistent-dir-lws-proxy/sock", 0),
		      "cannot listen on +/nonexistent-dir-lws-proxy/sock"));
	CHECK(lws_ss_proxy_create(cx, path, 0) == 0);
	CHECK(access(path, F_OK) == 0);
	CHECK(run_client(cx, path, "echo", "hello over a unix path") == 0);
	CHECK(refused(lws_ss_proxy_create(cx, path, 0), "Address already in use"));

	/* 4. TCP: a port in use (the echo server's), not an IP address, then
	 * a free port (found by binding port 0; retried if another process
	 * takes it in between) */
	CHECK(refused(lws_ss_proxy_create(cx, "127.0.0.1", (int)echo_port),
		      "Address already in use"));
	CHECK(refused(lws_ss_proxy_create(cx, "not-an-address", 7681),
		      "needs an IP literal"));
	for (n = 0, ok = 0; n < 5 && !ok; n++) {
		lfd = tcp_listener(&sa);
		if (lfd < 0)
			break;
		proxy_port = ntohs(sa.sin_port);
		close(lfd);
		ok = lws_ss_proxy_create(cx, "127.0.0.1", (int)proxy_port) == 0;
		err_lines = 0;
	}
	CHECK(ok);
	snprintf(tcp, sizeof tcp, "127.0.0.1:%u", proxy_port);
	if (ok)
		CHECK(run_client(cx, tcp, "echo", "hello over tcp") == 0);

	/* 5. the proxies go with the context: the path is unlinked and the
	 * name can be served again */
	lws_context_destroy(cx);
	CHECK(access(path, F_OK) != 0);
	cx = app_context(policy);
	CHECK(cx != NULL);
	CHECK(lws_ss_proxy_create(cx, name, 0) == 0);
	CHECK(run_client(cx, name, "echo", "hello again") == 0);
	lws_context_destroy(cx);

	CHECK(err_lines == 0);
	kill(echo, SIGKILL);
	waitpid(echo, NULL, 0);
	unlink(path);
	if (failed)
		fprintf(stderr, "FAILED (%d checks)\n", failed);
	return failed ? 1 : 0;
}
