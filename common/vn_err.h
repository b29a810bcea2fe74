/* valnode: error values.
 *
 * An error says that an operation could not run to its end (no memory, a file
 * that cannot be read, input that is not what it claims to be). It is never a
 * verdict: "the signature is invalid" travels in a result structure, not here.
 */
#ifndef VN_ERR_H
#define VN_ERR_H

#include <stddef.h>

#define VN_WUR __attribute__((warn_unused_result))
#define VN_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#define VN_PRINTF(f, a) __attribute__((format(printf, f, a)))

typedef enum vn_err {
	VN_OK = 0,
	VN_ERR_NOMEM,		/* allocation failed */
	VN_ERR_ARG,		/* caller passed an invalid argument */
	VN_ERR_IO,		/* a file could not be read or written */
	VN_ERR_NOT_FOUND,	/* a file or item does not exist */
	VN_ERR_TOO_LARGE,	/* an input exceeded its cap */
	VN_ERR_MALFORMED,	/* input is not well formed (not XML, bad base64, ...) */
	VN_ERR_UNSUPPORTED,	/* a well-formed input uses something we do not support */
	VN_ERR_CRYPTO,		/* the crypto library failed (not: a signature is bad) */
	VN_ERR_UNAVAILABLE,	/* a needed remote service could not be reached */
	VN_ERR_TIMEOUT,		/* a time budget ran out */
	VN_ERR_INTERNAL,	/* a bug or an unexpected state */
	VN_ERR__COUNT
} vn_err;

/* A short, stable, lower-case name ("malformed"); never NULL. */
const char *vn_err_name(vn_err e);
/* A human sentence describing the error class; never NULL. */
const char *vn_err_str(vn_err e);
/* The CLI exit status (sysexits.h style) that fits this error. */
int vn_err_exit_code(vn_err e);

/* Exit statuses of the valnode binary (DESIGN.md "Exit status"). */
enum {
	VN_EXIT_PASSED = 0,
	VN_EXIT_FAILED = 1,
	VN_EXIT_INDETERMINATE = 2,
	VN_EXIT_USAGE = 64,
	VN_EXIT_DATAERR = 65,
	VN_EXIT_NOINPUT = 66,
	VN_EXIT_UNAVAILABLE = 69,
	VN_EXIT_SOFTWARE = 70
};

#endif
