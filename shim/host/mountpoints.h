/* SPDX-License-Identifier: Apache-2.0 */
/* Mount points created in the rootfs before the runtime starts.
 *
 * The runtime creates a missing mount point (podman's /etc/hostname, a
 * volume's directory) in the rootfs, but inside the user namespace its
 * mapped root may not write to a rootfs owned by host root (the plain-bind
 * rootfs bridge on overlayfs).  So hardshim creates them first, as the
 * runtime would: a file for a bind mount of a file, a directory otherwise,
 * parents as directories (0755).  Paths resolve inside the rootfs
 * (RESOLVE_IN_ROOT), so a symbolic link in the image cannot send a creation
 * outside it. */
#ifndef HS_MOUNTPOINTS_H
#define HS_MOUNTPOINTS_H

#include "base/error.h"
#include "spec/json.h"
#include "policy/policy.h"

/* rootfs: the rootfs directory on the host; bundle: where relative mount
 * sources are.  *ret gets the destinations created (caller releases). */
int hs_mountpoints_create (hs_json spec, const char *rootfs, const char *bundle, hs_strv *ret, hs_error *err);

#endif
