/* SPDX-License-Identifier: Apache-2.0 */
/* hardshim: a runc-compatible OCI runtime that hardens the spec and then
 * execs the real runtime.  This file is the flow of DESIGN.md §1. */
#include "config.h"

#include "host/bridge.h"
#include "check/check.h"
#include "cli/cli.h"
#include "runtime/container.h"
#include "host/denied_mounts.h"
#include "runtime/engine_log.h"
#include "cli/exec_process.h"
#include "base/error.h"
#include "measures/harden.h"
#include "host/host.h"
#include "host/host_refs.h"
#include "runtime/journal.h"
#include "lsm/lsm_host.h"
#include "host/namespaces.h"
#include "host/own_dirs.h"
#include "policy/policy.h"
#include "runtime/restore.h"
#include "runtime/runtime.h"
#include "spec/seal.h"
#include "spec/spec.h"
#include "host/stdio_protect.h"
#include "host/trust.h"
#include "base/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
_fail (const hs_cli *cli, const hs_error *err)
{
  _cleanup_free_ char *msg = xasprintf ("hardshim: %s", err->msg ? err->msg : "unknown error");
  _cleanup_free_ char *shown = hs_printable (msg);

  fprintf (stderr, "%s\n", shown);
  hs_engine_log_error (cli->log, cli->log_format, msg);
  return EXIT_FAILURE;
}

/* Subcommands hardshim leaves alone (a hardened one without an id was
 * refused by the parser). */
static bool
_passes_through (const hs_cli *cli)
{
  return cli->kind == HS_CMD_PASS;
}

/* An absolute form of path for messages and the journal. */
static char *
_absolute (const char *path)
{
  char cwd[PATH_MAX];
  char *real = hs_real_path (path);

  if (real != NULL)
    return real;
  if (path[0] == '/' || getcwd (cwd, sizeof cwd) == NULL)
    return xstrdup (path);
  return xasprintf ("%s/%s", cwd, path);
}

/* In audit mode a spec hardshim cannot harden still starts, and the journal
 * says what would have been refused: err's refusal is journaled and
 * released; err is then the journal's own error, if any. */
static int
_audit_refusal (const hs_cli *cli, const hs_policy *policy, const char *bundle, const char *file, hs_error *err)
{
  _cleanup_journal_ hs_journal j = { 0 };
  _cleanup_json_ hs_json reason = hs_json_new_string (err->msg);

  hs_journal_init (&j, cli->id, bundle, file, cli->command, true);
  hs_journal_record (&j, "hardshim", "", "refused", NULL, reason);
  hs_error_release (err);
  return hs_journal_commit (&j, policy->journal, err);
}

/* A container the detect measure refused leaves its refusals in the
 * journal, in enforce mode too; the refusal stays the error (a journal
 * that cannot be written is said on stderr). */
static void
_journal_refusals (hs_journal *j, const hs_policy *policy)
{
  _cleanup_error_ hs_error jerr = { 0 };

  hs_journal_only_refusals (j);
  if (j->count > 0 && hs_journal_commit (j, policy->journal, &jerr) < 0)
    fprintf (stderr, "hardshim: %s\n", jerr.msg);
}

/* The seal key, read once for the check and the seal. */
typedef struct _seal_key
{
  uint8_t key[HS_SEAL_KEY_LEN];
  bool loaded;
} _seal_key;

/* The bundle's spec as loaded: only root may be able to change it (the
 * runtime reads it again by path), and it is hardshim's own output only
 * with a valid seal (seal.h). */
static int
_check_bundle_spec (const hs_spec_file *f, bool *ret_sealed, _seal_key *ret_key, hs_error *err)
{
  _cleanup_free_ char *real = hs_spec_real_path (f);
  int r;

  r = hs_trust_path (real, "the bundle's spec", err);
  if (r < 0)
    {
      hs_error_prefix (err, "the runtime reads `%s` again after hardshim hardened it", f->path);
      return r;
    }
  r = hs_seal_key (HS_SEAL_KEY, false, ret_key->key, err);
  if (r == -ENOENT)
    {
      hs_error_release (err);
      *ret_sealed = false; /* no key yet: no spec is hardshim's */
      return 0;
    }
  if (r < 0)
    return r;
  ret_key->loaded = true;
  *ret_sealed = hs_seal_verify (f->tree, real, ret_key->key);
  return 0;
}

