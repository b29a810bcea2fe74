/* valnode: internals of the ASiC container layer, for the unit tests. */
#ifndef V_ASIC_INT_H
#define V_ASIC_INT_H

#include "node/v_asic.h"

/* Uncompressed sizes from which the compression ratio cap applies: a small
 * entry of repeated bytes legitimately compresses far better than 1:100. */
#define V_ASIC_RATIO_FLOOR ((size_t)1 << 20)

/* 1 when name is a safe ZIP entry name: not empty, shorter than
 * V_DOCNAME_MAX, relative (no leading '/', no drive letter), no '\\', no
 * control character, no "." or ".." component, no empty component (a
 * trailing '/' marks a directory). */
int v_asic_name_safe(const char *name) VN_NONNULL(1);

/* EN 319 162-1 coverage, from c->files and each signature's covered names:
 * a data file no signature covers (and no valid ASiC-S timestamp) is the
 * container finding V_ASIC_FILE_NOT_COVERED; a signature that leaves a data
 * file out gets V_ASIC_SIG_PARTIAL_COVERAGE. Warnings, not failures (DSS
 * "all files signed" is WARN by default). */
vn_err v_asic_coverage(v_container *c) VN_WUR VN_NONNULL(1);

#endif
