/* SPDX-License-Identifier: Apache-2.0 */
/* The journal: record format, audit wording, atomic appends under
 * concurrency, and failures that leave no partial line. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "runtime/journal.h"
#include "testutil.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
test_record_fields (void **state)
{
  _cleanup_json_ hs_json before = tu_parse ("[\"CAP_KILL\"]");
  _cleanup_json_ hs_json after = tu_parse ("[]");
  _cleanup_json_ hs_json rec = NULL;
  hs_journal j;
  hs_error err = { 0 };

  hs_journal_init (&j, "c1", "/b", "/b/config.json", "create", false);
  hs_journal_record (&j, "capabilities", "/process/capabilities/bounding", "removed", before, after);
  assert_int_equal (j.count, 1);
  assert_int_equal (j.buf[j.len - 1], '\n');
  assert_int_equal (hs_json_parse (j.buf, j.len, &rec, &err), 0);
  assert_string_equal (hs_json_string (hs_json_get (rec, "id")), "c1");
  assert_string_equal (hs_json_string (hs_json_get (rec, "bundle")), "/b");
  assert_string_equal (hs_json_string (hs_json_get (rec, "file")), "/b/config.json");
  assert_string_equal (hs_json_string (hs_json_get (rec, "command")), "create");
  assert_string_equal (hs_json_string (hs_json_get (rec, "measure")), "capabilities");
  assert_string_equal (hs_json_string (hs_json_get (rec, "path")), "/process/capabilities/bounding");
  assert_string_equal (hs_json_string (hs_json_get (rec, "action")), "removed");
  assert_string_equal (hs_json_string (hs_json_get (rec, "mode")), "enforce");
  assert_null (hs_json_get (rec, "would"));
  assert_int_equal (hs_json_array_len (hs_json_get (rec, "before")), 1);
  assert_int_equal (hs_json_array_len (hs_json_get (rec, "after")), 0);
  assert_int_equal (strlen (hs_json_string (hs_json_get (rec, "time"))), strlen ("2026-11-22T06:03:04.120Z"));
  hs_journal_release (&j);
}

static void
test_audit_wording (void **state)
{
  _cleanup_json_ hs_json rec = NULL;
  hs_journal j;
  hs_error err = { 0 };

  hs_journal_init (&j, "c1", NULL, "p.json", "exec", true);
  hs_journal_record (&j, "user", "/user/uid", "changed", NULL, NULL);
  assert_int_equal (hs_json_parse (j.buf, j.len, &rec, &err), 0);
  assert_string_equal (hs_json_string (hs_json_get (rec, "action")), "kept");
  assert_string_equal (hs_json_string (hs_json_get (rec, "would")), "changed");
  assert_string_equal (hs_json_string (hs_json_get (rec, "mode")), "audit");
  assert_true (hs_json_is_null (hs_json_get (rec, "before")));
  assert_null (hs_json_get (rec, "bundle"));
  hs_journal_release (&j);
}

/* Values from the command line (id, bundle, file) and from messages may
 * be any bytes: the journal holds valid UTF-8 all the same. */
