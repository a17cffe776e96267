/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "cli/cli.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Where a parsed option's value goes. */
enum _target
{
  T_NONE = 0,
  T_BUNDLE,
  T_CONFIG,
  T_PROCESS,
  T_LOG,
  T_LOG_FORMAT,
  T_PRESERVE_FDS,
  T_LSM_PROFILE,
  T_LSM_MOUNT_CONTEXT,
  T_HELP,           /* --help/--version: the runtime prints, nothing is created */
  T_SYSTEMD_CGROUP, /* runc's --systemd-cgroup */
  T_CGROUP_MANAGER, /* crun's --cgroup-manager */
  /* exec's process options (hs_exec_options), T_CWD..T_GIDS */
  T_CWD,
  T_USER,
  T_APPARMOR,
  T_PROCESS_LABEL,
  T_TTY,
  T_NO_NEW_PRIVS,
  T_ENV,
  T_CAP,
  T_GIDS,
};

typedef struct _option
{
  const char *names; /* '|'-separated */
  int arity;         /* 0: boolean (may be --opt=true), 1: takes a value */
  enum _target target;
} _option;

/* runc's and crun's global options. */
static const _option _global_options[] = {
  { "debug", 0, T_NONE },
  { "systemd-cgroup", 0, T_SYSTEMD_CGROUP },
  { "help|h|?|usage", 0, T_HELP },
  { "version|v|V", 0, T_HELP },
  { "log", 1, T_LOG },
  { "log-format", 1, T_LOG_FORMAT },
  { "root", 1, T_NONE },
  { "criu", 1, T_NONE },
  { "rootless", 1, T_NONE },
  { "cgroup-manager", 1, T_CGROUP_MANAGER },
  { NULL, 0, T_NONE },
};

/* clang-format off */
#define COMMON_CREATE_OPTIONS                                                                                          \
  { "bundle|b", 1, T_BUNDLE }, { "console-socket", 1, T_NONE }, { "pid-file", 1, T_NONE },                             \
      { "no-pivot", 0, T_NONE }, { "no-subreaper", 0, T_NONE }, { "help|h", 0, T_HELP }

#define CREATE_OPTIONS                                                                                                 \
  COMMON_CREATE_OPTIONS, { "config|f", 1, T_CONFIG }, { "no-new-keyring", 0, T_NONE }, { "preserve-fds", 1, T_PRESERVE_FDS }
/* clang-format on */

static const _option _create_options[] = {
  CREATE_OPTIONS,
  { NULL, 0, T_NONE },
};

static const _option _run_options[] = {
  CREATE_OPTIONS,
  { "detach|d", 0, T_NONE },
  { "keep", 0, T_NONE },
  { NULL, 0, T_NONE },
};

static const _option _restore_options[] = {
  COMMON_CREATE_OPTIONS,
  { "detach|d", 0, T_NONE },
  { "image-path", 1, T_NONE },
  { "work-path", 1, T_NONE },
  { "parent-path", 1, T_NONE },
  { "tcp-established", 0, T_NONE },
  { "ext-unix-sk", 0, T_NONE },
  { "shell-job", 0, T_NONE },
  { "file-locks", 0, T_NONE },
  { "manage-cgroups-mode", 1, T_NONE },
  { "empty-ns", 1, T_NONE },
  { "auto-dedup", 0, T_NONE },
  { "lazy-pages", 0, T_NONE },
  { "lsm-profile", 1, T_LSM_PROFILE },
  { "lsm-mount-context", 1, T_LSM_MOUNT_CONTEXT },
  { NULL, 0, T_NONE },
};

static const _option _exec_options[] = {
  { "process|p", 1, T_PROCESS },
  { "console-socket", 1, T_NONE },
  { "pidfd-socket", 1, T_NONE },
  { "cwd", 1, T_CWD },
  { "env|e", 1, T_ENV },
  { "tty|t", 0, T_TTY },
  { "user|u", 1, T_USER },
  { "additional-gids|g", 1, T_GIDS },
  { "detach|d", 0, T_NONE },
  { "pid-file", 1, T_NONE },
  { "process-label", 1, T_PROCESS_LABEL },
  { "apparmor", 1, T_APPARMOR },
  { "no-new-privs", 0, T_NO_NEW_PRIVS },
  { "cap|c", 1, T_CAP },
  { "preserve-fds", 1, T_PRESERVE_FDS },
  { "cgroup", 1, T_NONE },
  { "ignore-paused", 0, T_NONE },
  { "help|h", 0, T_HELP },
  { NULL, 0, T_NONE },
};

