/* SPDX-License-Identifier: Apache-2.0 */
/* The detect measure (measures/detect*.c) through hs_harden: for each rule
 * the refused case (the whole message the engine shows, and its journal
 * record) and the near misses that must pass.
 *
 * The host is TU_HOST plus what the probes would have found (host_refs.h,
 * namespaces.h): namespaces joined by path, bind sources and hook programs
 * with their identities, a foreign cgroup.  Identities are made up (dev 1,
 * an inode per case): detect compares them, it never looks at the host.
 *
 * Specs, policies and the spec/journal snippets are written with single
 * quotes, read as double quotes; error and notes are exact strings. */
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
#include "host/namespaces.h"
#include "policy/policy.h"
#include "testutil.h"

/* A namespace the spec joins by path, as the probe judged it. */
typedef struct
{
  const char *type;
  bool is_host;
} _joined;

/* An identity the probe found: path as the spec or the policy writes it. */
typedef struct
{
  const char *path;
  ino_t ino; /* 0: does not exist */
} _id;

/* A bind source the probe classified (its identity from the ids). */
typedef struct
{
  const char *source;
  hs_bind_kind kind;
  const char *what, *owner;
  bool above;
  char devtype;
  uint32_t major, minor;
  ino_t ino; /* not 0: its identity, not the ids' */
} _bind;

/* A hook program the probe found (its identity from the ids). */
typedef struct
{
  const char *stage;
  size_t index;
  const char *path;
  bool trusted;
  const char *engine;
  ino_t ino; /* not 0: its identity, not the ids' */
} _hook;

typedef struct
{
  const char *name;
  const char *policy; /* NULL: "{}" */
  bool process_file;
  bool no_userns; /* a host without user namespaces (policy run_without) */
  const char *spec;
  _joined joined[3];
  _id ids[4];
  _bind binds[3];
  _hook hooks[3];
  const char *cgroup_foreign;
  size_t cgroup_procs;
  const char *error;      /* NULL: hardened; else the whole message */
  bool invalid;           /* error is a spec error (EINVAL), not a refusal */
  const char *notes[4];   /* further refusals: their journal notes */
  const char *expect[6];  /* snippets the hardened spec has */
  const char *lacks[4];   /* ...and has not */
  const char *journal[5]; /* snippets the journal has */
  const char *unjournal[3];
  bool once; /* no second pass (the case is about the first) */
} _case;

/* The policy as tu_policy names it, and its default journal. */
#define BY "is refused by policy test"
#define JOURNAL_FILE HS_DEFAULT_JOURNAL /* the policy names none: the configured one */

/* ---- specs --------------------------------------------------------------- */

#define NS(t) "{'type':'" t "'}"
#define NS_PATH(t, p) "{'type':'" t "','path':'" p "'}"
#define NS5 NS ("pid") "," NS ("network") "," NS ("ipc") "," NS ("uts") "," NS ("mount")
#define PROC "{'destination':'/proc','type':'proc','source':'proc'}"
#define DEV "{'destination':'/dev','type':'tmpfs','source':'tmpfs','options':['nosuid','strictatime','mode=755']}"
#define BIND(src, dest, opts) "{'destination':'" dest "','type':'bind','source':'" src "','options':[" opts "]}"
/* A spec with process fields, linux fields (RUNC: runc's namespaces),
 * mounts after runc's /proc and /dev (the spec's mounts/2 on) and more keys
 * (rest). */
#define SPECX(process, linux_, mounts, rest)                                                                           \
  "{'process':{'args':['sh']" process "},'root':{'path':'rootfs'},'mounts':[" PROC "," DEV mounts "],'linux':{" linux_ \
  "}" rest "}"
#define SPEC(process, linux_, mounts) SPECX (process, linux_, mounts, "")
#define NSL(...) "'namespaces':[" __VA_ARGS__ "]"
#define RUNC NSL (NS5)

/* Journal snippets: a refusal of detect at path, a change or an addition. */
#define J(path, action) "'measure':'detect','path':'" path "','action':'" action "'"
#define JR(path) J (path, "refused")

/* ---- messages ------------------------------------------------------------ */

#define NS_MSG(words, t) "host " words " " BY "; allow it for a class with \"allow\": {\"namespaces\": [\"" t "\"]}"
#define NET_MSG NS_MSG ("network namespace (docker --net=host, Kubernetes hostNetwork)", "network")
#define PID_MSG NS_MSG ("PID namespace (docker --pid=host, Kubernetes hostPID)", "pid")
#define IPC_MSG NS_MSG ("IPC namespace (docker --ipc=host, Kubernetes hostIPC)", "ipc")
#define UTS_MSG NS_MSG ("UTS namespace (docker --uts=host)", "uts")
#define MNT_MSG NS_MSG ("mount namespace (a spec without a mount namespace)", "mount")
#define SHARED_MSG(dest)                                                                                               \
  "shared mount propagation on " dest " (docker -v SRC:DEST:shared, Kubernetes mountPropagation: Bidirectional) " BY   \
  "; no class can allow it: use rslave (Kubernetes HostToContainer)"
#define HOOK_MSG(stage, prog)                                                                                          \
  "hook " stage " " prog " (an OCI hook from the spec or an engine's hooks directory) " BY                             \
  "; allow it for a class with \"allow\": {\"hooks\": [\"" prog "\"]}"
#define BIND_MSG(src, which)                                                                                           \
  "host path " src which " as a volume (docker -v " src ":..., Kubernetes hostPath) " BY                               \
  "; allow it for a class with \"allow\": {\"binds\": [{\"source\": \"" src "\", \"readonly\": true}]}"
#define ABOVE_MSG(src, holds)                                                                                          \
  "host path " src " as a volume (docker -v " src ":..., Kubernetes hostPath; it holds " holds ") " BY                 \
  "; allow it for a class with \"allow\": {\"binds\": [{\"source\": \"" src "\", \"readonly\": true}]}"
#define RW_MSG(src)                                                                                                    \
  "host path " src " read-write as a volume (docker -v " src ":..., Kubernetes hostPath) " BY                          \
  "; mount it read-only, or allow it for a class with \"allow\": {\"binds\": [{\"source\": \"" src                     \
  "\", \"readonly\": false}]}"
#define SOCK_MSG(owner, src, which)                                                                                    \
  owner " socket " src which " as a volume (docker -v " src ":..., Kubernetes hostPath) " BY                           \
        "; allow it for a class with \"allow\": {\"binds\": [{\"source\": \"" src "\"}]}"
#define DEV_MSG(shown, kind, t, major, minor)                                                                          \
  "device " shown " (" kind " " #major ":" #minor "; docker --device, podman --device, Kubernetes device plugins) " BY \
  "; allow it for a class with \"allow\": {\"devices\": [{\"type\": \"" t "\", \"major\": " #major                     \
  ", \"minor\": " #minor "}]}"
#define MORE(n) " (and " #n " more refused: see the journal " JOURNAL_FILE ")"

/* runc's default device rules as detect writes them: deny all, then the
 * nodes every runtime creates. */
#define RULE(t, major, minor) "{'allow':true,'type':'" t "','major':" #major ",'minor':" #minor ",'access':'rwm'}"
#define DEFAULT_RULES                                                                                                  \
  "'devices':[{'allow':false,'access':'rwm'}," RULE ("c", 1, 3) "," RULE ("c", 1, 5) "," RULE ("c", 1, 7) "," RULE (   \
      "c", 1,                                                                                                          \
      8) "," RULE ("c", 1,                                                                                             \
                   9) "," RULE ("c", 5,                                                                                \
                                0) "," RULE ("c", 5,                                                                   \
                                             1) "," RULE ("c", 5,                                                      \
                                                          2) ",{'allow':true,'type':'c','major':136,'access':'rwm'}"
