/* SPDX-License-Identifier: Apache-2.0 */
/* exec without --process: exec's process options as the parser keeps them,
 * the runtime's command line without them (hs_cli_exec_argv), the process
 * runc would build from them (hs_exec_process_build), and the memory file
 * the runtime reads it from (hs_exec_process_fd). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cli/cli.h"
#include "cli/exec_process.h"
#include "host/spawn.h"
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARGV(...) ((const char *const[]){ "hardshim", __VA_ARGS__, NULL })

static char *
_join (char *const *argv)
{
  char *out = xstrdup ("");
  for (size_t i = 0; argv[i] != NULL; i++)
    {
      char *more = xasprintf ("%s%s%s", out, i > 0 ? " " : "", argv[i]);
      free (out);
      out = more;
    }
  return out;
}

static void
_parse (const char *const *argv, hs_cli *cli)
{
  hs_error err = { 0 };

  if (hs_cli_parse (tu_argc (argv), (char *const *) argv, cli, &err) < 0)
    fail_msg ("parse failed: %s", err.msg);
}

/* ---- the options and the runtime's command line --------------------------- */

typedef struct
{
  const char *name;
  const char *const *argv;
  const char *runtime_argv; /* hs_cli_exec_argv with process path "P" (NULL: with no path) */
  bool with_path;
  const char *options; /* _describe of cli.exec */
} _argv_case;

static char *
_describe (const hs_exec_options *o)
{
  _cleanup_free_ char *env = hs_strv_join (&o->env, ","), *caps = hs_strv_join (&o->caps, ",");
  _cleanup_free_ char *gids = hs_strv_join (&o->gids, ",");

  return xasprintf ("cwd=%s user=%s apparmor=%s label=%s tty=%d nnp=%d env=%s caps=%s gids=%s", o->cwd ? o->cwd : "-",
                    o->user ? o->user : "-", o->apparmor ? o->apparmor : "-", o->process_label ? o->process_label : "-",
                    o->tty, o->no_new_privs, env, caps, gids);
}

/* clang-format off */
static const _argv_case _argv_cases[] = {
  { "every process option, in its spellings, dropped; the rest kept in order",
    ARGV ("--root", "/r", "--log", "/l.json", "exec", "--cap", "CAP_SYS_ADMIN", "-c", "CAP_NET_ADMIN", "-u", "0:0",
          "--no-new-privs=false", "-t", "--cwd=/tmp", "-e", "A=1", "--env", "B=2", "-g", "0", "--additional-gids=10",
          "--apparmor", "unconfined", "--process-label=spc_t", "--detach", "--pid-file", "/p", "--console-socket",
          "/s", "--preserve-fds=2", "c1", "sh", "-c", "id"),
    "hardshim --root /r --log /l.json exec --process P --detach --pid-file /p --console-socket /s --preserve-fds=2 c1",
    true,
    "cwd=/tmp user=0:0 apparmor=unconfined label=spc_t tty=1 nnp=0 env=A=1,B=2 "
    "caps=CAP_SYS_ADMIN,CAP_NET_ADMIN gids=0,10" },
  { "no process option: nothing given, nothing dropped but the command",
    ARGV ("exec", "--detach", "c1", "true"), "hardshim exec --process P --detach c1", true,
    "cwd=- user=- apparmor=- label=- tty=-1 nnp=-1 env= caps= gids=" },
  { "--tty=false and --no-new-privs are kept as values",
    ARGV ("exec", "--tty=false", "--no-new-privs", "c1", "true"), "hardshim exec --process P c1", true,
    "cwd=- user=- apparmor=- label=- tty=0 nnp=1 env= caps= gids=" },
  { "a --process file: the options are dropped, the file and the id stay",
    ARGV ("exec", "-p", "/f.json", "--cap", "CAP_SYS_ADMIN", "-u", "0", "c1"), "hardshim exec -p /f.json c1", false,
    "cwd=- user=0 apparmor=- label=- tty=-1 nnp=-1 env= caps=CAP_SYS_ADMIN gids=" },
  { "a --process file handed over as P: the engine's -p (every one) is dropped too",
    ARGV ("exec", "-p", "/f.json", "--detach", "--process=/g.json", "--cap", "CAP_SYS_ADMIN", "c1"),
    "hardshim exec --process P --detach c1", true,
    "cwd=- user=- apparmor=- label=- tty=-1 nnp=-1 env= caps=CAP_SYS_ADMIN gids=" },
  { "-- before the id: the process file goes right after the subcommand",
    ARGV ("exec", "--cap", "CAP_CHOWN", "--", "c1", "sh"), "hardshim exec --process P -- c1", true,
    "cwd=- user=- apparmor=- label=- tty=-1 nnp=-1 env= caps=CAP_CHOWN gids=" },
  { "options after the id belong to the command",
    ARGV ("exec", "c1", "ls", "--cap", "-u", "0"), "hardshim exec --process P c1", true,
    "cwd=- user=- apparmor=- label=- tty=-1 nnp=-1 env= caps= gids=" },
};
/* clang-format on */

