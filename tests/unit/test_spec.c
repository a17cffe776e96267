/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and atomically rewriting spec files. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "spec/spec.h"
#include "spec/seal.h"
#include "spec/file.h"
#include "testutil.h"

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/types.h>
#include <time.h>

static const char _good[] = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"]},\"n\":1.50}";

/* Number of entries in dir besides . and .. */
static int
_entries (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;
  int n = 0;

  assert_non_null (d);
  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      n++;
  closedir (d);
  return n;
}

static int
_load (const char *dir, const char *name, hs_spec_file *f, hs_error *err)
{
  *f = (hs_spec_file){ .dirfd = -1 };
  return hs_spec_load (dir, name, f, err);
}

static void
test_roundtrip_keeps_mode_and_owner (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
  _cleanup_free_ char *after = NULL;
  hs_spec_file f;
  hs_error err = { 0 };
  struct stat st;

  tu_write (path, _good, 0640);
  if (geteuid () == 0)
    assert_int_equal (chown (path, 1234, 4321), 0);
  assert_int_equal (_load (dir, "config.json", &f, &err), 0);
  hs_json_object_set (f.tree, "added", hs_json_new_bool (true));
  assert_int_equal (hs_spec_save (&f, &err), 0);
  hs_spec_release (&f);

  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0640);
  if (geteuid () == 0)
    {
      assert_int_equal (st.st_uid, 1234);
      assert_int_equal (st.st_gid, 4321);
    }
  after = tu_read (path, NULL);
  assert_non_null (strstr (after, "\"n\": 1.50"));
  assert_non_null (strstr (after, "\"added\": true"));
  assert_int_equal (_entries (dir), 1); /* no temporary file left behind */
  unlink (path);
  rmdir (dir);
}

static void
test_relative_name_with_directory (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *sub = xasprintf ("%s/sub", dir);
  _cleanup_free_ char *path = xasprintf ("%s/sub/other.json", dir);
  hs_spec_file f;
  hs_error err = { 0 };

  assert_int_equal (mkdir (sub, 0700), 0);
  tu_write (path, _good, 0600);
  assert_int_equal (_load (dir, "sub/other.json", &f, &err), 0);
  assert_string_equal (f.path, path);
  hs_spec_release (&f);
  assert_int_equal (_load ("/nonexistent", path, &f, &err), 0); /* absolute name ignores dir */
  hs_spec_release (&f);
  unlink (path);
  rmdir (sub);
  rmdir (dir);
}

typedef struct
{
  const char *name;
  const char *content; /* NULL: see setup in the test */
  const char *error;
} _bad;

static const _bad _bad_files[] = {
  { "truncated", "{\"process\":{\"args\":[", "invalid JSON" },
  { "not an object", "[1,2]", "top level is an array" },
  { "duplicate key", "{\"process\":{},\"process\":{\"user\":{\"uid\":0}}}", "duplicate key `process`" },
  { "empty", "", "invalid JSON" },
  { "trailing garbage", "{} x", "invalid JSON" },
};

static void
test_bad_content_is_refused_and_left_intact (void **state)
{
  for (size_t i = 0; i < HS_ARRAY_SIZE (_bad_files); i++)
    {
      _cleanup_free_ char *dir = tu_mkdtemp ();
      _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
      _cleanup_free_ char *after = NULL;
      hs_spec_file f;
      hs_error err = { 0 };

      print_message ("case: %s\n", _bad_files[i].name);
      tu_write (path, _bad_files[i].content, 0644);
      assert_true (_load (dir, "config.json", &f, &err) < 0);
      if (strstr (err.msg, _bad_files[i].error) == NULL || strstr (err.msg, path) == NULL)
        fail_msg ("%s: `%s` should name `%s` and say `%s`", _bad_files[i].name, err.msg, path, _bad_files[i].error);
      after = tu_read (path, NULL);
      assert_string_equal (after, _bad_files[i].content);
      hs_error_release (&err);
      unlink (path);
      rmdir (dir);
    }
}

