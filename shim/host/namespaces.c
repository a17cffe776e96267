/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "host/namespaces.h"
#include "host/userns_child.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct
{
  const char *type;
  int flag;
  const char *proc; /* its name in /proc/PID/ns */
} _types[] = {
  { "user", CLONE_NEWUSER, "user" },       { "ipc", CLONE_NEWIPC, "ipc" },    { "uts", CLONE_NEWUTS, "uts" },
  { "network", CLONE_NEWNET, "net" },      { "pid", CLONE_NEWPID, "pid" },    { "mount", CLONE_NEWNS, "mnt" },
  { "cgroup", CLONE_NEWCGROUP, "cgroup" }, { "time", CLONE_NEWTIME, "time" },
};

static bool
_same (int a, int b)
{
  struct stat sa, sb;

  return fstat (a, &sa) == 0 && fstat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The next number of a map line at *s (after its spaces), a 32-bit id or
 * count; *s moves past it. */
static int
_map_field (char **s, uint64_t *ret)
{
  size_t len;

  *s += strspn (*s, " ");
  len = strcspn (*s, " ");
  *s += len;
  return hs_parse_decimal (*s - len, len, UINT32_MAX, ret);
}

/* "         0    1000000      65536" lines of /proc/PID/FILE (the kernel
 * writes at most 340) into [{containerID, hostID, size}]; any other line
 * is an error, not the end of the map. */
static int
_parse_map (pid_t pid, const char *file, hs_json *ret, hs_error *err)
{
  _cleanup_free_ char *path = xasprintf ("/proc/%d/%s", (int) pid, file);
  _cleanup_json_ hs_json maps = hs_json_new_array ();
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  char buf[340 * 34 + 2], *rest = buf, *line; /* 340 lines of 34 bytes, and one more to see the end */
  size_t len = 0;
  ssize_t n;

  if (fd < 0)
    return hs_error_sys (err, errno, "open `%s`", path);
  while ((n = read (fd, buf + len, sizeof buf - 1 - len)) > 0)
    len += (size_t) n;
  if (n < 0)
    return hs_error_sys (err, errno, "read `%s`", path);
  if (len == sizeof buf - 1)
    return hs_error_set (err, EFBIG, "`%s`: longer than the kernel writes", path);
  buf[len] = '\0';
  while ((line = strsep (&rest, "\n")) != NULL)
    {
      uint64_t c, h, sz;
      if (line[0] == '\0' && rest == NULL) /* after the last newline */
        break;
      if (_map_field (&line, &c) < 0 || _map_field (&line, &h) < 0 || _map_field (&line, &sz) < 0 || line[0] != '\0')
        return hs_error_set (err, EINVAL, "`%s`: not an id mapping line", path);
      hs_json m = hs_json_new_object ();
      hs_json_object_set (m, "containerID", hs_json_new_uint (c));
      hs_json_object_set (m, "hostID", hs_json_new_uint (h));
      hs_json_object_set (m, "size", hs_json_new_uint (sz));
      hs_json_array_append (maps, m);
    }
  *ret = TAKE_PTR (maps);
  return 0;
}

/* The id mapping of user namespace userns, as the kernel shows it to the
 * host: a child enters it and the parent reads the child's maps. */
static int
_read_maps (int userns, hs_json *ret, hs_error *err)
{
  _cleanup_json_ hs_json maps = hs_json_new_object (), u = NULL, g = NULL;
  hs_userns_child child;
  int r;

  r = hs_userns_child_start (userns, "reading a joined one's id mapping", &child, err);
  if (r < 0)
    return r;
  r = _parse_map (child.pid, "uid_map", &u, err);
  if (r == 0)
    r = _parse_map (child.pid, "gid_map", &g, err);
  hs_userns_child_stop (&child);
  if (r < 0)
    return r;
  hs_json_object_set (maps, "uidMappings", TAKE_PTR (u));
  hs_json_object_set (maps, "gidMappings", TAKE_PTR (g));
  *ret = TAKE_PTR (maps);
  return 0;
}

/* Open path, which must be a namespace of type flag; its owner's fd (for a
 * user namespace: itself). */
static int
_open_ns (const char *path, const char *type, int flag, int *ret_ns, int *ret_owner, hs_error *err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC), owner = -1;
  int got;

  if (fd < 0)
    return hs_error_sys (err, errno, "/linux/namespaces: %s namespace `%s`", type, path);
  got = ioctl (fd, NS_GET_NSTYPE);
  if (got != flag)
    return hs_error_set (err, EINVAL, "/linux/namespaces: `%s` is not a %s namespace", path, type);
  owner = flag == CLONE_NEWUSER ? dup (fd) : ioctl (fd, NS_GET_USERNS);
  if (owner < 0)
    return hs_error_sys (err, errno, "/linux/namespaces: the user namespace of `%s`", path);
  *ret_ns = TAKE_FD (fd);
  *ret_owner = TAKE_FD (owner);
  return 0;
}