/* docker 20.10's rules (tests/data/specs/docker.json) */
#define DOCKER_RULES                                                                                                   \
  "'resources':{'devices':[{'allow':false,'access':'rwm'}," RULE ("c", 1, 5) "," RULE ("c", 1, 3) "," RULE (           \
      "c", 1,                                                                                                          \
      9) "," RULE ("c", 1,                                                                                             \
                   8) "," RULE ("c", 5,                                                                                \
                                0) "," RULE ("c", 5,                                                                   \
                                             1) ",{'allow':false,'type':'c','major':10,'minor':229,'access':'rwm'}]}"
#define DEVICE(path, t, major, minor) "{'path':'" path "','type':'" t "','major':" #major ",'minor':" #minor "}"
#define PRIVILEGED_RULES "'resources':{'devices':[{'allow':true,'access':'rwm'}]}"
/* A class ci selected by annotation, with its own allow (no inheritance). */
#define CI_CLASS(allow)                                                                                                \
  "{'allow':{'hooks':['/usr/libexec/oci/hook']},'classes':{'ci':{'match':{'annotation':'io.example/ci=yes'},'user':{"  \
  "'subid_owner':'hardshim-web'},'allow':" allow "}}}"
#define CI ",'annotations':{'io.example/ci':'yes'}"
#define RUN_WITHOUT_USERNS "'user':{'userns_unavailable':'run_without'}"

