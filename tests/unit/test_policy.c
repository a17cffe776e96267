/* hs_policy_parse as a table of cases, and hs_policy_load / hs_policy_path
 * with HARDSHIM_POLICY. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "policy.h"
#include "seccomp_profile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define STRV(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_STRINGS ((const char *const[]){ NULL })

/* A zero field means the built-in default, so that a case names only what
 * it changes. */
typedef struct policy_case
{
  const char *name;
  const char *text;
  const char *error;        /* substring of the message; NULL: must parse */
  hs_mode mode;             /* HS_MODE_ENFORCE (0) is the default */
  uint32_t uid, gid;        /* 0: 65534 (0 itself is never valid) */
  bool writable;            /* rootfs.readonly false */
  const char *runtime;      /* NULL: must stay NULL */
  const char *journal;      /* NULL: the built-in default (absolute) */
  const char *const *caps;  /* NULL-terminated, in order; NULL: none */
  const char *const *tmpfs; /* NULL-terminated, in order; NULL: /tmp and /run */
  const char *seccomp;      /* profile path; NULL: the installed default.json */
} policy_case;

#define GOOD(n, t, ...)                                                                                                \
  {                                                                                                                    \
    .name = n, .text = t, .error = NULL, __VA_ARGS__                                                                   \
  }
#define BAD(n, t, msg)                                                                                                 \
  {                                                                                                                    \
    .name = n, .text = t, .error = msg                                                                                 \
  }