static void
test_symlink_fifo_directory_refused (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *target = xasprintf ("%s/real.json", dir);
  _cleanup_free_ char *link = xasprintf ("%s/config.json", dir);
  _cleanup_free_ char *fifo = xasprintf ("%s/fifo.json", dir);
  _cleanup_free_ char *sub = xasprintf ("%s/dir.json", dir);
  hs_spec_file f;
  hs_error err = { 0 };

  tu_write (target, _good, 0644);
  assert_int_equal (symlink ("real.json", link), 0);
  assert_true (_load (dir, "config.json", &f, &err) < 0);
  assert_non_null (strstr (err.msg, "symbolic link"));
  hs_error_release (&err);

  assert_int_equal (mkfifo (fifo, 0600), 0);
  assert_true (_load (dir, "fifo.json", &f, &err) < 0); /* and does not block */
  assert_non_null (strstr (err.msg, "not a regular file"));
  hs_error_release (&err);

  assert_int_equal (mkdir (sub, 0700), 0);
  assert_true (_load (dir, "dir.json", &f, &err) < 0);
  hs_error_release (&err);

  assert_true (_load (dir, "missing.json", &f, &err) < 0);
  assert_non_null (strstr (err.msg, "No such file"));
  hs_error_release (&err);

  unlink (link);
  unlink (target);
  unlink (fifo);
  rmdir (sub);
  rmdir (dir);
}

static void
test_oversized_refused (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
  size_t n = HS_JSON_MAX_BYTES + 16;
  _cleanup_free_ char *big = xmalloc (n + 1);
  hs_spec_file f;
  hs_error err = { 0 };

  memset (big, ' ', n);
  big[0] = '{';
  big[n - 1] = '}';
  big[n] = '\0';
  tu_write (path, big, 0644);
  assert_true (_load (dir, "config.json", &f, &err) < 0);
  assert_non_null (strstr (err.msg, "larger than"));
  hs_error_release (&err);
  unlink (path);
  rmdir (dir);
}

/* n bytes of 'x' written into a pipe by a child; its read end. */
static int
_pipe_of (size_t n, pid_t *ret_pid)
{
  int p[2];

  assert_int_equal (pipe (p), 0);
  *ret_pid = fork ();
  assert_true (*ret_pid >= 0);
  if (*ret_pid == 0)
    {
      char chunk[1000];
      memset (chunk, 'x', sizeof chunk);
      close (p[0]);
      for (size_t done = 0; done < n;)
        {
          size_t k = n - done < sizeof chunk ? n - done : sizeof chunk;
          ssize_t w = write (p[1], chunk, k);
          if (w <= 0)
            _exit (1);
          done += (size_t) w;
        }
      _exit (0);
    }
  close (p[1]);
  return p[0];
}

/* The buffer grows past its first 4 KiB as a pipe (or a file that grew
 * since fstat) brings more, up to max bytes; max + 1 is refused. */
static void
test_read_grows_to_max (void **state)
{
  const size_t max = 100000;
  size_t sizes[] = { 0, 4095, 4096, 4097, 65536, max };

  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    {
      pid_t pid;
      int fd = _pipe_of (sizes[i], &pid), status;
      _cleanup_free_ char *text = NULL;
      size_t len = 1;
      hs_error err = { 0 };
      assert_int_equal (hs_file_read_fd (fd, "the pipe", max, &text, &len, NULL, &err), 0);
      assert_int_equal (len, sizes[i]);
      assert_int_equal (strspn (text, "x"), sizes[i]);
      assert_int_equal (text[len], '\0');
      close (fd);
      assert_int_equal (waitpid (pid, &status, 0), pid);
    }
  {
    pid_t pid;
    int fd = _pipe_of (max + 1, &pid), status;
    char *text = NULL;
    size_t len = 0;
    hs_error err = { 0 };
    assert_int_equal (hs_file_read_fd (fd, "the pipe", max, &text, &len, NULL, &err), -EFBIG);
    assert_null (text);
    assert_non_null (strstr (err.msg, "larger than 100000 bytes"));
    hs_error_release (&err);
    close (fd);
    assert_int_equal (waitpid (pid, &status, 0), pid);
  }
}

