#include "node/cli.h"

int main(int argc, char **argv)
{
	return vn_cli_main(argc, argv);
}
