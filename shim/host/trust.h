/* SPDX-License-Identifier: Apache-2.0 */
/* Files hardshim acts on must be ones only root can change. */
#ifndef HS_TRUST_H
#define HS_TRUST_H

#include "base/error.h"

#include <stdbool.h>
#include <sys/stat.h>

/* st is an entry only root can change: owned by root (or by the user
 * hardshim runs as: the same in production), writable by no one else
 * (no group write), or a directory with the sticky bit; ACLs: hs_trust_path. */
bool hs_trust_stat (const struct stat *st);

/* Every directory from / down to path, and path itself, is owned by root
 * and writable by no one else (no group write, no POSIX ACL).  A directory anyone
 * may write that has the sticky bit (/tmp) is accepted above an entry
 * owned by root: the sticky bit keeps others from renaming or removing
 * it.  Symbolic links in path are resolved first; what is checked is the
 * real path, and the directories of path as spelled (a link in one of
 * them would choose what is read).  what names path in the message, e.g.
 * "the bundle"; -EPERM naming the entry with its owner or mode. */
int hs_trust_path (const char *path, const char *what, hs_error *err);

/* hs_trust_path for a path already resolved: real is hs_real_path (path). */
int hs_trust_real_path (const char *path, const char *real, const char *what, hs_error *err);

/* The walks keep the directories they found only root can change open for
 * the walks after them (each checked again by its descriptor: the same
 * owner, mode and ctime).  Forget them: after entering another mount
 * namespace, whose mounts the kept descriptors would not cross. */
void hs_trust_forget (void);

#endif
