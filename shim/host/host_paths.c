/* SPDX-License-Identifier: Apache-2.0 */
/* The sensitive host paths and sockets, and bind sources judged against
 * them by identity (host_paths.h). */
#include "config.h"

#include "host/host_paths.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum _type
{
  T_SENSITIVE,    /* itself and what is above it */
  T_SENSITIVE_RW, /* read-write, itself and what is above it */
  T_STATE_ROOT,   /* sensitive, and every entry directly in it */
  T_SOCKET,       /* a control socket (must be one) */
  T_SOCKET_DIR,   /* every unix socket directly in it is a control socket */
};

static const struct
{
  const char *path;
  enum _type type;
  const char *owner; /* whose sockets */
} _table[] = {
  { "/", T_SENSITIVE, NULL },
  { "/boot", T_SENSITIVE, NULL },
  { "/dev", T_SENSITIVE, NULL },
  { "/proc", T_SENSITIVE, NULL },
  { "/sys", T_SENSITIVE, NULL },
  { "/etc", T_SENSITIVE, NULL },
  { "/root", T_SENSITIVE, NULL },
  { HS_STATE_DIR, T_SENSITIVE, NULL }, /* hardshim's own (own_dirs.h refuses it and what is in it) */
  { "/usr", T_SENSITIVE_RW, NULL },
  { "/lib", T_SENSITIVE_RW, NULL },
  { "/lib32", T_SENSITIVE_RW, NULL },
  { "/lib64", T_SENSITIVE_RW, NULL },
  { "/libx32", T_SENSITIVE_RW, NULL },
  { "/usr/lib", T_SENSITIVE_RW, NULL },
  { "/usr/lib32", T_SENSITIVE_RW, NULL },
  { "/usr/lib64", T_SENSITIVE_RW, NULL },
  { "/usr/libx32", T_SENSITIVE_RW, NULL },
  { "/usr/libexec", T_SENSITIVE_RW, NULL },
  { "/bin", T_SENSITIVE_RW, NULL },
  { "/sbin", T_SENSITIVE_RW, NULL },
  { "/usr/bin", T_SENSITIVE_RW, NULL },
  { "/usr/sbin", T_SENSITIVE_RW, NULL },
  { "/usr/local/bin", T_SENSITIVE_RW, NULL },
  { "/usr/local/sbin", T_SENSITIVE_RW, NULL },
  { "/usr/local/lib", T_SENSITIVE_RW, NULL },
  { "/usr/local/libexec", T_SENSITIVE_RW, NULL },
  { "/opt/cni/bin", T_SENSITIVE_RW, NULL },
  { "/var/lib/docker", T_STATE_ROOT, "dockerd" },
  { "/var/lib/containerd", T_STATE_ROOT, "containerd" },
  { "/var/lib/containers", T_STATE_ROOT, "podman" },
  { "/var/lib/kubelet", T_STATE_ROOT, "kubelet" },
  { "/var/lib/crio", T_STATE_ROOT, "CRI-O" },
  { "/var/lib/buildkit", T_STATE_ROOT, "buildkitd" },
  { "/var/lib/cni", T_STATE_ROOT, "CNI" },
  { "/var/lib/rancher/k3s", T_STATE_ROOT, "k3s" },
  { "/run/docker", T_STATE_ROOT, "dockerd" },
  { "/run/containerd", T_STATE_ROOT, "containerd" },
  { "/run/containers", T_STATE_ROOT, "podman" },
  { "/run/crio", T_STATE_ROOT, "CRI-O" },
  { "/run/podman", T_STATE_ROOT, "podman API" },
  { "/run/libpod", T_STATE_ROOT, "podman" },
  { "/run/runc", T_STATE_ROOT, "runc" },
  { "/run/crun", T_STATE_ROOT, "crun" },
  { "/run/buildkit", T_STATE_ROOT, "buildkitd" },
  { "/run/k3s", T_STATE_ROOT, "k3s" },
  { "/var/run/docker.sock", T_SOCKET, "Docker API" },
  { "/var/run/docker.raw.sock", T_SOCKET, "Docker API" },
  { "/run/containerd/containerd.sock", T_SOCKET, "containerd" },
  { "/run/containerd/containerd.sock.ttrpc", T_SOCKET, "containerd" },
  { "/run/containerd/debug.sock", T_SOCKET, "containerd" },
  { "/run/crio/crio.sock", T_SOCKET, "CRI-O" },
  { "/run/podman/podman.sock", T_SOCKET, "podman API" },
  { "/run/buildkit/buildkitd.sock", T_SOCKET, "buildkitd" },
  { "/var/lib/kubelet/pod-resources/kubelet.sock", T_SOCKET, "kubelet" },
  { "/var/lib/kubelet/device-plugins/kubelet.sock", T_SOCKET, "kubelet" },
  { "/run/dockershim.sock", T_SOCKET, "kubelet" },
  { "/run/cri-dockerd.sock", T_SOCKET, "cri-dockerd" },
  { "/run/k3s/containerd/containerd.sock", T_SOCKET, "containerd" },
  { "/run/containerd/s", T_SOCKET_DIR, "containerd shim" },
  { "/run/docker/libnetwork", T_SOCKET_DIR, "dockerd" },
  { "/run/docker/containerd", T_SOCKET_DIR, "containerd" },
};