/* Seal the hardened spec with key (made now if there was none) and write
 * it back. */
static int
_save_sealed (hs_spec_file *f, _seal_key *key, hs_error *err)
{
  _cleanup_free_ char *real = hs_spec_real_path (f), *text = NULL;
  size_t len;
  int r;

  if (!key->loaded)
    {
      r = hs_seal_key (HS_SEAL_KEY, true, key->key, err);
      if (r < 0)
        return r;
      key->loaded = true;
    }
  r = hs_seal_sign_text (f->tree, real, key->key, &text, &len, err); /* serialised once, sealed and saved */
  if (r < 0)
    return r;
  return hs_spec_save_text (f, TAKE_PTR (text), len, err);
}

/* What the measures decided for a bundle's spec (_decide_spec). */
typedef struct _decision
{
  hs_host host;
  hs_spec_file f;
  hs_journal j;
  hs_plan plan;
  _seal_key key; /* read once, for the check and the seal */
  bool sealed;
  bool measures_refused; /* hs_harden refused it (the detect measure's refusals are in j) */
} _decision;

static void
_decision_release (_decision *d)
{
  hs_host_release (&d->host);
  hs_spec_release (&d->f);
  hs_journal_release (&d->j);
  explicit_bzero (&d->key, sizeof d->key);
}
#define _cleanup_decision_ _cleanup_ (_decision_release)

/* The bundle's spec at dir/wanted, decided: refuse what points at
 * hardshim's own files, harden it in memory, journal in memory.  It
 * writes nothing and starts nothing (hardshim explain shows exactly
 * this); id is the container's (the cgroup it names by default). */
static int
_decide_spec (const hs_cli *cli, const char *id, const hs_policy *policy, const char *dir, const char *wanted,
              _decision *d, hs_error *err)
{
  bool audit = policy->mode == HS_MODE_AUDIT;
  int r;

  d->host.container_id = id;
  hs_host_probe_userns (&d->host);
  hs_host_probe_lsm (&d->host);
  hs_host_probe_process (&d->host);
  if (cli->kind == HS_CMD_RESTORE)
    hs_host_restore_view (&d->host);
  r = hs_lsm_prepare (policy, &d->host, err);
  if (r < 0)
    return r;
  r = hs_spec_load (dir, wanted, &d->f, err);
  if (r < 0)
    return r;
  r = _check_bundle_spec (&d->f, &d->sealed, &d->key, err);
  if (r < 0)
    return r;
  r = hs_own_dirs_check (d->f.tree, dir, d->sealed, policy, err);
  if (r < 0)
    return r;
  r = hs_namespaces_probe (d->f.tree, d->sealed, &d->host, err);
  if (r < 0)
    return r;
  r = hs_host_probe_refs (d->f.tree, dir, d->sealed, policy, cli->systemd_cgroup, &d->host, err);
  if (r < 0)
    return r;
  r = hs_own_dirs_check_refs (d->f.tree, d->sealed, policy, &d->host, err);
  if (r < 0)
    return r;

  hs_journal_init (&d->j, id, dir, d->f.path, cli->command, audit);
  r = hs_harden (d->f.tree, NULL, d->f.path, policy, &d->host, &d->j, &d->plan, err);
  if (r < 0)
    {
      d->measures_refused = true;
      return r;
    }
  if (cli->kind == HS_CMD_RESTORE)
    {
      r = hs_restore_check_lsm (cli, d->f.tree, err);
      if (r < 0)
        return r;
    }
  return hs_denied_mounts_check (d->f.tree, d->f.path, dir, policy, &d->host, &d->j, err);
}

