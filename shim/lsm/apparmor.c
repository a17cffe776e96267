/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "lsm/apparmor.h"
#include "spec/file.h"
#include "policy/policy.h"
#include "host/spawn.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>
#endif

#define _NAME "@NAME@"
#define _DENY_WRITE "@DENY_WRITE@"
#define _PROFILES "kernel/security/apparmor/profiles"
#define _ENABLED "module/apparmor/parameters/enabled"
#define _PROFILES_MAX (4u << 20) /* the kernel's list of loaded profiles */
#define _OUTPUT_MAX 4096         /* of the parser's output, in messages */

/* ---- rendering ------------------------------------------------------------ */

static char *
_indent_of (const char *text, const char *at)
{
  const char *start = at;

  while (start > text && (start[-1] == ' ' || start[-1] == '\t'))
    start--;
  if (start > text && start[-1] != '\n')
    return xstrdup ("");
  return xstrndup (start, (size_t) (at - start));
}

static char *
_deny_lines (const char *const *paths, size_t n, const char *indent)
{
  char *out = xstrdup (n == 0 ? "# (the policy denies writes to no path)" : "");

  for (size_t i = 0; i < n; i++)
    {
      char *next = xasprintf ("%s%s%saudit deny %s/{,**} wl,", out, i ? "\n" : "", i ? indent : "", paths[i]);
      free (out);
      out = next;
    }
  return out;
}

/* text with every key replaced by value. */
static char *
_replace_all (const char *text, const char *key, const char *value)
{
  size_t klen = strlen (key), vlen = strlen (value), n = 0, len = 0;
  char *out;

  for (const char *p = strstr (text, key); p != NULL; p = strstr (p + klen, key))
    n++;
  out = xmalloc (strlen (text) - n * klen + n * vlen + 1);
  for (const char *p = text;;)
    {
      const char *hit = strstr (p, key);
      size_t before = hit ? (size_t) (hit - p) : strlen (p);

      memcpy (out + len, p, before);
      len += before;
      if (hit == NULL)
        break;
      memcpy (out + len, value, vlen);
      len += vlen;
      p = hit + klen;
    }
  out[len] = '\0';
  return out;
}

static uint64_t
_fnv1a (const char *s)
{
  uint64_t h = UINT64_C (0xcbf29ce484222325);

  for (; *s != '\0'; s++)
    {
      h ^= (unsigned char) *s;
      h *= UINT64_C (0x100000001b3);
    }
  return h;
}

int
hs_apparmor_render (const char *template_text, const char *const *deny_write, size_t n_deny, char **ret_text,
                    char **ret_name, hs_error *err)
{
  const char *at = strstr (template_text, _DENY_WRITE);
  _cleanup_free_ char *indent = NULL, *lines = NULL, *unnamed = NULL, *name = NULL;
  int r;

  if (at == NULL || strstr (template_text, _NAME) == NULL)
    return hs_error_set (err, EINVAL, "AppArmor profile template: no `%s` placeholder",
                         at == NULL ? _DENY_WRITE : _NAME);
  for (size_t i = 0; i < n_deny; i++)
    if ((r = hs_policy_check_deny_path (deny_write[i], err)) < 0)
      return r;
  indent = _indent_of (template_text, at);
  lines = _deny_lines (deny_write, n_deny, indent);
  unnamed = _replace_all (template_text, _DENY_WRITE, lines);
  name = xasprintf (HS_APPARMOR_PREFIX "%016" PRIx64, _fnv1a (unnamed));
  *ret_text = _replace_all (unnamed, _NAME, name);
  *ret_name = TAKE_PTR (name);
  return 0;
}

/* ---- detection ------------------------------------------------------------ */

/* NULL when <sysfs>/module/apparmor says AppArmor is on, else why not. */
static char *
_why_module (const char *sysfs)
{
  _cleanup_free_ char *path = xasprintf ("%s/" _ENABLED, sysfs), *text = NULL;
  hs_error e = { 0 };
  size_t len;
  char *why;

  if (hs_file_read_regular (AT_FDCWD, path, path, false, 4096, &text, &len, NULL, &e) < 0)
    {
      why = e.code == ENOENT ? xasprintf ("no AppArmor in this kernel (no `%s`)", path)
                             : xasprintf ("cannot tell whether AppArmor is on: %s", e.msg);
      hs_error_release (&e);
      return why;
    }
  text[strcspn (text, "\n")] = '\0';
  if (strcmp (text, "Y") != 0)
    return xasprintf ("AppArmor disabled (`%s` is not `Y`: `apparmor=0` or `lsm=` on the kernel command line?)", path);
  return NULL;
}

static char *
_why_unavailable (const char *sysfs)
{
  _cleanup_free_ char *profiles = xasprintf ("%s/" _PROFILES, sysfs);
  char *why = _why_module (sysfs);

  if (why != NULL)
    return why;
  if (access (profiles, F_OK) < 0)
    return errno == ENOENT
               ? xasprintf ("securityfs not mounted at `%s/kernel/security` (no `%s`)", sysfs, profiles)
               : xasprintf ("cannot tell whether securityfs is mounted: `%s`: %s", profiles, strerror (errno));
#ifdef HAVE_APPARMOR
  if (strcmp (sysfs, "/sys") == 0 && aa_is_enabled () != 1)
    return xasprintf ("libapparmor says AppArmor is not enabled: %s", strerror (errno));
#endif
  return NULL;
}

void
hs_apparmor_probe (const char *sysfs, bool *ret_available, char **ret_why)
{
  char *why = _why_unavailable (sysfs);

  *ret_available = why == NULL;
  if (ret_why != NULL)
    *ret_why = why;
  else
    free (why);
}

