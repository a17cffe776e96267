/* SPDX-License-Identifier: Apache-2.0 */
/* hs_cli_parse as a table of cases: real argv lines of docker, containerd
 * and podman (tests/data/specs/ARGV.txt), runc's and crun's option
 * spellings, and the refusals. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A field whose value the case does not care about. */
static const char ANY[] = "<any>";

#define ARGV(...) ((const char *const[]){ "/usr/local/bin/hardshim", __VA_ARGS__, NULL })

typedef struct cli_case
{
  const char *name;
  const char *const *argv; /* NULL-terminated, argv[0] included */
  const char *error;       /* substring of err.msg; NULL when parsing must succeed */
  hs_command_kind kind;
  const char *command;
  const char *bundle;
  const char *config;
  const char *process;
  const char *id;
  const char *log;
  const char *log_format;
} cli_case;

/* The success cases. */
#define OK(n, a, k, cmd, b, c, p, i, l, lf)                                                                            \
  {                                                                                                                    \
    .name = n, .argv = a, .error = NULL, .kind = k, .command = cmd, .bundle = b, .config = c, .process = p, .id = i,   \
    .log = l, .log_format = lf                                                                                         \
  }
/* A pass-through subcommand: bundle and config are not its business, and
 * reading stops at the subcommand (no id, no process). */
#define PASS(n, a, cmd, l, lf) OK (n, a, HS_CMD_PASS, cmd, ANY, ANY, NULL, NULL, l, lf)
/* A refusal; log and log_format are filled as far as parsing got. */
#define FAIL(n, a, msg, l, lf)                                                                                         \
  {                                                                                                                    \
    .name = n, .argv = a, .error = msg, .kind = HS_CMD_PASS, .command = ANY, .bundle = ANY, .config = ANY,             \
    .process = ANY, .id = ANY, .log = l, .log_format = lf                                                              \
  }

/* ---- the captured lines (ARGV.txt) --------------------------------------- */

#define D_ID "366f1c972618444bfcbbaab18ed4960699989530dfbcab01fc6ce8d8d1e668cf"
#define D_TASK "/var/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/"
#define D_DIR D_TASK D_ID
#define D_LOG D_DIR "/log.json"
#define D_RUNLOG "/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/" D_ID "/log.json"
#define D_GLOBAL "--root", "/var/run/docker/runtime-runc/moby", "--log", D_LOG, "--log-format", "json"

#define DX_ID "1d61787638f930b758c47f3541386b705d98cbac0a763f993efe0070f0584ff4"
#define DX_DIR D_TASK DX_ID
#define DX_LOG DX_DIR "/log.json"
#define DX_GLOBAL "--root", "/var/run/docker/runtime-runc/moby", "--log", DX_LOG, "--log-format", "json"

#define C_TASK "/var/run/docker/containerd/daemon/io.containerd.runtime.v2.task/default/"
#define C1_LOG C_TASK "c1/log.json"
#define C1_GLOBAL "--root", "/run/containerd/runc/default", "--log", C1_LOG, "--log-format", "json"
#define C2_LOG C_TASK "c2/log.json"
#define C2_GLOBAL "--root", "/run/containerd/runc/default", "--log", C2_LOG, "--log-format", "json"

#define P_ID "754dec8024d3072169e5a5a3ad0d08d1c64f8dae4433b8e396f89cfcd1d2f233"
#define P_DIR "/var/lib/containers/storage/overlay-containers/" P_ID "/userdata"
#define PX_ID "0e726980f4f0f556d46367898ea80dd9bd650cd83adf61820d8ee8831ece195c"
#define PX_DIR "/var/lib/containers/storage/overlay-containers/" PX_ID "/userdata"
#define PX_EXEC PX_DIR "/d533b12e5d8197484dfbb07b53c25650955e110641ad3dc114a31a291bfadb98"

