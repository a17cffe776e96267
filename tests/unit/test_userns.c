/* SPDX-License-Identifier: Apache-2.0 */
/* User namespaces, as tables of cases: hs_subid_pick on subid file texts,
 * the policy's classes with their ranges (hs_policy_parse and
 * hs_policy_load_subids on the fixtures in tests/data/subid), and the user
 * measure's namespace through hs_harden on a host with and without user
 * namespaces. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "host/devices.h"
#include "measures/harden.h"
#include "host/host.h"
#include "runtime/journal.h"
#include "host/mountpoints.h"
#include "policy/policy.h"
#include "policy/subid.h"
#include "testutil.h"

#include "host/namespaces.h"
#include "host/userns_child.h"

#include <signal.h>
#include <sys/wait.h>

/* ---- hs_subid_pick ------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *text;
  const char *owner;  /* NULL: "hardshim" */
  int error;          /* 0: must pick; else the errno expected */
  const char *msg[3]; /* substrings of the message */
  uint32_t start;     /* the range picked (of HS_USERNS_SIZE ids) */
} _pick_case;

#define PICKS(n, t, s)                                                                                                 \
  {                                                                                                                    \
    .name = n, .text = t, .start = s                                                                                   \
  }
#define FAILS(n, t, e, ...)                                                                                            \
  {                                                                                                                    \
    .name = n, .text = t, .error = e, .msg = { __VA_ARGS__ }                                                           \
  }

/* hardshim's range in the overlap cases: 1000000-1065535. */
#define HS_LINE "hardshim:1000000:65536\n"

static const _pick_case _pick_cases[] = {
  PICKS ("the owner's only range", HS_LINE, 1000000),
  PICKS ("after other owners' ranges", "alice:100000:65536\nbob:165536:65536\n" HS_LINE, 1000000),
  PICKS ("a larger range is cut to 65536 ids", "hardshim:1000000:1000000\n", 1000000),
  PICKS ("a smaller earlier range of the owner is skipped", "hardshim:500000:65535\n" HS_LINE, 1000000),
  PICKS ("the first of two large ranges", HS_LINE "hardshim:3000000:65536\n", 1000000),
  PICKS ("the owner's own ranges may overlap", HS_LINE "hardshim:1000000:10\nhardshim:1030000:65536\n", 1000000),
  PICKS ("blank lines and comments are skipped",
         "\n# subordinate ids\n\n#hardshim:0:65536\n# not:a:line at all\n" HS_LINE "\n\n", 1000000),
  PICKS ("no newline at the end of the file", "alice:100000:65536\nhardshim:1000000:65536", 1000000),
  PICKS ("only the owner's line, no newline", "hardshim:1000000:65536", 1000000),
  PICKS ("65536 ids at the top of the id space", "hardshim:4294901760:65536\n", 4294901760u),
  PICKS ("other owners may overlap each other", "alice:100000:65536\nbob:100000:65536\n" HS_LINE, 1000000),
  PICKS ("adjacent range below", "alice:934464:65536\n" HS_LINE, 1000000),
  PICKS ("adjacent range above", HS_LINE "alice:1065536:65536\n", 1000000),
  PICKS ("another owner inside the part of a larger range that is cut off",
         "hardshim:1000000:200000\nalice:1065536:65536\n", 1000000),
  PICKS ("another owner overlapping the owner's skipped small range", "hardshim:500000:10\nalice:500000:10\n" HS_LINE,
         1000000),
  { .name = "an owner whose name has a prefix of another",
    .text = "hardshim:1000000:65536\nhardshim-web:1065536:65536\n",
    .owner = "hardshim-web",
    .start = 1065536 },

  /* no range */
  FAILS ("owner missing", "alice:100000:65536\n", ENOENT, "no range of 65536 ids for `hardshim`", "usermod"),
  FAILS ("empty file", "", ENOENT, "`hardshim`"),
  FAILS ("only comments", "# hardshim:1000000:65536\n\n", ENOENT, "`hardshim`"),
  FAILS ("only ranges too small", "hardshim:1000000:65535\nhardshim:2000000:1\n", ENOENT, "`hardshim`"),
  FAILS ("a longer owner name is another owner", "hardshim-web:1000000:65536\n", ENOENT, "`hardshim`"),
  FAILS ("a shorter owner name is another owner", "hards:1000000:65536\n", ENOENT, "`hardshim`"),
  FAILS ("owner names are case-sensitive", "Hardshim:1000000:65536\n", ENOENT, "`hardshim`"),

  /* host root */
  FAILS ("range starting at 0", "hardshim:0:65536\n", EINVAL, "starts at 0", "host root"),
  FAILS ("range starting at 0, larger than needed", "hardshim:0:4294967295\n", EINVAL, "host root"),

  /* overlaps with another owner's range */
  FAILS ("overlap: partly, from below", "alice:999000:2000\n" HS_LINE, EINVAL, "overlaps `alice:999000:2000`",
         "1000000-1065535"),
  FAILS ("overlap: partly, from above", HS_LINE "alice:1065000:1000\n", EINVAL, "overlaps `alice:1065000:1000`"),
  FAILS ("overlap: the same range", HS_LINE "alice:1000000:65536\n", EINVAL, "overlaps `alice:1000000:65536`"),
  FAILS ("overlap: inside it", HS_LINE "alice:1010000:10\n", EINVAL, "overlaps `alice:1010000:10`"),
  FAILS ("overlap: containing it", "alice:1:4294967295\n" HS_LINE, EINVAL, "overlaps `alice:1:4294967295`"),
  FAILS ("overlap: its first id", "alice:934465:65536\n" HS_LINE, EINVAL, "overlaps `alice:934465:65536`"),
  FAILS ("overlap: its last id", HS_LINE "alice:1065535:1\n", EINVAL, "overlaps `alice:1065535:1`"),
  FAILS ("overlap: a later line of the file", HS_LINE "hardshim:3000000:65536\nbob:1065535:65536\n", EINVAL,
         "overlaps `bob:1065535:65536`"),

  /* malformed lines: EINVAL with the line number */
  FAILS ("missing field", "# subids\n\nhardshim:1000000\n", EINVAL, "line 3", "owner:start:count"),
  FAILS ("owner only", "hardshim\n", EINVAL, "line 1"),
  FAILS ("empty start", "hardshim::65536\n", EINVAL, "line 1"),
  FAILS ("empty count", "hardshim:1000000:\n", EINVAL, "line 1"),
  FAILS ("start not a number", "alice:100000:65536\nhardshim:abc:65536\n", EINVAL, "line 2"),
  FAILS ("count not a number", "hardshim:1000000:lots\n", EINVAL, "line 1"),
  FAILS ("hexadecimal start", "hardshim:0xf4240:65536\n", EINVAL, "line 1"),
  FAILS ("negative start", "hardshim:-1000000:65536\n", EINVAL, "line 1"),
  FAILS ("negative count", "hardshim:1000000:-65536\n", EINVAL, "line 1"),
  FAILS ("signed start", "hardshim:+1000000:65536\n", EINVAL, "line 1"),
  FAILS ("count 0", "alice:100000:0\n" HS_LINE, EINVAL, "line 1"),
  FAILS ("start beyond 32 bits", "hardshim:4294967296:1\n", EINVAL, "line 1"),
  FAILS ("start + count beyond 2^32", "hardshim:4294901761:65536\n", EINVAL, "line 1"),
  FAILS ("one id more at the top of the id space", "hardshim:4294901760:65537\n", EINVAL, "line 1"),
  FAILS ("a very long number", "hardshim:000000000000000001000000:65536\n", EINVAL, "line 1"),
  FAILS ("trailing garbage", "hardshim:1000000:65536x\n", EINVAL, "line 1"),
  FAILS ("trailing space", "hardshim:1000000:65536 \n", EINVAL, "line 1"),
  FAILS ("a fourth field", "hardshim:1000000:65536:1\n", EINVAL, "line 1"),
  FAILS ("carriage return", "hardshim:1000000:65536\r\n", EINVAL, "line 1"),
  FAILS ("space after the owner", "hardshim :1000000:65536\n", ENOENT, "`hardshim`"),
  FAILS ("owner empty", ":1000000:65536\n" HS_LINE, EINVAL, "line 1"),
  FAILS ("malformed line after the owner's range", HS_LINE "\n# end\nalice:1\n", EINVAL, "line 4"),
  FAILS ("malformed last line without newline", HS_LINE "alice:x:1", EINVAL, "line 2"),
};

static void
_check_pick (const _pick_case *t)
{
  const char *owner = t->owner ? t->owner : "hardshim";
  hs_idrange range = { .start = 7, .size = 7 };
  hs_error err = { 0 };
  int r = hs_subid_pick (t->text, "/etc/subuid", owner, HS_USERNS_SIZE, &range, &err);

  if (t->error != 0)
    {
      if (r != -t->error)
        CASE_FAIL ("case `%s`: returned %d, expected %d (%s)\n", t->name, r, -t->error,
                   err.msg ? err.msg : "no message");
      else if (err.code != t->error || err.msg == NULL)
        CASE_FAIL ("case `%s`: err.code %d, message %s\n", t->name, err.code, err.msg ? err.msg : "(null)");
      else
        {
          if (strstr (err.msg, "`/etc/subuid`") == NULL)
            CASE_FAIL ("case `%s`: message `%s` does not name the file\n", t->name, err.msg);
          for (size_t i = 0; i < HS_ARRAY_SIZE (t->msg) && t->msg[i] != NULL; i++)
            if (strstr (err.msg, t->msg[i]) == NULL)
              CASE_FAIL ("case `%s`: message `%s` does not mention `%s`\n", t->name, err.msg, t->msg[i]);
        }
      if (range.start != 7 || range.size != 7)
        CASE_FAIL ("case `%s`: the output was changed on failure\n", t->name);
    }
  else if (r != 0)
    CASE_FAIL ("case `%s`: refused: %s\n", t->name, err.msg ? err.msg : "(no message)");
  else
    {
      if (err.msg != NULL)
        CASE_FAIL ("case `%s`: succeeded but set an error: %s\n", t->name, err.msg);
      if (range.start != t->start || range.size != HS_USERNS_SIZE)
        CASE_FAIL ("case `%s`: picked %u+%u, expected %u+%u\n", t->name, range.start, range.size, t->start,
                   HS_USERNS_SIZE);
    }
  hs_error_release (&err);
}

static void
test_subid_pick_table (void **state)
{
  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_pick_cases); c++)
    _check_pick (&_pick_cases[c]);
  assert_int_equal (_failures, 0);
}

/* ---- policy classes ------------------------------------------------------ */

typedef struct
{
  const char *name, *owner;
  const char *key, *value; /* NULL: the default class */
  uint32_t uid, gid;       /* first host ids */
} _class_want;

typedef struct
{
  const char *name;
  const char *text;
  const char *subuid, *subgid; /* under tests/data/subid; NULL: classes-subuid, classes-subgid */
  const char *error[3];        /* substrings of the message; none: must load */
  bool fallback;               /* user.userns_unavailable = run_without */
  const char *idmap;           /* the class with idmap_volumes, if any */
  size_t nclasses;
  _class_want classes[3];
} _class_case;

#define DEFAULT_CLASS                                                                                                  \
  {                                                                                                                    \
    "default", "hardshim", NULL, NULL, 1000000, 2000000                                                                \
  }
#define CLASS(name, ann, owner)                                                                                        \
  "\"" name "\":{\"match\":{\"annotation\":\"" ann "\"},\"user\":{\"subid_owner\":\"" owner "\"}}"
#define WEB CLASS ("web", "hardshim.class=web", "hardshim-web")
#define DB CLASS ("db", "io.example/tier=db=primary", "hardshim-db")
#define LOADS(n, t, ...)                                                                                               \
  {                                                                                                                    \
    .name = n, .text = t, __VA_ARGS__                                                                                  \
  }
#define REFUSED(n, t, ...)                                                                                             \
  {                                                                                                                    \
    .name = n, .text = t, .error = { __VA_ARGS__ }                                                                     \
  }