static const policy_case _cases[] = {
  GOOD ("empty object: defaults", "{}", .mode = HS_MODE_ENFORCE),
  GOOD ("white space around", " \n{ }\n", .mode = HS_MODE_ENFORCE),
  GOOD ("full valid policy",
        "{\"mode\":\"enforce\",\"runtime\":\"/usr/bin/crun\",\"journal\":\"/var/log/hs/j.jsonl\","
        "\"user\":{\"uid\":1000,\"gid\":1001},\"capabilities\":{\"allow\":[\"CAP_CHOWN\",\"net_bind_service\"]},"
        "\"rootfs\":{\"readonly\":false,\"tmpfs\":[\"/tmp\",\"/var/tmp\",\"/run\"]}}",
        .runtime = "/usr/bin/crun", .journal = "/var/log/hs/j.jsonl", .uid = 1000, .gid = 1001,
        .caps = STRV ("CAP_CHOWN", "CAP_NET_BIND_SERVICE"), .writable = true,
        .tmpfs = STRV ("/tmp", "/var/tmp", "/run")),
  GOOD ("audit mode", "{\"mode\":\"audit\"}", .mode = HS_MODE_AUDIT),
  GOOD ("enforce mode", "{\"mode\":\"enforce\"}", .mode = HS_MODE_ENFORCE),
  GOOD ("uid only", "{\"user\":{\"uid\":1234}}", .uid = 1234),
  GOOD ("gid only", "{\"user\":{\"gid\":4321}}", .gid = 4321),
  GOOD ("empty user", "{\"user\":{}}", .uid = 0),
  GOOD ("largest id: the user namespace's last", "{\"user\":{\"uid\":65535,\"gid\":1}}", .uid = 65535, .gid = 1),
  GOOD ("readonly true", "{\"rootfs\":{\"readonly\":true}}", .writable = false),
  GOOD ("readonly false", "{\"rootfs\":{\"readonly\":false}}", .writable = true),
  GOOD ("no tmpfs", "{\"rootfs\":{\"tmpfs\":[]}}", .tmpfs = NO_STRINGS),
  GOOD ("tmpfs replaces the defaults", "{\"rootfs\":{\"tmpfs\":[\"/scratch\"]}}", .tmpfs = STRV ("/scratch")),
  GOOD ("empty capabilities", "{\"capabilities\":{}}", .caps = NULL),
  GOOD ("empty allow", "{\"capabilities\":{\"allow\":[]}}", .caps = NULL),
  GOOD ("capability names normalised, duplicates collapsed",
        "{\"capabilities\":{\"allow\":[\"net_bind_service\",\"NET_BIND_SERVICE\",\"CAP_NET_BIND_SERVICE\","
        "\"cap_net_bind_service\",\"Cap_Chown\",\"chown\"]}}",
        .caps = STRV ("CAP_NET_BIND_SERVICE", "CAP_CHOWN")),
  GOOD ("runtime only", "{\"runtime\":\"/x\"}", .runtime = "/x"),
  GOOD ("seccomp profile by name", "{\"seccomp\":{\"profile\":\"web-1.2_x\"}}", .seccomp = HS_SECCOMP_DIR "/web-1.2_x.json"),
  GOOD ("seccomp profile by path", "{\"seccomp\":{\"profile\":\"/etc/hs/p.json\"}}", .seccomp = "/etc/hs/p.json"),
  GOOD ("empty seccomp object", "{\"seccomp\":{}}", .seccomp = NULL),
  BAD ("seccomp not an object", "{\"seccomp\":\"default\"}", "`seccomp`"),
  BAD ("unknown key seccomp.mode", "{\"seccomp\":{\"mode\":\"off\"}}", "seccomp.mode"),
  BAD ("seccomp profile name with a slash", "{\"seccomp\":{\"profile\":\"a/b\"}}", "seccomp.profile"),
  BAD ("seccomp profile name ..", "{\"seccomp\":{\"profile\":\"..\"}}", "seccomp.profile"),
  BAD ("empty seccomp profile name", "{\"seccomp\":{\"profile\":\"\"}}", "seccomp.profile"),
  BAD ("seccomp profile a number", "{\"seccomp\":{\"profile\":1}}", "seccomp.profile"),

  /* unknown keys */
  BAD ("unknown top-level key", "{\"mode\":\"audit\",\"moed\":\"enforce\"}", "unknown key `moed`"),
  BAD ("unknown key user.foo", "{\"user\":{\"uid\":1000,\"foo\":1}}", "user.foo"),
  BAD ("unknown key capabilities.deny", "{\"capabilities\":{\"deny\":[]}}", "capabilities.deny"),
  BAD ("unknown key rootfs.noexec", "{\"rootfs\":{\"noexec\":true}}", "rootfs.noexec"),

  /* wrong types */
  BAD ("top level is an array", "[]", "(top level)"),
  BAD ("top level is null", "null", "(top level)"),
  BAD ("mode is a number", "{\"mode\":1}", "`mode` is a number"),
  BAD ("unknown mode", "{\"mode\":\"permissive\"}", "`mode` must be"),
  BAD ("mode in capitals", "{\"mode\":\"AUDIT\"}", "`mode` must be"),
  BAD ("user.uid is a string", "{\"user\":{\"uid\":\"x\"}}", "user.uid"),
  BAD ("user.uid is a numeric string", "{\"user\":{\"uid\":\"1000\"}}", "user.uid"),
  BAD ("user.uid is a fraction", "{\"user\":{\"uid\":1000.5}}", "user.uid"),
  BAD ("user.uid is 1000.0", "{\"user\":{\"uid\":1000.0}}", "user.uid"),
  BAD ("user.uid is negative", "{\"user\":{\"uid\":-1}}", "user.uid"),
  BAD ("user.uid is 4294967295", "{\"user\":{\"uid\":4294967295}}", "user.uid"),
  BAD ("user.gid is too large", "{\"user\":{\"gid\":4294967296}}", "user.gid"),
  BAD ("user.gid is null", "{\"user\":{\"gid\":null}}", "user.gid"),
  BAD ("user is a number", "{\"user\":1000}", "`user` is a number"),
  BAD ("capabilities.allow is a string", "{\"capabilities\":{\"allow\":\"CAP_X\"}}", "capabilities.allow"),
  BAD ("capabilities.allow holds a number", "{\"capabilities\":{\"allow\":[12]}}", "capabilities.allow"),
  BAD ("capabilities is an array", "{\"capabilities\":[\"CAP_CHOWN\"]}", "`capabilities` is an array"),
  BAD ("rootfs.readonly is a string", "{\"rootfs\":{\"readonly\":\"yes\"}}", "rootfs.readonly"),
  BAD ("rootfs.tmpfs is a string", "{\"rootfs\":{\"tmpfs\":\"/tmp\"}}", "rootfs.tmpfs"),
  BAD ("runtime is a number", "{\"runtime\":1}", "`runtime`"),
  BAD ("journal is an object", "{\"journal\":{}}", "`journal`"),

  /* values refused */
  BAD ("uid 0", "{\"user\":{\"uid\":0}}", "user.uid"),
  BAD ("uid outside the user namespace", "{\"user\":{\"uid\":65536}}", "`user.uid` must be below 65536"),
  BAD ("gid outside the user namespace", "{\"user\":{\"gid\":4294967294}}", "`user.gid` must be below 65536"),
  BAD ("uid 0 names root", "{\"user\":{\"uid\":0,\"gid\":1000}}", "root"),
  BAD ("gid 0", "{\"user\":{\"uid\":1000,\"gid\":0}}", "user.gid"),
  BAD ("relative runtime", "{\"runtime\":\"runc\"}", "absolute"),
  BAD ("empty runtime", "{\"runtime\":\"\"}", "absolute"),
  BAD ("relative journal", "{\"journal\":\"log/deviations.jsonl\"}", "absolute"),
  BAD ("relative tmpfs", "{\"rootfs\":{\"tmpfs\":[\"/tmp\",\"run\"]}}", "absolute"),
  BAD ("unknown capability", "{\"capabilities\":{\"allow\":[\"CAP_CHOWN\",\"CAP_BOGUS\"]}}",
       "unknown capability `CAP_BOGUS`"),
  BAD ("bare CAP_", "{\"capabilities\":{\"allow\":[\"CAP_\"]}}", "unknown capability"),
  BAD ("empty capability name", "{\"capabilities\":{\"allow\":[\"\"]}}", "unknown capability"),

  /* not JSON, or JSON hardshim refuses */
  BAD ("invalid JSON", "{\"mode\":", "invalid JSON"),
  BAD ("empty text", "", "invalid JSON"),
  BAD ("duplicate key", "{\"mode\":\"enforce\",\"mode\":\"audit\"}", "duplicate key `mode`"),
  BAD ("duplicate nested key", "{\"user\":{\"uid\":1000,\"uid\":0}}", "duplicate key `uid`"),
};