/* clang-format off */
static const _case _cases[] = {
  /* ---- host namespaces ---- */
  { .name = "runc's namespaces: nothing refused, a cgroup namespace added",
    .spec = SPEC ("", RUNC, ""),
    .expect = { "'namespaces':[" NS5 ",{'type':'user'},{'type':'cgroup'}]" },
    .journal = { J ("/linux/namespaces", "added") ",'before':null,'after':{'type':'cgroup'}" },
    .unjournal = { "'action':'refused'" } },
  { .name = "a cgroup namespace given is not added again",
    .spec = SPEC ("", NSL (NS5 "," NS ("cgroup")), ""),
    .expect = { "'namespaces':[" NS5 ",{'type':'cgroup'},{'type':'user'}]" },
    .unjournal = { J ("/linux/namespaces", "added") } },
  { .name = "the host's cgroup namespace by path: a new one instead",
    .spec = SPEC ("", NSL (NS5 "," NS_PATH ("cgroup", "/proc/1/ns/cgroup")), ""),
    .joined = { { "cgroup", true } },
    .expect = { "'namespaces':[" NS5 ",{'type':'cgroup'},{'type':'user'}]" },
    /* the user measure pinned it first (namespaces.h) */
    .journal = { J ("/linux/namespaces/5", "changed") ",'before':{'type':'cgroup','path':'" HS_NS_DIR "/cgroup'}" } },
  { .name = "near miss: another container's cgroup namespace by path is joined",
    .spec = SPEC ("", NSL (NS5 "," NS_PATH ("cgroup", "/proc/42/ns/cgroup")), ""),
    .joined = { { "cgroup", false } },
    .expect = { "{'type':'cgroup','path':" },
    .unjournal = { "'action':'refused'" } },
  { .name = "no network namespace: the host's, refused",
    .spec = SPEC ("", NSL (NS ("pid") "," NS ("ipc") "," NS ("uts") "," NS ("mount")), ""),
    .error = NET_MSG,
    .journal = { JR ("/linux/namespaces") ",'before':{'missing':'network'}" } },
  { .name = "no PID namespace: refused",
    .spec = SPEC ("", NSL (NS ("network") "," NS ("ipc") "," NS ("uts") "," NS ("mount")), ""),
    .error = PID_MSG },
  { .name = "no IPC namespace: refused",
    .spec = SPEC ("", NSL (NS ("pid") "," NS ("network") "," NS ("uts") "," NS ("mount")), ""),
    .error = IPC_MSG },
  { .name = "no UTS namespace: refused",
    .spec = SPEC ("", NSL (NS ("pid") "," NS ("network") "," NS ("ipc") "," NS ("mount")), ""),
    .error = UTS_MSG },
  { .name = "no mount namespace: refused",
    .spec = SPEC ("", NSL (NS ("pid") "," NS ("network") "," NS ("ipc") "," NS ("uts")), ""),
    .error = MNT_MSG },
  { .name = "no linux.namespaces at all: every host namespace refused, one message and the count",
    .spec = SPEC ("", "'sysctl':{}", ""),
    .error = PID_MSG MORE (4),
    .notes = { NET_MSG, IPC_MSG, UTS_MSG, MNT_MSG } },
  { .name = "the host's network namespace by path (judged by identity): refused",
    .spec = SPEC (
        "", NSL (NS ("pid") "," NS_PATH ("network", "/proc/1/ns/net") "," NS ("ipc") "," NS ("uts") "," NS ("mount")),
        ""),
    .joined = { { "network", true } },
    .error = NET_MSG,
    .journal = { JR ("/linux/namespaces/1") } },
  { .name = "a namespace path the probe did not judge: fail closed",
    .spec = SPEC (
        "", NSL (NS ("pid") "," NS ("network") "," NS_PATH ("ipc", "/proc/7/ns/ipc") "," NS ("uts") "," NS ("mount")),
        ""),
    .error = IPC_MSG },
  { .name = "near miss: a namespace entry with an empty path is a new one",
    .spec = SPEC ("", NSL (NS ("pid") "," NS_PATH ("network", "") "," NS ("ipc") "," NS ("uts") "," NS ("mount")), ""),
    .unjournal = { "'action':'refused'" } },
  { .name = "near miss: joining another container's namespaces (a pod), not the host's",
    .spec = SPEC ("",
                  NSL (NS ("pid") "," NS_PATH ("network", "/proc/7/ns/net") "," NS_PATH (
                      "ipc", "/proc/7/ns/ipc") "," NS_PATH ("uts", "/proc/7/ns/uts") "," NS ("mount")),
                  ""),
    .joined = { { "network", false }, { "ipc", false }, { "uts", false } },
    .expect = { "{'type':'ipc','path':'" HS_NS_DIR "/ipc'}" },
    .unjournal = { "'action':'refused'" } },
  { .name = "near miss: the network entry removed, the pod's network namespace inherited (not the host's)",
    .spec = SPEC ("", NSL (NS ("pid") "," NS ("ipc") "," NS ("uts") "," NS ("mount")), ""),
    .joined = { { "network", false } },
    .unjournal = { "'action':'refused'" } },
  { .name = "the network entry removed but the inherited namespace is the host's: refused",
    .spec = SPEC ("", NSL (NS ("pid") "," NS ("ipc") "," NS ("uts") "," NS ("mount")), ""),
    .joined = { { "network", true } },
    .error = NET_MSG },
  { .name = "a class that allows the host network: passes",
    .policy = "{'allow':{'namespaces':['network']}}",
    .spec = SPEC ("", NSL (NS ("pid") "," NS ("ipc") "," NS ("uts") "," NS ("mount")), ""),
    .unjournal = { "'action':'refused'" } },
  { .name = "a class that allows the host network: the host's PID namespace still refused (nothing wider)",
    .policy = "{'allow':{'namespaces':['network']}}",
    .spec = SPEC ("", NSL (NS ("ipc") "," NS ("uts") "," NS ("mount")), ""),
    .error = PID_MSG },
  { .name = "a class selected by annotation allows the host network, the default class does not",
    .policy = "{'classes':{'agent':{'match':{'annotation':'io.example/agent=yes'},'user':{'subid_owner':"
              "'hardshim-web'},'allow':{'namespaces':['network']}}}}",
    .spec = "{'process':{'args':['sh']},'root':{'path':'rootfs'},'mounts':[" PROC "],'annotations':{'io.example/"
            "agent':'yes'},'linux':{" NSL (NS ("pid") "," NS ("ipc") "," NS ("uts") "," NS ("mount")) "}}",
    .unjournal = { "'action':'refused'" } },
  { .name = "a namespace type given twice: refused",
    .spec = SPEC ("", NSL (NS5 "," NS_PATH ("network", "/proc/7/ns/net")), ""),
    .joined = { { "network", false } },
    .error
    = "the network namespace is given twice in linux.namespaces (runc refuses it, crun takes the last); it " BY },
  { .name = "a network sysctl in the host's network namespace (allowed by the class): refused",
    .policy = "{'allow':{'namespaces':['network']}}",
    .spec = SPEC ("",
                  NSL (NS ("pid") "," NS ("ipc") "," NS ("uts") "," NS ("mount")) ",'sysctl':{'net.ipv4.ip_"
                                                                                  "forward':'1','kernel.shmmax':'1'}",
                  ""),
    .error = "sysctl net.ipv4.ip_forward in the host's network namespace would change the host's; it " BY,
    .journal = { JR ("/linux/sysctl/net.ipv4.ip_forward") } },
  { .name = "near miss: network and IPC sysctls in the container's own namespaces",
    .spec = SPEC ("", RUNC ",'sysctl':{'net.ipv4.ip_forward':'1','kernel.shmmax':'1'}", ""),
    .expect = { "'net.ipv4.ip_forward':'1'" },
    .unjournal = { "'action':'refused'" } },

  /* ---- propagation, mount types ---- */
  { .name = "rshared on a volume: refused, whatever the class",
    .policy = "{'allow':{'binds':[{'source':'/srv/data','readonly':false}]}}",
    .spec = SPEC ("", RUNC, "," BIND ("/srv/data", "/data", "'rbind','rshared'")),
    .error = SHARED_MSG ("/data"),
    .journal = { JR ("/mounts/2/options/1") } },
  { .name = "shared on a volume: refused",
    .spec = SPEC ("", RUNC, "," BIND ("/srv/data", "/data", "'bind','shared'")),
    .error = SHARED_MSG ("/data") },
  { .name = "shared root propagation: refused",
    .spec = SPEC ("", RUNC ",'rootfsPropagation':'rshared'", ""),
    .error = "shared root propagation (rootfsPropagation \"rshared\") " BY "; no class can allow it: use rslave",
    .journal = { JR ("/linux/rootfsPropagation") } },
  { .name = "near miss: rslave and private volumes, slave root propagation",
    .spec = SPEC ("", RUNC ",'rootfsPropagation':'slave'",
                  "," BIND ("/srv/a", "/a", "'rbind','rslave'") "," BIND ("/srv/b", "/b", "'bind','private'")),
    .unjournal = { "'action':'refused'" } },
  { .name = "a mount of a filesystem type from host devices: refused",
    .spec = SPEC ("", RUNC, ",{'destination':'/x','type':'ext4','source':'/dev/sda1'}"),
    .error = "a mount of type ext4 on /x (a filesystem the runtime would mount from host paths or devices) " BY
             "; no class can allow it: mount it on the host and give it as a volume" },
  { .name = "near miss: the runtimes' own filesystems",
    .spec = SPEC ("", RUNC,
                  ",{'destination':'/dev/mqueue','type':'mqueue','source':'mqueue'},{'destination':'/sys/fs/cgroup',"
                  "'type':'cgroup2','source':'cgroup'},{'destination':'/dev/pts','type':'devpts','source':'devpts'}"),
    .unjournal = { "'action':'refused'" } },

  /* ---- hooks ---- */
  { .name = "an engine's own hook (docker's network hook): runs",
    .spec = SPECX ("", RUNC, "", ",'hooks':{'prestart':[{'path':'/proc/3770/exe','args':['libnetwork-setkey']}]}"),
    .ids = { { "/proc/3770/exe", 20 } },
    .hooks = { { "prestart", 0, "/proc/3770/exe", true, "docker's network hook" } },
    .expect = { "'prestart':[{'path':'/proc/3770/exe'" },
    .unjournal = { "'action':'refused'" } },
  { .name = "a hook the class lists (by identity, another spelling), root's: runs",
    .policy = "{'allow':{'hooks':['/usr/libexec/oci/hook']}}",
    .spec = SPECX ("", RUNC, "", ",'hooks':{'createRuntime':[{'path':'/usr/libexec/../libexec/oci/hook'}]}"),
    .ids = { { "/usr/libexec/oci/hook", 21 }, { "/usr/libexec/../libexec/oci/hook", 21 } },
    .hooks = { { "createRuntime", 0, "/usr/libexec/../libexec/oci/hook", true, NULL } },
    .unjournal = { "'action':'refused'" } },
  { .name = "a hook the class lists, with PATH in its environment (the programs a script calls): refused",
    .policy = "{'allow':{'hooks':['/usr/libexec/oci/hook']}}",
    .spec = SPECX ("", RUNC, "", ",'hooks':{'createRuntime':[{'path':'/usr/libexec/oci/hook','env':['PATH=/tmp/bin:/usr/bin']}]}"),
    .ids = { { "/usr/libexec/oci/hook", 21 } },
    .hooks = { { "createRuntime", 0, "/usr/libexec/oci/hook", true, NULL } },
    .error = "hook createRuntime[0] /usr/libexec/oci/hook " BY ": the class lists it, but the spec sets `PATH` "
             "in its environment (a hook a class lists runs with none: any variable could make it run other code "
             "as root)",
    .journal = { JR ("/hooks/createRuntime/0") } },
  { .name = "a hook the class lists, with LD_PRELOAD in its environment: refused, naming the variable only",
    .policy = "{'allow':{'hooks':['/usr/libexec/oci/hook']}}",
    .spec = SPECX ("", RUNC, "",
                   ",'hooks':{'createRuntime':[{'path':'/usr/libexec/oci/hook','env':['LD_PRELOAD=/tmp/evil.so','PATH=/bin']}]}"),
    .ids = { { "/usr/libexec/oci/hook", 21 } },
    .hooks = { { "createRuntime", 0, "/usr/libexec/oci/hook", true, NULL } },
    .error = "hook createRuntime[0] /usr/libexec/oci/hook " BY ": the class lists it, but the spec sets `LD_PRELOAD` "
             "in its environment (a hook a class lists runs with none: any variable could make it run other code "
             "as root)",
    .journal = { JR ("/hooks/createRuntime/0") } },
  { .name = "a hook the class lists that others can change: refused",
    .policy = "{'allow':{'hooks':['/opt/hooks/x']}}",
    .spec = SPECX ("", RUNC, "", ",'hooks':{'prestart':[{'path':'/opt/hooks/x'}]}"),
    .ids = { { "/opt/hooks/x", 22 } },
    .hooks = { { "prestart", 0, "/opt/hooks/x", false, NULL } },
    .error = "hook prestart[0] /opt/hooks/x " BY ": the class lists it, but it or a directory above it can be "
             "changed by a user other than root",
    .journal = { JR ("/hooks/prestart/0") ",'before':{'path':'/opt/hooks/x'}" } },
  { .name = "a hook named as the class's but another file (identity, not spelling): refused",
    .policy = "{'allow':{'hooks':['/usr/libexec/oci/hook']}}",
    .spec = SPECX ("", RUNC, "", ",'hooks':{'poststop':[{'path':'/usr/libexec/oci/hook'}]}"),
    .ids = { { "/usr/libexec/oci/hook", 23 } }, /* what the policy's path was when the probe looked */
    .hooks = { { "poststop", 0, "/usr/libexec/oci/hook", true, NULL, 26 } }, /* the program the hook runs */
    .error = HOOK_MSG ("poststop[0]", "/usr/libexec/oci/hook") },
  { .name = "an unknown hook: refused",
    .spec = SPECX ("", RUNC, "", ",'hooks':{'poststop':[{'path':'/x/y','args':['y']}]}"),
    .ids = { { "/x/y", 24 } },
    .hooks = { { "poststop", 0, "/x/y", true, NULL } },
    .error = HOOK_MSG ("poststop[0]", "/x/y"),
    .journal = { JR ("/hooks/poststop/0") } },
  { .name = "a hook the probe did not see: refused",
    .spec = SPECX ("", RUNC, "", ",'hooks':{'createContainer':[{'path':'/x/y'}]}"),
    .error = HOOK_MSG ("createContainer[0]", "/x/y") },
  /* The lsm measure puts the Landlock helper in front of startContainer
   * hooks before detect runs: the message names the program the spec
   * asked for, not hardshim's helper. */
  { .name = "a startContainer hook (behind the Landlock helper) is named by its own program",
    .spec = SPECX ("", RUNC, "", ",'hooks':{'startContainer':[{'path':'/bin/sh','args':['sh','-c','x']}]}"),
    .ids = { { "/bin/sh", 25 } },
    .hooks = { { "startContainer", 0, "/bin/sh", true, NULL } },
    .error = HOOK_MSG ("startContainer[0]", "/bin/sh") },

  /* ---- the cgroup ---- */
  { .name = "linux.cgroupsPath naming a cgroup with others' processes: refused",
    .spec = SPEC ("", RUNC ",'cgroupsPath':'/system.slice'", ""),
    .cgroup_foreign = "/sys/fs/cgroup/pids/system.slice",
    .cgroup_procs = 12,
    .error = "linux.cgroupsPath \"/system.slice\" (docker --cgroup-parent, ctr run --cgroup) names the existing cgroup "
             "/sys/fs/cgroup/pids/system.slice, which holds 12 processes that are not this container's; it " BY
             ": give the container a cgroup of its own",
    .journal = { JR ("/linux/cgroupsPath") ",'before':'/system.slice'" } },
  { .name = "near miss: a cgroup of the container's own",
    .spec = SPEC ("", RUNC ",'cgroupsPath':'/docker/0123'", ""),
    .unjournal = { "'action':'refused'" } },

  /* ---- bind sources ---- */
  { .name = "the host's / as a volume: refused",
    .spec = SPEC ("", RUNC, "," BIND ("/", "/host", "'rbind'")),
    .ids = { { "/", 2 } },
    .binds = { { "/", HS_BIND_SENSITIVE, "/" } },
    .error = BIND_MSG ("/", ""),
    .journal = { JR ("/mounts/2") ",'before':{'destination':'/host'" } },
  { .name = "the host's / spelled otherwise: refused, the message says which it is",
    .spec = SPEC ("", RUNC, "," BIND ("/tmp/..", "/host", "'rbind','ro'")),
    .ids = { { "/tmp/..", 2 } },
    .binds = { { "/tmp/..", HS_BIND_SENSITIVE, "/" } },
    .error = BIND_MSG ("/tmp/..", " (which is /)") },
  { .name = "a directory above a state root: refused",
    .spec = SPEC ("", RUNC, "," BIND ("/var", "/v", "'rbind'")),
    .ids = { { "/var", 3 } },
    .binds = { { "/var", HS_BIND_SENSITIVE, "/var/lib/docker", NULL, true } },
    .error = ABOVE_MSG ("/var", "/var/lib/docker") },
  { .name = "/usr read-write: refused",
    .spec = SPEC ("", RUNC, "," BIND ("/usr", "/usr", "'rbind','rw'")),
    .ids = { { "/usr", 4 } },
    .binds = { { "/usr", HS_BIND_SENSITIVE_RW, "/usr" } },
    .error = RW_MSG ("/usr") },
  { .name = "/usr ro then rw (the last wins: read-write): refused",
    .spec = SPEC ("", RUNC, "," BIND ("/usr", "/usr", "'rbind','ro','rw'")),
    .ids = { { "/usr", 4 } },
    .binds = { { "/usr", HS_BIND_SENSITIVE_RW, "/usr" } },
    .error = RW_MSG ("/usr") },
  { .name = "near miss: /usr read-only (rw then ro)",
    .spec = SPEC ("", RUNC, "," BIND ("/usr", "/usr", "'rbind','rw','ro'")),
    .ids = { { "/usr", 4 } },
    .binds = { { "/usr", HS_BIND_SENSITIVE_RW, "/usr" } },
    .unjournal = { "'action':'refused'" } },
  { .name = "the Docker API socket: refused",
    .spec = SPEC ("", RUNC, "," BIND ("/var/run/docker.sock", "/var/run/docker.sock", "'rbind'")),
    .ids = { { "/var/run/docker.sock", 7 } },
    .binds = { { "/var/run/docker.sock", HS_BIND_SOCKET, "/run/docker.sock", "Docker API" } },
    .error = SOCK_MSG ("Docker API", "/var/run/docker.sock", " (which is /run/docker.sock)") },
  { .name = "a directory holding an engine's socket: refused",
    .spec = SPEC ("", RUNC, "," BIND ("/run", "/x", "'rbind'")),
    .ids = { { "/run", 8 } },
    .binds = { { "/run", HS_BIND_SOCKET, "/run/containerd/containerd.sock", "containerd", true } },
    .error = "host path /run as a volume (docker -v /run:..., Kubernetes hostPath; it holds the containerd socket "
             "/run/containerd/containerd.sock) " BY "; allow it for a class with \"allow\": {\"binds\": [{\"source\": "
             "\"/run\", \"readonly\": true}]}" },
  { .name = "near miss: docker's own files below its state root are plain",
    .spec = SPEC ("", RUNC, "," BIND ("/var/lib/docker/containers/0123/hostname", "/etc/hostname", "'rbind'")),
    .ids = { { "/var/lib/docker/containers/0123/hostname", 9 } },
    .binds = { { "/var/lib/docker/containers/0123/hostname", HS_BIND_PLAIN } },
    .unjournal = { "'action':'refused'" } },
  { .name = "near miss: a bind a measure added, whose source the probe did not see",
    .spec = SPEC ("", RUNC, "," BIND ("/srv/not-probed", "/data", "'rbind'")),
    .expect = { "'source':'/srv/not-probed'" },
    .unjournal = { "'action':'refused'" } },
  { .name = "the class allows the socket by identity (another spelling), read-write: passes, only nodev added",
    .policy = "{'allow':{'binds':[{'source':'/run/docker.sock','readonly':false}]}}",
    .spec = SPEC ("", RUNC, "," BIND ("/var/run/docker.sock", "/var/run/docker.sock", "'rbind'")),
    .ids = { { "/run/docker.sock", 7 }, { "/var/run/docker.sock", 7 } },
    .binds = { { "/var/run/docker.sock", HS_BIND_SOCKET, "/run/docker.sock", "Docker API" } },
    .expect = { BIND ("/var/run/docker.sock", "/var/run/docker.sock", "'rbind','nodev'") },
    .unjournal = { "'action':'refused'", "'after':['rbind','nodev','ro'" } },
  { .name = "the class allows the socket read-only: made read-only, rro for its submounts",
    .policy = "{'allow':{'binds':[{'source':'/run/docker.sock'}]}}",
    .spec = SPEC ("", RUNC, "," BIND ("/var/run/docker.sock", "/var/run/docker.sock", "'rbind','rw'")),
    .ids = { { "/run/docker.sock", 7 }, { "/var/run/docker.sock", 7 } },
    .binds = { { "/var/run/docker.sock", HS_BIND_SOCKET, "/run/docker.sock", "Docker API" } },
    .expect = { BIND ("/var/run/docker.sock", "/var/run/docker.sock", "'rbind','nodev','ro','rro'") },
    .journal = { J ("/mounts/2/options", "changed") ",'before':['rbind','rw','nodev'],'after':['rbind','nodev','ro','rro'],'note':"
                                                    "'class `default` allows /var/run/docker.sock read-only'" } },
  { .name = "the class allows a file read-only, a plain bind: ro only",
    .policy = "{'allow':{'binds':[{'source':'/run/docker.sock','readonly':true}]}}",
    .spec = SPEC ("", RUNC, "," BIND ("/run/docker.sock", "/s", "'bind'")),
    .ids = { { "/run/docker.sock", 7 } },
    .binds = { { "/run/docker.sock", HS_BIND_SOCKET, "/run/docker.sock", "Docker API" } },
    .expect = { BIND ("/run/docker.sock", "/s", "'bind','nodev','ro'") },
    .lacks = { "rro" } },
  { .name = "the class allows a path that is another file now (identity, not spelling): refused",
    .policy = "{'allow':{'binds':[{'source':'/run/docker.sock'}]}}",
    .spec = SPEC ("", RUNC, "," BIND ("/run/docker.sock", "/s", "'bind'")),
    .ids = { { "/run/docker.sock", 70 } }, /* the policy's path */
    .binds = { { "/run/docker.sock", HS_BIND_SOCKET, "/run/docker.sock", "Docker API", .ino = 7 } },
    .error = SOCK_MSG ("Docker API", "/run/docker.sock", "") },

  { .name = "class ci (selected by annotation) allows the socket read-only: its own, not the default's",
    .policy = CI_CLASS ("{'binds':[{'source':'/run/docker.sock'}]}"),
    .spec = SPECX ("", RUNC, "," BIND ("/run/docker.sock", "/s", "'rbind'"), CI),
    .ids = { { "/run/docker.sock", 7 } },
    .binds = { { "/run/docker.sock", HS_BIND_SOCKET, "/run/docker.sock", "Docker API" } },
    .expect = { BIND ("/run/docker.sock", "/s", "'rbind','nodev','ro','rro'") },
    .journal = { "'note':'class `ci` allows /run/docker.sock read-only'" } },
  { .name = "class ci does not inherit the default class's hooks",
    .policy = CI_CLASS ("{'binds':[{'source':'/run/docker.sock'}]}"),
    .spec = SPECX ("", RUNC, "", ",'hooks':{'prestart':[{'path':'/usr/libexec/oci/hook'}]}" CI),
    .ids = { { "/usr/libexec/oci/hook", 21 } },
    .hooks = { { "prestart", 0, "/usr/libexec/oci/hook", true, NULL } },
    .error = HOOK_MSG ("prestart[0]", "/usr/libexec/oci/hook") },
  { .name = "near miss: the default class lists the hook",
    .policy = CI_CLASS ("{'binds':[{'source':'/run/docker.sock'}]}"),
    .spec = SPECX ("", RUNC, "", ",'hooks':{'prestart':[{'path':'/usr/libexec/oci/hook'}]}"),
    .ids = { { "/usr/libexec/oci/hook", 21 } },
    .hooks = { { "prestart", 0, "/usr/libexec/oci/hook", true, NULL } } },

  /* ---- devices ---- */
  { .name = "near miss: the default nodes (a user namespace: binds of nodes hardshim creates)",
    .spec = SPEC ("", RUNC ",'devices':[" DEVICE ("/dev/null", "c", 1, 3) "," DEVICE ("/dev/zero", "c", 1, 5) "]", ""),
    .expect = { "'source':'" HS_DEVICES_DIR "/c-1-3-", DEFAULT_RULES "]" },
    .unjournal = { "'action':'refused'" } },
  { .name = "a block device (a user namespace: a node hardshim creates): refused",
    .spec = SPEC ("", RUNC ",'devices':[" DEVICE ("/dev/loop0", "b", 7, 0) "]", ""),
    .error = DEV_MSG ("/dev/loop0", "block", "b", 7, 0),
    .journal = { JR ("/mounts/2") ",'before':{'path':'/dev/loop0','type':'b','major':7,'minor':0}" } },
  { .name = "a block device (no user namespace: linux.devices): refused",
    .policy = "{" RUN_WITHOUT_USERNS "}",
    .no_userns = true,
    .spec = SPEC ("", RUNC ",'devices':[" DEVICE ("/dev/loop0", "b", 7, 0) "]", ""),
    .error = DEV_MSG ("/dev/loop0", "block", "b", 7, 0),
    .journal = { JR ("/linux/devices/0") } },
  { .name = "a char device beyond the defaults: refused",
    .policy = "{" RUN_WITHOUT_USERNS "}",
    .no_userns = true,
    .spec = SPEC ("", RUNC ",'devices':[" DEVICE ("/dev/fuse", "c", 10, 229) "]", ""),
    .error = DEV_MSG ("/dev/fuse", "char", "c", 10, 229) },
  { .name = "a device the class allows: passes, its rule the engine's access within the class's",
    .policy = "{" RUN_WITHOUT_USERNS ",'allow':{'devices':[{'type':'b','major':7,'minor':0,'access':'rw'}]}}",
    .no_userns = true,
    .spec = SPEC (
        "",
        RUNC ",'devices':[" DEVICE ("/dev/loop0", "b", 7,
                                    0) "],'resources':{'devices':[{'allow':false,"
                                       "'access':'rwm'},{'allow':true,'type':'b','major':7,'minor':0,'access':'rwm'}]}",
        ""),
    .expect = { "{'path':'/dev/loop0','type':'b','major':7,'minor':0}",
                ",{'allow':true,'type':'c','major':136,'access':'rwm'},{'allow':true,'type':'b','major':7,'minor':0,"
                "'access':'rw'}]" },
    .journal = { J ("/linux/resources/devices", "changed") },
    .unjournal = { "'action':'refused'" } },
  { .name = "a device the class allows, the engine read-only: r",
    .policy = "{" RUN_WITHOUT_USERNS ",'allow':{'devices':[{'type':'c','major':10,'minor':200}]}}",
    .no_userns = true,
    .spec = SPEC (
        "",
        RUNC ",'devices':[" DEVICE ("/dev/net/tun", "c", 10,
                                    200) "],'resources':{'devices':[{'allow':"
                                         "false,'access':'rwm'},{'allow':true,'type':'c','major':10,'access':'r'}]}",
        ""),
    .expect = { "{'allow':true,'type':'c','major':10,'minor':200,'access':'r'}]" } },
  { .name = "a device the class allows that the engine's rules deny: no rule",
    .policy = "{" RUN_WITHOUT_USERNS ",'allow':{'devices':[{'type':'c','major':10,'minor':200}]}}",
    .no_userns = true,
    .spec = SPEC ("",
                  RUNC ",'devices':[" DEVICE ("/dev/net/tun", "c", 10, 200) "],'resources':{'devices':[{'allow':"
                                                                            "false,'access':'rwm'}]}",
                  ""),
    .expect = { DEFAULT_RULES "]" },
    .lacks = { "'major':10,'minor':200,'access'" } },
  /* A node given twice gets one rule (nodes are compared field by field). */
  { .name = "a device the class allows, given twice: one rule",
    .policy = "{" RUN_WITHOUT_USERNS ",'allow':{'devices':[{'type':'c','major':10,'minor':200}]}}",
    .no_userns = true,
    .spec = SPEC (
        "",
        RUNC ",'devices':[" DEVICE ("/dev/net/tun", "c", 10, 200) "," DEVICE (
            "/dev/tun2", "c", 10,
            200) "],'resources':{'devices':[{'allow':true,'type':'c','major':10,'minor':200,'access':'rwm'}]}",
        ""),
    .expect = { ",{'allow':true,'type':'c','major':136,'access':'rwm'},{'allow':true,'type':'c','major':10,'minor':200,"
                "'access':'rwm'}]" } },
  { .name = "docker's default rules: deny all and exactly the default nodes",
    .spec = SPEC ("", RUNC "," DOCKER_RULES, ""),
    .expect = { DEFAULT_RULES "]" },
    .lacks = { "'minor':229" },
    .journal = { J ("/linux/resources/devices", "changed") ",'before':[{'allow':false,'access':'rwm'},{'allow':true,"
                                                           "'type':'c','major':1,'minor':5" } },
  { .name = "near miss: mknod of every device (docker's 'c *:* m', 'b *:* m') is not --privileged",
    .spec = SPEC ("",
                  RUNC ",'resources':{'devices':[{'allow':false,'access':'rwm'},{'allow':true,'type':'c','access':"
                       "'m'},{'allow':true,'type':'b','access':'m'}," RULE ("c", 1, 3) "]}",
                  ""),
    .expect = { DEFAULT_RULES "]" },
    .unjournal = { "'action':'refused'" } },
  { .name = "--privileged: refused once, naming its parts; no refusal per device",
    .policy = "{" RUN_WITHOUT_USERNS "}",
    .no_userns = true,
    .spec = "{'process':{'args':['sh'],'capabilities':{'bounding':['CAP_CHOWN','CAP_SYS_ADMIN','CAP_NET_ADMIN']}},"
            "'root':{'path':'rootfs'},'mounts':[" PROC ",{'destination':'/sys','type':'sysfs','source':'sysfs',"
            "'options':['nosuid','rw']}],'linux':{" RUNC ",'devices':[" DEVICE ("/dev/sda", "b", 8, 0) "," DEVICE (
                "/dev/kmsg", "c", 1, 11) "]," PRIVILEGED_RULES "}}",
    .error = "privileged container (docker run --privileged, podman run --privileged, ctr run --privileged, "
             "Kubernetes privileged: true) " BY ": it asks for every host device (a device rule allowing all of "
             "them), 2 host device nodes, 3 capabilities with CAP_SYS_ADMIN, no seccomp filter, a writable /sys; "
             "hardshim cannot confine that; allow only the devices a workload needs for a class with \"allow\": "
             "{\"devices\": [{\"type\": \"c\", \"major\": 10, \"minor\": 200}]}",
    .journal = { JR ("/linux/resources/devices") ",'before':[{'allow':true,'access':'rwm'}]" },
    .unjournal = { JR ("/linux/devices/0"), JR ("/linux/devices/1") } },
  { .name = "a device node as a volume: refused",
    .spec = SPEC ("", RUNC, "," BIND ("/dev/sda", "/disk", "'bind'")),
    .ids = { { "/dev/sda", 11 } },
    .binds = { { "/dev/sda", HS_BIND_DEVICE, "/dev/sda", NULL, false, 'b', 8, 0 } },
    .error = DEV_MSG ("/dev/sda", "block", "b", 8, 0),
    .journal = { JR ("/mounts/2") } },
  { .name = "a device node as a volume the class allows: passes, with its rule",
    .policy = "{'allow':{'devices':[{'type':'b','major':8,'minor':0,'access':'r'}]}}",
    .spec = SPEC ("", RUNC ",'resources':{'devices':[{'allow':true,'type':'b','major':8,'minor':0,'access':'rw'}]}",
                  "," BIND ("/dev/sda", "/disk", "'bind'")),
    .ids = { { "/dev/sda", 11 } },
    .binds = { { "/dev/sda", HS_BIND_DEVICE, "/dev/sda", NULL, false, 'b', 8, 0 } },
    .expect = { ",{'allow':true,'type':'b','major':8,'minor':0,'access':'r'}]" },
    .unjournal = { "'action':'refused'" } },
  { .name = "near miss: a default node as a volume",
    .spec = SPEC ("", RUNC, "," BIND ("/dev/null", "/x", "'bind'")),
    .ids = { { "/dev/null", 12 } },
    .binds = { { "/dev/null", HS_BIND_DEVICE, "/dev/null", NULL, false, 'c', 1, 3 } },
    .unjournal = { "'action':'refused'" } },
  { .name = "a device node as a volume stays a device (no nodev); a plain volume gets nodev, a later dev removed",
    .spec = SPEC ("", RUNC, "," BIND ("/dev/null", "/x", "'bind'") "," BIND ("/srv/vol", "/v", "'rbind','nodev','dev'")),
    .ids = { { "/dev/null", 12 }, { "/srv/vol", 13 } },
    .binds = { { "/dev/null", HS_BIND_DEVICE, "/dev/null", NULL, false, 'c', 1, 3 }, { "/srv/vol", HS_BIND_PLAIN } },
    .expect = { BIND ("/dev/null", "/x", "'bind'"), BIND ("/srv/vol", "/v", "'rbind','nodev'") },
    .journal = { J ("/mounts/3/options", "changed") ",'before':['rbind','nodev','dev'],'after':['rbind','nodev']" } },

  /* ---- resources ---- */
  { .name = "no pids limit: the policy's added",
    .spec = SPEC ("", RUNC, ""),
    .expect = { "'pids':{'limit':4096}" },
    .journal = { J ("/linux/resources/pids/limit", "added") ",'before':null,'after':4096" } },
  { .name = "pids limit 0: changed",
    .spec = SPEC ("", RUNC ",'resources':{'pids':{'limit':0}}", ""),
    .expect = { "'pids':{'limit':4096}" },
    .journal = { J ("/linux/resources/pids/limit", "changed") ",'before':0,'after':4096" } },
  { .name = "pids limit -1 (unlimited): changed",
    .spec = SPEC ("", RUNC ",'resources':{'pids':{'limit':-1}}", ""),
    .expect = { "'pids':{'limit':4096}" },
    .journal = { J ("/linux/resources/pids/limit", "changed") ",'before':-1,'after':4096" } },
  { .name = "a pids limit above the policy's is lowered to it (a huge one is none)",
    .spec = SPEC ("", RUNC ",'resources':{'pids':{'limit':100000}}", ""),
    .expect = { "'pids':{'limit':4096}" },
    .journal = { J ("/linux/resources/pids/limit", "changed") ",'before':100000,'after':4096" } },
  { .name = "near miss: a pids limit the engine gave at or below the policy's is kept",
    .spec = SPEC ("", RUNC ",'resources':{'pids':{'limit':4096}}", ""),
    .expect = { "'pids':{'limit':4096}" },
    .unjournal = { "/linux/resources/pids" } },
  { .name = "the class's pids",
    .policy = "{'resources':{'pids':100}}",
    .spec = SPEC ("", RUNC, ""),
    .expect = { "'pids':{'limit':100}" } },
  { .name = "a policy pids of 0 adds no limit",
    .policy = "{'resources':{'pids':0}}",
    .spec = SPEC ("", RUNC, ""),
    .lacks = { "'pids'" } },
  { .name = "a pids limit not a number: a spec error",
    .spec = SPEC ("", RUNC ",'resources':{'pids':{'limit':'max'}}", ""),
    .error = "`config.json`: /linux/resources/pids/limit is a string, expected a whole number",
    .invalid = true },
  { .name = "oomScoreAdj beyond -1000: a spec error",
    .spec = SPEC (",'oomScoreAdj':-1001", RUNC, ""),
    .error = "`config.json`: /process/oomScoreAdj is a number, expected a whole number from -1000 to 1000",
    .invalid = true },
  { .name = "oomScoreAdj -1000: raised to 0",
    .spec = SPEC (",'oomScoreAdj':-1000", RUNC, ""),
    .expect = { "'oomScoreAdj':0" },
    .journal = { J ("/process/oomScoreAdj", "changed") ",'before':-1000,'after':0" } },
  { .name = "near miss: oomScoreAdj 500 kept",
    .spec = SPEC (",'oomScoreAdj':500", RUNC, ""),
    .expect = { "'oomScoreAdj':500" },
    .unjournal = { "/process/oomScoreAdj" } },
  { .name = "a class's minimum -500: -500 passes",
    .policy = "{'resources':{'oom_score_adj_min':-500}}",
    .spec = SPEC (",'oomScoreAdj':-500", RUNC, ""),
    .expect = { "'oomScoreAdj':-500" },
    .unjournal = { "/process/oomScoreAdj" } },
  { .name = "a class's minimum -500: -501 raised to it",
    .policy = "{'resources':{'oom_score_adj_min':-500}}",
    .spec = SPEC (",'oomScoreAdj':-501", RUNC, ""),
    .expect = { "'oomScoreAdj':-500" } },
  { .name = "rlimits above the ceilings clamped (hard and soft), others untouched",
    .spec = SPEC (",'rlimits':[{'type':'RLIMIT_NOFILE','hard':2000000,'soft':2000000},{'type':'RLIMIT_RTPRIO','hard'"
                  ":99,'soft':10},{'type':'RLIMIT_NPROC','hard':99999999,'soft':99999999},{'type':'RLIMIT_MEMLOCK',"
                  "'hard':67108864,'soft':1024}]",
                  RUNC, ""),
    .expect = { "{'type':'RLIMIT_NOFILE','hard':1048576,'soft':1048576}", "{'type':'RLIMIT_RTPRIO','hard':0,'soft':0}",
                "{'type':'RLIMIT_NPROC','hard':99999999,'soft':99999999}",
                "{'type':'RLIMIT_MEMLOCK','hard':67108864,'soft':1024}" },
    .journal = { J ("/process/rlimits/0", "changed") ",'before':{'type':'RLIMIT_NOFILE','hard':2000000,'soft':2000000}",
                 J ("/process/rlimits/1", "changed") },
    .unjournal = { "/process/rlimits/2", "/process/rlimits/3" } },
  { .name = "rlimits: only the hard limit above the ceiling",
    .spec = SPEC (",'rlimits':[{'type':'RLIMIT_NOFILE','hard':2000000,'soft':1024}]", RUNC, ""),
    .expect = { "{'type':'RLIMIT_NOFILE','hard':1048576,'soft':1024}" } },
  { .name = "rlimits: a type the policy has no ceiling for, and an unknown one, untouched",
    .spec = SPEC (",'rlimits':[{'type':'RLIMIT_CORE','hard':99999999999,'soft':1},{'type':'RLIMIT_FOO','hard':"
                  "99999999999,'soft':99999999999}]",
                  RUNC, ""),
    .expect = { "{'type':'RLIMIT_CORE','hard':99999999999,'soft':1},{'type':'RLIMIT_FOO','hard':99999999999,'soft':"
                "99999999999}" },
    .unjournal = { "/process/rlimits" } },
  { .name = "a class's own ceiling",
    .policy = "{'resources':{'rlimits':{'RLIMIT_NOFILE':4096}}}",
    .spec = SPEC (",'rlimits':[{'type':'RLIMIT_NOFILE','hard':8192,'soft':1024}]", RUNC, ""),
    .expect = { "{'type':'RLIMIT_NOFILE','hard':4096,'soft':1024}" } },

  /* ---- several, audit, exec ---- */
  { .name = "several refusals: the first, the count and the journal",
    .spec = SPEC ("", NSL (NS ("pid") "," NS ("ipc") "," NS ("uts") "," NS ("mount")),
                  "," BIND ("/", "/host", "'rbind'") "," BIND ("/srv", "/x", "'rbind','shared'")),
    .ids = { { "/", 2 } },
    .binds = { { "/", HS_BIND_SENSITIVE, "/" } },
    .error = NET_MSG MORE (2),
    .notes = { SHARED_MSG ("/x"), BIND_MSG ("/", "") } },
  { .name = "audit mode: refusals journaled as kept, would refused; the container starts as the engine asked",
    .policy = "{'mode':'audit'}",
    .spec = SPEC (",'oomScoreAdj':-1000", NSL (NS ("pid") "," NS ("ipc") "," NS ("uts") "," NS ("mount")),
                  "," BIND ("/", "/host", "'rbind'")),
    .ids = { { "/", 2 } },
    .binds = { { "/", HS_BIND_SENSITIVE, "/" } },
    .notes = { NET_MSG, BIND_MSG ("/", "") },
    .expect = { "'oomScoreAdj':-1000", "'namespaces':[{'type':'pid'},{'type':'ipc'},{'type':'uts'},{'type':'mount'}]" },
    .lacks = { "'pids'", "'cgroup'" },
    .journal
    = { J ("/linux/namespaces", "kept") ",'would':'refused'", J ("/mounts/2", "kept") ",'would':'refused'",
        J ("/process/oomScoreAdj", "kept") ",'would':'changed'", J ("/linux/namespaces", "kept") ",'would':'added'" },
    .unjournal = { "'action':'refused'" } },
  { .name = "exec process file: oomScoreAdj and rlimits only",
    .process_file = true,
    .spec = "{'args':['sh'],'oomScoreAdj':-1000,'rlimits':[{'type':'RLIMIT_RTPRIO','hard':99,'soft':99}]}",
    .expect = { "'oomScoreAdj':0", "{'type':'RLIMIT_RTPRIO','hard':0,'soft':0}" },
    .lacks = { "linux", "pids", "namespaces" },
    .journal = { J ("/oomScoreAdj", "changed"), J ("/rlimits/0", "changed") },
    .unjournal = { "'action':'refused'" } },
};
/* clang-format on */

