/* SPDX-License-Identifier: Apache-2.0 */
/* The cgroup a spec names, and whose processes are in it (cgroup_probe.h). */
#include "config.h"

#include "host/cgroup_probe.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define _CGROUP_ROOT "/sys/fs/cgroup"
#define _MAX_DEPTH 100

/* A cgroup hierarchy mounted under /sys/fs/cgroup. */
typedef struct _mount
{
  char *point; /* where */
  char *root;  /* the cgroup at its root (field 4 of mountinfo) */
  char *opts;  /* super options: its controllers, e.g. "rw,cpu,cpuacct" or "rw,name=systemd" */
  bool v2;
  char *own; /* hardshim's cgroup in it, relative to root (NULL: not found) */
} _mount;

/* A directory the spec may name: inner from the hierarchy's root, or from
 * hardshim's own cgroup (relative); raw: resolved by the kernel as spelled. */
typedef struct _candidate
{
  bool relative;
  char *inner;
} _candidate;

typedef struct _probe
{
  _mount *mounts;
  size_t nmounts;
  _candidate cands[6];
  size_t ncands;
  size_t dirs; /* read so far (all walks) */
} _probe;

static void
_probe_release (_probe *p)
{
  for (size_t i = 0; i < p->nmounts; i++)
    {
      free (p->mounts[i].point);
      free (p->mounts[i].root);
      free (p->mounts[i].opts);
      free (p->mounts[i].own);
    }
  free (p->mounts);
  for (size_t i = 0; i < p->ncands; i++)
    free (p->cands[i].inner);
}
#define _cleanup_probe_ _cleanup_ (_probe_release)

static void
_add (_probe *p, bool relative, char *inner)
{
  for (size_t i = 0; i < p->ncands; i++)
    if (p->cands[i].relative == relative && strcmp (p->cands[i].inner, inner) == 0)
      {
        free (inner);
        return;
      }
  p->cands[p->ncands++] = (_candidate){ .relative = relative, .inner = inner };
}

