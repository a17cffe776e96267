/* SPDX-License-Identifier: Apache-2.0 */
/* The default seccomp profile (profiles/seccomp/default.json) compiled into
 * hardshim: its bytes and the profile hs_scmp_parse makes of them, as C data
 * written by `make seccomp-builtin` (shim/seccomp/seccomp_builtin_gen.c).
 *
 * hs_scmp_load uses it only for a file whose bytes are exactly these: the
 * file is still read with every check (hs_file_read_trusted), only the
 * parse is skipped (hs_scmp_builtin_profile builds the profile from these
 * tables).  test_seccomp parses the bytes and compares, field by field,
 * with the compiled profile, and checks that the bytes are those of the
 * profile in the tree (else: run `make seccomp-builtin`).
 *
 * The tables hold no pointer (strings are offsets into one array): a
 * position-independent hardshim relocates nothing of them when it starts,
 * so commands that only pass through do not pay for them. */
#ifndef HS_SECCOMP_BUILTIN_H
#define HS_SECCOMP_BUILTIN_H

#include "seccomp/seccomp_profile.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strings are offsets into hs_scmp_builtin_strings; lists are runs of
 * hs_scmp_builtin_lists (offsets of strings). */
typedef struct hs_scmp_builtin_rule
{
  uint32_t name, action;
  bool has_errno;
  uint32_t errno_ret;
  uint32_t nargs;
  hs_scmp_arg args[HS_SCMP_MAX_ARGS];
  uint32_t include, ninclude, exclude, nexclude;
} hs_scmp_builtin_rule;

typedef struct hs_scmp_builtin_head
{
  uint32_t default_action;
  bool has_default_errno;
  uint32_t default_errno;
  uint32_t arches, narches, flags, nflags, split, nsplit;
  uint32_t nrules;
} hs_scmp_builtin_head;

extern const char hs_scmp_builtin_text[];
extern const size_t hs_scmp_builtin_len;
extern const char hs_scmp_builtin_strings[];
extern const size_t hs_scmp_builtin_strings_len;
extern const uint32_t hs_scmp_builtin_lists[];
extern const hs_scmp_builtin_rule hs_scmp_builtin_rules[];
extern const hs_scmp_builtin_head hs_scmp_builtin_head_;

#endif
