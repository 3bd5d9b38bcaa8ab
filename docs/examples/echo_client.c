#include <libwebsockets.h>

static int interrupted;

typedef struct myss {
	struct lws_ss_handle *ss;
	void *opaque_data;
	int sent;
} myss_t;

static lws_ss_state_return_t
myss_rx(void *userobj, const uint8_t *buf, size_t len, int flags)
{
	lwsl_user("rx %zu bytes\n", len);
	interrupted = 1;
	return LWSSSSRET_DESTROY_ME;      /* safe: takes effect after we return */
}

static lws_ss_state_return_t
myss_tx(void *userobj, lws_ss_tx_ordinal_t ord, uint8_t *buf, size_t *len, int *flags)
{
	myss_t *m = (myss_t *)userobj;

	if (m->sent)
		return LWSSSSRET_TX_DONT_SEND;
	memcpy(buf, "hello", 5);
	*len = 5;
	*flags = LWSSS_FLAG_SOM | LWSSS_FLAG_EOM;
	m->sent = 1;
	return LWSSSSRET_OK;
}

static lws_ss_state_return_t
myss_state(void *userobj, void *h_src, lws_ss_constate_t state, lws_ss_tx_ordinal_t ack)
{
	myss_t *m = (myss_t *)userobj;

	lwsl_user("%s\n", lws_ss_state_name(state));
	switch (state) {
	case LWSSSCS_CREATING:
		lws_ss_start_timeout(m->ss, LWSSS_TIMEOUT_FROM_POLICY);
		return lws_ss_request_tx(m->ss);
	case LWSSSCS_ALL_RETRIES_FAILED:
	case LWSSSCS_TIMEOUT:
		interrupted = 1;
		return LWSSSSRET_DESTROY_ME;
	default:
		return LWSSSSRET_OK;
	}
}

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct lws_ss_handle *h;
	lws_ss_info_t ssi;
	int n = 0;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = "policy.json";    /* a path, or JSON text starting with '{' */
	context = lws_create_context(&info);       /* posix backend */
	if (!context)
		return 1;

	memset(&ssi, 0, sizeof ssi);
	ssi.streamtype = "echo";
	ssi.user_alloc = sizeof(myss_t);
	ssi.handle_offset = offsetof(myss_t, ss);
	ssi.opaque_user_data_offset = offsetof(myss_t, opaque_data);
	ssi.rx = myss_rx;
	ssi.tx = myss_tx;
	ssi.state = myss_state;
	if (lws_ss_create(context, 0, &ssi, NULL, &h, NULL, NULL))
		return 1;

	while (n >= 0 && !interrupted)
		n = lws_service(context, 0);

	lws_context_destroy(context);
	return 0;
}