/* ---- the harness --------------------------------------------------------- */

static char *
_dq (const char *text)
{
  char *s = xstrdup (text != NULL ? text : "");

  for (char *p = s; *p; p++)
    if (*p == '\'')
      *p = '"';
  return s;
}

static hs_id_ref
_identity (const _case *c, const char *path)
{
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->ids) && c->ids[i].path != NULL; i++)
    if (strcmp (c->ids[i].path, path) == 0 && c->ids[i].ino != 0)
      return (hs_id_ref){ .exists = true, .dev = 1, .ino = c->ids[i].ino };
  return (hs_id_ref){ .exists = false, .error = ENOENT };
}

/* What the probes found, for case c under policy p; _host_release frees it. */
static void
_host (const _case *c, const hs_policy *p, hs_host *h)
{
  static const char *const via[] = { "/proc/7/ns/a", "/proc/7/ns/b", "/proc/7/ns/c" };

  *h = (hs_host) TU_HOST;
  if (c->no_userns)
    {
      h->userns = false;
      h->userns_why = "user namespaces are turned off";
    }
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->joined) && c->joined[i].type != NULL; i++)
    h->joined[h->n_joined++] = (typeof (h->joined[0])){
      .type = c->joined[i].type, .via = xstrdup (via[i]), .fd = -1, .is_host = c->joined[i].is_host
    };
  h->binds = xcalloc (HS_ARRAY_SIZE (c->binds), sizeof *h->binds);
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->binds) && c->binds[i].source != NULL; i++)
    {
      const _bind *b = &c->binds[i];
      h->binds[h->nbinds++] = (hs_bind_ref){ .source = (char *) b->source,
                                             .id = b->ino != 0 ? (hs_id_ref){ .exists = true, .dev = 1, .ino = b->ino }
                                                               : _identity (c, b->source),
                                             .kind = b->kind,
                                             .what = (char *) b->what,
                                             .owner = b->owner,
                                             .above = b->above,
                                             .devtype = b->devtype,
                                             .major = b->major,
                                             .minor = b->minor };
    }
  h->hooks = xcalloc (HS_ARRAY_SIZE (c->hooks), sizeof *h->hooks);
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->hooks) && c->hooks[i].stage != NULL; i++)
    {
      const _hook *k = &c->hooks[i];
      h->hooks[h->nhooks++] = (hs_hook_ref){ .stage = k->stage,
                                             .index = k->index,
                                             .path = (char *) k->path,
                                             .id = k->ino != 0 ? (hs_id_ref){ .exists = true, .dev = 1, .ino = k->ino }
                                                               : _identity (c, k->path),
                                             .trusted = k->trusted,
                                             .engine = k->engine };
    }
  /* every class's allowed sources and hooks, by the policy's spelling */
  h->nclasses = p->nclasses;
  h->class_binds = xcalloc (p->nclasses, sizeof *h->class_binds);
  h->class_hooks = xcalloc (p->nclasses, sizeof *h->class_hooks);
  for (size_t k = 0; k < p->nclasses; k++)
    {
      const hs_allow *a = &p->classes[k].allow;
      h->class_binds[k] = xcalloc (a->nbinds + 1, sizeof **h->class_binds);
      for (size_t j = 0; j < a->nbinds; j++)
        h->class_binds[k][j] = _identity (c, a->binds[j].source);
      h->class_hooks[k] = xcalloc (a->hooks.n + 1, sizeof **h->class_hooks);
      for (size_t j = 0; j < a->hooks.n; j++)
        h->class_hooks[k][j] = _identity (c, a->hooks.v[j]);
    }
  h->cgroup_foreign = (char *) c->cgroup_foreign;
  h->cgroup_foreign_procs = c->cgroup_procs;
}