static void
test_failed_write_leaves_original (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
  hs_spec_file f;
  hs_error err = { 0 };

  tu_write (path, _good, 0644);
  assert_int_equal (_load (dir, "config.json", &f, &err), 0);
  hs_json_object_set (f.tree, "added", hs_json_new_bool (true));
  /* Make the rename fail: config.json is now a non-empty directory. */
  assert_int_equal (unlink (path), 0);
  assert_int_equal (mkdir (path, 0700), 0);
  {
    _cleanup_free_ char *inner = xasprintf ("%s/x", path);
    tu_write (inner, "x", 0600);
    assert_true (hs_spec_save (&f, &err) < 0);
    assert_non_null (strstr (err.msg, "rename"));
    unlink (inner);
  }
  hs_spec_release (&f);
  hs_error_release (&err);
  rmdir (path);
  assert_int_equal (_entries (dir), 0); /* the temporary file was removed */
  rmdir (dir);
}

/* A save removes the complete temporary files a killed hardshim left
 * beside the file (.NAME.hardshim-XXXXXXXX), and nothing else. */
static void
test_save_removes_stale_temporaries (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
  _cleanup_free_ char *stale = xasprintf ("%s/.config.json.hardshim-0123abcd", dir);
  _cleanup_free_ char *other = xasprintf ("%s/.other.json.hardshim-0123abcd", dir);
  _cleanup_free_ char *longer = xasprintf ("%s/.config.json.hardshim-0123abcd0", dir);
  _cleanup_free_ char *subdir = xasprintf ("%s/.config.json.hardshim-deadbeef", dir);
  _cleanup_free_ char *foreign = xasprintf ("%s/.config.json.hardshim-feedface", dir);
  struct stat st;
  hs_spec_file f;
  hs_error err = { 0 };

  tu_write (path, _good, 0644);
  tu_write (stale, "{}", 0600);
  tu_write (other, "{}", 0600);
  tu_write (longer, "{}", 0600);
  assert_int_equal (mkdir (subdir, 0700), 0);
  tu_write (foreign, "{}", 0600); /* another user's: left alone */
  bool chowned = chown (foreign, geteuid () + 1, (gid_t) -1) == 0;
  if (!chowned)
    print_message ("SKIP: cannot give a file to another user here: the foreign case is not checked\n");
  assert_int_equal (_load (dir, "config.json", &f, &err), 0);
  assert_int_equal (hs_spec_save (&f, &err), 0);
  hs_spec_release (&f);
  assert_true (lstat (stale, &st) < 0 && errno == ENOENT);
  assert_int_equal (lstat (other, &st), 0);            /* another file's */
  assert_int_equal (lstat (longer, &st), 0);           /* not the pattern */
  assert_int_equal (lstat (subdir, &st), 0);           /* not a file */
  assert_true (!chowned || lstat (foreign, &st) == 0); /* not this user's */
  assert_int_equal (_entries (dir), chowned ? 5 : 4);  /* and no temporary file of this save */
  unlink (foreign);
  unlink (other);
  unlink (longer);
  rmdir (subdir);
  unlink (path);
  rmdir (dir);
}

/* Keys Go's encoding/json (runc) matches in any case: refused when they
 * could mean one thing to hardshim and another to runc. */