static void
test_exec_options_and_runtime_argv (void **state)
{
  for (size_t c = 0; c < HS_ARRAY_SIZE (_argv_cases); c++)
    {
      const _argv_case *t = &_argv_cases[c];
      hs_cli cli;
      _cleanup_free_ char **out = NULL;
      _cleanup_free_ char *joined = NULL, *options = NULL;

      print_message ("case: %s\n", t->name);
      _parse (t->argv, &cli);
      assert_int_equal (cli.kind, HS_CMD_EXEC);
      options = _describe (&cli.exec);
      assert_string_equal (options, t->options);
      out = hs_cli_exec_argv (&cli, tu_argc (t->argv), (char *const *) t->argv, t->with_path ? "P" : NULL);
      joined = _join (out);
      assert_string_equal (joined, t->runtime_argv);
      hs_cli_release (&cli);
    }
}

/* ---- the process runc would build ----------------------------------------- */

/* clang-format off */
#define CONTAINER                                                                                                      \
  "{\"terminal\":true,\"user\":{\"uid\":65534,\"gid\":65534},\"args\":[\"/dev/.hardshim/landlock\",\"--\",\"sh\"],"   \
  "\"env\":[\"PATH=/bin\"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":[],\"effective\":[],\"permitted\":[]},"      \
  "\"noNewPrivileges\":true,\"x-unknown\":1}"
/* clang-format on */

typedef struct
{
  const char *name;
  const char *const *argv;
  const char *container; /* the container's process (NULL: CONTAINER) */
  const char *want;      /* the built process, compact; NULL when error */
  const char *error;
} _build_case;

