/*
 * Rideshare from C, in the simulator against the simulated httpbin
 * (tests/capi/httpbin_bed.h): streamtype "up" rides on with "audio" and
 * "tail" (tests/capi/rideshare_user.h does the user's side and its checks).
 *
 * Checks: lws_ss_rideshare() names the part tx() produces (up, then audio,
 * then tail, each until its EOM) and "tail" in the response's rx; the
 * server saw one POST whose multipart body has the three parts in chain
 * order with each streamtype's name, filename, content type and payload,
 * and the announced Content-Length; no simulator violation.
 */
#include <libwebsockets.h>

#include <stdio.h>
#include <stdlib.h>

#include "tests/capi/httpbin_bed.h"
#include "tests/capi/rideshare_user.h"

static const char *const policy =
	"{\"release\":\"1\",\"product\":\"rideshare\",\"schema-version\":1,"
	"\"retry\":[{\"default\":{\"backoff\":[100,200],\"conceal\":2}}],"
	"\"s\":["
	"{\"up\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_method\":\"POST\",\"http_url\":\"post\",\"retry\":\"default\","
	"\"opportunistic\":true,\"rideshare\":\"audio\","
	"\"http_multipart_name\":\"meta\",\"http_multipart_filename\":\"meta.json\","
	"\"http_mime_content_type\":\"application/json\"}},"
	"{\"audio\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"rideshare\":\"tail\",\"http_multipart_name\":\"audio\","
	"\"http_multipart_filename\":\"a.raw\","
	"\"http_mime_content_type\":\"application/octet-stream\"}},"
	"{\"tail\":{\"endpoint\":\"httpbin\",\"port\":80,\"protocol\":\"h1\","
	"\"http_multipart_name\":\"tail\",\"http_mime_content_type\":\"text/plain\"}}"
	"]}";

int main(int argc, const char **argv)
{
	struct lws_context_creation_info info;
	struct capi_bed *bed = capi_bed_create(5);
	struct capi_part part;
	size_t k, body_len = 0;
	char clen[24];
	const char *h;
	int count;

	rideshare_init();
	lws_context_info_defaults(&info, policy);
	lws_cmdline_option_handle_builtin(argc, argv, &info);
	if (!bed)
		return 1;
	if (rideshare_run(capi_bed_context(bed, &info)))
		return 1;

	rideshare_check("{\"ok\":true}");
	RIDESHARE_CHECK(capi_bed_requests(bed) == 1);
	for (k = 0; k < RIDESHARE_PARTS; k++) {
		count = capi_bed_part(bed, 0, k, &part);
		rideshare_check_part(count, k, &part);
	}
	RIDESHARE_CHECK(capi_bed_body(bed, 0, &body_len) != NULL);
	snprintf(clen, sizeof clen, "%zu", body_len);
	h = capi_bed_header(bed, 0, "content-length");
	RIDESHARE_CHECK(h && !strcmp(h, clen));
	RIDESHARE_CHECK(capi_bed_violations(bed) == 0);
	capi_bed_destroy(bed);

	if (rideshare_fail_line) {
		fprintf(stderr, "FAIL at line %d\n", rideshare_fail_line);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
