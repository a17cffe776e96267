/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "cli/exec_process.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define _FDS_MAX 65536 /* more descriptors than any engine passes */

/* A decimal number in [0, max] and nothing else. */
static int
_number (const char *s, uint64_t max, uint64_t *ret)
{
  return hs_parse_decimal (s, strlen (s), max, ret);
}

static hs_json
_object (hs_json parent, const char *key)
{
  hs_json v = hs_json_get (parent, key);

  if (!hs_json_is_object (v))
    {
      v = hs_json_new_object ();
      hs_json_object_set (parent, key, v);
    }
  return v;
}

/* parent[key] as an array, created when absent; NULL when it is something else. */
static hs_json
_array (hs_json parent, const char *key)
{
  hs_json v = hs_json_get (parent, key);

  if (v == NULL)
    {
      v = hs_json_new_array ();
      hs_json_object_set (parent, key, v);
    }
  return hs_json_is_array (v) ? v : NULL;
}

static int
_append_strings (hs_json parent, const char *key, const hs_strv *values, const char *what, hs_error *err)
{
  hs_json a;

  if (values->n == 0)
    return 0;
  a = _array (parent, key);
  if (a == NULL)
    return hs_error_set (err, EINVAL, "the container's %s is not an array", what);
  for (size_t i = 0; i < values->n; i++)
    hs_json_array_append (a, hs_json_new_string (values->v[i]));
  return 0;
}

static int
_caps (hs_json process, const hs_strv *caps, hs_error *err)
{
  static const char *const sets[] = { "bounding", "effective", "permitted" };
  hs_json c;
  int r = 0;

  if (caps->n == 0)
    return 0;
  c = _object (process, "capabilities");
  for (size_t i = 0; r == 0 && i < HS_ARRAY_SIZE (sets); i++)
    r = _append_strings (c, sets[i], caps, "/process/capabilities set", err);
  /* Ambient capabilities need inheritable ones: runc adds them only then. */
  if (r == 0 && hs_json_get (c, "inheritable") != NULL)
    r = _append_strings (c, "ambient", caps, "/process/capabilities set", err);
  return r;
}

static int
_user (hs_json process, const hs_exec_options *o, hs_error *err)
{
  hs_json user = _object (process, "user");
  uint64_t uid, gid;

  if (o->user != NULL && o->user[0] != '\0')
    {
      const char *colon = strchr (o->user, ':');
      size_t uid_len = colon ? (size_t) (colon - o->user) : strlen (o->user);
      if (hs_parse_decimal (o->user, uid_len, UINT32_MAX, &uid) < 0
          || (colon && _number (colon + 1, UINT32_MAX, &gid) < 0))
        return hs_error_set (err, EINVAL, "exec: --user `%s` is not uid[:gid] in numbers", o->user);
      hs_json_object_set (user, "uid", hs_json_new_uint (uid));
      if (colon)
        hs_json_object_set (user, "gid", hs_json_new_uint (gid));
    }
  if (o->gids.n > 0)
    {
      hs_json a = _array (user, "additionalGids");
      if (a == NULL)
        return hs_error_set (err, EINVAL, "the container's /process/user/additionalGids is not an array");
      for (size_t i = 0; i < o->gids.n; i++)
        {
          if (_number (o->gids.v[i], UINT32_MAX, &gid) < 0)
            return hs_error_set (err, EINVAL, "exec: --additional-gids `%s` is not a group id", o->gids.v[i]);
          hs_json_array_append (a, hs_json_new_uint (gid));
        }
    }
  return 0;
}

static void
_set_string (hs_json process, const char *key, const char *value)
{
  if (value != NULL && value[0] != '\0')
    hs_json_object_set (process, key, hs_json_new_string (value));
}

