/* SPDX-License-Identifier: Apache-2.0 */
/* References to host resources a spec makes (host_refs.h): bind sources
 * resolved here and classified by host_paths.c, hooks by hook_probe.c, the
 * cgroup by cgroup_probe.c. */
#include "config.h"

#include "host/bind_pins.h"
#include "host/cgroup_probe.h"
#include "host/hook_probe.h"
#include "host/host_paths.h"
#include "host/submounts.h"
#include "host/host_refs.h"
#include "spec/spec.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

static void
_id_of_fd (int fd, hs_id_ref *ret)
{
  struct stat st;

  *ret = (hs_id_ref){ 0 };
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      ret->error = errno;
      return;
    }
  ret->exists = true;
  ret->dev = st.st_dev;
  ret->ino = st.st_ino;
}

void
hs_id_ref_of (const char *path, hs_id_ref *ret)
{
  _cleanup_close_ int fd = path[0] == '/' ? open (path, O_PATH | O_CLOEXEC) : -1;

  if (path[0] != '/')
    errno = EINVAL;
  _id_of_fd (fd, ret);
}

/* Did resolving source (from dirfd) go through a /proc magic link?  Then
 * what the runtime gets depends on the process that resolves it.  Without
 * openat2 (kernels before 5.6, valgrind, a seccomp filter that refuses it):
 * whether it is spelled below /proc (and the object itself on procfs). */
static bool
_via_magic_link (int dirfd, const char *source, const char *bundle)
{
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
  int fd = (int) syscall (SYS_openat2, dirfd, source, &how, sizeof how);
  _cleanup_free_ char *spelled = NULL, *clean = NULL;

  if (fd >= 0)
    {
      close (fd);
      return false;
    }
  if (errno != ENOSYS && errno != EPERM) /* EPERM: a seccomp filter that does not know openat2 */
    return true;                         /* ELOOP: a magic link; anything else: cannot tell, as if */
  spelled = source[0] == '/' ? xstrdup (source) : xasprintf ("%s/%s", bundle, source);
  clean = hs_path_clean (spelled);
  return hs_path_within (clean, "/proc");
}

/* The identity of bind source b->source (or b->via), opened as the kernel
 * resolves it when the runtime mounts it; the descriptor is kept in b->fd. */
static void
_resolve_source (int bundle_fd, const char *bundle, hs_bind_ref *b, bool *ret_via_proc)
{
  const char *path = b->via != NULL ? b->via : b->source;
  int dirfd = path[0] == '/' ? AT_FDCWD : bundle_fd;
  _cleanup_close_ int fd = -1;
  struct statfs fs;
  struct stat st;

  *ret_via_proc = false;
  if (path[0] == '\0')
    {
      b->id.error = ENOENT;
      return;
    }
  fd = openat (dirfd, path, O_PATH | O_CLOEXEC);
  _id_of_fd (fd, &b->id);
  if (!b->id.exists)
    return;
  if (fstat (fd, &st) == 0 && (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode)))
    {
      b->devtype = S_ISBLK (st.st_mode) ? 'b' : 'c';
      b->major = major (st.st_rdev);
      b->minor = minor (st.st_rdev);
    }
  *ret_via_proc = (fstatfs (fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC) || _via_magic_link (dirfd, path, bundle);
  b->fd = TAKE_FD (fd);
}

/* Every bind source of the spec, once each, sorted (hs_host_bind_ref
 * searches them: a spec may have many mounts). */
