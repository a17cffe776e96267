/* SPDX-License-Identifier: Apache-2.0 */
/* hardshim doctor: the policy and this host, checked with the probes
 * create uses (check.h). */
#include "config.h"

#include "check/check.h"
#include "base/util.h"
#include "spec/file.h"
#include "host/cgroup_probe.h"
#include "host/host.h"
#include "host/spawn.h"
#include "lsm/lsm_host.h"
#include "policy/policy.h"
#include "policy/subid.h"
#include "runtime/runtime.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct _report
{
  FILE *out;
  unsigned checks, warns, fails;
} _report;

/* One line: level, what was checked and found, and for a warning or a
 * failure what to do (fix, NULL when nothing). */
__attribute__ ((format (printf, 4, 5))) static void
_say (_report *r, const char *level, const char *fix, const char *fmt, ...)
{
  _cleanup_free_ char *text = NULL, *shown = NULL;
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&text, fmt, ap) < 0)
    abort ();
  va_end (ap);
  shown = hs_printable (text);
  r->checks++;
  r->warns += strcmp (level, "warn") == 0;
  r->fails += strcmp (level, "FAIL") == 0;
  fprintf (r->out, "%-4s  %s", level, shown);
  if (fix != NULL)
    {
      _cleanup_free_ char *shown_fix = hs_printable (fix);
      fprintf (r->out, "; fix: %s", shown_fix);
    }
  fputc ('\n', r->out);
}

static void
_check_runtime (_report *rep, const hs_policy *policy)
{
  _cleanup_error_ hs_error err = { 0 };
  _cleanup_spawn_output_ hs_spawn_output o = { 0 };
  const char *runtime = hs_runtime_default ();
  char status[64];
  int r = policy != NULL ? hs_runtime_choose (policy, &runtime, &err) : 0;

  if (r == 0)
    r = hs_runtime_check (runtime, &err);
  if (r < 0)
    {
      _say (rep, "FAIL", "install runc or crun and name it in the policy's `runtime` or HARDSHIM_RUNTIME",
            "runtime: %s", err.msg);
      return;
    }
  char *const argv[] = { (char *) runtime, (char *) "--version", NULL };
  r = hs_spawn_capture (runtime, argv, NULL, true, 4096, &o, &err);
  if (r < 0 || !WIFEXITED (o.status) || WEXITSTATUS (o.status) != 0)
    {
      if (r == 0)
        hs_spawn_describe (o.status, status, sizeof status);
      _say (rep, "FAIL", "check that the runtime runs on this host", "runtime `%s --version`: %s", runtime,
            r < 0 ? err.msg : status);
      return;
    }
  o.out[strcspn (o.out, "\n")] = '\0';
  _say (rep, "ok", NULL, "runtime `%s`: %s", runtime, o.out);
}

/* dpkg's record of diverted files: three lines each, the path, where the
 * packaged file went, the package that diverted it (":" for a local one). */
#define HS_DPKG_DIVERSIONS "/var/lib/dpkg/diversions"
/* The package of replace-runc mode (debian/), whose runc and crun run
 * hardshim with HARDSHIM_RUNTIME set to where the real one went. */
#define HS_REPLACE_PACKAGE "hardshim-replace-runc"

/* The policy's runtime, judged by identity against each path dpkg diverted:
 * one that is a runtime hardshim-replace-runc replaced is its wrapper,
 * which passes HARDSHIM_RUNTIME=the real one, so that hs_runtime_choose
 * refuses every create.  A diversions file that cannot be read fails. */
