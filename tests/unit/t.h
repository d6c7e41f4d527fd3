/* t.h: a minimal data-driven unit test harness printing "N passed, N failed". */
#ifndef TESTS_T_H
#define TESTS_T_H

#include <stdio.h>
#include <string.h>

static int t_passed, t_failed;
static const char *t_case = "";

/* Name the case the following checks belong to. */
#define T_CASE(name) (t_case = (name))

#define T_CHECK(cond, ...)                                                     \
	do {                                                                   \
		if (cond) {                                                    \
			t_passed++;                                            \
		} else {                                                       \
			t_failed++;                                            \
			fprintf(stderr, "FAIL %s:%d [%s]: %s: ", __FILE__,    \
			    __LINE__, t_case, #cond);                          \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

/* Compare a produced string with the expected one. */
#define T_STREQ(got, got_len, want)                                            \
	T_CHECK((got_len) == strlen(want) && memcmp((got), (want), (got_len)) == 0, \
	    "got \"%.*s\", want \"%s\"", (int)(got_len), (const char *)(got), (want))

/* Print the closing line and return the exit code for main(). */
static inline int
t_done(void)
{
	printf("%d passed, %d failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}

#endif