static const struct
{
  const char *name;
  hs_command_kind kind;
  const _option *options;
  bool flags_after_args; /* runc (urfave/cli) moves later options forward */
} _commands[] = {
  { "create", HS_CMD_CREATE, _create_options, true },
  { "run", HS_CMD_RUN, _run_options, true },
  { "restore", HS_CMD_RESTORE, _restore_options, true },
  { "exec", HS_CMD_EXEC, _exec_options, false },
};

static bool
_name_matches (const char *names, const char *name, size_t len)
{
  const char *p = names;

  for (;;)
    {
      size_t n = strcspn (p, "|");
      if (n == len && strncmp (p, name, len) == 0)
        return true;
      if (p[n] == '\0')
        return false;
      p += n + 1;
    }
}

/* Split "-opt", "--opt", "--opt=value" into name and inline value. */
static const _option *
_lookup (const _option *table, const char *arg, const char **ret_value)
{
  const char *name = arg + (arg[1] == '-' ? 2 : 1);
  const char *eq = strchr (name, '=');
  size_t len = eq ? (size_t) (eq - name) : strlen (name);

  *ret_value = eq ? eq + 1 : NULL;
  for (const _option *o = table; o->names != NULL; o++)
    if (_name_matches (o->names, name, len))
      return o;
  return NULL;
}

/* runc (Go's flag package) and crun (getopt) read some spellings
 * differently: crun takes `-bundle` as `-b undle` and `-b=/x` as `-b`
 * with the value `=/x`.  On a line hardshim hardens every option must mean
 * the same to both; engines write `--name` and `-x value`. */
static int
_check_spelling (const char *arg, hs_error *err)
{
  size_t len = strcspn (arg + 1, "=");

  if (arg[1] == '-' || (len == 1 && arg[2] == '\0'))
    return 0;
  if (len == 1)
    return hs_error_set (err, EINVAL,
                         "option `%s`: crun reads its value as `%s`, runc as `%s`: write `-%c %s`: "
                         "refused",
                         arg, arg + 2, arg + 3, arg[1], arg + 3);
  return hs_error_set (err, EINVAL,
                       "option `%s`: crun reads it as one-letter options, runc as `-%s`: write "
                       "`-%s`: refused",
                       arg, arg, arg);
}

static bool
_is_option (const char *arg)
{
  return arg[0] == '-' && arg[1] != '\0' && strcmp (arg, "--") != 0;
}

static bool
_is_process_option (enum _target target)
{
  return target >= T_CWD && target <= T_GIDS;
}

/* Keep an option's value; on is a boolean option's value. */
static void
_store (hs_cli *cli, enum _target target, const char *value, int on)
{
  switch (target)
    {
    case T_BUNDLE:
      cli->bundle = value;
      break;
    case T_CONFIG:
      cli->config = value;
      break;
    case T_PROCESS:
      cli->process = value;
      break;
    case T_LOG:
      cli->log = value;
      break;
    case T_LOG_FORMAT:
      cli->log_format = value;
      break;
    case T_PRESERVE_FDS:
      cli->preserve_fds = value;
      break;
    case T_LSM_PROFILE:
      cli->lsm_profile = value;
      break;
    case T_LSM_MOUNT_CONTEXT:
      cli->lsm_mount_context = value;
      break;
    case T_SYSTEMD_CGROUP:
      cli->systemd_cgroup = on;
      break;
    case T_CGROUP_MANAGER:
      cli->systemd_cgroup = strcmp (value, "systemd") == 0;
      break;
    case T_CWD:
      cli->exec.cwd = value;
      break;
    case T_USER:
      cli->exec.user = value;
      break;
    case T_APPARMOR:
      cli->exec.apparmor = value;
      break;
    case T_PROCESS_LABEL:
      cli->exec.process_label = value;
      break;
    case T_TTY:
      cli->exec.tty = on;
      break;
    case T_NO_NEW_PRIVS:
      cli->exec.no_new_privs = on;
      break;
    case T_ENV:
      hs_strv_add (&cli->exec.env, xstrdup (value));
      break;
    case T_CAP:
      hs_strv_add (&cli->exec.caps, xstrdup (value));
      break;
    case T_GIDS:
      hs_strv_add (&cli->exec.gids, xstrdup (value));
      break;
    default:
      break;
    }
}

/* strconv.ParseBool's spellings: 1 true, 0 false, -1 neither. */
static int
_parse_bool (const char *v)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

  for (size_t k = 0; k < HS_ARRAY_SIZE (yes); k++)
    {
      if (strcmp (v, yes[k]) == 0)
        return 1;
      if (strcmp (v, no[k]) == 0)
        return 0;
    }
  return -1;
}

