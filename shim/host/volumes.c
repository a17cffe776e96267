/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/volumes.h"
#include "lsm/lsm_host.h"
#include "policy/policy.h"
#include "spec/spec.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/* A source hardshim leaves as it is (real: the object's path on the host;
 * covered: where the clone would go); the reason, for the journal. */
static const char *
_left_alone (const char *real, const char *covered, const char *rootfs, const hs_strv *seen)
{
  if (hs_path_within (rootfs, real) || hs_path_within (HS_BRIDGE_DIR, real) || hs_path_within (HS_DEVICES_DIR, real)
      || hs_path_within (real, HS_DEVICES_DIR))
    return "plain bind mount: the source holds the rootfs or hardshim's own directories";
  if (hs_path_within (real, rootfs))
    return "plain bind mount: the source is inside the rootfs";
  if (hs_strv_contains (seen, covered))
    return NULL; /* journaled with its first mount */
  return "";
}

/* Cover the directory or file src (an O_PATH fd, real the path of what it
 * holds) with an idmapped clone of itself; the journal note.  Everything
 * goes through src, so that a path changed meanwhile cannot redirect the
 * mount. */
static char *
_cover (int src, const char *real, bool recursive, int userns)
{
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns };
  _cleanup_close_ int tree = open_tree (src, "", flags);

  if (tree < 0)
    return xasprintf ("plain bind mount: cloning `%s` failed (%s)", real, strerror (errno));
  if (mount_setattr (tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    return xasprintf ("plain bind mount: the filesystem of `%s` does not take idmapped mounts (%s)", real,
                      strerror (errno));
  if (move_mount (tree, "", src, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return xasprintf ("plain bind mount: covering `%s` with its idmapped clone failed (%s)", real, strerror (errno));
  return xasprintf ("idmapped mount of `%s` (the container's mapping)", real);
}

void
hs_volumes_idmap (hs_json spec, int userns, const char *rootfs, const hs_bind_pins *pins, hs_journal *journal)
{
  hs_json mounts = hs_json_get (spec, "mounts");
  _cleanup_strv_ hs_strv seen = { 0 };

  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), src = hs_json_get (m, "source");
      _cleanup_free_ char *real = NULL, *covered = NULL, *note = NULL, *path = NULL;
      const hs_bind_pin *pin = hs_bind_pins_of_mount (pins, i);
      _cleanup_close_ int fd = -1;
      const char *why;
      bool recursive;

      hs_json dst = hs_json_get (m, "destination");

      if (!hs_spec_mount_is_bind (m, &recursive) || !hs_json_is_string (src) || hs_json_string (src)[0] != '/'
          || (hs_json_is_string (dst) && hs_path_within (hs_json_string (dst), HS_LANDLOCK_DIR)))
        continue; /* hardshim's own Landlock helper is not a volume */
      /* A pinned source is hardshim's clone of what it judged (bind_pins.h),
       * in a directory only root can change: its path is safe to open. */
      fd = open (pin != NULL ? pin->path : hs_json_string (src), O_PATH | O_CLOEXEC);
      if (fd < 0)
        continue; /* the runtime reports a missing source */
      covered = hs_fd_path (fd);
      real = xstrdup (pin != NULL ? pin->real : covered);
      why = _left_alone (real, covered, rootfs, &seen);
      if (why == NULL)
        continue;
      note = why[0] != '\0' ? xstrdup (why)
             : userns < 0   ? xstrdup ("plain bind mount: no user namespace to map with")
                            : _cover (fd, real, recursive, userns);
      path = xasprintf ("/mounts/%zu/source", i);
      hs_journal_record_note (journal, "user", path, "kept", src, src, note);
      hs_strv_add (&seen, TAKE_PTR (covered));
    }
}
