/* SPDX-License-Identifier: Apache-2.0 */
/* AppArmor, host side: rendering the profile template (tables of deny lists,
 * bad paths and templates), detection and "already loaded" against fake
 * sysfs trees, and ensure/load with a fake apparmor_parser (a shell script
 * that records its arguments and, as the kernel would, lists the profile as
 * loaded). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lsm/apparmor.h"
#include "testutil.h"

#include <dirent.h>
#include <ftw.h>
#include <inttypes.h>

#define NAME_X "hardshim-0123456789abcdef"
#define PROFILES "/kernel/security/apparmor/profiles"
#define ENABLED "/module/apparmor/parameters/enabled"

/* ---- helpers --------------------------------------------------------------- */

static int
_rm (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st, (void) flag, (void) ftw;
  return remove (path);
}

static void
_rmtree (char *dir)
{
  nftw (dir, _rm, 16, FTW_DEPTH | FTW_PHYS);
  free (dir);
}

/* mkdir -p of the directories above dir/rel, then write text to it. */
static void
_put (const char *dir, const char *rel, const char *text, mode_t mode)
{
  _cleanup_free_ char *path = xasprintf ("%s%s", dir, rel);

  for (char *p = strchr (path + 1, '/'); p != NULL; p = strchr (p + 1, '/'))
    {
      *p = '\0';
      if (mkdir (path, 0755) < 0 && errno != EEXIST)
        abort ();
      *p = '/';
    }
  tu_write (path, text, mode);
}

static size_t
_count (const char *text, const char *s)
{
  size_t n = 0;
  for (const char *p = strstr (text, s); p != NULL; p = strstr (p + 1, s))
    n++;
  return n;
}

static uint64_t
_fnv1a (const char *s)
{
  uint64_t h = 0xcbf29ce484222325u;
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 0x100000001b3u;
  return h;
}

static bool
_name_ok (const char *name)
{
  return strncmp (name, "hardshim-", 9) == 0 && strlen (name) == 25 && strspn (name + 9, "0123456789abcdef") == 16;
}

static char *
_template (void)
{
  _cleanup_free_ char *path = xasprintf ("%s/profiles/apparmor/hardshim.profile.in", tu_srcdir ());
  return tu_read (path, NULL);
}

/* ---- hs_apparmor_render: deny lists -------------------------------------- */

typedef struct
{
  const char *name;
  const char *paths[12]; /* NULL-terminated */
  const char *error;     /* NULL: must render; else a substring of the message */
} _render_case;

#define RENDERS(n, ...)                                                                                                \
  {                                                                                                                    \
    .name = n, .paths = { __VA_ARGS__ }                                                                                \
  }
#define REFUSES(n, msg, ...)                                                                                           \
  {                                                                                                                    \
    .name = n, .error = msg, .paths = { __VA_ARGS__ }                                                                  \
  }

