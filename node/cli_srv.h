/* valnode: the node's subcommands (registered in node/cli.c). */
#ifndef CLI_SRV_H
#define CLI_SRV_H

/* `valnode serve [--config FILE]` */
int vn_cli_serve(int argc, char **argv);
/* `valnode verify-response FILE (--key B64 | --key-file FILE)` */
int vn_cli_verify_response(int argc, char **argv);

#endif
