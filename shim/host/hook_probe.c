/* SPDX-License-Identifier: Apache-2.0 */
/* The spec's hooks, judged on the host (hook_probe.h). */
#include "config.h"

#include "spec/file.h"
#include "host/hook_probe.h"
#include "host/host_refs.h"
#include "host/trust.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static const char *const _stages[]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop" };

static const char *const _dockerd[] = { "/usr/sbin/dockerd", "/usr/bin/dockerd" };

static const char *const _podman_dirs[] = { "/etc/containers/oci/hooks.d", "/usr/share/containers/oci/hooks.d" };

/* A podman hook file is small; more hook files than this are not read. */
#define _HOOK_FILE_MAX (64u * 1024u)
#define _HOOK_FILES_MAX 1024

/* One hook a podman hook file names. */
typedef struct _podman_hook
{
  char *file;
  hs_id_ref id;
  hs_json args, env; /* the file's (NULL: none) */
  hs_json stages;    /* the stages it is for */
  bool always;       /* "when": {"always": true}: podman adds it to every container */
} _podman_hook;

/* What the engines' own hooks are on this host, read once per probe. */
typedef struct _engines
{
  bool read;
  hs_id_ref dockerd[HS_ARRAY_SIZE (_dockerd)];
  _podman_hook *podman;
  size_t npodman;
  hs_json trees[_HOOK_FILES_MAX]; /* the parsed files args/env point into */
  size_t ntrees;
} _engines;

static void
_engines_release (_engines *e)
{
  for (size_t i = 0; i < e->npodman; i++)
    free (e->podman[i].file);
  free (e->podman);
  for (size_t i = 0; i < e->ntrees; i++)
    hs_json_free (e->trees[i]);
}
#define _cleanup_engines_ _cleanup_ (_engines_release)

/* No one but root can change path (its directories included). */
static bool
_trusted_path (const char *path)
{
  _cleanup_error_ hs_error err = { 0 };

  return hs_trust_path (path, "hook", &err) == 0;
}

/* docker's exec root: root's alone, not even a sticky directory others
 * may write (the hook, dockerd as host root, talks to a socket in it). */
static bool
_trusted_exec_root (const char *dir)
{
  struct stat st;

  return stat (dir, &st) == 0 && S_ISDIR (st.st_mode) && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0 && _trusted_path (dir);
}

/* A program only root can change: a regular file, and the directories above it. */
static bool
_trusted_program (const char *path)
{
  _cleanup_error_ hs_error err = { 0 };

  return hs_file_check_trusted (path, 0, "hook", NULL, &err) == 0;
}

/* One podman hook file: remember its hook's program, args and env. */
static void
_podman_file (_engines *e, const char *file)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ hs_error err = { 0 };
  hs_json tree = NULL, hook, path, args, env = NULL, stages;
  size_t len;

  if (e->ntrees == _HOOK_FILES_MAX || hs_file_read_trusted (file, "hook file", _HOOK_FILE_MAX, &text, &len, &err) < 0
      || hs_json_parse (text, len, &tree, &err) < 0)
    return;
  e->trees[e->ntrees++] = tree;
  hook = hs_json_get (tree, "hook");
  if (hs_json_is_string (hook)) /* version 0.1.0: "hook": PATH, "arguments": [...], "stage": [...] */
    path = hook, args = hs_json_get (tree, "arguments"), stages = hs_json_get (tree, "stage");
  else
    path = hs_json_get (hook, "path"), args = hs_json_get (hook, "args"), env = hs_json_get (hook, "env"),
    stages = hs_json_get (tree, "stages");
  if (!hs_json_is_string (path))
    return;
  e->podman = xrealloc (e->podman, (e->npodman + 1) * sizeof *e->podman);
  _podman_hook *h = &e->podman[e->npodman++];
  h->file = xstrdup (file);
  hs_id_ref_of (hs_json_string (path), &h->id);
  h->args = args;
  h->env = env;
  h->stages = stages;
  /* Other conditions (annotations, commands, bind mounts) podman judges
   * per container, the way its Go code matches them: a spec may not claim
   * such a hook for a container podman would not give it to. */
  h->always = hs_json_is_true (hs_json_get (hs_json_get (tree, "when"), "always"));
}

static void
_engines_read (_engines *e)
{
  DIR *d;
  struct dirent *ent;

  e->read = true;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_dockerd); i++)
    hs_id_ref_of (_dockerd[i], &e->dockerd[i]);
  for (size_t i = 0; i < HS_ARRAY_SIZE (_podman_dirs); i++)
    {
      if (!_trusted_path (_podman_dirs[i]) || (d = opendir (_podman_dirs[i])) == NULL)
        continue;
      while ((ent = readdir (d)) != NULL)
        {
          size_t n = strlen (ent->d_name);
          if (n > 5 && strcmp (ent->d_name + n - 5, ".json") == 0)
            {
              _cleanup_free_ char *file = xasprintf ("%s/%s", _podman_dirs[i], ent->d_name);
              _podman_file (e, file);
            }
        }
      closedir (d);
    }
}

/* Exactly len lower-case hexadecimal digits. */
static bool
_hex (const char *s, size_t len)
{
  return strlen (s) == len && strspn (s, "0123456789abcdef") == len;
}