/* The bundle's spec at dir/wanted, hardened (_decide_spec); then prepare
 * the host side (the rootfs bridge, the AppArmor profile), write it back
 * sealed (enforce) and journal what changed.  A refusal of the detect
 * measure is journaled in enforce mode too (_journal_refusals). */
static int
_harden_spec (const hs_cli *cli, const hs_policy *policy, const char *dir, const char *wanted, hs_error *err)
{
  bool audit = policy->mode == HS_MODE_AUDIT;
  _cleanup_decision_ _decision d = { .f = { .dirfd = -1 } };
  int r;

  r = _decide_spec (cli, cli->id, policy, dir, wanted, &d, err);
  if (r < 0)
    {
      if (d.measures_refused && !audit)
        _journal_refusals (&d.j, policy);
      return r;
    }
  if (d.plan.bridge_rootfs)
    {
      r = hs_bridge_rootfs (d.f.tree, dir, d.sealed, policy, &d.host, &d.plan, &d.j, err);
      if (r < 0)
        return r;
    }
  if (!audit)
    {
      r = hs_lsm_load (&d.host, err);
      if (r < 0)
        return r;
    }
  if (d.plan.changed)
    {
      r = audit ? hs_spec_save (&d.f, err) : _save_sealed (&d.f, &d.key, err); /* audit's spec is no hardened one */
      if (r < 0)
        return r;
    }
  return hs_journal_commit (&d.j, policy->journal, err);
}

/* create, run, restore: harden the bundle's spec (_harden_spec); in audit
 * mode a refusal is journaled and the engine's spec runs. */
static int
_harden_bundle (const hs_cli *cli, const hs_policy *policy, hs_error *err)
{
  _cleanup_free_ char *dir = _absolute (cli->bundle), *cwd = _absolute (".");
  _cleanup_free_ char *wanted = hs_cli_config_path (cli, dir, cwd);
  int r;

  r = _harden_spec (cli, policy, dir, wanted, err);
  if (r < 0 && policy->mode == HS_MODE_AUDIT)
    return _audit_refusal (cli, policy, dir, wanted, err);
  return r;
}

/* The process an exec runs: its --process file, or the one runc would
 * build from exec's options (exec_process.h). */
static int
_exec_process (const hs_cli *cli, const hs_container *c, int argc, char **argv, hs_spec_file *f, hs_json *ret_built,
               char **ret_shown, hs_error *err)
{
  int r;

  if (cli->process != NULL)
    {
      _cleanup_free_ char *cwd = _absolute (".");
      int fd = hs_exec_process_named_fd (cli->process);
      if (fd == -EBADF)
        return hs_error_set (err, EBADF, "exec: --process `%s` names no descriptor hardshim was given: refused",
                             cli->process);
      r = fd >= 0 ? hs_spec_load_fd (fd, cli->process, f, err) : hs_spec_load (cwd, cli->process, f, err);
      if (r == 0)
        *ret_shown = xstrdup (f->path);
      return r;
    }
  r = hs_exec_process_build (hs_json_get (c->spec.tree, "process"), cli, argc, argv, ret_built, err);
  if (r == 0)
    *ret_shown = xasprintf ("exec options on %s /process", c->spec.path);
  return r;
}

/* exec: harden the process against the container it joins (container.h),
 * hand it to the runtime as a sealed memory file (exec_process.h), write
 * a --process file back hardened (enforce; engines read it back) and
 * journal what changed.  *ret_argv is the runtime's command line, without
 * exec's process options; it stays NULL in audit mode (the engine's line
 * runs), except for a process read from a descriptor: hardshim read it to
 * its end, so the runtime gets the same bytes from a memory file. */
