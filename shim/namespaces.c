#include "config.h"

#include "namespaces.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct
{
  const char *type;
  int flag;
} _types[] = {
  { "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS },     { "network", CLONE_NEWNET },
  { "pid", CLONE_NEWPID },   { "mount", CLONE_NEWNS }, { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static bool
_same (int a, int b)
{
  struct stat sa, sb;

  return fstat (a, &sa) == 0 && fstat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* "0 1000000 65536" lines of /proc/PID/FILE into [{containerID, hostID, size}]. */
static int
_parse_map (pid_t pid, const char *file, hs_json *ret, hs_error *err)
{
  _cleanup_free_ char *path = xasprintf ("/proc/%d/%s", (int) pid, file);
  _cleanup_json_ hs_json maps = hs_json_new_array ();
  unsigned long long c, h, n;
  FILE *f = fopen (path, "re");

  if (f == NULL)
    return hs_error_sys (err, errno, "open `%s`", path);
  while (fscanf (f, "%llu %llu %llu", &c, &h, &n) == 3)
    {
      hs_json m = hs_json_new_object ();
      hs_json_object_set (m, "containerID", hs_json_new_uint (c));
      hs_json_object_set (m, "hostID", hs_json_new_uint (h));
      hs_json_object_set (m, "size", hs_json_new_uint (n));
      hs_json_array_append (maps, m);
    }
  fclose (f);
  *ret = TAKE_PTR (maps);
  return 0;
}

/* The id mapping of user namespace userns, as the kernel shows it to the
 * host: a child enters it and the parent reads the child's maps. */
static int
_read_maps (int userns, hs_json *ret, hs_error *err)
{
  _cleanup_json_ hs_json maps = hs_json_new_object (), u = NULL, g = NULL;
  int ready[2], done[2], r = 0, status;
  char c;
  pid_t pid;

  if (pipe2 (ready, O_CLOEXEC) < 0)
    return hs_error_sys (err, errno, "pipe");
  if (pipe2 (done, O_CLOEXEC) < 0)
    {
      close (ready[0]);
      close (ready[1]);
      return hs_error_sys (err, errno, "pipe");
    }
  pid = fork ();
  if (pid == 0)
    {
      close (ready[0]);
      close (done[1]);
      if (setns (userns, CLONE_NEWUSER) < 0 || write (ready[1], "u", 1) != 1)
        _exit (1);
      (void) !read (done[0], &c, 1); /* until the parent closes its end */
      _exit (0);
    }
  close (ready[1]);
  close (done[0]);
  if (pid < 0)
    r = hs_error_sys (err, errno, "fork");
  else if (read (ready[0], &c, 1) != 1)
    r = hs_error_set (err, EPERM, "could not enter a joined user namespace to read its id mapping");
  else if ((r = _parse_map (pid, "uid_map", &u, err)) == 0 && (r = _parse_map (pid, "gid_map", &g, err)) == 0)
    {
      hs_json_object_set (maps, "uidMappings", TAKE_PTR (u));
      hs_json_object_set (maps, "gidMappings", TAKE_PTR (g));
    }
  close (ready[0]);
  close (done[1]);
  if (pid > 0)
    while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
      ;
  if (r == 0)
    *ret = TAKE_PTR (maps);
  return r;
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

static int
_flag (const char *type)
{
  for (size_t i = 0; i < HS_ARRAY_SIZE (_types); i++)
    if (strcmp (_types[i].type, type) == 0)
      return _types[i].flag;
  return 0;
}

/* One joined namespace: note a user namespace other than the host's that
 * owns it, and keep a network namespace. */
static int
_probe_one (const char *type, const char *path, int host_userns, hs_host *host, hs_error *err)
{
  _cleanup_close_ int ns = -1, owner = -1;
  int flag = _flag (type), r;

  if (flag == 0)
    return hs_error_set (err, EINVAL, "/linux/namespaces: unknown namespace type `%s`", type);
  r = _open_ns (path, type, flag, &ns, &owner, err);
  if (r < 0)
    return r;
  if (flag == CLONE_NEWNET)
    {
      host->joins_netns = true;
      host->netns_fd = TAKE_FD (ns);
      host->netns_via = xstrdup (path);
      host->netns_in_host_userns = _same (owner, host_userns);
    }
  if (_same (owner, host_userns))
    return 0;
  if (host->joins_userns)
    {
      if (!_same (owner, host->join_userns_fd))
        return hs_error_set (err, EPERM, "/linux/namespaces: `%s` and `%s` belong to two different user namespaces: "
                             "refused", host->join_userns_via, path);
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

/* A network namespace hardshim entered for an earlier run of a sealed
 * spec, named again. */
static hs_json
_entered_netns (hs_json spec, bool sealed)
{
  hs_json path = hs_json_get (hs_json_get (spec, "annotations"), HS_NETNS_ANNOTATION);

  return sealed && YAJL_IS_STRING (path) ? path : NULL;
}

int
hs_namespaces_probe (hs_json spec, bool sealed, hs_host *host, hs_error *err)
{
  hs_json namespaces = hs_json_get (hs_json_get (spec, "linux"), "namespaces"), entered = _entered_netns (spec, sealed);
  _cleanup_close_ int host_userns = open ("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
  int r;

  if (host_userns < 0)
    return hs_error_sys (err, errno, "open `/proc/self/ns/user`");
  for (size_t i = 0; YAJL_IS_ARRAY (namespaces) && i < namespaces->u.array.len; i++)
    {
      hs_json ns = namespaces->u.array.values[i];
      hs_json type = hs_json_get (ns, "type"), path = hs_json_get (ns, "path");
      if (!YAJL_IS_STRING (type) || !YAJL_IS_STRING (path) || path->u.string[0] == '\0'
          || strcmp (path->u.string, HS_USERNS_PATH) == 0) /* hardshim's own: decided again */
        continue;
      r = _probe_one (type->u.string, path->u.string, host_userns, host, err);
      if (r < 0)
        return r;
    }
  if (entered != NULL && !host->joins_netns && (r = _probe_one ("network", entered->u.string, host_userns, host, err)) < 0)
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

  if (!YAJL_IS_STRING (hs_json_get (hs_json_get (container_spec, "annotations"), HS_NETNS_ANNOTATION)))
    return 0;
  for (size_t i = 0; YAJL_IS_ARRAY (namespaces) && i < namespaces->u.array.len; i++)
    {
      hs_json type = hs_json_get (namespaces->u.array.values[i], "type");
      if (YAJL_IS_STRING (type) && strcmp (type->u.string, "network") == 0)
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

/* An empty file at path on a tmpfs of its own at dir: a place to bind to. */
static int
_private_file (const char *dir, const char *path, hs_error *err)
{
  _cleanup_close_ int fd = -1;

  if (mkdir (dir, 0711) < 0 && errno != EEXIST)
    return hs_error_sys (err, errno, "create `%s`", dir);
  if (mount ("hardshim-ns", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0711,size=4k") < 0)
    return hs_error_sys (err, errno, "mount a tmpfs at `%s`", dir);
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
  if (fd < 0)
    return hs_error_sys (err, errno, "create `%s`", path);
  return 0;
}

static int
_bind_userns (int userns, hs_error *err)
{
  _cleanup_free_ char *src = xasprintf ("/proc/self/fd/%d", userns);
  int r = _private_file (HS_NS_DIR, HS_USERNS_PATH, err);

  if (r == 0 && mount (src, HS_USERNS_PATH, NULL, MS_BIND, NULL) < 0)
    r = hs_error_sys (err, errno, "bind the joined user namespace at `%s`", HS_USERNS_PATH);
  return r;
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
  if (setns (netns, CLONE_NEWNET) < 0)
    return hs_error_sys (err, errno, "enter the joined network namespace");
  if (mount ("sysfs", HS_SYSFS_DIR, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    r = hs_error_sys (err, errno, "mount a sysfs of the joined network namespace at `%s`", HS_SYSFS_DIR);
  if (!stay && setns (ours, CLONE_NEWNET) < 0) /* the runtime must not start in the container's */
    abort ();
  return r;
}

int
hs_namespaces_mount (const hs_host *host, const hs_plan *plan, hs_error *err)
{
  int r = 0;

  if (plan->join_userns)
    r = _bind_userns (host->join_userns_fd, err);
  if (r == 0 && plan->sysfs_netns)
    {
      if (!host->joins_netns)
        return hs_error_set (err, EINVAL, "a sysfs bind from `%s` in a spec that joins no network namespace: refused",
                             HS_SYSFS_DIR);
      r = _mount_sysfs (host->netns_fd, plan->enter_netns, err);
    }
  else if (r == 0 && plan->enter_netns && setns (host->netns_fd, CLONE_NEWNET) < 0)
    r = hs_error_sys (err, errno, "enter the network namespace `%s`", host->netns_via);
  return r;
}