static bool
_strv_equal (const hs_strv *s, const char *const *expected)
{
  size_t n = 0;

  while (expected[n] != NULL)
    n++;
  if (s->n != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (strcmp (s->v[i], expected[i]) != 0)
      return false;
  return true;
}

static char *
_strv_join (const hs_strv *s)
{
  size_t len = 3;
  char *out;

  for (size_t i = 0; i < s->n; i++)
    len += strlen (s->v[i]) + 1;
  out = xcalloc (1, len);
  strcat (out, "[");
  for (size_t i = 0; i < s->n; i++)
    {
      if (i > 0)
        strcat (out, ",");
      strcat (out, s->v[i]);
    }
  strcat (out, "]");
  return out;
}

static void
_check_case (const policy_case *t)
{
  char sentinel[] = "untouched";
  hs_policy p = { .source = sentinel };
  hs_error err = { 0 };
  int r = hs_policy_parse (t->text, strlen (t->text), "test.json", &p, &err);
  uint32_t uid = t->uid ? t->uid : 65534, gid = t->gid ? t->gid : 65534;

  if (t->error != NULL)
    {
      if (r >= 0)
        {
          CASE_FAIL ("case `%s`: accepted, expected an error with `%s`\n", t->name, t->error);
          hs_policy_release (&p);
        }
      else
        {
          if (err.msg == NULL || strstr (err.msg, t->error) == NULL)
            CASE_FAIL ("case `%s`: message `%s` does not mention `%s`\n", t->name, err.msg ? err.msg : "(null)",
                       t->error);
          else if (strstr (err.msg, "test.json") == NULL)
            CASE_FAIL ("case `%s`: message `%s` does not name the file\n", t->name, err.msg);
          if (r != -err.code)
            CASE_FAIL ("case `%s`: returned %d but err.code is %d\n", t->name, r, err.code);
          if (p.source != sentinel)
            CASE_FAIL ("case `%s`: the output was changed on failure\n", t->name);
        }
      hs_error_release (&err);
      return;
    }

  if (r != 0)
    {
      CASE_FAIL ("case `%s`: refused: %s\n", t->name, err.msg ? err.msg : "(no message)");
      hs_error_release (&err);
      return;
    }
  if (err.msg != NULL)
    CASE_FAIL ("case `%s`: succeeded but set an error: %s\n", t->name, err.msg);
  if (p.source == NULL || strcmp (p.source, "test.json") != 0)
    CASE_FAIL ("case `%s`: source `%s`\n", t->name, p.source ? p.source : "(null)");
  if (p.mode != t->mode)
    CASE_FAIL ("case `%s`: mode %d, expected %d\n", t->name, (int)p.mode, (int)t->mode);
  if (p.uid != uid || p.gid != gid)
    CASE_FAIL ("case `%s`: uid/gid %u/%u, expected %u/%u\n", t->name, p.uid, p.gid, uid, gid);
  if (p.readonly_rootfs != !t->writable)
    CASE_FAIL ("case `%s`: readonly_rootfs %d\n", t->name, (int)p.readonly_rootfs);
  {
    const char *want = t->seccomp ? t->seccomp : HS_SECCOMP_DIR "/default.json";
    if (p.seccomp_profile == NULL || strcmp (p.seccomp_profile, want) != 0 || p.seccomp != NULL)
      CASE_FAIL ("case `%s`: seccomp profile `%s`, expected `%s`, not loaded\n", t->name,
                 p.seccomp_profile ? p.seccomp_profile : "(null)", want);
  }
  if (t->runtime == NULL ? p.runtime != NULL : (p.runtime == NULL || strcmp (p.runtime, t->runtime) != 0))
    CASE_FAIL ("case `%s`: runtime `%s`\n", t->name, p.runtime ? p.runtime : "(null)");
  if (p.journal == NULL || p.journal[0] != '/' || (t->journal != NULL && strcmp (p.journal, t->journal) != 0))
    CASE_FAIL ("case `%s`: journal `%s`\n", t->name, p.journal ? p.journal : "(null)");
#ifdef HS_DEFAULT_JOURNAL
  if (t->journal == NULL && p.journal != NULL && strcmp (p.journal, HS_DEFAULT_JOURNAL) != 0)
    CASE_FAIL ("case `%s`: journal `%s`, expected the default `%s`\n", t->name, p.journal, HS_DEFAULT_JOURNAL);
#endif
  if (!_strv_equal (&p.cap_allow, t->caps ? t->caps : NO_STRINGS))
    {
      char *got = _strv_join (&p.cap_allow);
      CASE_FAIL ("case `%s`: capabilities %s\n", t->name, got);
      free (got);
    }
  if (!_strv_equal (&p.tmpfs, t->tmpfs ? t->tmpfs : STRV ("/tmp", "/run")))
    {
      char *got = _strv_join (&p.tmpfs);
      CASE_FAIL ("case `%s`: tmpfs %s\n", t->name, got);
      free (got);
    }
  hs_policy_release (&p);
  hs_error_release (&err);
}

static void
test_parse_table (void **state)
{
  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_cases); c++)
    _check_case (&_cases[c]);
  assert_int_equal (_failures, 0);
}