static int
_harden_process (const hs_cli *cli, const hs_policy *policy, const char *runtime, int argc, char **argv,
                 char ***ret_argv, char **ret_process_path, hs_error *err)
{
  bool audit = policy->mode == HS_MODE_AUDIT;
  _cleanup_host_ hs_host host = { 0 };
  _cleanup_container_ hs_container c = { .spec = { .dirfd = -1 } };
  _cleanup_spec_file_ hs_spec_file f = { .dirfd = -1 };
  _cleanup_json_ hs_json built = NULL;
  _cleanup_free_ char *shown = NULL;
  _cleanup_journal_ hs_journal j = { 0 };
  _cleanup_close_ int fd = -1;
  hs_json process;
  hs_plan plan;
  int r;

  hs_host_probe_lsm (&host);
  hs_host_probe_process (&host);
  r = hs_lsm_prepare (policy, &host, err);
  if (r < 0)
    return r;
  r = hs_container_load (runtime, cli, argv, &c, err);
  if (r < 0)
    return r;
  r = _exec_process (cli, &c, argc, argv, &f, &built, &shown, err);
  if (r < 0)
    return r;

  process = built != NULL ? built : f.tree;
  hs_journal_init (&j, cli->id, c.bundle, shown, cli->command, audit);
  r = hs_harden (process, c.spec.tree, shown, policy, &host, &j, &plan, err);
  if (r < 0)
    {
      if (!audit)
        _journal_refusals (&j, policy);
      return r;
    }
  if (!audit)
    {
      r = hs_lsm_load (&host, err);
      if (r < 0)
        return r;
    }
  if (!audit && f.dirfd >= 0)
    {
      r = hs_spec_save (&f, err);
      if (r < 0)
        return r;
    }
  if (!audit || (built == NULL && f.dirfd < 0))
    {
      r = hs_exec_process_fd (process, cli, &fd, err);
      if (r < 0)
        return r;
    }
  r = hs_journal_commit (&j, policy->journal, err);
  if (r < 0)
    return r;
  r = hs_namespaces_exec_netns (c.spec.tree, c.pid, err);
  if (r < 0)
    return r;
  if (fd >= 0) /* the runtime opens it: it stays open across the exec */
    {
      *ret_process_path = xasprintf ("/proc/self/fd/%d", TAKE_FD (fd));
      *ret_argv = hs_cli_exec_argv (cli, argc, argv, *ret_process_path);
    }
  return 0;
}

/* exec (_harden_process); in audit mode a refusal is journaled and the
 * engine's line runs. */
static int
_harden_exec (const hs_cli *cli, const hs_policy *policy, const char *runtime, int argc, char **argv, char ***ret_argv,
              char **ret_process_path, hs_error *err)
{
  int r;

  r = _harden_process (cli, policy, runtime, argc, argv, ret_argv, ret_process_path, err);
  if (r < 0 && policy->mode == HS_MODE_AUDIT)
    {
      _cleanup_free_ char *wanted = cli->process ? _absolute (cli->process) : xstrdup ("exec options");
      return _audit_refusal (cli, policy, NULL, wanted, err);
    }
  return r;
}

/* hardshim explain (check.h): what create would do to the bundle, from
 * _decide_spec's journal, printed; nothing is written (no spec, no
 * journal, no seal key), nothing mounted, loaded or started.  Its exit
 * status: 0 when create would start the container, 1 when it would refuse
 * it (the reason on the last line). */