static const _build_case _build_cases[] = {
  { "no options: the container's process with the command, no terminal", ARGV ("exec", "c1", "id", "-u"), NULL,
    "{\"terminal\":false,\"user\":{\"uid\":65534,\"gid\":65534},\"args\":[\"id\",\"-u\"],\"env\":[\"PATH=/bin\"],"
    "\"cwd\":\"/\",\"capabilities\":{\"bounding\":[],\"effective\":[],\"permitted\":[]},\"noNewPrivileges\":true,"
    "\"x-unknown\":1}",
    NULL },
  { "every option applied as runc applies it",
    ARGV ("exec", "-t", "--cwd", "/tmp", "-e", "A=1", "-u", "0:7", "-g", "0", "-g", "9", "--cap", "CAP_SYS_ADMIN",
          "--apparmor", "unconfined", "--process-label", "spc_t", "--no-new-privs=false", "c1", "sh"),
    NULL,
    "{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":7,\"additionalGids\":[0,9]},\"args\":[\"sh\"],"
    "\"env\":[\"PATH=/bin\",\"A=1\"],\"cwd\":\"/tmp\",\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],"
    "\"effective\":[\"CAP_SYS_ADMIN\"],\"permitted\":[\"CAP_SYS_ADMIN\"]},\"noNewPrivileges\":false,\"x-unknown\":1,"
    "\"apparmorProfile\":\"unconfined\",\"selinuxLabel\":\"spc_t\"}",
    NULL },
  { "--user uid alone keeps the gid; ambient caps only with an inheritable set",
    ARGV ("exec", "-u", "0", "--cap", "CAP_CHOWN", "c1", "sh"),
    "{\"user\":{\"uid\":1,\"gid\":2},\"capabilities\":{\"inheritable\":[]}}",
    "{\"user\":{\"uid\":0,\"gid\":2},\"capabilities\":{\"inheritable\":[],\"bounding\":[\"CAP_CHOWN\"],"
    "\"effective\":[\"CAP_CHOWN\"],\"permitted\":[\"CAP_CHOWN\"],\"ambient\":[\"CAP_CHOWN\"]},\"args\":[\"sh\"],"
    "\"terminal\":false}",
    NULL },
  { "a user name is refused (runc takes numbers)", ARGV ("exec", "-u", "root", "c1", "sh"), NULL, NULL,
    "--user `root` is not uid[:gid] in numbers" },
  { "a bad gid is refused", ARGV ("exec", "-u", "0:x", "c1", "sh"), NULL, NULL, "--user `0:x`" },
  { "a negative additional gid is refused", ARGV ("exec", "-g", "-1", "c1", "sh"), NULL, NULL,
    "--additional-gids `-1` is not a group id" },
  { "no command refused", ARGV ("exec", "c1"), NULL, NULL, "no command after the container id" },
  { "a container without a process refused", ARGV ("exec", "c1", "sh"), "[]", NULL, "has no /process object" },
  /* found by tests/fuzz (exec): the bytes were written as they are, a process file no parser reads alike */
  { "invalid UTF-8 on the command line reads as the runtime reads it: U+FFFD",
    ARGV ("exec", "--cwd", "/t\xff", "-e", "A=\xc3", "c1", "sh", "-c", "x\x80y"), "{}",
    "{\"args\":[\"sh\",\"-c\",\"x\xef\xbf\xbdy\"],\"cwd\":\"/t\xef\xbf\xbd\",\"terminal\":false,"
    "\"env\":[\"A=\xef\xbf\xbd\"],\"user\":{}}",
    NULL },
  { "env that is not an array refused", ARGV ("exec", "-e", "A=1", "c1", "sh"), "{\"env\":\"A=0\"}", NULL,
    "/process/env is not an array" },
};

static void
test_build (void **state)
{
  for (size_t c = 0; c < HS_ARRAY_SIZE (_build_cases); c++)
    {
      const _build_case *t = &_build_cases[c];
      _cleanup_json_ hs_json container = tu_parse (t->container ? t->container : CONTAINER);
      _cleanup_json_ hs_json built = NULL;
      _cleanup_free_ char *text = NULL;
      hs_error err = { 0 };
      hs_cli cli;
      int r;

      print_message ("case: %s\n", t->name);
      _parse (t->argv, &cli);
      r = hs_exec_process_build (container, &cli, tu_argc (t->argv), (char *const *) t->argv, &built, &err);
      if (t->error != NULL)
        {
          assert_int_equal (r, -EINVAL);
          assert_null (built);
          if (strstr (err.msg, t->error) == NULL)
            fail_msg ("case `%s`: `%s` lacks `%s`", t->name, err.msg, t->error);
        }
      else
        {
          assert_int_equal (r, 0);
          assert_int_equal (hs_json_generate (built, false, &text, NULL, &err), 0);
          assert_string_equal (text, t->want);
        }
      hs_error_release (&err);
      hs_cli_release (&cli);
    }
}

/* The container's process is copied, never changed. */
static void
test_build_leaves_the_container_alone (void **state)
{
  const char *const *argv = ARGV ("exec", "--cap", "CAP_SYS_ADMIN", "-e", "A=1", "c1", "sh");
  _cleanup_json_ hs_json container = tu_parse (CONTAINER), built = NULL;
  _cleanup_free_ char *after = NULL;
  hs_error err = { 0 };
  hs_cli cli;

  _parse (argv, &cli);
  assert_int_equal (hs_exec_process_build (container, &cli, tu_argc (argv), (char *const *) argv, &built, &err), 0);
  assert_int_equal (hs_json_generate (container, false, &after, NULL, &err), 0);
  assert_string_equal (after, CONTAINER);
  hs_cli_release (&cli);
}