static void
test_strv_contains (void **state)
{
  hs_policy p;
  hs_error err = { 0 };
  const char *text = "{\"capabilities\":{\"allow\":[\"kill\"]}}";

  assert_int_equal (hs_policy_parse (text, strlen (text), "t", &p, &err), 0);
  assert_true (hs_strv_contains (&p.cap_allow, "CAP_KILL"));
  assert_false (hs_strv_contains (&p.cap_allow, "kill"));
  assert_true (hs_strv_contains (&p.tmpfs, "/run"));
  assert_false (hs_strv_contains (&p.tmpfs, "/ru"));
  hs_policy_release (&p);
  assert_null (p.source);
  assert_int_equal (p.tmpfs.n, 0);
}

/* ---- hs_policy_path and hs_policy_load ------------------------------------ */

static void
test_path_from_environment (void **state)
{
  assert_int_equal (setenv ("HARDSHIM_POLICY", "/tmp/some/policy.json", 1), 0);
  assert_string_equal (hs_policy_path (), "/tmp/some/policy.json");
  assert_int_equal (unsetenv ("HARDSHIM_POLICY"), 0);
  assert_string_equal (hs_policy_path (), HS_DEFAULT_POLICY);
  assert_int_equal (setenv ("HARDSHIM_POLICY", "", 1), 0);
  assert_string_equal (hs_policy_path (), HS_DEFAULT_POLICY);
  assert_int_equal (unsetenv ("HARDSHIM_POLICY"), 0);
}

