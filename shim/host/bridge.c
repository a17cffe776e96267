/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/bridge.h"
#include "host/bind_pins.h"
#include "host/devices.h"
#include "host/locked_flags.h"
#include "host/namespaces.h"
#include "host/trust.h"
#include "host/userns_child.h"
#include "host/volumes.h"
#include "host/mountpoints.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* A directory on the way to the bridge: everyone may traverse it, since
 * the container's mapped root has no other right to it. */
static int
_check_traversable (const char *path, hs_error *err)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return hs_error_sys (err, errno, "stat `%s`", path);
  if (!S_ISDIR (st.st_mode) || (st.st_mode & S_IXOTH) == 0)
    return hs_error_set (err, EACCES,
                         "`%s` must be a directory everyone may traverse (mode 0711 or 0755): "
                         "the container's mapped root reaches the rootfs through it",
                         path);
  return 0;
}

/* "containerID hostID size" lines for /proc/PID/[ug]id_map. */
static int
_map_text (hs_json maps, const char *key, char **ret, hs_error *err)
{
  _cleanup_free_ char *text = xstrdup ("");

  for (size_t i = 0; hs_json_is_array (maps) && i < hs_json_array_len (maps); i++)
    {
      hs_json m = hs_json_at (maps, i);
      uint64_t c, h, n;
      if (hs_json_get_uint (hs_json_get (m, "containerID"), UINT32_MAX, &c) < 0
          || hs_json_get_uint (hs_json_get (m, "hostID"), UINT32_MAX, &h) < 0
          || hs_json_get_uint (hs_json_get (m, "size"), UINT32_MAX, &n) < 0)
        return hs_error_set (err, EINVAL, "/linux/%s: not an id mapping", key);
      char *more = xasprintf ("%s%llu %llu %llu\n", text, (unsigned long long) c, (unsigned long long) h,
                              (unsigned long long) n);
      free (text);
      text = more;
    }
  if (text[0] == '\0')
    return hs_error_set (err, EINVAL, "/linux/%s is empty", key);
  *ret = TAKE_PTR (text);
  return 0;
}

static int
_write_map (pid_t pid, const char *file, const char *text, hs_error *err)
{
  _cleanup_free_ char *path = xasprintf ("/proc/%d/%s", (int) pid, file);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);

  if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t) strlen (text))
    return hs_error_sys (err, errno, "write `%s`", path);
  return 0;
}

/* A user namespace with the container's mapping, as an fd for
 * MOUNT_ATTR_IDMAP: a child enters a new one and waits while the mapping is
 * written and the namespace opened. */
static int
_userns_fd (hs_json spec, int *ret, hs_error *err)
{
  hs_json linux_ = hs_json_get (spec, "linux");
  _cleanup_free_ char *uids = NULL, *gids = NULL, *ns = NULL;
  hs_userns_child child;
  int r;

  r = _map_text (hs_json_get (linux_, "uidMappings"), "uidMappings", &uids, err);
  if (r == 0)
    r = _map_text (hs_json_get (linux_, "gidMappings"), "gidMappings", &gids, err);
  if (r == 0)
    r = hs_userns_child_start (-1, "the idmapped rootfs", &child, err);
  if (r < 0)
    return r;
  r = _write_map (child.pid, "uid_map", uids, err);
  if (r == 0)
    r = _write_map (child.pid, "gid_map", gids, err);
  if (r == 0)
    {
      ns = xasprintf ("/proc/%d/ns/user", (int) child.pid);
      *ret = open (ns, O_RDONLY | O_CLOEXEC);
      if (*ret < 0)
        r = hs_error_sys (err, errno, "open `%s`", ns);
    }
  hs_userns_child_stop (&child);
  return r;
}

/* Idmap the detached tree where the filesystem allows; say which, for the journal. */
static char *
_idmap (int tree, int userns, const char *userns_why, const char *rootfs, const char *bundle)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns };

  if (userns < 0)
    return xasprintf ("plain bind mount of `%s`: %s", rootfs, userns_why);
  if (!hs_path_within (rootfs, bundle))
    return xasprintf ("plain bind mount of `%s`: it lies outside the bundle, and an idmapped mount would give the "
                      "container's ids whatever host files of those ids are there",
                      rootfs);
  if (mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return xasprintf ("plain bind mount of `%s`: its filesystem does not take idmapped mounts (%s)", rootfs,
                      strerror (errno));
  return xasprintf ("idmapped mount of `%s` (the container's mapping)", rootfs);
}

/* The rootfs to bridge: root.path, or, in a spec hardshim wrote and sealed
 * before (root.path is the bridge), the one it recorded in the annotation.
 * An annotation alone cannot pick a rootfs. */
static int
_source (hs_json spec, const char *bundle, bool sealed, char **ret, hs_error *err)
{
  hs_json path = hs_json_get (hs_json_get (spec, "root"), "path");
  hs_json recorded = hs_json_get (hs_json_get (spec, "annotations"), HS_BRIDGE_ANNOTATION);
  _cleanup_free_ char *abs = NULL;

  if (!hs_json_is_string (path))
    return hs_error_set (err, EINVAL, "/root/path is %s, expected a string", hs_json_type_name (path));
  if (strcmp (hs_json_string (path), HS_BRIDGE_DIR) == 0)
    {
      if (!sealed)
        return hs_error_set (err, EPERM,
                             "/root/path is hardshim's rootfs bridge `%s` in a spec without hardshim's "
                             "valid seal: refused",
                             HS_BRIDGE_DIR);
      if (!hs_json_is_string (recorded) || hs_json_string (recorded)[0] != '/')
        return hs_error_set (err, EINVAL,
                             "/root/path is hardshim's rootfs bridge `%s`, but annotation `%s` does not "
                             "say which rootfs it bridges",
                             HS_BRIDGE_DIR, HS_BRIDGE_ANNOTATION);
      abs = xstrdup (hs_json_string (recorded));
    }
  else
    abs = hs_json_string (path)[0] == '/' ? xstrdup (hs_json_string (path))
                                          : xasprintf ("%s/%s", bundle, hs_json_string (path));
  *ret = hs_real_path (abs);
  if (*ret == NULL)
    return hs_error_sys (err, errno, "rootfs `%s`", abs);
  /* hardshim makes mount points in it as root and maps the container's ids
   * onto it: not a directory its author could have chosen among others'. */
  int r = hs_trust_path (*ret, "the rootfs (/root/path)", err);
  if (r < 0)
    {
      free (TAKE_PTR (*ret));
      return r;
    }
  return 0;
}

