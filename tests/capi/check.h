/* CHECK(x) for the C test programs of tests/capi: a check that fails
 * prints its file, line and expression and is counted in `failed`; the
 * program goes on and its main returns non-zero when `failed` is. Textual:
 * include it once, in the program's .c file. */
#ifndef TESTS_CAPI_CHECK_H
#define TESTS_CAPI_CHECK_H

#include <stdio.h>

#define CHECK(x)                                                           \
	do {                                                               \
		if (!(x)) {                                                \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n",       \
				__FILE__, __LINE__, #x);                   \
			failed++;                                          \
		}                                                          \
	} while (0)

static int failed;

#endif