/* Only the built-in default path may be missing. */
static void
test_load_missing_named_file (void **state)
{
  char *dir = xstrdup ("/tmp/hs-unit-XXXXXX");
  char *path;
  hs_policy p;
  hs_error err = { 0 };

  assert_non_null (mkdtemp (dir));
  path = xasprintf ("%s/missing.json", dir);
  assert_int_equal (setenv ("HARDSHIM_POLICY", path, 1), 0);
  assert_int_equal (hs_policy_load (hs_policy_path (), &p, &err), -ENOENT);
  assert_non_null (err.msg);
  assert_non_null (strstr (err.msg, path));
  hs_error_release (&err);
  assert_int_equal (unsetenv ("HARDSHIM_POLICY"), 0);
  assert_int_equal (rmdir (dir), 0);
  free (path);
  free (dir);
}

static void
test_load_missing_default (void **state)
{
  hs_policy p;
  hs_error err = { 0 };

  assert_int_equal (unsetenv ("HARDSHIM_POLICY"), 0);
  if (access (HS_DEFAULT_POLICY, F_OK) == 0)
    {
      print_message ("SKIP: %s exists on this machine\n", HS_DEFAULT_POLICY);
      skip ();
    }
  if (access (HS_SECCOMP_DIR "/default.json", F_OK) != 0)
    {
      /* Not installed: the built-in defaults name a profile that is not
       * there, and that is an error, not a container without seccomp. */
      assert_int_equal (hs_policy_load (hs_policy_path (), &p, &err), -ENOENT);
      assert_non_null (strstr (err.msg, HS_SECCOMP_DIR "/default.json"));
      hs_error_release (&err);
      return;
    }
  assert_int_equal (hs_policy_load (hs_policy_path (), &p, &err), 0);
  assert_null (err.msg);
  assert_string_equal (p.source, "built-in defaults");
  assert_string_equal (p.seccomp_profile, HS_SECCOMP_DIR "/default.json");
  assert_non_null (p.seccomp);
  assert_int_equal (p.mode, HS_MODE_ENFORCE);
  assert_int_equal (p.uid, 65534);
  assert_int_equal (p.gid, 65534);
  assert_true (p.readonly_rootfs);
  assert_null (p.runtime);
  assert_non_null (p.journal);
  assert_int_equal (p.cap_allow.n, 0);
  assert_int_equal (p.tmpfs.n, 2);
  assert_string_equal (p.tmpfs.v[0], "/tmp");
  assert_string_equal (p.tmpfs.v[1], "/run");
  hs_policy_release (&p);
}

static void
test_load_directory (void **state)
{
  char *dir = xstrdup ("/tmp/hs-unit-XXXXXX");
  hs_policy p;
  hs_error err = { 0 };

  assert_non_null (mkdtemp (dir));
  assert_int_equal (setenv ("HARDSHIM_POLICY", dir, 1), 0);
  assert_true (hs_policy_load (hs_policy_path (), &p, &err) < 0);
  assert_non_null (err.msg);
  assert_non_null (strstr (err.msg, "not a regular file"));
  hs_error_release (&err);
  assert_int_equal (unsetenv ("HARDSHIM_POLICY"), 0);
  assert_int_equal (rmdir (dir), 0);
  free (dir);
}

/* A FIFO must neither block the open nor be read. */
static void
test_load_fifo (void **state)
{
  char *dir = xstrdup ("/tmp/hs-unit-XXXXXX");
  char *path;
  hs_policy p;
  hs_error err = { 0 };

  assert_non_null (mkdtemp (dir));
  path = xasprintf ("%s/fifo", dir);
  assert_int_equal (mkfifo (path, 0600), 0);
  assert_true (hs_policy_load (path, &p, &err) < 0);
  assert_non_null (strstr (err.msg, "not a regular file"));
  hs_error_release (&err);
  assert_int_equal (unlink (path), 0);
  assert_int_equal (rmdir (dir), 0);
  free (path);
  free (dir);
}