static const cli_case _captured_cases[] = {
  /* docker */
  OK ("docker create", ARGV (D_GLOBAL, "create", "--bundle", D_DIR, "--pid-file", D_DIR "/init.pid", D_ID),
      HS_CMD_CREATE, "create", D_DIR, "config.json", NULL, D_ID, D_LOG, "json"),
  PASS ("docker start", ARGV (D_GLOBAL, "start", D_ID), "start", D_LOG, "json"),
  PASS ("docker delete", ARGV (D_GLOBAL, "delete", D_ID), "delete", D_LOG, "json"),
  PASS ("docker delete --force",
        ARGV ("--root", "/var/run/docker/runtime-runc/moby", "--log", D_RUNLOG, "--log-format", "json", "delete",
              "--force", D_ID),
        "delete", D_RUNLOG, "json"),
  OK ("docker create (exec container)",
      ARGV (DX_GLOBAL, "create", "--bundle", DX_DIR, "--pid-file", DX_DIR "/init.pid", DX_ID), HS_CMD_CREATE, "create",
      DX_DIR, "config.json", NULL, DX_ID, DX_LOG, "json"),
  OK ("docker exec",
      ARGV (DX_GLOBAL, "exec", "--process", "/tmp/runc-process2258029068", "--detach", "--pid-file",
            DX_DIR "/00a6294173890874d3351a0870b0fc2459406ba56a0d1d55ebdd70127dd27191.pid", DX_ID),
      HS_CMD_EXEC, "exec", ".", "config.json", "/tmp/runc-process2258029068", DX_ID, DX_LOG, "json"),
  PASS ("docker kill", ARGV (DX_GLOBAL, "kill", DX_ID, "9"), "kill", DX_LOG, "json"),

  /* containerd */
  OK ("containerd create",
      ARGV (C1_GLOBAL, "create", "--bundle", C_TASK "c1", "--pid-file", C_TASK "c1/init.pid", "c1"), HS_CMD_CREATE,
      "create", C_TASK "c1", "config.json", NULL, "c1", C1_LOG, "json"),
  PASS ("containerd start", ARGV (C1_GLOBAL, "start", "c1"), "start", C1_LOG, "json"),
  PASS ("containerd delete", ARGV (C1_GLOBAL, "delete", "c1"), "delete", C1_LOG, "json"),
  OK ("containerd exec",
      ARGV (C2_GLOBAL, "exec", "--process", "/tmp/runc-process2285322294", "--detach", "--pid-file", C_TASK "c2/e1.pid",
            "c2"),
      HS_CMD_EXEC, "exec", ".", "config.json", "/tmp/runc-process2285322294", "c2", C2_LOG, "json"),
  PASS ("containerd kill", ARGV (C2_GLOBAL, "kill", "c2", "9"), "kill", C2_LOG, "json"),

  /* podman (conmon): no global options at all */
  OK ("podman create", ARGV ("create", "--bundle", P_DIR, "--pid-file", P_DIR "/pidfile", P_ID), HS_CMD_CREATE,
      "create", P_DIR, "config.json", NULL, P_ID, NULL, NULL),
  PASS ("podman start", ARGV ("start", P_ID), "start", NULL, NULL),
  PASS ("podman delete --force", ARGV ("delete", "--force", P_ID), "delete", NULL, NULL),
  OK ("podman exec",
      ARGV ("exec", "--pid-file", PX_EXEC "/exec_pid", "--process", PX_EXEC "/exec-process-1957583412", "--detach",
            PX_ID),
      HS_CMD_EXEC, "exec", ".", "config.json", PX_EXEC "/exec-process-1957583412", PX_ID, NULL, NULL),
  PASS ("podman kill", ARGV ("kill", PX_ID, "9"), "kill", NULL, NULL),
};

/* ---- option spellings, defaults, pass-through, refusals ------------------ */

