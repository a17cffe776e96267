/* SPDX-License-Identifier: Apache-2.0 */
/* Part of measure "user": the device nodes of a container hardshim maps
 * into a user namespace become bind mounts of nodes hardshim creates
 * (devices.h), so they exist with the spec's owner and mode, whatever the
 * host has at the same path. */
#include "config.h"

#include "measures/measure.h"
#include "host/devices.h"
#include "policy/subid.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static int
_field (hs_measure_ctx *ctx, hs_json dev, const char *key, uint64_t max, uint64_t dflt, size_t i, uint64_t *ret,
        hs_error *err)
{
  hs_json v = hs_json_get (dev, key);
  _cleanup_free_ char *path = xasprintf ("/linux/devices/%zu/%s", i, key);

  *ret = dflt;
  if (v != NULL && hs_json_get_uint (v, max, ret) < 0)
    return hs_measure_bad_type (ctx, false, path, v, "a number in range", err);
  return 0;
}

/* The S_IF* bits of a device entry's type. */
static mode_t
_file_type (char type)
{
  return type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
}

/* Read device entry i into node; its container path into ret_path. */
static int
_node (hs_measure_ctx *ctx, hs_json dev, size_t i, hs_devnode *node, const char **ret_path, hs_error *err)
{
  hs_json path = hs_json_get (dev, "path"), type = hs_json_get (dev, "type");
  bool fifo = hs_json_is_string (type) && strcmp (hs_json_string (type), "p") == 0;
  uint64_t major, minor, mode, uid, gid;
  int r;

  if (!hs_json_is_string (path) || hs_json_string (path)[0] != '/')
    return hs_error_set (err, EINVAL, "`%s`: /linux/devices/%zu/path must be an absolute path", ctx->file, i);
  if (!hs_json_is_string (type) || strlen (hs_json_string (type)) != 1
      || strchr ("cbup", hs_json_string (type)[0]) == NULL)
    return hs_error_set (err, EINVAL, "`%s`: /linux/devices/%zu/type must be one of c, b, u, p", ctx->file, i);
  if (!fifo && (hs_json_get (dev, "major") == NULL || hs_json_get (dev, "minor") == NULL))
    return hs_error_set (err, EINVAL, "`%s`: /linux/devices/%zu needs major and minor", ctx->file, i);
  r = _field (ctx, dev, "major", UINT32_MAX, 0, i, &major, err);
  if (r == 0)
    r = _field (ctx, dev, "minor", UINT32_MAX, 0, i, &minor, err);
  if (r == 0)
    r = _field (ctx, dev, "fileMode", 0177777, 0666, i, &mode, err);
  /* podman writes the node's file type bits too (S_IFCHR | 0666): those of
   * the entry's own type only. */
  if (r == 0 && (mode & S_IFMT) != 0 && (mode & S_IFMT) != _file_type (hs_json_string (type)[0]))
    return hs_error_set (err, EINVAL, "`%s`: /linux/devices/%zu/fileMode has file type bits other than type `%s`'s",
                         ctx->file, i, hs_json_string (type));
  mode &= 07777;
  if (r == 0)
    r = _field (ctx, dev, "uid", HS_USERNS_SIZE - 1, 0, i, &uid, err);
  if (r == 0)
    r = _field (ctx, dev, "gid", HS_USERNS_SIZE - 1, 0, i, &gid, err);
  if (r < 0)
    return r;
  *node = (hs_devnode){ .type = hs_json_string (type)[0] == 'u' ? 'c' : hs_json_string (type)[0],
                        .major = (uint32_t) major,
                        .minor = (uint32_t) minor,
                        .mode = (mode_t) mode,
                        .uid = (uint32_t) uid,
                        .gid = (uint32_t) gid };
  *ret_path = hs_json_string (path);
  return 0;
}

/* Nodes the runtime makes itself, whatever the spec lists: runc and crun
 * make /dev/ptmx a link to pts/ptmx and give every container /dev/tty (in a
 * user namespace, a bind of the host's node).  A node hardshim mounted there
 * would trip them up (runc opens /dev/tty to bind onto it: ENXIO on a tty
 * device; it cannot remove a mount point at /dev/ptmx). */
static const struct
{
  const char *path, *note;
} _runtime_own[] = {
  { "/dev/ptmx", "the runtime makes /dev/ptmx itself, a link to pts/ptmx" },
  { "/dev/tty", "the runtime makes /dev/tty itself, a bind of the host's node in a user namespace" },
};

/* The note of the node the runtime makes at path, or NULL. */
static const char *
_runtime_makes (const char *path)
{
  _cleanup_free_ char *clean = hs_path_clean (path);

  for (size_t i = 0; i < HS_ARRAY_SIZE (_runtime_own); i++)
    if (strcmp (clean, _runtime_own[i].path) == 0)
      return _runtime_own[i].note;
  return NULL;
}

static hs_json
_bind (const char *destination, const hs_devnode *node)
{
  static const char *const opts[] = { "bind", NULL };
  _cleanup_free_ char *source = hs_devnode_source (node);

  return hs_measure_new_mount (destination, "bind", source, opts);
}

int
hs_measure_user_devices (hs_measure_ctx *ctx, hs_json linux_, hs_error *err)
{
  hs_json devices = hs_json_get (linux_, "devices"), mounts;
  _cleanup_json_ hs_json added = hs_json_new_array ();
  int r;

  if (devices == NULL || (hs_json_is_array (devices) && hs_json_array_len (devices) == 0))
    return 0;
  if (!hs_json_is_array (devices))
    return hs_measure_bad_type (ctx, false, "/linux/devices", devices, "an array", err);
  mounts = hs_json_get (ctx->spec, "mounts");
  if (mounts == NULL)
    hs_json_object_set (ctx->spec, "mounts", mounts = hs_json_new_array ());
  if (!hs_json_is_array (mounts))
    return hs_measure_bad_type (ctx, false, "/mounts", mounts, "an array", err);

  for (size_t i = 0; i < hs_json_array_len (devices); i++)
    {
      hs_devnode node;
      const char *path = NULL;
      const char *own;
      r = _node (ctx, hs_json_at (devices, i), i, &node, &path, err);
      if (r < 0)
        return r;
      if ((own = _runtime_makes (path)) != NULL)
        {
          _cleanup_free_ char *where = xasprintf ("/linux/devices/%zu", i);
          hs_measure_record_note (ctx, false, where, "removed", hs_json_at (devices, i), NULL, own);
          continue;
        }
      hs_json_array_append (added, _bind (path, &node));
    }
  for (size_t i = 0; i < hs_json_array_len (added); i++)
    hs_json_array_append (mounts, hs_json_copy (hs_json_at (added, i)));
  hs_measure_record_note (ctx, false, "/linux/devices", "removed", devices, NULL,
                          "in a user namespace the runtime would bind-mount the host's node of the same path");
  if (hs_json_array_len (added) > 0)
    hs_measure_record_note (ctx, false, "/mounts", "added", NULL, added,
                            "device nodes hardshim creates with the spec's owner and mode (private to the runtime)");
  hs_json_object_set (linux_, "devices", hs_json_new_array ());
  return 0;
}