static const _render_case _render_cases[] = {
  RENDERS ("the default policy", "/etc", "/home"),
  RENDERS ("one path", "/etc"),
  RENDERS ("no path"),
  RENDERS ("deep paths", "/var/lib/app", "/opt", "/usr/local/share/app/data"),
  RENDERS ("dots, dashes, underscores", "/srv/my-app.d", "/opt/app_1.2-x", "/home/.cache"),
  RENDERS ("names made of dots that are not . or ..", "/etc/...", "/etc/..x", "/etc/x.."),
  RENDERS ("upper case and digits", "/Data/V2", "/0"),
  RENDERS ("the same path twice", "/etc", "/etc"),
  RENDERS ("ten paths", "/etc", "/home", "/root", "/var/spool/cron", "/usr", "/opt", "/srv", "/boot", "/mnt", "/media"),

  REFUSES ("empty", "not absolute", ""),
  REFUSES ("relative", "`etc` is not absolute", "etc"),
  REFUSES ("relative with a dot", "not absolute", "./etc"),
  REFUSES ("the root", "every write", "/"),
  REFUSES ("a trailing slash", "trailing", "/etc/"),
  REFUSES ("a double slash", "`//etc`", "//etc"),
  REFUSES ("a double slash inside", "`/etc//x`", "/etc//x"),
  REFUSES ("a .. component", "`..`", "/etc/../home"),
  REFUSES ("a final ..", "`/etc/..`", "/etc/.."),
  REFUSES ("a . component", "`/./etc`", "/./etc"),
  REFUSES ("a final .", "`/etc/.`", "/etc/."),
  REFUSES ("a glob star", "character `*`", "/etc/*"),
  REFUSES ("a double star", "character `*`", "/etc/**"),
  REFUSES ("a question mark", "character `?`", "/etc/?"),
  REFUSES ("an alternation", "character `{`", "/etc/{a,b}"),
  REFUSES ("a character class", "character `[`", "/etc/[ab]"),
  REFUSES ("a variable", "character `@`", "/etc/@{HOME}"),
  REFUSES ("a comma ends the rule", "character `,`", "/etc,/home"),
  REFUSES ("a space", "character 0x20", "/etc/my dir"),
  REFUSES ("a newline", "character 0x0a", "/etc\n  /** rw"),
  REFUSES ("a quote", "character `\"`", "/etc/\"x\""),
  REFUSES ("a comment", "character `#`", "/etc#x"),
  REFUSES ("a backslash", "character `\\`", "/etc\\x"),
  REFUSES ("a backtick", "character 0x60", "/etc`"),
  REFUSES ("non-ASCII", "character 0xc3", "/etc/caf\xc3\xa9"),
  REFUSES ("the bad path is named, the good ones are not", "`/srv/…`: character `*`", "/etc", "/srv/*"),
  REFUSES ("too long", "longer than 1024 bytes",
           "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
};

static size_t
_npaths (const _render_case *t)
{
  size_t n = 0;
  while (n < HS_ARRAY_SIZE (t->paths) && t->paths[n] != NULL)
    n++;
  return n;
}

static void
_check_rendered (const _render_case *t, size_t n, const char *text, const char *name)
{
  _cleanup_free_ char *head = xasprintf ("\nprofile %s flags=", name);
  _cleanup_free_ char *peer = xasprintf ("peer=%s,", name);

  if (!_name_ok (name))
    CASE_FAIL ("case `%s`: bad name `%s`\n", t->name, name);
  if (strstr (text, head) == NULL || _count (text, peer) != 2)
    CASE_FAIL ("case `%s`: the name is not in the profile line and the two peer rules\n", t->name);
  if (strstr (text, "@NAME@") != NULL || strstr (text, "@DENY_WRITE@") != NULL)
    CASE_FAIL ("case `%s`: a placeholder is left\n", t->name);
  if (_count (text, "\n  audit deny ") != n)
    CASE_FAIL ("case `%s`: %zu deny lines, expected %zu\n", t->name, _count (text, "\n  audit deny "), n);
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *line = xasprintf ("\n  audit deny %s/{,**} wl,\n", t->paths[i]);
      if (strstr (text, line) == NULL)
        CASE_FAIL ("case `%s`: no line `audit deny %s/{,**} wl,` (indented as the placeholder)\n", t->name,
                   t->paths[i]);
    }
}

static void
_check_render (const char *template_text, const _render_case *t)
{
  size_t n = _npaths (t);
  char *text = (char *) "untouched", *name = (char *) "untouched";
  hs_error err = { 0 };
  int r = hs_apparmor_render (template_text, t->paths, n, &text, &name, &err);

  if (t->error != NULL)
    {
      if (r != -EINVAL || err.code != EINVAL || err.msg == NULL)
        CASE_FAIL ("case `%s`: returned %d (%s), expected -EINVAL\n", t->name, r, err.msg ? err.msg : "no message");
      else if (strstr (err.msg, t->error) == NULL)
        CASE_FAIL ("case `%s`: message `%s` does not mention `%s`\n", t->name, err.msg, t->error);
      if (strcmp (text, "untouched") != 0 || strcmp (name, "untouched") != 0)
        CASE_FAIL ("case `%s`: outputs changed on failure\n", t->name);
    }
  else if (r != 0)
    CASE_FAIL ("case `%s`: refused: %s\n", t->name, err.msg ? err.msg : "(no message)");
  else
    {
      _check_rendered (t, n, text, name);
      free (text);
      free (name);
    }
  hs_error_release (&err);
}