/* Consume the option at argv[*i] (and its value); -EINVAL when unknown. */
static int
_take_option (const _option *table, int argc, char *const *argv, int *i, hs_cli *cli, bool *ret_help, hs_error *err)
{
  const char *arg = argv[*i], *value = NULL;
  const _option *o = _lookup (table, arg, &value);
  int start = *i, on = 1;

  if (o == NULL)
    return -ENOENT;
  if (o->arity == 1 && value == NULL)
    {
      if (*i + 1 >= argc)
        return hs_error_set (err, EINVAL, "option `%s` needs a value", arg);
      value = argv[++*i];
    }
  if (o->arity == 0 && value != NULL)
    {
      /* Go's flag package: "--opt=false" switches a boolean off. */
      on = _parse_bool (value);
      if (on < 0)
        return hs_error_set (err, EINVAL, "invalid boolean value in `%s`", arg);
    }
  if (cli->exec_arg != NULL && (_is_process_option (o->target) || o->target == T_PROCESS))
    for (int k = start; k <= *i; k++)
      cli->exec_arg[k] = o->target == T_PROCESS ? HS_EXEC_ARG_PROCESS_FILE : HS_EXEC_ARG_PROCESS_OPTION;
  if (!on && o->target != T_TTY && o->target != T_NO_NEW_PRIVS && o->target != T_SYSTEMD_CGROUP)
    return 0;
  if (o->target == T_HELP)
    *ret_help = true;
  _store (cli, o->target, value, on);
  return 0;
}

/* runc 1.1.5 (libcontainer's validateID) accepts an id matching Go's
 * ^[\w+-\.]+$ (ASCII letters, digits, `_`, and the range `+` to `.`,
 * which holds `,`) that is not `.` or `..`.  crun 1.8.1 checks nothing
 * and builds its state path from the id; the same rule applies to it. */
static bool
_id_char (unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
         || (c >= '+' && c <= '.');
}

static int
_check_id (const char *id, hs_error *err)
{
  _cleanup_free_ char *shown = NULL;
  size_t len = 0, size;
  bool ok = id[0] != '\0' && strcmp (id, ".") != 0 && strcmp (id, "..") != 0;

  for (const char *p = id; ok && *p != '\0'; p++)
    ok = _id_char ((unsigned char) *p);
  if (ok)
    return 0;
  /* The id as printable ASCII: it may hold newlines or invalid UTF-8. */
  size = 4 * strlen (id) + 1; /* 4 bytes for each byte at most, and the NUL */
  shown = xmalloc (size);
  for (const unsigned char *p = (const unsigned char *) id; *p != '\0'; p++)
    if (*p >= 0x20 && *p < 0x7f && *p != '\\')
      shown[len++] = (char) *p;
    else
      len += (size_t) snprintf (shown + len, size - len, "\\x%02x", *p);
  shown[len] = '\0';
  return hs_error_set (err, EINVAL,
                       "container id `%s`: runc accepts only letters, digits and `_+,-.`, and not `.` or `..`: "
                       "refused",
                       shown);
}

static bool
_is_hardened_word (const char *arg)
{
  for (size_t c = 0; c < HS_ARRAY_SIZE (_commands); c++)
    if (strcmp (arg, _commands[c].name) == 0)
      return true;
  return false;
}

static int
_parse_command (const _option *table, bool flags_after_args, int argc, char *const *argv, int i, hs_cli *cli,
                hs_error *err)
{
  bool help = false;

  for (; i < argc; i++)
    {
      const char *arg = argv[i];
      if (strcmp (arg, "--") == 0)
        {
          if (cli->id == NULL && i + 1 < argc)
            {
              cli->id = argv[i + 1];
              cli->id_at = i + 1;
            }
          break;
        }
      if (!_is_option (arg))
        {
          if (cli->id != NULL && flags_after_args)
            return hs_error_set (err, EINVAL, "`%s` takes one container id, got `%s` and `%s`: refused", cli->command,
                                 cli->id, arg);
          if (cli->id == NULL)
            {
              cli->id = arg;
              cli->id_at = i;
            }
          if (!flags_after_args)
            break;
          continue;
        }
      int r = _check_spelling (arg, err);
      if (r < 0)
        return r;
      r = _take_option (table, argc, argv, &i, cli, &help, err);
      if (r == -ENOENT)
        return hs_error_set (
            err, EINVAL,
            "unknown option `%s` for `%s`: refused, hardshim must know every option of a command it hardens", arg,
            cli->command);
      if (r < 0)
        return r;
    }
  if (help)
    cli->kind = HS_CMD_PASS;
  return 0;
}