/* clang-format off */
static const cli_case _syntax_cases[] = {
  /* bundle */
  OK ("--bundle=DIR", ARGV ("create", "--bundle=/b", "id"), HS_CMD_CREATE, "create", "/b", "config.json", NULL, "id",
      NULL, NULL),
  OK ("-b DIR", ARGV ("create", "-b", "/b", "id"), HS_CMD_CREATE, "create", "/b", "config.json", NULL, "id", NULL,
      NULL),
  /* runc reads these as --bundle, crun as -b with the value "=/b" and "undle" */
  FAIL ("-b=DIR (crun: the value `=/b`)", ARGV ("create", "-b=/b", "id"), "option `-b=/b`: crun reads its value as `=/b`, runc as `/b`: write `-b /b`",
        NULL, NULL),
  FAIL ("-bundle DIR (crun: -b undle)", ARGV ("create", "-bundle", "/b", "id"), "option `-bundle`: crun reads it as one-letter options, runc as `--bundle`: write `--bundle`: refused",
        NULL, NULL),
  OK ("--bundle after the id (reordered)", ARGV ("create", "id", "--bundle", "/b"), HS_CMD_CREATE, "create", "/b",
      "config.json", NULL, "id", NULL, NULL),
  OK ("--bundle and --pid-file after the id", ARGV ("create", "id", "--pid-file", "/p", "-b", "/b"), HS_CMD_CREATE,
      "create", "/b", "config.json", NULL, "id", NULL, NULL),
  OK ("last --bundle wins", ARGV ("create", "-b", "/a", "--bundle", "/b", "id"), HS_CMD_CREATE, "create", "/b",
      "config.json", NULL, "id", NULL, NULL),
  OK ("empty --bundle= is the current directory", ARGV ("create", "--bundle=", "id"), HS_CMD_CREATE, "create", ".",
      "config.json", NULL, "id", NULL, NULL),
  OK ("create defaults", ARGV ("create", "id"), HS_CMD_CREATE, "create", ".", "config.json", NULL, "id", NULL, NULL),
  FAIL ("create without id", ARGV ("create", "--bundle", "/b"), "`create` without a container id: refused", NULL,
        NULL),
  FAIL ("create alone", ARGV ("create"), "`create` without a container id", NULL, NULL),
  FAIL ("exec -p=FILE (crun: the file `=FILE`)", ARGV ("exec", "-p=/ok.json", "id"), "option `-p=/ok.json`", NULL, NULL),
  FAIL ("exec -pid-file (crun: -p id-file)", ARGV ("exec", "-pid-file", "/v", "id", "sh"), "write `--pid-file`", NULL,
        NULL),
  FAIL ("exec -t=false", ARGV ("exec", "-t=false", "id", "sh"), "option `-t=false`: crun reads its value as `=false`", NULL, NULL),
  OK ("exec -t -u 0 (one letter, value apart)", ARGV ("exec", "-t", "-u", "0", "id", "sh"), HS_CMD_EXEC, "exec", ".",
      "config.json", NULL, "id", NULL, NULL),
  OK ("create boolean and valued options",
      ARGV ("create", "--no-pivot", "--console-socket", "/s", "--preserve-fds", "3", "--no-new-keyring",
            "--no-subreaper", "-b", "/b", "id"),
      HS_CMD_CREATE, "create", "/b", "config.json", NULL, "id", NULL, NULL),

  /* crun's config file */
  OK ("crun -f FILE", ARGV ("create", "-f", "other.json", "--bundle", "/b", "id"), HS_CMD_CREATE, "create", "/b",
      "other.json", NULL, "id", NULL, NULL),
  OK ("crun --config=FILE", ARGV ("create", "--config=/c/spec.json", "id"), HS_CMD_CREATE, "create", ".",
      "/c/spec.json", NULL, "id", NULL, NULL),
  OK ("crun --config FILE after the id", ARGV ("create", "id", "--config", "x.json"), HS_CMD_CREATE, "create", ".",
      "x.json", NULL, "id", NULL, NULL),

  /* run and restore */
  OK ("run -d", ARGV ("run", "-d", "--bundle", "/b", "id"), HS_CMD_RUN, "run", "/b", "config.json", NULL, "id", NULL,
      NULL),
  OK ("run --keep --detach -f", ARGV ("run", "--keep", "--detach", "-f", "c.json", "id"), HS_CMD_RUN, "run", ".",
      "c.json", NULL, "id", NULL, NULL),
  OK ("run defaults", ARGV ("run", "id"), HS_CMD_RUN, "run", ".", "config.json", NULL, "id", NULL, NULL),
  OK ("restore", ARGV ("restore", "--image-path", "/img", "--tcp-established", "-b", "/b", "-d", "id"), HS_CMD_RESTORE,
      "restore", "/b", "config.json", NULL, "id", NULL, NULL),
  OK ("restore defaults", ARGV ("restore", "id"), HS_CMD_RESTORE, "restore", ".", "config.json", NULL, "id", NULL,
      NULL),

  /* global options */
  OK ("--log=FILE form", ARGV ("--log=/l.json", "--log-format=json", "create", "id"), HS_CMD_CREATE, "create", ".",
      "config.json", NULL, "id", "/l.json", "json"),
  FAIL ("-log FILE (one dash) before create", ARGV ("-log", "/l.json", "-log-format", "text", "create", "id"),
        "option `-log`", "/l.json", "text"),
  PASS ("-log FILE (one dash) before state: the runtime's business", ARGV ("-log", "/l.json", "state", "id"), "state",
        "/l.json", NULL),
  OK ("--rootless true create", ARGV ("--rootless", "true", "create", "--bundle", "/b", "id"), HS_CMD_CREATE, "create",
      "/b", "config.json", NULL, "id", NULL, NULL),
  OK ("--rootless=auto create", ARGV ("--rootless=auto", "create", "id"), HS_CMD_CREATE, "create", ".", "config.json",
      NULL, "id", NULL, NULL),
  OK ("--systemd-cgroup", ARGV ("--systemd-cgroup", "--log", "/l", "create", "-b", "/b", "id"), HS_CMD_CREATE, "create",
      "/b", "config.json", NULL, "id", "/l", NULL),
  OK ("--systemd-cgroup=true", ARGV ("--systemd-cgroup=true", "create", "id"), HS_CMD_CREATE, "create", ".",
      "config.json", NULL, "id", NULL, NULL),
  OK ("crun --cgroup-manager systemd", ARGV ("--cgroup-manager", "systemd", "create", "--config", "c.json", "id"),
      HS_CMD_CREATE, "create", ".", "c.json", NULL, "id", NULL, NULL),
  OK ("--debug --criu PATH", ARGV ("--debug", "--criu", "/usr/sbin/criu", "restore", "id"), HS_CMD_RESTORE, "restore",
      ".", "config.json", NULL, "id", NULL, NULL),
  OK ("--root whose value is a subcommand word", ARGV ("--root", "create", "run", "id"), HS_CMD_RUN, "run", ".",
      "config.json", NULL, "id", NULL, NULL),

  /* pass-through */
  PASS ("features", ARGV ("features"), "features", NULL, NULL),
  PASS ("--version", ARGV ("--version"), NULL, NULL, NULL),
  PASS ("-v", ARGV ("-v"), NULL, NULL, NULL),
  PASS ("--help", ARGV ("--help"), NULL, NULL, NULL),
  PASS ("--help before create", ARGV ("--help", "create", "id"), NULL, NULL, NULL),
  PASS ("create --help", ARGV ("create", "--help"), "create", NULL, NULL),
  OK ("create -h after the id", ARGV ("create", "id", "-h"), HS_CMD_PASS, "create", ANY, ANY, ANY, ANY, NULL, NULL),
  PASS ("exec --help", ARGV ("exec", "--help"), "exec", NULL, NULL),
  PASS ("unknown subcommand", ARGV ("--log", "/l", "frobnicate", "--whatever", "x"), "frobnicate", "/l", NULL),
  PASS ("pass-through keeps unknown options", ARGV ("update", "--memory", "1g", "id"), "update", NULL, NULL),
  PASS ("unknown global option before a pass-through subcommand", ARGV ("--bogus", "state", "id"), "state", NULL, NULL),
  PASS ("no arguments at all", ARGV (NULL), NULL, NULL, NULL),

  /* exec */
  OK ("exec stops at the first positional", ARGV ("exec", "id", "sh", "-c", "x"), HS_CMD_EXEC, "exec", ".",
      "config.json", NULL, "id", NULL, NULL),
  OK ("exec -p before the id, command after", ARGV ("exec", "-p", "/p.json", "id", "sh", "-c", "x"), HS_CMD_EXEC,
      "exec", ".", "config.json", "/p.json", "id", NULL, NULL),
  OK ("exec: options after the id are the command's", ARGV ("exec", "id", "--bogus", "-p", "/x"), HS_CMD_EXEC, "exec",
      ".", "config.json", NULL, "id", NULL, NULL),
  OK ("exec without -p", ARGV ("exec", "-t", "-e", "A=B", "--user", "1:1", "--cwd", "/", "id", "sh"), HS_CMD_EXEC,
      "exec", ".", "config.json", NULL, "id", NULL, NULL),
  OK ("exec --process=FILE", ARGV ("exec", "--process=/p.json", "id"), HS_CMD_EXEC, "exec", ".", "config.json",
      "/p.json", "id", NULL, NULL),
  FAIL ("exec without id", ARGV ("exec", "-p", "/p.json"), "`exec` without a container id: refused", NULL, NULL),

  /* "--" */
  OK ("-- before the subcommand", ARGV ("--log", "/l", "--", "create", "id"), HS_CMD_CREATE, "create", ".",
      "config.json", NULL, "id", "/l", NULL),
  OK ("-- before the id", ARGV ("create", "-b", "/b", "--", "id"), HS_CMD_CREATE, "create", "/b", "config.json", NULL,
      "id", NULL, NULL),
  OK ("-- makes an option-looking word the id", ARGV ("create", "--", "--bundle", "/b"), HS_CMD_CREATE, "create", ".",
      "config.json", NULL, "--bundle", NULL, NULL),
  OK ("options after id -- are not options", ARGV ("create", "id", "--", "--bundle", "/b"), HS_CMD_CREATE, "create",
      ".", "config.json", NULL, "id", NULL, NULL),
  OK ("exec -- id", ARGV ("exec", "-p", "/p.json", "--", "id", "sh"), HS_CMD_EXEC, "exec", ".", "config.json",
      "/p.json", "id", NULL, NULL),

  /* unknown options */
  FAIL ("unknown option for create", ARGV ("--log", "/l", "--log-format", "json", "create", "--bogus", "id"),
        "unknown option", "/l", "json"),
  FAIL ("unknown option for create after the id", ARGV ("create", "id", "--bogus"), "unknown option", NULL, NULL),
  FAIL ("unknown option=value for create", ARGV ("create", "--bogus=1", "id"), "unknown option", NULL, NULL),
  FAIL ("unknown option for run", ARGV ("run", "-x", "id"), "unknown option", NULL, NULL),
  FAIL ("crun's -f is not an option of restore", ARGV ("restore", "-f", "c.json", "id"), "unknown option", NULL, NULL),
  FAIL ("unknown option for exec", ARGV ("exec", "--bogus", "id"), "unknown option", NULL, NULL),
  FAIL ("global option after create", ARGV ("create", "--root", "/r", "id"), "unknown option", NULL, NULL),
  FAIL ("unknown global option before create", ARGV ("--bogus", "create", "id"), "unknown global option", NULL, NULL),
  FAIL ("unknown global option, maybe with a value, before create",
        ARGV ("--log", "/l", "--bogus", "val", "create", "id"), "unknown global option", "/l", NULL),
  FAIL ("unknown global option before exec", ARGV ("-z", "exec", "-p", "/p", "id"), "unknown global option", NULL,
        NULL),
  OK ("unknown global option with =value", ARGV ("--bogus=1", "create", "-b", "/b", "id"), HS_CMD_CREATE, "create",
      "/b", "config.json", NULL, "id", NULL, NULL),

  /* container ids: runc's rule (^[\w+-\.]+$, not "." or ".."), before anything is read */
  FAIL ("id with a newline", ARGV ("create", "-b", "/b", "a\nb"), "container id `a\\x0ab`: runc accepts only", NULL,
        NULL),
  FAIL ("id with invalid UTF-8", ARGV ("create", "bad\xff\xfe"), "container id `bad\\xff\\xfe`", NULL, NULL),
  FAIL ("id with valid UTF-8 that is not ASCII", ARGV ("run", "caf\xc3\xa9"), "container id `caf\\xc3\\xa9`", NULL,
        NULL),
  FAIL ("id with a slash", ARGV ("create", "a/b"), "container id `a/b`", NULL, NULL),
  FAIL ("id climbing out of the state directory", ARGV ("create", "../x"), "container id `../x`", NULL, NULL),
  FAIL ("id `.`", ARGV ("create", "."), "container id `.`", NULL, NULL),
  FAIL ("id `..`", ARGV ("restore", ".."), "container id `..`", NULL, NULL),
  FAIL ("empty id", ARGV ("create", ""), "container id ``", NULL, NULL),
  FAIL ("id with a space", ARGV ("create", "a b"), "container id `a b`", NULL, NULL),
  FAIL ("id with a colon", ARGV ("create", "a:b"), "container id `a:b`", NULL, NULL),
  FAIL ("id with a backslash, shown escaped", ARGV ("create", "a\\b"), "container id `a\\x5cb`", NULL, NULL),
  FAIL ("id with a tab", ARGV ("create", "a\tb"), "container id `a\\x09b`", NULL, NULL),
  FAIL ("id with `*` (just below `+`)", ARGV ("create", "a*"), "container id `a*`", NULL, NULL),
  FAIL ("id with `/` (just above `.`)", ARGV ("create", "a/"), "container id `a/`", NULL, NULL),
  FAIL ("exec into an invalid id", ARGV ("exec", "-p", "/p.json", "a\nb"), "container id `a\\x0ab`", NULL, NULL),
  FAIL ("exec into `..`", ARGV ("exec", "..", "sh"), "container id `..`", NULL, NULL),
  OK ("id `...` (not a path step)", ARGV ("create", "..."), HS_CMD_CREATE, "create", ".", "config.json", NULL, "...",
      NULL, NULL),
  OK ("id `.a`", ARGV ("create", ".a"), HS_CMD_CREATE, "create", ".", "config.json", NULL, ".a", NULL, NULL),
  OK ("id `a..b`", ARGV ("create", "a..b"), HS_CMD_CREATE, "create", ".", "config.json", NULL, "a..b", NULL, NULL),
  OK ("id `..a`", ARGV ("run", "..a"), HS_CMD_RUN, "run", ".", "config.json", NULL, "..a", NULL, NULL),
  OK ("id of every allowed kind of character", ARGV ("create", "Az09_+,-."), HS_CMD_CREATE, "create", ".",
      "config.json", NULL, "Az09_+,-.", NULL, NULL),
  OK ("id `-x` after --", ARGV ("exec", "--", "-x", "sh"), HS_CMD_EXEC, "exec", ".", "config.json", NULL, "-x", NULL,
      NULL),
  PASS ("pass-through: the runtime judges the id", ARGV ("state", "a/b\n"), "state", NULL, NULL),
  OK ("create --help with an invalid id: the runtime prints help", ARGV ("create", "--help", "a/b"), HS_CMD_PASS,
      "create", ANY, ANY, ANY, ANY, NULL, NULL),

  /* crun's -f: empty is no file */
  FAIL ("-f \"\"", ARGV ("create", "-f", "", "id"), "`-f/--config` is empty", NULL, NULL),
  FAIL ("--config=", ARGV ("run", "--config=", "id"), "`-f/--config` is empty", NULL, NULL),

  /* missing values */
  FAIL ("--bundle without its value", ARGV ("create", "id", "--bundle"), "needs a value", NULL, NULL),
  FAIL ("-f without its value", ARGV ("create", "-f"), "needs a value", NULL, NULL),
  FAIL ("exec -p without its value", ARGV ("exec", "-p"), "needs a value", NULL, NULL),
  FAIL ("global --log without its value", ARGV ("--log"), "needs a value", NULL, NULL),
  FAIL ("global --root without its value", ARGV ("--log-format", "json", "--root"), "needs a value", NULL, "json"),
};
/* clang-format on */