static void
_host_release (hs_host *h)
{
  for (size_t i = 0; i < h->n_joined; i++)
    free (h->joined[i].via);
  for (size_t k = 0; k < h->nclasses; k++)
    {
      free (h->class_binds[k]);
      free (h->class_hooks[k]);
    }
  free (h->class_binds);
  free (h->class_hooks);
  free (h->binds);
  free (h->hooks);
}

/* The notes of detect's refusals in the journal, in order (audit: the
 * records that would refuse). */
static void
_refusal_notes (const char *buf, hs_strv *ret)
{
  for (const char *p = buf; p != NULL && *p != '\0';)
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl != NULL ? (size_t) (nl - p) : strlen (p);
      _cleanup_json_ hs_json rec = NULL;
      hs_error err = { 0 };
      hs_json measure, action, would, note;

      if (hs_json_parse (p, len, &rec, &err) < 0)
        fail_msg ("journal line does not parse: %s", err.msg);
      measure = hs_json_get (rec, "measure");
      action = hs_json_get (rec, "action");
      would = hs_json_get (rec, "would");
      note = hs_json_get (rec, "note");
      if (hs_json_is_string (measure) && strcmp (hs_json_string (measure), "detect") == 0
          && ((hs_json_is_string (action) && strcmp (hs_json_string (action), "refused") == 0)
              || (hs_json_is_string (would) && strcmp (hs_json_string (would), "refused") == 0)))
        hs_strv_add (ret, xstrdup (hs_json_is_string (note) ? hs_json_string (note) : "(no note)"));
      p += len + (nl != NULL);
    }
}

