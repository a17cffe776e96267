/* SPDX-License-Identifier: Apache-2.0 */
/* The caller's stdio devices, out of the runtime's reach.
 *
 * crun (until its "never chown devices" fix, PR #1847) fchown()s the stdio
 * fds that are not terminals to the container's user, from outside the user
 * namespace: the host's /dev/null given as stdin (conmon does) would become
 * the container's, which could then chmod it.  So, just before the runtime
 * is exec'd, each of fds 0, 1 and 2 that is a character or block device but
 * not a terminal is replaced by an open of a private node of the same
 * device (type, number, owner, mode and open flags), made on a tmpfs that is
 * mounted nowhere (a detached mount of the new mount API): whatever the
 * runtime changes is hardshim's node, never the host's.  Nothing is left on
 * the host; the tmpfs goes away with the last fd open on it.  Pipes, files
 * and terminals stay as they are (three fstat calls); a closed fd too.
 *
 * (Not shim/stdio.h: with -I shim that would hide the C library's.) */
#ifndef HS_STDIO_PROTECT_H
#define HS_STDIO_PROTECT_H

#include "base/error.h"

int hs_stdio_protect (hs_error *err);

#endif
