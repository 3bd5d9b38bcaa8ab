/* docs/api.md, "Streams in an SS proxy": a client whose lws_ss_* calls run
 * each stream in an SS proxy (LWS_SS_USE_SSPC). */
#define LWS_SS_USE_SSPC
#include <libwebsockets.h>

static lws_ss_state_return_t
cb_state(void *userobj, void *h_src, lws_ss_constate_t state, lws_ss_tx_ordinal_t ack)
{
	return LWSSSSRET_OK;
}

int main(void)
{
	struct lws_context_creation_info info = {
		.protocols = lws_sspc_protocols,   /* accepted; nothing to add here */
		.ss_proxy_bind = "+@proxy.ss.lws", /* the default; or ss_proxy_port + ss_proxy_address for TCP */
	};
	lws_ss_info_t ssi = { .streamtype = "echo", .state = cb_state };
	struct lws_context *context = lws_create_context(&info); /* no policy needed */
	struct lws_ss_handle *h;

	if (!context)
		return 1;
	/* The stream is created in the proxy; its state callback says how it goes. */
	if (lws_ss_create(context, 0, &ssi, NULL, &h, NULL, NULL))
		lwsl_err("%s: could not create the stream\n", __func__);
	lws_context_destroy(context);
	return 0;
}
