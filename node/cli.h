/* valnode: the command-line front end. */
#ifndef VN_CLI_H
#define VN_CLI_H

typedef struct vn_cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);	/* argv[0] is the command name */
	const char *summary;
} vn_cli_cmd;

int vn_cli_main(int argc, char **argv);

/* `valnode tl ...` and its subcommands (argv[0] is the subcommand name). */
int vn_cli_tl(int argc, char **argv);
int vn_cli_tl_verify(int argc, char **argv);
int vn_cli_tl_show(int argc, char **argv);
int vn_cli_tl_walk(int argc, char **argv);
int vn_cli_tl_build(int argc, char **argv);
int vn_cli_tl_sign(int argc, char **argv);
int vn_cli_tl_lint(int argc, char **argv);
/* `valnode validate` */
int vn_cli_validate(int argc, char **argv);
int vn_cli_demo(int argc, char **argv);

/* Shared helpers for subcommands. */
/* Print "valnode: msg" to stderr and return VN_EXIT_USAGE. */
int vn_cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Whether argv[i] is --help or -h. */
int vn_cli_is_help(const char *arg);

#endif
