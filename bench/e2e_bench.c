/* End-to-end benchmarks over real sockets on loopback, written against the
 * Secure Streams C API (runtime/include/libwebsockets.h) the way lws'
 * minimal examples are. Built twice (bench/BUILD): e2e_bench runs the
 * streams in this process, e2e_bench_sspc (LWS_SS_USE_SSPC) runs the same
 * code with every stream living in an SS proxy (--proxy @name).
 * bench/run starts the peers and drives it; one figure per invocation, as
 * one line of JSON on stdout (docs/benchmarks.md says what each means):
 *
 *   e2e_bench MODE --policy FILE --st STREAMTYPE [options]
 *     gets      --count N [--reuse]   small GETs: a stream per GET, or one
 *                                     stream asking again (--reuse)
 *     bulk      --streams K [--bytes B]  K streams at once; h1: each GET's
 *                                     body; raw/ws: B bytes each echoed
 *     rtt       --count N [--size S]  one stream, a message at a time,
 *                                     round trips p50/p99
 *     idle      --streams N           N streams CONNECTED and idle: heap
 *                                     (mallinfo2) and RSS per stream; then
 *                                     "ready" and waits for a line on stdin
 *     start     --t0 NS               CLOCK_MONOTONIC ns when the caller
 *                                     forked: time until the first CONNECTED,
 *                                     and until main() (the OS's share)
 *   --proxy @NAME (e2e_bench_sspc only): where the SS proxy listens.
 */
#include <libwebsockets.h>

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_STREAMS 20000
#define WINDOW (256 * 1024) /* echo bytes in flight per stream */

struct opts {
	const char *mode, *policy, *st, *proxy;
	long count, streams, size, reuse;
	long long bytes, t0;
};
static struct opts o = {.count = 1000, .streams = 1, .size = 32, .bytes = 8 << 20};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long rss_kb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* ---- one user object type for every mode ---- */

typedef struct bss {
	struct lws_ss_handle *ss;
	void *opaque_data;
	long long sent, received, want; /* echo bytes */
	int connected, done, failed, asked;
	int64_t rtt_start;
} bss_t;

static int connected_now, done_now, failed_now, disconnected_now, connecting_now;
static long long rx_total;
static int64_t first_connect_ns, main_ns;
static int64_t *rtts;
static long rtt_n;

static void ask(bss_t *b)
{
	if (!b->asked) {
		b->asked = 1;
		lws_ss_request_tx(b->ss);
	}
}

