/* SPDX-License-Identifier: Apache-2.0 */
/* The measures on real specs (golden files) and on small targeted specs.
 *
 * Golden pairs: tests/data/specs/<name>.json, generated on this machine by
 * docker, containerd, podman and `runc spec`, hardened with the default
 * policy, must equal tests/data/golden/<name>.json, and the journal (less
 * its times) tests/data/golden/<name>.journal.  HS_UPDATE_GOLDEN=1 rewrites
 * the expected files; review the diff before committing it. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "measures/harden.h"
#include "host/host_refs.h"
#include "runtime/journal.h"
#include "testutil.h"

/* Replace every needle in s by repl, which is not longer. */
static void
_replace_all (char *s, const char *needle, const char *repl)
{
  size_t nl = strlen (needle), rl = strlen (repl);
  char *hit;

  assert_true (rl <= nl);
  while ((hit = strstr (s, needle)) != NULL)
    {
      memmove (hit + rl, hit + nl, strlen (hit + nl) + 1);
      memcpy (hit, repl, rl);
    }
}

/* The golden files name the Landlock helper as @LANDLOCK_HELPER@: its path
 * is the configured prefix's. */
static void
_check_golden (const char *actual, const char *rel)
{
  _cleanup_free_ char *path = xasprintf ("%s/tests/data/golden/%s", tu_srcdir (), rel);
  _cleanup_free_ char *expected = NULL, *shown = xstrdup (actual);

  _replace_all (shown, HS_LANDLOCK_HELPER, "@LANDLOCK_HELPER@");
  if (getenv ("HS_UPDATE_GOLDEN") != NULL)
    tu_write (path, shown, 0644);
  expected = tu_read (path, NULL);
  assert_string_equal (shown, expected);
}

/* host: what the probe found (NULL: TU_HOST). */
static void
_golden_on (const char *name, bool process_file, const hs_host *host)
{
  _cleanup_free_ char *in = xasprintf ("%s/tests/data/specs/%s.json", tu_srcdir (), name);
  _cleanup_free_ char *text = tu_read (in, NULL);
  _cleanup_free_ char *out = NULL, *journal = NULL, *out_name = NULL, *journal_name = NULL;
  _cleanup_json_ hs_json spec = tu_parse (text);
  hs_policy policy;
  hs_journal j;
  hs_error err = { 0 };
  bool changed = false;
  hs_host tu_host = TU_HOST;

  if (host == NULL)
    host = &tu_host;
  tu_policy ("{}", &policy);
  hs_journal_init (&j, "c1", process_file ? NULL : "/bundle", in, "create", false);
  assert_int_equal (tu_harden_on (spec, process_file, in, &policy, host, &j, &changed, &err), 0);
  assert_int_equal (hs_json_generate (spec, true, &out, NULL, &err), 0);
  journal = tu_journal_without_times (&j);
  /* the journal names the input file: make that independent of the checkout */
  out_name = xasprintf ("%s.json", name);
  journal_name = xasprintf ("%s.journal", name);
  {
    _cleanup_free_ char *file = xasprintf ("\"file\":\"%s\"", in);
    _cleanup_free_ char *file_repl = xasprintf ("\"file\":\"%s.json\"", name);
    _cleanup_free_ char *profile = xasprintf ("\"profile\":\"%s/", tu_srcdir ());
    _replace_all (journal, file, file_repl);
    _replace_all (journal, profile, "\"profile\":\"");
  }
  _check_golden (out, out_name);
  _check_golden (journal, journal_name);

  /* Hardening is idempotent: a second pass changes nothing. */
  {
    _cleanup_free_ char *again = NULL;
    hs_journal j2;
    hs_journal_init (&j2, "c1", NULL, in, "create", false);
    assert_int_equal (tu_harden_on (spec, process_file, in, &policy, host, &j2, &changed, &err), 0);
    assert_int_equal (hs_json_generate (spec, true, &again, NULL, &err), 0);
    assert_string_equal (again, out);
    assert_null (strstr (j2.buf ? j2.buf : "", "\"action\":\"changed\""));
    assert_null (strstr (j2.buf ? j2.buf : "", "\"action\":\"removed\""));
    assert_null (strstr (j2.buf ? j2.buf : "", "\"action\":\"added\""));
    hs_journal_release (&j2);
  }
  hs_journal_release (&j);
  hs_policy_release (&policy);
}