static size_t
_index (const char *type)
{
  size_t i = 0;

  while (i < HS_ARRAY_SIZE (_types) && strcmp (_types[i].type, type) != 0)
    i++;
  return i;
}

static int
_flag (const char *type)
{
  size_t i = _index (type);

  return i < HS_ARRAY_SIZE (_types) ? _types[i].flag : 0;
}

/* The inode numbers of the kernel's initial namespaces (the kernel's
 * proc_ns.h; net and mnt since Linux 6.x, dynamic before, and dynamic
 * numbers start above these). */
static const struct
{
  const char *proc;
  ino_t ino;
} _initial[] = {
  { "ipc", 0xEFFFFFFFu },    { "uts", 0xEFFFFFFEu },  { "user", 0xEFFFFFFDu }, { "pid", 0xEFFFFFFCu },
  { "cgroup", 0xEFFFFFFBu }, { "time", 0xEFFFFFFAu }, { "net", 0xEFFFFFF9u },  { "mnt", 0xEFFFFFF8u },
};

/* fd and /proc/PID/ns/NAME are the same namespace; -errno when that one
 * cannot be opened. */
static int
_same_as (int fd, const char *pid, const char *name)
{
  _cleanup_free_ char *path = xasprintf ("/proc/%s/ns/%s", pid, name);
  _cleanup_close_ int other = open (path, O_RDONLY | O_CLOEXEC);

  if (other < 0)
    return -errno;
  return _same (fd, other);
}

/* Whether namespace fd is the host's of its type, by identity, not by path:
 * PID 1's, hardshim's own (the engine's), or the kernel's initial one.
 * PID 1's cannot be read where hardshim lacks a capability PID 1 has
 * (ptrace access); the others still hold. */
static int
_is_host (const char *type, int fd, bool *ret, hs_error *err)
{
  const char *name = _types[_index (type)].proc;
  int init = _same_as (fd, "1", name), self = _same_as (fd, "self", name);
  struct stat st, self_st;
  _cleanup_free_ char *own = xasprintf ("/proc/self/ns/%s", name);

  if (self < 0)
    return hs_error_sys (err, -self, "open `%s`", own);
  *ret = init == 1 || self == 1;
  if (fstat (fd, &st) == 0 && stat (own, &self_st) == 0 && st.st_dev == self_st.st_dev)
    for (size_t i = 0; i < HS_ARRAY_SIZE (_initial); i++)
      *ret = *ret || (strcmp (_initial[i].proc, name) == 0 && st.st_ino == _initial[i].ino);
  return 0;
}

/* One joined namespace: keep it (joined[]), and note a user namespace
 * other than the host's that owns it. */
static int
_probe_one (const char *type, const char *path, int host_userns, hs_host *host, hs_error *err)
{
  _cleanup_close_ int ns = -1, owner = -1;
  int flag = _flag (type), r;

  if (flag == 0)
    return hs_error_set (err, EINVAL, "/linux/namespaces: unknown namespace type `%s`", type);
  if (flag != CLONE_NEWUSER && hs_namespaces_via (host, type) != NULL)
    return hs_error_set (err, EINVAL, "/linux/namespaces: two %s namespaces", type);
  if (host->n_joined == HS_ARRAY_SIZE (host->joined))
    return hs_error_set (err, EINVAL, "/linux/namespaces: too many namespaces joined by path");
  r = _open_ns (path, type, flag, &ns, &owner, err);
  if (r < 0)
    return r;
  if (flag != CLONE_NEWUSER)
    {
      size_t k = host->n_joined++;
      host->joined[k].type = _types[_index (type)].type;
      host->joined[k].via = xstrdup (path);
      host->joined[k].fd = TAKE_FD (ns);
      r = _is_host (type, host->joined[k].fd, &host->joined[k].is_host, err);
      if (r < 0)
        return r;
      if (flag == CLONE_NEWNET)
        {
          host->joins_netns = true;
          host->netns_fd = host->joined[k].fd;
          host->netns_via = host->joined[k].via;
          host->netns_in_host_userns = _same (owner, host_userns);
        }
    }
  if (_same (owner, host_userns))
    return 0;
  if (host->joins_userns)
    {
      if (!_same (owner, host->join_userns_fd))
        return hs_error_set (err, EPERM,
                             "/linux/namespaces: `%s` and `%s` belong to two different user namespaces: "
                             "refused",
                             host->join_userns_via, path);
      return 0;
    }
  r = _read_maps (owner, &host->join_maps, err);
  if (r < 0)
    return r;
  host->joins_userns = true;
  host->join_userns_fd = TAKE_FD (owner);
  host->join_userns_via = xstrdup (path);
  return 0;
}