int
hs_exec_process_build (hs_json container_process, const hs_cli *cli, int argc, char *const *argv, hs_json *ret,
                       hs_error *err)
{
  const hs_exec_options *o = &cli->exec;
  _cleanup_json_ hs_json p = NULL;
  hs_json args;
  int r;

  if (!hs_json_is_object (container_process))
    return hs_error_set (err, EINVAL, "the container's spec has no /process object to run `exec` from");
  if (cli->id_at <= 0 || cli->id_at + 1 >= argc)
    return hs_error_set (err, EINVAL, "exec: no command after the container id");
  p = hs_json_copy (container_process);
  args = hs_json_new_array ();
  for (int i = cli->id_at + 1; i < argc; i++)
    hs_json_array_append (args, hs_json_new_string (argv[i]));
  hs_json_object_set (p, "args", args);
  _set_string (p, "cwd", o->cwd);
  _set_string (p, "apparmorProfile", o->apparmor);
  _set_string (p, "selinuxLabel", o->process_label);
  hs_json_object_set (p, "terminal", hs_json_new_bool (o->tty == 1));
  if (o->no_new_privs >= 0)
    hs_json_object_set (p, "noNewPrivileges", hs_json_new_bool (o->no_new_privs == 1));
  r = _append_strings (p, "env", &o->env, "/process/env", err);
  if (r == 0)
    r = _caps (p, &o->caps, err);
  if (r == 0)
    r = _user (p, o, err);
  if (r < 0)
    return r;
  /* The command line's bytes need not be UTF-8; the runtime (Go) reads what
   * is not as U+FFFD, and so the process is hardened and written the same. */
  hs_json_make_utf8 (p);
  *ret = TAKE_PTR (p);
  return 0;
}

/* The lowest descriptor the runtime keeps to itself. */
static int
_first_unpassed_fd (const hs_cli *cli, int *ret, hs_error *err)
{
  const char *listen = getenv ("LISTEN_FDS"); /* crun reads it with getenv too: never fewer here */
  uint64_t preserve = 0, listened = 0;

  if (cli->preserve_fds != NULL && _number (cli->preserve_fds, _FDS_MAX, &preserve) < 0)
    return hs_error_set (err, EINVAL, "exec: --preserve-fds `%s` is not a number up to %d", cli->preserve_fds,
                         _FDS_MAX);
  if (listen != NULL && listen[0] != '\0' && _number (listen, _FDS_MAX, &listened) < 0)
    return hs_error_set (err, EINVAL, "exec: LISTEN_FDS `%s` is not a number up to %d", listen, _FDS_MAX);
  *ret = 3 + (int) preserve + (int) listened;
  return 0;
}

int
hs_exec_process_fd (hs_json process, const hs_cli *cli, int *ret_fd, hs_error *err)
{
  _cleanup_close_ int mem = -1;
  _cleanup_free_ char *text = NULL;
  size_t len;
  int min_fd = 3, fd, r;

  r = _first_unpassed_fd (cli, &min_fd, err);
  if (r == 0)
    r = hs_json_generate (process, false, &text, &len, err);
  if (r < 0)
    return r;
  mem = memfd_create ("hardshim-exec-process", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem < 0)
    return hs_error_sys (err, errno, "exec: create the process file");
  r = hs_write_all (mem, text, len);
  if (r < 0)
    return hs_error_sys (err, -r, "exec: write the process file");
  /* Exactly these bytes, for good: nothing can write, resize or unseal it. */
  if (fcntl (mem, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
    return hs_error_sys (err, errno, "exec: seal the process file");
  fd = fcntl (mem, F_DUPFD, min_fd); /* without FD_CLOEXEC: the runtime opens it */
  if (fd < 0)
    return hs_error_sys (err, errno, "exec: move the process file to descriptor %d or above", min_fd);
  *ret_fd = fd;
  return 0;
}

int
hs_exec_process_named_fd (const char *path)
{
  char own[64];
  const char *prefixes[] = { "/dev/fd/", "/proc/self/fd/", own };
  uint64_t n;
  int flags;

  snprintf (own, sizeof own, "/proc/%ld/fd/", (long) getpid ());
  for (size_t i = 0; i < HS_ARRAY_SIZE (prefixes); i++)
    {
      size_t plen = strlen (prefixes[i]);
      if (strncmp (path, prefixes[i], plen) != 0)
        continue;
      /* The kernel's names: no leading zero ("063" names nothing). */
      if ((path[plen] == '0' && path[plen + 1] != '\0') || _number (path + plen, INT_MAX, &n) < 0)
        return -ENOENT;
      /* hardshim's own descriptors are close-on-exec: the runtime would not see them. */
      flags = fcntl ((int) n, F_GETFD);
      if (flags < 0 || (flags & FD_CLOEXEC))
        return -EBADF;
      return (int) n;
    }
  return -ENOENT;
}
