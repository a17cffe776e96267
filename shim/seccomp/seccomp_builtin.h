/* SPDX-License-Identifier: Apache-2.0 */
/* The default seccomp profile (profiles/seccomp/default.json) compiled into
 * hardshim: its bytes and the profile hs_scmp_parse makes of them, as C data
 * written by `make seccomp-builtin` (shim/seccomp/seccomp_builtin_gen.c).
 *
 * hs_scmp_load uses it only for a file whose bytes are exactly these: the
 * file is still read with every check (hs_file_read_trusted), only the
 * parse is skipped.  test_seccomp parses the bytes and compares, field by
 * field, with the compiled profile, and checks that the bytes are those of
 * the profile in the tree (else: run `make seccomp-builtin`). */
#ifndef HS_SECCOMP_BUILTIN_H
#define HS_SECCOMP_BUILTIN_H

#include "seccomp/seccomp_profile.h"

#include <stddef.h>

extern const char hs_scmp_builtin_text[];
extern const size_t hs_scmp_builtin_len;
/* .builtin set; everything it points to is static. */
extern const hs_scmp_profile hs_scmp_builtin;

#endif
