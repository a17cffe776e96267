/* SPDX-License-Identifier: Apache-2.0 */
/* Running a program to its end and reading what it prints: the AppArmor
 * parser, and the runtime's `state` for exec (container.h).  The child gets
 * /dev/null as stdin, its signal mask and SIGPIPE reset, and an absolute
 * path: never a shell, never a PATH lookup. */
#ifndef HS_SPAWN_H
#define HS_SPAWN_H

#include "base/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct hs_spawn_output
{
  int status; /* as from waitpid */
  char *out;  /* the first cap bytes of what it printed, NUL-terminated */
  size_t len;
  bool truncated; /* it printed more than cap bytes (the rest was read and dropped) */
} hs_spawn_output;

/* Run path with argv and envp (NULL: hardshim's environment) and wait for
 * it.  Its stdout is captured, and its stderr too when merge_stderr (else
 * the child writes to hardshim's stderr).  -errno when it cannot be
 * started (execve's errno included); its exit status is the caller's to
 * judge. */
int hs_spawn_capture (const char *path, char *const argv[], char *const envp[], bool merge_stderr, size_t cap,
                      hs_spawn_output *ret, hs_error *err);
void hs_spawn_output_release (hs_spawn_output *o);
#define _cleanup_spawn_output_ _cleanup_ (hs_spawn_output_release)

/* "exit status N" or "killed by signal N", into buf. */
void hs_spawn_describe (int status, char *buf, size_t len);

#endif