/* ---- the memory file ------------------------------------------------------ */

static void
_check_fd (const char *const *argv, const char *listen_fds, int min_fd)
{
  _cleanup_json_ hs_json process = tu_parse ("{\"args\":[\"sh\"]}");
  _cleanup_free_ char *path = NULL, *text = NULL;
  hs_error err = { 0 };
  hs_cli cli;
  int fd = -1;

  if (listen_fds != NULL)
    setenv ("LISTEN_FDS", listen_fds, 1);
  else
    unsetenv ("LISTEN_FDS");
  _parse (argv, &cli);
  assert_int_equal (hs_exec_process_fd (process, &cli, &fd, &err), 0);
  assert_true (fd >= min_fd);
  assert_int_equal (fcntl (fd, F_GETFD) & FD_CLOEXEC, 0); /* the runtime inherits it */
  /* Sealed: nobody (not even hardshim) can change, resize or unseal it. */
  assert_int_equal (fcntl (fd, F_GET_SEALS), F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  assert_int_equal (pwrite (fd, "x", 1, 0), -1);
  assert_int_equal (ftruncate (fd, 0), -1);
  path = xasprintf ("/proc/self/fd/%d", fd);
  text = tu_read (path, NULL);
  assert_string_equal (text, "{\"args\":[\"sh\"]}");
  close (fd);
  hs_cli_release (&cli);
  unsetenv ("LISTEN_FDS");
}

static void
test_process_fd (void **state)
{
  _check_fd (ARGV ("exec", "c1", "sh"), NULL, 3);
  /* Descriptors the runtime passes to the process are not used. */
  _check_fd (ARGV ("exec", "--preserve-fds", "40", "c1", "sh"), NULL, 43);
  _check_fd (ARGV ("exec", "--preserve-fds=5", "c1", "sh"), "20", 28);
}

static void
test_process_fd_refusals (void **state)
{
  const struct
  {
    const char *const *argv;
    const char *listen_fds;
    const char *error;
  } cases[] = {
    { ARGV ("exec", "--preserve-fds", "x", "c1", "sh"), NULL, "--preserve-fds `x` is not a number" },
    { ARGV ("exec", "--preserve-fds", "99999999", "c1", "sh"), NULL, "--preserve-fds `99999999`" },
    { ARGV ("exec", "c1", "sh"), "-1", "LISTEN_FDS `-1` is not a number" },
  };

  for (size_t c = 0; c < HS_ARRAY_SIZE (cases); c++)
    {
      _cleanup_json_ hs_json process = tu_parse ("{}");
      hs_error err = { 0 };
      hs_cli cli;
      int fd = -1;

      if (cases[c].listen_fds != NULL)
        setenv ("LISTEN_FDS", cases[c].listen_fds, 1);
      _parse (cases[c].argv, &cli);
      assert_int_equal (hs_exec_process_fd (process, &cli, &fd, &err), -EINVAL);
      assert_int_equal (fd, -1);
      if (strstr (err.msg, cases[c].error) == NULL)
        fail_msg ("`%s` lacks `%s`", err.msg, cases[c].error);
      hs_error_release (&err);
      hs_cli_release (&cli);
      unsetenv ("LISTEN_FDS");
    }
}

/* ---- -p naming a descriptor (a shell's <(…)) ------------------------------ */

static void
test_named_fd (void **state)
{
  int inherited = dup (STDERR_FILENO); /* dup clears FD_CLOEXEC: as if the caller passed it */
  int own = fcntl (STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
  _cleanup_free_ char *dev = xasprintf ("/dev/fd/%d", inherited), *self = xasprintf ("/proc/self/fd/%d", inherited);
  _cleanup_free_ char *pid = xasprintf ("/proc/%ld/fd/%d", (long) getpid (), inherited);
  _cleanup_free_ char *other = xasprintf ("/proc/%ld/fd/%d", (long) getpid () + 1, inherited);
  _cleanup_free_ char *zero = xasprintf ("/dev/fd/0%d", inherited), *cloexec = xasprintf ("/dev/fd/%d", own);
  _cleanup_free_ char *sub = xasprintf ("/dev/fd/%d/x", inherited), *dots = xasprintf ("/dev/fd/../fd/%d", inherited);
  const struct
  {
    const char *path;
    int want;
  } cases[] = {
    { dev, inherited },
    { self, inherited },
    { pid, inherited },
    { "/dev/fd/0", 0 },
    /* Descriptors hardshim did not inherit: its own (close-on-exec), closed ones. */
    { cloexec, -EBADF },
    { "/dev/fd/999999", -EBADF },
    { "/proc/self/fd/2147483647", -EBADF },
    /* Other spellings are paths like any other (a symbolic link is refused there). */
    { other, -ENOENT },
    { zero, -ENOENT },
    { sub, -ENOENT },
    { dots, -ENOENT },
    { "/dev/fd/", -ENOENT },
    { "/dev/fd/-1", -ENOENT },
    { "/dev/fd/ 3", -ENOENT },
    { "/dev/fd/2147483648", -ENOENT },
    { "/dev/fdx/3", -ENOENT },
    { "dev/fd/3", -ENOENT },
    { "/proc/thread-self/fd/3", -ENOENT },
    { "/tmp/p.json", -ENOENT },
  };

  assert_true (inherited > 2 && own > 2);
  for (size_t c = 0; c < HS_ARRAY_SIZE (cases); c++)
    if (hs_exec_process_named_fd (cases[c].path) != cases[c].want)
      fail_msg ("`%s`: %d, expected %d", cases[c].path, hs_exec_process_named_fd (cases[c].path), cases[c].want);
  close (inherited);
  close (own);
}

/* A release takes an empty value: zeroed (its spec's dirfd 0 is not its
 * own: fd 0 stays open), or released already. */
static void
test_release_empty (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
  char *argv[] = { (char *) "/bin/echo", (char *) "hi", NULL };
  hs_container c = { 0 };
  hs_spawn_output o = { 0 };
  hs_error err = { 0 };
  int null = -1;

  if (fcntl (0, F_GETFD) < 0)
    assert_int_equal (null = open ("/dev/null", O_RDONLY | O_CLOEXEC), 0);
  hs_container_release (&c);
  hs_container_release (&c);
  assert_true (fcntl (0, F_GETFD) >= 0);
  tu_write (path, "{\"ociVersion\":\"1.0.2\"}", 0600);
  c.bundle = xstrdup (dir);
  c.spec.dirfd = -1;
  assert_int_equal (hs_spec_load (dir, "config.json", &c.spec, &err), 0);
  hs_container_release (&c);
  assert_null (c.bundle);
  assert_int_equal (c.spec.dirfd, -1);
  hs_container_release (&c);

  hs_spawn_output_release (&o);
  hs_spawn_output_release (&o);
  assert_int_equal (hs_spawn_capture (argv[0], argv, NULL, false, 64, &o, &err), 0);
  assert_string_equal (o.out, "hi\n");
  hs_spawn_output_release (&o);
  assert_null (o.out);
  assert_int_equal (o.len, 0);
  hs_spawn_output_release (&o);
  {
    _cleanup_container_ hs_container d = { .bundle = xstrdup (dir) };
    _cleanup_spawn_output_ hs_spawn_output p = { 0 };
    assert_int_equal (hs_spec_load (dir, "config.json", &d.spec, &err), 0);
    assert_int_equal (hs_spawn_capture (argv[0], argv, NULL, false, 64, &p, &err), 0);
  }
  assert_true (fcntl (0, F_GETFD) >= 0);
  if (null >= 0)
    close (null);
  unlink (path);
  rmdir (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_exec_options_and_runtime_argv),
    cmocka_unit_test (test_release_empty),
    cmocka_unit_test (test_build),
    cmocka_unit_test (test_build_leaves_the_container_alone),
    cmocka_unit_test (test_process_fd),
    cmocka_unit_test (test_process_fd_refusals),
    cmocka_unit_test (test_named_fd),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
