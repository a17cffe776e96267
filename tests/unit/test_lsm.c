/* SPDX-License-Identifier: Apache-2.0 */
/* The lsm measure (measures/lsm.c) on fake hosts: AppArmor, Landlock,
 * neither, SELinux on and off; the policy's lsm keys; SELinux labels. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "measures/harden.h"
#include "host/host.h"
#include "host/host_refs.h"
#include "runtime/journal.h"
#include "lsm/lsm_host.h"
#include "policy/policy.h"
#include "lsm/selinux_label.h"
#include "testutil.h"

typedef enum
{
  LANDLOCK = 0, /* this machine: Landlock, no AppArmor */
  APPARMOR,
  NEITHER,
} _backend;

typedef struct
{
  const char *name;
  const char *policy;
  _backend backend;
  bool selinux;
  uint32_t seed;
  bool process_file;
  bool restore;          /* hs_host_restore_view applied */
  bool class_hooks;      /* the probe found startContainer[0] and [1] to be the class's allow.hooks[0] and [1] */
  const char *container; /* process_file: the spec of the container it joins (NULL: TU_CONTAINER) */
  const char *spec;
  const char *error;     /* NULL: must succeed; else a substring of the message */
  const char *expect[5]; /* snippets the hardened spec must contain */
  const char *lacks[3];  /* ...and must not */
  const char *journal[4];
  const char *unjournal[2];
} _lsm_case;

#define PROFILE "hardshim-0123456789abcdef"
#define ARGS(...) "\"args\":[" __VA_ARGS__ "]"
/* linux: runc's default namespaces (the detect measure refuses the host's). */
#define SPEC(process, rest) "{\"process\":{" process "},\"root\":{\"path\":\"rootfs\"}," TU_LINUX rest "}"
#define SPEC_LINUX(process, linux_, rest)                                                                              \
  "{\"process\":{" process "},\"root\":{\"path\":\"rootfs\"},\"linux\":{" TU_LINUX_NS "," linux_ "}" rest "}"
/* The spec of the container an exec process joins: its process's labels. */
#define C_SELINUX "system_u:system_r:container_t:s0:c3,c4"
#define CONTAINER(fields) "{\"process\":{" fields "}," TU_CONTAINER_MOUNTS "}"
#define C_LABEL(label) "\"selinuxLabel\":\"" label "\""
#define PREFIX "\"" HS_LANDLOCK_DEST "\",\"--deny\",\"/etc\",\"--deny\",\"/home\",\"--\""
#define HELPER_MOUNT TU_HELPER_MOUNT
#define TMPFS(d) "{\"destination\":\"" d "\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\"]}"
#define BIND(d, opts) "{\"destination\":\"" d "\",\"type\":\"bind\",\"source\":\"/srv/v\",\"options\":[" opts "]}"
#define J(path, action) "\"measure\":\"lsm\",\"path\":\"" path "\",\"action\":\"" action "\""

