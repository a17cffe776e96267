/* SPDX-License-Identifier: Apache-2.0 */
/* The base helpers (util.h): the one number parser, mkdir -p, paths. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>

/* ---- hs_parse_uint, hs_parse_decimal --------------------------------- */

static void
test_parse_uint (void **state)
{
  static const struct
  {
    const char *s;
    unsigned base;
    uint64_t max;
    int r;
    uint64_t v;
  } cases[] = {
    { "0", 10, 0, 0, 0 },
    { "1", 10, 0, -EINVAL, 0 },
    { "4294967295", 10, UINT32_MAX, 0, UINT32_MAX },
    { "4294967296", 10, UINT32_MAX, -EINVAL, 0 },
    { "18446744073709551615", 10, UINT64_MAX, 0, UINT64_MAX },
    { "18446744073709551616", 10, UINT64_MAX, -EINVAL, 0 },
    { "99999999999999999999", 10, UINT64_MAX, -EINVAL, 0 },
    { "00000000000000000001", 10, UINT64_MAX, 0, 1 },        /* 20 digits */
    { "000000000000000000001", 10, UINT64_MAX, -EINVAL, 0 }, /* 21 */
    /* a digit above a max below 10 (no wrap-around in the bound) */
    { "7", 10, 5, -EINVAL, 0 },
    { "5", 10, 5, 0, 5 },
    { "15", 10, 15, 0, 15 },
    { "16", 10, 15, -EINVAL, 0 },
    { "", 10, UINT64_MAX, -EINVAL, 0 },
    { "+1", 10, UINT64_MAX, -EINVAL, 0 },
    { "-1", 10, UINT64_MAX, -EINVAL, 0 },
    { " 1", 10, UINT64_MAX, -EINVAL, 0 },
    { "1 ", 10, UINT64_MAX, -EINVAL, 0 },
    { "1\n", 10, UINT64_MAX, -EINVAL, 0 },
    { "0x10", 10, UINT64_MAX, -EINVAL, 0 },
    { "1e3", 10, UINT64_MAX, -EINVAL, 0 },
    /* octal */
    { "7777", 8, 07777, 0, 07777 },
    { "0755", 8, 07777, 0, 0755 },
    { "10000", 8, 07777, -EINVAL, 0 },
    { "8", 8, 07777, -EINVAL, 0 },
    { "9", 8, 07777, -EINVAL, 0 },
    { "1777777777777777777777", 8, UINT64_MAX, 0, UINT64_MAX }, /* 22 digits */
    { "2000000000000000000000", 8, UINT64_MAX, -EINVAL, 0 },
    { "0000000000000000000001", 8, UINT64_MAX, 0, 1 },
    { "00000000000000000000001", 8, UINT64_MAX, -EINVAL, 0 }, /* 23 */
    { "", 8, 07777, -EINVAL, 0 },
    { "+1", 8, 07777, -EINVAL, 0 },
    { " 1", 8, 07777, -EINVAL, 0 },
    { "1 ", 8, 07777, -EINVAL, 0 },
    /* only bases 8 and 10 */
    { "1", 16, UINT64_MAX, -EINVAL, 0 },
    { "1", 0, UINT64_MAX, -EINVAL, 0 },
  };

  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      uint64_t v = 12345;
      int r = hs_parse_uint (cases[i].s, strlen (cases[i].s), cases[i].base, cases[i].max, &v);
      if (r != cases[i].r || v != (r == 0 ? cases[i].v : 12345))
        CASE_FAIL ("`%s` base %u max %" PRIu64 ": %d %" PRIu64 ", expected %d %" PRIu64 "\n", cases[i].s, cases[i].base,
                   cases[i].max, r, v, cases[i].r, cases[i].v);
      if (cases[i].base == 10)
        {
          uint64_t d = 12345;
          if (hs_parse_decimal (cases[i].s, strlen (cases[i].s), cases[i].max, &d) != r || d != v)
            CASE_FAIL ("`%s`: hs_parse_decimal differs from hs_parse_uint\n", cases[i].s);
        }
    }
  /* len bounds the digits: what follows is not read */
  {
    uint64_t v;
    assert_int_equal (hs_parse_decimal ("12x", 2, UINT64_MAX, &v), 0);
    assert_int_equal (v, 12);
    assert_int_equal (hs_parse_decimal ("12", 0, UINT64_MAX, &v), -EINVAL);
  }
  assert_int_equal (_failures, 0);
}

/* ---- hs_parse_int ------------------------------------------------------- */