static void
_check_field (const char *case_name, const char *field, const char *expected, const char *actual)
{
  if (expected == ANY)
    return;
  if (expected == NULL && actual == NULL)
    return;
  if (expected != NULL && actual != NULL && strcmp (expected, actual) == 0)
    return;
  CASE_FAIL ("case `%s`: %s is `%s`, expected `%s`\n", case_name, field, actual ? actual : "(null)",
             expected ? expected : "(null)");
}

static void
_run_cases (const cli_case *cases, size_t n)
{
  _failures = 0;
  for (size_t c = 0; c < n; c++)
    {
      const cli_case *t = &cases[c];
      hs_cli cli;
      hs_error err = { 0 };
      int r;

      memset (&cli, 0xa5, sizeof cli);
      r = hs_cli_parse (tu_argc (t->argv), (char *const *) t->argv, &cli, &err);
      if (t->error != NULL)
        {
          if (r >= 0)
            CASE_FAIL ("case `%s`: parsed (kind %d), expected an error with `%s`\n", t->name, (int) cli.kind, t->error);
          if (err.msg == NULL || strstr (err.msg, t->error) == NULL)
            CASE_FAIL ("case `%s`: error `%s` does not mention `%s`\n", t->name, err.msg ? err.msg : "(null)",
                       t->error);
          if (r != -err.code)
            CASE_FAIL ("case `%s`: returned %d but err.code is %d\n", t->name, r, err.code);
        }
      else
        {
          if (r != 0)
            CASE_FAIL ("case `%s`: returned %d: %s\n", t->name, r, err.msg ? err.msg : "(no message)");
          if (err.msg != NULL)
            CASE_FAIL ("case `%s`: succeeded but set an error: %s\n", t->name, err.msg);
          if (cli.kind != t->kind)
            CASE_FAIL ("case `%s`: kind %d, expected %d\n", t->name, (int) cli.kind, (int) t->kind);
          if (hs_cli_reads_bundle (&cli)
              != (t->kind == HS_CMD_CREATE || t->kind == HS_CMD_RUN || t->kind == HS_CMD_RESTORE))
            CASE_FAIL ("case `%s`: hs_cli_reads_bundle is wrong for kind %d\n", t->name, (int) t->kind);
        }
      _check_field (t->name, "command", t->command, cli.command);
      _check_field (t->name, "bundle", t->bundle, cli.bundle);
      _check_field (t->name, "config", t->config, cli.config);
      _check_field (t->name, "process", t->process, cli.process);
      _check_field (t->name, "id", t->id, cli.id);
      _check_field (t->name, "log", t->log, cli.log);
      _check_field (t->name, "log_format", t->log_format, cli.log_format);
      hs_cli_release (&cli);
      hs_error_release (&err);
    }
  assert_int_equal (_failures, 0);
}