/* clang-format off */
static const _lsm_case _cases[] = {
  /* Landlock */
  { .name = "landlock: the helper goes in front of the command, its mount last",
    .spec = SPEC (ARGS ("\"nginx\",\"-g\",\"daemon off;\""), ",\"mounts\":[" TMPFS ("/dev") "]"),
    .expect = { ARGS (PREFIX ",\"nginx\",\"-g\",\"daemon off;\""), "\"mounts\":[" TMPFS ("/dev") ",", "," HELPER_MOUNT "]" },
    .journal = { J ("/process/args", "changed") ",\"before\":[\"nginx\",\"-g\",\"daemon off;\"]",
                 "\"note\":\"Landlock ABI 7: hardshim's helper denies the writes, then executes the command\"",
                 J ("/mounts", "added") ",\"before\":null,\"after\":" HELPER_MOUNT,
                 J ("/process/selinuxLabel", "unavailable") } },
  { .name = "landlock: the policy's paths, in its order",
    .policy = "{\"lsm\":{\"deny_write\":[\"/srv/conf\",\"/etc\",\"/srv/conf\"]}}",
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .expect = { ARGS ("\"" HS_LANDLOCK_DEST "\",\"--deny\",\"/srv/conf\",\"--deny\",\"/etc\",\"--\",\"sh\"") } },
  { .name = "landlock: the policy's helper path",
    .policy = "{\"lsm\":{\"landlock_helper\":\"/opt/hs/hardshim-landlock\"}}",
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .expect = { "\"source\":\"/opt/hs/hardshim-landlock\"" } },
  { .name = "landlock: a forged helper prefix with other paths is replaced",
    .spec = SPEC (ARGS ("\"" HS_LANDLOCK_DEST "\",\"--deny\",\"/nowhere\",\"--\",\"sh\""), ""),
    .expect = { ARGS (PREFIX ",\"sh\"") },
    .lacks = { "/nowhere" },
    .journal = { J ("/process/args", "changed") } },
  { .name = "landlock: a mount of the engine's at the helper's place is removed",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[{\"destination\":\"" HS_LANDLOCK_DEST "\",\"type\":\"bind\","
                                   "\"source\":\"/bin/true\",\"options\":[\"bind\"]}," TMPFS (HS_LANDLOCK_DIR) "]"),
    .expect = { "," HELPER_MOUNT "]" },
    .lacks = { "/bin/true", HS_LANDLOCK_DIR "\",\"type\":\"tmpfs\"" },
    .journal = { J ("/mounts", "removed") ",\"before\":[{\"destination\":\"" HS_LANDLOCK_DEST "\"" } },
  { .name = "landlock: the helper's mount moves to the end when a mount follows it",
    .spec = SPEC (ARGS (PREFIX ",\"sh\""), ",\"mounts\":[" HELPER_MOUNT "," TMPFS ("/dev") "]"),
    .expect = { "\"mounts\":[" TMPFS ("/dev") ",", "," HELPER_MOUNT "]" },
    .journal = { J ("/mounts", "removed"), J ("/mounts", "added") },
    .unjournal = { J ("/process/args", "changed") } },
  { .name = "landlock: an exec process gets the prefix, and no mount",
    .process_file = true,
    .spec = "{" ARGS ("\"sh\",\"-c\",\"id\"") ",\"cwd\":\"/\"}",
    .expect = { ARGS (PREFIX ",\"sh\",\"-c\",\"id\"") },
    .lacks = { "mounts" },
    .journal = { J ("/args", "changed") },
    .unjournal = { "selinuxLabel" } },
  { .name = "landlock: an exec in a container without the helper (audit mode, another runtime) is refused",
    .process_file = true,
    .container = "{\"process\":{},\"mounts\":[{\"destination\":\"/dev\"}]}",
    .spec = "{" ARGS ("\"sh\"") "}",
    .error = "exec: the container has no Landlock helper at `" HS_LANDLOCK_DEST "` (it was not started by hardshim" },
  { .name = "landlock: an exec in a container whose last mount at the helper's place is another file is refused",
    .process_file = true,
    .container = "{\"process\":{},\"mounts\":[{\"destination\":\"" HS_LANDLOCK_DEST "\",\"type\":\"bind\","
                 "\"source\":\"/bin/true\",\"options\":[\"bind\",\"ro\",\"nosuid\",\"nodev\"]}]}",
    .spec = "{" ARGS ("\"sh\"") "}",
    .error = "exec: the container has no Landlock helper at `" HS_LANDLOCK_DEST "`" },
  { .name = "landlock: audit mode: an exec in a container without the helper is journaled, not refused",
    .policy = "{\"mode\":\"audit\"}",
    .process_file = true,
    .container = "{\"process\":{},\"mounts\":[{\"destination\":\"/dev\"}]}",
    .spec = "{" ARGS ("\"sh\"") "}",
    .expect = { ARGS ("\"sh\"") },
    .journal = { "\"path\":\"/args\",\"action\":\"kept\",\"would\":\"changed\"" } },
  { .name = "landlock: no command: nothing to confine (the runtime refuses it)",
    .spec = SPEC ("\"args\":[]", ""),
    .expect = { "\"args\":[]", "," HELPER_MOUNT "]" },
    .unjournal = { J ("/process/args", "changed") } },
  { .name = "landlock: args not an array refused",
    .spec = SPEC ("\"args\":\"sh\"", ""),
    .error = "/process/args is a string, expected an array" },
  { .name = "landlock: the prefix alone refused",
    .spec = SPEC (ARGS (PREFIX), ""),
    .error = "holds hardshim's Landlock helper but no command" },
  { .name = "landlock: a non-string argument refused",
    .spec = SPEC (ARGS ("\"sh\",1"), ""),
    .error = "/process/args[]" },

  { .name = "landlock: /dev written another way is still the helper's directory's parent",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" TMPFS ("/dev") ",{\"destination\":\"/dev//./.hardshim/x/..\",\"type\":"
                                   "\"bind\",\"source\":\"/srv/v\",\"options\":[\"rbind\"]}]"),
    .expect = { "," HELPER_MOUNT "]" },
    .lacks = { "/srv/v" },
    .journal = { J ("/mounts", "removed") } },
  { .name = "landlock: a spec without /dev gets runc's /dev tmpfs first",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[]"),
    .expect = { "\"mounts\":[{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\","
                "\"strictatime\",\"mode=755\",\"size=65536k\"]}", "," HELPER_MOUNT "]" },
    .journal = { J ("/mounts", "added") ",\"before\":null,\"after\":{\"destination\":\"/dev\"" } },
  { .name = "landlock: a bind mount covering /dev is refused",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" TMPFS ("/dev") ",{\"destination\":\"/dev/\",\"type\":\"bind\","
                                   "\"source\":\"/srv/dev\",\"options\":[\"rbind\"]}]"),
    .error = "/mounts/1 at `/dev/` covers /dev, where hardshim mounts its Landlock helper" },
  { .name = "landlock: a mount at / after /dev is refused",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" TMPFS ("/dev") ",{\"destination\":\"/x/..\",\"type\":\"tmpfs\","
                                   "\"source\":\"tmpfs\"}]"),
    .error = "covers /dev" },
  { .name = "landlock: startContainer hooks run behind the helper",
    /* the detect measure refuses hooks the class does not list */
    .policy = "{\"allow\":{\"hooks\":[\"/bin/sh\",\"/bin/true\"]}}",
    .class_hooks = true,
    .spec = SPEC (ARGS ("\"sh\""), ",\"hooks\":{\"startContainer\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\","
                                   "\"echo x >/home/u/f\"]},{\"path\":\"/bin/true\"}]}"),
    .expect = { "{\"path\":\"" HS_LANDLOCK_DEST "\",\"args\":[" PREFIX ",\"/bin/sh\",\"-c\",\"echo x >/home/u/f\"]}",
                "{\"path\":\"" HS_LANDLOCK_DEST "\",\"args\":[" PREFIX ",\"/bin/true\"]}" },
    .journal = { J ("/hooks/startContainer/0", "changed"), J ("/hooks/startContainer/1", "changed") } },
  { .name = "landlock: a hook without a path refused",
    .spec = SPEC (ARGS ("\"sh\""), ",\"hooks\":{\"startContainer\":[{\"args\":[\"x\"]}]}"),
    .error = "/hooks/startContainer/0" },

  /* AppArmor */
  { .name = "apparmor: hardshim's profile set",
    .backend = APPARMOR,
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .expect = { "\"apparmorProfile\":\"" PROFILE "\"", ARGS ("\"sh\"") },
    .lacks = { HS_LANDLOCK_DEST },
    .journal = { J ("/process/apparmorProfile", "added") ",\"before\":null,\"after\":\"" PROFILE "\"" } },
  { .name = "apparmor: the engine's profile replaced",
    .backend = APPARMOR,
    .spec = SPEC (ARGS ("\"sh\"") ",\"apparmorProfile\":\"docker-default\"", ""),
    .expect = { "\"apparmorProfile\":\"" PROFILE "\"" },
    .journal = { J ("/process/apparmorProfile", "changed") ",\"before\":\"docker-default\",\"after\":\"" PROFILE
                 "\",\"note\":\"the engine's profile is replaced by hardshim's\"" } },
  { .name = "landlock: an exec process's AppArmor profile becomes the container's",
    .process_file = true,
    .container = CONTAINER ("\"apparmorProfile\":\"docker-default\""),
    .spec = "{" ARGS ("\"sh\"") ",\"apparmorProfile\":\"unconfined\"}",
    .expect = { "\"apparmorProfile\":\"docker-default\"" },
    .journal = { J ("/apparmorProfile", "changed") ",\"before\":\"unconfined\",\"after\":\"docker-default\"" } },
  { .name = "landlock: an exec process's AppArmor profile goes when the container has none",
    .process_file = true,
    .spec = "{" ARGS ("\"sh\"") ",\"apparmorProfile\":\"unconfined\"}",
    .lacks = { "apparmorProfile" },
    .journal = { J ("/apparmorProfile", "removed") } },
  { .name = "apparmor: an exec process gets the profile too",
    .backend = APPARMOR,
    .process_file = true,
    .spec = "{" ARGS ("\"sh\"") ",\"apparmorProfile\":\"unconfined\"}",
    .expect = { "\"apparmorProfile\":\"" PROFILE "\"" },
    .journal = { J ("/apparmorProfile", "changed") } },

  /* restore */
  { .name = "restore on a Landlock host: refused by default, the restored processes would run without it",
    .restore = true,
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .error = "writes beneath /etc, /home cannot be denied here: CRIU cannot restore a Landlock domain: the restored "
             "processes run without it (policy `lsm.unavailable` is `refuse`)" },
  { .name = "restore on a Landlock host with run_without: the spec as create has it, and an unavailable record",
    .restore = true,
    .policy = "{\"lsm\":{\"unavailable\":\"run_without\"}}",
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .expect = { ARGS (PREFIX ",\"sh\""), "," HELPER_MOUNT "]" },
    .journal = { J ("/process/args", "changed"), J ("/process", "unavailable") ",\"before\":null,\"after\":null,"
                 "\"note\":\"CRIU cannot restore a Landlock domain" } },
  { .name = "restore on an AppArmor host: CRIU restores the profile, nothing refused",
    .restore = true,
    .backend = APPARMOR,
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .expect = { "\"apparmorProfile\":\"" PROFILE "\"" },
    .unjournal = { "unavailable\",\"before\":null,\"after\":null,\"note\":\"CRIU" } },

  /* neither */
  { .name = "neither AppArmor nor Landlock: refused by default",
    .backend = NEITHER,
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .error = "writes beneath /etc, /home cannot be denied here: no AppArmor (no AppArmor in this kernel) and no "
             "Landlock (the kernel has no Landlock) (policy `lsm.unavailable` is `refuse`)" },
  { .name = "neither: run_without starts it with an unavailable record",
    .backend = NEITHER,
    .policy = "{\"lsm\":{\"unavailable\":\"run_without\"}}",
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .expect = { ARGS ("\"sh\"") },
    .lacks = { HS_LANDLOCK_DEST, "apparmorProfile" },
    .journal = { J ("/process", "unavailable") ",\"before\":null,\"after\":null,\"note\":\"no AppArmor" } },

  /* SELinux */
  { .name = "selinux: a new label with a category pair from the seed",
    .selinux = true,
    .seed = 5 + 1024 * 9,
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .expect = { "\"selinuxLabel\":\"system_u:system_r:container_t:s0:c5,c10\"",
                "\"mountLabel\":\"system_u:object_r:container_file_t:s0:c5,c10\"" },
    .journal = { J ("/process/selinuxLabel", "added"), J ("/linux/mountLabel", "added") } },
  { .name = "selinux: the engine's container label and its pair are kept",
    .selinux = true,
    .seed = 1,
    .spec = SPEC_LINUX (ARGS ("\"sh\"") ",\"selinuxLabel\":\"system_u:system_r:container_t:s0:c100,c200\"",
                        "\"mountLabel\":\"system_u:object_r:container_file_t:s0:c100,c200\"", ""),
    .expect = { "\"selinuxLabel\":\"system_u:system_r:container_t:s0:c100,c200\"",
                "\"mountLabel\":\"system_u:object_r:container_file_t:s0:c100,c200\"" },
    .unjournal = { "Label\",\"action\":\"changed\"" } },
  { .name = "selinux: an unconfined type is replaced",
    .selinux = true,
    .seed = 1,
    .spec = SPEC (ARGS ("\"sh\"") ",\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"", ""),
    .expect = { "\"selinuxLabel\":\"system_u:system_r:container_t:s0:c0,c1\"" },
    .journal = { J ("/process/selinuxLabel", "changed") ",\"before\":\"system_u:system_r:spc_t:s0\"" } },
  { .name = "selinux: an exec process with the container's label keeps it",
    .selinux = true,
    .process_file = true,
    .container = CONTAINER (C_LABEL (C_SELINUX)),
    .spec = "{" ARGS ("\"sh\"") ",\"selinuxLabel\":\"" C_SELINUX "\"}",
    .expect = { "\"selinuxLabel\":\"" C_SELINUX "\"" },
    .lacks = { "mountLabel" },
    .unjournal = { "selinuxLabel" } },
  { .name = "selinux: an exec process with another label gets the container's",
    .selinux = true,
    .process_file = true,
    .container = CONTAINER (C_LABEL (C_SELINUX)),
    .spec = "{" ARGS ("\"sh\"") ",\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"}",
    .expect = { "\"selinuxLabel\":\"" C_SELINUX "\"" },
    .journal = { J ("/selinuxLabel", "changed") ",\"before\":\"system_u:system_r:spc_t:s0\",\"after\":\"" C_SELINUX
                 "\",\"note\":\"the container's\"" } },
  { .name = "selinux: an exec process with another container's pair gets this container's",
    .selinux = true,
    .process_file = true,
    .container = CONTAINER (C_LABEL (C_SELINUX)),
    .spec = "{" ARGS ("\"sh\"") ",\"selinuxLabel\":\"system_u:system_r:container_t:s0:c5,c6\"}",
    .expect = { "\"selinuxLabel\":\"" C_SELINUX "\"" },
    .journal = { J ("/selinuxLabel", "changed") } },
  { .name = "selinux: an exec process without a label gets the container's",
    .selinux = true,
    .process_file = true,
    .container = CONTAINER (C_LABEL (C_SELINUX)),
    .spec = "{" ARGS ("\"sh\"") "}",
    .expect = { "\"selinuxLabel\":\"" C_SELINUX "\"" },
    .journal = { J ("/selinuxLabel", "added") } },
  { .name = "selinux: refused when the container's own label is not the container type",
    .selinux = true,
    .process_file = true,
    .container = CONTAINER (C_LABEL ("system_u:system_r:spc_t:s0")),
    .spec = "{" ARGS ("\"sh\"") ",\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"}",
    .error = "exec: the container's SELinux label `system_u:system_r:spc_t:s0` is not the container type" },
  { .name = "selinux off: the engine's label is left, and the record shows it",
    .spec = SPEC (ARGS ("\"sh\"") ",\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"", ""),
    .expect = { "\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"" },
    .journal = { J ("/process/selinuxLabel", "unavailable") ",\"before\":\"system_u:system_r:spc_t:s0\","
                 "\"after\":\"system_u:system_r:spc_t:s0\",\"note\":\"SELinux is off: skipped\"" } },
  { .name = "selinux off: an exec process's label becomes the container's",
    .process_file = true,
    .container = CONTAINER (C_LABEL ("engine_label")),
    .spec = "{" ARGS ("\"sh\"") ",\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"}",
    .expect = { "\"selinuxLabel\":\"engine_label\"" },
    .journal = { J ("/selinuxLabel", "changed") } },
  { .name = "selinux off: an exec process's label goes when the container has none",
    .process_file = true,
    .spec = "{" ARGS ("\"sh\"") ",\"selinuxLabel\":\"system_u:system_r:spc_t:s0\"}",
    .lacks = { "selinuxLabel" },
    .journal = { J ("/selinuxLabel", "removed") ",\"before\":\"system_u:system_r:spc_t:s0\",\"after\":null,"
                 "\"note\":\"the container runs without one\"" } },

  /* mounts beneath the denied paths: read-only (Landlock has no right for chmod, chown, utimes, xattrs) */
  { .name = "read-only: an rbind,rw volume at /etc/app gets ro, rw goes, journaled with a note",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" TMPFS ("/dev") "," BIND ("/etc/app", "\"rbind\",\"rw\"") "]"),
    .expect = { BIND ("/etc/app", "\"rbind\",\"ro\"") },
    .journal = { J ("/mounts/1/options", "changed") ",\"before\":[\"rbind\",\"rw\"],\"after\":[\"rbind\",\"ro\"],"
                 "\"note\":\"`/etc/app` is beneath the denied path `/etc`: read-only, so that modes, owners, times and "
                 "extended attributes cannot change there either\"" } },
  { .name = "read-only: docker's /etc/hosts bind and a tmpfs at /home/x without options; rw after ro and rrw go",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" TMPFS ("/dev") "," BIND ("/etc/hosts", "\"rbind\",\"rprivate\"")
                  ",{\"destination\":\"/home/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
                  BIND ("/home", "\"bind\",\"ro\",\"rw\",\"rrw\"") "]"),
    .expect = { BIND ("/etc/hosts", "\"rbind\",\"rprivate\",\"ro\""),
                "{\"destination\":\"/home/x\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"ro\"]}",
                BIND ("/home", "\"bind\",\"ro\"") },
    .journal = { J ("/mounts/1/options", "changed"), J ("/mounts/2/options", "added") ",\"before\":null,\"after\":[\"ro\"]",
                 J ("/mounts/3/options", "changed") ",\"before\":[\"bind\",\"ro\",\"rw\",\"rrw\"],\"after\":[\"bind\",\"ro\"]" } },
  { .name = "read-only: destinations as the runtime reads them (relative, `..`, `.`, repeated slashes)",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" TMPFS ("/dev") "," BIND ("etc//app/", "\"bind\"") ","
                  BIND ("/data/../home/./u", "\"bind\"") "," BIND ("/../etc", "\"bind\"") "]"),
    .expect = { BIND ("etc//app/", "\"bind\",\"ro\""), BIND ("/data/../home/./u", "\"bind\",\"ro\""),
                BIND ("/../etc", "\"bind\",\"ro\"") } },
  { .name = "read-only: near misses stay writable (/etcetera, /homework, /data, /)",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" TMPFS ("/dev") "," BIND ("/etcetera", "\"bind\",\"rw\"") ","
                  BIND ("/homework", "\"rbind\"") "," BIND ("/data", "\"rbind\",\"rw\"") "]"),
    .expect = { BIND ("/etcetera", "\"bind\",\"rw\""), BIND ("/homework", "\"rbind\""), BIND ("/data", "\"rbind\",\"rw\"") },
    .unjournal = { "/options" } },
  { .name = "read-only: already read-only: nothing journaled",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" TMPFS ("/dev") "," BIND ("/etc/app", "\"bind\",\"ro\"") "]"),
    .expect = { BIND ("/etc/app", "\"bind\",\"ro\"") },
    .unjournal = { "/options" } },
  { .name = "read-only: the policy's paths, not the default ones",
    .policy = "{\"lsm\":{\"deny_write\":[\"/srv/conf\"]}}",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" TMPFS ("/dev") "," BIND ("/srv/conf/x", "\"bind\"") ","
                  BIND ("/etc/app", "\"bind\"") "]"),
    .expect = { BIND ("/srv/conf/x", "\"bind\",\"ro\""), BIND ("/etc/app", "\"bind\"") } },
  { .name = "read-only: with AppArmor too",
    .backend = APPARMOR,
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" BIND ("/etc/app", "\"rbind\"") "]"),
    .expect = { BIND ("/etc/app", "\"rbind\",\"ro\"") },
    .journal = { J ("/mounts/0/options", "changed") } },
  { .name = "read-only: with neither LSM (policy lsm.unavailable run_without) too",
    .backend = NEITHER,
    .policy = "{\"lsm\":{\"unavailable\":\"run_without\"}}",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" BIND ("/home/u", "\"bind\",\"rw\"") "]"),
    .expect = { BIND ("/home/u", "\"bind\",\"ro\"") } },
  { .name = "read-only: options not an array of strings refused",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[{\"destination\":\"/etc/app\",\"options\":[\"bind\",1]}]"),
    .error = "/mounts/0/options[] is a number, expected a string" },
  { .name = "read-only: audit mode: journaled as what would change",
    .policy = "{\"mode\":\"audit\"}",
    .spec = SPEC (ARGS ("\"sh\""), ",\"mounts\":[" BIND ("/etc/app", "\"bind\"") "]"),
    .journal = { J ("/mounts/0/options", "kept") ",\"would\":\"changed\"" } },

  /* audit */
  { .name = "audit mode: journaled, not applied",
    .policy = "{\"mode\":\"audit\"}",
    .spec = SPEC (ARGS ("\"sh\""), ""),
    .expect = { ARGS ("\"sh\"") },
    .lacks = { HS_LANDLOCK_DEST },
    .journal = { J ("/process/args", "kept") ",\"would\":\"changed\"", J ("/mounts", "kept") ",\"would\":\"added\"" } },
};