static void
test_render_table (void **state)
{
  _cleanup_free_ char *template_text = _template ();

  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_render_cases); c++)
    _check_render (template_text, &_render_cases[c]);
  assert_int_equal (_failures, 0);
}

/* The template keeps what docker-default denies. */
static void
test_render_docker_default_rules (void **state)
{
  static const char *const rules[] = {
    "\n  network,\n",
    "\n  capability,\n",
    "\n  file,\n",
    "\n  umount,\n",
    "\n  deny mount,\n",
    "\n  signal (receive) peer=unconfined,\n",
    "\n  deny /proc/* w,\n",
    "\n  deny /proc/sysrq-trigger rwklx,\n",
    "\n  deny /proc/kcore rwklx,\n",
    "\n  deny /sys/firmware/{,**} rwklx,\n",
    "\n  deny /sys/kernel/security/{,**} rwklx,\n",
    "\n  deny /sys/devices/virtual/powercap/{,**} rwklx,\n",
    "flags=(attach_disconnected,mediate_deleted) {",
  };
  static const char *const paths[] = { "/etc", "/home" };
  _cleanup_free_ char *template_text = _template (), *text = NULL, *name = NULL;
  hs_error err = { 0 };

  assert_int_equal (hs_apparmor_render (template_text, paths, 2, &text, &name, &err), 0);
  for (size_t i = 0; i < HS_ARRAY_SIZE (rules); i++)
    if (strstr (text, rules[i]) == NULL)
      fail_msg ("no `%s` in the profile", rules[i]);
  /* Self-contained: nothing from /etc/apparmor.d is included. */
  assert_null (strstr (text, "#include"));
  assert_null (strstr (text, "include <"));
}

/* ---- hs_apparmor_render: the name --------------------------------------- */

static char *
_name_of (const char *template_text, const char *const *paths, size_t n)
{
  char *text = NULL, *name = NULL;
  hs_error err = { 0 };

  if (hs_apparmor_render (template_text, paths, n, &text, &name, &err) < 0)
    fail_msg ("render: %s", err.msg);
  free (text);
  return name;
}

static void
test_render_name (void **state)
{
  static const char *const etc_home[] = { "/etc", "/home" }, *const home_etc[] = { "/home", "/etc" };
  static const char *const etc[] = { "/etc" }, *const etc_homes[] = { "/etc", "/homes" };
  _cleanup_free_ char *template_text = _template ();
  _cleanup_free_ char *changed = xasprintf ("%s\n# one more comment\n", template_text);
  _cleanup_free_ char *a = _name_of (template_text, etc_home, 2), *b = _name_of (template_text, etc_home, 2);
  _cleanup_free_ char *c = _name_of (template_text, etc, 1), *d = _name_of (template_text, etc_homes, 2);
  _cleanup_free_ char *e = _name_of (template_text, home_etc, 2), *f = _name_of (changed, etc_home, 2);
  _cleanup_free_ char *g = _name_of (template_text, NULL, 0);

  assert_true (_name_ok (a));
  assert_string_equal (a, b); /* same inputs, same name */
  assert_string_not_equal (a, c);
  assert_string_not_equal (a, d);
  assert_string_not_equal (a, e); /* another text, even if the same rules */
  assert_string_not_equal (a, f); /* another template */
  assert_string_not_equal (a, g);
  assert_string_not_equal (c, g);
}

/* The name is the FNV-1a hash of the text with @NAME@ still in it;
 * @NAME@ is replaced everywhere; the deny lines take the placeholder's
 * indentation; without paths, a comment. */