static void
test_captured_argv (void **state)
{
  _run_cases (_captured_cases, sizeof _captured_cases / sizeof _captured_cases[0]);
}

static void
test_option_syntax (void **state)
{
  _run_cases (_syntax_cases, sizeof _syntax_cases / sizeof _syntax_cases[0]);
}

/* A help or version flag switched off with "=false" is no request for help:
 * runc (urfave/cli over Go's flag package) reads `--help=false` as false and
 * goes on to create the container.  Passing such a line through unhardened
 * would be a bypass; the parser must treat it as the hardened subcommand (or
 * refuse it). */
typedef struct help_false_case
{
  const char *name;
  const char *const *argv;
  hs_command_kind kind; /* the kind when the line is accepted */
  const char *bundle;
} help_false_case;

static const help_false_case _help_false_cases[] = {
  { "create --help=false", ARGV ("create", "--help=false", "--bundle", "/b", "id"), HS_CMD_CREATE, "/b" },
  { "create -h=false after the id", ARGV ("create", "id", "-h=false", "-b", "/b"), HS_CMD_CREATE, "/b" },
  { "run --help=0", ARGV ("run", "--help=0", "-b", "/b", "id"), HS_CMD_RUN, "/b" },
  { "exec --help=false", ARGV ("exec", "--help=false", "-p", "/p.json", "id"), HS_CMD_EXEC, "." },
  { "global --version=false", ARGV ("--version=false", "create", "-b", "/b", "id"), HS_CMD_CREATE, "/b" },
  { "global --help=false", ARGV ("--help=false", "create", "-b", "/b", "id"), HS_CMD_CREATE, "/b" },
};