static void
_golden (const char *name, bool process_file)
{
  _golden_on (name, process_file, NULL);
}

static void
test_golden_docker (void **state)
{
  /* docker's network hook (libnetwork-setkey, run as dockerd's own
   * /proc/PID/exe), which the probe recognises as the engine's
   * (host_refs.h): the detect measure lets it run. */
  hs_hook_ref hook = { .stage = "prestart",
                       .index = 0,
                       .path = (char *) "/proc/3770/exe",
                       .id = { .exists = true, .dev = 1, .ino = 2 },
                       .trusted = true,
                       .engine = "docker's network hook" };
  hs_host host = TU_HOST;

  host.hooks = &hook;
  host.nhooks = 1;
  _golden_on ("docker", false, &host);
}
static void
test_golden_containerd (void **state)
{
  _golden ("containerd", false);
}
static void
test_golden_podman (void **state)
{
  _golden ("podman", false);
}
static void
test_golden_runc (void **state)
{
  _golden ("runc", false);
}
static void
test_golden_docker_exec (void **state)
{
  _golden ("docker-exec-process", true);
}
static void
test_golden_containerd_exec (void **state)
{
  _golden ("containerd-exec-process", true);
}
static void
test_golden_podman_exec (void **state)
{
  _golden ("podman-exec-process", true);
}

/* ---- targeted cases ---------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *policy;
  bool process_file;
  const char *spec;
  /* NULL: hardening must fail with a message containing error */
  const char *expect[8];  /* JSON snippets the hardened spec must contain */
  const char *journal[6]; /* snippets the journal must contain */
  const char *error;
} _case;

/* runc's /proc and a tmpfs: mounts the detect measure lets through (it
 * refuses a mount of any other type, or of none, that is not a bind). */
#define PROC_MOUNT "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}"
#define TMPFS_MOUNT(d) "{\"destination\":\"" d "\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}"
#define MINIMAL_ROOT "\"root\":{\"path\":\"rootfs\"},\"mounts\":[]," TU_LINUX