static void
test_render_exact (void **state)
{
  static const char *const paths[] = { "/etc", "/home" };
  const char *tpl = "profile @NAME@ {\n\t @DENY_WRITE@\n  signal peer=@NAME@,\n}\n@NAME@";
  const char *unnamed = "profile @NAME@ {\n\t audit deny /etc/{,**} wl,\n\t audit deny /home/{,**} wl,\n"
                        "  signal peer=@NAME@,\n}\n@NAME@";
  _cleanup_free_ char *text = NULL, *name = NULL, *want_name = NULL, *want = NULL;
  _cleanup_free_ char *text0 = NULL, *name0 = NULL;
  hs_error err = { 0 };

  assert_int_equal (hs_apparmor_render (tpl, paths, 2, &text, &name, &err), 0);
  want_name = xasprintf ("hardshim-%016" PRIx64, _fnv1a (unnamed));
  assert_string_equal (name, want_name);
  want = xasprintf (
      "profile %s {\n\t audit deny /etc/{,**} wl,\n\t audit deny /home/{,**} wl,\n  signal peer=%s,\n}\n%s", name, name,
      name);
  assert_string_equal (text, want);

  assert_int_equal (hs_apparmor_render ("@NAME@ x @DENY_WRITE@", NULL, 0, &text0, &name0, &err), 0);
  assert_non_null (strstr (text0, " x # "));
}

static void
test_render_bad_templates (void **state)
{
  static const char *const paths[] = { "/etc" };
  static const struct
  {
    const char *text, *msg;
  } cases[] = {
    { "", "`@DENY_WRITE@`" },
    { "profile x { }\n", "`@DENY_WRITE@`" },
    { "profile x {\n  @DENY_WRITE@\n}\n", "`@NAME@`" },
    { "profile @NAME@ {\n}\n", "`@DENY_WRITE@`" },
    { "profile @name@ {\n  @DENY_WRITE@\n}\n", "`@NAME@`" },
    { "profile @NAME@ {\n  @DENY-WRITE@\n}\n", "`@DENY_WRITE@`" },
  };

  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      char *text = NULL, *name = NULL;
      hs_error err = { 0 };
      int r = hs_apparmor_render (cases[i].text, paths, 1, &text, &name, &err);

      if (r != -EINVAL || err.msg == NULL || strstr (err.msg, cases[i].msg) == NULL || text != NULL || name != NULL)
        CASE_FAIL ("template %zu: returned %d (%s), expected -EINVAL naming %s\n", i, r, err.msg ? err.msg : "-",
                   cases[i].msg);
      hs_error_release (&err);
    }
  assert_int_equal (_failures, 0);
}

/* ---- hs_apparmor_probe ------------------------------------------------------ */

typedef struct
{
  const char *name;
  const char *enabled; /* contents of the enabled parameter; NULL: no such file */
  bool module_dir;     /* <sysfs>/module/apparmor exists (without the parameter) */
  bool profiles;       /* <sysfs>/kernel/security/apparmor/profiles exists */
  const char *why;     /* NULL: available; else a substring of the reason */
} _probe_case;

static const _probe_case _probe_cases[] = {
  { "an empty tree", NULL, false, false, "no AppArmor in this kernel" },
  { "no module, securityfs with apparmor", NULL, false, true, "no AppArmor in this kernel" },
  { "module dir without the parameter", NULL, true, true, "no AppArmor in this kernel" },
  { "enabled=N", "N\n", false, true, "AppArmor disabled" },
  { "enabled empty", "", false, true, "AppArmor disabled" },
  { "enabled=y (lower case)", "y\n", false, true, "AppArmor disabled" },
  { "enabled=YES", "YES\n", false, true, "AppArmor disabled" },
  { "enabled=Y, no securityfs", "Y\n", false, false, "securityfs not mounted at `" },
  { "enabled=Y and securityfs", "Y\n", false, true, NULL },
  { "enabled=Y without newline", "Y", false, true, NULL },
};