/* What the probe (host_refs.h) finds for a case with class_hooks: the two
 * startContainer hooks are the programs the class lists, root's. */
static hs_hook_ref _hook_refs[] = {
  { .stage = "startContainer", .index = 0, .path = (char *) "/bin/sh", .id = { .exists = true, .dev = 1, .ino = 10 },
    .trusted = true },
  { .stage = "startContainer", .index = 1, .path = (char *) "/bin/true", .id = { .exists = true, .dev = 1, .ino = 11 },
    .trusted = true },
};
static hs_id_ref _class_hook_ids[] = { { .exists = true, .dev = 1, .ino = 10 }, { .exists = true, .dev = 1, .ino = 11 } };
static hs_id_ref *_class_hooks[] = { _class_hook_ids };
/* clang-format on */

static void
_host (const _lsm_case *c, hs_host *h)
{
  *h = (hs_host) TU_HOST;
  if (c->class_hooks)
    {
      h->hooks = _hook_refs;
      h->nhooks = HS_ARRAY_SIZE (_hook_refs);
      h->class_hooks = _class_hooks;
      h->nclasses = 1;
    }
  h->selinux = c->selinux;
  h->mcs_seed = c->seed;
  if (c->backend == APPARMOR)
    {
      h->apparmor = true;
      h->apparmor_why = NULL;
      h->apparmor_profile = (char *) PROFILE;
    }
  if (c->backend != LANDLOCK)
    {
      h->landlock_abi = 0;
      h->landlock_why = "the kernel has no Landlock";
    }
  if (c->restore)
    hs_host_restore_view (h);
}