static void
test_help_false_is_not_a_pass_through (void **state)
{
  _failures = 0;
  for (size_t c = 0; c < sizeof _help_false_cases / sizeof _help_false_cases[0]; c++)
    {
      const help_false_case *t = &_help_false_cases[c];
      hs_cli cli;
      hs_error err = { 0 };
      int r = hs_cli_parse (tu_argc (t->argv), (char *const *) t->argv, &cli, &err);

      if (r == 0 && (cli.kind != t->kind || cli.bundle == NULL || strcmp (cli.bundle, t->bundle) != 0))
        CASE_FAIL ("case `%s`: accepted as kind %d with bundle `%s`: expected kind %d with bundle `%s`, or a refusal\n",
                   t->name, (int) cli.kind, cli.bundle ? cli.bundle : "(null)", (int) t->kind, t->bundle);
      hs_cli_release (&cli);
      hs_error_release (&err);
    }
  assert_int_equal (_failures, 0);
}

/* The spec file create and run read: crun 1.8.1's rule (src/create.c,
 * src/run.c): exactly "config.json" is read after chdir into the bundle,
 * any other relative path is made absolute against the current directory
 * first. */
static void
test_config_path (void **state)
{
  const struct
  {
    const char *const *argv;
    const char *want;
  } cases[] = {
    { ARGV ("create", "-b", "/b", "id"), "/b/config.json" },
    { ARGV ("create", "-b", "/b", "-f", "config.json", "id"), "/b/config.json" },
    { ARGV ("create", "-b", "/b", "-f", "./config.json", "id"), "/cwd/./config.json" },
    { ARGV ("run", "-b", "/b", "--config", "config.json/", "id"), "/cwd/config.json/" },
    { ARGV ("create", "-b", "/b", "-f", "other.json", "id"), "/cwd/other.json" },
    { ARGV ("create", "-b", "/b", "-f", "sub/config.json", "id"), "/cwd/sub/config.json" },
    { ARGV ("create", "-b", "/b", "-f", "../b/config.json", "id"), "/cwd/../b/config.json" },
    { ARGV ("create", "-b", "/b", "--config=/etc/spec.json", "id"), "/etc/spec.json" },
    { ARGV ("run", "--config", "Config.json", "id"), "/cwd/Config.json" },
  };

  for (size_t c = 0; c < HS_ARRAY_SIZE (cases); c++)
    {
      hs_cli cli;
      hs_error err = { 0 };
      _cleanup_free_ char *path = NULL;

      assert_int_equal (hs_cli_parse (tu_argc (cases[c].argv), (char *const *) cases[c].argv, &cli, &err), 0);
      path = hs_cli_config_path (&cli, cli.bundle, "/cwd");
      assert_string_equal (path, cases[c].want);
      hs_cli_release (&cli);
    }
}