static void
_check_runtime_diverted (_report *rep, const hs_policy *policy)
{
  _cleanup_error_ hs_error err = { 0 };
  _cleanup_free_ char *text = NULL;
  struct stat target, st;
  size_t len = 0, n = 0;
  char *line[3], *save = NULL;
  int r;

  if (stat (policy->runtime, &target) < 0)
    return; /* _check_runtime said so */
  r = hs_file_read_regular (AT_FDCWD, HS_DPKG_DIVERSIONS, "dpkg's diversions `" HS_DPKG_DIVERSIONS "`", false, 16 << 20,
                            &text, &len, NULL, &err);
  if (r == -ENOENT)
    return; /* not a dpkg host: nothing diverted */
  if (r < 0)
    {
      _say (rep, "FAIL", "check " HS_DPKG_DIVERSIONS " (dpkg-divert --list)",
            "runtime `%s` not checked against dpkg's diversions: %s", policy->runtime, err.msg);
      return;
    }
  if (memchr (text, '\0', len) != NULL)
    {
      _say (rep, "FAIL", "check " HS_DPKG_DIVERSIONS " (dpkg-divert --list)",
            "runtime `%s` not checked: dpkg's diversions `" HS_DPKG_DIVERSIONS "` hold a NUL byte", policy->runtime);
      return;
    }
  for (char *l = strtok_r (text, "\n", &save); l != NULL; l = strtok_r (NULL, "\n", &save))
    {
      line[n++] = l;
      if (n < 3)
        continue;
      n = 0;
      if (stat (line[0], &st) < 0 || st.st_dev != target.st_dev || st.st_ino != target.st_ino)
        continue;
      if (strcmp (line[2], HS_REPLACE_PACKAGE) == 0)
        {
          _cleanup_free_ char *fix
              = xasprintf ("remove `runtime` from the policy: the wrapper runs hardshim with HARDSHIM_RUNTIME=%s, "
                           "and hardshim uses that runtime",
                           line[1]);
          _say (rep, "FAIL", fix,
                "runtime `%s` of policy `%s` is `%s`, which %s replaced with its wrapper (the real one is `%s`): "
                "every create is refused",
                policy->runtime, policy->source, line[0], HS_REPLACE_PACKAGE, line[1]);
        }
      else
        _say (rep, "warn", "name the runtime's own binary in the policy's `runtime`",
              "runtime `%s` of policy `%s` is `%s`, diverted by %s to `%s`: it may not be the runtime", policy->runtime,
              policy->source, line[0], line[2], line[1]);
      return;
    }
  if (n != 0)
    _say (rep, "FAIL", "check " HS_DPKG_DIVERSIONS " (dpkg-divert --list)",
          "runtime `%s` not checked: dpkg's diversions `" HS_DPKG_DIVERSIONS "` end in an incomplete record",
          policy->runtime);
}

static void
_check_userns (_report *rep, const hs_policy *policy, const hs_host *host)
{
  if (host->userns)
    _say (rep, "ok", NULL, "user namespaces: available");
  else if (policy != NULL && policy->userns_fallback)
    _say (rep, "warn", "enable user namespaces (sysctl user.max_user_namespaces)",
          "user namespaces: %s: containers run without one (policy user.userns_unavailable = run_without)",
          host->userns_why);
  else
    _say (rep, "FAIL",
          "enable user namespaces (sysctl user.max_user_namespaces=15000), or accept running without them with "
          "the policy's user.userns_unavailable = run_without",
          "user namespaces: %s", host->userns_why);
}

/* The installed subids helper (contrib/subids.sh): its --free prints the
 * first id of the range its --install would give an owner. */
#define HS_SUBIDS_HELPER HS_HELPER_DIR "/hardshim-subids"

/* What `hardshim-subids --free` answers; -errno when it cannot say (not
 * installed, not root's, no number). */
static int
_free_first (uint32_t *ret)
{
  _cleanup_error_ hs_error err = { 0 };
  _cleanup_spawn_output_ hs_spawn_output o = { 0 };
  char *const argv[] = { (char *) HS_SUBIDS_HELPER, (char *) "--free", NULL };
  char *const envp[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *) "LC_ALL=C", NULL };
  uint64_t v;
  int r;

  /* Run as root: only if root's, as the Landlock helper must be. */
  r = hs_file_check_trusted (HS_SUBIDS_HELPER, S_IXUSR, "subids helper `" HS_SUBIDS_HELPER "`", NULL, &err);
  if (r == 0)
    r = hs_spawn_capture (HS_SUBIDS_HELPER, argv, envp, true, 64, &o, &err);
  if (r < 0)
    return r;
  if (!WIFEXITED (o.status) || WEXITSTATUS (o.status) != 0 || o.truncated)
    return -EIO;
  r = hs_parse_decimal (o.out, strcspn (o.out, "\n"), UINT32_MAX - (HS_USERNS_SIZE - 1), &v);
  if (r < 0 || v == 0)
    return -EIO;
  *ret = (uint32_t) v;
  return 0;
}

