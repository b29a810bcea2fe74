/* `valnode serve`: the node. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/vn_log.h"
#include "node/cli.h"
#include "node/cli_srv.h"
#include "node/srv.h"

static const char serve_help[] =
	"usage: valnode serve [--config FILE]\n"
	"\n"
	"Run the validation node: an HTTP API (interop/openapi.yaml) on the address the\n"
	"configuration names, with the trusted lists of its schemes refreshed in the\n"
	"background. Every response is signed by the node's Ed25519 key (RFC 9421,\n"
	"with an RFC 9530 Content-Digest); the key is made at first start, mode 0600.\n"
	"\n"
	"  --config FILE  the configuration (default: ./valnode.conf); the format is\n"
	"                 documented in interop/node.conf.example\n"
	"\n"
	"signals: SIGHUP reads the configuration again and refreshes the lists;\n"
	"SIGTERM (or SIGINT) stops accepting, lets requests in flight finish, exits 0.\n"
	"\n"
	"exit status: 0 stopped by a signal, 64 usage, 65 bad configuration,\n"
	"66 configuration missing, 69 cannot listen, 70 internal error.\n";

int vn_cli_serve(int argc, char **argv)
{
	const char *path = "valnode.conf";
	srv_conf conf;
	srv *s = NULL;
	sigset_t set;
	char why[512] = "";
	int i, sig, rc = 0;
	vn_err e;

	for (i = 1; i < argc; i++) {
		if (vn_cli_is_help(argv[i])) {
			fputs(serve_help, stdout);
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else {
			return vn_cli_usage_error("serve", "unknown argument '%s'", argv[i]);
		}
	}
	/* Signals go to the main thread only (sigwait below): block them
	 * before any thread starts, so every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	srv_conf_init(&conf);
	e = srv_conf_load(path, &conf, why, sizeof why);
	if (e != VN_OK) {
		fprintf(stderr, "valnode serve: %s\n", why[0] ? why : vn_err_str(e));
		srv_conf_free(&conf);
		return vn_err_exit_code(e);
	}
	vn_log_setup(conf.log_level, conf.log_format);
	e = srv_new(&conf, &s, why, sizeof why);
	if (e != VN_OK) {
		fprintf(stderr, "valnode serve: %s\n", why[0] ? why : vn_err_str(e));
		return e == VN_ERR_ARG ? VN_EXIT_USAGE : vn_err_exit_code(e);
	}
	e = srv_start(s, why, sizeof why);
	if (e != VN_OK) {
		fprintf(stderr, "valnode serve: %s\n", why[0] ? why : vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			vn_info("SIGHUP: reloading");
			srv_reload(s);
			continue;
		}
		vn_info("%s: draining requests in flight, then stopping",
			sig == SIGTERM ? "SIGTERM" : "SIGINT");
		{
			srv_settings *st = srv_settings_acquire(s);
			unsigned grace = st->conf.request_time + 5;
			srv_settings_release(st);
			srv_stop(s, grace);
		}
		break;
	}
	vn_info("stopped");
out:
	srv_free(s);
	return rc;
}
