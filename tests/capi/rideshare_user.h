/*
 * The user side of a rideshare upload in C (docs/api.md "Rideshare"),
 * included by the programs that run it (in the simulator, directly and
 * through the SS proxy, and on real sockets). Include it after
 * <libwebsockets.h> (with LWS_SS_USE_SSPC defined first for a proxy
 * client: the lws_ss_* names then mean lws_sspc_*).
 *
 * Streamtype "up" rides on with "audio", then "tail" (the policy is the
 * program's). tx() asks lws_ss_rideshare() which part it is producing and
 * sends that part's payload in chunks of at most 700 bytes, SOM on a part's
 * first chunk and EOM on its last; lws_ss_request_tx() for every next chunk.
 * rx() records lws_ss_rideshare() too: after the last part that is "tail".
 * The whole length is announced in CREATING with lws_ss_request_tx_len.
 *
 * rideshare_check() returns 0 when tx named exactly up..., audio...,
 * tail... (one name per chunk), every rx named "tail", the response body
 * was RIDESHARE_RESPONSE and QOS_ACK_REMOTE came; else the line that failed.
 */
#ifndef SS_TESTS_CAPI_RIDESHARE_USER_H
#define SS_TESTS_CAPI_RIDESHARE_USER_H

#include <stdio.h>
#include <string.h>

#define RIDESHARE_PARTS 3
#define RIDESHARE_CHUNK 700
#define RIDESHARE_AUDIO_LEN 3000

static const char *const rideshare_names[RIDESHARE_PARTS] = { "up", "audio", "tail" };
static char rideshare_audio[RIDESHARE_AUDIO_LEN];
static const char *rideshare_payload[RIDESHARE_PARTS];
static size_t rideshare_len[RIDESHARE_PARTS], rideshare_sent[RIDESHARE_PARTS];
static int rideshare_acked, rideshare_fail_line, rideshare_expected_index;
static int rideshare_rx_named_other;
static size_t rideshare_rx_count;
static char rideshare_rx_body[64];
static size_t rideshare_rx_len;

#define RIDESHARE_CHECK(_c) \
	do { if (!(_c) && !rideshare_fail_line) rideshare_fail_line = __LINE__; } while (0)

static void
rideshare_init(void)
{
	size_t n;

	for (n = 0; n < sizeof(rideshare_audio); n++)
		rideshare_audio[n] = (char)(n * 7 % 251);
	rideshare_payload[0] = "{\"k\":3}";
	rideshare_payload[1] = rideshare_audio;
	rideshare_payload[2] = "end";
	for (n = 0; n < RIDESHARE_PARTS; n++) {
		rideshare_len[n] = n == 1 ? sizeof(rideshare_audio) :
					    strlen(rideshare_payload[n]);
		rideshare_sent[n] = 0;
	}
}

static size_t
rideshare_total(void)
{
	return rideshare_len[0] + rideshare_len[1] + rideshare_len[2];
}

static int
rideshare_index(const char *name)
{
	int n;

	for (n = 0; name && n < RIDESHARE_PARTS; n++)
		if (!strcmp(name, rideshare_names[n]))
			return n;
	return -1;
}

LWS_SS_USER_TYPEDEF
	int unused;
} rideshare_t;