/* The refusals the case expects, in the journal's order: the error's first
 * message, then the notes. */
static void
_check_refusals (const _case *c, const char *buf)
{
  hs_strv got = { 0 }, want = { 0 };

  _refusal_notes (buf, &got);
  if (c->error != NULL)
    {
      const char *more = strstr (c->error, " (and ");
      hs_strv_add (&want, more != NULL ? xstrndup (c->error, (size_t) (more - c->error)) : xstrdup (c->error));
    }
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->notes) && c->notes[i] != NULL; i++)
    hs_strv_add (&want, xstrdup (c->notes[i]));
  if (got.n != want.n)
    CASE_FAIL ("case `%s`: %zu refusals journaled, expected %zu:\n%s\n", c->name, got.n, want.n, buf);
  else
    for (size_t i = 0; i < want.n; i++)
      if (!hs_strv_contains (&got, want.v[i]))
        CASE_FAIL ("case `%s`: no refusal journaled with the note\n%s\njournal:\n%s\n", c->name, want.v[i], buf);
  hs_strv_release (&got);
  hs_strv_release (&want);
}

static void
_check_snippets (const _case *c, const char *out, const char *buf)
{
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->expect) && c->expect[i] != NULL; i++)
    {
      _cleanup_free_ char *s = _dq (c->expect[i]);
      if (strstr (out, s) == NULL)
        CASE_FAIL ("case `%s`: spec lacks %s:\n%s\n", c->name, s, out);
    }
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->lacks) && c->lacks[i] != NULL; i++)
    {
      _cleanup_free_ char *s = _dq (c->lacks[i]);
      if (strstr (out, s) != NULL)
        CASE_FAIL ("case `%s`: spec has %s:\n%s\n", c->name, s, out);
    }
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->journal) && c->journal[i] != NULL; i++)
    {
      _cleanup_free_ char *s = _dq (c->journal[i]);
      if (strstr (buf, s) == NULL)
        CASE_FAIL ("case `%s`: journal lacks %s:\n%s\n", c->name, s, buf);
    }
  for (size_t i = 0; i < HS_ARRAY_SIZE (c->unjournal) && c->unjournal[i] != NULL; i++)
    {
      _cleanup_free_ char *s = _dq (c->unjournal[i]);
      if (strstr (buf, s) != NULL)
        CASE_FAIL ("case `%s`: journal has %s:\n%s\n", c->name, s, buf);
    }
}