/* Empty: absent, or an array of none. */
static bool
_empty (hs_json v)
{
  return v == NULL || (hs_json_is_array (v) && hs_json_array_len (v) == 0);
}

/* Two string arrays (absent = empty) are equal. */
static bool
_same_strings (hs_json a, hs_json b)
{
  if (_empty (a) || _empty (b))
    return _empty (a) && _empty (b);
  if (!hs_json_is_array (a) || !hs_json_is_array (b) || hs_json_array_len (a) != hs_json_array_len (b))
    return false;
  hs_json x;
  hs_json_foreach (a, i, x)
    {
      hs_json y = hs_json_at (b, i);
      if (!hs_json_is_string (x) || !hs_json_is_string (y) || strcmp (hs_json_string (x), hs_json_string (y)) != 0)
        return false;
    }
  return true;
}

/* The hook is docker's network hook (hook_probe.h). */
static bool
_docker_hook (_engines *e, hs_json hook, const hs_hook_ref *h, const char *container_id)
{
  hs_json args = hs_json_get (hook, "args");
  const char *p = h->path, *dir;
  bool dockerd = false;

  if (strcmp (h->stage, "prestart") != 0 || strncmp (p, "/proc/", 6) != 0 || strspn (p + 6, "0123456789") == 0)
    return false;
  p += 6 + strspn (p + 6, "0123456789");
  if (strcmp (p, "/exe") != 0 || !_empty (hs_json_get (hook, "env")))
    return false;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_dockerd); i++)
    dockerd = dockerd || hs_id_ref_same (&h->id, &e->dockerd[i]);
  if (!dockerd || !hs_json_is_array (args) || hs_json_array_len (args) != 4)
    return false;
  for (size_t i = 0; i < 4; i++)
    if (!hs_json_is_string (hs_json_at (args, i)))
      return false;
  dir = hs_json_string (hs_json_at (args, 1));
  if (strcmp (hs_json_string (hs_json_at (args, 0)), "libnetwork-setkey") != 0 || strncmp (dir, "-exec-root=", 11) != 0
      || dir[11] != '/')
    return false;
  /* the container id it hands dockerd is this container's: another's would
   * move that container's network into this one's namespace */
  return _hex (hs_json_string (hs_json_at (args, 2)), 64) && _hex (hs_json_string (hs_json_at (args, 3)), 12)
         && container_id != NULL && strcmp (hs_json_string (hs_json_at (args, 2)), container_id) == 0
         && _trusted_exec_root (dir + 11);
}

/* The podman hook file the hook comes from, or NULL. */
static const char *
_podman_hook_of (const _engines *e, hs_json hook, const hs_hook_ref *h)
{
  for (size_t i = 0; i < e->npodman; i++)
    if (e->podman[i].always && hs_id_ref_same (&h->id, &e->podman[i].id)
        && hs_json_array_has_string (e->podman[i].stages, h->stage)
        && _same_strings (hs_json_get (hook, "args"), e->podman[i].args)
        && _same_strings (hs_json_get (hook, "env"), e->podman[i].env))
      return e->podman[i].file;
  return NULL;
}

static void
_probe_one (_engines *e, hs_json hook, hs_hook_ref *h, const char *container_id)
{
  const char *file;

  hs_id_ref_of (h->path, &h->id);
  if (!h->id.exists)
    return;
  /* The program's own path: the runtime looks the spec's up again when the
   * hook runs, and a link on the way in a directory others can write (a
   * sticky /tmp) could point elsewhere by then; the detect measure gives
   * the runtime this one. */
  h->real = hs_real_path (h->path);
  /* an engine's hook is root's program: one others may replace is no engine's */
  h->trusted = h->real != NULL && _trusted_program (h->real);
  if (!h->trusted)
    return;
  if (!e->read)
    _engines_read (e);
  if (_docker_hook (e, hook, h, container_id)) /* /proc/PID/exe: dockerd's running program */
    {
      free (h->real);
      h->real = NULL; /* the spec's path names the running dockerd */
      h->engine = xstrdup ("docker's network hook");
    }
  else if ((file = _podman_hook_of (e, hook, h)) != NULL)
    h->engine = xasprintf ("podman's hook from %s", file);
}

int
hs_hook_probe (hs_json spec, hs_host *host, hs_error *err)
{
  hs_json hooks = hs_json_get (spec, "hooks");
  _cleanup_engines_ _engines e = { 0 };
  size_t n = 0;

  for (size_t s = 0; s < HS_ARRAY_SIZE (_stages); s++)
    {
      hs_json list = hs_json_get (hooks, _stages[s]);
      n += hs_json_is_array (list) ? hs_json_array_len (list) : 0;
    }
  host->hooks = xcalloc (n + 1, sizeof *host->hooks);
  for (size_t s = 0; s < HS_ARRAY_SIZE (_stages); s++)
    {
      hs_json list = hs_json_get (hooks, _stages[s]);
      for (size_t i = 0; hs_json_is_array (list) && i < hs_json_array_len (list); i++)
        {
          hs_json hook = hs_json_at (list, i), path = hs_json_get (hook, "path");
          hs_hook_ref *h = &host->hooks[host->nhooks++];
          h->stage = _stages[s];
          h->index = i;
          h->path = xstrdup (hs_json_is_string (path) ? hs_json_string (path) : "");
          _probe_one (&e, hook, h, host->container_id);
        }
    }
  (void) err;
  return 0;
}