/* clang-format off */
static const _case _cases[] = {
  { "root user becomes policy user", "{}", false,
    "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[0,10]}}," MINIMAL_ROOT "}",
    { "\"uid\":65534", "\"gid\":65534", "\"additionalGids\":[10]" },
    { "\"path\":\"/process/user/uid\",\"action\":\"changed\",\"before\":0,\"after\":65534",
      "\"path\":\"/process/user/additionalGids\",\"action\":\"removed\",\"before\":[0,10],\"after\":[10]" },
    NULL },
  { "missing user is added", "{\"user\":{\"uid\":1234,\"gid\":4321}}", false,
    "{\"process\":{}," MINIMAL_ROOT "}",
    { "\"user\":{\"uid\":1234,\"gid\":4321}" },
    { "\"path\":\"/process/user/uid\",\"action\":\"added\",\"before\":null,\"after\":1234" },
    NULL },
  { "non-root user is kept", "{}", false,
    "{\"process\":{\"user\":{\"uid\":1000,\"gid\":1000}}," MINIMAL_ROOT "}",
    { "\"uid\":1000", "\"gid\":1000" },
    { "\"path\":\"/process/user/uid\",\"action\":\"kept\",\"before\":1000,\"after\":1000" },
    NULL },
  { "non-root user with root group gets the policy group", "{}", false,
    "{\"process\":{\"user\":{\"uid\":1000,\"gid\":0}}," MINIMAL_ROOT "}",
    { "\"uid\":1000", "\"gid\":65534" },
    { "\"path\":\"/process/user/gid\",\"action\":\"changed\"" },
    NULL },
  { "uid as a string is refused", "{}", false,
    "{\"process\":{\"user\":{\"uid\":\"0\"}}," MINIMAL_ROOT "}", { NULL }, { NULL },
    "/process/user/uid is a string" },
  { "uid beyond 32 bits is refused", "{}", false,
    "{\"process\":{\"user\":{\"uid\":4294967296}}," MINIMAL_ROOT "}", { NULL }, { NULL },
    "/process/user/uid is a number, expected a 32-bit id" },
  { "fractional uid is refused", "{}", false,
    "{\"process\":{\"user\":{\"uid\":0.5}}," MINIMAL_ROOT "}", { NULL }, { NULL }, "/process/user/uid" },
  { "no process is refused", "{}", false, "{" MINIMAL_ROOT "}", { NULL }, { NULL }, "/process is missing" },
  { "no root is refused", "{}", false, "{\"process\":{},\"mounts\":[]," TU_LINUX "}", { NULL }, { NULL }, "/root is missing" },
  { "all capabilities dropped by default", "{}", false,
    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_NET_RAW\"],\"effective\":[\"CAP_SYS_"
    "ADMIN\"],\"inheritable\":[],\"permitted\":[\"CAP_SYS_ADMIN\"],\"ambient\":[\"CAP_SYS_ADMIN\"]}}," MINIMAL_ROOT
    "}",
    { "\"bounding\":[]", "\"effective\":[]", "\"inheritable\":[]", "\"permitted\":[]", "\"ambient\":[]" },
    { "\"path\":\"/process/capabilities/bounding\",\"action\":\"removed\",\"before\":[\"CAP_SYS_ADMIN\",\"CAP_NET_"
      "RAW\"],\"after\":[]" },
    NULL },
  { "an allowed capability the spec asked for reaches the ambient set",
    "{\"capabilities\":{\"allow\":[\"net_bind_service\"]}}", false,
    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_NET_BIND_SERVICE\",\"CAP_CHOWN\"],\"effective\":[\"CAP_"
    "NET_BIND_SERVICE\"],\"permitted\":[\"CAP_NET_BIND_SERVICE\"]}}," MINIMAL_ROOT "}",
    { "\"bounding\":[\"CAP_NET_BIND_SERVICE\"]", "\"effective\":[\"CAP_NET_BIND_SERVICE\"]",
      "\"inheritable\":[\"CAP_NET_BIND_SERVICE\"]", "\"ambient\":[\"CAP_NET_BIND_SERVICE\"]" },
    { "\"path\":\"/process/capabilities/ambient\",\"action\":\"added\"" },
    NULL },
  { "an allowed capability the spec did not ask for is not granted",
    "{\"capabilities\":{\"allow\":[\"CAP_NET_BIND_SERVICE\"]}}", false,
    "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"],\"effective\":[\"CAP_CHOWN\"]}}," MINIMAL_ROOT "}",
    { "\"bounding\":[]", "\"effective\":[]" },
    { NULL },
    NULL },
  { "capability set of the wrong type is refused", "{}", false,
    "{\"process\":{\"capabilities\":{\"bounding\":\"CAP_SYS_ADMIN\"}}," MINIMAL_ROOT "}", { NULL }, { NULL },
    "/process/capabilities/bounding is a string, expected an array" },
  { "noNewPrivileges false becomes true", "{}", false,
    "{\"process\":{\"noNewPrivileges\":false}," MINIMAL_ROOT "}", { "\"noNewPrivileges\":true" },
    { "\"measure\":\"no_new_privileges\",\"path\":\"/process/noNewPrivileges\",\"action\":\"changed\",\"before\":"
      "false,\"after\":true" },
    NULL },
  { "noNewPrivileges of the wrong type is refused", "{}", false,
    "{\"process\":{\"noNewPrivileges\":\"no\"}," MINIMAL_ROOT "}", { NULL }, { NULL }, "/process/noNewPrivileges" },
  { "read-only root and tmpfs on /tmp and /run", "{}", false,
    "{\"process\":{},\"root\":{\"path\":\"rootfs\",\"readonly\":false},\"mounts\":[" PROC_MOUNT "]," TU_LINUX "}",
    { "\"root\":{\"path\":\"rootfs\",\"readonly\":true}",
      PROC_MOUNT ",{\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":"
      "[\"nosuid\",\"nodev\",\"mode=1777\",\"uid=65534\",\"gid=65534\"]},{\"destination\":\"/run\"",
      "\"maskedPaths\":[\"/proc/acpi\"", "\"readonlyPaths\":[\"/proc/bus\"" },
    { "\"path\":\"/root/readonly\",\"action\":\"changed\",\"before\":false,\"after\":true",
      "\"path\":\"/mounts/1\",\"action\":\"added\"" },
    NULL },
  { "an engine mount at /tmp is left alone", "{}", false,
    "{\"process\":{},\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":\"/tmp/\",\"type\":\"bind\"}]," TU_LINUX "}",
    /* (the lsm measure puts a /dev tmpfs first) */
    { "{\"destination\":\"/tmp/\",\"type\":\"bind\"},{\"destination\":\"/run\"" }, { NULL }, NULL },
  { "/run tmpfs goes below a mount beneath /run", "{}", false,
    "{\"process\":{},\"root\":{\"path\":\"r\"},\"mounts\":[" PROC_MOUNT "," TMPFS_MOUNT ("/run/secrets") "]," TU_LINUX
    "}",
    { "{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"nodev\",\"mode="
      "1777\",\"uid=65534\",\"gid=65534\"]}," TMPFS_MOUNT ("/run/secrets") },
    { "\"path\":\"/mounts/1\",\"action\":\"added\",\"before\":null,\"after\":{\"destination\":\"/run\"" },
    NULL },
  { "policy can keep the root writable", "{\"rootfs\":{\"readonly\":false,\"tmpfs\":[]}}", false,
    "{\"process\":{},\"root\":{\"path\":\"r\",\"readonly\":false},\"mounts\":[]," TU_LINUX "}",
    /* no tmpfs: the only mounts are the lsm measure's /dev and Landlock helper */
    { "\"readonly\":false",
      "\"mounts\":[{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\","
      "\"strictatime\",\"mode=755\",\"size=65536k\"]},{\"destination\":\"/dev/.hardshim/landlock\"" },
      { NULL }, NULL },
  { "mount without destination is refused", "{}", false,
    "{\"process\":{},\"root\":{\"path\":\"r\"},\"mounts\":[{\"type\":\"bind\"}]," TU_LINUX "}", { NULL }, { NULL }, "/mounts[]" },
  { "exec process file: process-level measures only", "{}", true,
    "{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}",
    { "\"user\":{\"uid\":65534,\"gid\":65534}", "\"bounding\":[]", "\"noNewPrivileges\":true" },
    { "\"path\":\"/user/uid\",\"action\":\"changed\"", "\"path\":\"/noNewPrivileges\",\"action\":\"added\"" },
    NULL },
  { "audit mode journals what would change", "{\"mode\":\"audit\"}", false,
    "{\"process\":{\"user\":{\"uid\":0}}," MINIMAL_ROOT "}", { NULL },
    { "\"path\":\"/process/user/uid\",\"action\":\"kept\",\"would\":\"changed\",\"before\":0,\"after\":65534",
      "\"mode\":\"audit\"" },
    NULL },
  { "crun's own BPF in place of the filter is refused", "{}", false,
    "{\"process\":{},\"annotations\":{\"a\":\"b\",\"run.oci.seccomp_bpf_data\":\"BgAAAAAA/38=\"}," MINIMAL_ROOT "}",
    { NULL }, { NULL }, "annotation `run.oci.seccomp_bpf_data` makes crun load the spec's own BPF program" },
  { "any other run.oci annotation is refused", "{}", false,
    "{\"process\":{},\"annotations\":{\"run.oci.timens_offset\":\"monotonic 1 0\"}," MINIMAL_ROOT "}",
    { NULL }, { NULL }, "annotation `run.oci.timens_offset` is an instruction to crun" },
  { "a systemd unit property is refused", "{}", false,
    "{\"process\":{},\"annotations\":{\"org.systemd.property.DeviceAllow\":\"/dev/sda rwm\"}," MINIMAL_ROOT "}",
    { NULL }, { NULL }, "annotation `org.systemd.property.DeviceAllow`" },
  { "a CRIU configuration file is refused", "{}", false,
    "{\"process\":{},\"annotations\":{\"org.criu.config\":\"/x\"}," MINIMAL_ROOT "}",
    { NULL }, { NULL }, "annotation `org.criu.config` makes CRIU read" },
  { "near misses: an empty CRIU configuration, look-alike keys", "{}", false,
    "{\"process\":{},\"annotations\":{\"org.criu.config\":\"\",\"run.ocix\":\"1\",\"RUN.OCI.X\":\"1\","
    "\"io.kubernetes.cri.container-type\":\"sandbox\"}," MINIMAL_ROOT "}",
    { "\"run.ocix\":\"1\"" }, { NULL }, NULL },
  { "unknown keys survive", "{}", false,
    "{\"process\":{\"user\":{\"uid\":5,\"gid\":5},\"x-future\":[1.50,{\"k\":null}]},\"root\":{\"path\":\"r\"},"
    "\"mounts\":[],\"annotations\":{\"a\":\"b\"},\"zz\":1e3," TU_LINUX "}",
    { "\"x-future\":[1.50,{\"k\":null}]", "\"annotations\":{\"a\":\"b\"}", "\"zz\":1e3" }, { NULL }, NULL },
};
/* clang-format on */