/* clang-format off */
static const _class_case _class_cases[] = {
  LOADS ("no classes: the default class only", "{}", .nclasses = 1, .classes = { DEFAULT_CLASS }),
  LOADS ("empty classes", "{\"classes\":{}}", .nclasses = 1, .classes = { DEFAULT_CLASS }),
  LOADS ("two classes", "{\"classes\":{" WEB "," DB "}}", .nclasses = 3,
         .classes = { DEFAULT_CLASS,
                      { "web", "hardshim-web", "hardshim.class", "web", 1065536, 2065536 },
                      { "db", "hardshim-db", "io.example/tier", "db=primary", 1131072, 2131072 } }),
  LOADS ("user.subid_owner names the default class's owner", "{\"user\":{\"subid_owner\":\"hardshim-db\"}}",
         .nclasses = 1, .classes = { { "default", "hardshim-db", NULL, NULL, 1131072, 2131072 } }),
  LOADS ("the default's owner renamed, a class with the old one",
         "{\"user\":{\"subid_owner\":\"hardshim-db\"},\"classes\":{" CLASS ("plain", "k=v", "hardshim") "}}",
         .nclasses = 2,
         .classes = { { "default", "hardshim-db", NULL, NULL, 1131072, 2131072 },
                      { "plain", "hardshim", "k", "v", 1000000, 2000000 } }),
  LOADS ("two classes on one annotation key",
         "{\"classes\":{" CLASS ("web", "tier=web", "hardshim-web") "," CLASS ("db", "tier=db", "hardshim-db") "}}",
         .nclasses = 3,
         .classes = { DEFAULT_CLASS,
                      { "web", "hardshim-web", "tier", "web", 1065536, 2065536 },
                      { "db", "hardshim-db", "tier", "db", 1131072, 2131072 } }),
  LOADS ("userns_unavailable refuse", "{\"user\":{\"userns_unavailable\":\"refuse\"}}", .fallback = false,
         .nclasses = 1, .classes = { DEFAULT_CLASS }),
  LOADS ("userns_unavailable run_without", "{\"user\":{\"userns_unavailable\":\"run_without\"}}", .fallback = true,
         .nclasses = 1, .classes = { DEFAULT_CLASS }),

  /* the classes object */
  REFUSED ("classes not an object", "{\"classes\":[]}", "`classes` is an array"),
  REFUSED ("class named default", "{\"classes\":{" CLASS ("default", "k=v", "hardshim-web") "}}",
           "class name `default` is reserved"),
  REFUSED ("class with an empty name", "{\"classes\":{" CLASS ("", "k=v", "hardshim-web") "}}", "reserved"),
  REFUSED ("class named twice", "{\"classes\":{" WEB "," WEB "}}", "duplicate key `web`"),
  REFUSED ("class not an object", "{\"classes\":{\"web\":\"hardshim-web\"}}", "`classes.web` is a string"),
  REFUSED ("missing match", "{\"classes\":{\"web\":{\"user\":{\"subid_owner\":\"hardshim-web\"}}}}",
           "`classes.web.match` is missing"),
  REFUSED ("match not an object",
           "{\"classes\":{\"web\":{\"match\":\"k=v\",\"user\":{\"subid_owner\":\"hardshim-web\"}}}}",
           "`classes.web.match` is a string"),
  REFUSED ("match without a condition", "{\"classes\":{\"web\":{\"match\":{},\"user\":{\"subid_owner\":\"hardshim-web\"}}}}",
           "`classes.web.match` has no condition: give `annotation`, `program` or `image`"),
  REFUSED ("annotation not a string",
           "{\"classes\":{\"web\":{\"match\":{\"annotation\":1},\"user\":{\"subid_owner\":\"hardshim-web\"}}}}",
           "`classes.web.match.annotation` is a number"),
  REFUSED ("annotation without =", "{\"classes\":{" CLASS ("web", "hardshim.class", "hardshim-web") "}}",
           "`classes.web.match.annotation` must be `KEY=VALUE`, got `hardshim.class`"),
  REFUSED ("annotation with an empty key", "{\"classes\":{" CLASS ("web", "=web", "hardshim-web") "}}",
           "`classes.web.match.annotation` must be `KEY=VALUE`"),
  REFUSED ("empty annotation", "{\"classes\":{" CLASS ("web", "", "hardshim-web") "}}",
           "`classes.web.match.annotation` must be `KEY=VALUE`"),
  REFUSED ("missing user", "{\"classes\":{\"web\":{\"match\":{\"annotation\":\"k=v\"}}}}",
           "`classes.web.user` is missing"),
  REFUSED ("missing subid_owner", "{\"classes\":{\"web\":{\"match\":{\"annotation\":\"k=v\"},\"user\":{}}}}",
           "`classes.web.user.subid_owner` is missing"),
  REFUSED ("subid_owner not a string",
           "{\"classes\":{\"web\":{\"match\":{\"annotation\":\"k=v\"},\"user\":{\"subid_owner\":7}}}}",
           "`classes.web.user.subid_owner` is a number"),

  /* unknown keys: the full path */
  REFUSED ("unknown key in a class",
           "{\"classes\":{\"web\":{\"match\":{\"annotation\":\"k=v\"},\"user\":{\"subid_owner\":\"hardshim-web\"},"
           "\"colour\":\"red\"}}}",
           "unknown key `classes.web.colour`"),
  REFUSED ("unknown key in match",
           "{\"classes\":{\"web\":{\"match\":{\"annotation\":\"k=v\",\"label\":\"x\"},\"user\":{\"subid_owner\":"
           "\"hardshim-web\"}}}}",
           "unknown key `classes.web.match.label`"),
  REFUSED ("unknown key in a class's user",
           "{\"classes\":{\"web\":{\"match\":{\"annotation\":\"k=v\"},\"user\":{\"subid_owner\":\"hardshim-web\","
           "\"uid\":1000}}}}",
           "unknown key `classes.web.user.uid`"),
  REFUSED ("unknown key in the second class", "{\"classes\":{" WEB ",\"db\":{\"matches\":{}}}}",
           "unknown key `classes.db.matches`"),

  /* classes must not share ids or a match */
  REFUSED ("two classes with the same owner",
           "{\"classes\":{" WEB "," CLASS ("www", "hardshim.class=www", "hardshim-web") "}}",
           "classes `web` and `www` both use the ids of `hardshim-web`"),
  REFUSED ("a class with the default's owner", "{\"classes\":{" CLASS ("web", "k=v", "hardshim") "}}",
           "classes `default` and `web` both use the ids of `hardshim`"),
  REFUSED ("a class with the default's renamed owner",
           "{\"user\":{\"subid_owner\":\"hardshim-db\"},\"classes\":{" CLASS ("db", "k=v", "hardshim-db") "}}",
           "classes `default` and `db` both use the ids of `hardshim-db`"),
  REFUSED ("two classes with the same match",
           "{\"classes\":{" WEB "," CLASS ("db", "hardshim.class=web", "hardshim-db") "}}",
           "classes `web` and `db` have the same match"),

  /* owners */
  REFUSED ("class owner with a colon", "{\"classes\":{" CLASS ("web", "k=v", "hardshim:web") "}}",
           "`classes.web.user.subid_owner` must be a user name, got `hardshim:web`"),
  REFUSED ("class owner empty", "{\"classes\":{" CLASS ("web", "k=v", "") "}}",
           "`classes.web.user.subid_owner` must be a user name"),
  REFUSED ("class owner with a newline", "{\"classes\":{" CLASS ("web", "k=v", "hardshim\\nweb") "}}",
           "`classes.web.user.subid_owner` must be a user name"),
  REFUSED ("user.subid_owner with a colon", "{\"user\":{\"subid_owner\":\"hardshim:1000000:65536\"}}",
           "`user.subid_owner` must be a user name"),
  REFUSED ("user.subid_owner empty", "{\"user\":{\"subid_owner\":\"\"}}", "`user.subid_owner` must be a user name"),
  REFUSED ("user.subid_owner not a string", "{\"user\":{\"subid_owner\":[]}}", "`user.subid_owner` is an array"),

  /* user.userns_unavailable */
  REFUSED ("userns_unavailable unknown", "{\"user\":{\"userns_unavailable\":\"ignore\"}}",
           "`user.userns_unavailable` must be `refuse` or `run_without`, got `ignore`"),
  REFUSED ("userns_unavailable in capitals", "{\"user\":{\"userns_unavailable\":\"RUN_WITHOUT\"}}",
           "`user.userns_unavailable` must be"),
  REFUSED ("userns_unavailable empty", "{\"user\":{\"userns_unavailable\":\"\"}}", "`user.userns_unavailable` must be"),
  LOADS ("idmap_volumes for the default class", "{\"user\":{\"idmap_volumes\":true}}", .idmap = "default",
         .nclasses = 1, .classes = { DEFAULT_CLASS }),
  LOADS ("idmap_volumes for one class only",
         "{\"user\":{\"idmap_volumes\":false},\"capabilities\":{\"allow\":[\"CAP_NET_BIND_SERVICE\"]},\"classes\":{"
         "\"web\":{\"match\":{\"annotation\":\"hardshim.class=web\"},\"user\":{\"subid_owner\":\"hardshim-web\","
         "\"idmap_volumes\":true}}}}",
         .idmap = "web", .nclasses = 2,
         .classes = { DEFAULT_CLASS, { "web", "hardshim-web", "hardshim.class", "web", 1065536, 2065536 } }),
  REFUSED ("idmap_volumes for two classes",
           "{\"user\":{\"idmap_volumes\":true},\"classes\":{\"web\":{\"match\":{\"annotation\":\"hardshim.class=web\"},"
           "\"user\":{\"subid_owner\":\"hardshim-web\",\"idmap_volumes\":true}}}}",
           "classes `default` and `web` both set `idmap_volumes`", "one class at most"),
  REFUSED ("idmap_volumes with CAP_SETUID", "{\"user\":{\"idmap_volumes\":true},\"capabilities\":{\"allow\":[\"CAP_SETUID\"]}}",
           "class `default` sets `idmap_volumes` and `capabilities.allow` has `CAP_SETUID`"),
  REFUSED ("idmap_volumes with CAP_DAC_OVERRIDE",
           "{\"user\":{\"idmap_volumes\":true},\"capabilities\":{\"allow\":[\"dac_override\"]}}",
           "`capabilities.allow` has `CAP_DAC_OVERRIDE`"),
  REFUSED ("idmap_volumes with a host path allowed read-write",
           "{\"user\":{\"idmap_volumes\":true},\"allow\":{\"binds\":[{\"source\":\"/etc\",\"readonly\":false}]}}",
           "class `default` sets `idmap_volumes` and allows `/etc` read-write"),
  LOADS ("idmap_volumes with a host path allowed read-only",
         "{\"user\":{\"idmap_volumes\":true},\"allow\":{\"binds\":[{\"source\":\"/etc\"}]}}", .idmap = "default",
         .nclasses = 1, .classes = { DEFAULT_CLASS }),
  REFUSED ("idmap_volumes a string", "{\"user\":{\"idmap_volumes\":\"yes\"}}",
           "`user.idmap_volumes` is a string, expected a boolean"),
  REFUSED ("a class's idmap_volumes a number",
           "{\"classes\":{\"web\":{\"match\":{\"annotation\":\"a=b\"},\"user\":{\"subid_owner\":\"hardshim-web\","
           "\"idmap_volumes\":1}}}}",
           "`classes.web.user.idmap_volumes` is a number, expected a boolean"),
  REFUSED ("userns_unavailable a boolean", "{\"user\":{\"userns_unavailable\":true}}",
           "`user.userns_unavailable` is a boolean"),

  /* the subid files: the message names the class */
  REFUSED ("a class's owner has no range", "{\"classes\":{" WEB "," CLASS ("batch", "k=v", "hardshim-batch") "}}",
           "class `batch`: ", "classes-subuid` has no range of 65536 ids for `hardshim-batch`"),
  REFUSED ("the default's owner has no range", "{\"user\":{\"subid_owner\":\"nobody\"}}",
           "class `default`: ", "no range of 65536 ids for `nobody`"),
  { .name = "a class's owner has uids but no gids",
    .text = "{\"classes\":{" WEB "," DB "}}",
    .subgid = "subgid",
    .error = { "class `db`: ", "subgid` has no range of 65536 ids for `hardshim-db`" } },
  { .name = "two classes' ranges overlap",
    .text = "{\"classes\":{" WEB "," DB "}}",
    .subuid = "overlap-subuid",
    .error = { "class `web`: ", "overlaps `hardshim-db:1100000:65536`" } },
};
/* clang-format on */

static const char *
_str (const char *s)
{
  return s != NULL ? s : "(null)";
}

static void
_check_class_case (const _class_case *t)
{
  _cleanup_free_ char *subuid
      = xasprintf ("%s/tests/data/subid/%s", tu_srcdir (), t->subuid ? t->subuid : "classes-subuid");
  _cleanup_free_ char *subgid
      = xasprintf ("%s/tests/data/subid/%s", tu_srcdir (), t->subgid ? t->subgid : "classes-subgid");
  hs_policy p;
  hs_error err = { 0 };
  bool parsed = false;
  int r = hs_policy_parse (t->text, strlen (t->text), "test.json", &p, &err);

  if (r == 0)
    {
      parsed = true;
      r = hs_policy_load_subids (&p, subuid, subgid, &err);
    }
  if (t->error[0] != NULL)
    {
      if (r >= 0)
        CASE_FAIL ("case `%s`: accepted, expected an error with `%s`\n", t->name, t->error[0]);
      else if (err.msg == NULL || r != -err.code)
        CASE_FAIL ("case `%s`: returned %d, err.code %d, message %s\n", t->name, r, err.code,
                   err.msg ? err.msg : "(null)");
      else
        {
          if (strncmp (err.msg, "policy `test.json`: ", strlen ("policy `test.json`: ")) != 0)
            CASE_FAIL ("case `%s`: message `%s` does not start with the policy file\n", t->name, err.msg);
          for (size_t i = 0; i < HS_ARRAY_SIZE (t->error) && t->error[i] != NULL; i++)
            if (strstr (err.msg, t->error[i]) == NULL)
              CASE_FAIL ("case `%s`: message `%s` does not mention `%s`\n", t->name, err.msg, t->error[i]);
        }
      if (parsed)
        hs_policy_release (&p);
      hs_error_release (&err);
      return;
    }
  if (r != 0)
    {
      CASE_FAIL ("case `%s`: refused: %s\n", t->name, err.msg ? err.msg : "(no message)");
      if (parsed)
        hs_policy_release (&p);
      hs_error_release (&err);
      return;
    }
  if (p.userns_fallback != t->fallback)
    CASE_FAIL ("case `%s`: userns_fallback %d\n", t->name, (int) p.userns_fallback);
  for (size_t i = 0; i < p.nclasses; i++)
    if (p.classes[i].idmap_volumes != (t->idmap != NULL && strcmp (t->idmap, p.classes[i].name) == 0))
      CASE_FAIL ("case `%s`: class `%s` has idmap_volumes %d\n", t->name, p.classes[i].name,
                 (int) p.classes[i].idmap_volumes);
  if (p.nclasses != t->nclasses)
    CASE_FAIL ("case `%s`: %zu classes, expected %zu\n", t->name, p.nclasses, t->nclasses);
  for (size_t i = 0; i < p.nclasses && i < t->nclasses; i++)
    {
      const hs_class *c = &p.classes[i];
      const _class_want *w = &t->classes[i];
      bool key_ok = w->key ? c->match_key != NULL && strcmp (c->match_key, w->key) == 0 : c->match_key == NULL;
      bool value_ok
          = w->value ? c->match_value != NULL && strcmp (c->match_value, w->value) == 0 : c->match_value == NULL;

      if (strcmp (c->name, w->name) != 0 || strcmp (c->subid_owner, w->owner) != 0 || !key_ok || !value_ok)
        CASE_FAIL ("case `%s`: class %zu is `%s` owner `%s` match `%s`=`%s`, expected `%s` `%s` `%s`=`%s`\n", t->name,
                   i, c->name, c->subid_owner, _str (c->match_key), _str (c->match_value), w->name, w->owner,
                   _str (w->key), _str (w->value));
      if (c->uids.start != w->uid || c->uids.size != HS_USERNS_SIZE || c->gids.start != w->gid
          || c->gids.size != HS_USERNS_SIZE)
        CASE_FAIL ("case `%s`: class `%s` uids %u+%u gids %u+%u, expected %u+%u %u+%u\n", t->name, c->name,
                   c->uids.start, c->uids.size, c->gids.start, c->gids.size, w->uid, HS_USERNS_SIZE, w->gid,
                   HS_USERNS_SIZE);
    }
  if (err.msg != NULL)
    CASE_FAIL ("case `%s`: succeeded but set an error: %s\n", t->name, err.msg);
  hs_policy_release (&p);
  hs_error_release (&err);
}