/* At most this many entries in one directory of the table, and this many
 * directories above an entry: beyond, the probe cannot judge (fail closed). */
#define _MAX_ENTRIES 100000
#define _MAX_DEPTH 256

/* The order of precedence (host_paths.h): higher wins. */
static int
_rank (hs_bind_kind kind, bool above)
{
  switch (kind)
    {
    case HS_BIND_SOCKET:
      return above ? 1 : 5;
    case HS_BIND_SENSITIVE:
      return 4;
    case HS_BIND_SENSITIVE_RW:
      return 3;
    case HS_BIND_DEVICE:
      return 2;
    default:
      return 0;
    }
}

/* What the probe keeps per source while it looks. */
typedef struct _best
{
  size_t entry;  /* table index of the current kind */
  char *spelled; /* the source cleaned, when absolute: among equals, the what spelled so wins */
} _best;

/* Offer b the classification (kind, above, what = dir[/name], owner) found
 * at table entry; it takes it when it comes first in the order. */
static void
_offer (hs_bind_ref *b, _best *best, hs_bind_kind kind, bool above, size_t entry, const char *dir, const char *name,
        const char *owner)
{
  int cur = b->kind == HS_BIND_PLAIN ? 0 : _rank (b->kind, b->above), got = _rank (kind, above);
  _cleanup_free_ char *what = name != NULL ? xasprintf ("%s/%s", dir, name) : xstrdup (dir);

  if (got < cur)
    return;
  if (got == cur)
    {
      bool spelled = best->spelled != NULL && strcmp (what, best->spelled) == 0;
      bool cur_spelled = best->spelled != NULL && strcmp (b->what, best->spelled) == 0;
      if (above != b->above)
        {
          if (above)
            return;
        }
      else if (spelled != cur_spelled)
        {
          if (cur_spelled)
            return;
        }
      else if (entry > best->entry || (entry == best->entry && strcmp (what, b->what) >= 0))
        return;
    }
  free (b->what);
  b->what = TAKE_PTR (what);
  b->kind = kind;
  b->above = above;
  b->owner = kind == HS_BIND_SOCKET ? owner : NULL;
  best->entry = entry;
}

static bool
_same (const struct stat *st, const hs_bind_ref *b)
{
  return b->id.exists && st->st_dev == b->id.dev && st->st_ino == b->id.ino;
}

static void
_offer_all (const struct stat *st, hs_bind_ref *binds, _best *best, size_t n, hs_bind_kind kind, bool above,
            size_t entry, const char *what, const char *owner)
{
  for (size_t i = 0; i < n; i++)
    if (_same (st, &binds[i]))
      _offer (&binds[i], &best[i], kind, above, entry, what, NULL, owner);
}

/* Offer every source that is one of the directories above fd (its
 * directory, as the kernel resolved it, for what is no directory; then
 * `..` until it no longer changes) the kind `above`. */