static int
_explain (const hs_cli *cli, const char *program)
{
  _cleanup_policy_ hs_policy policy = { 0 };
  _cleanup_decision_ _decision d = { .f = { .dirfd = -1 } };
  _cleanup_error_ hs_error err = { 0 };
  _cleanup_free_ char *dir = _absolute (cli->bundle), *cwd = _absolute (".");
  _cleanup_free_ char *wanted = hs_cli_config_path (cli, dir, cwd), *shown = NULL;
  const char *runtime;
  size_t changes;
  int r;

  r = hs_policy_load (cli->policy != NULL ? cli->policy : hs_policy_path (), &policy, &err);
  if (r == 0)
    {
      policy.program = program;
      r = hs_policy_load_subids (&policy, HS_SUBUID_FILE, HS_SUBGID_FILE, &err);
    }
  if (r == 0)
    r = hs_runtime_choose (&policy, &runtime, &err);
  if (r == 0)
    r = hs_runtime_check (runtime, &err);
  if (r == 0)
    r = _decide_spec (cli, cli->id != NULL ? cli->id : "explain", &policy, dir, wanted, &d, &err);

  changes = hs_explain_print (&d.j, stdout);
  if (r < 0)
    {
      shown = hs_printable (err.msg != NULL ? err.msg : "unknown error");
      if (policy.mode == HS_MODE_AUDIT && d.j.count > 0)
        printf ("audit mode: create would journal this refusal and start the spec unchanged: %s\n", shown);
      else
        printf ("refused: %s\n", shown);
      return policy.mode == HS_MODE_AUDIT && d.j.count > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    }
  if (d.plan.bridge_rootfs)
    printf ("%-17s %-36s %s\n", "host", "/root/path",
            "the rootfs would be made reachable from the user namespace (a bridge mount; not done by explain)");
  if (d.host.apparmor_profile != NULL && policy.mode != HS_MODE_AUDIT)
    printf ("%-17s %-36s %s\n", "host", "apparmor", "hardshim's profile would be loaded if it is not yet");
  printf ("%zu change%s; would start (%s mode)\n", changes, changes == 1 ? "" : "s",
          policy.mode == HS_MODE_AUDIT ? "audit" : "enforce");
  return EXIT_SUCCESS;
}

/* Everything after the command line: returns only on failure, with err
 * set (hardshim execs the runtime). */
static int
_run (const hs_cli *cli, int argc, char **argv, hs_error *err)
{
  _cleanup_policy_ hs_policy policy = { 0 };
  _cleanup_free_ char **exec_argv = NULL;
  _cleanup_free_ char *process_path = NULL;
  const char *runtime;
  int r;

  if (_passes_through (cli))
    {
      runtime = hs_runtime_default ();
      r = hs_runtime_check (runtime, err);
      if (r < 0)
        return r;
      return hs_runtime_exec (runtime, argv, err);
    }

  r = hs_policy_load (hs_policy_path (), &policy, err);
  if (r < 0)
    return r;
  policy.program = hs_path_basename (argv[0]);
  /* The id ranges of the classes, for a bundle's user namespace (an exec
   * process joins the container's). */
  if (hs_cli_reads_bundle (cli))
    {
      r = hs_policy_load_subids (&policy, HS_SUBUID_FILE, HS_SUBGID_FILE, err);
      if (r < 0)
        return r;
    }
  r = hs_runtime_choose (&policy, &runtime, err);
  if (r < 0)
    return r;
  r = hs_runtime_check (runtime, err);
  if (r < 0)
    return r;
  if (cli->kind == HS_CMD_EXEC)
    r = _harden_exec (cli, &policy, runtime, argc, argv, &exec_argv, &process_path, err);
  else
    r = _harden_bundle (cli, &policy, err);
  if (r < 0)
    return r;
  /* Last: the runtime must not chown the caller's /dev/null (stdio_protect.h). */
  r = hs_stdio_protect (err);
  if (r < 0)
    return r;
  return hs_runtime_exec (runtime, exec_argv != NULL ? exec_argv : argv, err);
}

int
main (int argc, char **argv)
{
  _cleanup_cli_ hs_cli cli = { 0 };
  _cleanup_error_ hs_error err = { 0 };

  if (hs_cli_parse (argc, argv, &cli, &err) == 0)
    {
      if (cli.kind == HS_CMD_DOCTOR)
        return hs_doctor (cli.policy != NULL ? cli.policy : hs_policy_path (), stdout);
      if (cli.kind == HS_CMD_EXPLAIN)
        return _explain (&cli, hs_path_basename (argv[0]));
      (void) _run (&cli, argc, argv, &err);
    }
  return _fail (&cli, &err);
}
