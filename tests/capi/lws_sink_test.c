/*
 * Local sinks from C (docs/secure-streams.md §4.3), in the shape lws programs use them: a
 * policy streamtype with "local_sink": true, an lws_ss_create with
 * LWSSSINFLAGS_REGISTER_SINK (no handle), then an ordinary lws_ss_create of
 * that streamtype makes the source; the sink side gets its own handle and
 * user object. Data goes both ways from tx() to the other side's rx();
 * destroying the source ends both; SINK_JOIN and SINK_PART reach the
 * registration's own user object.
 */
#include <libwebsockets.h>
#include "sim/testing/test_context_c.h"

#include <stdio.h>
#include <string.h>

#include "tests/capi/check.h"

static const char *policy =
	"{\"release\":\"1\",\"product\":\"sink\",\"schema-version\":1,"
	"\"s\":[{\"local\":{\"endpoint\":\"unused\",\"protocol\":\"raw\","
	"\"local_sink\":true}}]}";

typedef struct end {
	struct lws_ss_handle *ss;
	void *opaque_data;
	const char *say;
	int said, connected;
	char heard[64];
	size_t heard_len;
} end_t;

static const char *const kSourceTag = "source", *const kSinkTag = "sink";
static end_t *sink_end;       /* the accepted sink end, once CONNECTED */
static end_t *joined_with;    /* the user object SINK_JOIN came to */
static int joins, parts, destroyed_sink_ends;
static unsigned int part_ack = 99;

static lws_ss_state_return_t
end_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	end_t *e = (end_t *)userobj;

	CHECK((flags & (LWSSS_FLAG_SOM | LWSSS_FLAG_EOM)) ==
	      (LWSSS_FLAG_SOM | LWSSS_FLAG_EOM));
	if (e->heard_len + len < sizeof(e->heard)) {
		memcpy(e->heard + e->heard_len, buf, len);
		e->heard_len += len;
	}
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
end_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len,
       int *flags)
{
	end_t *e = (end_t *)userobj;

	(void)ord;
	CHECK(*len == 1380); /* lws's sink buffer */
	if (e->said || !e->say)
		return LWSSSSRET_TX_DONT_SEND;
	*len = strlen(e->say);
	memcpy(buf, e->say, *len);
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	e->said = 1;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
end_state(void *userobj, void *sh, lws_ss_constate_t state,
	  lws_ss_tx_ordinal_t ack)
{
	end_t *e = (end_t *)userobj;

	(void)sh;
	switch (state) {
	case LWSSSCS_SINK_JOIN:
		joins++;
		joined_with = e;
		CHECK(ack == 0); /* no source before this one */
		break;
	case LWSSSCS_SINK_PART:
		parts++;
		part_ack = ack;
		break;
	case LWSSSCS_CONNECTED:
		e->connected++;
		if (e->opaque_data == kSinkTag)
			sink_end = e;
		break;
	case LWSSSCS_DESTROYING:
		if (e->opaque_data == kSinkTag && e != joined_with)
			destroyed_sink_ends++;
		break;
	default:
		break;
	}
	return LWSSSSRET_OK;
}

static void
service(struct lws_context *cx, int turns)
{
	while (turns--)
		lws_service(cx, 10);
}

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_context *cx;
	struct lws_ss_handle *src = NULL, *reg = NULL;
	lws_ss_info_t ssi;
	end_t *source;

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = policy;
	cx = ss_test_create_context(&info);
	CHECK(cx != NULL);
	if (!cx)
		return 1;

	memset(&ssi, 0, sizeof ssi);
	ssi.handle_offset = offsetof(end_t, ss);
	ssi.opaque_user_data_offset = offsetof(end_t, opaque_data);
	ssi.rx = end_rx;
	ssi.tx = end_tx;
	ssi.state = end_state;
	ssi.user_alloc = sizeof(end_t);
	ssi.streamtype = "local";

	/* no sink yet: the source cannot be made */
	lws_set_log_level(0, NULL);
	CHECK(lws_ss_create(cx, 0, &ssi, (void *)kSourceTag, &src, NULL, NULL) != 0);
	CHECK(src == NULL);

	ssi.flags = LWSSSINFLAGS_REGISTER_SINK;
	CHECK(!lws_ss_create(cx, 0, &ssi, (void *)kSinkTag, &reg, NULL, NULL));
	CHECK(reg == NULL); /* registering makes no stream */
	CHECK(lws_ss_create(cx, 0, &ssi, (void *)kSinkTag, &reg, NULL, NULL) != 0);
	lws_set_log_level(LLL_ERR, NULL);

	ssi.flags = 0;
	CHECK(!lws_ss_create(cx, 0, &ssi, (void *)kSourceTag, &src, NULL, NULL));
	CHECK(src != NULL);
	source = (end_t *)lws_ss_to_user_object(src);
	CHECK(source->connected == 1);
	CHECK(joins == 1);
	/* SINK_JOIN comes with the sink's own user object, not the source's */
	CHECK(joined_with && joined_with != source && joined_with->opaque_data == kSinkTag);
	CHECK(sink_end && sink_end != joined_with && sink_end->connected == 1);
	if (!sink_end)
		return 1;

	source->say = "ping";
	CHECK(lws_ss_request_tx(src) == LWSSSSRET_OK);
	CHECK(sink_end->heard_len == 0); /* from the loop, never inline */
	service(cx, 5);
	CHECK(sink_end->heard_len == 4 && !memcmp(sink_end->heard, "ping", 4));

	sink_end->say = "pong";
	lws_ss_request_tx(sink_end->ss);
	service(cx, 5);
	CHECK(source->heard_len == 4 && !memcmp(source->heard, "pong", 4));

	lws_ss_destroy(&src);
	service(cx, 5);
	CHECK(destroyed_sink_ends == 1); /* the sink end went with its source */
	CHECK(parts == 1 && part_ack == 0);
	lws_context_destroy(cx);
	if (failed)
		fprintf(stderr, "FAILED (%d checks)\n", failed);
	return failed ? 1 : 0;
}
