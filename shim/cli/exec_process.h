/* SPDX-License-Identifier: Apache-2.0 */
/* exec without --process: the process `runc exec` would build from its
 * options, written where the runtime reads a --process file.
 *
 * runc takes the bundle's process and applies the options to it (args
 * after the id, --cwd, --env appended, --tty (else no terminal), --user
 * uid[:gid], --additional-gids appended, --cap added to the bounding,
 * effective and permitted sets (and ambient when the process has an
 * inheritable set), --apparmor, --process-label, --no-new-privs).
 * hardshim builds the same process, hardens it like a process file, and
 * hands it to the runtime as `--process /proc/self/fd/N`, so that runc and
 * crun run the same hardened process whatever their own rules for these
 * options. */
#ifndef HS_EXEC_PROCESS_H
#define HS_EXEC_PROCESS_H

#include "cli/cli.h"
#include "base/error.h"
#include "spec/json.h"

/* A new process: a copy of container_process (the bundle's) with cli's
 * exec options and the command after the id (argv) applied. */
int hs_exec_process_build (hs_json container_process, const hs_cli *cli, int argc, char *const *argv, hs_json *ret,
                           hs_error *err);

/* process written to a sealed memory file with no name (no write, grow,
 * shrink or further seal), as a descriptor that is inherited by the
 * runtime and is not one it passes to the process: at least 3 +
 * $LISTEN_FDS + --preserve-fds.  *ret_fd is open without FD_CLOEXEC; the
 * runtime reads it as /proc/self/fd/N.  Every exec goes this way, also
 * one with a --process file: the runtime never re-reads a path someone
 * else (the container, through a volume) could replace. */
int hs_exec_process_fd (hs_json process, const hs_cli *cli, int *ret_fd, hs_error *err);

/* The descriptor a --process path names as a shell's process
 * substitution writes it: /dev/fd/N, /proc/self/fd/N or /proc/PID/fd/N
 * with hardshim's own pid (the runtime, exec'd in its place, has the same
 * pid and descriptors).  -ENOENT when path is none of these spellings,
 * -EBADF when N is no descriptor hardshim inherited. */
int hs_exec_process_named_fd (const char *path);

#endif