static void
_check_probe (const _probe_case *t)
{
  char *dir = tu_mkdtemp ();
  char *why = (char *) "untouched";
  bool available = !t->why;

  if (t->enabled != NULL)
    _put (dir, ENABLED, t->enabled, 0444);
  if (t->module_dir)
    _put (dir, "/module/apparmor/refcnt", "0\n", 0444);
  if (t->profiles)
    _put (dir, PROFILES, "", 0444);
  hs_apparmor_probe (dir, &available, &why);
  if (available != (t->why == NULL))
    CASE_FAIL ("case `%s`: available=%d (%s)\n", t->name, available, why ? why : "-");
  else if (t->why == NULL && why != NULL)
    CASE_FAIL ("case `%s`: available, but a reason `%s`\n", t->name, why);
  else if (t->why != NULL && (why == NULL || strstr (why, t->why) == NULL || strstr (why, dir) == NULL))
    CASE_FAIL ("case `%s`: reason `%s` does not say `%s` and name the tree\n", t->name, why ? why : "(null)", t->why);
  free (why);
  /* The reason may be left out. */
  hs_apparmor_probe (dir, &available, NULL);
  if (available != (t->why == NULL))
    CASE_FAIL ("case `%s`: another answer without ret_why\n", t->name);
  _rmtree (dir);
}

static void
test_probe_table (void **state)
{
  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_probe_cases); c++)
    _check_probe (&_probe_cases[c]);
  assert_int_equal (_failures, 0);
}

/* This machine's kernel has no AppArmor (DESIGN.md 5): the real /sys says so. */
static void
test_probe_this_host (void **state)
{
  _cleanup_free_ char *why = NULL;
  bool available = true;

  if (access ("/sys/module/apparmor", F_OK) == 0)
    skip ();
  hs_apparmor_probe ("/sys", &available, &why);
  assert_false (available);
  assert_non_null (why);
  assert_non_null (strstr (why, "no AppArmor in this kernel"));
}

/* ---- hs_apparmor_loaded ----------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *text; /* the kernel's profiles file */
  bool loaded;      /* for NAME_X */
} _loaded_case;

static const _loaded_case _loaded_cases[] = {
  { "the only profile", NAME_X " (enforce)\n", true },
  { "among others", "docker-default (enforce)\n/usr/bin/man (enforce)\n" NAME_X " (enforce)\nlsb_release (enforce)\n",
    true },
  { "last line without newline", "docker-default (enforce)\n" NAME_X " (enforce)", true },
  { "empty file", "", false },
  { "other profiles only", "docker-default (enforce)\nhardshim-fedcba9876543210 (enforce)\n", false },
  { "complain mode does not count", NAME_X " (complain)\n", false },
  { "kill mode does not count", NAME_X " (kill)\n", false },
  { "complain, then enforce", NAME_X " (complain)\n" NAME_X " (enforce)\n", true },
  { "a longer name that starts with it", NAME_X "0 (enforce)\n" NAME_X "-old (enforce)\n", false },
  { "a name that is a prefix of it", "hardshim-0123456789abcde (enforce)\nhardshim- (enforce)\n", false },
  { "a name that ends with it", "x" NAME_X " (enforce)\n:ns:" NAME_X " (enforce)\n", false },
  { "a leading space", " " NAME_X " (enforce)\n", false },
  { "two spaces", NAME_X "  (enforce)\n", false },
  { "trailing garbage", NAME_X " (enforce) x\n", false },
  { "no mode", NAME_X "\n", false },
  { "upper case", "HARDSHIM-0123456789ABCDEF (enforce)\n", false },
  { "carriage return", NAME_X " (enforce)\r\n", false },
};

static void
test_loaded_table (void **state)
{
  char *dir = tu_mkdtemp ();

  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_loaded_cases); c++)
    {
      const _loaded_case *t = &_loaded_cases[c];
      hs_error err = { 0 };
      bool loaded = !t->loaded;
      int r;

      _put (dir, PROFILES, t->text, 0444);
      r = hs_apparmor_loaded (dir, NAME_X, &loaded, &err);
      if (r != 0)
        CASE_FAIL ("case `%s`: %s\n", t->name, err.msg);
      else if (loaded != t->loaded)
        CASE_FAIL ("case `%s`: loaded=%d, expected %d\n", t->name, loaded, t->loaded);
      hs_error_release (&err);
    }
  _rmtree (dir);
  assert_int_equal (_failures, 0);
}

