/* SPDX-License-Identifier: Apache-2.0 */
/* hs_policy_parse as a table of cases, and hs_policy_load / hs_policy_path
 * with HARDSHIM_POLICY. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "policy/policy.h"
#include "policy/policy_allow.h"
#include "seccomp/seccomp_profile.h"
#include "base/util.h"

#include <errno.h>
#include <inttypes.h>
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

/* A class ci matched by program, with more keys; and one with only its match given. */
/* clang-format off */
#define CI(more)                                                                                                       \
  "{\"classes\":{\"ci\":{\"match\":{\"program\":\"hardshim-ci\"},\"user\":{\"subid_owner\":\"hardshim-ci\"}," more "}" \
                                                                                                                   "}" \
                                                                                                                   "}"
/* clang-format on */
#define CLASS_MATCH(m) "{\"classes\":{\"ci\":{\"match\":{" m "},\"user\":{\"subid_owner\":\"hardshim-ci\"}}}}"

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
  GOOD ("seccomp profile by name", "{\"seccomp\":{\"profile\":\"web-1.2_x\"}}",
        .seccomp = HS_SECCOMP_DIR "/web-1.2_x.json"),
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

  /* allow: the key path in every message */
  GOOD ("empty allow and resources", "{\"allow\":{},\"resources\":{}}", .mode = HS_MODE_ENFORCE),
  BAD ("allow not an object", "{\"allow\":[\"network\"]}", "`allow` is an array, expected an object"),
  BAD ("unknown key allow.privileged", "{\"allow\":{\"privileged\":true}}", "unknown key `allow.privileged`"),
  BAD ("allow.namespaces a string", "{\"allow\":{\"namespaces\":\"network\"}}", "`allow.namespaces` is a string"),
  BAD ("allow.namespaces: user", "{\"allow\":{\"namespaces\":[\"network\",\"user\"]}}",
       "`allow.namespaces[1]` must be `pid`, `network`, `ipc`, `uts` or `mount`, got `user`"),
  BAD ("allow.namespaces: cgroup", "{\"allow\":{\"namespaces\":[\"cgroup\"]}}", "`allow.namespaces[0]` must be"),
  BAD ("allow.namespaces: docker's spelling net", "{\"allow\":{\"namespaces\":[\"net\"]}}", "got `net`"),
  BAD ("allow.namespaces: capitals", "{\"allow\":{\"namespaces\":[\"PID\"]}}", "got `PID`"),
  BAD ("allow.namespaces: a number", "{\"allow\":{\"namespaces\":[1]}}", "`allow.namespaces[0]` is a number"),
  BAD ("allow.binds an object", "{\"allow\":{\"binds\":{}}}", "`allow.binds` is an object, expected an array"),
  BAD ("allow.binds[0] a string", "{\"allow\":{\"binds\":[\"/run/docker.sock\"]}}",
       "`allow.binds[0]` is a string, expected an object"),
  BAD ("allow.binds[1] without source", "{\"allow\":{\"binds\":[{\"source\":\"/a\"},{\"readonly\":true}]}}",
       "`allow.binds[1].source` is missing"),
  BAD ("bind source relative", "{\"allow\":{\"binds\":[{\"source\":\"run/docker.sock\"}]}}",
       "`allow.binds[0].source` must be an absolute path, got `run/docker.sock`"),
  BAD ("bind source empty", "{\"allow\":{\"binds\":[{\"source\":\"\"}]}}",
       "`allow.binds[0].source` must be an absolute"),
  BAD ("bind source with ..", "{\"allow\":{\"binds\":[{\"source\":\"/var/run/../run/docker.sock\"}]}}",
       "`allow.binds[0].source` must be a clean path (no `.`, `..`, `//` or trailing `/`), got "
       "`/var/run/../run/docker.sock`"),
  BAD ("bind source /..", "{\"allow\":{\"binds\":[{\"source\":\"/..\"}]}}", "must be a clean path"),
  BAD ("bind source with .", "{\"allow\":{\"binds\":[{\"source\":\"/./var\"}]}}", "must be a clean path"),
  BAD ("bind source with //", "{\"allow\":{\"binds\":[{\"source\":\"/var//run\"}]}}", "must be a clean path"),
  BAD ("bind source //", "{\"allow\":{\"binds\":[{\"source\":\"//\"}]}}", "must be a clean path"),
  BAD ("bind source with a trailing /", "{\"allow\":{\"binds\":[{\"source\":\"/var/run/\"}]}}", "must be a clean path"),
  BAD ("bind source a number", "{\"allow\":{\"binds\":[{\"source\":1}]}}", "`allow.binds[0].source` is a number"),
  BAD ("bind readonly a string", "{\"allow\":{\"binds\":[{\"source\":\"/a\",\"readonly\":\"yes\"}]}}",
       "`allow.binds[0].readonly` is a string, expected a boolean"),
  BAD ("bind with a destination", "{\"allow\":{\"binds\":[{\"source\":\"/a\",\"destination\":\"/b\"}]}}",
       "unknown key `allow.binds[0].destination`"),
  BAD ("device without type", "{\"allow\":{\"devices\":[{\"major\":10,\"minor\":200}]}}",
       "`allow.devices[0].type` is missing"),
  BAD ("device type a (all)", "{\"allow\":{\"devices\":[{\"type\":\"a\",\"major\":10,\"minor\":200}]}}",
       "`allow.devices[0].type` must be `c` (character) or `b` (block), got `a`"),
  BAD ("device type p", "{\"allow\":{\"devices\":[{\"type\":\"p\",\"major\":0,\"minor\":0}]}}", "got `p`"),
  BAD ("device type C", "{\"allow\":{\"devices\":[{\"type\":\"C\",\"major\":10,\"minor\":200}]}}", "got `C`"),
  BAD ("device type cb", "{\"allow\":{\"devices\":[{\"type\":\"cb\",\"major\":10,\"minor\":200}]}}", "got `cb`"),
  BAD ("device type empty", "{\"allow\":{\"devices\":[{\"type\":\"\",\"major\":10,\"minor\":200}]}}", "got ``"),
  BAD ("device without major", "{\"allow\":{\"devices\":[{\"type\":\"c\",\"minor\":200}]}}",
       "`allow.devices[0].major` is missing, expected a number"),
  BAD ("device without minor (not a wildcard)", "{\"allow\":{\"devices\":[{\"type\":\"b\",\"major\":7}]}}",
       "`allow.devices[0].minor` is missing"),
  BAD ("device major -1 (runc's wildcard)", "{\"allow\":{\"devices\":[{\"type\":\"b\",\"major\":-1,\"minor\":0}]}}",
       "`allow.devices[0].major` must be a whole number below 4294967296, got -1"),
  BAD ("device major 2^32", "{\"allow\":{\"devices\":[{\"type\":\"b\",\"major\":4294967296,\"minor\":0}]}}",
       "`allow.devices[0].major` must be a whole number below 4294967296"),
  BAD ("device minor 1.0", "{\"allow\":{\"devices\":[{\"type\":\"b\",\"major\":7,\"minor\":1.0}]}}",
       "`allow.devices[0].minor` must be a whole number"),
  BAD ("device minor a string", "{\"allow\":{\"devices\":[{\"type\":\"b\",\"major\":7,\"minor\":\"0\"}]}}",
       "`allow.devices[0].minor` is a string, expected a number"),
  BAD ("device access empty", "{\"allow\":{\"devices\":[{\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"\"}]}}",
       "`allow.devices[0].access` is empty"),
  BAD ("device access rwx", "{\"allow\":{\"devices\":[{\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwx\"}]}}",
       "`allow.devices[0].access` must be letters of `rwm`, each once, got `rwx`"),
  BAD ("device access rr", "{\"allow\":{\"devices\":[{\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rr\"}]}}",
       "got `rr`"),
  BAD ("device access RW", "{\"allow\":{\"devices\":[{\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"RW\"}]}}",
       "got `RW`"),
  BAD ("device access a list",
       "{\"allow\":{\"devices\":[{\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":[\"r\"]}]}}",
       "`allow.devices[0].access` is an array"),
  BAD ("device by path", "{\"allow\":{\"devices\":[{\"type\":\"b\",\"major\":7,\"minor\":0,\"path\":\"/dev/loop0\"}]}}",
       "unknown key `allow.devices[0].path`"),
  BAD ("second device wrong", "{\"allow\":{\"devices\":[{\"type\":\"c\",\"major\":1,\"minor\":3},{\"type\":\"b\"}]}}",
       "`allow.devices[1].major` is missing"),
  BAD ("hooks a string", "{\"allow\":{\"hooks\":\"/usr/bin/x\"}}", "`allow.hooks` is a string"),
  BAD ("hook relative", "{\"allow\":{\"hooks\":[\"/usr/bin/x\",\"x\"]}}",
       "`allow.hooks[1]` must be an absolute path, got `x`"),
  BAD ("hook with ..", "{\"allow\":{\"hooks\":[\"/usr/libexec/../../tmp/x\"]}}",
       "`allow.hooks[0]` must be a clean path"),
  BAD ("hook /", "{\"allow\":{\"hooks\":[\"/\"]}}", "`allow.hooks[0]` must name a program, got `/`"),
  BAD ("hook a number", "{\"allow\":{\"hooks\":[1]}}", "`allow.hooks[0]` is a number"),

  /* resources */
  BAD ("resources not an object", "{\"resources\":4096}", "`resources` is a number, expected an object"),
  BAD ("unknown key resources.memory", "{\"resources\":{\"memory\":1}}", "unknown key `resources.memory`"),
  BAD ("pids negative", "{\"resources\":{\"pids\":-1}}",
       "`resources.pids` must be a whole number (0: add no limit), got -1"),
  BAD ("pids a fraction", "{\"resources\":{\"pids\":1.5}}", "`resources.pids` must be a whole number"),
  BAD ("pids in exponent form", "{\"resources\":{\"pids\":4e3}}", "`resources.pids` must be a whole number"),
  BAD ("pids a string", "{\"resources\":{\"pids\":\"4096\"}}", "`resources.pids` is a string, expected a number"),
  BAD ("pids above int64", "{\"resources\":{\"pids\":9223372036854775808}}", "`resources.pids` must be a whole number"),
  BAD ("oom_score_adj_min below -1000", "{\"resources\":{\"oom_score_adj_min\":-1001}}",
       "`resources.oom_score_adj_min` must be an integer from -1000 to 1000, got -1001"),
  BAD ("oom_score_adj_min above 1000", "{\"resources\":{\"oom_score_adj_min\":1001}}", "got 1001"),
  BAD ("oom_score_adj_min huge", "{\"resources\":{\"oom_score_adj_min\":-99999999999999999999999}}",
       "`resources.oom_score_adj_min` must be an integer"),
  BAD ("oom_score_adj_min above int64", "{\"resources\":{\"oom_score_adj_min\":9223372036854775808}}",
       "got 9223372036854775808"),
  BAD ("oom_score_adj_min 2^64 + 1000 (no wrap-around)", "{\"resources\":{\"oom_score_adj_min\":18446744073709552616}}",
       "got 18446744073709552616"),
  BAD ("oom_score_adj_min in exponent form", "{\"resources\":{\"oom_score_adj_min\":-1e3}}", "got -1e3"),
  BAD ("oom_score_adj_min a fraction", "{\"resources\":{\"oom_score_adj_min\":-0.5}}", "got -0.5"),
  BAD ("oom_score_adj_min a string", "{\"resources\":{\"oom_score_adj_min\":\"-500\"}}",
       "`resources.oom_score_adj_min` is a string"),
  BAD ("rlimits an array", "{\"resources\":{\"rlimits\":[]}}", "`resources.rlimits` is an array, expected an object"),
  BAD ("unknown rlimit", "{\"resources\":{\"rlimits\":{\"RLIMIT_FOO\":1}}}",
       "unknown rlimit `resources.rlimits.RLIMIT_FOO`"),
  BAD ("rlimit without RLIMIT_", "{\"resources\":{\"rlimits\":{\"NOFILE\":1}}}",
       "unknown rlimit `resources.rlimits.NOFILE`"),
  BAD ("rlimit in lower case", "{\"resources\":{\"rlimits\":{\"rlimit_nofile\":1}}}", "unknown rlimit"),
  BAD ("rlimit negative", "{\"resources\":{\"rlimits\":{\"RLIMIT_NOFILE\":-1}}}",
       "`resources.rlimits.RLIMIT_NOFILE` must be a whole number up to 18446744073709551615, got -1"),
  BAD ("rlimit 2^64", "{\"resources\":{\"rlimits\":{\"RLIMIT_CORE\":18446744073709551616}}}",
       "`resources.rlimits.RLIMIT_CORE` must be a whole number"),
  BAD ("rlimit soft/hard object", "{\"resources\":{\"rlimits\":{\"RLIMIT_NOFILE\":{\"hard\":1}}}}",
       "`resources.rlimits.RLIMIT_NOFILE` is an object, expected a number"),
  BAD ("rlimit null", "{\"resources\":{\"rlimits\":{\"RLIMIT_NOFILE\":null}}}",
       "`resources.rlimits.RLIMIT_NOFILE` is null"),
  BAD ("rlimit named twice", "{\"resources\":{\"rlimits\":{\"RLIMIT_NOFILE\":1,\"RLIMIT_NOFILE\":2}}}",
       "duplicate key `RLIMIT_NOFILE`"),

  /* a class's allow, resources and match */
  BAD ("class allow: the class's key path", CI ("\"allow\":{\"devices\":[{\"type\":\"c\",\"major\":1.5,\"minor\":1}]}"),
       "`classes.ci.allow.devices[0].major` must be a whole number"),
  BAD ("class allow unknown key", CI ("\"allow\":{\"capabilities\":[]}"),
       "unknown key `classes.ci.allow.capabilities`"),
  BAD ("class resources: the class's key path", CI ("\"resources\":{\"rlimits\":{\"RLIMIT_X\":1}}"),
       "unknown rlimit `classes.ci.resources.rlimits.RLIMIT_X`"),
  BAD ("class resources pids", CI ("\"resources\":{\"pids\":true}"), "`classes.ci.resources.pids` is a boolean"),
  BAD ("class resources not an object", CI ("\"resources\":[]"), "`classes.ci.resources` is an array"),
  BAD ("match.program with a /", CLASS_MATCH ("\"program\":\"/usr/bin/hardshim-ci\""),
       "`classes.ci.match.program` must be a program's file name (no `/`), got `/usr/bin/hardshim-ci`"),
  BAD ("match.program empty", CLASS_MATCH ("\"program\":\"\""), "`classes.ci.match.program` must be a program's"),
  BAD ("match.program ..", CLASS_MATCH ("\"program\":\"..\""), "`classes.ci.match.program` must be a program's"),
  BAD ("match.program a list", CLASS_MATCH ("\"program\":[\"hardshim-ci\"]"), "`classes.ci.match.program` is an array"),
  BAD ("match.image empty", CLASS_MATCH ("\"program\":\"x\",\"image\":\"\""), "`classes.ci.match.image` is empty"),
  BAD ("match.image a number", CLASS_MATCH ("\"program\":\"x\",\"image\":24"), "`classes.ci.match.image` is a number"),
  BAD ("match.image alone would select every sandbox", CLASS_MATCH ("\"image\":\"docker:24\""),
       "`classes.ci.match` has only `image`: give `annotation` or `program` with it"),
  BAD ("match without conditions", CLASS_MATCH (""), "`classes.ci.match` has no condition"),
  BAD ("match.annotation empty value still needs KEY=", CLASS_MATCH ("\"program\":\"x\",\"annotation\":\"k\""),
       "`classes.ci.match.annotation` must be `KEY=VALUE`, got `k`"),
  BAD ("two classes, one program",
       "{\"classes\":{\"a\":{\"match\":{\"program\":\"hs-a\"},\"user\":{\"subid_owner\":\"a\"}},"
       "\"b\":{\"match\":{\"program\":\"hs-a\"},\"user\":{\"subid_owner\":\"b\"}}}}",
       "classes `a` and `b` have the same match"),
  BAD ("two classes, one program and image",
       "{\"classes\":{\"a\":{\"match\":{\"program\":\"p\",\"image\":\"i\"},\"user\":{\"subid_owner\":\"a\"}},"
       "\"b\":{\"match\":{\"image\":\"i\",\"program\":\"p\"},\"user\":{\"subid_owner\":\"b\"}}}}",
       "classes `a` and `b` have the same match"),
  GOOD ("two classes, one annotation, other programs",
        "{\"classes\":{\"a\":{\"match\":{\"annotation\":\"k=v\",\"program\":\"p\"},\"user\":{\"subid_owner\":\"a\"}},"
        "\"b\":{\"match\":{\"annotation\":\"k=v\",\"program\":\"q\"},\"user\":{\"subid_owner\":\"b\"}}}}",
        .mode = HS_MODE_ENFORCE),
  GOOD ("two classes, one annotation, one with an image",
        "{\"classes\":{\"a\":{\"match\":{\"annotation\":\"k=v\"},\"user\":{\"subid_owner\":\"a\"}},"
        "\"b\":{\"match\":{\"annotation\":\"k=v\",\"image\":\"i\"},\"user\":{\"subid_owner\":\"b\"}}}}",
        .mode = HS_MODE_ENFORCE),

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
    CASE_FAIL ("case `%s`: mode %d, expected %d\n", t->name, (int) p.mode, (int) t->mode);
  if (p.uid != uid || p.gid != gid)
    CASE_FAIL ("case `%s`: uid/gid %u/%u, expected %u/%u\n", t->name, p.uid, p.gid, uid, gid);
  if (p.readonly_rootfs != !t->writable)
    CASE_FAIL ("case `%s`: readonly_rootfs %d\n", t->name, (int) p.readonly_rootfs);
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

/* A release takes an empty value: zeroed, or released already (hs_policy,
 * hs_allow, hs_resources and the base ones they hold, hs_strv and hs_error). */
static void
test_release_empty (void **state)
{
  const char *text = "{\"capabilities\":{\"allow\":[\"kill\"]}}";
  hs_policy p = { 0 };
  hs_allow a = { 0 };
  hs_resources res = { 0 };
  hs_strv s = { 0 };
  hs_error err = { 0 };

  hs_policy_release (&p);
  hs_policy_release (&p);
  assert_int_equal (hs_policy_parse (text, strlen (text), "t", &p, &err), 0);
  hs_policy_release (&p);
  hs_policy_release (&p);
  hs_policy_allow_release (&a);
  hs_strv_add (&a.hooks, xstrdup ("/x"));
  hs_policy_allow_release (&a);
  hs_policy_allow_release (&a);
  hs_policy_resources_release (&res);
  hs_policy_resources_defaults (&res);
  hs_policy_resources_release (&res);
  hs_policy_resources_release (&res);
  hs_strv_release (&s);
  hs_strv_add (&s, xstrdup ("a"));
  hs_strv_release (&s);
  hs_strv_release (&s);
  hs_error_release (&err);
  hs_error_set (&err, EINVAL, "x");
  hs_error_release (&err);
  hs_error_release (&err);
  {
    _cleanup_policy_ hs_policy q = { 0 };
    _cleanup_allow_ hs_allow b = { 0 };
    _cleanup_resources_ hs_resources r = { 0 };
    _cleanup_strv_ hs_strv t = { 0 };
    _cleanup_error_ hs_error e = { 0 };
    assert_int_equal (hs_policy_parse (text, strlen (text), "t", &q, &e), 0);
    hs_strv_add (&b.hooks, xstrdup ("/x"));
    hs_policy_resources_defaults (&r);
    hs_strv_add (&t, xstrdup ("a"));
    hs_error_set (&e, EINVAL, "x");
  }
}

/* ---- allow and resources, as each class ends up ---------------------------- */

/* "ns=[pid,network] binds=[/a ro] devices=[b 7:0 rw] hooks=[/x]" */
static char *
_show_allow (const hs_allow *a)
{
  static const char *const ns[] = { "pid", "network", "ipc", "uts", "mount" };
  hs_strv parts = { 0 }, items = { 0 };
  char *joined, *out;

  for (size_t i = 0; i < HS_ARRAY_SIZE (ns); i++)
    if (a->namespaces & (1u << i))
      hs_strv_add (&items, xstrdup (ns[i]));
  joined = hs_strv_join (&items, ",");
  hs_strv_add (&parts, xasprintf ("ns=[%s]", joined));
  free (joined);
  hs_strv_release (&items);
  for (size_t i = 0; i < a->nbinds; i++)
    hs_strv_add (&items, xasprintf ("%s %s", a->binds[i].source, a->binds[i].readonly ? "ro" : "rw"));
  joined = hs_strv_join (&items, ",");
  hs_strv_add (&parts, xasprintf ("binds=[%s]", joined));
  free (joined);
  hs_strv_release (&items);
  for (size_t i = 0; i < a->ndevices; i++)
    hs_strv_add (&items, xasprintf ("%c %" PRIu32 ":%" PRIu32 " %s", a->devices[i].type, a->devices[i].major,
                                    a->devices[i].minor, a->devices[i].access));
  joined = hs_strv_join (&items, ",");
  hs_strv_add (&parts, xasprintf ("devices=[%s]", joined));
  free (joined);
  hs_strv_release (&items);
  joined = hs_strv_join (&a->hooks, ",");
  hs_strv_add (&parts, xasprintf ("hooks=[%s]", joined));
  free (joined);
  out = hs_strv_join (&parts, " ");
  hs_strv_release (&parts);
  return out;
}

/* "pids=4096 oom=0 NOFILE=1048576 MEMLOCK=67108864 RTPRIO=0 NICE=0", rlimits in order */
static char *
_show_resources (const hs_resources *r)
{
  hs_strv parts = { 0 };
  char *out;

  hs_strv_add (&parts, xasprintf ("pids=%" PRId64, r->pids));
  hs_strv_add (&parts, xasprintf ("oom=%" PRId64, r->oom_score_adj_min));
  for (size_t i = 0; i < r->nrlimits; i++)
    hs_strv_add (&parts, xasprintf ("%s=%" PRIu64, r->rlimits[i].type + strlen ("RLIMIT_"), r->rlimits[i].max));
  out = hs_strv_join (&parts, " ");
  hs_strv_release (&parts);
  return out;
}

#define NO_ALLOW "ns=[] binds=[] devices=[] hooks=[]"
#define BUILTIN_RLIMITS "NOFILE=1048576 MEMLOCK=67108864 RTPRIO=0 NICE=0"
#define BUILTIN_RESOURCES "pids=4096 oom=0 " BUILTIN_RLIMITS
#define CI_CLASS(more)                                                                                                 \
  "\"ci\":{\"match\":{\"program\":\"hardshim-ci\"},\"user\":{\"subid_owner\":\"hardshim-ci\"}" more "}"

typedef struct grant_case
{
  const char *name;
  const char *text;
  const char *allow, *resources;       /* the default class's; NULL: none, the built-in */
  const char *ci_allow, *ci_resources; /* class ci's; NULL: no class */
} grant_case;

static const grant_case _grant_cases[] = {
  { "nothing given: built-in resources, nothing allowed", "{}", NO_ALLOW, BUILTIN_RESOURCES, NULL, NULL },
  { "a class without allow or resources: nothing allowed, the policy's resources", "{\"classes\":{" CI_CLASS ("") "}}",
    NO_ALLOW, BUILTIN_RESOURCES, NO_ALLOW, BUILTIN_RESOURCES },
  { "the plan's example",
    "{\"allow\":{\"namespaces\":[\"network\"],\"binds\":[{\"source\":\"/var/run/docker.sock\",\"readonly\":true}],"
    "\"devices\":[{\"type\":\"b\",\"major\":7,\"minor\":0,\"access\":\"rw\"}],\"hooks\":[\"/usr/libexec/x\"]},"
    "\"resources\":{\"pids\":4096,\"oom_score_adj_min\":0,\"rlimits\":{\"RLIMIT_NOFILE\":1048576}}}",
    "ns=[network] binds=[/var/run/docker.sock ro] devices=[b 7:0 rw] hooks=[/usr/libexec/x]", BUILTIN_RESOURCES, NULL,
    NULL },
  { "every namespace, in any order, twice",
    "{\"allow\":{\"namespaces\":[\"mount\",\"uts\",\"ipc\",\"network\",\"pid\",\"pid\"]}}",
    "ns=[pid,network,ipc,uts,mount] binds=[] devices=[] hooks=[]", BUILTIN_RESOURCES, NULL, NULL },
  { "binds: read-only by default, read-write when it says so, / itself",
    "{\"allow\":{\"binds\":[{\"source\":\"/run/docker.sock\"},{\"source\":\"/srv/data\",\"readonly\":false},"
    "{\"source\":\"/\",\"readonly\":true}]}}",
    "ns=[] binds=[/run/docker.sock ro,/srv/data rw,/ ro] devices=[] hooks=[]", BUILTIN_RESOURCES, NULL, NULL },
  { "devices: access rwm by default, u is c, access in rwm order, the largest numbers",
    "{\"allow\":{\"devices\":[{\"type\":\"c\",\"major\":10,\"minor\":200},{\"type\":\"u\",\"major\":1,\"minor\":3,"
    "\"access\":\"wr\"},{\"type\":\"b\",\"major\":4294967295,\"minor\":4294967295,\"access\":\"m\"},"
    "{\"type\":\"c\",\"major\":0,\"minor\":0,\"access\":\"mwr\"}]}}",
    "ns=[] binds=[] devices=[c 10:200 rwm,c 1:3 rw,b 4294967295:4294967295 m,c 0:0 rwm] hooks=[]", BUILTIN_RESOURCES,
    NULL, NULL },
  { "hooks: named twice, kept once",
    "{\"allow\":{\"hooks\":[\"/usr/libexec/docker/hook\",\"/usr/bin/nvidia-container-runtime-hook\","
    "\"/usr/libexec/docker/hook\"]}}",
    "ns=[] binds=[] devices=[] hooks=[/usr/libexec/docker/hook,/usr/bin/nvidia-container-runtime-hook]",
    BUILTIN_RESOURCES, NULL, NULL },
  { "resources: each key given replaces the built-in, rlimits type by type",
    "{\"resources\":{\"pids\":0,\"oom_score_adj_min\":-1000,\"rlimits\":{\"RLIMIT_NOFILE\":1024,"
    "\"RLIMIT_CPU\":18446744073709551615}}}",
    NO_ALLOW, "pids=0 oom=-1000 NOFILE=1024 MEMLOCK=67108864 RTPRIO=0 NICE=0 CPU=18446744073709551615", NULL, NULL },
  { "resources: the extremes", "{\"resources\":{\"pids\":9223372036854775807,\"oom_score_adj_min\":1000}}", NO_ALLOW,
    "pids=9223372036854775807 oom=1000 " BUILTIN_RLIMITS, NULL, NULL },
  { "resources: oom_score_adj_min -0", "{\"resources\":{\"oom_score_adj_min\":-0}}", NO_ALLOW, BUILTIN_RESOURCES, NULL,
    NULL },
  { "every rlimit Linux has",
    "{\"resources\":{\"rlimits\":{\"RLIMIT_CPU\":1,\"RLIMIT_FSIZE\":2,\"RLIMIT_DATA\":3,\"RLIMIT_STACK\":4,"
    "\"RLIMIT_CORE\":5,\"RLIMIT_RSS\":6,\"RLIMIT_NPROC\":7,\"RLIMIT_NOFILE\":8,\"RLIMIT_MEMLOCK\":9,\"RLIMIT_AS\":10,"
    "\"RLIMIT_LOCKS\":11,\"RLIMIT_SIGPENDING\":12,\"RLIMIT_MSGQUEUE\":13,\"RLIMIT_NICE\":14,\"RLIMIT_RTPRIO\":15,"
    "\"RLIMIT_RTTIME\":16}}}",
    NO_ALLOW,
    "pids=4096 oom=0 NOFILE=8 MEMLOCK=9 RTPRIO=15 NICE=14 CPU=1 FSIZE=2 DATA=3 STACK=4 CORE=5 RSS=6 NPROC=7 AS=10 "
    "LOCKS=11 SIGPENDING=12 MSGQUEUE=13 RTTIME=16",
    NULL, NULL },
  { "a class's resources override the policy's key by key, rlimits type by type",
    "{\"resources\":{\"pids\":100,\"rlimits\":{\"RLIMIT_NOFILE\":1024,\"RLIMIT_CORE\":0}},"
    "\"classes\":{" CI_CLASS (",\"resources\":{\"oom_score_adj_min\":-500,\"rlimits\":{\"RLIMIT_MEMLOCK\":1,"
                              "\"RLIMIT_CORE\":7,\"RLIMIT_AS\":99}}") "}}",
    NO_ALLOW, "pids=100 oom=0 NOFILE=1024 MEMLOCK=67108864 RTPRIO=0 NICE=0 CORE=0", NO_ALLOW,
    "pids=100 oom=-500 NOFILE=1024 MEMLOCK=1 RTPRIO=0 NICE=0 CORE=7 AS=99" },
  { "a class's resources, whatever the key order of the file",
    "{\"classes\":{" CI_CLASS (
        ",\"resources\":{\"pids\":10}") "},\"resources\":{\"pids\":100,\"oom_score_adj_min\":5}}",
    NO_ALLOW, "pids=100 oom=5 " BUILTIN_RLIMITS, NO_ALLOW, "pids=10 oom=5 " BUILTIN_RLIMITS },
  { "a class's allow is its own: nothing inherited",
    "{\"allow\":{\"namespaces\":[\"network\"],\"hooks\":[\"/x\"]},\"classes\":{" CI_CLASS (
        ",\"allow\":{\"binds\":[{\"source\":\"/var/run/docker.sock\"}]}") "}}",
    "ns=[network] binds=[] devices=[] hooks=[/x]", BUILTIN_RESOURCES,
    "ns=[] binds=[/var/run/docker.sock ro] devices=[] hooks=[]", BUILTIN_RESOURCES },
  { "the default class allows nothing when only a class allows",
    "{\"classes\":{" CI_CLASS (",\"allow\":{\"namespaces\":[\"pid\"]}") "}}", NO_ALLOW, BUILTIN_RESOURCES,
    "ns=[pid] binds=[] devices=[] hooks=[]", BUILTIN_RESOURCES },
};

static void
_check_grants (const char *name, const char *what, const hs_class *c, const char *allow, const char *resources)
{
  _cleanup_free_ char *a = _show_allow (&c->allow), *r = _show_resources (&c->resources);

  if (strcmp (a, allow) != 0)
    CASE_FAIL ("case `%s`: %s allow\n  got  %s\n  want %s\n", name, what, a, allow);
  if (strcmp (r, resources) != 0)
    CASE_FAIL ("case `%s`: %s resources\n  got  %s\n  want %s\n", name, what, r, resources);
}

static void
test_grant_table (void **state)
{
  _failures = 0;
  for (size_t k = 0; k < HS_ARRAY_SIZE (_grant_cases); k++)
    {
      const grant_case *t = &_grant_cases[k];
      hs_policy p;
      hs_error err = { 0 };

      if (hs_policy_parse (t->text, strlen (t->text), "test.json", &p, &err) < 0)
        {
          CASE_FAIL ("case `%s`: refused: %s\n", t->name, err.msg);
          hs_error_release (&err);
          continue;
        }
      _check_grants (t->name, "default", &p.classes[0], t->allow, t->resources);
      if (p.nclasses != (t->ci_allow != NULL ? 2u : 1u))
        CASE_FAIL ("case `%s`: %zu classes\n", t->name, p.nclasses);
      else if (t->ci_allow != NULL)
        _check_grants (t->name, "class ci", &p.classes[1], t->ci_allow, t->ci_resources);
      hs_policy_release (&p);
    }
  assert_int_equal (_failures, 0);
}

/* ---- hs_policy_select_class ------------------------------------------------ */

#define OWNER(o) ",\"user\":{\"subid_owner\":\"" o "\"}}"
#define SELECT_POLICY                                                                                                  \
  "{\"classes\":{"                                                                                                     \
  "\"ann\":{\"match\":{\"annotation\":\"io.hardshim.class=ann\"}" OWNER (                                              \
      "hs-ann") ","                                                                                                    \
                "\"prog\":{\"match\":{\"program\":\"hardshim-ci\"}" OWNER (                                            \
                    "hs-prog") ","                                                                                     \
                               "\"both\":{\"match\":{\"annotation\":\"io.hardshim.class=both\",\"program\":"           \
                               "\"hardshim-both\"}" OWNER (                                                            \
                                   "hs-both") ","                                                                      \
                                              "\"img\":{\"match\":{\"annotation\":\"io.hardshim.class=img\","          \
                                              "\"image\":\"docker.io/library/docker:24\"}" OWNER (                     \
                                                  "hs-img") ","                                                        \
                                                            "\"pimg\":{\"match\":{\"program\":\"hardshim-agent\","     \
                                                            "\"image\":\"registry.example/agent:1\"}" OWNER (          \
                                                                "hs-pimg") "}}"
#define CRI_IMAGE(i) "\"io.kubernetes.cri.image-name\":\"" i "\""
#define CRIO_IMAGE(i) "\"io.kubernetes.cri-o.ImageName\":\"" i "\""
#define CRI_TYPE(t) "\"io.kubernetes.cri.container-type\":\"" t "\""
#define CRIO_TYPE(t) "\"io.kubernetes.cri-o.ContainerType\":\"" t "\""
#define IMG_ANN "\"io.hardshim.class\":\"img\""
#define DOCKER24 "docker.io/library/docker:24"

typedef struct select_case
{
  const char *name;
  const char *program;     /* what hardshim was invoked as; NULL: unknown */
  const char *annotations; /* the object's text; NULL: none */
  const char *want;        /* class name; NULL: an error */
  const char *error;       /* substring of the message */
} select_case;

static const select_case _select_cases[] = {
  /* program */
  { "no annotations, plain hardshim: default", "hardshim", NULL, "default", NULL },
  { "no program known: default", NULL, "{}", "default", NULL },
  { "invoked as hardshim-ci: the class of that program", "hardshim-ci", NULL, "prog", NULL },
  { "invoked as hardshim-ci with unrelated annotations", "hardshim-ci", "{\"a\":\"b\"}", "prog", NULL },
  { "near miss: hardshim-ci2", "hardshim-ci2", NULL, "default", NULL },
  { "near miss: hardshim-CI", "hardshim-CI", NULL, "default", NULL },
  { "near miss: hardshim-c", "hardshim-c", NULL, "default", NULL },
  { "near miss: the program name as an annotation", "hardshim", "{\"program\":\"hardshim-ci\"}", "default", NULL },
  /* annotation */
  { "annotation: its class", "hardshim", "{\"io.hardshim.class\":\"ann\"}", "ann", NULL },
  { "annotation and program of two classes: an error naming both", "hardshim-ci", "{\"io.hardshim.class\":\"ann\"}",
    NULL,
    "the container matches both class `ann` (annotation `io.hardshim.class=ann`) and class `prog` (program "
    "`hardshim-ci`)" },
  { "annotation and program of one class", "hardshim-both", "{\"io.hardshim.class\":\"both\"}", "both", NULL },
  { "near miss: the annotation, another program", "hardshim", "{\"io.hardshim.class\":\"both\"}", "default", NULL },
  { "near miss: the annotation, no program known", NULL, "{\"io.hardshim.class\":\"both\"}", "default", NULL },
  { "near miss: the program, no annotation", "hardshim-both", "{}", "default", NULL },
  { "a class's key with a value no class has", "hardshim", "{\"io.hardshim.class\":\"nope\"}", NULL,
    "annotation `io.hardshim.class=nope` names no class of the policy" },
  { "a class's key not a string", "hardshim", "{\"io.hardshim.class\":[\"ann\"]}", NULL,
    "annotation `io.hardshim.class` is an array, expected a string" },
  /* image */
  { "image: containerd's annotation", "hardshim", "{" IMG_ANN "," CRI_TYPE ("container") "," CRI_IMAGE (DOCKER24) "}",
    "img", NULL },
  { "image: CRI-O's annotation", "hardshim", "{" IMG_ANN "," CRIO_TYPE ("container") "," CRIO_IMAGE (DOCKER24) "}",
    "img", NULL },
  { "image: both annotations agree", "hardshim", "{" IMG_ANN "," CRI_IMAGE (DOCKER24) "," CRIO_IMAGE (DOCKER24) "}",
    "img", NULL },
  { "near miss: the annotations disagree", "hardshim",
    "{" IMG_ANN "," CRI_IMAGE (DOCKER24) "," CRIO_IMAGE ("docker.io/library/docker:25") "}", "default", NULL },
  { "near miss: the short name", "hardshim", "{" IMG_ANN "," CRI_IMAGE ("docker:24") "}", "default", NULL },
  { "near miss: another tag", "hardshim", "{" IMG_ANN "," CRI_IMAGE ("docker.io/library/docker:24.0") "}", "default",
    NULL },
  { "near miss: no image annotation (docker, podman, ctr)", "hardshim", "{" IMG_ANN "}", "default", NULL },
  { "near miss: the image in another annotation", "hardshim", "{" IMG_ANN ",\"image\":\"" DOCKER24 "\"}", "default",
    NULL },
  { "near miss: an app container with the image condition's name as type", "hardshim",
    "{" IMG_ANN "," CRI_TYPE ("container") "," CRI_IMAGE ("registry.k8s.io/pause:3.9") "}", "default", NULL },
  { "a pod sandbox passes the image condition (containerd)", "hardshim",
    "{" IMG_ANN "," CRI_TYPE ("sandbox") "," CRI_IMAGE ("registry.k8s.io/pause:3.9") "}", "img", NULL },
  { "a pod sandbox passes the image condition (CRI-O)", "hardshim", "{" IMG_ANN "," CRIO_TYPE ("sandbox") "}", "img",
    NULL },
  { "near miss: the types disagree", "hardshim", "{" IMG_ANN "," CRI_TYPE ("sandbox") "," CRIO_TYPE ("container") "}",
    "default", NULL },
  { "near miss: a sandbox without the class's annotation", "hardshim", "{" CRI_TYPE ("sandbox") "}", "default", NULL },
  { "program and image: the app container", "hardshim-agent", "{" CRI_IMAGE ("registry.example/agent:1") "}", "pimg",
    NULL },
  { "program and image: the sandbox", "hardshim-agent", "{" CRI_TYPE ("sandbox") "}", "pimg", NULL },
  { "near miss: program and another image", "hardshim-agent", "{" CRI_IMAGE ("registry.example/agent:2") "}", "default",
    NULL },
  { "near miss: image, another program", "hardshim", "{" CRI_IMAGE ("registry.example/agent:1") "}", "default", NULL },
  { "an image annotation not a string", "hardshim", "{" IMG_ANN ",\"io.kubernetes.cri.image-name\":24}", NULL,
    "annotation `io.kubernetes.cri.image-name` is a number, expected a string" },
  { "a type annotation not a string", "hardshim-agent", "{\"io.kubernetes.cri-o.ContainerType\":null}", NULL,
    "annotation `io.kubernetes.cri-o.ContainerType` is null" },
  { "annotations not an object", "hardshim", "[]", NULL, "/annotations is an array, expected an object" },
};

static void
test_select_table (void **state)
{
  hs_policy p;
  hs_error err = { 0 };

  _failures = 0;
  if (hs_policy_parse (SELECT_POLICY, strlen (SELECT_POLICY), "test.json", &p, &err) < 0)
    fail_msg ("%s", err.msg);
  for (size_t k = 0; k < HS_ARRAY_SIZE (_select_cases); k++)
    {
      const select_case *t = &_select_cases[k];
      _cleanup_json_ hs_json ann = t->annotations != NULL ? tu_parse (t->annotations) : NULL;
      const hs_class *c = NULL;
      int r;

      p.program = t->program;
      r = hs_policy_select_class (&p, ann, "config.json", &c, &err);
      if (t->want != NULL && r < 0)
        CASE_FAIL ("case `%s`: refused: %s\n", t->name, err.msg);
      else if (t->want != NULL && strcmp (c->name, t->want) != 0)
        CASE_FAIL ("case `%s`: class `%s`, want `%s`\n", t->name, c->name, t->want);
      else if (t->want == NULL && r >= 0)
        CASE_FAIL ("case `%s`: class `%s`, want an error with `%s`\n", t->name, c->name, t->error);
      else if (t->want == NULL
               && (r != -EINVAL || strstr (err.msg, t->error) == NULL || strstr (err.msg, "config.json") == NULL))
        CASE_FAIL ("case `%s`: %d `%s`, want `%s`\n", t->name, r, err.msg, t->error);
      hs_error_release (&err);
    }
  hs_policy_release (&p);
  assert_int_equal (_failures, 0);
}

/* What a parsed policy says of its origin. */
static void
test_parsed_path (void **state)
{
  hs_policy p;
  hs_error err = { 0 };

  assert_int_equal (hs_policy_parse ("{}", 2, "/etc/hs/p.json", &p, &err), 0);
  assert_false (p.builtin);
  assert_string_equal (p.path, "/etc/hs/p.json");
  assert_string_equal (p.source, "/etc/hs/p.json");
  hs_policy_release (&p);
  assert_null (p.path);
}

/* The example the documentation ships parses, and its class is what it says. */
static void
test_example_policy (void **state)
{
  _cleanup_free_ char *file = xasprintf ("%s/contrib/policy.example.json", tu_srcdir ());
  size_t len;
  _cleanup_free_ char *text = tu_read (file, &len);
  _cleanup_json_ hs_json ann = tu_parse ("{\"io.hardshim.class\":\"web\"}");
  const hs_class *c;
  hs_policy p;
  hs_error err = { 0 };

  if (hs_policy_parse (text, len, file, &p, &err) < 0)
    fail_msg ("%s", err.msg);
  p.program = "hardshim-ci";
  assert_int_equal (hs_policy_select_class (&p, NULL, "config.json", &c, &err), 0);
  assert_string_equal (c->name, "ci");
  assert_true (c->allow.nbinds > 0);
  p.program = "hardshim";
  assert_int_equal (hs_policy_select_class (&p, ann, "config.json", &c, &err), 0);
  assert_string_equal (c->name, "web");
  assert_int_equal (c->allow.namespaces, 0);
  assert_int_equal (c->allow.nbinds, 0);
  hs_policy_release (&p);
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
  assert_true (p.builtin);
  assert_string_equal (p.path, HS_DEFAULT_POLICY);
  assert_int_equal (p.nclasses, 1);
  assert_int_equal (p.classes[0].resources.pids, 4096);
  assert_int_equal (p.classes[0].resources.oom_score_adj_min, 0);
  assert_int_equal (p.classes[0].resources.nrlimits, 4);
  assert_string_equal (p.classes[0].resources.rlimits[0].type, "RLIMIT_NOFILE");
  assert_int_equal (p.classes[0].resources.rlimits[0].max, 1048576);
  assert_int_equal (p.classes[0].allow.namespaces, 0);
  assert_int_equal (p.classes[0].allow.nbinds + p.classes[0].allow.ndevices + p.classes[0].allow.hooks.n, 0);
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
  assert_int_equal (write (fd, text, len), (ssize_t) len);
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
  assert_string_equal (p.path, path);
  assert_false (p.builtin);
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
    cmocka_unit_test (test_release_empty),
    cmocka_unit_test (test_grant_table),
    cmocka_unit_test (test_select_table),
    cmocka_unit_test (test_parsed_path),
    cmocka_unit_test (test_example_policy),
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