static void
test_cases (void **state)
{
  for (size_t i = 0; i < HS_ARRAY_SIZE (_cases); i++)
    {
      const _case *c = &_cases[i];
      _cleanup_json_ hs_json spec = tu_parse (c->spec);
      _cleanup_free_ char *out = NULL;
      hs_policy policy;
      hs_journal j;
      hs_error err = { 0 };
      bool changed = false;
      int r;

      print_message ("case: %s\n", c->name);
      tu_policy (c->policy, &policy);
      hs_journal_init (&j, "c1", NULL, "config.json", "create", policy.mode == HS_MODE_AUDIT);
      r = tu_harden (spec, c->process_file, "config.json", &policy, &j, &changed, &err);
      if (c->error != NULL)
        {
          assert_true (r < 0);
          assert_non_null (err.msg);
          if (strstr (err.msg, c->error) == NULL)
            fail_msg ("case %s: error `%s` lacks `%s`", c->name, err.msg, c->error);
        }
      else
        {
          if (r < 0)
            fail_msg ("case %s: %s", c->name, err.msg);
          assert_int_equal (hs_json_generate (spec, false, &out, NULL, &err), 0);
          for (size_t e = 0; e < HS_ARRAY_SIZE (c->expect) && c->expect[e]; e++)
            if (strstr (out, c->expect[e]) == NULL)
              fail_msg ("case %s: spec\n%s\nlacks\n%s", c->name, out, c->expect[e]);
          for (size_t e = 0; e < HS_ARRAY_SIZE (c->journal) && c->journal[e]; e++)
            if (j.buf == NULL || strstr (j.buf, c->journal[e]) == NULL)
              fail_msg ("case %s: journal\n%s\nlacks\n%s", c->name, j.buf ? j.buf : "", c->journal[e]);
        }
      hs_error_release (&err);
      hs_journal_release (&j);
      hs_policy_release (&policy);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_golden_docker),      cmocka_unit_test (test_golden_containerd),
    cmocka_unit_test (test_golden_podman),      cmocka_unit_test (test_golden_runc),
    cmocka_unit_test (test_golden_docker_exec), cmocka_unit_test (test_golden_containerd_exec),
    cmocka_unit_test (test_golden_podman_exec), cmocka_unit_test (test_cases),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
