/* SPDX-License-Identifier: Apache-2.0 */
/* The interface every measure implements.
 *
 * A measure is a pure function of (spec, policy): it edits the spec tree in
 * place and reports each decision with hs_measure_record.  It makes no
 * syscalls; host-side work happens after the spec is decided.  Measures run
 * in the order of harden.c, later ones reading what earlier ones decided. */
#ifndef HS_MEASURE_H
#define HS_MEASURE_H

#include "base/error.h"
#include "measures/harden.h"
#include "host/host.h"
#include "runtime/journal.h"
#include "spec/json.h"
#include "policy/policy.h"

typedef struct hs_measure_ctx
{
  hs_json spec;             /* whole config.json; NULL for an exec process file */
  hs_json process;          /* the process object being hardened */
  const char *process_path; /* JSON pointer of process: "/process", or "" for a process file */
  hs_json container;        /* exec: the spec of the container it joins (its bundle's); else NULL */
  hs_json original;         /* the spec or process as the engine wrote it, before any measure (read only) */
  const hs_policy *policy;
  const hs_class *class; /* the container's class (hs_policy_select_class) */
  const hs_host *host;   /* what the kernel offers */
  hs_plan *plan;         /* host-side work the measures ask for */
  hs_journal *journal;
  const char *measure; /* set by hs_harden for the measure running */
  const char *file;    /* spec file path, for error messages */
} hs_measure_ctx;

typedef int (*hs_measure_fn) (hs_measure_ctx *ctx, hs_error *err);

/* Journal one decision; path is a JSON pointer below the process object
 * when under_process, else from the spec root. */
void hs_measure_record (hs_measure_ctx *ctx, bool under_process, const char *path, const char *action, hs_json before,
                        hs_json after);
/* The same with a note for the operator (journal.h). */
void hs_measure_record_note (hs_measure_ctx *ctx, bool under_process, const char *path, const char *action,
                             hs_json before, hs_json after, const char *note);
/* Journal a change made even in audit mode (the seccomp measure's logging
 * profile): written with its own action, not as "kept". */
void hs_measure_record_applied (hs_measure_ctx *ctx, bool under_process, const char *path, const char *action,
                                hs_json before, hs_json after);
/* Error for a value of the wrong type at path (below the process when under_process). */
int hs_measure_bad_type (hs_measure_ctx *ctx, bool under_process, const char *path, hs_json v, const char *expected,
                         hs_error *err);

/* Get obj[key] as an object, creating it when absent; -EINVAL when it has another type. */
int hs_measure_object (hs_measure_ctx *ctx, hs_json obj, const char *key, bool under_process, const char *path,
                       hs_json *ret, hs_error *err);

/* A new mount object {destination, type, source, options}; options is
 * NULL-terminated. */
hs_json hs_measure_new_mount (const char *destination, const char *type, const char *source,
                              const char *const *options);

int hs_measure_annotations (hs_measure_ctx *ctx, hs_error *err);
int hs_measure_user (hs_measure_ctx *ctx, hs_error *err);
/* Part of measure user: /linux/devices as nodes hardshim creates (devices.h). */
int hs_measure_user_devices (hs_measure_ctx *ctx, hs_json linux_, hs_error *err);
/* Part of measure user, for namespaces joined by path (user_join.c):
 * whether the container joins the user namespace they belong to (refused
 * when it is not the class's); the user entry joining it; the namespaces
 * pinned to what the probe checked. */
int hs_measure_user_join_check (hs_measure_ctx *ctx, hs_json user_ns, const hs_class *class, bool *ret_join,
                                hs_error *err);
void hs_measure_user_join (hs_measure_ctx *ctx, hs_json namespaces, hs_json user_ns, const hs_class *class);
void hs_measure_user_pin (hs_measure_ctx *ctx, hs_json namespaces);
int hs_measure_capabilities (hs_measure_ctx *ctx, hs_error *err);
int hs_measure_no_new_privileges (hs_measure_ctx *ctx, hs_error *err);
int hs_measure_rootfs (hs_measure_ctx *ctx, hs_error *err);
int hs_measure_seccomp (hs_measure_ctx *ctx, hs_error *err);
int hs_measure_lsm (hs_measure_ctx *ctx, hs_error *err);
/* Last: refuse what no measure can repair, repair resources (detect.c). */
int hs_measure_detect (hs_measure_ctx *ctx, hs_error *err);
/* Whether measure lsm puts the Landlock helper in front of the process
 * (no AppArmor, Landlock present). */
bool hs_measure_lsm_uses_landlock (const hs_measure_ctx *ctx);
/* Part of measure lsm, for the host side too (denied_mounts.h): mount m
 * read-only ("ro" added, "rw" and "rrw" removed, options created when
 * absent); whether its options changed. */
bool hs_measure_read_only_mount (hs_json m);

#endif