/* Create the mount points the runtime could not (mountpoints.h). */
static int
_mountpoints (hs_json spec, const char *rootfs, const char *bundle, hs_journal *journal, hs_error *err)
{
  _cleanup_strv_ hs_strv made = { 0 };
  int r = hs_mountpoints_create (spec, rootfs, bundle, &made, err);

  if (r == 0 && made.n > 0)
    {
      _cleanup_json_ hs_json list = hs_json_new_array ();
      _cleanup_free_ char *note = xasprintf ("mount points created in the rootfs `%s`: inside the user namespace the "
                                             "runtime could not",
                                             rootfs);
      for (size_t i = 0; i < made.n; i++)
        hs_json_array_append (list, hs_json_new_string (made.v[i]));
      hs_journal_record_note (journal, "user", "/mounts", "added", NULL, list, note);
    }
  return r;
}

/* A device node shipped in the image cannot be opened: the rootfs is
 * nodev (the runtime's /dev and the nodes hardshim makes are mounts of
 * their own on top). */
static int
_nodev (int tree, const char *real, hs_error *err)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_NODEV };

  if (mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return hs_error_sys (err, errno, "make the rootfs `%s` nodev", real);
  return 0;
}

/* Point root.path at the bridge and record what it bridges. */
static void
_repoint (hs_json spec, const char *real, hs_journal *journal, const char *note)
{
  hs_json root = hs_json_get (spec, "root");
  hs_json ann = hs_json_get (spec, "annotations");
  _cleanup_json_ hs_json before = hs_json_copy (hs_json_get (root, "path"));
  bool again = strcmp (hs_json_string (before), HS_BRIDGE_DIR) == 0;

  if (!hs_json_is_object (ann))
    hs_json_object_set (spec, "annotations", ann = hs_json_new_object ());
  hs_json_object_set (ann, HS_BRIDGE_ANNOTATION, hs_json_new_string (real));
  hs_json_object_set (root, "path", hs_json_new_string (HS_BRIDGE_DIR));
  hs_journal_record_note (journal, "user", "/root/path", again ? "kept" : "changed", before, hs_json_get (root, "path"),
                          note);
}

int
hs_bridge_rootfs (hs_json spec, const char *bundle, bool sealed, const hs_policy *policy, const hs_host *host,
                  const hs_plan *plan, hs_journal *journal, hs_error *err)
{
  _cleanup_free_ char *real = NULL, *note = NULL;
  _cleanup_close_ int tree = -1, userns = -1;
  _cleanup_bind_pins_ hs_bind_pins pins = { 0 };
  _cleanup_error_ hs_error userns_err = { 0 };
  int r;

  r = _source (spec, bundle, sealed, &real, err);
  if (r == 0)
    r = hs_mkdir_p (HS_BRIDGE_DIR, 0711 /* traversable, not listable */, "the rootfs bridge directory",
                    _check_traversable, err);
  /* Clones of the host's mounts are made before leaving its namespace. */
  if (r == 0)
    r = hs_bind_pins_clone (spec, host, policy, &pins, err);
  if (r < 0)
    return r;
  if (unshare (CLONE_NEWNS) < 0)
    r = hs_error_sys (err, errno, "create a mount namespace for the rootfs bridge");
  else
    {
      hs_trust_forget (); /* the directories its walks kept are of the host's namespace */
      if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        r = hs_error_sys (err, errno, "make the bridge's mount namespace a slave of the host's");
    }

  /* First the pins: what follows works on the objects they hold. */
  if (r == 0)
    r = hs_bind_pins_mount (spec, &pins, journal, err);
  if (r == 0)
    r = _mountpoints (spec, real, bundle, journal, err);
  if (r < 0)
    return r;
  /* Without an idmap user namespace, mounts are plain binds (journaled). */
  (void) _userns_fd (spec, &userns, &userns_err);
  if (plan->idmap_volumes)
    hs_volumes_idmap (spec, userns, real, &pins, journal);
  r = hs_devices_create (spec, err);
  if (r == 0)
    r = hs_namespaces_mount (host, plan, err);
  if (r == 0)
    hs_locked_flags_add (spec, bundle, journal);
  if (r == 0)
    {
      tree = open_tree (AT_FDCWD, real, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      if (tree < 0)
        r = hs_error_sys (err, errno, "clone the rootfs mount `%s`", real);
    }
  if (r == 0)
    r = _nodev (tree, real, err);
  if (r == 0)
    {
      note = _idmap (tree, userns, userns_err.msg, real, bundle);
      if (move_mount (tree, "", AT_FDCWD, HS_BRIDGE_DIR, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        r = hs_error_sys (err, errno, "mount the rootfs `%s` at `%s`", real, HS_BRIDGE_DIR);
    }
  if (r == 0)
    _repoint (spec, real, journal, note);
  return r;
}