static const struct
{
  const char *json;
  const char *error; /* NULL: accepted */
} _key_cases[] = {
  { "{\"process\":{\"user\":{\"uid\":1000},\"args\":[\"sh\"]},\"x-custom\":1,\"X-Other\":2}", NULL },
  { "{\"process\":{\"user\":{\"uid\":1000},\"User\":{\"uid\":0}}}",
    "keys `user` and `User` at /process are one key to runc: refused" },
  { "{\"process\":{\"User\":{\"uid\":0}}}",
    "key `User` at /process: runc reads it as `user` (Go matches JSON keys in any case), hardshim does not" },
  { "{\"process\":{\"aRgs\":[\"sh\"]}}", "key `aRgs` at /process: runc reads it as `args`" },
  { "{\"Process\":{}}", "key `Process` at /: runc reads it as `process`" },
  { "{\"proce\u017fs\":{}}", "runc reads it as `process`" },
  { "{\"linux\":{\"resources\":{\"memory\":{\"\u212aernel\":1}}}}",
    "at /linux/resources/memory: runc reads it as `kernel`" },
  { "{\"mounts\":[{\"destination\":\"/a\"},{\"Destination\":\"/b\"}]}", "at /mounts/1: runc reads it as" },
  /* field names from the whole table (it is searched by halves) */
  { "{\"x\":{\"ACCESS\":1}}", "key `ACCESS` at /x: runc reads it as `access`" },
  { "{\"x\":{\"ZOS\":1}}", "key `ZOS` at /x: runc reads it as `zos`" },
  { "{\"x\":{\"nonewprivileges\":true}}", "runc reads it as `noNewPrivileges`" },
  { "{\"x\":{\"Nodes\":1}}", "runc reads it as `nodes`" },
  { "{\"x\":{\"Schemata\":1}}", "runc reads it as `schemata`" },
  { "{\"x\":{\"Scheduler\":1}}", "runc reads it as `scheduler`" },
  { "{\"x\":{\"Sysctl\":1}}", "runc reads it as `sysctl`" },
  { "{\"x\":{\"SysCalls\":1}}", "runc reads it as `syscalls`" },
  { "{\"x\":{\"l3cacheschema\":1}}", "runc reads it as `l3CacheSchema`" },
  { "{\"x\":{\"fooBar\":1,\"FOOBAR\":2}}", "keys `fooBar` and `FOOBAR` at /x are one key to runc" },
  /* \u0000 would be cut off when the spec is written back */
  { "{\"linux\":{\"sysctl\":{\"kernel.x\\u0000y\":\"1\"}}}", "`\\u0000` (NUL) in a string or key" },
  { "{\"process\":{\"args\":[\"sh\",\"-c\",\"true\\u0000; evil\"]}}", "`\\u0000` (NUL) in a string or key" },
  /* map keys are matched exactly */
  { "{\"annotations\":{\"User\":\"a\",\"Path\":\"b\"},\"linux\":{\"sysctl\":{\"Net.X\":\"1\"}}}", NULL },
  { "{\"annotations\":{\"a\":\"1\",\"A\":\"2\"}}", "keys `a` and `A` at /annotations are one key to runc" },
};

static void
test_keys_in_another_case_refused (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);

  for (size_t c = 0; c < HS_ARRAY_SIZE (_key_cases); c++)
    {
      hs_spec_file f;
      hs_error err = { 0 };
      int r;

      tu_write (path, _key_cases[c].json, 0644);
      r = _load (dir, "config.json", &f, &err);
      if (_key_cases[c].error == NULL)
        {
          if (r != 0)
            fail_msg ("`%s` refused: %s", _key_cases[c].json, err.msg);
          hs_spec_release (&f);
        }
      else
        {
          assert_int_equal (r, -EINVAL);
          if (strstr (err.msg, _key_cases[c].error) == NULL)
            fail_msg ("`%s`: `%s` lacks `%s`", _key_cases[c].json, err.msg, _key_cases[c].error);
        }
      hs_error_release (&err);
    }
  unlink (path);
  rmdir (dir);
}

/* A spec of n annotation keys (all distinct to Go) with first and last
 * before and after them, just under the size cap. */
static char *
_many_keys (size_t n, const char *first, const char *last)
{
  size_t cap = HS_JSON_MAX_BYTES, len = 0;
  char *text = xmalloc (cap);
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

  len += (size_t) snprintf (text + len, cap - len, "{\"ociVersion\":\"1.0.2\",\"annotations\":{\"%s\":\"\"", first);
  for (size_t i = 0; i < n; i++)
    {
      char key[16];
      size_t k = sizeof key - 1;
      key[k] = '\0';
      for (size_t v = i; k == sizeof key - 1 || v > 0; v /= 36)
        key[--k] = digits[v % 36];
      len += (size_t) snprintf (text + len, cap - len, ",\"k%s\":\"\"", key + k);
      assert_true (len < cap);
    }
  len += (size_t) snprintf (text + len, cap - len, ",\"%s\":\"\"}}", last);
  assert_true (len < cap);
  return text;
}

/* 700,000 annotation keys (the size cap's worth): the key checks look at
 * each pair that Go would read as one key, however far apart, and finish
 * (the checks were quadratic: 120 s and more).  Under valgrind (make
 * check-valgrind sets HS_UNDER_VALGRIND), 20,000: the same paths, at a
 * size valgrind gets through in seconds. */