/* The path a namespace entry names: the spec's, or for hardshim's own
 * HS_NS_DIR/TYPE in a sealed spec, the one it kept in the annotation
 * (NULL: hardshim's user placeholder, decided again). */
static const char *
_path (hs_json spec, const char *type, const char *path, bool sealed)
{
  _cleanup_free_ char *own = xasprintf (HS_NS_DIR "/%s", type), *key = xasprintf (HS_NS_ANNOTATION "%s", type);
  hs_json kept = hs_json_get (hs_json_get (spec, "annotations"), key);

  if (strcmp (path, HS_USERNS_PATH) == 0)
    return NULL;
  if (strcmp (path, own) == 0 && sealed && hs_json_is_string (kept))
    return hs_json_string (kept);
  return path;
}

int
hs_namespaces_probe (hs_json spec, bool sealed, hs_host *host, hs_error *err)
{
  hs_json namespaces = hs_json_get (hs_json_get (spec, "linux"), "namespaces");
  hs_json entered = hs_json_get (hs_json_get (spec, "annotations"), HS_NS_ANNOTATION "network");
  _cleanup_close_ int host_userns = open ("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  int r;

  if (host_userns < 0)
    return hs_error_sys (err, errno, "open `/proc/self/ns/user`");
  for (size_t i = 0; hs_json_is_array (namespaces) && i < hs_json_array_len (namespaces); i++)
    {
      hs_json ns = hs_json_at (namespaces, i);
      hs_json type = hs_json_get (ns, "type"), path = hs_json_get (ns, "path");
      const char *p;
      if (!hs_json_is_string (type) || !hs_json_is_string (path) || hs_json_string (path)[0] == '\0'
          || (p = _path (spec, hs_json_string (type), hs_json_string (path), sealed)) == NULL)
        continue;
      r = _probe_one (hs_json_string (type), p, host_userns, host, err);
      if (r < 0)
        return r;
    }
  /* A network namespace hardshim entered for an earlier run of a sealed spec. */
  if (sealed && hs_json_is_string (entered) && !host->joins_netns
      && (r = _probe_one ("network", hs_json_string (entered), host_userns, host, err)) < 0)
    return r;
  if (host->joins_netns && host->joins_userns)
    {
      _cleanup_close_ int owner = ioctl (host->netns_fd, NS_GET_USERNS);
      host->netns_in_join_userns = owner >= 0 && _same (owner, host->join_userns_fd);
    }
  return 0;
}

int
hs_namespaces_exec_netns (hs_json container_spec, int pid, hs_error *err)
{
  hs_json namespaces = hs_json_get (hs_json_get (container_spec, "linux"), "namespaces");
  _cleanup_free_ char *path = NULL;
  _cleanup_close_ int fd = -1;

  if (!hs_json_is_string (hs_json_get (hs_json_get (container_spec, "annotations"), HS_NS_ANNOTATION "network")))
    return 0;
  for (size_t i = 0; hs_json_is_array (namespaces) && i < hs_json_array_len (namespaces); i++)
    {
      hs_json type = hs_json_get (hs_json_at (namespaces, i), "type");
      if (hs_json_is_string (type) && strcmp (hs_json_string (type), "network") == 0)
        return 0;
    }
  if (pid <= 0)
    return hs_error_set (err, ESRCH, "exec: the container has no init process whose network namespace to run in");
  path = xasprintf ("/proc/%d/ns/net", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns (fd, CLONE_NEWNET) < 0)
    return hs_error_sys (err, errno, "exec: enter the container's network namespace `%s`", path);
  return 0;
}

/* A tmpfs of its own at HS_NS_DIR: where namespaces are bound. */
static int
_ns_dir (hs_error *err)
{
  if (mkdir (HS_NS_DIR, 0711) < 0 && errno != EEXIST)
    return hs_error_sys (err, errno, "create `%s`", HS_NS_DIR);
  if (mount ("hardshim-ns", HS_NS_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0711,size=4k") < 0)
    return hs_error_sys (err, errno, "mount a tmpfs at `%s`", HS_NS_DIR);
  return 0;
}

/* Bind namespace fd at HS_NS_DIR/name. */
static int
_bind_ns (int fd, const char *name, hs_error *err)
{
  _cleanup_free_ char *src = xasprintf ("/proc/self/fd/%d", fd), *dst = xasprintf (HS_NS_DIR "/%s", name);
  _cleanup_close_ int file = open (dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);

  if (file < 0)
    return hs_error_sys (err, errno, "create `%s`", dst);
  if (mount (src, dst, NULL, MS_BIND, NULL) < 0)
    return hs_error_sys (err, errno, "bind a joined namespace at `%s`", dst);
  return 0;
}

/* A sysfs of netns at HS_SYSFS_DIR: mounted from inside it (a sysfs shows
 * the network devices of its mounter's network namespace).  With stay the
 * process stays there (the runtime starts in it); else it comes back. */
static int
_mount_sysfs (int netns, bool stay, hs_error *err)
{
  _cleanup_close_ int ours = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int r = 0;

  if (ours < 0)
    return hs_error_sys (err, errno, "open `/proc/self/ns/net`");
  if (mkdir (HS_SYSFS_DIR, 0711) < 0 && errno != EEXIST)
    return hs_error_sys (err, errno, "create `%s`", HS_SYSFS_DIR);
  if (netns < 0) /* the host's, where hardshim is */
    {
      if (mount ("sysfs", HS_SYSFS_DIR, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return hs_error_sys (err, errno, "mount a sysfs at `%s`", HS_SYSFS_DIR);
      return 0;
    }
  if (setns (netns, CLONE_NEWNET) < 0)
    return hs_error_sys (err, errno, "enter the joined network namespace");
  if (mount ("sysfs", HS_SYSFS_DIR, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    r = hs_error_sys (err, errno, "mount a sysfs of the joined network namespace at `%s`", HS_SYSFS_DIR);
  if (!stay && setns (ours, CLONE_NEWNET) < 0) /* the runtime must not start in the container's */
    abort ();
  return r;
}

/* A filesystem of the host's namespaces (hardshim's own) at dir, for a
 * container that shares them (rootfs measure). */
static int
_mount_host_fs (const char *type, const char *dir, hs_error *err)
{
  if (mkdir (dir, 0711) < 0 && errno != EEXIST)
    return hs_error_sys (err, errno, "create `%s`", dir);
  if (mount (type, dir, type, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    return hs_error_sys (err, errno, "mount a %s of the host's namespace at `%s`", type, dir);
  return 0;
}

int
hs_namespaces_mount (const hs_host *host, const hs_plan *plan, hs_error *err)
{
  int r = 0;

  if (plan->join_userns || plan->pin_namespaces)
    r = _ns_dir (err);
  if (r == 0 && plan->join_userns)
    r = _bind_ns (host->join_userns_fd, "user", err);
  for (size_t i = 0; r == 0 && plan->pin_namespaces && i < host->n_joined; i++)
    if (!(plan->enter_netns && host->joined[i].fd == host->netns_fd))
      r = _bind_ns (host->joined[i].fd, host->joined[i].type, err);
  if (r == 0 && plan->proc_host)
    r = _mount_host_fs ("proc", HS_PROC_DIR, err);
  if (r == 0 && plan->mqueue_host)
    r = _mount_host_fs ("mqueue", HS_MQUEUE_DIR, err);
  if (r == 0 && plan->sysfs_netns)
    r = _mount_sysfs (host->joins_netns ? host->netns_fd : -1, plan->enter_netns, err);
  else if (r == 0 && plan->enter_netns && setns (host->netns_fd, CLONE_NEWNET) < 0)
    r = hs_error_sys (err, errno, "enter the network namespace `%s`", host->netns_via);
  return r;
}