static void
test_parse_int (void **state)
{
  static const struct
  {
    const char *s;
    int64_t min, max;
    int r;
    int64_t v;
  } cases[] = {
    { "-1000", -1000, 1000, 0, -1000 },
    { "-1001", -1000, 1000, -EINVAL, 0 },
    { "1000", -1000, 1000, 0, 1000 },
    { "1001", -1000, 1000, -EINVAL, 0 },
    { "0", -1000, 1000, 0, 0 },
    { "-0", -1000, 1000, 0, 0 },
    { "-0", 1, 10, -EINVAL, 0 },
    { "-5", -10, -1, 0, -5 },
    { "0", -10, -1, -EINVAL, 0 },
    { "9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX },
    { "9223372036854775808", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN },
    { "-9223372036854775809", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "18446744073709551616", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "-", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "+1", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "--1", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "- 1", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { " 1", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "1 ", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "-1 ", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "1.0", INT64_MIN, INT64_MAX, -EINVAL, 0 },
    { "-5e2", INT64_MIN, INT64_MAX, -EINVAL, 0 },
  };

  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      int64_t v = 12345;
      int r = hs_parse_int (cases[i].s, strlen (cases[i].s), cases[i].min, cases[i].max, &v);
      if (r != cases[i].r || v != (r == 0 ? cases[i].v : 12345))
        CASE_FAIL ("`%s` in [%" PRId64 ", %" PRId64 "]: %d %" PRId64 ", expected %d %" PRId64 "\n", cases[i].s,
                   cases[i].min, cases[i].max, r, v, cases[i].r, cases[i].v);
    }
  assert_int_equal (_failures, 0);
}

/* ---- hs_mkdir_p --------------------------------------------------------- */

static int _checked;

static int
_check_count (const char *path, hs_error *err)
{
  _checked++;
  return 0;
}

/* Refuses the directory named "stop". */
static int
_check_stop (const char *path, hs_error *err)
{
  _checked++;
  if (strcmp (hs_path_basename (path), "stop") == 0)
    return hs_error_set (err, EACCES, "`%s` refused", path);
  return 0;
}

static void
test_mkdir_p (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *deep = xasprintf ("%s/a/b//c/", dir);
  _cleanup_free_ char *c = xasprintf ("%s/a/b/c", dir);
  _cleanup_free_ char *stop = xasprintf ("%s/a/stop/x", dir);
  _cleanup_free_ char *stopped = xasprintf ("%s/a/stop", dir);
  _cleanup_free_ char *below_file = xasprintf ("%s/f/x", dir);
  _cleanup_free_ char *file = xasprintf ("%s/f", dir);
  hs_error err = { 0 };
  struct stat st;
  mode_t old = umask (022);

  /* made with the mode less the umask, each level checked */
  _checked = 0;
  assert_int_equal (hs_mkdir_p (deep, 0750, "the test directory", _check_count, &err), 0);
  assert_int_equal (stat (c, &st), 0);
  assert_true (S_ISDIR (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0750);
  assert_true (_checked >= 4); /* /tmp, hs-unit-..., a, b, c (and the trailing slash again) */
  /* all there already: no error */
  assert_int_equal (hs_mkdir_p (c, 0700, "the test directory", NULL, &err), 0);
  /* the check's error stops it before the next level */
  _checked = 0;
  assert_int_equal (hs_mkdir_p (stop, 0755, "the test directory", _check_stop, &err), -EACCES);
  assert_non_null (strstr (err.msg, "a/stop` refused"));
  assert_int_equal (stat (stopped, &st), 0);
  hs_error_release (&err);
  {
    _cleanup_free_ char *x = xasprintf ("%s/x", stopped);
    assert_int_equal (stat (x, &st), -1);
  }
  /* a file on the way: the caller's words and the errno */
  assert_int_equal (close (open (file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)), 0);
  assert_int_equal (hs_mkdir_p (below_file, 0755, "the test directory", NULL, &err), -ENOTDIR);
  {
    _cleanup_free_ char *want = xasprintf ("create the test directory `%s`", below_file);
    assert_non_null (strstr (err.msg, want));
  }
  hs_error_release (&err);
  assert_int_equal (hs_mkdir_p ("", 0755, "the test directory", NULL, &err), -ENOENT);
  hs_error_release (&err);
  /* "/" exists */
  assert_int_equal (hs_mkdir_p ("/", 0755, "the test directory", NULL, &err), 0);
  umask (old);
  tu_rmtree (dir);
}

/* ---- hs_path_clean ------------------------------------------------------ */

static void
test_path_clean (void **state)
{
  static const char *const cases[][2] = {
    { "", "/" },           { "/", "/" },  { "etc//a/../b/", "/etc/b" }, { "/../..", "/" },
    { "./a/./b", "/a/b" }, { "a", "/a" }, { "/a/b/..", "/a" },          { "//x//", "/x" },
  };

  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      _cleanup_free_ char *clean = hs_path_clean (cases[i][0]);
      if (strcmp (clean, cases[i][1]) != 0)
        CASE_FAIL ("`%s`: `%s`, expected `%s`\n", cases[i][0], clean, cases[i][1]);
    }
  assert_int_equal (_failures, 0);
}

/* ---- hs_real_path: what realpath (3) gives --------------------------- */

static void
test_real_path (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *real_dir = realpath (dir, NULL);
  _cleanup_free_ char *sub = xasprintf ("%s/sub", dir), *file = xasprintf ("%s/sub/f", dir);
  _cleanup_free_ char *link = xasprintf ("%s/l", dir), *dangling = xasprintf ("%s/d", dir);
  _cleanup_free_ char *loop = xasprintf ("%s/loop", dir), *fifo = xasprintf ("%s/fifo", dir);
  char cwd[PATH_MAX];
  const char *paths[8];
  size_t n = 0;

  assert_non_null (real_dir);
  assert_int_equal (mkdir (sub, 0755), 0);
  assert_int_equal (close (open (file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)), 0);
  assert_int_equal (symlink ("sub/../sub//f", link), 0);
  assert_int_equal (symlink ("nothing", dangling), 0);
  assert_int_equal (symlink ("loop", loop), 0);
  assert_int_equal (mkfifo (fifo, 0600), 0); /* O_PATH: opening it does not block */
  assert_non_null (getcwd (cwd, sizeof cwd));
  assert_int_equal (chdir (sub), 0);
  paths[n++] = link;
  paths[n++] = sub;
  paths[n++] = fifo;
  paths[n++] = "f";
  paths[n++] = "../sub/./f/";
  paths[n++] = dangling;
  paths[n++] = loop;
  paths[n++] = "/";
  _failures = 0;
  for (size_t i = 0; i < n; i++)
    {
      char *want, *got;
      int want_errno, got_errno;
      errno = 0;
      want = realpath (paths[i], NULL);
      want_errno = errno;
      errno = 0;
      got = hs_real_path (paths[i]);
      got_errno = errno;
      if ((want == NULL) != (got == NULL) || (want != NULL && strcmp (want, got) != 0)
          || (want == NULL && want_errno != got_errno))
        CASE_FAIL ("`%s`: `%s` (errno %d), realpath `%s` (errno %d)\n", paths[i], got ? got : "(null)", got_errno,
                   want ? want : "(null)", want_errno);
      free (want);
      free (got);
    }
  assert_int_equal (chdir (cwd), 0);
  assert_int_equal (_failures, 0);
  tu_rmtree (dir);
}

/* A name the kernel gives in another mount namespace (reached through
 * /proc/PID/root) is not taken for the file of that name here: EXDEV. */
static void
test_real_path_other_namespace (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *here = xasprintf ("%s/f", dir);
  int ready[2], done[2];
  char c;
  pid_t pid;

  if (geteuid () != 0)
    skip ();
  assert_int_equal (close (open (here, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)), 0);
  assert_int_equal (pipe (ready), 0);
  assert_int_equal (pipe (done), 0);
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      /* dir/f, in a mount namespace of its own, is another file */
      close (ready[0]);
      close (done[1]);
      if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0
          || mount ("tmpfs", dir, "tmpfs", 0, NULL) < 0 || close (open (here, O_CREAT | O_WRONLY, 0600)) < 0
          || write (ready[1], "r", 1) != 1)
        _exit (1);
      (void) !read (done[0], &c, 1);
      _exit (0);
    }
  close (ready[1]);
  close (done[0]);
  assert_int_equal (read (ready[0], &c, 1), 1);
  {
    _cleanup_free_ char *there = xasprintf ("/proc/%d/root%s", (int) pid, here);
    _cleanup_free_ char *mine = xasprintf ("/proc/self/root%s", here);
    _cleanup_free_ char *real_mine = hs_real_path (mine);
    errno = 0;
    assert_null (hs_real_path (there));
    assert_int_equal (errno, EXDEV);
    assert_non_null (real_mine); /* this namespace's own: resolved */
    assert_non_null (strstr (real_mine, "/f"));
  }
  close (done[1]);
  close (ready[0]);
  assert_int_equal (waitpid (pid, NULL, 0), pid);
  tu_rmtree (dir);
}

