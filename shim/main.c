/* hardshim: a runc-compatible OCI runtime that hardens the spec and then
 * execs the real runtime.  This file is the flow of DESIGN.md §1. */
#include "config.h"

#include "bridge.h"
#include "cli.h"
#include "engine_log.h"
#include "error.h"
#include "harden.h"
#include "host.h"
#include "journal.h"
#include "lsm.h"
#include "policy.h"
#include "runtime.h"
#include "spec.h"
#include "stdio_protect.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
_fail (const hs_cli *cli, hs_error *err)
{
  _cleanup_free_ char *msg = xasprintf ("hardshim: %s", err->msg ? err->msg : "unknown error");

  fprintf (stderr, "%s\n", msg);
  hs_engine_log_error (cli->log, cli->log_format, msg);
  hs_error_release (err);
  return EXIT_FAILURE;
}

/* Subcommands hardshim leaves alone, and the ones the runtime will refuse
 * anyway for lack of a container id.  exec without --process (inline flags)
 * is the runtime's for now: see the man page. */
static bool
_passes_through (const hs_cli *cli)
{
  return cli->kind == HS_CMD_PASS || cli->id == NULL || (cli->kind == HS_CMD_EXEC && cli->process == NULL);
}

/* An absolute form of path for messages and the journal. */
static char *
_absolute (const char *path)
{
  char cwd[PATH_MAX];
  char *real = realpath (path, NULL);

  if (real != NULL)
    return real;
  if (path[0] == '/' || getcwd (cwd, sizeof cwd) == NULL)
    return xstrdup (path);
  return xasprintf ("%s/%s", cwd, path);
}

/* In audit mode a spec hardshim cannot harden still starts, and the journal
 * says what would have been refused. */
static int
_audit_refusal (const hs_cli *cli, const hs_policy *policy, const char *bundle, const char *file, hs_error *err)
{
  hs_journal j;
  hs_error jerr = { 0 };
  _cleanup_json_ hs_json reason = hs_json_new_string (err->msg);
  int r;

  hs_journal_init (&j, cli->id, bundle, file, cli->command, true);
  hs_journal_record (&j, "hardshim", "", "refused", NULL, reason);
  r = hs_journal_commit (&j, policy->journal, &jerr);
  hs_journal_release (&j);
  if (r < 0)
    {
      hs_error_release (err);
      *err = jerr;
      return r;
    }
  hs_error_release (err);
  return 0;
}

/* Load the file the runtime will read, harden it, prepare the host side
 * (the rootfs bridge, the AppArmor profile), write it back (enforce) and
 * journal what changed. */
static int
_harden_file (const hs_cli *cli, const hs_policy *policy, hs_error *err)
{
  bool process_file = !hs_cli_reads_bundle (cli); /* exec: the --process file */
  bool audit = policy->mode == HS_MODE_AUDIT;
  _cleanup_free_ char *dir = _absolute (process_file ? "." : cli->bundle);
  _cleanup_free_ char *wanted = process_file ? _absolute (cli->process) : xasprintf ("%s/%s", dir, cli->config);
  hs_spec_file f = { .dirfd = -1 };
  hs_journal j;
  hs_host host = { 0 };
  hs_plan plan;
  int r;

  if (!process_file)
    hs_host_probe_userns (&host);
  hs_host_probe_lsm (&host);
  r = hs_lsm_prepare (policy, &host, err);
  if (r == 0)
    r = hs_spec_load (dir, process_file ? cli->process : cli->config, &f, err);
  if (r == 0)
    {
      hs_journal_init (&j, cli->id, process_file ? NULL : dir, f.path, cli->command, audit);
      r = hs_harden (f.tree, process_file, f.path, policy, &host, &j, &plan, err);
      if (r == 0 && plan.bridge_rootfs)
        r = hs_bridge_rootfs (f.tree, dir, &plan, &j, err);
      if (r == 0 && !audit)
        r = hs_lsm_load (&host, err);
      if (r == 0 && plan.changed)
        r = hs_spec_save (&f, err);
      if (r == 0)
        r = hs_journal_commit (&j, policy->journal, err);
      hs_journal_release (&j);
    }
  hs_spec_release (&f);
  hs_host_release (&host);
  if (r < 0 && audit)
    return _audit_refusal (cli, policy, process_file ? NULL : dir, wanted, err);
  return r;
}

int
main (int argc, char **argv)
{
  hs_cli cli;
  hs_error err = { 0 };
  hs_policy policy;
  const char *runtime;
  int r;

  r = hs_cli_parse (argc, argv, &cli, &err);
  if (r < 0)
    return _fail (&cli, &err);

  if (_passes_through (&cli))
    {
      runtime = hs_runtime_default ();
      if (hs_runtime_check (runtime, &err) == 0)
        hs_runtime_exec (runtime, argv, &err);
      return _fail (&cli, &err);
    }

  r = hs_policy_load (hs_policy_path (), &policy, &err);
  if (r < 0)
    return _fail (&cli, &err);
  /* The id ranges of the classes, for a bundle's user namespace (an exec
   * process joins the container's). */
  if (hs_cli_reads_bundle (&cli))
    r = hs_policy_load_subids (&policy, HS_SUBUID_FILE, HS_SUBGID_FILE, &err);
  if (r == 0)
    r = hs_runtime_choose (&policy, &runtime, &err);
  if (r == 0)
    r = hs_runtime_check (runtime, &err);
  if (r == 0)
    r = _harden_file (&cli, &policy, &err);
  /* Last: the runtime must not chown the caller's /dev/null (stdio_protect.h). */
  if (r == 0)
    r = hs_stdio_protect (&err);
  if (r == 0)
    hs_runtime_exec (runtime, argv, &err);
  hs_policy_release (&policy);
  return _fail (&cli, &err);
}
