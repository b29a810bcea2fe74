#include "node/cli.h"
#include "node/cli_policy.h"
#include "node/cli_srv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/vn_err.h"

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("valnode %s\n", VN_VERSION);
	return 0;
}

static const vn_cli_cmd commands[] = {
	{"tl", vn_cli_tl, "trusted lists: verify, show, walk, build, sign, lint"},

	{"demo", vn_cli_demo, "make the demo federation and serve it on 127.0.0.1:8080 (make run)"},
	{"policy", vn_cli_policy, "jurisdiction policies: lint a policy file, show the policies"},
	{"serve", vn_cli_serve, "run the validation node (HTTP API, signed responses)"},
	{"validate", vn_cli_validate, "validate a signature (raw Mobile-ID, CAdES, XAdES, ASiC) against trusted lists"},
	{"verify-response", vn_cli_verify_response, "check a node's signed HTTP response"},
	{"version", cmd_version, "print the version"},
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"valnode %s: cross-border signature validation node\n"
		"\n"
		"usage: valnode COMMAND [ARGS...]\n"
		"       valnode COMMAND --help   explains one command\n"
		"\n"
		"commands:\n",
		VN_VERSION);
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"exit status: 0 passed / list valid, 1 failed / list invalid,\n"
		"2 indeterminate, 64 usage error, 65 malformed input, 66 missing input,\n"
		"69 a needed service unavailable, 70 internal error.\n");
}

int vn_cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 ||
	       strcmp(arg, "help") == 0;
}

int vn_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "valnode %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(try: valnode %s --help)\n", cmd);
	return VN_EXIT_USAGE;
}

int vn_cli_main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return VN_EXIT_USAGE;
	}
	if (vn_cli_is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1);
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "valnode: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return VN_EXIT_USAGE;
}
