/*
 * Rideshare from C through the SS proxy, in the simulator: a client built
 * as lws SSPC builds are (LWS_SS_USE_SSPC, lws_ss_* names, no policy)
 * against the simulated proxy of tests/capi/sspc_bed.h, whose policy has
 * "up" riding on with "audio" and "tail" (tests/capi/rideshare_user.h does
 * the user's side and its checks).
 *
 * Checks: lws_ss_rideshare() (lws_sspc_rideshare) names each part during
 * tx() and "tail" during the response's rx(), exactly as a direct stream
 * does (no lag from the CREATE_RESULT list); the server saw one POST with
 * the three parts in chain order; no simulator violation.
 */
#define LWS_SS_USE_SSPC
#include <libwebsockets.h>

#include <stdio.h>
#include <stdlib.h>

#include "tests/capi/sspc_bed.h"
#include "tests/capi/rideshare_user.h"

int main(int argc, const char **argv)
{
	struct lws_context_creation_info info;
	struct sspc_bed *bed = sspc_bed_create(7);
	struct capi_part part;
	size_t k;
	int count;

	rideshare_init();
	lws_context_info_defaults(&info, NULL);
	lws_cmdline_option_handle_builtin(argc, argv, &info);
	if (!bed || sspc_bed_start_proxy(bed))
		return 1;
	if (rideshare_run(sspc_bed_context(bed, &info)))
		return 1;

	rideshare_check("stored");
	RIDESHARE_CHECK(sspc_bed_requests(bed) == 1);
	for (k = 0; k < RIDESHARE_PARTS; k++) {
		count = sspc_bed_part(bed, 0, k, &part);
		rideshare_check_part(count, k, &part);
	}
	RIDESHARE_CHECK(sspc_bed_violations(bed) == 0);
	sspc_bed_destroy(bed);

	if (rideshare_fail_line) {
		fprintf(stderr, "FAIL at line %d\n", rideshare_fail_line);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