int
hs_cli_parse (int argc, char *const *argv, hs_cli *cli, hs_error *err)
{
  const char *unknown_global = NULL, *misspelled_global = NULL;
  bool help = false;
  int i;

  *cli = (hs_cli){ .kind = HS_CMD_PASS, .exec = { .tty = -1, .no_new_privs = -1 } };

  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      if (strcmp (arg, "--") == 0)
        {
          i++;
          break;
        }
      if (!_is_option (arg))
        break;
      if (misspelled_global == NULL && _check_spelling (arg, NULL) < 0)
        misspelled_global = arg;
      int r = _take_option (_global_options, argc, argv, &i, cli, &help, err);
      if (r == -ENOENT)
        {
          if (strchr (arg, '=') == NULL && unknown_global == NULL)
            unknown_global = arg;
          continue;
        }
      if (r < 0)
        return r;
    }

  if (unknown_global != NULL)
    for (int j = i; j < argc; j++)
      if (_is_hardened_word (argv[j]))
        return hs_error_set (err, EINVAL,
                             "unknown global option `%s`: refused, hardshim cannot tell whether it takes a value",
                             unknown_global);
  if (misspelled_global != NULL && !help && i < argc && _is_hardened_word (argv[i]))
    return _check_spelling (misspelled_global, err);

  if (help || i >= argc)
    return 0;

  cli->command = argv[i];
  cli->command_at = i;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_commands); c++)
    {
      if (strcmp (cli->command, _commands[c].name) != 0)
        continue;
      cli->kind = _commands[c].kind;
      if (cli->kind == HS_CMD_EXEC)
        cli->exec_arg = xcalloc ((size_t) argc, sizeof *cli->exec_arg);
      int r = _parse_command (_commands[c].options, _commands[c].flags_after_args, argc, argv, i + 1, cli, err);
      if (r < 0)
        return r;
      if (cli->kind != HS_CMD_PASS && cli->id == NULL)
        return hs_error_set (err, EINVAL, "`%s` without a container id: refused", cli->command);
      if (cli->kind != HS_CMD_PASS)
        r = _check_id (cli->id, err);
      if (r < 0)
        return r;
      break;
    }

  if (cli->bundle == NULL || cli->bundle[0] == '\0')
    cli->bundle = ".";
  if (cli->config == NULL)
    cli->config = "config.json";
  if (cli->kind != HS_CMD_PASS && cli->config[0] == '\0')
    return hs_error_set (err, EINVAL, "`-f/--config` is empty: crun cannot read it: name the spec file: refused");
  return 0;
}

char *
hs_cli_config_path (const hs_cli *cli, const char *bundle, const char *cwd)
{
  if (strcmp (cli->config, "config.json") == 0)
    return xasprintf ("%s/config.json", bundle);
  if (cli->config[0] == '/')
    return xstrdup (cli->config);
  return xasprintf ("%s/%s", cwd, cli->config);
}

bool
hs_cli_reads_bundle (const hs_cli *cli)
{
  return cli->kind == HS_CMD_CREATE || cli->kind == HS_CMD_RUN || cli->kind == HS_CMD_RESTORE;
}

void
hs_cli_release (hs_cli *cli)
{
  hs_strv_release (&cli->exec.env);
  hs_strv_release (&cli->exec.caps);
  hs_strv_release (&cli->exec.gids);
  free (cli->exec_arg);
  cli->exec_arg = NULL;
}

char **
hs_cli_exec_argv (const hs_cli *cli, int argc, char *const *argv, const char *process_path)
{
  char **out = xcalloc ((size_t) argc + 3, sizeof (char *));
  int end = process_path != NULL && cli->id_at > 0 ? cli->id_at + 1 : argc, n = 0;

  for (int i = 0; i < end; i++)
    {
      hs_exec_arg what = cli->exec_arg != NULL ? cli->exec_arg[i] : HS_EXEC_ARG_OTHER;
      if (what == HS_EXEC_ARG_PROCESS_OPTION || (what == HS_EXEC_ARG_PROCESS_FILE && process_path != NULL))
        continue;
      out[n++] = argv[i];
      if (i == cli->command_at && process_path != NULL)
        {
          out[n++] = (char *) "--process";
          out[n++] = (char *) process_path;
        }
    }
  return out;
}
