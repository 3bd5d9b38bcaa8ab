/* docs/api.md, "Streams in an SS proxy": a client whose lws_ss_* calls run
 * each stream in an SS proxy (LWS_SS_USE_SSPC). */
#define LWS_SS_USE_SSPC
#include <libwebsockets.h>
#include <string.h>

static lws_ss_state_return_t
cb_state(void *userobj, void *h_src, lws_ss_constate_t state, lws_ss_tx_ordinal_t ack)
{
	return LWSSSSRET_OK;
}

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct lws_ss_handle *h;
	lws_ss_info_t ssi;

	memset(&info, 0, sizeof info);
	memset(&ssi, 0, sizeof ssi);
	ssi.streamtype = "echo";
	ssi.state = cb_state;
	info.protocols = lws_sspc_protocols;   /* accepted; nothing to add here */
	info.ss_proxy_bind = "+@proxy.ss.lws"; /* the default; or ss_proxy_port + ss_proxy_address for TCP */
	context = lws_create_context(&info);   /* no policy needed */
	lws_ss_create(context, 0, &ssi, NULL, &h, NULL, NULL);
	if (!context)                          /* lws_ss_create refused a NULL context */
		return 1;
	lws_context_destroy(context);
	return 0;
}