static void
test_policy_classes_table (void **state)
{
  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_class_cases); c++)
    _check_class_case (&_class_cases[c]);
  assert_int_equal (_failures, 0);
}

/* A subid file that is missing: the message names the file. */
static void
test_policy_subids_missing_file (void **state)
{
  _cleanup_free_ char *subgid = xasprintf ("%s/tests/data/subid/classes-subgid", tu_srcdir ());
  _cleanup_free_ char *dir = tu_mkdtemp ();
  _cleanup_free_ char *subuid = xasprintf ("%s/subuid", dir);
  hs_policy p;
  hs_error err = { 0 };

  assert_int_equal (hs_policy_parse ("{}", 2, "test.json", &p, &err), 0);
  assert_int_equal (hs_policy_load_subids (&p, subuid, subgid, &err), -ENOENT);
  assert_non_null (err.msg);
  assert_non_null (strstr (err.msg, subuid));
  hs_error_release (&err);
  hs_policy_release (&p);
  assert_int_equal (rmdir (dir), 0);
}

/* ---- the user measure's namespace, through hs_harden --------------------- */

typedef struct
{
  const char *name;
  const char *policy;
  bool no_userns; /* the host has no user namespaces (reason: NO_USERNS_WHY) */
  bool process_file;
  const char *container; /* process_file: the spec of the container it joins (NULL: TU_CONTAINER) */
  const char *spec;
  const char *error;        /* NULL: must succeed; else a substring of the message */
  bool bridge;              /* plan.bridge_rootfs */
  bool audit_untouched;     /* the spec must equal the input but for /linux/seccomp */
  const char *expect[6];    /* snippets the hardened spec must contain */
  const char *lacks[3];     /* ...and must not */
  const char *journal[5];   /* snippets the journal must contain */
  const char *unjournal[3]; /* ...and must not */
} _userns_case;

#define NO_USERNS_WHY "user namespaces are turned off (user.max_user_namespaces = 0)"
#define ROOT "\"root\":{\"path\":\"rootfs\"},\"mounts\":[]"
#define ROOT_USER "\"process\":{\"user\":{\"uid\":0,\"gid\":0}}," ROOT
#define MAP(c, h, s) "{\"containerID\":" #c ",\"hostID\":" #h ",\"size\":" #s "}"
#define UIDS(h) "\"uidMappings\":[" MAP (0, h, 65536) "]"
#define GIDS(h) "\"gidMappings\":[" MAP (0, h, 65536) "]"
/* Specs have runc's namespaces (TU_NS_ENTRIES): the detect measure refuses the
 * host's; it adds a cgroup namespace after the user measure's user one. */
#define USERNS_ADDED "\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"},{\"type\":\"cgroup\"}]"
#define J_USERNS_ADDED                                                                                                 \
  "\"path\":\"/linux/namespaces\",\"action\":\"added\",\"before\":null,\"after\":{\"type\":\"user\"}"
#define J_UIDS(action) "\"path\":\"/linux/uidMappings\",\"action\":\"" action "\""
#define J_GIDS(action) "\"path\":\"/linux/gidMappings\",\"action\":\"" action "\""
#define DEFAULT_NOTE "\"note\":\"class `default`: the ids of `hardshim`\""
#define WEB_NOTE "\"note\":\"class `web` (annotation `hardshim.class=web`): the ids of `hardshim-web`\""
#define PING "net.ipv4.ping_group_range"
#define J_PING "\"path\":\"/linux/sysctl/" PING "\""
#define PING_SPEC(v) "{" ROOT_USER ",\"linux\":{" TU_LINUX_NS ",\"sysctl\":{\"" PING "\":" v "}}}"
/* tests/data/subid/subuid and subgid: hardshim-web and alice have ranges */
#define CLASSES_KEY                                                                                                    \
  "\"classes\":{" CLASS ("web", "hardshim.class=web", "hardshim-web") "," CLASS ("batch", "example.com/batch=yes",     \
                                                                                 "alice") "}"
#define CLASSES "{" CLASSES_KEY "}"
#define ANNOTATED(a) "{" ROOT_USER "," TU_LINUX ",\"annotations\":{" a "}}"
/* The devices a class allows (the detect measure refuses the others). */
#define DEV(t, major, minor) "{\"type\":\"" t "\",\"major\":" #major ",\"minor\":" #minor "}"
#define ALLOW_DEVICES(...) "{\"allow\":{\"devices\":[" __VA_ARGS__ "]}}"
#define DEVICES_SPEC(d) "{" ROOT_USER ",\"linux\":{" TU_LINUX_NS ",\"devices\":[" d "]}}"
/* clang-format off */
#define ENGINE_USERNS(u, g)                                                                                            \
  "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}," ROOT                                                          \
  ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],\"uidMappings\":[" u "],\"gidMappings\":[" g    \
  "]}}"