static void
test_invalid_utf8_replaced (void **state)
{
  _cleanup_json_ hs_json before = hs_json_new_string ("a\xed\xa0\x80"
                                                      "b");
  _cleanup_json_ hs_json after = tu_parse ("{\"k\":[\"ok\"]}");
  _cleanup_json_ hs_json rec = NULL;
  hs_journal j;
  hs_error err = { 0 };

  hs_json_object_set (after, "key\xff", hs_json_new_string ("\xc0\xaf"));
  hs_journal_init (&j, "c1\n\xff", "/b\xc3",
                   "/b/\x80"
                   "config.json",
                   "create", false);
  hs_journal_record_note (&j, "user", "/process/user\xe2\x82", "changed", before, after, "note \xf8");
  if (hs_json_parse (j.buf, j.len, &rec, &err) < 0)
    fail_msg ("not valid JSON: %s", err.msg);
  assert_string_equal (hs_json_string (hs_json_get (rec, "id")), "c1\n\xef\xbf\xbd");
  assert_string_equal (hs_json_string (hs_json_get (rec, "bundle")), "/b\xef\xbf\xbd");
  assert_string_equal (hs_json_string (hs_json_get (rec, "file")), "/b/\xef\xbf\xbd"
                                                                   "config.json");
  assert_string_equal (hs_json_string (hs_json_get (rec, "path")), "/process/user\xef\xbf\xbd\xef\xbf\xbd");
  assert_string_equal (hs_json_string (hs_json_get (rec, "note")), "note \xef\xbf\xbd");
  assert_string_equal (hs_json_string (hs_json_get (rec, "before")), "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                                                     "b");
  assert_string_equal (hs_json_string (hs_json_get (hs_json_get (rec, "after"), "key\xef\xbf\xbd")),
                       "\xef\xbf\xbd\xef\xbf\xbd");
  assert_string_equal (hs_json_string (hs_json_at (hs_json_get (hs_json_get (rec, "after"), "k"), 0)), "ok");
  /* the caller's values are left as they were */
  assert_string_equal (hs_json_string (before), "a\xed\xa0\x80"
                                                "b");
  hs_journal_release (&j);
}

/* before and after are lent to the record, not copied: the caller's trees
 * are the same after (the same node may be both); the keys keep their
 * order; thousands of records grow the buffer whole; records after
 * hs_journal_only_refusals append to the refusals kept. */
static void
test_records_lend_values (void **state)
{
  static const char *const keys[]
      = { "time", "id", "bundle", "file", "command", "measure", "path", "action", "before", "after", "note", "mode" };
  _cleanup_json_ hs_json v = tu_parse ("{\"args\":[\"sh\",\"-c\",\"true\"],\"n\":1.50,\"e\":{}}");
  _cleanup_free_ char *want = NULL, *have = NULL;
  hs_journal j;
  hs_error err = { 0 };
  size_t len;
  (void) state;

  assert_int_equal (hs_json_generate (v, false, &want, &len, &err), 0);
  hs_journal_init (&j, "c1", "/b", "/b/config.json", "create", false);
  for (int i = 0; i < 3000; i++)
    hs_journal_record_note (&j, "m", "/p", i % 1000 == 0 ? "refused" : "changed", v, i % 2 ? v : NULL, "n");
  assert_int_equal (j.count, 3000);
  assert_int_equal (hs_json_generate (v, false, &have, &len, &err), 0);
  assert_string_equal (have, want);

  size_t lines = 0;
  for (char *p = j.buf, *nl; (nl = strchr (p, '\n')) != NULL; p = nl + 1, lines++)
    {
      _cleanup_json_ hs_json rec = NULL;
      _cleanup_free_ char *before = NULL;
      if (hs_json_parse (p, (size_t) (nl - p), &rec, &err) < 0)
        fail_msg ("line %zu: %s", lines, err.msg);
      assert_int_equal (hs_json_object_len (rec), HS_ARRAY_SIZE (keys));
      for (size_t k = 0; k < HS_ARRAY_SIZE (keys); k++)
        assert_string_equal (hs_json_key_at (rec, k), keys[k]);
      assert_int_equal (hs_json_generate (hs_json_get (rec, "before"), false, &before, &len, &err), 0);
      assert_string_equal (before, want);
      assert_true (lines % 2 ? hs_json_is_object (hs_json_get (rec, "after"))
                             : hs_json_is_null (hs_json_get (rec, "after")));
    }
  assert_int_equal (lines, 3000);
  assert_int_equal (j.len, strlen (j.buf));

  hs_journal_only_refusals (&j);
  assert_int_equal (j.count, 3);
  for (int i = 0; i < 500; i++)
    hs_journal_record (&j, "m", "/q", "changed", v, v);
  assert_int_equal (j.count, 503);
  assert_int_equal (j.len, strlen (j.buf));
  lines = 0;
  for (char *p = j.buf; (p = strchr (p, '\n')) != NULL; p++)
    lines++;
  assert_int_equal (lines, 503);
  assert_non_null (strstr (j.buf, "\"action\":\"refused\""));
  hs_journal_release (&j);
}

#define WRITERS 8
#define ROUNDS 40
#define PER_COMMIT 5

static void
test_concurrent_commits_whole_lines (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *file = xasprintf ("%s/a/b/deviations.jsonl", dir);
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ hs_json big = hs_json_new_array ();
  size_t lines = 0;
  struct stat st;

  /* Records of several KiB each, so that a torn write would show. */
  for (int i = 0; i < 300; i++)
    hs_json_array_append (big, hs_json_new_string ("CAP_SOMETHING_LONG_ENOUGH"));

  for (int w = 0; w < WRITERS; w++)
    {
      pid_t pid = fork ();
      assert_true (pid >= 0);
      if (pid == 0)
        {
          for (int r = 0; r < ROUNDS; r++)
            {
              _cleanup_free_ char *id = xasprintf ("w%d-r%d", w, r);
              hs_journal j;
              hs_error err = { 0 };
              hs_journal_init (&j, id, "/b", "/b/config.json", "create", false);
              for (int k = 0; k < PER_COMMIT; k++)
                hs_journal_record (&j, "capabilities", "/process/capabilities/bounding", "removed", big, NULL);
              if (hs_journal_commit (&j, file, &err) < 0)
                _exit (1);
              hs_journal_release (&j);
            }
          _exit (0);
        }
    }
  for (int w = 0; w < WRITERS; w++)
    {
      int status;
      assert_true (wait (&status) > 0);
      assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    }

  text = tu_read (file, NULL);
  for (char *line = text, *eol; *line; line = eol + 1)
    {
      _cleanup_json_ hs_json rec = NULL;
      hs_error err = { 0 };
      eol = strchr (line, '\n');
      assert_non_null (eol);
      if (hs_json_parse (line, (size_t) (eol - line), &rec, &err) < 0)
        fail_msg ("line %zu is not one JSON record: %s", lines + 1, err.msg);
      lines++;
    }
  assert_int_equal (lines, WRITERS * ROUNDS * PER_COMMIT);
  assert_int_equal (stat (file, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0640);
  tu_rmtree (dir);
}

static void
test_commit_failures (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *file = xasprintf ("%s/journal.jsonl", dir);
  _cleanup_free_ char *link = xasprintf ("%s/link.jsonl", dir);
  hs_journal j;
  hs_error err = { 0 };

  hs_journal_init (&j, "c1", NULL, "f", "create", false);
  /* nothing recorded: nothing written, not even the file */
  assert_int_equal (hs_journal_commit (&j, file, &err), 0);
  assert_int_equal (access (file, F_OK), -1);

  hs_journal_record (&j, "user", "/process/user/uid", "changed", NULL, NULL);
  assert_int_equal (mkdir (file, 0700), 0); /* a directory in the way */
  assert_true (hs_journal_commit (&j, file, &err) < 0);
  assert_non_null (strstr (err.msg, "journal"));
  hs_error_release (&err);
  rmdir (file);

  assert_int_equal (symlink ("/etc/passwd", link), 0); /* never follow a planted link */
  assert_true (hs_journal_commit (&j, link, &err) < 0);
  hs_error_release (&err);
  unlink (link);

  hs_journal_release (&j);
  rmdir (dir);
}

/* A FIFO or a lock someone keeps in the journal's place: refused, never
 * a hang (the FIFO at once, the lock after HS_JOURNAL_LOCK_WAIT_MS). */
static void
test_commit_never_hangs (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *fifo = xasprintf ("%s/fifo.jsonl", dir);
  _cleanup_free_ char *file = xasprintf ("%s/journal.jsonl", dir);
  _cleanup_close_ int reader = -1, holder = -1;
  struct timespec t0, t1;
  hs_journal j;
  hs_error err = { 0 };
  int r;

  hs_journal_init (&j, "c1", NULL, "f", "create", false);
  hs_journal_record (&j, "user", "/process/user/uid", "changed", NULL, NULL);

  assert_int_equal (mkfifo (fifo, 0600), 0);
  assert_int_equal (hs_journal_commit (&j, fifo, &err), -EINVAL); /* no reader */
  assert_non_null (strstr (err.msg, "is not a regular file (a FIFO or a socket): refused"));
  hs_error_release (&err);
  reader = open (fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  assert_true (reader >= 0);
  assert_int_equal (hs_journal_commit (&j, fifo, &err), -EINVAL); /* a reader: still not a journal */
  assert_non_null (strstr (err.msg, "is not a regular file: refused"));
  hs_error_release (&err);
  assert_true (read (reader, (char[1]){ 0 }, 1) <= 0); /* nothing was written to it */

  holder = open (file, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
  assert_true (holder >= 0);
  assert_int_equal (flock (holder, LOCK_EX), 0);
  clock_gettime (CLOCK_MONOTONIC, &t0);
  r = hs_journal_commit (&j, file, &err);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  assert_int_equal (r, -ETIMEDOUT);
  assert_non_null (strstr (err.msg, "is locked by another process"));
  hs_error_release (&err);
  assert_true (t1.tv_sec - t0.tv_sec >= HS_JOURNAL_LOCK_WAIT_MS / 1000 - 1);
  assert_true (t1.tv_sec - t0.tv_sec <= HS_JOURNAL_LOCK_WAIT_MS / 1000 + 5);
  {
    struct stat st;
    assert_int_equal (stat (file, &st), 0);
    assert_int_equal (st.st_size, 0); /* nothing was written */
  }
  assert_int_equal (flock (holder, LOCK_UN), 0);
  assert_int_equal (hs_journal_commit (&j, file, &err), 0); /* once it is free */

  hs_journal_release (&j);
  unlink (fifo);
  unlink (file);
  rmdir (dir);
}

/* A release takes an empty value: zeroed, or released already. */
static void
test_release_empty (void **state)
{
  hs_journal j = { 0 };

  hs_journal_release (&j);
  hs_journal_release (&j);
  hs_journal_init (&j, "c1", "/b", "/b/config.json", "create", false);
  hs_journal_record (&j, "m", "/p", "refused", NULL, NULL);
  hs_journal_release (&j);
  assert_null (j.buf);
  assert_int_equal (j.count, 0);
  hs_journal_release (&j);
  {
    _cleanup_journal_ hs_journal k = { 0 };
    hs_journal_init (&k, "c1", NULL, "/b/config.json", "create", false);
    hs_journal_record (&k, "m", "/p", "changed", NULL, NULL);
  }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_record_fields),       cmocka_unit_test (test_release_empty),
    cmocka_unit_test (test_audit_wording),       cmocka_unit_test (test_invalid_utf8_replaced),
    cmocka_unit_test (test_records_lend_values), cmocka_unit_test (test_concurrent_commits_whole_lines),
    cmocka_unit_test (test_commit_failures),     cmocka_unit_test (test_commit_never_hangs),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