static int
_probe_binds (hs_json spec, const char *bundle, bool sealed, hs_host *host, hs_error *err)
{
  hs_json mounts = hs_json_get (spec, "mounts");
  _cleanup_close_ int bundle_fd = -1;
  _cleanup_free_ bool *via_proc = NULL;
  size_t n = hs_json_is_array (mounts) ? hs_json_array_len (mounts) : 0, k = 0;
  int r;

  host->binds = xcalloc (n + 1, sizeof *host->binds);
  for (size_t i = 0; i < n; i++)
    {
      hs_json m = hs_json_at (mounts, i), source = hs_json_get (m, "source");
      bool recursive;
      if (hs_spec_mount_is_bind (m, &recursive) && hs_json_is_string (source))
        host->binds[host->nbinds++].source = (char *) hs_json_string (source); /* borrowed until copied below */
    }
  qsort (host->binds, host->nbinds, sizeof *host->binds, hs_bind_ref_compare);
  for (size_t i = 0; i < host->nbinds; i++)
    if (k == 0 || strcmp (host->binds[i].source, host->binds[k - 1].source) != 0)
      host->binds[k++].source = host->binds[i].source;
  host->nbinds = k;
  for (size_t i = 0; i < host->nbinds; i++)
    {
      const char *kept = sealed ? hs_bind_pins_kept_source (spec, host->binds[i].source) : NULL;
      host->binds[i].source = xstrdup (host->binds[i].source);
      host->binds[i].via = kept != NULL ? xstrdup (kept) : NULL;
      host->binds[i].fd = -1;
    }

  via_proc = xcalloc (host->nbinds + 1, sizeof *via_proc);
  for (size_t i = 0; i < host->nbinds; i++)
    {
      hs_bind_ref *b = &host->binds[i];
      if ((b->via != NULL ? b->via : b->source)[0] != '/' && bundle_fd < 0)
        {
          bundle_fd = open (bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
          if (bundle_fd < 0)
            return hs_error_sys (err, errno, "open the bundle `%s`", bundle);
        }
      _resolve_source (bundle_fd, bundle, b, &via_proc[i]);
    }
  if (host->nbinds == 0)
    return 0;
  r = hs_host_paths_classify (host->binds, via_proc, host->nbinds, err);
  if (r == 0)
    r = hs_submounts_classify (host->binds, host->nbinds, err);
  return r;
}

/* The identity of every path each class allows (allow.binds, allow.hooks). */
static void
_probe_classes (const hs_policy *policy, hs_host *host)
{
  host->nclasses = policy != NULL ? policy->nclasses : 0;
  host->class_binds = xcalloc (host->nclasses + 1, sizeof *host->class_binds);
  host->class_hooks = xcalloc (host->nclasses + 1, sizeof *host->class_hooks);
  for (size_t c = 0; c < host->nclasses; c++)
    {
      const hs_allow *a = &policy->classes[c].allow;
      host->class_binds[c] = xcalloc (a->nbinds + 1, sizeof **host->class_binds);
      host->class_hooks[c] = xcalloc (a->hooks.n + 1, sizeof **host->class_hooks);
      for (size_t k = 0; k < a->nbinds; k++)
        hs_id_ref_of (a->binds[k].source, &host->class_binds[c][k]);
      for (size_t k = 0; k < a->hooks.n; k++)
        hs_id_ref_of (a->hooks.v[k], &host->class_hooks[c][k]);
    }
}

int
hs_host_probe_refs (hs_json spec, const char *bundle, bool sealed, const hs_policy *policy, bool systemd_cgroup,
                    hs_host *host, hs_error *err)
{
  int r = _probe_binds (spec, bundle, sealed, host, err);

  if (r == 0)
    r = hs_hook_probe (spec, host, err);
  if (r == 0)
    _probe_classes (policy, host);
  if (r == 0)
    r = hs_cgroup_probe (spec, systemd_cgroup, host->container_id, &host->cgroup_foreign, &host->cgroup_foreign_procs,
                         err);
  return r;
}

void
hs_host_refs_release (hs_host *host)
{
  for (size_t i = 0; i < host->nbinds; i++)
    {
      free (host->binds[i].source);
      free (host->binds[i].via);
      free (host->binds[i].what);
      if (host->binds[i].fd >= 0)
        close (host->binds[i].fd);
    }
  free (host->binds);
  for (size_t i = 0; i < host->nhooks; i++)
    {
      free (host->hooks[i].path);
      free (host->hooks[i].real);
      free ((char *) host->hooks[i].engine);
    }
  free (host->hooks);
  for (size_t c = 0; c < host->nclasses; c++)
    {
      free (host->class_binds[c]);
      free (host->class_hooks[c]);
    }
  free (host->class_binds);
  free (host->class_hooks);
  free (host->cgroup_foreign);
  host->binds = NULL;
  host->hooks = NULL;
  host->class_binds = host->class_hooks = NULL;
  host->cgroup_foreign = NULL;
  host->nbinds = host->nhooks = host->nclasses = 0;
}
