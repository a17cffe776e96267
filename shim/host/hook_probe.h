/* SPDX-License-Identifier: Apache-2.0 */
/* The hooks a spec asks the runtime to run as host root (host_refs.h):
 * what each program is, whether only root can change it, and whether it is
 * an engine's own hook.
 *
 * Recognised engine hooks (only programs only root can change, `trusted`):
 *  - docker's network hook (a prestart hook): path `/proc/PID/exe` that is a dockerd binary
 *    (by identity: /usr/sbin/dockerd or /usr/bin/dockerd), args exactly
 *    ["libnetwork-setkey", "-exec-root=DIR", 64 hex digits, 12 hex digits]
 *    with DIR absolute and only root's to change (not even sticky and open to
 *    others), no env;
 *  - podman's hooks: a hook file *.json in /etc/containers/oci/hooks.d or
 *    /usr/share/containers/oci/hooks.d (the directory and the file only
 *    root's to change) whose hook program is the spec hook's by identity,
 *    at a stage the file names, with exactly the file's args and env (the environment of a program
 *    run as root is as strong as its path: LD_PRELOAD). */
#ifndef HS_HOOK_PROBE_H
#define HS_HOOK_PROBE_H

#include "base/error.h"
#include "host/host.h"
#include "spec/json.h"

/* Fill host->hooks (in stage order, then index) from spec's /hooks. */
int hs_hook_probe (hs_json spec, hs_host *host, hs_error *err);

/* The place of an OCI hook stage in the order prestart, createRuntime,
 * createContainer, startContainer, poststart, poststop; -1 for none. */
int hs_hook_stage_rank (const char *stage);

#endif