static char *
_temp_policy (const char *text)
{
  char *path = xstrdup ("/tmp/hs-unit-policy-XXXXXX");
  int fd = mkstemp (path);
  size_t len = strlen (text);

  assert_true (fd >= 0);
  assert_int_equal (write (fd, text, len), (ssize_t)len);
  assert_int_equal (close (fd), 0);
  return path;
}

static void
test_load_valid_file (void **state)
{
  _cleanup_free_ char *text = xasprintf ("{\"mode\":\"audit\",\"user\":{\"uid\":1234,\"gid\":5678},"
                                         "\"capabilities\":{\"allow\":[\"net_raw\"]},\"rootfs\":{\"tmpfs\":[\"/tmp\"]},"
                                         "\"seccomp\":{\"profile\":\"%s/profiles/seccomp/default.json\"}}\n",
                                         tu_srcdir ());
  char *path = _temp_policy (text);
  hs_policy p;
  hs_error err = { 0 };

  assert_int_equal (setenv ("HARDSHIM_POLICY", path, 1), 0);
  if (hs_policy_load (hs_policy_path (), &p, &err) < 0)
    fail_msg ("%s", err.msg);
  assert_string_equal (p.source, path);
  assert_int_equal (p.mode, HS_MODE_AUDIT);
  assert_int_equal (p.uid, 1234);
  assert_int_equal (p.gid, 5678);
  assert_int_equal (p.cap_allow.n, 1);
  assert_string_equal (p.cap_allow.v[0], "CAP_NET_RAW");
  assert_int_equal (p.tmpfs.n, 1);
  assert_string_equal (p.tmpfs.v[0], "/tmp");
  assert_true (p.readonly_rootfs);
  assert_non_null (p.seccomp);
  assert_true (p.seccomp->nrules > 100);
  hs_policy_release (&p);
  assert_int_equal (unsetenv ("HARDSHIM_POLICY"), 0);
  assert_int_equal (unlink (path), 0);
  free (path);
}

static void
test_load_invalid_file (void **state)
{
  char *path = _temp_policy ("{\"mode\":\"audit\",\"usr\":{}}");
  hs_policy p;
  hs_error err = { 0 };

  assert_true (hs_policy_load (path, &p, &err) < 0);
  assert_non_null (strstr (err.msg, "unknown key `usr`"));
  assert_non_null (strstr (err.msg, path));
  hs_error_release (&err);
  assert_int_equal (unlink (path), 0);
  free (path);
}

static void
test_load_empty_file (void **state)
{
  char *path = _temp_policy ("");
  hs_policy p;
  hs_error err = { 0 };

  assert_true (hs_policy_load (path, &p, &err) < 0);
  assert_non_null (err.msg);
  assert_non_null (strstr (err.msg, path));
  hs_error_release (&err);
  assert_int_equal (unlink (path), 0);
  free (path);
}

/* ---- what hardshim trusts: root's files in root's directories ------------ */

#define NOBODY 65534

typedef struct trust_case
{
  const char *name;
  uid_t dir_uid;
  gid_t dir_gid;
  mode_t dir_mode;
  uid_t file_uid;
  gid_t file_gid;
  mode_t file_mode;
  const char *error; /* substring; NULL: accepted */
} trust_case;

#define OWNED "hardshim acts only on what root alone can change"