static void
test_many_keys (void **state)
{
  size_t n = getenv ("HS_UNDER_VALGRIND") != NULL ? 20000 : 700000;
  static const struct
  {
    const char *first, *last, *error;
  } cases[] = {
    { "first", "last", NULL },
    { "Dup", "dUP", "keys `Dup` and `dUP` at /annotations are one key to runc: refused" },
    { "\u017fx", "SX", "keys `\u017fx` and `SX` at /annotations are one key to runc: refused" },
    { "k0", "first", "duplicate key `k0`" },
  };
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);

  for (size_t c = 0; c < HS_ARRAY_SIZE (cases); c++)
    {
      _cleanup_free_ char *text = _many_keys (n, cases[c].first, cases[c].last);
      hs_spec_file f;
      hs_error err = { 0 };
      struct timespec t0, t1;
      int r;

      tu_write (path, text, 0644);
      clock_gettime (CLOCK_MONOTONIC, &t0);
      r = _load (dir, "config.json", &f, &err);
      clock_gettime (CLOCK_MONOTONIC, &t1);
      print_message ("%zu bytes, %zu keys: %.3f s\n", strlen (text), n,
                     (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9);
      if (cases[c].error == NULL)
        {
          hs_spec_file again;
          if (r != 0)
            fail_msg ("refused: %s", err.msg);
          assert_int_equal (hs_json_object_len (hs_json_get (f.tree, "annotations")), n + 2);
          /* written back, it can be read again (indented, it would exceed the cap) */
          assert_int_equal (hs_spec_save (&f, &err), 0);
          hs_spec_release (&f);
          if (_load (dir, "config.json", &again, &err) != 0)
            fail_msg ("written back, refused: %s", err.msg);
          assert_int_equal (hs_json_object_len (hs_json_get (again.tree, "annotations")), n + 2);
          hs_spec_release (&again);
        }
      else
        {
          assert_int_equal (r, -EINVAL);
          if (strstr (err.msg, cases[c].error) == NULL)
            fail_msg ("`%s` lacks `%s`", err.msg, cases[c].error);
        }
      hs_error_release (&err);
    }
  unlink (path);
  rmdir (dir);
}

/* A sealed save from one serialisation (hs_seal_sign_text, then
 * hs_spec_save_text): the file holds exactly the sealed text, which
 * verifies when read back; a spec whose indented text passes the cap
 * (700,000 keys; not under valgrind) is written compact and verifies too,
 * the seal being over the indented text, as hs_seal_verify computes it. */
static void
test_save_sealed_text (void **state)
{
  static const uint8_t key[HS_SEAL_KEY_LEN] = { 7, 7, 7 };
  bool big_ok = getenv ("HS_UNDER_VALGRIND") == NULL;
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
  (void) state;

  for (int big = 0; big <= (big_ok ? 1 : 0); big++)
    {
      _cleanup_free_ char *given = big ? _many_keys (700000, "first", "last") : xstrdup (_good);
      _cleanup_free_ char *text = NULL, *written = NULL;
      hs_spec_file f, again;
      hs_error err = { 0 };
      size_t len, wlen;

      tu_write (path, given, 0644);
      assert_int_equal (_load (dir, "config.json", &f, &err), 0);
      hs_json_object_set (f.tree, "added", hs_json_new_bool (true));
      assert_int_equal (hs_seal_sign_text (f.tree, path, key, &text, &len, &err), 0);
      assert_int_equal (len > HS_JSON_MAX_BYTES, big);
      _cleanup_free_ char *want = xstrndup (text, len);
      if (hs_spec_save_text (&f, TAKE_PTR (text), len, &err) != 0)
        fail_msg ("save: %s", err.msg);
      hs_spec_release (&f);

      written = tu_read (path, &wlen);
      if (!big)
        {
          assert_int_equal (wlen, len);
          assert_memory_equal (written, want, len);
        }
      else
        assert_null (strstr (written, "\n\t")); /* compact */
      if (_load (dir, "config.json", &again, &err) != 0)
        fail_msg ("read back: %s", err.msg);
      assert_true (hs_seal_verify (again.tree, path, key));
      assert_true (hs_json_is_true (hs_json_get (again.tree, "added")));
      hs_spec_release (&again);
      assert_int_equal (_entries (dir), 1); /* no temporary file */
    }
  unlink (path);
  rmdir (dir);
}

