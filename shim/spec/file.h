/* SPDX-License-Identifier: Apache-2.0 */
/* Reading whole files: regular files only, with a size cap; the files
 * hardshim trusts only when only root can have written them. */
#ifndef HS_FILE_H
#define HS_FILE_H

#include "base/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Open name relative to dirfd (AT_FDCWD for a plain path), refuse anything
 * but a regular file of at most max bytes, and read it whole into a
 * NUL-terminated buffer.  With nofollow a symbolic link is refused.  shown
 * names the file in messages, e.g. "policy `/etc/x.json`".  Returns -errno
 * (-ENOENT when it does not exist). */
int hs_file_read_regular (int dirfd, const char *name, const char *shown, bool nofollow, size_t max, char **ret,
                          size_t *ret_len, struct stat *ret_st, hs_error *err);

/* What hardshim trusts (its policy, the profiles and helper the policy
 * names, the subordinate id files) must be what root put there, as sshd's
 * StrictModes demands: a regular file only root can change, with the bits
 * of need set in its mode (e.g. S_IXOTH), in directories only root can
 * change (hs_trust_path: as spelled and as resolved; sticky ones such as
 * /tmp count).  -EPERM naming the file or directory with its owner and
 * mode; -errno (-ENOENT) when path cannot be resolved.  *ret_real, if not
 * NULL: path resolved. */
int hs_file_check_trusted (const char *path, mode_t need, const char *shown, char **ret_real, hs_error *err);
/* hs_file_check_trusted, then hs_file_read_regular of the file it checked. */
int hs_file_read_trusted (const char *path, const char *shown, size_t max, char **ret, size_t *ret_len, hs_error *err);

/* How long hs_file_read_fd waits for a pipe's writer to finish. */
#define HS_FILE_PIPE_TIMEOUT_MS 30000

/* What the open descriptor fd holds, as a program reads it by opening
 * /proc/self/fd/N: a regular file whole from its start (fd's offset is
 * left alone), or a pipe until its writer closes it (at most
 * HS_FILE_PIPE_TIMEOUT_MS; then -ETIMEDOUT).  Anything else is refused. */
int hs_file_read_fd (int fd, const char *shown, size_t max, char **ret, size_t *ret_len, struct stat *ret_st,
                     hs_error *err);

#endif