static void
_check_subids (_report *rep, hs_policy *policy)
{
  _cleanup_error_ hs_error err = { 0 };
  int r = hs_policy_load_subids (policy, HS_SUBUID_FILE, HS_SUBGID_FILE, &err);

  if (r < 0)
    {
      /* hs_policy_load_subids fills the classes in order: the first
       * without both ranges is the one that failed. */
      const hs_class *c = NULL;
      _cleanup_free_ char *fix = NULL;
      for (size_t i = 0; c == NULL && i < policy->nclasses; i++)
        if (policy->classes[i].uids.size == 0 || policy->classes[i].gids.size == 0)
          c = &policy->classes[i];
      uint32_t first;
      if (r == -ENOENT && c != NULL && _free_first (&first) == 0)
        fix = xasprintf ("run %s %s %" PRIu32 " (ids %" PRIu32 "-%" PRIu32
                         ", the free range hardshim-subids --install picks)",
                         HS_SUBIDS_HELPER, c->subid_owner, first, first, first + (HS_USERNS_SIZE - 1));
      else if (r == -ENOENT && c != NULL)
        fix = xasprintf ("run contrib/subids.sh %s 1000000 (any free range of 65536 ids)", c->subid_owner);
      else
        fix = xstrdup ("correct " HS_SUBUID_FILE " and " HS_SUBGID_FILE " (one range of 65536 ids per owner, no "
                       "overlap, not starting at 0)");
      _say (rep, "FAIL", fix, "subordinate ids: %s", err.msg);
      return;
    }
  for (size_t i = 0; i < policy->nclasses; i++)
    {
      const hs_class *c = &policy->classes[i];
      _say (rep, "ok", NULL, "subordinate ids of class `%s` (owner `%s`): uids %u-%u, gids %u-%u", c->name,
            c->subid_owner, c->uids.start, c->uids.start + c->uids.size - 1, c->gids.start,
            c->gids.start + c->gids.size - 1);
    }
}

static void
_check_lsm (_report *rep, const hs_policy *policy, hs_host *host)
{
  _cleanup_error_ hs_error err = { 0 };
  bool fallback = policy != NULL && policy->lsm_fallback;

  if (host->apparmor)
    _say (rep, "ok", NULL, "write denial: AppArmor (Landlock ABI %d)", host->landlock_abi);
  else if (host->landlock_abi > 0)
    _say (rep, "ok", NULL, "write denial: Landlock ABI %d (AppArmor: %s)", host->landlock_abi, host->apparmor_why);
  else
    _say (rep, fallback ? "warn" : "FAIL",
          "boot a kernel with AppArmor or Landlock enabled (lsm= boot parameter)"
          "; or accept no write denial with the policy's lsm.unavailable = run_without",
          "write denial: neither AppArmor (%s) nor Landlock (%s)%s", host->apparmor_why, host->landlock_why,
          fallback ? ": containers run without it (policy lsm.unavailable = run_without)" : "");
  _say (rep, "ok", NULL, "SELinux: %s",
        host->selinux ? "enabled: containers get container_t and an MCS label" : "not enabled: no labels");
  if (policy != NULL && hs_lsm_prepare (policy, host, &err) < 0)
    _say (rep, "FAIL", "install hardshim's files (make install) or correct the policy's lsm section", "lsm files: %s",
          err.msg);
}

static void
_check_cgroups (_report *rep, const char *runtime)
{
  _cleanup_error_ hs_error err = { 0 };
  _cleanup_cgroup_layout_ hs_cgroup_layout l = { 0 };
  bool crun = strstr (hs_path_basename (runtime), "crun") != NULL;

  if (hs_cgroup_layout_probe (&l, &err) < 0)
    {
      _say (rep, "FAIL", "mount /proc", "cgroup layout: %s", err.msg);
      return;
    }
  if (l.v1 == 0 && l.v2_point == NULL)
    _say (rep, "FAIL", "mount the cgroup hierarchies under /sys/fs/cgroup (systemd does)",
          "cgroup layout: no cgroup hierarchy under /sys/fs/cgroup");
  else if (l.v1 == 0)
    _say (rep, "ok", NULL, "cgroup layout: v2 (unified) at `%s`, controllers: %s", l.v2_point,
          l.v2_controllers[0] != '\0' ? l.v2_controllers : "none");
  else if (l.v2_point == NULL)
    _say (rep, "ok", NULL, "cgroup layout: v1, %zu hierarchies", l.v1);
  else if (crun && l.v2_controllers[0] != '\0')
    _say (rep, "warn", "mount those controllers on v1 (e.g. mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb)",
          "cgroup layout: hybrid, %zu v1 hierarchies and v2 at `%s` with controllers %s: crun refuses hybrid mode "
          "with controllers on v2",
          l.v1, l.v2_point, l.v2_controllers);
  else
    _say (rep, "ok", NULL, "cgroup layout: hybrid, %zu v1 hierarchies and v2 at `%s` (controllers: %s)", l.v1,
          l.v2_point, l.v2_controllers[0] != '\0' ? l.v2_controllers : "none");
}