static const _userns_case _userns_cases[] = {
  { .name = "no user namespace: the default class's added",
    .policy = "{}",
    .spec = "{" ROOT_USER "," TU_LINUX "}",
    .bridge = true,
    .expect = { USERNS_ADDED, UIDS (1000000), GIDS (2000000), "\"user\":{\"uid\":65534,\"gid\":65534}" },
    .journal
    = { J_USERNS_ADDED, J_UIDS ("added") ",\"before\":null,\"after\":[" MAP (0, 1000000, 65536) "]," DEFAULT_NOTE,
        J_GIDS ("added") ",\"before\":null,\"after\":[" MAP (0, 2000000, 65536) "]," DEFAULT_NOTE } },
  { .name = "other namespaces kept, the user namespace appended",
    .policy = "{}",
    .spec = "{" ROOT_USER "," TU_LINUX "}",
    .bridge = true,
    .expect = { "\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"},{\"type\":\"cgroup\"}]", UIDS (1000000),
                GIDS (2000000) },
    .journal = { J_USERNS_ADDED } },
  { .name = "a user namespace without mappings gets the class's",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}]}}",
    .bridge = true,
    .expect = { USERNS_ADDED, UIDS (1000000), GIDS (2000000) },
    .journal = { J_UIDS ("added"), J_GIDS ("added") },
    .unjournal = { "\"measure\":\"user\",\"path\":\"/linux/namespaces\"" } },
  { .name = "a user namespace with empty mappings gets the class's",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],\"uidMappings\":[],\"gidMappings\":[]}}",
    .bridge = true,
    .expect = { USERNS_ADDED, UIDS (1000000), GIDS (2000000) },
    .journal = { J_UIDS ("changed") ",\"before\":[],", J_GIDS ("changed") ",\"before\":[]," } },
  { .name = "mappings without a user namespace are replaced",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{" TU_LINUX_NS "," UIDS (100000) "," GIDS (100000) "}}",
    .bridge = true,
    .expect = { USERNS_ADDED, UIDS (1000000), GIDS (2000000) },
    .journal = { J_USERNS_ADDED, J_UIDS ("changed") ",\"before\":[" MAP (0, 100000, 65536) "]" } },

  /* classes */
  { .name = "no annotation: the default class",
    .policy = CLASSES,
    .spec = "{" ROOT_USER "," TU_LINUX "}",
    .bridge = true,
    .expect = { UIDS (1000000), GIDS (2000000) },
    .journal = { DEFAULT_NOTE } },
  { .name = "other annotations: the default class",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"hardshim.class.x\":\"web\",\"hardshim\":\"web\",\"example.com/batch.\":\"yes\""),
    .bridge = true,
    .expect = { UIDS (1000000), GIDS (2000000) },
    .journal = { DEFAULT_NOTE } },
  { .name = "an annotation selects a class",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"other\":\"x\",\"hardshim.class\":\"web\""),
    .bridge = true,
    .expect
    = { USERNS_ADDED, UIDS (1065536), GIDS (2065536), "\"annotations\":{\"other\":\"x\",\"hardshim.class\":\"web\"}" },
    .journal = { J_UIDS ("added") ",\"before\":null,\"after\":[" MAP (0, 1065536, 65536) "]," WEB_NOTE,
                 J_GIDS ("added") ",\"before\":null,\"after\":[" MAP (0, 2065536, 65536) "]," WEB_NOTE } },
  { .name = "an annotation selects the other class",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"example.com/batch\":\"yes\""),
    .bridge = true,
    .expect = { UIDS (100000), GIDS (100000) },
    .journal = { "\"note\":\"class `batch` (annotation `example.com/batch=yes`): the ids of `alice`\"" } },
  { .name = "classes on one annotation key: the value decides",
    .policy
    = "{\"classes\":{" CLASS ("web", "tier=web", "hardshim-web") "," CLASS ("batch", "tier=batch=1", "alice") "}}",
    .spec = ANNOTATED ("\"tier\":\"batch=1\""),
    .bridge = true,
    .expect = { UIDS (100000), GIDS (100000) },
    .journal = { "\"note\":\"class `batch` (annotation `tier=batch=1`): the ids of `alice`\"" } },
  { .name = "classes on one annotation key: a value of neither",
    .policy
    = "{\"classes\":{" CLASS ("web", "tier=web", "hardshim-web") "," CLASS ("batch", "tier=batch=1", "alice") "}}",
    .spec = ANNOTATED ("\"tier\":\"batch\""),
    .error = "annotation `tier=batch` names no class" },
  { .name = "a class's annotation with a value that names no class",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"hardshim.class\":\"db\""),
    .error = "annotation `hardshim.class=db` names no class of the policy" },
  { .name = "a class's annotation with another class's value",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"hardshim.class\":\"yes\""),
    .error = "annotation `hardshim.class=yes` names no class" },
  { .name = "values are case-sensitive",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"hardshim.class\":\"Web\""),
    .error = "annotation `hardshim.class=Web` names no class" },
  { .name = "annotations select two classes",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"hardshim.class\":\"web\",\"example.com/batch\":\"yes\""),
    .error = "the container matches both class `web` (annotation `hardshim.class=web`) and class `batch` "
             "(annotation `example.com/batch=yes`)" },
  { .name = "one class selected, another class's key with another value",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"hardshim.class\":\"web\",\"example.com/batch\":\"no\""),
    .error = "annotation `example.com/batch=no` names no class" },
  { .name = "a class's annotation not a string",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"hardshim.class\":1"),
    .error = "annotation `hardshim.class` is a number, expected a string" },
  { .name = "a class's annotation null",
    .policy = CLASSES,
    .spec = ANNOTATED ("\"example.com/batch\":null"),
    .error = "annotation `example.com/batch` is null" },
  { .name = "annotations not an object",
    .policy = CLASSES,
    .spec = "{" ROOT_USER ",\"annotations\":[\"hardshim.class=web\"]}",
    .error = "/annotations is an array, expected an object" },

  /* the engine's user namespace */
  /* (4ebf9de kept a mapping that left host root and the classes' ranges
   * out: host groups such as `docker` or `shadow` became container gids.) */
  { .name = "engine mapping outside every class's range is replaced",
    .policy = CLASSES,
    .spec = ENGINE_USERNS (MAP (0, 300000, 65536), MAP (0, 300000, 65536)),
    .bridge = true,
    .expect = { "\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"},{\"type\":\"cgroup\"}]," UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("changed") ",\"before\":[" MAP (0, 300000, 65536) "],\"after\":[" MAP (
                     0, 1000000, 65536) "],\"note\":\"class `default`: the ids of `hardshim`; the spec's replaced: "
                     "/linux/uidMappings/0 maps host ids 300000-365535, outside class `default`'s 1000000-1065535 "
                     "(`hardshim` in /etc/subuid)\"",
                 J_GIDS ("changed") ",\"before\":[" MAP (0, 300000, 65536) "]" },
    .unjournal = { J_UIDS ("kept"), J_GIDS ("kept"), "\"measure\":\"user\",\"path\":\"/linux/namespaces\"" } },
  { .name = "engine mapping of several ranges outside the class's is replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 100000, 1) "," MAP (1, 200001, 65535), MAP (0, 300000, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("changed"), J_GIDS ("changed") } },
  { .name = "engine mapping of container 0 to host 1, with docker's gid as additional gid: replaced",
    .policy = "{}",
    .spec = "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[104,41]}}," ROOT
            ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],\"uidMappings\":[" MAP (0, 1, 65536)
            "],\"gidMappings\":[" MAP (0, 1, 65536) "]}}",
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000),
                "\"user\":{\"uid\":65534,\"gid\":65534,\"additionalGids\":[104,41]}" },
    .journal = { J_UIDS ("changed") ",\"before\":[" MAP (0, 1, 65536) "]",
                 "the spec's replaced: /linux/uidMappings/0 maps host ids 1-65536, outside class `default`'s",
                 J_GIDS ("changed") ",\"before\":[" MAP (0, 1, 65536) "]" } },
  { .name = "the class's uids with other gids: both replaced together",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), MAP (0, 1, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("changed") ",\"before\":[" MAP (0, 1000000, 65536) "]",
                 "/linux/gidMappings/0 maps host ids 1-65536, outside class `default`'s 2000000-2065535 (`hardshim` "
                 "in /etc/subgid)" } },
  { .name = "uidMappings without gidMappings: both replaced (crun would map host gid 0)",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],"
            "\"uidMappings\":[" MAP (0, 1000000, 65535) "]}}",
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("changed") ",\"before\":[" MAP (0, 1000000, 65535) "]",
                 J_GIDS ("added") ",\"before\":null",
                 "/linux/gidMappings is missing: uid and gid mappings stay or are replaced together" },
    .unjournal = { "\"action\":\"kept\",\"before\":[" } },
  { .name = "gidMappings without uidMappings: both replaced",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],"
            "\"gidMappings\":[" MAP (0, 2000000, 65535) "]}}",
    .bridge = true,
    .expect = { GIDS (2000000) "," UIDS (1000000) },
    .journal = { J_UIDS ("added"), J_GIDS ("changed"), "/linux/uidMappings is missing" } },
  { .name = "uidMappings with gidMappings []: both replaced",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],"
            "\"uidMappings\":[" MAP (0, 1000000, 65535) "],\"gidMappings\":[]}}",
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("changed"), J_GIDS ("changed") ",\"before\":[]", "/linux/gidMappings is empty" } },
  { .name = "annotations are checked when the engine's mapping is kept",
    .policy = CLASSES,
    .spec = "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}," ROOT ",\"annotations\":{\"hardshim.class\":\"db\"},"
            "\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}]," UIDS (100000) "," GIDS (100000) "}}",
    .error = "annotation `hardshim.class=db` names no class" },
  { .name = "the class's own mapping (a spec hardshim wrote) is kept, bridged",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), MAP (0, 2000000, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("kept") ",\"before\":[" MAP (0, 1000000, 65536) "],\"after\":[" MAP (
                     0, 1000000, 65536) "],\"note\":\"the class's own mapping\"",
                 J_GIDS ("kept") },
    .unjournal = { J_UIDS ("changed"), "\"measure\":\"user\",\"path\":\"/linux/namespaces\"" } },
  { .name = "the annotated class's own mapping is kept, bridged",
    .policy = CLASSES,
    .spec = "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}," ROOT ",\"annotations\":{\"hardshim.class\":\"web\"},"
            "\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}]," UIDS (1065536) "," GIDS (2065536) "}}",
    .bridge = true,
    .expect = { UIDS (1065536) "," GIDS (2065536) },
    .journal = { J_UIDS ("kept") ",\"before\":[" MAP (0, 1065536, 65536) "],\"after\":[" MAP (
        0, 1065536, 65536) "],\"note\":\"the class's own mapping\"" } },
  { .name = "another class's mapping is replaced: it would share that class's ids",
    .policy = CLASSES,
    .spec = ENGINE_USERNS (MAP (0, 1065536, 65536), MAP (0, 2065536, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("changed") ",\"before\":[" MAP (0, 1065536, 65536) "],\"after\":[" MAP (
        0, 1000000, 65536) "]" } },
  { .name = "the class's uids with other gids in a class's range are replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), MAP (0, 1000000, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_GIDS ("changed") ",\"before\":[" MAP (0, 1000000, 65536) "]" } },
  { .name = "the class's ids split into two entries are kept",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 1) "," MAP (1, 1000001, 65535), MAP (0, 2000000, 65536)),
    .bridge = false,
    .expect = { "\"uidMappings\":[" MAP (0, 1000000, 1) "," MAP (1, 1000001, 65535) "]," GIDS (2000000) },
    .journal = { J_UIDS ("kept") ",\"before\":[" MAP (0, 1000000, 1) "," MAP (1, 1000001, 65535) "],\"after\":["
                 MAP (0, 1000000, 1) "," MAP (1, 1000001, 65535) "],\"note\":\"every host id inside class `default`'s "
                 "(uids 1000000-1065535, gids 2000000-2065535)\"",
                 J_GIDS ("kept") },
    .unjournal = { J_UIDS ("changed"), J_GIDS ("changed") } },
  { .name = "the class's ids in several shuffled entries, in any order, are kept",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (60000, 1060000, 5536) "," MAP (0, 1000000, 1000) "," MAP (1000, 1030000, 30000) ","
                           MAP (31000, 1001000, 29000),
                           MAP (1000, 2064536, 1000) "," MAP (0, 2000000, 1000) "," MAP (2000, 2001000, 63536)),
    .bridge = false,
    .journal = { J_UIDS ("kept"), J_GIDS ("kept") },
    .unjournal = { J_UIDS ("changed"), J_GIDS ("changed") } },
  { .name = "a mapping of the class's last ids only is kept",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (1000, 1065535, 1), MAP (1000, 2065535, 1)),
    .bridge = false,
    .expect = { "\"uidMappings\":[" MAP (1000, 1065535, 1) "],\"gidMappings\":[" MAP (1000, 2065535, 1) "]" },
    .journal = { J_UIDS ("kept"), J_GIDS ("kept") } },
  { .name = "one uid past the class's range: replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 1000) "," MAP (1000, 1065535, 2), MAP (0, 2000000, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { "/linux/uidMappings/1 maps host ids 1065535-1065536, outside class `default`'s 1000000-1065535" } },
  { .name = "one gid before the class's range: replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), MAP (0, 1999999, 2000)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("changed"), "/linux/gidMappings/0 maps host ids 1999999-2001998, outside" } },
  { .name = "the class's uids as gids (another range of /etc/subgid): replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), MAP (0, 1000000, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_GIDS ("changed") } },
  { .name = "a part of a class's range is replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 1000), MAP (0, 2000000, 1000)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("changed"), J_GIDS ("changed") } },
  /* a kept mapping must map the ids the process uses */
  { .name = "a kept mapping without the policy's ids: root gets the highest mapped ids",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],\"uidMappings\":[" MAP (0, 1000000, 65534)
            "],\"gidMappings\":[" MAP (0, 2000000, 65534) "]}}",
    .bridge = false,
    .expect = { "\"user\":{\"uid\":65533,\"gid\":65533}", "\"uid=65533\",\"gid=65533\"",
                "\"uidMappings\":[" MAP (0, 1000000, 65534) "]" },
    .journal = { "\"path\":\"/process/user/uid\",\"action\":\"changed\",\"before\":0,\"after\":65533,\"note\":\"the "
                 "policy's uid 65534 is not mapped by the user namespace: the highest uid it maps\"",
                 "\"path\":\"/process/user/gid\",\"action\":\"changed\",\"before\":0,\"after\":65533,\"note\":\"the "
                 "policy's gid 65534 is not mapped",
                 J_UIDS ("kept"), J_GIDS ("kept") } },
  { .name = "a kept mapping with the policy's ids: root gets them",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],\"uidMappings\":[" MAP (65534, 1065534, 1)
            "," MAP (0, 1000000, 1) "],\"gidMappings\":[" MAP (0, 2000000, 65535) "]}}",
    .bridge = false,
    .expect = { "\"user\":{\"uid\":65534,\"gid\":65534}" },
    .journal = { "\"path\":\"/process/user/uid\",\"action\":\"changed\",\"before\":0,\"after\":65534,\"mode\"",
                 J_UIDS ("kept") } },
  { .name = "a kept mapping of only id 0: replaced, the process may not be root",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],\"uidMappings\":[" MAP (0, 1000000, 1)
            "],\"gidMappings\":[" MAP (0, 2000000, 65536) "]}}",
    .bridge = true,
    .expect = { UIDS (1000000), GIDS (2000000), "\"user\":{\"uid\":65534,\"gid\":65534}" },
    .journal = { "/linux/uidMappings maps no id but 0, and the process may not run as root" } },
  { .name = "a mapping inside the range without the spec's uid: replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 1000), MAP (0, 2000000, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000), GIDS (2000000), "\"uid\":1000,\"gid\":1000" },
    .journal = { "the spec's replaced: it does not map /process/user/uid 1000" } },
  { .name = "a mapping inside the range without an additional gid: replaced",
    .policy = "{}",
    .spec = "{\"process\":{\"user\":{\"uid\":1,\"gid\":1,\"additionalGids\":[0,5,104]}}," ROOT
            ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],\"uidMappings\":[" MAP (0, 1000000, 100)
            "],\"gidMappings\":[" MAP (0, 2000000, 100) "]}}",
    .bridge = true,
    .expect = { UIDS (1000000), GIDS (2000000), "\"additionalGids\":[5,104]" },
    .journal = { "it does not map /process/user/additionalGids 104" } },

  /* mappings as an attacker writes them: what the kernel would refuse is refused */
  { .name = "mapping: size 0",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), MAP (0, 2000000, 1000) "," MAP (1000, 2001000, 0)),
    .error = "/linux/gidMappings/1 has size 0" },
  { .name = "mapping: containerID + size past 2^32",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (4294967295, 1000000, 1), MAP (0, 2000000, 65536)),
    .error = "/linux/uidMappings/0 maps id 4294967295 (-1) or wraps past it" },
  { .name = "mapping: containerID + size exactly 2^32",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 1000) "," MAP (4294901760, 1001000, 65536), MAP (0, 2000000, 65536)),
    .error = "/linux/uidMappings/1 maps id 4294967295 (-1) or wraps past it" },
  { .name = "mapping: hostID + size wrapping past 2^32 to the class's range",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), MAP (0, 4294967295, 2000001)),
    .error = "/linux/gidMappings/0 maps id 4294967295 (-1) or wraps past it: containerID + size and hostID + size "
             "must be at most 4294967295" },
  { .name = "mapping: size beyond 32 bits",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 4294967296), MAP (0, 2000000, 65536)),
    .error = "/linux/uidMappings/0 is an object, expected an id mapping {containerID, hostID, size} of 32-bit "
             "integers" },
  { .name = "mapping: container ids overlapping",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 10) "," MAP (5, 1000100, 10), MAP (0, 2000000, 65536)),
    .error = "/linux/uidMappings/1 and /linux/uidMappings/0 map an id twice" },
  { .name = "mapping: host ids overlapping",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), MAP (0, 2000000, 10) "," MAP (100, 2000009, 10)),
    .error = "/linux/gidMappings/1 and /linux/gidMappings/0 map an id twice" },
  { .name = "mapping: the same entry twice",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536) "," MAP (0, 1000000, 65536), MAP (0, 2000000, 65536)),
    .error = "map an id twice" },
  { .name = "mapping: adjacent entries are no overlap (kept)",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 10) "," MAP (10, 1000010, 65526), MAP (0, 2000000, 65536)),
    .bridge = false,
    .journal = { J_UIDS ("kept") } },
  { .name = "mapping: a negative hostID",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, -1, 65536), MAP (0, 2000000, 65536)),
    .error = "/linux/uidMappings/0 is an object, expected an id mapping" },
  { .name = "mapping: a fraction",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 1.5), MAP (0, 2000000, 65536)),
    .error = "/linux/uidMappings/0 is an object, expected an id mapping" },
  { .name = "mapping: an exponent",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1e6, 65536), MAP (0, 2000000, 65536)),
    .error = "/linux/uidMappings/0 is an object, expected an id mapping" },
  { .name = "mapping: a string",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, "1000000", 65536), MAP (0, 2000000, 65536)),
    .error = "/linux/uidMappings/0 is an object, expected an id mapping" },
  { .name = "mapping: null",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), MAP (null, 2000000, 65536)),
    .error = "/linux/gidMappings/0 is an object, expected an id mapping" },
  { .name = "mapping: an entry not an object",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 1000000, 65536), "[0,2000000,65536]"),
    .error = "/linux/gidMappings/0 is an array, expected an id mapping" },
  { .name = "a mapping next to the class's range is replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 934464, 65536), MAP (0, 2065536, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { "/linux/uidMappings/0 maps host ids 934464-999999, outside class `default`'s 1000000-1065535" } },
  { .name = "an engine mapping onto a class's range (alice's, class batch) is replaced",
    .policy = CLASSES,
    .spec = ENGINE_USERNS (MAP (0, 100000, 65536), MAP (0, 100000, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000) "," GIDS (2000000) },
    .journal = { J_UIDS ("changed") ",\"before\":[" MAP (0, 100000, 65536) "]",
                 J_GIDS ("changed") ",\"before\":[" MAP (0, 100000, 65536) "]" } },
  { .name = "engine mapping 0 to host 0 is replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 0, 65536), MAP (0, 0, 65536)),
    .bridge = true,
    .expect = { "\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"},{\"type\":\"cgroup\"}]," UIDS (1000000) "," GIDS (2000000) },
    .journal
    = { J_UIDS ("changed") ",\"before\":[" MAP (0, 0, 65536) "],\"after\":[" MAP (0, 1000000, 65536) "],"
        "\"note\":\"class `default`: the ids of `hardshim`; the spec's replaced: /linux/uidMappings/0 maps host ids "
        "0-65535, outside class `default`'s 1000000-1065535 (`hardshim` in /etc/subuid)\"",
        J_GIDS ("changed") ",\"before\":[" MAP (0, 0, 65536) "],\"after\":[" MAP (0, 2000000, 65536) "]" },
    .unjournal = { "\"measure\":\"user\",\"path\":\"/linux/namespaces\"" } },
  { .name = "engine uid mapping with host 0 in a later range is replaced",
    .policy = "{}",
    .spec
    = ENGINE_USERNS (MAP (0, 100000, 1000) "," MAP (1000, 0, 1) "," MAP (1001, 101001, 64535), MAP (0, 100000, 65536)),
    .bridge = true,
    .expect = { UIDS (1000000), GIDS (2000000) },
    .journal = { J_UIDS ("changed"), J_GIDS ("changed") ",\"before\":[" MAP (0, 100000, 65536) "]" } },
  { .name = "engine gid mapping with host 0 is replaced",
    .policy = "{}",
    .spec = ENGINE_USERNS (MAP (0, 100000, 65536), MAP (0, 100000, 1000) "," MAP (1000, 0, 1)),
    .bridge = true,
    .expect = { UIDS (1000000), GIDS (2000000) },
    .journal = { J_UIDS ("changed") ",\"before\":[" MAP (0, 100000, 65536) "]", J_GIDS ("changed") } },
  { .name = "engine mapping with host root, annotated: the class's",
    .policy = CLASSES,
    .spec = "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}," ROOT ",\"annotations\":{\"hardshim.class\":\"web\"},"
            "\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}]," UIDS (0) "," GIDS (0) "}}",
    .bridge = true,
    .expect = { UIDS (1065536), GIDS (2065536) },
    .journal = { J_UIDS ("changed"), "\"note\":\"class `web` (annotation `hardshim.class=web`): the ids of "
                 "`hardshim-web`; the spec's replaced: "
                 "/linux/uidMappings/0 maps host ids 0-65535, outside class `web`'s 1065536-1131071" } },
  { .name = "user namespace with a path",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]}}",
    .error = "joins the user namespace `/proc/1/ns/user`, the host's: refused" },
  { .name = "user namespace with a path and a mapping without host root",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]," UIDS (
        100000) "," GIDS (100000) "}}",
    .error = "joins the user namespace `/proc/1/ns/user`, the host's: refused" },
  { .name = "namespaces not an array",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":{\"type\":\"user\"}}}",
    .error = "/linux/namespaces is an object, expected an array" },
  { .name = "namespace without a type",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[{\"path\":\"/proc/1/ns/net\"}]}}",
    .error = "/linux/namespaces[]/type is missing" },
  { .name = "uidMappings not an array",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],\"uidMappings\":{}}}",
    .error = "/linux/uidMappings is an object, expected an array" },
  { .name = "a gid mapping without hostID",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"user\"}],\"gidMappings\":[{\"containerID\":0,"
            "\"size\":1}]}}",
    .error = "/linux/gidMappings/0 is an object, expected an id mapping" },

  /* a host without user namespaces */
  { .name = "no user namespaces on the host: refused by default",
    .policy = "{}",
    .no_userns = true,
    .spec = "{" ROOT_USER "," TU_LINUX "}",
    .error = "`user.userns_unavailable`" },
  { .name = "no user namespaces on the host: refused, the reason given",
    .policy = "{\"user\":{\"userns_unavailable\":\"refuse\"}}",
    .no_userns = true,
    .spec = "{" ROOT_USER "," TU_LINUX "}",
    .error = NO_USERNS_WHY },
  { .name = "no user namespaces on the host: run without one",
    .policy = "{\"user\":{\"userns_unavailable\":\"run_without\"}}",
    .no_userns = true,
    .spec = "{" ROOT_USER "," TU_LINUX "}",
    .bridge = false,
    .expect = { "\"user\":{\"uid\":65534,\"gid\":65534}", "\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":\"cgroup\"}]" },
    .lacks = { "\"type\":\"user\"", "uidMappings", "gidMappings" },
    .journal
    = { "\"path\":\"/linux/"
        "namespaces\",\"action\":\"unavailable\",\"before\":null,\"after\":null,\"note\":\"" NO_USERNS_WHY "\"",
        "\"path\":\"/process/user/uid\",\"action\":\"changed\",\"before\":0,\"after\":65534" },
    .unjournal = { "uidMappings" } },
  { .name = "no user namespaces on the host: run without one, whatever the annotations",
    .policy = "{\"user\":{\"userns_unavailable\":\"run_without\"}," CLASSES_KEY "}",
    .no_userns = true,
    .spec = ANNOTATED ("\"hardshim.class\":\"web\""),
    .bridge = false,
    .lacks = { "\"type\":\"user\"", "uidMappings" },
    .journal = { "\"action\":\"unavailable\"" } },
  { .name = "no user namespaces on the host: the engine's mapping inside the class's range is kept",
    .policy = "{}",
    .no_userns = true,
    .spec = ENGINE_USERNS (MAP (0, 1000001, 65535), MAP (0, 2000001, 65535)),
    .bridge = false,
    .expect = { "\"uidMappings\":[" MAP (0, 1000001, 65535) "],\"gidMappings\":[" MAP (0, 2000001, 65535) "]" },
    .journal = { J_UIDS ("kept") } },
  { .name = "no user namespaces on the host: an engine mapping outside the class's range is not kept",
    .policy = "{}",
    .no_userns = true,
    .spec = ENGINE_USERNS (MAP (0, 100000, 65536), MAP (0, 100000, 65536)),
    .error = "`user.userns_unavailable`" },

  /* every id the process uses must be mapped */
  { .name = "a kept uid outside the user namespace",
    .policy = "{}",
    .spec = "{\"process\":{\"user\":{\"uid\":70000,\"gid\":1000}}," ROOT "," TU_LINUX "}",
    .error = "/process/user 70000:1000 is outside the user namespace (ids 0-65535)" },
  { .name = "a kept gid outside the user namespace",
    .policy = "{}",
    .spec = "{\"process\":{\"user\":{\"uid\":1000,\"gid\":65536}}," ROOT "," TU_LINUX "}",
    .error = "/process/user 1000:65536 is outside the user namespace" },
  { .name = "an additional gid outside the user namespace",
    .policy = "{}",
    .spec = "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000,\"additionalGids\":[0,10,70000]}}," ROOT "," TU_LINUX "}",
    .error = "/process/user/additionalGids has 70000, outside the user namespace" },
  { .name = "the last ids of the user namespace",
    .policy = "{}",
    .spec = "{\"process\":{\"user\":{\"uid\":65535,\"gid\":65535,\"additionalGids\":[0,65535]}}," ROOT "," TU_LINUX "}",
    .bridge = true,
    .expect = { "\"user\":{\"uid\":65535,\"gid\":65535,\"additionalGids\":[65535]}", UIDS (1000000) },
    .journal = { "\"path\":\"/process/user/uid\",\"action\":\"kept\",\"before\":65535" } },

  /* net.ipv4.ping_group_range */
  { .name = "ping_group_range of docker clamped to the mapped gids",
    .policy = "{}",
    .spec = PING_SPEC ("\"0 2147483647\""),
    .bridge = true,
    .expect = { "\"" PING "\":\"0 65535\"" },
    .journal = { J_PING ",\"action\":\"changed\",\"before\":\"0 2147483647\",\"after\":\"0 65535\",\"note\":\"" } },
  { .name = "ping_group_range one past the mapped gids",
    .policy = "{}",
    .spec = PING_SPEC ("\"0 65536\""),
    .bridge = true,
    .expect = { "\"" PING "\":\"0 65535\"" },
    .journal = { J_PING ",\"action\":\"changed\"" } },
  { .name = "ping_group_range 0 0 unchanged",
    .policy = "{}",
    .spec = PING_SPEC ("\"0 0\""),
    .bridge = true,
    .expect = { "\"" PING "\":\"0 0\"" },
    .unjournal = { J_PING } },
  { .name = "ping_group_range of all mapped gids unchanged",
    .policy = "{}",
    .spec = PING_SPEC ("\"1 65535\""),
    .bridge = true,
    .expect = { "\"" PING "\":\"1 65535\"" },
    .unjournal = { J_PING } },
  { .name = "ping_group_range above the mapped gids",
    .policy = "{}",
    .spec = PING_SPEC ("\"100000 200000\""),
    .bridge = true,
    .expect = { "\"" PING "\":\"1 0\"" },
    .journal = { J_PING ",\"action\":\"changed\",\"before\":\"100000 200000\",\"after\":\"1 0\"" } },
  { .name = "other sysctls untouched",
    .policy = "{}",
    .spec = "{" ROOT_USER ",\"linux\":{" TU_LINUX_NS ",\"sysctl\":{\"net.ipv4.ip_unprivileged_port_start\":\"0\"}}}",
    .bridge = true,
    .expect = { "\"sysctl\":{\"net.ipv4.ip_unprivileged_port_start\":\"0\"}" },
    .unjournal = { "/linux/sysctl" } },
  { .name = "ping_group_range not numbers",
    .policy = "{}",
    .spec = PING_SPEC ("\"abc\""),
    .error = PING " is a string, expected a string `LO HI`" },
  { .name = "ping_group_range one number", .policy = "{}", .spec = PING_SPEC ("\"1\""), .error = PING },
  { .name = "ping_group_range three numbers", .policy = "{}", .spec = PING_SPEC ("\"1 2 3\""), .error = PING },
  { .name = "ping_group_range with trailing garbage", .policy = "{}", .spec = PING_SPEC ("\"0 10x\""), .error = PING },
  { .name = "ping_group_range empty", .policy = "{}", .spec = PING_SPEC ("\"\""), .error = PING },
  { .name = "ping_group_range a number", .policy = "{}", .spec = PING_SPEC ("0"), .error = PING " is a number" },
  /* gids are 32 bits: the largest clamped, one more refused (no wrap-around) */
  { .name = "ping_group_range up to the largest gid",
    .policy = "{}",
    .spec = PING_SPEC ("\"0 4294967295\""),
    .bridge = true,
    .expect = { "\"" PING "\":\"0 65535\"" } },
  { .name = "ping_group_range above the largest gid",
    .policy = "{}",
    .spec = PING_SPEC ("\"0 4294967296\""),
    .error = PING },
  { .name = "ping_group_range low above the largest gid",
    .policy = "{}",
    .spec = PING_SPEC ("\"4294967296 4294967297\""),
    .error = PING },
  { .name = "ping_group_range 2^64 + 1 (no wrap-around)",
    .policy = "{}",
    .spec = PING_SPEC ("\"0 18446744073709551617\""),
    .error = PING },
  /* spaces before each gid, as before; no signs, no other spaces */
  { .name = "ping_group_range with leading and doubled spaces",
    .policy = "{}",
    .spec = PING_SPEC ("\" 1  2\""),
    .bridge = true,
    .expect = { "\"" PING "\":\" 1  2\"" },
    .unjournal = { J_PING } },
  { .name = "ping_group_range +1", .policy = "{}", .spec = PING_SPEC ("\"+1 2\""), .error = PING },
  { .name = "ping_group_range -1", .policy = "{}", .spec = PING_SPEC ("\"0 -1\""), .error = PING },
  { .name = "ping_group_range trailing space", .policy = "{}", .spec = PING_SPEC ("\"1 2 \""), .error = PING },
  { .name = "ping_group_range a tab", .policy = "{}", .spec = PING_SPEC ("\"1\\t2\""), .error = PING },
  { .name = "ping_group_range no space", .policy = "{}", .spec = PING_SPEC ("\"12\""), .error = PING },

  /* exec: a process file has no namespaces */
  { .name = "exec process file: no user namespace logic",
    .policy = CLASSES,
    .process_file = true,
    .spec = "{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"]}",
    .bridge = false,
    .expect = { "\"user\":{\"uid\":65534,\"gid\":65534}" },
    .lacks = { "linux", "Mappings", "namespaces" },
    .unjournal = { "/linux" } },
  { .name = "exec: ids inside the container's user namespace are accepted",
    .policy = "{}",
    .process_file = true,
    .container = "{\"process\":{},\"linux\":{" UIDS (1000000) "," GIDS (2000000) "}," TU_CONTAINER_MOUNTS "}",
    .spec = "{\"user\":{\"uid\":65535,\"gid\":100,\"additionalGids\":[65535]},\"args\":[\"sh\"]}",
    .bridge = false,
    .expect = { "\"uid\":65535,\"gid\":100" } },
  { .name = "exec: a uid outside the container's user namespace is refused, as at create",
    .policy = "{}",
    .process_file = true,
    .container = "{\"process\":{},\"linux\":{" UIDS (1000000) "," GIDS (2000000) "}," TU_CONTAINER_MOUNTS "}",
    .spec = "{\"user\":{\"uid\":70000,\"gid\":70000},\"args\":[\"sh\"]}",
    .error = "`config.json`: /user 70000:70000 is outside the container's user namespace" },
  { .name = "exec: an additional gid outside the container's user namespace is refused",
    .policy = "{}",
    .process_file = true,
    .container = "{\"process\":{},\"linux\":{" UIDS (1000000) "," GIDS (2000000) "}," TU_CONTAINER_MOUNTS "}",
    .spec = "{\"user\":{\"uid\":1,\"gid\":1,\"additionalGids\":[65536]},\"args\":[\"sh\"]}",
    .error = "/user/additionalGids has 65536, outside the container's user namespace" },
  { .name = "exec: an engine's smaller kept mapping is the one checked",
    .policy = "{}",
    .process_file = true,
    .container = "{\"process\":{},\"linux\":{\"uidMappings\":[" MAP (0, 3000000, 1000) "],\"gidMappings\":["
                 MAP (0, 3000000, 1000) "]}," TU_CONTAINER_MOUNTS "}",
    .spec = "{\"user\":{\"uid\":1000,\"gid\":1},\"args\":[\"sh\"]}",
    .error = "/user 1000:1 is outside the container's user namespace" },

  { .name = "exec: root under a kept mapping without the policy's ids gets the highest mapped ids, as at create",
    .policy = "{}",
    .process_file = true,
    .container = "{\"process\":{},\"linux\":{\"uidMappings\":[" MAP (0, 1000000, 65534) "],\"gidMappings\":["
                 MAP (0, 2000000, 65534) "]}," TU_CONTAINER_MOUNTS "}",
    .spec = "{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"]}",
    .bridge = false,
    .expect = { "\"user\":{\"uid\":65533,\"gid\":65533}" },
    .journal = { "\"path\":\"/user/uid\",\"action\":\"changed\",\"before\":0,\"after\":65533,\"note\":\"the "
                 "policy's uid 65534 is not mapped" } },
  { .name = "exec: root under a container mapping of only id 0 is refused",
    .policy = "{}",
    .process_file = true,
    .container = "{\"process\":{},\"linux\":{\"uidMappings\":[" MAP (0, 1000000, 1) "],\"gidMappings\":["
                 MAP (0, 2000000, 1) "]}," TU_CONTAINER_MOUNTS "}",
    .spec = "{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"]}",
    .error = "/user 65534:65534 is outside the container's user namespace" },

  /* idmapped mounts from the spec (crun honours them) */