static void
test_loaded_missing_file (void **state)
{
  char *dir = tu_mkdtemp ();
  hs_error err = { 0 };
  bool loaded = true;

  assert_int_equal (hs_apparmor_loaded (dir, NAME_X, &loaded, &err), -ENOENT);
  assert_true (loaded); /* untouched */
  assert_non_null (strstr (err.msg, PROFILES));
  assert_non_null (strstr (err.msg, dir));
  hs_error_release (&err);
  _rmtree (dir);
}

/* ---- hs_apparmor_ensure and hs_apparmor_load with a fake parser --------- */

typedef struct
{
  char *dir;      /* everything below */
  char *sysfs;    /* <dir>/sys: AppArmor on, no profile loaded */
  char *state;    /* <dir>/var/lib/hardshim/apparmor: does not exist yet */
  char *parser;   /* <dir>/apparmor_parser */
  char *log;      /* what the fake parser ran with */
  char *template; /* the real template */
} _fake;

/* The fake parser: records its argv, its stdin and whether a variable of the
 * test's environment leaked, checks the file exists, then lists the profile
 * (the file's name) as loaded, as the kernel would. */
#define PARSER_SCRIPT                                                                                                  \
  "#!/bin/sh\n"                                                                                                        \
  "{ printf '%%s\\n' \"$@\"; echo \"stdin=$(readlink /proc/$$/fd/0)\";\n"                                              \
  "  echo \"leak=${HS_TEST_LEAK-none}\"; echo ---; } >> '%s'\n"                                                        \
  "[ \"$1\" = -Kr ] && [ -f \"$2\" ] || exit 3\n"                                                                      \
  "echo \"${2##*/} (enforce)\" >> '%s'\n"

static int
_fake_setup (void **state)
{
  _fake *f = xcalloc (1, sizeof *f);
  _cleanup_free_ char *profiles = NULL, *script = NULL;

  f->dir = tu_mkdtemp ();
  f->sysfs = xasprintf ("%s/sys", f->dir);
  f->state = xasprintf ("%s/var/lib/hardshim/apparmor", f->dir);
  f->parser = xasprintf ("%s/apparmor_parser", f->dir);
  f->log = xasprintf ("%s/parser.log", f->dir);
  f->template = _template ();
  profiles = xasprintf ("%s" PROFILES, f->sysfs);
  _put (f->sysfs, ENABLED, "Y\n", 0444);
  _put (f->sysfs, PROFILES, "docker-default (enforce)\n", 0644);
  script = xasprintf (PARSER_SCRIPT, f->log, profiles);
  tu_write (f->parser, script, 0755);
  setenv ("HS_TEST_LEAK", "leaked", 1);
  *state = f;
  return 0;
}

static int
_fake_teardown (void **state)
{
  _fake *f = *state;

  unsetenv ("HS_TEST_LEAK");
  free (f->sysfs);
  free (f->state);
  free (f->parser);
  free (f->log);
  free (f->template);
  _rmtree (f->dir);
  free (f);
  return 0;
}

static char *
_log (const _fake *f)
{
  if (access (f->log, F_OK) < 0)
    return xstrdup ("");
  return tu_read (f->log, NULL);
}

static void
_render (const _fake *f, const char *const *paths, size_t n, char **ret_text, char **ret_name)
{
  hs_error err = { 0 };
  if (hs_apparmor_render (f->template, paths, n, ret_text, ret_name, &err) < 0)
    fail_msg ("render: %s", err.msg);
}