static lws_ss_state_return_t
rideshare_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
	     int *flags)
{
	rideshare_t *g = (rideshare_t *)userobj;
	int i = rideshare_index(lws_ss_rideshare(lws_ss_from_user(g)));

	(void)ord;
	if (i < 0 || rideshare_sent[i] == rideshare_len[i])
		return LWSSSSRET_TX_DONT_SEND;
	/* the parts come in chain order, each until its EOM */
	RIDESHARE_CHECK(i == rideshare_expected_index);
	if (*len > RIDESHARE_CHUNK)
		*len = RIDESHARE_CHUNK;
	if (*len > rideshare_len[i] - rideshare_sent[i])
		*len = rideshare_len[i] - rideshare_sent[i];
	*flags = rideshare_sent[i] ? 0 : LWSSS_FLAG_SOM;
	memcpy(buf, rideshare_payload[i] + rideshare_sent[i], *len);
	rideshare_sent[i] += *len;
	if (rideshare_sent[i] == rideshare_len[i]) {
		*flags |= LWSSS_FLAG_EOM;
		rideshare_expected_index = i + 1;
	}
	if (rideshare_sent[RIDESHARE_PARTS - 1] != rideshare_len[RIDESHARE_PARTS - 1])
		return lws_ss_request_tx(lws_ss_from_user(g));
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
rideshare_rx(void *userobj, const uint8_t *in, size_t len, int flags)
{
	rideshare_t *g = (rideshare_t *)userobj;
	const char *name = lws_ss_rideshare(lws_ss_from_user(g));

	rideshare_rx_count++;
	if (!name || strcmp(name, "tail"))
		rideshare_rx_named_other = 1;
	if (rideshare_rx_len + len < sizeof(rideshare_rx_body)) {
		memcpy(rideshare_rx_body + rideshare_rx_len, in, len);
		rideshare_rx_len += len;
	}
	(void)flags;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
rideshare_state(void *userobj, void *h_src, lws_ss_constate_t state,
		lws_ss_tx_ordinal_t ack)
{
	rideshare_t *g = (rideshare_t *)userobj;

	(void)h_src;
	(void)ack;
	switch ((int)state) {
	case LWSSSCS_CREATING:
		/* before any tx: the stream's own streamtype */
		RIDESHARE_CHECK(!strcmp(lws_ss_rideshare(lws_ss_from_user(g)), "up"));
		return lws_ss_request_tx_len(lws_ss_from_user(g),
					     (unsigned long)rideshare_total());
	case LWSSSCS_CONNECTED:
		return lws_ss_request_tx(lws_ss_from_user(g));
	case LWSSSCS_QOS_ACK_REMOTE:
		rideshare_acked = 1;
		lws_default_loop_exit(lws_ss_cx_from_user(g));
		break;
	case LWSSSCS_ALL_RETRIES_FAILED:
	case LWSSSCS_TIMEOUT:
	case LWSSSCS_QOS_NACK_REMOTE:
		RIDESHARE_CHECK(0);
		lws_default_loop_exit(lws_ss_cx_from_user(g));
		break;
	}
	return LWSSSSRET_OK;
}

LWS_SS_INFO("up", rideshare_t)
	.tx = rideshare_tx,
	.rx = rideshare_rx,
	.state = rideshare_state,
};

/* Runs the upload on `cx` (null: a context that could not be made):
 * creates the stream, runs the default loop until the stream is done and
 * destroys the context. Non-zero when there was no context or stream.
 * (inline: rideshare_client.c creates its stream itself.) */
static inline int
rideshare_run(struct lws_context *cx)
{
	if (!cx)
		return 1;
	if (lws_ss_create(cx, 0, &ssi_rideshare_t, NULL, NULL, NULL, NULL)) {
		lws_context_destroy(cx);
		return 1;
	}
	lws_context_default_loop_run_destroy(cx);
	return 0;
}

static int
rideshare_check(const char *response)
{
	int n;

	RIDESHARE_CHECK(rideshare_acked);
	for (n = 0; n < RIDESHARE_PARTS; n++)
		RIDESHARE_CHECK(rideshare_sent[n] == rideshare_len[n]);
	RIDESHARE_CHECK(rideshare_rx_count > 0 && !rideshare_rx_named_other);
	RIDESHARE_CHECK(rideshare_rx_len == strlen(response) &&
			!memcmp(rideshare_rx_body, response, rideshare_rx_len));
	return rideshare_fail_line;
}

#if defined(SS_TESTS_CAPI_CAPI_PART_H)
/* What the server must have received as part k (capi_part.h): "up" as
 * meta/meta.json/application/json, "audio" as audio/a.raw/octet-stream,
 * "tail" as tail/text/plain, each with its payload. `count` is the number
 * of parts the bed found (-1: not multipart). */
static void
rideshare_check_part(int count, size_t k, const struct capi_part *p)
{
	static const char *const disposition[RIDESHARE_PARTS] = {
		"form-data; name=\"meta\"; filename=\"meta.json\"",
		"form-data; name=\"audio\"; filename=\"a.raw\"",
		"form-data; name=\"tail\"" };
	static const char *const type[RIDESHARE_PARTS] = {
		"application/json", "application/octet-stream", "text/plain" };

	RIDESHARE_CHECK(count == RIDESHARE_PARTS);
	if (count != RIDESHARE_PARTS || k >= RIDESHARE_PARTS)
		return;
	RIDESHARE_CHECK(!strcmp(p->disposition, disposition[k]));
	RIDESHARE_CHECK(!strcmp(p->content_type, type[k]));
	RIDESHARE_CHECK(p->len == rideshare_len[k] &&
			!memcmp(p->data, rideshare_payload[k], p->len));
}
#endif

#endif