static const trust_case _trust_cases[] = {
  { "root 0644 in root 0755", 0, 0, 0755, 0, 0, 0644, NULL },
  { "root 0600 in root 0700", 0, 0, 0700, 0, 0, 0600, NULL },
  { "root 0644 in a root-owned sticky 1777 directory (/tmp)", 0, 0, 01777, 0, 0, 0644, NULL },
  { "group root may not write either (as sshd's StrictModes)", 0, 0, 0755, 0, 0, 0664,
    "writable by root only (it is owned by uid 0, mode 0664): refused" },
  { "nor write the directory above", 0, 0, 0775, 0, 0, 0644, "is writable by others (mode 0775)" },
  { "nobody 0666 in nobody's directory", NOBODY, NOBODY, 0755, NOBODY, NOBODY, 0666,
    "must be a regular file owned by root, writable by root only (it is owned by uid 65534, mode 0666): refused" },
  { "root 0644 in nobody's directory", NOBODY, NOBODY, 0755, 0, 0, 0644, "is owned by uid 65534 (mode 0755): " OWNED },
  { "root 0644 in nobody's sticky directory", NOBODY, 0, 01777, 0, 0, 0644, "is owned by uid 65534 (mode 1777)" },
  { "root 0644 in a root directory group nobody may write", 0, NOBODY, 0775, 0, 0, 0644,
    "is writable by others (mode 0775): " OWNED },
  { "root 0644 in a world-writable root directory", 0, 0, 0757, 0, 0, 0644, "is writable by others (mode 0757)" },
  { "nobody 0644 in root 0755", 0, 0, 0755, NOBODY, 0, 0644,
    "must be a regular file owned by root, writable by root only (it is owned by uid 65534, mode 0644): refused" },
  { "root 0666 in root 0755", 0, 0, 0755, 0, 0, 0666, "(it is owned by uid 0, mode 0666)" },
  { "root 0664, group nobody, in root 0755", 0, 0, 0755, 0, NOBODY, 0664, "(it is owned by uid 0, mode 0664)" },
};

/* base/d/name with the case's owners and modes, holding text. */
static char *
_trusted_layout (const char *base, const trust_case *t, const char *name, const char *text)
{
  _cleanup_free_ char *dir = xasprintf ("%s/d", base);
  char *file = xasprintf ("%s/%s", dir, name);

  assert_int_equal (mkdir (dir, 0700), 0);
  tu_write (file, text, t->file_mode);
  assert_int_equal (chown (file, t->file_uid, t->file_gid), 0);
  assert_int_equal (chmod (file, t->file_mode), 0);
  assert_int_equal (chown (dir, t->dir_uid, t->dir_gid), 0);
  assert_int_equal (chmod (dir, t->dir_mode), 0);
  return file;
}

static void
_remove_layout (const char *base, const char *file)
{
  _cleanup_free_ char *dir = xasprintf ("%s/d", base);

  assert_int_equal (unlink (file), 0);
  assert_int_equal (rmdir (dir), 0);
}

static void
_expect (const char *what, const trust_case *t, int r, hs_policy *p, hs_error *err, const char *path)
{
  if (t->error == NULL)
    {
      if (r != 0)
        fail_msg ("%s, %s: refused: %s", what, t->name, err->msg);
      hs_policy_release (p);
      return;
    }
  if (r != -EPERM)
    fail_msg ("%s, %s: %d, expected -EPERM", what, t->name, r);
  if (strstr (err->msg, t->error) == NULL || strstr (err->msg, path) == NULL)
    fail_msg ("%s, %s: `%s` lacks `%s` or `%s`", what, t->name, err->msg, t->error, path);
  hs_error_release (err);
}

/* The policy file and the directories above it. */
static void
test_policy_must_be_roots (void **state)
{
  _cleanup_free_ char *text
      = xasprintf ("{\"seccomp\":{\"profile\":\"%s/profiles/seccomp/default.json\"}}", tu_srcdir ());

  if (geteuid () != 0)
    skip ();
  for (size_t c = 0; c < HS_ARRAY_SIZE (_trust_cases); c++)
    {
      _cleanup_free_ char *base = tu_mkdtemp ();
      _cleanup_free_ char *file = _trusted_layout (base, &_trust_cases[c], "policy.json", text);
      hs_policy p;
      hs_error err = { 0 };
      int r = hs_policy_load (file, &p, &err);
      _expect ("policy", &_trust_cases[c], r, &p, &err, file);
      _remove_layout (base, file);
      rmdir (base);
    }
}

