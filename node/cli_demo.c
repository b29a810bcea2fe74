/* valnode demo: the demo federation, made once and served (DESIGN.md "Demo
 * federation"): the same as `make run`. The federation is made by the
 * project's generator (interop/demo/generate: openssl, and two small C
 * producers it compiles), so the command runs from a checkout's build
 * directory, where it finds the generator beside the binary's tree. */
#define _POSIX_C_SOURCE 200809L
#include "node/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/vn_err.h"

static const char demo_help[] =
	"usage: valnode demo [--port PORT] [--host ADDR]\n"
	"\n"
	"Make the demo federation (once, offline: a fictional but complete set of\n"
	"national PKIs, OCSP responders, time-stamping units, signed trusted lists\n"
	"and lists of lists for the GUAM and Silk Road partners and a demo EU list,\n"
	"with sample signatures of every format), start its OCSP responders on\n"
	"127.0.0.1, and serve it with `valnode serve` on http://127.0.0.1:8080 until\n"
	"Ctrl-C. Three commands to try are printed once the node is ready. This is\n"
	"what `make run` does; the federation lives in the build directory's demo/.\n"
	"\n"
	"options:\n"
	"  --port PORT   listen on this port (default 8080)\n"
	"  --host ADDR   listen on this address (default 127.0.0.1)\n"
	"\n"
	"It needs the source tree the binary was built in (interop/demo and\n"
	"scripts/run-demo beside its build directory), openssl, cc and curl.\n"
	"\n"
	"exit status: 0 stopped by Ctrl-C, 64 usage, 69 the source tree or a tool\n"
	"is missing, 70 the node did not start.\n";

/* The checkout the binary was built in: <root>/<build>/valnode with
 * <root>/scripts/run-demo. Fills root and build; 0 when found. */
static int find_tree(char *root, size_t rn, char *build, size_t bn)
{
	char exe[PATH_MAX], cand[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;
	int up;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(build, bn, "%s", exe) >= bn)
		return -1;
	/* build/valnode or build/asan/valnode */
	for (up = 1; up <= 2; up++) {
		if ((slash = strrchr(exe, '/')) == NULL)
			return -1;
		*slash = '\0';
		snprintf(cand, sizeof cand, "%s/scripts/run-demo", exe);
		if (access(cand, R_OK) == 0 && (size_t)snprintf(root, rn, "%s", exe) < rn)
			return 0;
	}
	return -1;
}

static int port_ok(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && *s != '\0' && *end == '\0' && v > 0 && v < 65536;
}

int vn_cli_demo(int argc, char **argv)
{
	char root[PATH_MAX], build[PATH_MAX], script[PATH_MAX + 32];
	const char *port = NULL, *host = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (vn_cli_is_help(argv[i])) {
			fputs(demo_help, stdout);
			return 0;
		} else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			port = argv[++i];
			if (!port_ok(port))
				return vn_cli_usage_error("demo", "--port %s: not a port number", port);
		} else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc) {
			host = argv[++i];
		} else {
			return vn_cli_usage_error("demo", "unknown argument '%s'", argv[i]);
		}
	}
	if (find_tree(root, sizeof root, build, sizeof build) != 0) {
		fprintf(stderr, "valnode demo: the demo needs the source tree this binary was built "
				"in (interop/demo, scripts/run-demo); run it from a checkout's build "
				"directory, or `make run` there\n");
		return VN_EXIT_UNAVAILABLE;
	}
	if ((port != NULL && setenv("PORT", port, 1) != 0) ||
	    (host != NULL && setenv("HOST", host, 1) != 0)) {
		fprintf(stderr, "valnode demo: out of memory\n");
		return VN_EXIT_SOFTWARE;
	}
	snprintf(script, sizeof script, "%s/scripts/run-demo", root);
	fflush(NULL);
	execl("/bin/sh", "sh", script, build, (char *)NULL);
	fprintf(stderr, "valnode demo: cannot run %s: %s\n", script, strerror(errno));
	return VN_EXIT_UNAVAILABLE;
}