/* mountinfo's octal escapes (\040 for a space), in place. */
static void
_unescape (char *s)
{
  char *o = s;

  for (; *s != '\0'; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
      {
        *o++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
        s += 3;
      }
    else
      *o++ = *s;
  *o = '\0';
}

/* Every item of the comma-separated list want is in list have. */
static bool
_all_in (const char *want, const char *have)
{
  _cleanup_free_ char *w = xstrdup (want), *h = xasprintf (",%s,", have);
  char *save = NULL;
  bool any = false;

  for (char *c = strtok_r (w, ",", &save); c != NULL; c = strtok_r (NULL, ",", &save))
    {
      _cleanup_free_ char *item = xasprintf (",%s,", c);
      if (strstr (h, item) == NULL)
        return false;
      any = true;
    }
  return any;
}

static int
_read_mounts (_probe *p, hs_error *err)
{
  FILE *f = fopen ("/proc/self/mountinfo", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;

  if (f == NULL)
    return hs_error_sys (err, errno, "open `/proc/self/mountinfo`");
  while (getline (&line, &cap, f) > 0)
    {
      char *field[6], *save = NULL, *sep = strstr (line, " - ");
      size_t n = 0;
      if (sep == NULL)
        continue;
      *sep = '\0';
      for (char *t = strtok_r (line, " ", &save); t != NULL && n < 5; t = strtok_r (NULL, " ", &save))
        field[n++] = t;
      char *type = strtok_r (sep + 3, " ", &save), *source = strtok_r (NULL, " ", &save);
      char *opts = strtok_r (NULL, " \n", &save);
      if (n < 5 || type == NULL || source == NULL || opts == NULL
          || (strcmp (type, "cgroup") != 0 && strcmp (type, "cgroup2") != 0))
        continue;
      _unescape (field[3]);
      _unescape (field[4]);
      if (!hs_path_within (field[4], _CGROUP_ROOT))
        continue;
      p->mounts = xrealloc (p->mounts, (p->nmounts + 1) * sizeof *p->mounts);
      p->mounts[p->nmounts++] = (_mount){ .point = xstrdup (field[4]),
                                          .root = xstrdup (field[3]),
                                          .opts = xstrdup (opts),
                                          .v2 = strcmp (type, "cgroup2") == 0 };
    }
  fclose (f);
  return 0;
}

/* path (absolute) relative to root, or NULL when it is not below it. */
static char *
_below (const char *path, const char *root)
{
  size_t n = strlen (root);

  if (strcmp (root, "/") == 0)
    return xstrdup (path);
  if (strncmp (path, root, n) != 0 || (path[n] != '\0' && path[n] != '/'))
    return NULL;
  return xstrdup (path[n] == '\0' ? "/" : path + n);
}

/* Each mount's own cgroup from /proc/self/cgroup ("ID:CONTROLLERS:PATH"). */
static int
_read_own (_probe *p, hs_error *err)
{
  FILE *f = fopen ("/proc/self/cgroup", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  ssize_t len;

  if (f == NULL)
    return hs_error_sys (err, errno, "open `/proc/self/cgroup`");
  while ((len = getline (&line, &cap, f)) > 0)
    {
      char *c1 = strchr (line, ':'), *c2 = c1 != NULL ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      if (line[len - 1] == '\n')
        line[len - 1] = '\0';
      *c2 = '\0';
      const char *ctrls = c1 + 1, *path = c2 + 1;
      for (size_t i = 0; i < p->nmounts; i++)
        if (p->mounts[i].own == NULL && (p->mounts[i].v2 ? *ctrls == '\0' : _all_in (ctrls, p->mounts[i].opts)))
          p->mounts[i].own = _below (path, p->mounts[i].root);
    }
  fclose (f);
  return 0;
}

static bool
_ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s), k = strlen (suffix);

  return n > k && strcmp (s + n - k, suffix) == 0;
}

char *
hs_cgroup_expand_slice (const char *slice)
{
  _cleanup_free_ char *name = NULL, *path = xstrdup (""), *prefix = xstrdup ("");
  char *save = NULL;

  if (!_ends_with (slice, ".slice") || strchr (slice, '/') != NULL)
    return NULL;
  name = xstrndup (slice, strlen (slice) - 6);
  if (strcmp (name, "-") == 0)
    return xstrdup ("/");
  if (name[0] == '-' || name[strlen (name) - 1] == '-' || strstr (name, "--") != NULL)
    return NULL;
  for (char *c = strtok_r (name, "-", &save); c != NULL; c = strtok_r (NULL, "-", &save))
    {
      char *p = xasprintf ("%s/%s%s.slice", path, prefix, c), *q = xasprintf ("%s%s-", prefix, c);
      free (path);
      free (prefix);
      path = p;
      prefix = q;
    }
  return TAKE_PTR (path);
}

/* unit in slice, when slice is a valid one. */
static void
_add_unit (_probe *p, const char *slice, const char *unit)
{
  _cleanup_free_ char *dir = hs_cgroup_expand_slice (slice[0] != '\0' ? slice : "system.slice");

  if (dir != NULL)
    {
      _cleanup_free_ char *joined = xasprintf ("%s/%s", dir, unit);
      _add (p, false, hs_path_clean (joined));
    }
}

static void
_systemd_candidates (_probe *p, const char *path)
{
  const char *c1 = strchr (path, ':'), *c2 = c1 != NULL ? strchr (c1 + 1, ':') : NULL;
  _cleanup_free_ char *slice = NULL, *crun_unit = NULL, *prefix = NULL, *unit = NULL;
  char *colon;

  if (c1 == NULL) /* crun: PATH.scope in the default slice */
    {
      unit = xasprintf ("%s.scope", path);
      _add_unit (p, "", unit);
      return;
    }
  slice = xstrndup (path, (size_t) (c1 - path));
  /* crun: what follows the slice, its first `:` made `-`, as a scope */
  crun_unit = xasprintf ("%s.scope", c1 + 1);
  if ((colon = strchr (crun_unit, ':')) != NULL)
    *colon = '-';
  _add_unit (p, slice, crun_unit);
  /* runc: exactly slice:prefix:name */
  if (c2 == NULL || strchr (c2 + 1, ':') != NULL)
    return;
  prefix = xstrndup (c1 + 1, (size_t) (c2 - c1 - 1));
  unit = _ends_with (c2 + 1, ".slice") ? xstrdup (c2 + 1)
         : prefix[0] == '\0'           ? xasprintf ("%s.scope", c2 + 1)
                                       : xasprintf ("%s-%s.scope", prefix, c2 + 1);
  _add_unit (p, slice, unit);
}

static bool
_has_dotdot (const char *path)
{
  _cleanup_free_ char *copy = xstrdup (path);
  char *save = NULL;

  for (char *c = strtok_r (copy, "/", &save); c != NULL; c = strtok_r (NULL, "/", &save))
    if (strcmp (c, "..") == 0)
      return true;
  return false;
}

static void
_cgroupfs_candidates (_probe *p, const char *path)
{
  bool relative = path[0] != '/';

  _add (p, relative, hs_path_clean (path));
  if (relative)
    _add (p, false, hs_path_clean (path));
  if (_has_dotdot (path))
    {
      /* As the kernel resolves it, unclean (`..` may leave the hierarchy). */
      _add (p, relative, relative ? xasprintf ("/%s", path) : xstrdup (path));
      if (relative)
        _add (p, false, xasprintf ("/%s", path));
    }
}

/* How many processes are in the cgroup dfd and below (closes dfd); false
 * when there are more than HS_CGROUP_WALK_MAX cgroups to read. */
static bool
_count (_probe *p, int dfd, int depth, size_t *procs)
{
  _cleanup_close_ int f = openat (dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
  DIR *d = NULL;
  struct dirent *e;
  char buf[4096];
  ssize_t n;
  bool ok = true;

  if (++p->dirs > HS_CGROUP_WALK_MAX || depth > _MAX_DEPTH)
    {
      close (dfd);
      return false;
    }
  while (f >= 0 && (n = read (f, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < n; i++)
      *procs += buf[i] == '\n';
  d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return true;
    }
  while (ok && (e = readdir (d)) != NULL)
    {
      int sub;
      if (e->d_type != DT_DIR || strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      sub = openat (dirfd (d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub >= 0)
        ok = _count (p, sub, depth + 1, procs);
    }
  closedir (d);
  return ok;
}

/* dir, if it is a cgroup that holds processes: *ret_procs, true. */
static bool
_foreign (_probe *p, const char *dir, size_t *ret_procs)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct statfs fs;
  size_t procs = 0;
  bool judged;

  if (fd < 0)
    return false;
  if (fstatfs (fd, &fs) < 0 || (fs.f_type != CGROUP_SUPER_MAGIC && fs.f_type != CGROUP2_SUPER_MAGIC))
    {
      close (fd);
      return false;
    }
  judged = _count (p, fd, 0, &procs);
  *ret_procs = procs;
  return !judged || procs > 0;
}

/* Candidate c's directory in mount m; NULL where it has none there. */
static char *
_candidate_dir (const _probe *p, size_t c, size_t m)
{
  const _mount *mt = &p->mounts[m];

  if (p->cands[c].relative && mt->own == NULL)
    return NULL;
  return xasprintf ("%s%s%s", mt->point, p->cands[c].relative && strcmp (mt->own, "/") != 0 ? mt->own : "",
                    p->cands[c].inner);
}

/* Did an earlier candidate name dir in mount m?  (A relative and an
 * absolute one do where hardshim's own cgroup is the hierarchy's root.) */
static bool
_tried (const _probe *p, size_t cand, size_t m, const char *dir)
{
  for (size_t c = 0; c < cand; c++)
    {
      _cleanup_free_ char *earlier = _candidate_dir (p, c, m);
      if (earlier != NULL && strcmp (earlier, dir) == 0)
        return true;
    }
  return false;
}

int
hs_cgroup_probe (hs_json spec, bool systemd, const char *id, char **ret_dir, size_t *ret_procs, hs_error *err)
{
  hs_json path = hs_json_get (hs_json_get (spec, "linux"), "cgroupsPath");
  _cleanup_free_ char *dflt = NULL;
  const char *named;
  _cleanup_probe_ _probe p = { 0 };
  int r;

  *ret_dir = NULL;
  *ret_procs = 0;
  if (hs_json_is_string (path) && hs_json_string (path)[0] != '\0')
    named = hs_json_string (path);
  else if (id != NULL) /* none: the runtime names one after the container */
    named = dflt = systemd ? xasprintf ("system.slice:runc:%s", id) : xstrdup (id);
  else
    return 0;
  if (systemd)
    _systemd_candidates (&p, named);
  else
    _cgroupfs_candidates (&p, named);
  if (systemd && dflt != NULL) /* crun's default */
    {
      _cleanup_free_ char *crun = xasprintf ("system.slice:crun:%s", id);
      _systemd_candidates (&p, crun);
    }
  r = _read_mounts (&p, err);
  if (r == 0)
    r = _read_own (&p, err);
  for (size_t c = 0; r == 0 && c < p.ncands && *ret_dir == NULL; c++)
    for (size_t m = 0; m < p.nmounts && *ret_dir == NULL; m++)
      {
        _cleanup_free_ char *dir = _candidate_dir (&p, c, m);
        if (dir == NULL || _tried (&p, c, m, dir))
          continue;
        if (_foreign (&p, dir, ret_procs))
          *ret_dir = hs_path_clean (dir);
      }
  return r;
}

int
hs_cgroup_layout_probe (hs_cgroup_layout *ret, hs_error *err)
{
  _cleanup_probe_ _probe p = { 0 };
  hs_cgroup_layout l = { 0 };
  int r = _read_mounts (&p, err);

  if (r < 0)
    return r;
  for (size_t i = 0; i < p.nmounts; i++)
    {
      if (!p.mounts[i].v2)
        {
          l.v1++;
          continue;
        }
      if (l.v2_point != NULL)
        continue;
      _cleanup_free_ char *file = xasprintf ("%s/cgroup.controllers", p.mounts[i].point);
      FILE *f = fopen (file, "re");
      char line[4096] = "";
      l.v2_point = xstrdup (p.mounts[i].point);
      if (f != NULL)
        {
          if (fgets (line, sizeof line, f) == NULL)
            line[0] = '\0';
          fclose (f);
        }
      line[strcspn (line, "\n")] = '\0';
      l.v2_controllers = xstrdup (line);
    }
  *ret = l;
  return 0;
}

void
hs_cgroup_layout_release (hs_cgroup_layout *l)
{
  free (l->v2_point);
  free (l->v2_controllers);
  *l = (hs_cgroup_layout){ 0 };
}