/* Whether the profiles file has the line `name (enforce)`. */
static bool
_has_enforced (const char *text, const char *name)
{
  size_t nlen = strlen (name);
  static const char mode[] = " (enforce)";

  for (const char *p = text; *p != '\0';)
    {
      size_t len = strcspn (p, "\n");
      if (len == nlen + sizeof mode - 1 && memcmp (p, name, nlen) == 0 && memcmp (p + nlen, mode, sizeof mode - 1) == 0)
        return true;
      p += len + (p[len] == '\n');
    }
  return false;
}

int
hs_apparmor_loaded (const char *sysfs, const char *name, bool *ret, hs_error *err)
{
  _cleanup_free_ char *path = xasprintf ("%s/" _PROFILES, sysfs), *text = NULL;
  _cleanup_free_ char *shown = xasprintf ("the list of loaded AppArmor profiles `%s`", path);
  size_t len;
  int r;

  r = hs_file_read_regular (AT_FDCWD, path, shown, false, _PROFILES_MAX, &text, &len, NULL, err);
  if (r < 0)
    return r;
  *ret = _has_enforced (text, name);
  return 0;
}

/* ---- loading -------------------------------------------------------------- */

static int
_check_parser (const char *parser, hs_error *err)
{
  if (parser[0] != '/')
    return hs_error_set (err, EINVAL, "AppArmor parser `%s` is not an absolute path", parser);
  return 0;
}

/* The parser's exit status and output (o->out, trailing space trimmed). */
static int
_verdict (const char *parser, const char *file, hs_spawn_output *o, hs_error *err)
{
  char how[64];

  if (WIFEXITED (o->status) && WEXITSTATUS (o->status) == 0)
    return 0;
  while (o->len > 0 && (o->out[o->len - 1] == '\n' || o->out[o->len - 1] == ' '))
    o->out[--o->len] = '\0';
  hs_spawn_describe (o->status, how, sizeof how);
  return hs_error_set (err, EIO, "`%s -Kr %s` failed (%s): %s%s", parser, file, how,
                       o->len > 0 ? o->out : "(no output)", o->truncated ? " […]" : "");
}

int
hs_apparmor_load (const char *parser, const char *profile_file, hs_error *err)
{
  char *argv[] = { (char *) parser, (char *) "-Kr", (char *) profile_file, NULL };
  char *envp[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *) "LC_ALL=C", NULL };
  hs_spawn_output o = { 0 };
  int r;

  if ((r = _check_parser (parser, err)) < 0)
    return r;
  if (profile_file[0] == '-' || profile_file[0] == '\0')
    return hs_error_set (err, EINVAL, "AppArmor profile file `%s`: refused (empty or an option)", profile_file);
  r = hs_spawn_capture (parser, argv, envp, true, _OUTPUT_MAX, &o, err);
  if (r < 0)
    {
      hs_error_prefix (err, "the AppArmor parser");
      return r;
    }
  r = _verdict (parser, profile_file, &o, err);
  hs_spawn_output_release (&o);
  return r;
}

/* ---- once per profile ------------------------------------------------------ */

/* Write text to <dir>/<name> through a temporary file beside it. */
static int
_write_atomic (const char *dir, const char *name, const char *text, hs_error *err)
{
  _cleanup_close_ int dirfd = -1, fd = -1;
  _cleanup_free_ char *tmp = NULL;
  unsigned int rnd = 0;
  int r;

  dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return hs_error_sys (err, errno, "open the AppArmor state directory `%s`", dir);
  if (getrandom (&rnd, sizeof rnd, GRND_NONBLOCK) < 0)
    rnd = (unsigned int) getpid ();
  tmp = xasprintf (".%s.tmp-%08x", name, rnd);
  fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return hs_error_sys (err, errno, "create a temporary file in `%s`", dir);
  if ((r = hs_write_all (fd, text, strlen (text))) < 0)
    r = hs_error_sys (err, -r, "write `%s/%s`", dir, tmp);
  else if (fsync (fd) < 0)
    r = hs_error_sys (err, errno, "fsync `%s/%s`", dir, tmp);
  else if (renameat (dirfd, tmp, dirfd, name) < 0)
    r = hs_error_sys (err, errno, "rename `%s/%s` to `%s`", dir, tmp, name);
  else
    {
      (void) fsync (dirfd);
      return 0;
    }
  (void) unlinkat (dirfd, tmp, 0);
  return r;
}

int
hs_apparmor_ensure (const char *sysfs, const char *parser, const char *state_dir, const char *text, const char *name,
                    bool *ret_loaded_now, hs_error *err)
{
  _cleanup_free_ char *file = NULL;
  bool loaded = false;
  int r;

  if (name[0] == '\0' || name[0] == '.' || strchr (name, '/') != NULL)
    return hs_error_set (err, EINVAL, "AppArmor profile name `%s` cannot name a file", name);
  if (state_dir[0] != '/')
    return hs_error_set (err, EINVAL, "AppArmor state directory `%s` is not an absolute path", state_dir);
  if ((r = _check_parser (parser, err)) < 0)
    return r;
  r = hs_apparmor_loaded (sysfs, name, &loaded, err);
  if (r < 0)
    return r;
  if (loaded)
    {
      *ret_loaded_now = false;
      return 0;
    }
  r = hs_mkdir_p (state_dir, 0700, "the AppArmor state directory", NULL, err);
  if (r == 0)
    r = _write_atomic (state_dir, name, text, err);
  if (r < 0)
    return r;
  file = xasprintf ("%s/%s", state_dir, name);
  r = hs_apparmor_load (parser, file, err);
  if (r < 0)
    return r;
  *ret_loaded_now = true;
  return 0;
}