/* The parsed fields point into argv: nothing to free, nothing copied. */
static void
test_fields_point_into_argv (void **state)
{
  char *argv[] = { "hardshim", "--log", "/l", "create", "--bundle=/b", "-f", "c.json", "id", NULL };
  hs_cli cli;
  hs_error err = { 0 };

  assert_int_equal (hs_cli_parse (8, argv, &cli, &err), 0);
  assert_ptr_equal (cli.log, argv[2]);
  assert_ptr_equal (cli.command, argv[3]);
  assert_ptr_equal (cli.bundle, argv[4] + strlen ("--bundle="));
  assert_ptr_equal (cli.config, argv[6]);
  assert_ptr_equal (cli.id, argv[7]);
  assert_null (err.msg);
  hs_cli_release (&cli);
}

/* The cgroup driver the runtime is told to use: runc's --systemd-cgroup
 * (a Go boolean: =false switches it off), crun's --cgroup-manager. */
static void
test_systemd_cgroup (void **state)
{
  const struct
  {
    const char *const *argv;
    bool want;
  } cases[] = {
    { ARGV ("create", "id"), false },
    { ARGV ("--systemd-cgroup", "create", "id"), true },
    { ARGV ("--systemd-cgroup=true", "create", "id"), true },
    { ARGV ("--systemd-cgroup=false", "create", "id"), false },
    { ARGV ("--systemd-cgroup", "--systemd-cgroup=false", "create", "id"), false },
    { ARGV ("--cgroup-manager", "systemd", "create", "id"), true },
    { ARGV ("--cgroup-manager=systemd", "create", "id"), true },
    { ARGV ("--cgroup-manager=cgroupfs", "create", "id"), false },
    { ARGV ("--cgroup-manager", "disabled", "create", "id"), false },
    { ARGV ("--systemd-cgroup", "--cgroup-manager=cgroupfs", "create", "id"), false },
  };

  for (size_t c = 0; c < HS_ARRAY_SIZE (cases); c++)
    {
      hs_cli cli;
      hs_error err = { 0 };

      assert_int_equal (hs_cli_parse (tu_argc (cases[c].argv), (char *const *) cases[c].argv, &cli, &err), 0);
      if (cli.systemd_cgroup != cases[c].want)
        CASE_FAIL ("case %zu (%s): systemd_cgroup %d, want %d\n", c, cases[c].argv[1], cli.systemd_cgroup,
                   cases[c].want);
      hs_cli_release (&cli);
    }
  assert_int_equal (_failures, 0);
}

/* A release takes an empty value: zeroed, or released already. */
static void
test_release_empty (void **state)
{
  char *argv[] = { "hardshim", "exec", "-e", "A=1", "--cap", "CAP_KILL", "-g", "5", "id", "true", NULL };
  hs_cli cli = { 0 };
  hs_error err = { 0 };

  hs_cli_release (&cli);
  hs_cli_release (&cli);
  assert_int_equal (hs_cli_parse (10, argv, &cli, &err), 0);
  assert_int_equal (cli.exec.env.n, 1);
  hs_cli_release (&cli);
  assert_int_equal (cli.exec.env.n, 0);
  assert_null (cli.exec_arg);
  hs_cli_release (&cli);
  {
    _cleanup_cli_ hs_cli c = { 0 };
    assert_int_equal (hs_cli_parse (10, argv, &c, &err), 0);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_captured_argv),
    cmocka_unit_test (test_option_syntax),
    cmocka_unit_test (test_help_false_is_not_a_pass_through),
    cmocka_unit_test (test_fields_point_into_argv),
    cmocka_unit_test (test_config_path),
    cmocka_unit_test (test_systemd_cgroup),
    cmocka_unit_test (test_release_empty),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
