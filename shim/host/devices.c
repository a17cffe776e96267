/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/devices.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PREFIX HS_DEVICES_DIR "/"

/* The host id container id `id` maps to under maps (the spec's mappings). */
static int
_host_id (hs_json maps, const char *key, uint32_t id, uint32_t *ret, hs_error *err)
{
  for (size_t i = 0; hs_json_is_array (maps) && i < hs_json_array_len (maps); i++)
    {
      hs_json m = hs_json_at (maps, i);
      uint64_t c, h, n;
      if (hs_json_get_uint (hs_json_get (m, "containerID"), UINT32_MAX, &c) == 0
          && hs_json_get_uint (hs_json_get (m, "hostID"), UINT32_MAX, &h) == 0
          && hs_json_get_uint (hs_json_get (m, "size"), UINT32_MAX, &n) == 0 && id >= c && id - c < n)
        {
          *ret = (uint32_t) (h + (id - c));
          return 0;
        }
    }
  return hs_error_set (err, EINVAL, "device node owner %u is not mapped by /linux/%s", id, key);
}

static int
_make (int dir, const char *name, const hs_devnode *n, hs_json linux_, hs_error *err)
{
  mode_t type = n->type == 'b' ? S_IFBLK : n->type == 'p' ? S_IFIFO : S_IFCHR;
  uint32_t uid, gid;
  int r;

  r = _host_id (hs_json_get (linux_, "uidMappings"), "uidMappings", n->uid, &uid, err);
  if (r == 0)
    r = _host_id (hs_json_get (linux_, "gidMappings"), "gidMappings", n->gid, &gid, err);
  if (r < 0)
    return r;
  if (mknodat (dir, name, type | n->mode, n->type == 'p' ? 0 : makedev (n->major, n->minor)) < 0 && errno != EEXIST)
    return hs_error_sys (err, errno, "create device node `%s/%s`", HS_DEVICES_DIR, name);
  /* mknod applies the umask, and the owner is the container's */
  if (fchownat (dir, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 || fchmodat (dir, name, n->mode, 0) < 0)
    return hs_error_sys (err, errno, "set the owner and mode of device node `%s/%s`", HS_DEVICES_DIR, name);
  return 0;
}

/* A tmpfs on HS_DEVICES_DIR (created 0711 on the host, empty there). */
static int
_tmpfs (int *ret, hs_error *err)
{
  if (mkdir (HS_DEVICES_DIR, 0711) < 0 && errno != EEXIST)
    return hs_error_sys (err, errno, "create `%s`", HS_DEVICES_DIR);
  if (mount ("hardshim-devices", HS_DEVICES_DIR, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0711,size=64k") < 0)
    return hs_error_sys (err, errno, "mount a tmpfs for device nodes at `%s`", HS_DEVICES_DIR);
  *ret = open (HS_DEVICES_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*ret < 0)
    return hs_error_sys (err, errno, "open `%s`", HS_DEVICES_DIR);
  return 0;
}

int
hs_devices_create (hs_json spec, hs_error *err)
{
  hs_json mounts = hs_json_get (spec, "mounts"), linux_ = hs_json_get (spec, "linux");
  _cleanup_close_ int dir = -1;
  int r;

  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json src = hs_json_get (hs_json_at (mounts, i), "source");
      hs_devnode n;
      if (!hs_json_is_string (src) || strncmp (hs_json_string (src), PREFIX, strlen (PREFIX)) != 0)
        continue;
      if (hs_devnode_parse (hs_json_string (src), &n) < 0)
        return hs_error_set (err, EINVAL,
                             "/mounts/%zu: source `%s` is under hardshim's device directory but names "
                             "no device node",
                             i, hs_json_string (src));
      if (dir < 0 && (r = _tmpfs (&dir, err)) < 0)
        return r;
      r = _make (dir, hs_json_string (src) + strlen (PREFIX), &n, linux_, err);
      if (r < 0)
        return r;
    }
  return 0;
}