#define IDMAP_MOUNT(x) "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[42]}},\"root\":{\"path\":" \
  "\"rootfs\"},\"mounts\":[{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"/srv/v\"," x "}]," TU_LINUX "}"
  { .name = "idmapped mount: option idmap refused",
    .policy = "{}",
    .spec = IDMAP_MOUNT ("\"options\":[\"rbind\",\"idmap\"]"),
    .error = "/mounts/0 has `idmap`: an idmapped mount from the spec would give the container files of any host id" },
  { .name = "idmapped mount: option idmap=MAPPINGS refused",
    .policy = "{}",
    .spec = IDMAP_MOUNT ("\"options\":[\"bind\",\"idmap=uids=0-1-10;gids=0-1-10\"]"),
    .error = "/mounts/0 has `idmap=uids=0-1-10;gids=0-1-10`" },
  { .name = "idmapped mount: option ridmap refused",
    .policy = "{}",
    .spec = IDMAP_MOUNT ("\"options\":[\"bind\",\"ridmap\"]"),
    .error = "/mounts/0 has `ridmap`" },
  { .name = "idmapped mount: option in another case refused",
    .policy = "{}",
    .spec = IDMAP_MOUNT ("\"options\":[\"bind\",\"IDMAP\"]"),
    .error = "/mounts/0 has `IDMAP`" },
  { .name = "idmapped mount: mount gidMappings refused, even inside the class's range",
    .policy = "{}",
    .spec = IDMAP_MOUNT ("\"options\":[\"bind\"],\"gidMappings\":[" MAP (42, 2000042, 1) "]"),
    .error = "/mounts/0 has `gidMappings`" },
  { .name = "idmapped mount: mount uidMappings refused",
    .policy = "{}",
    .spec = IDMAP_MOUNT ("\"options\":[\"bind\"],\"uidMappings\":[" MAP (0, 1000000, 65536) "]"),
    .error = "/mounts/0 has `uidMappings`" },
  { .name = "idmapped mount: empty mount mappings and look-alike options are plain binds",
    .policy = "{}",
    .spec = IDMAP_MOUNT ("\"options\":[\"bind\",\"idmapx\",\"x-idmap\"],\"uidMappings\":[],\"gidMappings\":null"),
    .bridge = true,
    .expect = { "\"idmapx\",\"x-idmap\"" } },

  /* audit mode: journaled only */
  { .name = "audit mode: the user namespace is journaled, not added",
    .policy = "{\"mode\":\"audit\"}",
    .spec = PING_SPEC ("\"0 2147483647\""),
    .bridge = false,
    .audit_untouched = true,
    .journal
    = { "\"measure\":\"user\",\"path\":\"/linux/namespaces\",\"action\":\"kept\",\"would\":\"added\",\"before\":null",
        J_UIDS ("kept") ",\"would\":\"added\",\"before\":null,\"after\":[" MAP (0, 1000000, 65536) "]," DEFAULT_NOTE,
        J_GIDS ("kept") ",\"would\":\"added\"", J_PING ",\"action\":\"kept\",\"would\":\"changed\"" },
    .unjournal
    = { "\"path\":\"/linux/namespaces\",\"action\":\"added\"", J_UIDS ("added"), J_PING ",\"action\":\"changed\"" } },
  { .name = "audit mode: the engine's mapping with host root is journaled, not replaced",
    .policy = "{\"mode\":\"audit\"}",
    .spec = ENGINE_USERNS (MAP (0, 0, 65536), MAP (0, 0, 65536)),
    .bridge = false,
    .audit_untouched = true,
    .journal = { J_UIDS ("kept") ",\"would\":\"changed\"", J_GIDS ("kept") ",\"would\":\"changed\"" } },
  { .name = "audit mode: a class's ranges journaled",
    .policy = "{\"mode\":\"audit\"," CLASSES_KEY "}",
    .spec = ANNOTATED ("\"hardshim.class\":\"web\""),
    .bridge = false,
    .audit_untouched = true,
    .journal = { J_UIDS ("kept") ",\"would\":\"added\"", WEB_NOTE } },

  /* device nodes (devices.h) */
  { .name = "devices become binds of nodes hardshim creates",
    .policy = ALLOW_DEVICES (DEV ("b", 8, 0) "," DEV ("c", 10, 229)),
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/xvda\",\"type\":\"b\",\"major\":8,\"minor\":0,\"fileMode\":432,"
                          "\"uid\":0,\"gid\":6},{\"path\":\"/dev/fuse\",\"type\":\"u\",\"major\":10,"
                          "\"minor\":229},{\"path\":\"/dev/ctl\",\"type\":\"p\"}"),
    .bridge = true,
    .expect = { "\"devices\":[]",
                "{\"destination\":\"/dev/xvda\",\"type\":\"bind\",\"source\":\"" HS_DEVICES_DIR
                "/b-8-0-0660-0-6\",\"options\":[\"bind\"]}",
                "\"source\":\"" HS_DEVICES_DIR "/c-10-229-0666-0-0\"", "\"source\":\"" HS_DEVICES_DIR "/p-0-0-0666-0-0\"" },
    .journal = { "\"path\":\"/linux/devices\",\"action\":\"removed\",\"before\":[{\"path\":\"/dev/xvda\"",
                 "\"path\":\"/mounts\",\"action\":\"added\",\"before\":null,\"after\":[{\"destination\":\"/dev/xvda\"" } },
  { .name = "devices: /dev/tty and /dev/ptmx (also spelled otherwise) are the runtime's own, not hardshim's nodes",
    .policy = ALLOW_DEVICES (DEV ("c", 10, 229)),
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/tty\",\"type\":\"c\",\"major\":5,\"minor\":0},{\"path\":\"/dev/fuse\","
                          "\"type\":\"c\",\"major\":10,\"minor\":229},{\"path\":\"/dev/../dev//ptmx\",\"type\":\"c\","
                          "\"major\":5,\"minor\":2}"),
    .bridge = true,
    .expect = { "\"devices\":[]", "\"source\":\"" HS_DEVICES_DIR "/c-10-229-0666-0-0\"" },
    .lacks = { HS_DEVICES_DIR "/c-5-0-", HS_DEVICES_DIR "/c-5-2-" },
    .journal = { "\"path\":\"/linux/devices/0\",\"action\":\"removed\",\"before\":{\"path\":\"/dev/tty\"",
                 "\"note\":\"the runtime makes /dev/tty itself, a bind of the host's node in a user namespace\"",
                 "\"path\":\"/linux/devices/2\",\"action\":\"removed\",\"before\":{\"path\":\"/dev/../dev//ptmx\"",
                 "\"path\":\"/mounts\",\"action\":\"added\",\"before\":null,\"after\":[{\"destination\":\"/dev/fuse\"" } },
  { .name = "devices: only /dev/tty and /dev/ptmx: no mount added, nothing on hardshim's device directory",
    .policy = "{}",
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/tty\",\"type\":\"c\",\"major\":5,\"minor\":0},{\"path\":\"/dev/ptmx\","
                          "\"type\":\"c\",\"major\":5,\"minor\":2}"),
    .bridge = true,
    .expect = { "\"devices\":[]" },
    .lacks = { HS_DEVICES_DIR },
    .journal = { "\"path\":\"/linux/devices\",\"action\":\"removed\"" },
    .unjournal = { "device nodes hardshim creates" } },
  { .name = "devices: near misses stay hardshim's nodes (/dev/ttyS0, /dev/tty0, /dev/pts/ptmx)",
    .policy = ALLOW_DEVICES (DEV ("c", 4, 64) "," DEV ("c", 4, 0)),
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/ttyS0\",\"type\":\"c\",\"major\":4,\"minor\":64},{\"path\":\"/dev/tty0\","
                          "\"type\":\"c\",\"major\":4,\"minor\":0},{\"path\":\"/dev/pts/ptmx\",\"type\":\"c\","
                          "\"major\":5,\"minor\":2}"),
    .bridge = true,
    .expect = { "\"destination\":\"/dev/ttyS0\"", "\"destination\":\"/dev/tty0\"", "\"destination\":\"/dev/pts/ptmx\"" },
    .unjournal = { "\"path\":\"/linux/devices/0\"" } },
  { .name = "a device of the engine's own user namespace stays for the runtime",
    .policy = ALLOW_DEVICES (DEV ("c", 10, 229)),
    .spec = "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}," ROOT ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES ",{\"type\":"
            "\"user\"}],\"uidMappings\":[" MAP (0, 1000000, 65535) "],\"gidMappings\":[" MAP (0, 2000000, 65535) "],"
            "\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229}]}}",
    .bridge = false,
    .expect = { "\"devices\":[{\"path\":\"/dev/fuse\"" },
    .lacks = { HS_DEVICES_DIR },
    .unjournal = { "\"path\":\"/linux/devices\"" } },
  { .name = "device: unknown type refused",
    .policy = "{}",
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/x\",\"type\":\"x\",\"major\":1,\"minor\":3}"),
    .error = "/linux/devices/0/type must be one of c, b, u, p" },
  { .name = "device: relative path refused",
    .policy = "{}",
    .spec = DEVICES_SPEC ("{\"path\":\"dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3}"),
    .error = "/linux/devices/0/path must be an absolute path" },
  { .name = "device: missing minor refused",
    .policy = "{}",
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1}"),
    .error = "/linux/devices/0 needs major and minor" },
  { .name = "device: an owner outside the user namespace refused",
    .policy = "{}",
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,\"uid\":65536}"),
    .error = "/linux/devices/0/uid" },
  { .name = "device: podman's fileMode with the node's type bits (S_IFCHR | 0666) is taken as 0666",
    .policy = ALLOW_DEVICES (DEV ("c", 10, 200)),
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/net/tun\",\"type\":\"c\",\"major\":10,\"minor\":200,\"fileMode\":8630}"),
    .bridge = true,
    .expect = { "\"source\":\"" HS_DEVICES_DIR "/c-10-200-0666-0-0\"" } },
  { .name = "device: mode with another type's bits (S_IFIFO on a char device) refused",
    .policy = "{}",
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":4096}"),
    .error = "/linux/devices/0/fileMode" },
  { .name = "audit mode: devices journaled, not changed",
    .policy = "{\"mode\":\"audit\"}",
    .spec = DEVICES_SPEC ("{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229}"),
    .bridge = false,
    .audit_untouched = true,
    .journal = { "\"path\":\"/linux/devices\",\"action\":\"kept\",\"would\":\"removed\"" } },
  { .name = "audit mode: no user namespaces on the host is still an error (main journals the refusal)",
    .policy = "{\"mode\":\"audit\"}",
    .no_userns = true,
    .spec = "{" ROOT_USER "," TU_LINUX "}",
    .error = "`user.userns_unavailable`" },
};
/* clang-format on */