static void
test_ensure_loads_once (void **state)
{
  static const char *const paths[] = { "/etc", "/home" }, *const other[] = { "/etc" };
  _fake *f = *state;
  _cleanup_free_ char *text = NULL, *name = NULL, *text2 = NULL, *name2 = NULL;
  _cleanup_free_ char *file = NULL, *want = NULL, *log1 = NULL, *log2 = NULL, *log3 = NULL, *written = NULL;
  hs_error err = { 0 };
  bool now = false;
  struct stat st;
  DIR *d;
  struct dirent *de;
  size_t entries = 0;

  _render (f, paths, 2, &text, &name);
  file = xasprintf ("%s/%s", f->state, name);

  /* First container: the parser runs once, on the file written in the state dir. */
  assert_int_equal (hs_apparmor_ensure (f->sysfs, f->parser, f->state, text, name, &now, &err), 0);
  assert_null (err.msg);
  assert_true (now);
  log1 = _log (f);
  want = xasprintf ("-Kr\n%s\nstdin=/dev/null\nleak=none\n---\n", file);
  assert_string_equal (log1, want);
  written = tu_read (file, NULL);
  assert_string_equal (written, text);
  assert_int_equal (stat (f->state, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0700);
  d = opendir (f->state);
  assert_non_null (d);
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      {
        assert_string_equal (de->d_name, name); /* no temporary file left */
        entries++;
      }
  closedir (d);
  assert_int_equal (entries, 1);

  /* Next container: loaded already, no parser run. */
  now = true;
  assert_int_equal (hs_apparmor_ensure (f->sysfs, f->parser, f->state, text, name, &now, &err), 0);
  assert_false (now);
  log2 = _log (f);
  assert_string_equal (log2, log1);

  /* Another policy: another profile, loaded in its turn. */
  _render (f, other, 1, &text2, &name2);
  assert_string_not_equal (name, name2);
  assert_int_equal (hs_apparmor_ensure (f->sysfs, f->parser, f->state, text2, name2, &now, &err), 0);
  assert_true (now);
  log3 = _log (f);
  assert_int_equal (_count (log3, "---\n"), 2);
}

/* Loaded in complain mode only: loaded again (the parser's -r replaces it). */
static void
test_ensure_complain_reloads (void **state)
{
  _fake *f = *state;
  _cleanup_free_ char *profiles = xasprintf ("%s" PROFILES, f->sysfs), *line = NULL, *log = NULL;
  hs_error err = { 0 };
  bool now = false;

  line = xasprintf ("docker-default (enforce)\n%s (complain)\n", NAME_X);
  tu_write (profiles, line, 0644);
  assert_int_equal (hs_apparmor_ensure (f->sysfs, f->parser, f->state, "profile x {}\n", NAME_X, &now, &err), 0);
  assert_true (now);
  log = _log (f);
  assert_int_equal (_count (log, "---\n"), 1);
}

typedef struct
{
  const char *name;
  const char *script; /* the parser; NULL: a path that does not exist */
  int error;
  const char *msg[3];
} _fail_case;

static const _fail_case _fail_cases[] = {
  { "exit status 1, its stderr in the message",
    "#!/bin/sh\necho \"AppArmor parser error for $2 at line 3: syntax error\" >&2\nexit 1\n",
    EIO,
    { "exit status 1", "at line 3: syntax error", "-Kr" } },
  { "its stdout is kept too", "#!/bin/sh\necho 'on stdout'\nexit 2\n", EIO, { "exit status 2", "on stdout" } },
  { "no output", "#!/bin/sh\nexit 4\n", EIO, { "exit status 4", "(no output)" } },
  { "killed by a signal", "#!/bin/sh\necho dying >&2\nkill -KILL $$\n", EIO, { "killed by signal 9", "dying" } },
  { "a flood of output is cut, the parser does not block",
    "#!/bin/sh\necho first-line >&2\ni=0\nwhile [ $i -lt 2000 ]; do echo "
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx >&2; "
    "i=$((i+1)); done\nexit 1\n",
    EIO,
    { "first-line", "[…]" } },
  { "no such program", NULL, ENOENT, { "the AppArmor parser: execute `", "No such file" } },
  { "not executable", "#!/bin/sh\nexit 0\n", EACCES, { "the AppArmor parser: execute `", "Permission denied" } },
};

static void
test_ensure_parser_fails (void **state)
{
  _fake *f = *state;

  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_fail_cases); c++)
    {
      const _fail_case *t = &_fail_cases[c];
      _cleanup_free_ char *parser = xasprintf ("%s/failing-parser-%zu", f->dir, c);
      hs_error err = { 0 };
      bool now = false;
      int r;

      if (t->script != NULL)
        tu_write (parser, t->script, t->error == EACCES ? 0644 : 0755);
      r = hs_apparmor_ensure (f->sysfs, parser, f->state, "profile x {}\n", NAME_X, &now, &err);
      if (r != -t->error || err.msg == NULL)
        CASE_FAIL ("case `%s`: returned %d (%s), expected %d\n", t->name, r, err.msg ? err.msg : "-", -t->error);
      else
        {
          for (size_t i = 0; i < HS_ARRAY_SIZE (t->msg) && t->msg[i] != NULL; i++)
            if (strstr (err.msg, t->msg[i]) == NULL)
              CASE_FAIL ("case `%s`: message `%.300s` does not mention `%s`\n", t->name, err.msg, t->msg[i]);
          if (strlen (err.msg) > 4096 + 512)
            CASE_FAIL ("case `%s`: message of %zu bytes\n", t->name, strlen (err.msg));
        }
      hs_error_release (&err);
    }
  assert_int_equal (_failures, 0);
}

