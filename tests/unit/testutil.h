/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the unit tests (header-only: each test is one program). */
#ifndef HS_TESTUTIL_H
#define HS_TESTUTIL_H

#include "measures/harden.h"
#include "spec/json.h"
#include "lsm/lsm_host.h"
#include "policy/policy.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every mismatch of a table is printed, so that one run shows all failing cases. */
static int _failures __attribute__ ((unused));

#define CASE_FAIL(...)                                                                                                 \
  do                                                                                                                   \
    {                                                                                                                  \
      print_error (__VA_ARGS__);                                                                                       \
      _failures++;                                                                                                     \
    }                                                                                                                  \
  while (0)

/* The source tree: HS_SRCDIR from make check, else the current directory. */
static inline const char *
tu_srcdir (void)
{
  const char *d = getenv ("HS_SRCDIR");
  return d != NULL ? d : ".";
}

static inline char *
tu_read (const char *path, size_t *ret_len)
{
  FILE *f = fopen (path, "rb");
  char *buf;
  long n;

  if (f == NULL)
    {
      fprintf (stderr, "cannot open %s: %s\n", path, strerror (errno));
      abort ();
    }
  fseek (f, 0, SEEK_END);
  n = ftell (f);
  fseek (f, 0, SEEK_SET);
  buf = xmalloc ((size_t) n + 1);
  if (fread (buf, 1, (size_t) n, f) != (size_t) n)
    abort ();
  buf[n] = '\0';
  fclose (f);
  if (ret_len)
    *ret_len = (size_t) n;
  return buf;
}

static inline void
tu_write (const char *path, const char *text, mode_t mode)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0 || hs_write_all (fd, text, strlen (text)) < 0 || fchmod (fd, mode) < 0)
    abort ();
  close (fd);
}

/* The number of strings in a NULL-terminated argv. */
static inline int
tu_argc (const char *const *argv)
{
  int n = 0;
  while (argv[n] != NULL)
    n++;
  return n;
}

static inline hs_json
tu_parse (const char *text)
{
  hs_json v = NULL;
  hs_error err = { 0 };

  if (hs_json_parse (text, strlen (text), &v, &err) < 0)
    {
      fprintf (stderr, "bad test JSON: %s\n", err.msg);
      abort ();
    }
  return v;
}

/* The journal's lines without their "time" field, which changes every run. */
static inline char *
tu_journal_without_times (const hs_journal *j)
{
  char *out = xcalloc (1, j->len + 1), *o = out;
  const char *p = j->buf;

  while (p != NULL && *p)
    {
      const char *eol = strchr (p, '\n');
      const char *rest = p;
      if (strncmp (p, "{\"time\":\"", 9) == 0)
        rest = strstr (p, "\",") + 2;
      *o++ = '{';
      memcpy (o, rest, (size_t) (eol - rest) + 1);
      o += eol - rest + 1;
      p = eol + 1;
    }
  *o = '\0';
  return out;
}

static inline char *
tu_mkdtemp (void)
{
  char *d = xstrdup ("/tmp/hs-unit-XXXXXX");
  if (mkdtemp (d) == NULL)
    abort ();
  return d;
}

/* Remove a directory tu_mkdtemp made, with all it holds. */
static inline void
tu_rmtree (const char *dir)
{
  _cleanup_free_ char *cmd = xasprintf ("rm -rf '%s'", dir);

  if (system (cmd) != 0)
    abort ();
}

/* A policy from JSON text (defaults for "{}"). */
static inline void
tu_policy (const char *text, hs_policy *ret)
{
  hs_error err = { 0 };
  if (hs_policy_parse (text, strlen (text), "test", ret, &err) < 0)
    {
      fprintf (stderr, "bad test policy: %s\n", err.msg);
      abort ();
    }
  /* The built-in profile name points at the installed file: use this tree's. */
  if (strncmp (ret->seccomp_profile, HS_SECCOMP_DIR "/", strlen (HS_SECCOMP_DIR "/")) == 0)
    {
      char *installed = ret->seccomp_profile;
      ret->seccomp_profile = xasprintf ("%s/profiles/seccomp/%s", tu_srcdir (), strrchr (installed, '/') + 1);
      free (installed);
    }
  if (hs_policy_load_profiles (ret, &err) < 0)
    {
      fprintf (stderr, "test policy profiles: %s\n", err.msg);
      abort ();
    }
  /* Subordinate ids: tests/data/subid (hardshim: uids 1000000-, gids 2000000-). */
  {
    char *uid = xasprintf ("%s/tests/data/subid/subuid", tu_srcdir ());
    char *gid = xasprintf ("%s/tests/data/subid/subgid", tu_srcdir ());
    int r = hs_policy_load_subids (ret, uid, gid, &err);
    free (uid);
    free (gid);
    if (r < 0)
      {
        fprintf (stderr, "test policy subids: %s\n", err.msg);
        abort ();
      }
  }
}

/* The host the measures see in unit tests unless a test says otherwise:
 * this build machine's (user namespaces, Landlock, no AppArmor, SELinux off). */
/* clang-format off */
#define TU_HOST { .userns = true, .landlock_abi = 7, .apparmor_why = (char *) "no AppArmor in this kernel" }

/* The container an exec process joins, for tests that do not look at it:
 * no labels, the Landlock helper mounted. */
#define TU_HELPER_MOUNT                                                                                                \
  "{\"destination\":\"" HS_LANDLOCK_DEST "\",\"type\":\"bind\",\"source\":\"" HS_LANDLOCK_HELPER                        \
  "\",\"options\":[\"bind\",\"ro\",\"nosuid\",\"nodev\"]}"
#define TU_CONTAINER_MOUNTS "\"mounts\":[" TU_HELPER_MOUNT "]"
#define TU_CONTAINER "{\"process\":{}," TU_CONTAINER_MOUNTS "}"

/* The namespaces runc's default spec (`runc spec`) and every engine here
 * ask for: a spec without them would share the host's, which the detect
 * measure refuses.  For specs whose test is not about namespaces:
 * "linux":{TU_LINUX_NS, ...} or TU_LINUX alone; TU_NS_ENTRIES in a list of
 * one's own. */
#define TU_NS_ENTRIES "{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"}"
/* clang-format on */
#define TU_NAMESPACES "[" TU_NS_ENTRIES "]"
#define TU_LINUX_NS "\"namespaces\":" TU_NAMESPACES
#define TU_LINUX "\"linux\":{" TU_LINUX_NS "}"

/* hs_harden on host, for tests that only look at whether the spec
 * changed; a process file joins TU_CONTAINER. */
static inline int
tu_harden_on (hs_json spec, bool process_file, const char *file, const hs_policy *policy, const hs_host *host,
              hs_journal *j, bool *ret_changed, hs_error *err)
{
  hs_plan plan = { 0 };
  _cleanup_json_ hs_json container = process_file ? tu_parse (TU_CONTAINER) : NULL;
  int r = hs_harden (spec, container, file, policy, host, j, &plan, err);

  if (r == 0)
    *ret_changed = plan.changed;
  return r;
}

/* The same on TU_HOST. */
static inline int
tu_harden (hs_json spec, bool process_file, const char *file, const hs_policy *policy, hs_journal *j, bool *ret_changed,
           hs_error *err)
{
  hs_host host = TU_HOST;

  return tu_harden_on (spec, process_file, file, policy, &host, j, ret_changed, err);
}

#endif