static void
_check_audit_untouched (const _userns_case *c, hs_json spec)
{
  _cleanup_json_ hs_json want = tu_parse (c->spec);
  _cleanup_free_ char *got_text = NULL, *want_text = NULL;
  hs_json seccomp = hs_json_get (hs_json_get (spec, "linux"), "seccomp");
  hs_error err = { 0 };

  /* what audit mode applies: the seccomp measure's /linux/seccomp */
  if (seccomp != NULL)
    {
      if (hs_json_get (want, "linux") == NULL)
        hs_json_object_set (want, "linux", hs_json_new_object ());
      hs_json_object_set (hs_json_get (want, "linux"), "seccomp", hs_json_copy (seccomp));
    }
  assert_int_equal (hs_json_generate (spec, false, &got_text, NULL, &err), 0);
  assert_int_equal (hs_json_generate (want, false, &want_text, NULL, &err), 0);
  if (strcmp (got_text, want_text) != 0)
    CASE_FAIL ("case `%s`: audit mode changed the spec beyond /linux/seccomp:\n%s\nexpected\n%s\n", c->name, got_text,
               want_text);
}

/* The first journal line of buf that records a change, or NULL.  In audit
 * mode the user measure's lines only: the seccomp measure applies its
 * logging profile on every pass there. */
static const char *
_change_line (const char *buf, bool audit)
{
  static const char *const actions[] = { "\"action\":\"changed\"", "\"action\":\"added\"", "\"action\":\"removed\"" };

  for (const char *p = buf; *p != '\0';)
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl ? (size_t) (nl - p) : strlen (p);
      _cleanup_free_ char *line = xstrndup (p, len);

      for (size_t i = 0; i < HS_ARRAY_SIZE (actions); i++)
        if (strstr (line, actions[i]) != NULL && (!audit || strstr (line, "\"measure\":\"user\"") != NULL))
          return p;
      p += len + (nl != NULL);
    }
  return NULL;
}