static void
_check_case (const _lsm_case *c)
{
  _cleanup_json_ hs_json spec = tu_parse (c->spec);
  _cleanup_json_ hs_json container = c->process_file ? tu_parse (c->container ? c->container : TU_CONTAINER) : NULL;
  _cleanup_free_ char *out = NULL, *again = NULL;
  hs_policy policy;
  hs_host host;
  hs_plan plan;
  hs_journal j, j2;
  hs_error err = { 0 };
  int r;

  _host (c, &host);
  tu_policy (c->policy ? c->policy : "{}", &policy);
  hs_journal_init (&j, "c1", NULL, "config.json", "create", policy.mode == HS_MODE_AUDIT);
  r = hs_harden (spec, container, "config.json", &policy, &host, &j, &plan, &err);
  if (c->error != NULL)
    {
      if (r >= 0)
        CASE_FAIL ("case `%s`: accepted, expected `%s`\n", c->name, c->error);
      else if (err.msg == NULL || strstr (err.msg, c->error) == NULL)
        CASE_FAIL ("case `%s`: message `%s` lacks `%s`\n", c->name, err.msg ? err.msg : "(null)", c->error);
      goto out;
    }
  if (r < 0)
    {
      CASE_FAIL ("case `%s`: refused: %s\n", c->name, err.msg);
      goto out;
    }
  assert_int_equal (hs_json_generate (spec, false, &out, NULL, &err), 0);
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->expect) && c->expect[i]; i++)
    if (strstr (out, c->expect[i]) == NULL)
      CASE_FAIL ("case `%s`: spec lacks %s:\n%s\n", c->name, c->expect[i], out);
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->lacks) && c->lacks[i]; i++)
    if (strstr (out, c->lacks[i]) != NULL)
      CASE_FAIL ("case `%s`: spec has %s:\n%s\n", c->name, c->lacks[i], out);
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->journal) && c->journal[i]; i++)
    if (strstr (j.buf ? j.buf : "", c->journal[i]) == NULL)
      CASE_FAIL ("case `%s`: journal lacks %s:\n%s\n", c->name, c->journal[i], j.buf ? j.buf : "");
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->unjournal) && c->unjournal[i]; i++)
    if (strstr (j.buf ? j.buf : "", c->unjournal[i]) != NULL)
      CASE_FAIL ("case `%s`: journal has %s:\n%s\n", c->name, c->unjournal[i], j.buf);

  /* A second pass changes nothing (a spec hardshim wrote starts again). */
  hs_journal_init (&j2, "c1", NULL, "config.json", "create", policy.mode == HS_MODE_AUDIT);
  if (hs_harden (spec, container, "config.json", &policy, &host, &j2, &plan, &err) < 0)
    CASE_FAIL ("case `%s`: second pass refused: %s\n", c->name, err.msg);
  else
    {
      assert_int_equal (hs_json_generate (spec, false, &again, NULL, &err), 0);
      if (strcmp (out, again) != 0)
        CASE_FAIL ("case `%s`: second pass changed the spec:\n%s\n%s\n", c->name, out, again);
      if (policy.mode == HS_MODE_ENFORCE && j2.buf != NULL
          && (strstr (j2.buf, "\"measure\":\"lsm\",\"path\":\"/process/args\",\"action\":\"changed\"") != NULL
              || strstr (j2.buf, "\"measure\":\"lsm\",\"path\":\"/mounts\",\"action\":\"added\"") != NULL))
        CASE_FAIL ("case `%s`: second pass journaled a change:\n%s\n", c->name, j2.buf);
    }
  hs_journal_release (&j2);
