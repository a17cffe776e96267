/* SPDX-License-Identifier: Apache-2.0 */
/* Device nodes inside a user namespace.
 *
 * A runtime starting a container in a user namespace cannot mknod, so it
 * bind-mounts each /linux/devices entry from the host path of the same
 * name: a device whose container path does not exist on the host (docker
 * `--device /dev/sda:/dev/xvda`) fails the create, and the ones that exist
 * keep the host's owner and mode instead of the spec's.
 *
 * So the user measure turns each entry of a container it maps into a bind
 * mount whose source is a node hardshim creates: HS_DEVICES_DIR/NAME, where
 * NAME encodes the node (type, major, minor, mode, container uid and gid),
 * so a spec hardshim wrote starts again.  Such a source is acted on only in
 * hardshim's own output, proved by its seal (seal.h); in any other spec it
 * is refused (own_dirs.h).  hs_devices_create makes the nodes
 * on a tmpfs mounted at HS_DEVICES_DIR in the rootfs bridge's private mount
 * namespace (bridge.h): owned by the container ids' host ids, with the
 * spec's mode, and never visible on the host. */
#ifndef HS_DEVICES_H
#define HS_DEVICES_H

#include "base/error.h"
#include "spec/json.h"

#include <stdint.h>
#include <sys/types.h>

typedef struct hs_devnode
{
  char type; /* 'c', 'b' or 'p' ('u' is written as 'c') */
  uint32_t major, minor;
  mode_t mode;       /* permission bits */
  uint32_t uid, gid; /* container ids */
} hs_devnode;

/* The mount source naming node: HS_DEVICES_DIR "/c-1-3-0666-0-0". */
char *hs_devnode_source (const hs_devnode *node);
/* Parse a source made by hs_devnode_source; -EINVAL for anything else. */
int hs_devnode_parse (const char *source, hs_devnode *ret);

/* In the bridge's mount namespace: mount a tmpfs at HS_DEVICES_DIR and
 * create there every node the spec's mounts name, owned by the host ids the
 * spec's uid/gid mappings give them.  Nothing when no mount names one. */
int hs_devices_create (hs_json spec, hs_error *err);

#endif