static int
_offer_above (int fd, const struct stat *fd_st, hs_bind_ref *binds, _best *best, size_t n, hs_bind_kind kind,
              size_t entry, const char *what, const char *owner, hs_error *err)
{
  _cleanup_close_ int cur = -1;
  struct stat st, prev;

  if (S_ISDIR (fd_st->st_mode))
    cur = dup (fd);
  else
    {
      _cleanup_free_ char *real = hs_fd_path (fd);
      char *slash = strrchr (real, '/');
      if (real[0] == '/' && slash != NULL)
        {
          *slash = '\0';
          cur = open (real[0] != '\0' ? real : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
      else
        errno = ENOENT;
    }
  if (cur < 0 || fstat (cur, &prev) < 0)
    return hs_error_sys (err, errno, "look above `%s`", what);
  if (!S_ISDIR (fd_st->st_mode))
    _offer_all (&prev, binds, best, n, kind, true, entry, what, owner);
  for (int depth = 0;; depth++)
    {
      int up = openat (cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (up < 0 || fstat (up, &st) < 0)
        {
          int e = errno;
          if (up >= 0)
            close (up);
          return hs_error_sys (err, e, "look above `%s`", what);
        }
      close (cur);
      cur = up;
      if (st.st_dev == prev.st_dev && st.st_ino == prev.st_ino)
        return 0; /* the root */
      if (depth == _MAX_DEPTH)
        return hs_error_set (err, ELOOP, "more than %d directories above `%s`: cannot judge bind sources", _MAX_DEPTH,
                             what);
      _offer_all (&st, binds, best, n, kind, true, entry, what, owner);
      prev = st;
    }
}

/* The entries directly in directory fd (table entry `entry`): for a state
 * root each is sensitive and each unix socket its owner's; in a socket
 * directory each unix socket is.  *ret_socket: the smallest socket name
 * found (NULL: none), for the directories above. */
static int
_offer_children (int fd, hs_bind_ref *binds, _best *best, size_t n, size_t entry, char **ret_socket, hs_error *err)
{
  const char *dir = _table[entry].path;
  int dfd = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dfd >= 0 ? fdopendir (dfd) : NULL;
  size_t count = 0;
  struct dirent *e;
  int r = 0;

  if (d == NULL)
    {
      r = hs_error_sys (err, errno, "read `%s`", dir);
      if (dfd >= 0)
        close (dfd);
      return r;
    }
  while (r == 0 && (errno = 0, e = readdir (d)) != NULL)
    {
      struct stat st;
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (++count > _MAX_ENTRIES)
        r = hs_error_set (err, E2BIG, "more than %d entries in `%s`: cannot judge bind sources", _MAX_ENTRIES, dir);
      else if (fstatat (dirfd (d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
          if (errno != ENOENT) /* gone since readdir */
            r = hs_error_sys (err, errno, "stat `%s/%s`", dir, e->d_name);
        }
      else if (!S_ISLNK (st.st_mode) && (S_ISSOCK (st.st_mode) || _table[entry].type == T_STATE_ROOT))
        {
          bool sock = S_ISSOCK (st.st_mode);
          if (sock && (*ret_socket == NULL || strcmp (e->d_name, *ret_socket) < 0))
            {
              free (*ret_socket);
              *ret_socket = xstrdup (e->d_name);
            }
          for (size_t i = 0; i < n; i++)
            if (_same (&st, &binds[i]))
              _offer (&binds[i], &best[i], sock ? HS_BIND_SOCKET : HS_BIND_SENSITIVE, false, entry, dir, e->d_name,
                      _table[entry].owner);
        }
    }
  if (r == 0 && errno != 0)
    r = hs_error_sys (err, errno, "read `%s`", dir);
  closedir (d);
  return r;
}

/* One entry of the table, if it exists here. */
static int
_entry (size_t entry, hs_bind_ref *binds, _best *best, size_t n, hs_error *err)
{
  const char *path = _table[entry].path, *owner = _table[entry].owner;
  enum _type type = _table[entry].type;
  _cleanup_close_ int fd = open (path, O_PATH | O_CLOEXEC);
  _cleanup_free_ char *socket = NULL, *socket_path = NULL;
  hs_bind_kind kind = type == T_SENSITIVE_RW ? HS_BIND_SENSITIVE_RW : HS_BIND_SENSITIVE;
  struct stat st;
  int r;

  if (fd < 0 || fstat (fd, &st) < 0)
    return 0; /* not on this host (or not for hardshim to see) */
  if (type == T_SOCKET)
    {
      if (!S_ISSOCK (st.st_mode))
        return 0;
      _offer_all (&st, binds, best, n, HS_BIND_SOCKET, false, entry, path, owner);
      return _offer_above (fd, &st, binds, best, n, HS_BIND_SOCKET, entry, path, owner, err);
    }
  if (type == T_STATE_ROOT || type == T_SOCKET_DIR)
    {
      if (!S_ISDIR (st.st_mode))
        return 0;
      r = _offer_children (fd, binds, best, n, entry, &socket, err);
      if (r < 0)
        return r;
    }
  if (type == T_SOCKET_DIR)
    {
      if (socket == NULL)
        return 0;
      socket_path = xasprintf ("%s/%s", path, socket);
      _offer_all (&st, binds, best, n, HS_BIND_SOCKET, true, entry, socket_path, owner);
      return _offer_above (fd, &st, binds, best, n, HS_BIND_SOCKET, entry, socket_path, owner, err);
    }
  _offer_all (&st, binds, best, n, kind, false, entry, path, NULL);
  return _offer_above (fd, &st, binds, best, n, kind, entry, path, NULL, err);
}

static size_t
_entry_of (const char *path)
{
  size_t i = 0;

  while (strcmp (_table[i].path, path) != 0)
    i++;
  return i;
}

int
hs_host_paths_classify (hs_bind_ref *binds, const bool *via_proc, size_t n, hs_error *err)
{
  _cleanup_free_ _best *best = xcalloc (n + 1, sizeof *best);
  int r = 0;

  for (size_t i = 0; i < n; i++)
    {
      binds[i].kind = HS_BIND_PLAIN;
      const char *spelled = binds[i].via != NULL ? binds[i].via : binds[i].source;
      best[i].spelled = spelled[0] == '/' ? hs_path_clean (spelled) : NULL;
      if (via_proc[i])
        _offer (&binds[i], &best[i], HS_BIND_SENSITIVE, false, _entry_of ("/proc"), "/proc", NULL, NULL);
      else if (binds[i].devtype != 0)
        _offer (&binds[i], &best[i], HS_BIND_DEVICE, false, 0, spelled, NULL, NULL);
    }
  for (size_t e = 0; r == 0 && e < HS_ARRAY_SIZE (_table); e++)
    r = _entry (e, binds, best, n, err);
  for (size_t i = 0; i < n; i++)
    free (best[i].spelled);
  return r;
}