out:
  hs_error_release (&err);
  hs_journal_release (&j);
  hs_policy_release (&policy);
}

static void
test_lsm_table (void **state)
{
  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_cases); i++)
    _check_case (&_cases[i]);
  assert_int_equal (_failures, 0);
}

/* ---- the policy's lsm keys ----------------------------------------------- */

static void
test_lsm_policy (void **state)
{
  static const struct
  {
    const char *text, *error; /* error NULL: loads */
  } cases[] = {
    { "{\"lsm\":{\"deny_write\":[\"/etc\",\"/var/lib/app-1.2_x\"]}}", NULL },
    { "{\"lsm\":{\"unavailable\":\"run_without\"}}", NULL },
    { "{\"lsm\":{\"deny_write\":[]}}", "`lsm.deny_write` is empty" },
    { "{\"lsm\":{\"deny_write\":[\"etc\"]}}", "is not absolute" },
    { "{\"lsm\":{\"deny_write\":[\"/\"]}}", "would deny every write" },
    { "{\"lsm\":{\"deny_write\":[\"/etc/\"]}}", "`.`, `..`, `//` and a trailing `/` are not allowed" },
    { "{\"lsm\":{\"deny_write\":[\"/etc/../root\"]}}", "`.`, `..`, `//` and a trailing `/` are not allowed" },
    { "{\"lsm\":{\"deny_write\":[\"/home/*\"]}}", "character `*` is not allowed" },
    { "{\"lsm\":{\"deny_write\":[\"/home dir\"]}}", "character 0x20 is not allowed" },
    { "{\"lsm\":{\"deny_write\":[1]}}", "`lsm.deny_write[]` is a number, expected a string" },
    { "{\"lsm\":{\"deny_write\":\"/etc\"}}", "`lsm.deny_write` is a string, expected an array" },
    { "{\"lsm\":{\"unavailable\":\"allow\"}}", "`lsm.unavailable` must be `refuse` or `run_without`, got `allow`" },
    { "{\"lsm\":{\"landlock_helper\":\"hardshim-landlock\"}}", "`lsm.landlock_helper` must be an absolute path" },
    { "{\"lsm\":{\"apparmor\":true}}", "unknown key `lsm.apparmor`" },
  };

  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      hs_policy p;
      hs_error err = { 0 };
      int r = hs_policy_parse (cases[i].text, strlen (cases[i].text), "test.json", &p, &err);

      if (cases[i].error == NULL)
        {
          if (r < 0)
            fail_msg ("`%s` refused: %s", cases[i].text, err.msg);
          hs_policy_release (&p);
        }
      else if (r == 0)
        fail_msg ("`%s` accepted", cases[i].text);
      else if (strstr (err.msg, cases[i].error) == NULL)
        fail_msg ("`%s`: message `%s` lacks `%s`", cases[i].text, err.msg, cases[i].error);
      hs_error_release (&err);
    }

  /* 33 paths: one more than the helper takes */
  _cleanup_free_ char *many = xstrdup ("{\"lsm\":{\"deny_write\":[\"/p0\"");
  for (int i = 1; i <= HS_DENY_WRITE_MAX; i++)
    {
      char *more = xasprintf ("%s,\"/p%d\"", many, i);
      free (many);
      many = more;
    }
  char *text = xasprintf ("%s]}}", many);
  hs_policy p;
  hs_error err = { 0 };
  assert_int_equal (hs_policy_parse (text, strlen (text), "test.json", &p, &err), -EINVAL);
  assert_non_null (strstr (err.msg, "more than 32 paths"));
  hs_error_release (&err);
  free (text);

  /* the defaults */
  assert_int_equal (hs_policy_parse ("{}", 2, "test.json", &p, &err), 0);
  assert_int_equal (p.deny_write.n, 2);
  assert_string_equal (p.deny_write.v[0], "/etc");
  assert_string_equal (p.deny_write.v[1], "/home");
  assert_false (p.lsm_fallback);
  assert_string_equal (p.landlock_helper, HS_LANDLOCK_HELPER);
  hs_policy_release (&p);
}

