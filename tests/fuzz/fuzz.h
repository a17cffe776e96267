/* SPDX-License-Identifier: Apache-2.0 */
/* What the fuzz targets share (tests/fuzz/README.md): the entry point
 * libFuzzer calls, the fixed policies and host every pipeline run sees,
 * and the properties a hardened spec or process must have.
 *
 * A property that does not hold is a crash: fz_fail prints what failed
 * and aborts, so that libFuzzer keeps the input and `make check` fails on
 * it. */
#ifndef HS_FUZZ_H
#define HS_FUZZ_H

#include "cli/cli.h"
#include "host/host.h"
#include "policy/policy.h"
#include "runtime/journal.h"
#include "seccomp/seccomp_profile.h"
#include "spec/json.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

void fz_fail (const char *fmt, ...) __attribute__ ((format (printf, 1, 2), noreturn));

/* The source tree: HS_SRCDIR, else the one this program was built from. */
const char *fz_srcdir (void);

/* The policies every pipeline and exec input is hardened under, loaded
 * once (the tree's seccomp profile, tests/data/subid):
 * [0] built-in defaults ("{}");
 * [1] a policy with classes that allow things (capabilities, a host
 *     network namespace, binds, a device, a hook), selected by the
 *     annotation io.hardshim.class=web. */
#define FZ_NPOLICIES 2
const hs_policy *fz_policy (size_t i);

/* The host the measures see (this machine: user namespaces, Landlock, no
 * AppArmor, SELinux off), with what the probes would have found for spec
 * (host_refs.h, namespaces.h) decided by fixed rules on the spec's own
 * spelling (fuzz_common.c: _bind_table, _ns_model).  false when a probe
 * would refuse the spec before any measure runs.  fz_host_release frees. */
bool fz_host_model (hs_json spec, const hs_policy *policy, hs_host *ret);
void fz_host_release (hs_host *host);

/* The properties of a hardened process (under "/process" of a spec, or an
 * exec process file): non-root ids mapped by maps_linux's uidMappings and
 * gidMappings (when it has them), capabilities within the allowlist,
 * noNewPrivileges, the Landlock helper in front of its command, resources
 * within the class's.  what names it in messages. */
void fz_check_process (const char *what, hs_json process, hs_json maps_linux, const hs_policy *policy,
                       const hs_class *class);

/* argv (a process's args, a hook's) is [HS_LANDLOCK_DEST, --deny, P...,
 * --] with the policy's paths, then a command. */
void fz_check_landlock_argv (const char *what, hs_json argv, const hs_policy *policy);

/* The seccomp profile obj (a hardened spec's linux.seccomp) denies by
 * default, names only this machine's architecture, and lets no call
 * through that hardshim's profile (resolved for bounding) or the engine's
 * (engine, NULL: none) would stop; the Landlock helper's calls excepted
 * when landlock.  Checked on calls built from every condition's values. */
void fz_check_seccomp (hs_json obj, const hs_policy *policy, hs_json bounding, const hs_scmp_profile *engine,
                       bool landlock);

/* may_pass (merged) implies may_pass (a) and may_pass (b) on the same
 * calls (b may be NULL).  what names the merged profile in messages. */
void fz_check_scmp_subset (const char *what, const hs_scmp_profile *merged, const hs_scmp_profile *a,
                           const hs_scmp_profile *b, const char *const *except);

/* A parsed command line is consistent; for exec, the line hardshim hands
 * the runtime (hs_cli_exec_argv) parses as the same exec of the same
 * container with the process file and none of exec's process options. */
void fz_check_cli (const hs_cli *cli, int argc, char *const *argv);

/* Every journal record is one line of a JSON object (valid UTF-8, escaped)
 * naming its measure and action. */
void fz_check_journal (const hs_journal *j);

/* Serialise v (pretty) or fail. */
char *fz_generate (hs_json v);

/* Split data at NUL bytes into a NULL-terminated argv (argv[0] = prog
 * when prog is not NULL); *ret_argc its length.  fz_argv_free frees. */
char **fz_argv (const uint8_t *data, size_t size, const char *prog, int *ret_argc);
void fz_argv_free (char **argv);

#endif