/* ---- hs_time_iso8601_of ------------------------------------------------- */

/* The calendar hardshim computes itself is gmtime's: every day boundary
 * from 1970 to 2400 (leap years, 2000 and 2100, eras) and times within
 * days. */
static void
test_time_iso8601 (void **state)
{
  char want[64], got[64], base[32];
  struct timespec ts = { 0, 0 };
  struct tm tm;

  for (int64_t t = -86400LL * 3; t < 13569465600LL; t += 86399)
    {
      ts.tv_sec = (time_t) t;
      ts.tv_nsec = (long) ((uint64_t) t * 7919 % 1000000000ULL);
      gmtime_r (&ts.tv_sec, &tm);
      strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
      snprintf (want, sizeof want, "%s.%03ldZ", base, ts.tv_nsec / 1000000L);
      hs_time_iso8601_of (&ts, got, sizeof got);
      assert_string_equal (got, want);
    }
  ts = (struct timespec){ 951782400, 999999999 }; /* 2000-02-29 */
  hs_time_iso8601_of (&ts, got, sizeof got);
  assert_string_equal (got, "2000-02-29T00:00:00.999Z");
  ts = (struct timespec){ 4107542399, 0 }; /* 2100-02-28, no leap day */
  hs_time_iso8601_of (&ts, got, sizeof got);
  assert_string_equal (got, "2100-02-28T23:59:59.000Z");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_uint),   cmocka_unit_test (test_parse_int),
    cmocka_unit_test (test_mkdir_p),      cmocka_unit_test (test_path_clean),
    cmocka_unit_test (test_real_path),    cmocka_unit_test (test_real_path_other_namespace),
    cmocka_unit_test (test_time_iso8601),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