/* The seccomp profile the policy names, and the directories above it. */
static void
test_profile_must_be_roots (void **state)
{
  _cleanup_free_ char *installed = xasprintf ("%s/profiles/seccomp/default.json", tu_srcdir ());
  _cleanup_free_ char *profile = tu_read (installed, NULL);

  if (geteuid () != 0)
    skip ();
  for (size_t c = 0; c < HS_ARRAY_SIZE (_trust_cases); c++)
    {
      _cleanup_free_ char *base = tu_mkdtemp ();
      _cleanup_free_ char *file = _trusted_layout (base, &_trust_cases[c], "profile.json", profile);
      _cleanup_free_ char *text = xasprintf ("{\"seccomp\":{\"profile\":\"%s\"}}", file);
      _cleanup_free_ char *policy = xasprintf ("%s/policy.json", base);
      hs_policy p;
      hs_error err = { 0 };
      int r;

      tu_write (policy, text, 0644);
      r = hs_policy_load (policy, &p, &err);
      _expect ("profile", &_trust_cases[c], r, &p, &err, file);
      unlink (policy);
      _remove_layout (base, file);
      rmdir (base);
    }
}

/* Symbolic links: the directories of the path as given and of the file it
 * resolves to are checked. */
static void
test_trusted_through_links (void **state)
{
  _cleanup_free_ char *base = tu_mkdtemp ();
  _cleanup_free_ char *good = xasprintf ("%s/good", base);
  _cleanup_free_ char *bad = xasprintf ("%s/bad", base);
  _cleanup_free_ char *good_file = xasprintf ("%s/policy.json", good);
  _cleanup_free_ char *bad_file = xasprintf ("%s/policy.json", bad);
  _cleanup_free_ char *good_link = xasprintf ("%s/link.json", good);
  _cleanup_free_ char *bad_link = xasprintf ("%s/link.json", bad);
  _cleanup_free_ char *text
      = xasprintf ("{\"seccomp\":{\"profile\":\"%s/profiles/seccomp/default.json\"}}", tu_srcdir ());
  hs_policy p;
  hs_error err = { 0 };

  if (geteuid () != 0)
    skip ();
  assert_int_equal (mkdir (good, 0755), 0);
  assert_int_equal (mkdir (bad, 0755), 0);
  tu_write (good_file, text, 0644);
  tu_write (bad_file, text, 0644);
  assert_int_equal (symlink (good_file, good_link), 0);
  assert_int_equal (symlink (good_file, bad_link), 0);
  assert_int_equal (chown (bad, NOBODY, NOBODY), 0);

  /* root's link to root's file in root's directory */
  assert_int_equal (hs_policy_load (good_link, &p, &err), 0);
  hs_policy_release (&p);
  /* a link in nobody's directory, to root's good file */
  assert_int_equal (hs_policy_load (bad_link, &p, &err), -EPERM);
  assert_non_null (strstr (err.msg, "is owned by uid 65534 (mode 0755): " OWNED));
  assert_non_null (strstr (err.msg, bad));
  hs_error_release (&err);
  /* root's link in root's directory, to a root-owned file in nobody's directory */
  assert_int_equal (unlink (good_link), 0);
  assert_int_equal (symlink (bad_file, good_link), 0);
  assert_int_equal (hs_policy_load (good_link, &p, &err), -EPERM);
  assert_non_null (strstr (err.msg, "is owned by uid 65534"));
  assert_non_null (strstr (err.msg, bad));
  hs_error_release (&err);

  unlink (good_link);
  unlink (bad_link);
  unlink (good_file);
  unlink (bad_file);
  rmdir (good);
  rmdir (bad);
  rmdir (base);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse_table),
    cmocka_unit_test (test_strv_contains),
    cmocka_unit_test (test_path_from_environment),
    cmocka_unit_test (test_load_missing_named_file),
    cmocka_unit_test (test_load_missing_default),
    cmocka_unit_test (test_load_directory),
    cmocka_unit_test (test_load_fifo),
    cmocka_unit_test (test_policy_must_be_roots),
    cmocka_unit_test (test_profile_must_be_roots),
    cmocka_unit_test (test_trusted_through_links),
    cmocka_unit_test (test_load_valid_file),
    cmocka_unit_test (test_load_invalid_file),
    cmocka_unit_test (test_load_empty_file),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
