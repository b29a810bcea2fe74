/* valnode policy: lint and show jurisdiction policies. */
#ifndef CLI_POLICY_H
#define CLI_POLICY_H

int vn_cli_policy(int argc, char **argv);

#endif