/* The journal: a regular file, or a directory where root can create it. */
static void
_check_journal (_report *rep, const char *journal)
{
  _cleanup_free_ char *dir = xstrdup (journal);
  struct stat st;

  if (lstat (journal, &st) == 0)
    {
      if (!S_ISREG (st.st_mode))
        _say (rep, "FAIL", "remove it or name another file in the policy's `journal`",
              "journal `%s`: not a regular file", journal);
      else
        _say (rep, "ok", NULL, "journal `%s`: %s", journal, access (journal, W_OK) == 0 ? "writable" : "exists");
      return;
    }
  /* The nearest directory that exists: commit creates the rest. */
  for (char *slash = strrchr (dir, '/'); slash != NULL; slash = strrchr (dir, '/'))
    {
      *slash = '\0';
      if (stat (dir[0] != '\0' ? dir : "/", &st) == 0)
        break;
    }
  if (!S_ISDIR (st.st_mode) || access (dir[0] != '\0' ? dir : "/", W_OK) < 0)
    _say (rep, "FAIL", "name a journal in a writable directory in the policy's `journal`",
          "journal `%s`: cannot be created under `%s`", journal, dir[0] != '\0' ? dir : "/");
  else
    _say (rep, "ok", NULL, "journal `%s`: created at the first container", journal);
}

int
hs_doctor (const char *policy_path, FILE *out)
{
  _cleanup_policy_ hs_policy policy = { 0 };
  _cleanup_host_ hs_host host = { 0 };
  _cleanup_error_ hs_error err = { 0 };
  _report rep = { .out = out };
  const char *runtime = hs_runtime_default ();
  bool have_policy = hs_policy_load (policy_path, &policy, &err) == 0;

  if (!have_policy)
    _say (&rep, "FAIL", "correct the policy (hardshim-policy(5)); nothing starts until it loads", "policy: %s",
          err.msg);
  else if (policy.builtin)
    _say (&rep, "ok", NULL, "policy: built-in defaults (no `%s`), mode %s", policy.path,
          policy.mode == HS_MODE_AUDIT ? "audit" : "enforce");
  else
    _say (&rep, "ok", NULL, "policy `%s`: mode %s, %zu class%s, seccomp profile `%s`", policy.source,
          policy.mode == HS_MODE_AUDIT ? "audit" : "enforce", policy.nclasses, policy.nclasses == 1 ? "" : "es",
          policy.seccomp_profile);
  if (have_policy && policy.mode == HS_MODE_AUDIT)
    _say (&rep, "warn", "set \"mode\": \"enforce\" once the journal shows what would change",
          "policy mode audit: containers are journaled, not hardened");
  if (have_policy && policy.runtime != NULL)
    runtime = policy.runtime;

  _check_runtime (&rep, have_policy ? &policy : NULL);
  if (have_policy && policy.runtime != NULL)
    _check_runtime_diverted (&rep, &policy);
  hs_host_probe_userns (&host);
  hs_host_probe_lsm (&host);
  _check_userns (&rep, have_policy ? &policy : NULL, &host);
  if (have_policy)
    _check_subids (&rep, &policy);
  _check_lsm (&rep, have_policy ? &policy : NULL, &host);
  _check_cgroups (&rep, runtime);
  if (have_policy)
    _check_journal (&rep, policy.journal);

  if (rep.fails > 0)
    fprintf (out, "%u checks: %u failed, %u warnings: containers will not start\n", rep.checks, rep.fails, rep.warns);
  else
    fprintf (out, "%u checks: ok%s\n", rep.checks, rep.warns > 0 ? ", with warnings" : "");
  return rep.fails > 0 ? 1 : 0;
}
