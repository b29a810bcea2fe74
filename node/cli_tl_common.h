/* Helpers shared by the `valnode tl` subcommands. */
#ifndef VN_CLI_TL_COMMON_H
#define VN_CLI_TL_COMMON_H

#include <libxml/tree.h>

#include "common/vn_buf.h"
#include "trustlists/tl_model.h"

/* Read FILE, parse it as XML (locked down) and as a trusted list. On
 * success returns 0 and the caller owns raw (vn_buf_free), *doc
 * (xmlFreeDoc) and *list (tl_list_free); otherwise prints a clear message
 * and returns the exit status (65 not XML / not a list, 66 missing). */
int vn_cli_tl_load(const char *path, vn_buf *raw, xmlDocPtr *doc, tl_list **list);

#endif
