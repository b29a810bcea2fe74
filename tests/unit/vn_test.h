/* Helpers shared by the Check suites. */
#ifndef VN_TEST_H
#define VN_TEST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The project root (VN_SRCDIR, set by the GNUmakefile), or ".". */
static inline const char *vn_test_srcdir(void)
{
	const char *s = getenv("VN_SRCDIR");
	return s && *s ? s : ".";
}

/* Path of a file under ../shared/corpus, in buf; NULL when the corpus is
 * absent (the caller then skips, saying so). */
static inline const char *vn_test_corpus(const char *rel, char *buf, size_t n)
{
	int k = snprintf(buf, n, "%s/../shared/corpus/%s", vn_test_srcdir(), rel);

	if (k < 0 || (size_t)k >= n)
		return NULL;	/* a path that does not fit is not there */
	return access(buf, R_OK) == 0 ? buf : NULL;
}

#define VN_SKIP_NO_CORPUS(p, rel)                                                 \
	do {                                                                      \
		if ((p) == NULL) {                                                \
			fprintf(stderr, "SKIP: ../shared/corpus/%s is absent\n", rel); \
			return;                                                   \
		}                                                                 \
	} while (0)

/* Run one suite, print Check's summary, return the process exit status. */
static inline int vn_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