/* Hardening the hardened spec again changes nothing and plans the same. */
static void
_check_idempotent (const _userns_case *c, hs_json spec, const hs_policy *policy, const hs_host *host, const char *out,
                   const hs_plan *first)
{
  _cleanup_free_ char *again = NULL;
  const char *change;
  hs_journal j;
  hs_plan plan = { 0 };
  hs_error err = { 0 };

  _cleanup_json_ hs_json container = c->process_file ? tu_parse (c->container ? c->container : TU_CONTAINER) : NULL;

  hs_journal_init (&j, "c1", NULL, "config.json", "create", policy->mode == HS_MODE_AUDIT);
  if (hs_harden (spec, container, "config.json", policy, host, &j, &plan, &err) < 0)
    CASE_FAIL ("case `%s`: the second pass failed: %s\n", c->name, err.msg);
  else
    {
      assert_int_equal (hs_json_generate (spec, false, &again, NULL, &err), 0);
      if (strcmp (again, out) != 0)
        CASE_FAIL ("case `%s`: the second pass changed the spec:\n%s\nto\n%s\n", c->name, out, again);
      change = _change_line (j.buf ? j.buf : "", policy->mode == HS_MODE_AUDIT);
      if (change != NULL)
        CASE_FAIL ("case `%s`: the second pass journaled a change:\n%.*s\n", c->name, (int) strcspn (change, "\n"),
                   change);
      if (plan.bridge_rootfs != first->bridge_rootfs)
        CASE_FAIL ("case `%s`: the second pass has plan.bridge_rootfs %d, the first %d\n", c->name,
                   (int) plan.bridge_rootfs, (int) first->bridge_rootfs);
    }
  hs_error_release (&err);
  hs_journal_release (&j);
}

static void
_check_userns_case (const _userns_case *c)
{
  _cleanup_json_ hs_json spec = tu_parse (c->spec);
  _cleanup_json_ hs_json container = c->process_file ? tu_parse (c->container ? c->container : TU_CONTAINER) : NULL;
  _cleanup_free_ char *out = NULL;
  hs_host host = TU_HOST;
  host.userns = !c->no_userns;
  host.userns_why = c->no_userns ? NO_USERNS_WHY : NULL;
  hs_plan plan = { .changed = false, .bridge_rootfs = !c->bridge };
  hs_policy policy;
  hs_journal j;
  hs_error err = { 0 };
  const char *buf;
  int r;

  tu_policy (c->policy, &policy);
  hs_journal_init (&j, "c1", NULL, "config.json", "create", policy.mode == HS_MODE_AUDIT);
  r = hs_harden (spec, container, "config.json", &policy, &host, &j, &plan, &err);
  if (c->error != NULL)
    {
      if (r >= 0)
        CASE_FAIL ("case `%s`: accepted, expected an error with `%s`\n", c->name, c->error);
      else if (err.msg == NULL || r != -err.code)
        CASE_FAIL ("case `%s`: returned %d, err.code %d\n", c->name, r, err.code);
      else if (strstr (err.msg, c->error) == NULL)
        CASE_FAIL ("case `%s`: message `%s` does not mention `%s`\n", c->name, err.msg, c->error);
      goto out;
    }
  if (r < 0)
    {
      CASE_FAIL ("case `%s`: refused: %s\n", c->name, err.msg ? err.msg : "(no message)");
      goto out;
    }
  if (plan.bridge_rootfs != c->bridge)
    CASE_FAIL ("case `%s`: plan.bridge_rootfs %d, expected %d\n", c->name, (int) plan.bridge_rootfs, (int) c->bridge);
  assert_int_equal (hs_json_generate (spec, false, &out, NULL, &err), 0);
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->expect) && c->expect[i] != NULL; i++)
    if (strstr (out, c->expect[i]) == NULL)
      CASE_FAIL ("case `%s`: spec lacks %s:\n%s\n", c->name, c->expect[i], out);
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->lacks) && c->lacks[i] != NULL; i++)
    if (strstr (out, c->lacks[i]) != NULL)
      CASE_FAIL ("case `%s`: spec has %s:\n%s\n", c->name, c->lacks[i], out);
  buf = j.buf ? j.buf : "";
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->journal) && c->journal[i] != NULL; i++)
    if (strstr (buf, c->journal[i]) == NULL)
      CASE_FAIL ("case `%s`: journal lacks %s:\n%s\n", c->name, c->journal[i], buf);
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->unjournal) && c->unjournal[i] != NULL; i++)
    if (strstr (buf, c->unjournal[i]) != NULL)
      CASE_FAIL ("case `%s`: journal has %s:\n%s\n", c->name, c->unjournal[i], buf);
  if (c->audit_untouched)
    _check_audit_untouched (c, spec);
  _check_idempotent (c, spec, &policy, &host, out, &plan);
out:
  hs_error_release (&err);
  hs_journal_release (&j);
  hs_policy_release (&policy);
}

/* ---- namespaces joined by path (namespaces.h) ---------------------------- */

/* clang-format off */
#define CLASS_MAPS "{\"uidMappings\":[{\"containerID\":0,\"hostID\":1000000,\"size\":65536}]," \
                   "\"gidMappings\":[{\"containerID\":0,\"hostID\":2000000,\"size\":65536}]}"
#define JOIN_SPEC(ns) "{\"process\":{\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"rootfs\"}," \
                      "\"mounts\":[{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"}]," \
                      "\"linux\":{\"namespaces\":[" ns "]}}"

typedef struct
{
  const char *name;
  const char *spec;
  const char *join_maps; /* the joined user namespace's mapping, as the probe read it; NULL: none joined */
  bool netns;            /* a network namespace is joined... */
  bool netns_in_join;    /* ...and belongs to the joined user namespace */
  const char *expect[4];
  const char *lacks[3];
  bool join, enter, sysfs; /* the plan */
  const char *error;
} _join_case;

static const _join_case _join_cases[] = {
  { "an app of a CRI pod joins the sandbox's user namespace and inherits the pod network",
    JOIN_SPEC ("{\"type\":\"pid\"},{\"type\":\"ipc\",\"path\":\"/proc/7/ns/ipc\"},{\"type\":\"network\","
               "\"path\":\"/proc/7/ns/net\"},{\"type\":\"uts\"},{\"type\":\"mount\"}"),
    CLASS_MAPS, true, false,
    { "{\"type\":\"user\",\"path\":\"" HS_USERNS_PATH "\"}", "\"io.hardshim.ns.network\":\"/proc/7/ns/net\"",
      "\"source\":\"" HS_SYSFS_DIR "\"", "\"hostID\":1000000" },
    { "\"type\":\"network\"", "\"type\":\"sysfs\"" },
    true, true, true, NULL },
  { "docker --net=container:X: X's network namespace is in X's user namespace, sysfs mounts there",
    JOIN_SPEC ("{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/proc/7/ns/net\"},{\"type\":\"ipc\"},"
               "{\"type\":\"uts\"},{\"type\":\"mount\"}"),
    CLASS_MAPS, true, true,
    { "{\"type\":\"network\",\"path\":\"" HS_NS_DIR "/network\"}", "\"type\":\"sysfs\"",
      "\"io.hardshim.ns.network\":\"/proc/7/ns/net\"" },
    { HS_SYSFS_DIR },
    true, false, false, NULL },
  { "a CRI sandbox: a new user namespace in a network namespace of the host's gets hardshim's sysfs",
    JOIN_SPEC ("{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/run/netns/cni-1\"},{\"type\":\"ipc\"},"
               "{\"type\":\"uts\"},{\"type\":\"mount\"}"),
    NULL, true, false,
    { "{\"type\":\"user\"}", "\"source\":\"" HS_SYSFS_DIR "\",\"options\":[\"bind\",\"ro\",\"nosuid\",\"nodev\",\"noexec\"]",
      "{\"type\":\"network\",\"path\":\"" HS_NS_DIR "/network\"}", "\"io.hardshim.ns.network\":\"/proc/7/ns/net\"" },
    { HS_USERNS_PATH },
    false, false, true, NULL },
  { "a user namespace of another mapping (another class, another runtime) is refused",
    JOIN_SPEC ("{\"type\":\"ipc\",\"path\":\"/proc/7/ns/ipc\"}"),
    "{\"uidMappings\":[{\"containerID\":0,\"hostID\":1065536,\"size\":65536}],"
    "\"gidMappings\":[{\"containerID\":0,\"hostID\":2000000,\"size\":65536}]}",
    false, false, { NULL }, { NULL }, false, false, false, "belongs to a user namespace that is not class `default`'s" },
  { "a user namespace that maps host root is refused",
    JOIN_SPEC ("{\"type\":\"ipc\",\"path\":\"/proc/7/ns/ipc\"}"),
    "{\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":4294967295}],"
    "\"gidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":4294967295}]}",
    false, false, { NULL }, { NULL }, false, false, false, "not class `default`'s" },
  { "the host's own user namespace by path is refused",
    JOIN_SPEC ("{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}"), NULL, false, false,
    { NULL }, { NULL }, false, false, false, "joins the user namespace `/proc/1/ns/user`, the host's" },
  { "hardshim's own placeholder with nothing to join is decided again: a new user namespace",
    JOIN_SPEC (TU_NS_ENTRIES ",{\"type\":\"user\",\"path\":\"" HS_USERNS_PATH "\"}"), NULL, false, false,
    { "{\"type\":\"user\"}" }, { HS_USERNS_PATH }, false, false, false, NULL },
};
/* clang-format on */

/* As the probe (namespaces.h) has them: the other namespaces the spec joins
 * by path, none of them the host's (the network one is the case's); via is
 * a copy (the user measure rewrites the spec's path), freed by the caller. */
static void
_joined_by_path (hs_json spec, hs_host *host)
{
  static const char *const types[] = { "pid", "ipc", "uts", "mount", "cgroup" };
  hs_json namespaces = hs_json_get (hs_json_get (spec, "linux"), "namespaces");

  for (size_t i = 0; hs_json_is_array (namespaces) && i < hs_json_array_len (namespaces); i++)
    {
      hs_json ns = hs_json_at (namespaces, i), type = hs_json_get (ns, "type"), path = hs_json_get (ns, "path");
      for (size_t t = 0; hs_json_is_string (path) && t < HS_ARRAY_SIZE (types); t++)
        if (strcmp (hs_json_string (type), types[t]) == 0)
          host->joined[host->n_joined++] = (typeof (host->joined[0])){ .type = types[t],
                                                                       .via = xstrdup (hs_json_string (path)),
                                                                       .is_host = false };
    }
}

static void
test_join_table (void **state)
{
  (void) state;
  _failures = 0;
  for (size_t k = 0; k < HS_ARRAY_SIZE (_join_cases); k++)
    {
      const _join_case *c = &_join_cases[k];
      _cleanup_json_ hs_json spec = tu_parse (c->spec);
      _cleanup_json_ hs_json maps = c->join_maps ? tu_parse (c->join_maps) : NULL;
      _cleanup_free_ char *out = NULL;
      hs_host host = TU_HOST;
      hs_plan plan = { 0 };
      hs_policy policy;
      hs_journal j;
      hs_error err = { 0 };

      host.joins_userns = maps != NULL;
      host.join_maps = maps;
      host.join_userns_via = (char *) "/proc/7/ns/ipc";
      host.joins_netns = c->netns;
      host.netns_via = "/proc/7/ns/net";
      if (c->netns)
        host.joined[host.n_joined++]
            = (typeof (host.joined[0])){ .type = "network", .via = xstrdup ("/proc/7/ns/net") };
      _joined_by_path (spec, &host);
      host.netns_in_join_userns = c->netns_in_join;
      tu_policy ("{}", &policy);
      hs_journal_init (&j, "c1", NULL, "config.json", "create", false);
      int r = hs_harden (spec, NULL, "config.json", &policy, &host, &j, &plan, &err);
      if (c->error != NULL && (r >= 0 || strstr (err.msg, c->error) == NULL))
        CASE_FAIL ("case `%s`: want `%s`, got %d %s\n", c->name, c->error, r, err.msg ? err.msg : "");
      if (c->error == NULL && r < 0)
        CASE_FAIL ("case `%s`: refused: %s\n", c->name, err.msg);
      if (c->error == NULL && r == 0)
        {
          assert_int_equal (hs_json_generate (spec, false, &out, NULL, &err), 0);
          for (size_t i = 0; i < HS_ARRAY_SIZE (c->expect) && c->expect[i] != NULL; i++)
            if (strstr (out, c->expect[i]) == NULL)
              CASE_FAIL ("case `%s`: spec lacks %s:\n%s\n", c->name, c->expect[i], out);
          for (size_t i = 0; i < HS_ARRAY_SIZE (c->lacks) && c->lacks[i] != NULL; i++)
            if (strstr (out, c->lacks[i]) != NULL)
              CASE_FAIL ("case `%s`: spec has %s:\n%s\n", c->name, c->lacks[i], out);
          if (plan.join_userns != c->join || plan.enter_netns != c->enter || plan.sysfs_netns != c->sysfs)
            CASE_FAIL ("case `%s`: plan join %d enter %d sysfs %d\n", c->name, plan.join_userns, plan.enter_netns,
                       plan.sysfs_netns);
          /* Hardening it again (found by tests/fuzz): the same spec, and no
           * change journaled (the pins, the join, the class's mapping). */
          {
            _cleanup_free_ char *again = NULL;
            hs_journal j2;
            hs_plan plan2 = { 0 };
            hs_journal_init (&j2, "c1", NULL, "config.json", "create", false);
            if (hs_harden (spec, NULL, "config.json", &policy, &host, &j2, &plan2, &err) < 0)
              CASE_FAIL ("case `%s`: the second pass failed: %s\n", c->name, err.msg);
            else
              {
                assert_int_equal (hs_json_generate (spec, false, &again, NULL, &err), 0);
                if (strcmp (out, again) != 0)
                  CASE_FAIL ("case `%s`: the second pass changed the spec:\n%s\n%s\n", c->name, out, again);
                if (j2.buf != NULL
                    && (strstr (j2.buf, "\"action\":\"changed\"") || strstr (j2.buf, "\"action\":\"added\"")
                        || strstr (j2.buf, "\"action\":\"removed\"")))
                  CASE_FAIL ("case `%s`: the second pass journaled a change:\n%s\n", c->name, j2.buf);
                if (plan2.join_userns != c->join)
                  CASE_FAIL ("case `%s`: the second pass does not join\n", c->name);
              }
            hs_journal_release (&j2);
          }
        }
      for (size_t i = 0; i < host.n_joined; i++)
        free (host.joined[i].via);
      hs_error_release (&err);
      hs_journal_release (&j);
      hs_policy_release (&policy);
    }
  assert_int_equal (_failures, 0);
}

