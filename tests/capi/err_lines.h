/* The lwsl_err lines of a C test program, for checks that a call was
 * refused with a reason: the program's log emit function passes every
 * line to note_log_line(), and refused(rc, what) then says whether the
 * call failed (rc != 0) with exactly one error line since the last
 * refused(), containing `what`. Textual: include it once, in the
 * program's .c file. */
#ifndef TESTS_CAPI_ERR_LINES_H
#define TESTS_CAPI_ERR_LINES_H

#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>

static char last_err[512];
static int err_lines;

static void
note_log_line(int level, const char *line)
{
	if (level != LLL_ERR)
		return;
	err_lines++;
	snprintf(last_err, sizeof last_err, "%s", line);
}

static int
refused(int rc, const char *what)
{
	int lines = err_lines;

	err_lines = 0;
	if (!rc || lines != 1 || !strstr(last_err, what)) {
		fprintf(stderr, "  rc %d, %d error lines, last: %s\n", rc, lines,
			last_err);
		return 0;
	}
	return 1;
}

#endif