/* Hardening the hardened spec again: the same spec, no change journaled by
 * detect. */
static void
_check_again (const _case *c, hs_json spec, hs_json container, const hs_policy *policy, const hs_host *host,
              const char *out)
{
  _cleanup_free_ char *again = NULL;
  hs_journal j;
  hs_plan plan = { 0 };
  hs_error err = { 0 };

  hs_journal_init (&j, "c1", NULL, "config.json", "create", policy->mode == HS_MODE_AUDIT);
  if (hs_harden (spec, container, "config.json", policy, host, &j, &plan, &err) < 0)
    CASE_FAIL ("case `%s`: the second pass failed: %s\n", c->name, err.msg);
  else
    {
      assert_int_equal (hs_json_generate (spec, false, &again, NULL, &err), 0);
      if (strcmp (again, out) != 0)
        CASE_FAIL ("case `%s`: the second pass changed the spec:\n%s\nto\n%s\n", c->name, out, again);
      if (policy->mode == HS_MODE_ENFORCE && j.buf != NULL
          && (strstr (j.buf, "\"measure\":\"detect\",\"path\"") != NULL
              && (strstr (j.buf, "\"action\":\"changed\"") != NULL || strstr (j.buf, "\"action\":\"added\"") != NULL)))
        {
          /* only detect's records matter here */
          for (const char *p = j.buf; (p = strstr (p, "\"measure\":\"detect\"")) != NULL; p++)
            {
              const char *eol = strchr (p, '\n');
              _cleanup_free_ char *line = xstrndup (p, eol != NULL ? (size_t) (eol - p) : strlen (p));
              if (strstr (line, "\"action\":\"changed\"") != NULL || strstr (line, "\"action\":\"added\"") != NULL)
                CASE_FAIL ("case `%s`: the second pass journaled a change: %s\n", c->name, line);
            }
        }
    }
  hs_error_release (&err);
  hs_journal_release (&j);
}