static lws_ss_state_return_t b_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	bss_t *b = (bss_t *)userobj;

	rx_total += (long long)len;
	b->received += (long long)len;
	if (!strcmp(o.mode, "rtt") && b->received >= o.size) {
		rtts[rtt_n++] = now_ns() - b->rtt_start;
		b->received = 0;
		if (rtt_n >= o.count)
			b->done = 1, done_now++;
		else
			ask(b);
		return LWSSSSRET_OK;
	}
	if (b->want && b->sent < b->want && b->sent - b->received < WINDOW)
		ask(b);
	if (b->want && b->received >= b->want && !b->done)
		b->done = 1, done_now++;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t b_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
				  int *flags)
{
	bss_t *b = (bss_t *)userobj;
	size_t n = *len;

	b->asked = 0;
	if (!strcmp(o.mode, "rtt")) {
		n = (size_t)o.size;
		b->rtt_start = now_ns();
	} else if (b->want) {
		if (b->sent >= b->want || b->sent - b->received >= WINDOW)
			return LWSSSSRET_TX_DONT_SEND;
		if ((long long)n > b->want - b->sent)
			n = (size_t)(b->want - b->sent);
		if (n > 16384)
			n = 16384;
	} else {
		return LWSSSSRET_TX_DONT_SEND;
	}
	memset(buf, 'e', n);
	*len = n;
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	b->sent += (long long)n;
	if (b->want && b->sent < b->want && b->sent - b->received < WINDOW)
		ask(b);
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t b_state(void *userobj, void *h_src, lws_ss_constate_t state,
				     lws_ss_tx_ordinal_t ack)
{
	bss_t *b = (bss_t *)userobj;

	switch (state) {
	case LWSSSCS_CREATING:
		if (!strcmp(o.mode, "gets") || (!strcmp(o.mode, "bulk") && !b->want))
			return lws_ss_request_tx(b->ss);
		return lws_ss_client_connect(b->ss);
	case LWSSSCS_CONNECTED:
		if (!first_connect_ns)
			first_connect_ns = now_ns();
		if (!b->connected)
			b->connected = 1, connected_now++;
		if (b->want || !strcmp(o.mode, "rtt"))
			ask(b);
		break;
	case LWSSSCS_CONNECTING:
		connecting_now++;
		break;
	case LWSSSCS_DISCONNECTED:
		disconnected_now++;
		break;
	case LWSSSCS_QOS_ACK_REMOTE: /* an h1 transaction ended well */
		if (!b->done)
			b->done = 1, done_now++;
		break;
	case LWSSSCS_ALL_RETRIES_FAILED:
	case LWSSSCS_QOS_NACK_REMOTE:
	case LWSSSCS_TIMEOUT:
		if (!b->failed)
			b->failed = 1, failed_now++;
		break;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

static struct lws_context *cx;
static lws_ss_info_t ssi;

static bss_t *make(void)
{
	struct lws_ss_handle *h;

	if (lws_ss_create(cx, 0, &ssi, NULL, &h, NULL, NULL)) {
		fprintf(stderr, "e2e_bench: lws_ss_create %s failed\n", o.st);
		exit(1);
	}
	return (bss_t *)lws_ss_to_user_object(h);
}

/* Services until *counter reaches want, a failure, or the deadline. */
static int run_until(int *counter, int want, double seconds)
{
	int64_t end = now_ns() + (int64_t)(seconds * 1e9);

	while (*counter < want && !failed_now) {
		lws_service(cx, 50);
		if (now_ns() > end) {
			fprintf(stderr, "e2e_bench: %d of %d after %.0f s\n", *counter, want, seconds);
			return 1;
		}
	}
	if (failed_now) {
		fprintf(stderr, "e2e_bench: a stream failed\n");
		return 1;
	}
	return 0;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int mode_gets(void)
{
	double c0 = cpu_s();
	int64_t t0 = now_ns();
	bss_t *b = NULL;
	long i;

	for (i = 0; i < o.count; i++) {
		if (!b || !o.reuse) {
			if (b)
				lws_ss_destroy(&b->ss);
			b = make(); /* asks in CREATING */
		} else {
			b->done = 0;
			lws_ss_request_tx(b->ss);
		}
		if (run_until(&done_now, (int)i + 1, 30))
			return 1;
		/* Asking again is for a stream that is done with its last
		 * transaction: DISCONNECTED (h1_reuse_bench waits the same). */
		if (o.reuse && run_until(&disconnected_now, (int)i + 1, 30))
			return 1;
	}
	{
		double secs = (double)(now_ns() - t0) / 1e9, cpu = cpu_s() - c0;

		printf("{\"gets\": %ld, \"seconds\": %.4f, \"per_s\": %.1f, \"cpu_us_per_get\": %.2f}\n", o.count,
		       secs, (double)o.count / secs, cpu * 1e6 / (double)o.count);
	}
	return 0;
}

static int mode_bulk(void)
{
	int echo = strstr(o.st, "raw") || strstr(o.st, "ws");
	int64_t t0 = now_ns();
	double c0 = cpu_s();
	long i;

	for (i = 0; i < o.streams; i++) {
		bss_t *b = make();

		b->want = echo ? o.bytes : 0;
	}
	if (run_until(&done_now, (int)o.streams, 120))
		return 1;
	{
		double secs = (double)(now_ns() - t0) / 1e9;

		printf("{\"streams\": %ld, \"bytes\": %lld, \"seconds\": %.4f, \"mb_per_s\": %.2f, \"cpu_s\": %.3f}\n",
		       o.streams, rx_total, secs, (double)rx_total / secs / 1e6, cpu_s() - c0);
	}
	return 0;
}

static int mode_rtt(void)
{
	rtts = calloc((size_t)o.count, sizeof(*rtts));
	make();
	if (run_until(&done_now, 1, 60))
		return 1;
	qsort(rtts, (size_t)rtt_n, sizeof(*rtts), cmp64);
	printf("{\"count\": %ld, \"p50_us\": %.1f, \"p99_us\": %.1f, \"min_us\": %.1f}\n", rtt_n,
	       (double)rtts[rtt_n / 2] / 1e3, (double)rtts[rtt_n * 99 / 100] / 1e3, (double)rtts[0] / 1e3);
	return 0;
}

/* Services for `ms` whatever happens. */
static void settle(int ms)
{
	int64_t end = now_ns() + (int64_t)ms * 1000000;

	while (now_ns() < end)
		lws_service(cx, 10);
}

static int mode_idle(void)
{
	/* An h1 stream is CONNECTED only once a response head came; an idle
	 * one has sent its request to a server that never answers: count its
	 * CONNECTING and give the connects and requests time to go out. */
	int h1 = strstr(o.st, "h1") != NULL;
	int *up = h1 ? &connecting_now : &connected_now;
	struct mallinfo2 m0, m1;
	long r0, r1, i;
	char line[8];

	/* One stream first, so that what every context makes once (the
	 * policy's per-streamtype state, TLS contexts, pools) is not counted. */
	make();
	if (run_until(up, 1, 30))
		return 1;
	settle(h1 ? 200 : 0);
	m0 = mallinfo2();
	r0 = rss_kb();
	for (i = 1; i < o.streams; i++)
		make();
	if (run_until(up, (int)o.streams, 120))
		return 1;
	settle(h1 ? 1000 : 0);
	m1 = mallinfo2();
	r1 = rss_kb();
	printf("{\"streams\": %ld, \"heap_b_per_stream\": %.0f, \"rss_b_per_stream\": %.0f}\n", o.streams,
	       (double)(m1.uordblks - m0.uordblks) / (double)(o.streams - 1),
	       (double)(r1 - r0) * 1024.0 / (double)(o.streams - 1));
	fflush(stdout);
	/* The caller measures the proxy now; keep the streams until it says. */
	while (fgets(line, sizeof line, stdin) == NULL && !feof(stdin))
		;
	return 0;
}

static int mode_start(void)
{
	make();
	if (run_until(&connected_now, 1, 30))
		return 1;
	printf("{\"start_to_connect_ms\": %.3f, \"start_to_main_ms\": %.3f}\n",
	       (double)(first_connect_ns - o.t0) / 1e6, (double)(main_ns - o.t0) / 1e6);
	return 0;
}

static int usage(const char *why)
{
	fprintf(stderr, "e2e_bench: %s\nusage: e2e_bench gets|bulk|rtt|idle|start --policy FILE --st NAME "
			"[--count N] [--reuse] [--streams N] [--bytes B] [--size S] [--t0 NS] [--proxy @NAME]\n",
		why);
	return 2;
}

int main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	int i, rc;

	main_ns = now_ns(); /* start mode: what fork, exec and loading took */
	if (argc < 2)
		return usage("no mode");
	o.mode = argv[1];
	for (i = 2; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "--reuse")) {
			o.reuse = 1;
			continue;
		}
		if (!v)
			return usage("an option without its value");
		i++;
		if (!strcmp(k, "--policy"))
			o.policy = v;
		else if (!strcmp(k, "--st"))
			o.st = v;
		else if (!strcmp(k, "--proxy"))
			o.proxy = v;
		else if (!strcmp(k, "--count"))
			o.count = atol(v);
		else if (!strcmp(k, "--streams"))
			o.streams = atol(v);
		else if (!strcmp(k, "--size"))
			o.size = atol(v);
		else if (!strcmp(k, "--bytes"))
			o.bytes = atoll(v);
		else if (!strcmp(k, "--t0"))
			o.t0 = atoll(v);
		else
			return usage(k);
	}
	if (!o.st || o.count < 1 || o.streams < 1 || o.streams > MAX_STREAMS || o.size < 1 || o.size > 1024)
		return usage("--st is required; counts must be positive, --size at most 1024");

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = o.policy;
#if defined(LWS_SS_USE_SSPC)
	info.protocols = lws_sspc_protocols;
	info.ss_proxy_bind = o.proxy;
#endif
	cx = lws_create_context(&info);
	if (!cx)
		return 1;
	memset(&ssi, 0, sizeof ssi);
	ssi.streamtype = o.st;
	ssi.user_alloc = sizeof(bss_t);
	ssi.handle_offset = offsetof(bss_t, ss);
	ssi.opaque_user_data_offset = offsetof(bss_t, opaque_data);
	ssi.rx = b_rx;
	ssi.tx = b_tx;
	ssi.state = b_state;

	if (!strcmp(o.mode, "gets"))
		rc = mode_gets();
	else if (!strcmp(o.mode, "bulk"))
		rc = mode_bulk();
	else if (!strcmp(o.mode, "rtt"))
		rc = mode_rtt();
	else if (!strcmp(o.mode, "idle"))
		rc = mode_idle();
	else if (!strcmp(o.mode, "start"))
		rc = mode_start();
	else
		rc = usage("unknown mode");
	lws_context_destroy(cx);
	return rc;
}