/* ---- SELinux labels ------------------------------------------------------ */

static void
test_selinux_labels (void **state)
{
  static const struct
  {
    const char *label, *level; /* level NULL: not a container label */
  } cases[] = {
    { "system_u:system_r:container_t:s0:c1,c2", "s0:c1,c2" },
    { "u:r:container_t:s0:c0,c1023", "s0:c0,c1023" },
    { "system_u:system_r:container_t:s0:c2,c1", NULL },
    { "system_u:system_r:container_t:s0:c1,c1", NULL },
    { "system_u:system_r:container_t:s0:c1,c1024", NULL },
    { "system_u:system_r:container_t:s0:c01,c2", NULL },
    { "system_u:system_r:container_t:s0", NULL },
    { "system_u:system_r:container_t:s0:c1,c2 ", NULL },
    /* categories below 1024: no wrap-around of larger numbers; no sign, space or empty number */
    { "system_u:system_r:container_t:s0:c1022,c1023", "s0:c1022,c1023" },
    { "system_u:system_r:container_t:s0:c1,c4294967298", NULL },
    { "system_u:system_r:container_t:s0:c1,c18446744073709551618", NULL },
    { "system_u:system_r:container_t:s0:c4294967296,c2", NULL },
    { "system_u:system_r:container_t:s0:c+1,c2", NULL },
    { "system_u:system_r:container_t:s0:c-1,c2", NULL },
    { "system_u:system_r:container_t:s0:c 1,c2", NULL },
    { "system_u:system_r:container_t:s0:c1 ,c2", NULL },
    { "system_u:system_r:container_t:s0:c1,c 2", NULL },
    { "system_u:system_r:container_t:s0:c,c2", NULL },
    { "system_u:system_r:container_t:s0:c1,c", NULL },
    { "system_u:system_r:container_t:s0:c1,2", NULL },
    { "system_u:system_r:container_t:s0:c1,c2,c3", NULL },
    { "system_u:system_r:container_t:s0:c1", NULL },
    { "system_u:system_r:spc_t:s0:c1,c2", NULL },
    { "system_u:system_r:container_tx:s0:c1,c2", NULL },
    { "container_t", NULL },
    { "", NULL },
  };

  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      _cleanup_free_ char *level = hs_selinux_container_level (cases[i].label);
      if (cases[i].level == NULL ? level != NULL : level == NULL || strcmp (level, cases[i].level) != 0)
        fail_msg ("`%s`: level `%s`, expected `%s`", cases[i].label, level ? level : "(null)",
                  cases[i].level ? cases[i].level : "(null)");
    }
  /* New pairs: two different categories below 1024, in order, parse back. */
  for (uint32_t seed = 0; seed < 200000; seed += 7)
    {
      _cleanup_free_ char *level = hs_selinux_new_level (seed * 2654435761u);
      _cleanup_free_ char *label = hs_selinux_process_label (level);
      _cleanup_free_ char *back = hs_selinux_container_level (label);
      if (back == NULL || strcmp (back, level) != 0)
        fail_msg ("seed %u: `%s` does not parse back", seed, label);
    }
  _cleanup_free_ char *mount = hs_selinux_mount_label ("s0:c1,c2");
  assert_string_equal (mount, "system_u:object_r:container_file_t:s0:c1,c2");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_lsm_table),
    cmocka_unit_test (test_lsm_policy),
    cmocka_unit_test (test_selinux_labels),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