static void
_check_case (const _case *c)
{
  _cleanup_free_ char *spec_text = _dq (c->spec), *policy_text = _dq (c->policy != NULL ? c->policy : "{}");
  _cleanup_json_ hs_json spec = tu_parse (spec_text);
  _cleanup_json_ hs_json container = c->process_file ? tu_parse (TU_CONTAINER) : NULL;
  _cleanup_free_ char *out = NULL;
  hs_policy policy;
  hs_host host;
  hs_plan plan = { 0 };
  hs_journal j;
  hs_error err = { 0 };
  const char *buf;
  int r;

  tu_policy (policy_text, &policy);
  _host (c, &policy, &host);
  hs_journal_init (&j, "c1", NULL, "config.json", "create", policy.mode == HS_MODE_AUDIT);
  r = hs_harden (spec, container, "config.json", &policy, &host, &j, &plan, &err);
  buf = j.buf != NULL ? j.buf : "";
  if (c->error != NULL)
    {
      if (r >= 0)
        CASE_FAIL ("case `%s`: hardened, expected the error\n%s\n", c->name, c->error);
      else if (r != (c->invalid ? -EINVAL : -EPERM) || err.msg == NULL || strcmp (err.msg, c->error) != 0)
        CASE_FAIL ("case `%s`: error %d\n%s\nexpected\n%s\n", c->name, r, err.msg ? err.msg : "(none)", c->error);
      if (!c->invalid)
        _check_refusals (c, buf);
      _check_snippets (c, "", buf);
      goto out;
    }
  if (r < 0)
    {
      CASE_FAIL ("case `%s`: refused: %s\n", c->name, err.msg ? err.msg : "(no message)");
      goto out;
    }
  assert_int_equal (hs_json_generate (spec, false, &out, NULL, &err), 0);
  _check_refusals (c, buf);
  _check_snippets (c, out, buf);
  if (!c->once)
    _check_again (c, spec, container, &policy, &host, out);
out:
  _host_release (&host);
  hs_error_release (&err);
  hs_journal_release (&j);
  hs_policy_release (&policy);
}

static void
test_detect_table (void **state)
{
  (void) state;
  _failures = 0;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_cases); i++)
    _check_case (&_cases[i]);
  assert_int_equal (_failures, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_detect_table),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