static void
test_ensure_refusals (void **state)
{
  _fake *f = *state;
  _cleanup_free_ char *profiles = xasprintf ("%s" PROFILES, f->sysfs), *log = NULL;
  _cleanup_free_ char *nosys = xasprintf ("%s/nosys", f->dir);
  hs_error err = { 0 };
  bool now = true;

  /* A parser that is not an absolute path: refused before anything runs. */
  assert_int_equal (hs_apparmor_ensure (f->sysfs, "apparmor_parser", f->state, "p", NAME_X, &now, &err), -EINVAL);
  assert_non_null (strstr (err.msg, "`apparmor_parser` is not an absolute path"));
  hs_error_release (&err);
  assert_int_equal (hs_apparmor_load ("./apparmor_parser", "/x", &err), -EINVAL);
  hs_error_release (&err);
  /* A file name the parser would read as an option. */
  assert_int_equal (hs_apparmor_load (f->parser, "-x", &err), -EINVAL);
  hs_error_release (&err);
  /* A name that is not a file name, a relative state directory. */
  assert_int_equal (hs_apparmor_ensure (f->sysfs, f->parser, f->state, "p", "../x", &now, &err), -EINVAL);
  hs_error_release (&err);
  assert_int_equal (hs_apparmor_ensure (f->sysfs, f->parser, "state", "p", NAME_X, &now, &err), -EINVAL);
  hs_error_release (&err);
  /* No list of loaded profiles: an error, no parser run. */
  assert_int_equal (hs_apparmor_ensure (nosys, f->parser, f->state, "p", NAME_X, &now, &err), -ENOENT);
  hs_error_release (&err);
  /* The state directory is a file. */
  tu_write (nosys, "", 0644);
  {
    _cleanup_free_ char *under_file = xasprintf ("%s/state", nosys);
    assert_true (hs_apparmor_ensure (f->sysfs, f->parser, under_file, "p", NAME_X, &now, &err) < 0);
    assert_non_null (strstr (err.msg, "AppArmor state directory"));
    hs_error_release (&err);
  }
  assert_true (now); /* untouched throughout */
  log = _log (f);
  assert_string_equal (log, "");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_render_table),
    cmocka_unit_test (test_render_docker_default_rules),
    cmocka_unit_test (test_render_name),
    cmocka_unit_test (test_render_exact),
    cmocka_unit_test (test_render_bad_templates),
    cmocka_unit_test (test_probe_table),
    cmocka_unit_test (test_probe_this_host),
    cmocka_unit_test (test_loaded_table),
    cmocka_unit_test (test_loaded_missing_file),
    cmocka_unit_test_setup_teardown (test_ensure_loads_once, _fake_setup, _fake_teardown),
    cmocka_unit_test_setup_teardown (test_ensure_complain_reloads, _fake_setup, _fake_teardown),
    cmocka_unit_test_setup_teardown (test_ensure_parser_fails, _fake_setup, _fake_teardown),
    cmocka_unit_test_setup_teardown (test_ensure_refusals, _fake_setup, _fake_teardown),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
