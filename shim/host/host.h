/* SPDX-License-Identifier: Apache-2.0 */
/* What this host's kernel offers, probed once per create (or exec) before
 * the measures run (measures make no syscalls; they read this). */
#ifndef HS_HOST_H
#define HS_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/json.h"

typedef struct hs_host
{
  bool userns;            /* user namespaces can be created */
  const char *userns_why; /* when not: why, for the journal */

  /* The lsm measure's backends (lsm_host.h). */
  bool apparmor;          /* the kernel enforces AppArmor */
  char *apparmor_why;     /* when not: why */
  char *apparmor_profile; /* hardshim's profile name, when apparmor (hs_lsm_prepare) */
  char *apparmor_text;    /* ...and its text */
  int landlock_abi;       /* Landlock ABI version; 0: none */
  const char *landlock_why;
  const char *landlock_lost; /* restore: why the restored processes run without Landlock */
  bool selinux;              /* SELinux is enabled */
  uint32_t mcs_seed;         /* random bits for a new SELinux MCS category pair */

  /* Namespaces the spec joins by path (namespaces.h). */
  size_t n_joined;
  struct
  {
    const char *type; /* the spec's: "ipc", "network", ... (static) */
    char *via;        /* the path that names it (the spec's, or a sealed spec's annotation) */
    int fd;
    bool is_host;            /* it is the host's namespace of its type (by identity): PID 1's,
                                hardshim's own or the kernel's initial one */
  } joined[8];               /* every namespace joined by path, but a user one */
  bool joins_userns;         /* some belong to a user namespace not the host's: */
  int join_userns_fd;        /* that one */
  char *join_userns_via;     /* the spec's path that led to it */
  hs_json join_maps;         /* its mapping as the kernel shows it: {uidMappings, gidMappings} */
  bool joins_netns;          /* a network namespace is joined: */
  int netns_fd;              /* that one (in joined[]) */
  const char *netns_via;     /* the path that names it (in joined[]) */
  bool netns_in_host_userns; /* it belongs to the host's user namespace */
  bool netns_in_join_userns; /* it belongs to join_userns_fd */

  const char *container_id; /* the runtime's id of the container (not owned) */

  /* What the container's process inherits from hardshim through the
   * runtime where its spec sets nothing (hs_host_probe_process). */
  bool have_inherited;
  int64_t inherited_oom_score_adj;
  struct
  {
    const char *type; /* "RLIMIT_NOFILE" (static) */
    uint64_t soft, hard;
  } inherited_rlimits[16];
  size_t n_inherited_rlimits;

  /* References to host resources the spec makes, judged by identity before
   * the measures run (host_refs.h): bind sources, hooks, the cgroup. */
  struct hs_bind_ref *binds;
  size_t nbinds;
  struct hs_hook_ref *hooks;
  size_t nhooks;
  struct hs_id_ref **class_binds; /* [class][allow.binds index]: identity of each class's allowed source */
  struct hs_id_ref **class_hooks; /* [class][allow.hooks index] */
  size_t nclasses;
  char *cgroup_foreign; /* linux.cgroupsPath names an existing cgroup holding processes: its
                           directory, with how many, for the message; NULL when not */
  size_t cgroup_foreign_procs;
} hs_host;

/* User namespaces: for a bundle (an exec process joins the container's). */
void hs_host_probe_userns (hs_host *host);
/* AppArmor, Landlock, SELinux: for a bundle and for exec. */
void hs_host_probe_lsm (hs_host *host);
/* restore: what a restored process gets.  CRIU brings back its AppArmor
 * profile and SELinux label, but not a Landlock domain (the kernel offers no
 * way to read one): landlock_lost says so, and the lsm measure refuses
 * unless the policy says run_without. */
void hs_host_restore_view (hs_host *host);
/* What a process inherits: oom_score_adj and rlimits (create and exec). */
void hs_host_probe_process (hs_host *host);
/* Frees what the probes put into host and leaves it zeroed. */
void hs_host_release (hs_host *host);
#define _cleanup_host_ _cleanup_ (hs_host_release)

#endif