static void
test_userns_table (void **state)
{
  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_userns_cases); c++)
    _check_userns_case (&_userns_cases[c]);
  assert_int_equal (_failures, 0);
}

/* The kernel's limit of 340 lines per map: 340 entries of one id each,
 * inside the class's range, are kept; one more is refused. */
static char *
_many_lines (size_t n)
{
  _cleanup_free_ char *u = xstrdup (""), *g = xstrdup ("");

  for (size_t i = 0; i < n; i++)
    {
      /* MAP stringifies its arguments: a formatter's "% zu" would be in the text */
      /* clang-format off */
      char *nu = xasprintf ("%s%s" MAP (%zu, %zu, 1), u, i ? "," : "", i, 1000000 + i);
      char *ng = xasprintf ("%s%s" MAP (%zu, %zu, 1), g, i ? "," : "", i, 2000000 + i);
      /* clang-format on */
      free (u), free (g);
      u = nu, g = ng;
    }
  return xasprintf ("{" ROOT_USER ",\"linux\":{\"namespaces\":[" TU_NS_ENTRIES
                    ",{\"type\":\"user\"}],\"uidMappings\":[%s],"
                    "\"gidMappings\":[%s]}}",
                    u, g);
}

static void
test_userns_map_lines (void **state)
{
  _cleanup_free_ char *ok = _many_lines (340), *over = _many_lines (341);
  const _userns_case cases[] = {
    { .name = "340 lines kept",
      .policy = "{}",
      .spec = ok,
      .bridge = false,
      .expect = { "\"user\":{\"uid\":339,\"gid\":339}" },
      .journal = { J_UIDS ("kept"), J_GIDS ("kept") } },
    { .name = "341 lines refused",
      .policy = "{}",
      .spec = over,
      .error = "/linux/uidMappings has 341 entries, the kernel takes at most 340" },
  };

  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (cases); c++)
    _check_userns_case (&cases[c]);
  assert_int_equal (_failures, 0);
}

/* ---- device node names (devices.h) ------------------------------------- */

static void
test_devnode_names (void **state)
{
  static const char *const bad[] = {
    "/tmp/c-1-3-0666-0-0",
    HS_DEVICES_DIR "/x-1-3-0666-0-0",
    HS_DEVICES_DIR "/c-1-3-0666-0",
    HS_DEVICES_DIR "/c-1-3-0666-0-0x",
    HS_DEVICES_DIR "/c-01-3-0666-0-0",
    HS_DEVICES_DIR "/c- 1-3-0666-0-0",
    HS_DEVICES_DIR "/c--1-3-0666-0-0",
    HS_DEVICES_DIR "/c-1-3-10000-0-0",
    HS_DEVICES_DIR "/c-1-3-666-0-0",
    HS_DEVICES_DIR "/../c-1-3-0666-0-0",
    /* 32-bit numbers, no wrap-around; 4 octal digits; no sign, space or empty field */
    HS_DEVICES_DIR "/c-4294967296-3-0666-0-0",
    HS_DEVICES_DIR "/c-1-3-0666-0-4294967296",
    HS_DEVICES_DIR "/c-1-3-0666-18446744073709551616-0",
    HS_DEVICES_DIR "/c-1-3-0668-0-0",
    HS_DEVICES_DIR "/c-+1-3-0666-0-0",
    HS_DEVICES_DIR "/c-1 -3-0666-0-0",
    HS_DEVICES_DIR "/c-1-3-0666-0-0 ",
    HS_DEVICES_DIR "/c-1-3-+666-0-0",
    HS_DEVICES_DIR "/c-1-3-0666-0-",
    HS_DEVICES_DIR "/c-1-3-0666-0-0-",
    HS_DEVICES_DIR "/c-1-3-0666--0",
    HS_DEVICES_DIR "/c-1-3-0666-0-0-0",
    HS_DEVICES_DIR "/c",
    HS_DEVICES_DIR "/",
    HS_DEVICES_DIR "/c1-3-0666-0-0",
    HS_DEVICES_DIR "/cc-1-3-0666-0-0",
  };
  hs_devnode top
      = { .type = 'p', .major = UINT32_MAX, .minor = UINT32_MAX, .mode = 07777, .uid = UINT32_MAX, .gid = UINT32_MAX };
  _cleanup_free_ char *top_src = hs_devnode_source (&top);
  hs_devnode n = { .type = 'b', .major = 8, .minor = 16, .mode = 0640, .uid = 0, .gid = 6 }, back;
  _cleanup_free_ char *src = hs_devnode_source (&n);

  assert_string_equal (src, HS_DEVICES_DIR "/b-8-16-0640-0-6");
  assert_int_equal (hs_devnode_parse (src, &back), 0);
  assert_true (back.type == n.type && back.major == n.major && back.minor == n.minor && back.mode == n.mode
               && back.uid == n.uid && back.gid == n.gid);
  for (size_t i = 0; i < HS_ARRAY_SIZE (bad); i++)
    if (hs_devnode_parse (bad[i], &back) != -EINVAL)
      fail_msg ("`%s` parsed", bad[i]);
  /* the largest numbers parse back */
  assert_string_equal (top_src, HS_DEVICES_DIR "/p-4294967295-4294967295-7777-4294967295-4294967295");
  assert_int_equal (hs_devnode_parse (top_src, &back), 0);
  assert_true (back.type == 'p' && back.major == UINT32_MAX && back.minor == UINT32_MAX && back.mode == 07777
               && back.uid == UINT32_MAX && back.gid == UINT32_MAX);
}

/* Mount points: made for each destination that no earlier mount covers
 * (the runtime makes those inside that mount), however many mounts. */
static void
test_mountpoints_below_earlier (void **state)
{
  static const struct
  {
    const char *mounts; /* JSON array of destinations */
    const char *made;   /* joined with ' ' */
  } cases[] = {
    { "[\"/dev\",\"/dev/pts\",\"/a/b\",\"/a\",\"/a/c\",\"//dev//z\",\"/devices\",\"/dev\",\"/a/b/c\"]",
      "/dev /a/b /devices" },
    /* /a/b/c is below /a/b (index 2) as well as /a (index 3) */
    { "[\"/x/y\",\"/x\",\"/x/y/z\",\"/./x/w\"]", "/x/y" },
    /* a later mount does not cover an earlier one */
    { "[\"/p/q\",\"/p\"]", "/p/q" },
    /* a mount on / covers every later one */
    { "[\"/p\",\"/\",\"/q\",\"/r/s\"]", "/p" },
    { "[\"/m\",7,\"/m/n\",{},\"/o\"]", "/m /o" },
  };

  if (getenv ("HS_UNDER_VALGRIND") != NULL)
    {
      print_message ("SKIP: valgrind 3.19 does not know openat2, which mount-point creation uses\n");
      skip ();
    }
  for (size_t c = 0; c < HS_ARRAY_SIZE (cases); c++)
    {
      _cleanup_free_ char *dir = tu_mkdtemp ();
      _cleanup_free_ char *rootfs = xasprintf ("%s/rootfs", dir);
      _cleanup_json_ hs_json dests = tu_parse (cases[c].mounts);
      _cleanup_json_ hs_json spec = hs_json_new_object ();
      _cleanup_free_ char *joined = NULL;
      hs_json mounts = hs_json_new_array ();
      hs_strv made = { 0 };
      hs_error err = { 0 };

      assert_int_equal (mkdir (rootfs, 0755), 0);
      for (size_t i = 0; i < hs_json_array_len (dests); i++)
        {
          hs_json m = hs_json_new_object ();
          hs_json_object_set (m, "destination", hs_json_copy (hs_json_at (dests, i)));
          hs_json_object_set (m, "type", hs_json_new_string ("tmpfs"));
          hs_json_array_append (mounts, m);
        }
      hs_json_object_set (spec, "mounts", mounts);
      if (hs_mountpoints_create (spec, rootfs, dir, &made, &err) < 0)
        fail_msg ("case %zu: %s", c, err.msg);
      joined = hs_strv_join (&made, " ");
      if (strcmp (joined, cases[c].made) != 0)
        fail_msg ("case %zu: made `%s`, expected `%s`", c, joined, cases[c].made);
      hs_strv_release (&made);
      tu_rmtree (dir);
    }
}

/* The directory made for a tmpfs gets its "mode=" as the kernel reads it
 * (an optional '+', octal, 32 bits, then the permission bits; the last
 * one counts), else 1777. */
static void
test_mountpoints_tmpfs_mode (void **state)
{
  static const struct
  {
    const char *options; /* JSON array */
    mode_t mode;
  } cases[] = {
    { "[]", 01777 },
    { "[\"mode=755\"]", 0755 },
    { "[\"nosuid\",\"mode=0700\",\"size=64k\"]", 0700 },
    { "[\"mode=7777\"]", 07777 },
    { "[\"mode=+750\"]", 0750 },
    { "[\"mode=755\\n\"]", 0755 },
    { "[\"mode=10755\"]", 0755 },
    { "[\"mode=37777777777\"]", 07777 }, /* 2^32 - 1 */
    { "[\"mode=40000000000\"]", 01777 }, /* 2^32: the kernel refuses it */
    { "[\"mode=00000000000000000000000000750\"]", 0750 },
    { "[\"mode=700\",\"mode=750\"]", 0750 },
    { "[\"mode=\"]", 01777 },
    { "[\"mode= 755\"]", 01777 },
    { "[\"mode=755 \"]", 01777 },
    { "[\"mode=-755\"]", 01777 },
    { "[\"mode=++755\"]", 01777 },
    { "[\"mode=0x1ff\"]", 01777 },
    { "[\"mode=8\"]", 01777 },
    { "[\"mode=755\\n\\n\"]", 01777 },
  };

  if (getenv ("HS_UNDER_VALGRIND") != NULL)
    {
      print_message ("SKIP: valgrind 3.19 does not know openat2, which mount-point creation uses\n");
      skip ();
    }
  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (cases); c++)
    {
      _cleanup_free_ char *dir = tu_mkdtemp ();
      _cleanup_free_ char *rootfs = xasprintf ("%s/rootfs", dir);
      _cleanup_free_ char *m = xasprintf ("%s/m", rootfs);
      _cleanup_free_ char *text = xasprintf ("{\"mounts\":[{\"destination\":\"/m\",\"type\":\"tmpfs\","
                                             "\"source\":\"tmpfs\",\"options\":%s}]}",
                                             cases[c].options);
      _cleanup_json_ hs_json spec = tu_parse (text);
      hs_strv made = { 0 };
      hs_error err = { 0 };
      struct stat st;

      assert_int_equal (mkdir (rootfs, 0755), 0);
      if (hs_mountpoints_create (spec, rootfs, dir, &made, &err) < 0)
        fail_msg ("%s: %s", cases[c].options, err.msg);
      hs_strv_release (&made);
      assert_int_equal (stat (m, &st), 0);
      if ((st.st_mode & 07777) != cases[c].mode)
        CASE_FAIL ("%s: mode %04o, expected %04o\n", cases[c].options, (unsigned) (st.st_mode & 07777),
                   (unsigned) cases[c].mode);
      tu_rmtree (dir);
    }
  assert_int_equal (_failures, 0);
}

/* ---- the child parked in a new user namespace --------------------------- */

/* Write over the stack below the caller, as later calls do. */
static int __attribute__ ((noinline)) _scribble (int fd)
{
  volatile int junk[4096];

  for (size_t i = 0; i < HS_ARRAY_SIZE (junk); i++)
    junk[i] = fd;
  return junk[7];
}

/* The child shares hardshim's memory: it must not depend on the frame
 * that started it.  After the frame is overwritten (with the number of a
 * descriptor the parent reads), the child is still parked, the parent's
 * pipe keeps its byte, the child's uid_map can be written, and stop lets
 * it exit 0. */
static void
test_userns_child_parked (void **state)
{
  hs_userns_child c;
  hs_error err = { 0 };
  int p[2], status;
  char b = 0, path[64];
  pid_t pid;

  if (geteuid () != 0)
    skip ();
  if (getenv ("HS_UNDER_VALGRIND") != NULL)
    {
      print_message ("SKIP: valgrind 3.19 runs no clone () but threads, fork and vfork (CLONE_VM without them)\n");
      skip ();
    }
  assert_int_equal (pipe2 (p, O_CLOEXEC), 0);
  assert_int_equal (hs_userns_child_start (-1, "the test", &c, &err), 0);
  pid = c.pid;
  assert_true (pid > 0);
  assert_int_equal (_scribble (p[0]), p[0]);
  usleep (20000);
  assert_int_equal (waitpid (pid, &status, WNOHANG), 0); /* still parked */
  assert_int_equal (write (p[1], "x", 1), 1);
  snprintf (path, sizeof path, "/proc/%d/uid_map", (int) pid);
  {
    _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
    assert_true (fd >= 0);
    assert_int_equal (write (fd, "0 1000000 1\n", 12), 12);
  }
  assert_int_equal (read (p[0], &b, 1), 1); /* the child did not take it */
  assert_int_equal (b, 'x');
  hs_userns_child_stop (&c);
  assert_int_equal (c.pid, -1);
  assert_null (c.stack);
  assert_int_equal (waitpid (pid, &status, WNOHANG), -1); /* reaped by stop */
  close (p[0]);
  close (p[1]);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_subid_pick_table),
    cmocka_unit_test (test_policy_classes_table),
    cmocka_unit_test (test_policy_subids_missing_file),
    cmocka_unit_test (test_userns_table),
    cmocka_unit_test (test_join_table),
    cmocka_unit_test (test_userns_map_lines),
    cmocka_unit_test (test_devnode_names),
    cmocka_unit_test (test_mountpoints_below_earlier),
    cmocka_unit_test (test_mountpoints_tmpfs_mode),
    cmocka_unit_test (test_userns_child_parked),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
