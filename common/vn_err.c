#include "common/vn_err.h"

static const struct {
	const char *name;
	const char *text;
	int exit_code;
} err_table[VN_ERR__COUNT] = {
	[VN_OK] = {"ok", "success", VN_EXIT_PASSED},
	[VN_ERR_NOMEM] = {"nomem", "out of memory", VN_EXIT_SOFTWARE},
	[VN_ERR_ARG] = {"arg", "invalid argument", VN_EXIT_USAGE},
	[VN_ERR_IO] = {"io", "input/output error", VN_EXIT_NOINPUT},
	[VN_ERR_NOT_FOUND] = {"not-found", "not found", VN_EXIT_NOINPUT},
	[VN_ERR_TOO_LARGE] = {"too-large", "input exceeds its size limit", VN_EXIT_DATAERR},
	[VN_ERR_MALFORMED] = {"malformed", "malformed input", VN_EXIT_DATAERR},
	[VN_ERR_UNSUPPORTED] = {"unsupported", "unsupported input", VN_EXIT_DATAERR},
	[VN_ERR_CRYPTO] = {"crypto", "cryptographic library failure", VN_EXIT_SOFTWARE},
	[VN_ERR_UNAVAILABLE] = {"unavailable", "a needed service is unavailable", VN_EXIT_UNAVAILABLE},
	[VN_ERR_TIMEOUT] = {"timeout", "time limit exceeded", VN_EXIT_UNAVAILABLE},
	[VN_ERR_INTERNAL] = {"internal", "internal error", VN_EXIT_SOFTWARE},
};

const char *vn_err_name(vn_err e)
{
	if ((unsigned)e >= VN_ERR__COUNT)
		return "unknown";
	return err_table[e].name;
}

const char *vn_err_str(vn_err e)
{
	if ((unsigned)e >= VN_ERR__COUNT)
		return "unknown error";
	return err_table[e].text;
}

int vn_err_exit_code(vn_err e)
{
	if ((unsigned)e >= VN_ERR__COUNT)
		return VN_EXIT_SOFTWARE;
	return err_table[e].exit_code;
}