/* A hardened spec larger than hardshim reads back is refused, and the
 * original is left as it was. */
static void
test_save_larger_than_cap_refused (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
  _cleanup_free_ char *big = xmalloc (HS_JSON_MAX_BYTES + 1);
  _cleanup_free_ char *after = NULL;
  hs_spec_file f;
  hs_error err = { 0 };

  memset (big, 'x', HS_JSON_MAX_BYTES);
  big[HS_JSON_MAX_BYTES] = '\0';
  tu_write (path, _good, 0644);
  assert_int_equal (_load (dir, "config.json", &f, &err), 0);
  hs_json_object_set (f.tree, "annotations", hs_json_new_object ());
  hs_json_object_set (hs_json_get (f.tree, "annotations"), "big", hs_json_new_string (big));
  assert_int_equal (hs_spec_save (&f, &err), -EFBIG);
  assert_non_null (strstr (err.msg, "the hardened spec would be larger than 8388608 bytes: refused"));
  assert_non_null (strstr (err.msg, path));
  hs_error_release (&err);
  hs_spec_release (&f);
  after = tu_read (path, NULL);
  assert_string_equal (after, _good);
  assert_int_equal (_entries (dir), 1);
  unlink (path);
  rmdir (dir);
}

/* fd 0 stays open across fn: a zeroed hs_spec_file's dirfd is 0, and it
 * is not the file's own. */
static void
_keeps_fd0 (void (*fn) (void))
{
  int null = -1;

  if (fcntl (0, F_GETFD) < 0)
    assert_int_equal (null = open ("/dev/null", O_RDONLY | O_CLOEXEC), 0);
  fn ();
  assert_true (fcntl (0, F_GETFD) >= 0);
  if (null >= 0)
    close (null);
}

static void
_release_zeroed (void)
{
  hs_spec_file f = { 0 };

  hs_spec_release (&f);
  assert_int_equal (f.dirfd, -1);
  hs_spec_release (&f);
  {
    _cleanup_spec_file_ hs_spec_file g = { 0 };
  }
}

/* A release takes an empty value: zeroed, or released already. */
static void
test_release_empty (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/config.json", dir);
  _cleanup_error_ hs_error err = { 0 };
  hs_spec_file f;

  _keeps_fd0 (_release_zeroed);
  tu_write (path, _good, 0600);
  assert_int_equal (_load (dir, "config.json", &f, &err), 0);
  assert_true (f.dirfd >= 0);
  hs_spec_release (&f);
  assert_null (f.tree);
  assert_int_equal (f.dirfd, -1);
  hs_spec_release (&f); /* neither a double free nor a second close */
  {
    _cleanup_spec_file_ hs_spec_file g = { .dirfd = -1 };
    assert_int_equal (_load (dir, "config.json", &g, &err), 0);
    f = TAKE_STRUCT (g); /* g is zeroed: its cleanup neither frees nor closes */
  }
  assert_non_null (f.tree);
  assert_true (fcntl (f.dirfd, F_GETFD) >= 0);
  hs_spec_release (&f);
  unlink (path);
  rmdir (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_roundtrip_keeps_mode_and_owner),
    cmocka_unit_test (test_release_empty),
    cmocka_unit_test (test_keys_in_another_case_refused),
    cmocka_unit_test (test_many_keys),
    cmocka_unit_test (test_save_larger_than_cap_refused),
    cmocka_unit_test (test_save_sealed_text),
    cmocka_unit_test (test_relative_name_with_directory),
    cmocka_unit_test (test_bad_content_is_refused_and_left_intact),
    cmocka_unit_test (test_symlink_fifo_directory_refused),
    cmocka_unit_test (test_oversized_refused),
    cmocka_unit_test (test_read_grows_to_max),
    cmocka_unit_test (test_failed_write_leaves_original),
    cmocka_unit_test (test_save_removes_stale_temporaries),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
