/* SPDX-License-Identifier: Apache-2.0 */
/* Command line: classify an engine's runc-style argv without changing it.
 *
 * Global options are those of runc and crun, with their arity; options are
 * accepted with one or two dashes, as "--opt value" and "--opt=value".  For
 * the subcommands hardshim rewrites, every option must be known (otherwise
 * hardshim could harden one file while the runtime reads another), so an
 * unknown one is refused.  Every other subcommand is passed through. */
#ifndef HS_CLI_H
#define HS_CLI_H

#include "base/error.h"
#include "base/util.h"

#include <stdbool.h>

typedef enum hs_command_kind
{
  HS_CMD_PASS = 0, /* anything hardshim does not rewrite */
  HS_CMD_CREATE,
  HS_CMD_RUN,
  HS_CMD_RESTORE,
  HS_CMD_EXEC,
} hs_command_kind;

/* exec's options that describe the process.  Without --process, runc
 * applies them to the bundle's process (exec_process.h); next to a
 * --process file it ignores them. */
typedef struct hs_exec_options
{
  const char *cwd;           /* --cwd */
  const char *user;          /* -u/--user uid[:gid] */
  const char *apparmor;      /* --apparmor */
  const char *process_label; /* --process-label */
  int tty;                   /* -t/--tty: -1 when not given, else 0 or 1 */
  int no_new_privs;          /* --no-new-privs: -1 when not given, else 0 or 1 */
  hs_strv env;               /* -e/--env, in order */
  hs_strv caps;              /* -c/--cap */
  hs_strv gids;              /* -g/--additional-gids */
} hs_exec_options;

/* What an argument of exec's line is, for hs_cli_exec_argv. */
typedef enum hs_exec_arg
{
  HS_EXEC_ARG_OTHER = 0,
  HS_EXEC_ARG_PROCESS_OPTION, /* (the value of) one of exec's process options */
  HS_EXEC_ARG_PROCESS_FILE,   /* (the value of) -p/--process */
} hs_exec_arg;

typedef struct hs_cli
{
  hs_command_kind kind;
  const char *command;           /* the subcommand word, NULL if none */
  const char *bundle;            /* -b/--bundle; "." when not given or empty */
  const char *config;            /* crun -f/--config; "config.json" when not given (hs_cli_config_path) */
  const char *process;           /* exec -p/--process; NULL when not given */
  const char *id;                /* container id, as runc accepts it (hs_cli_parse); NULL when missing */
  const char *log;               /* global --log */
  const char *log_format;        /* global --log-format */
  const char *preserve_fds;      /* --preserve-fds; NULL when not given */
  const char *lsm_profile;       /* restore --lsm-profile TYPE:NAME; NULL when not given */
  const char *lsm_mount_context; /* restore --lsm-mount-context; NULL when not given */
  bool systemd_cgroup;           /* global --systemd-cgroup, or crun's --cgroup-manager=systemd */
  int command_at;                /* argv index of the subcommand (0: none) */
  int id_at;                     /* argv index of the container id (0: none) */
  hs_exec_options exec;          /* exec only */
  unsigned char *exec_arg;       /* exec only: what argv[i] is (hs_exec_arg) */
} hs_cli;

/* Fills cli with pointers into argv (also on failure, as far as it got, so
 * that the error can go to the engine's --log). For a pass-through
 * subcommand it stops reading at the subcommand.  hs_cli_release frees
 * what exec's options needed.  The container id of a subcommand hardshim
 * hardens must be one runc accepts (letters, digits and `_+,-.`, not `.`
 * or `..`): it is refused before anything is read or written. */
int hs_cli_parse (int argc, char *const *argv, hs_cli *cli, hs_error *err);
void hs_cli_release (hs_cli *cli);
#define _cleanup_cli_ _cleanup_ (hs_cli_release)

/* exec's command line for the runtime: argv without exec's process
 * options (hardshim put them into the process it hardened).  With
 * process_path, `--process process_path` follows the subcommand and the
 * engine's own -p/--process and the command after the id are dropped: the
 * file holds the process.  A new NULL-terminated array of argv's strings. */
char **hs_cli_exec_argv (const hs_cli *cli, int argc, char *const *argv, const char *process_path);

/* The spec file create and run read, as crun resolves -f/--config (runc
 * has no such option): exactly "config.json" in the bundle directory,
 * an absolute path as it is, any other relative path (even
 * "./config.json") against the current directory cwd.  A new string. */
char *hs_cli_config_path (const hs_cli *cli, const char *bundle, const char *cwd);

/* True for create, run and restore: the subcommands that read config.json. */
bool hs_cli_reads_bundle (const hs_cli *cli);

#endif
