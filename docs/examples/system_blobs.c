/* docs/api.md, "System blobs": setting the auth token and the device serial
 * on a context (the policy's http_auth_header / http_dsn_header send them). */
#include <libwebsockets.h>
#include <string.h>

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	const char *token = "Bearer 123";

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.pss_policies_json = "{\"release\":\"1\",\"product\":\"demo\",\"schema-version\":1,"
		"\"retry\":[{\"default\":{\"backoff\":[1000],\"conceal\":1,\"jitterpc\":0}}],"
		"\"s\":[{\"echo\":{\"endpoint\":\"127.0.0.1\",\"port\":7681,\"protocol\":\"raw\",\"retry\":\"default\"}}]}";
	context = lws_create_context(&info);
	if (!context)
		return 1;

	lws_system_blob_t *b = lws_system_get_blob(context, LWS_SYSBLOB_TYPE_AUTH, 0);
	lws_system_blob_direct_set(b, (const uint8_t *)token, strlen(token));
	lws_system_blob_heap_append(lws_system_get_blob(context,
			LWS_SYSBLOB_TYPE_DEVICE_SERIAL, 0), (const uint8_t *)"SN-1", 4);

	lws_context_destroy(context);
	return 0;
}
