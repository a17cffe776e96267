/* SPDX-License-Identifier: Apache-2.0 */
/* The operator's policy: what hardshim enforces and how.
 *
 * Read from HARDSHIM_POLICY, else the configured default path; built-in
 * hardened defaults when that default file does not exist.  A file that
 * exists but cannot be read or has an unknown key or a wrong type is an
 * error: a typo in a security policy must not silently weaken it. */
#ifndef HS_POLICY_H
#define HS_POLICY_H

#include "base/error.h"
#include "spec/json.h"
#include "policy/subid.h"
#include "base/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum hs_mode
{
  HS_MODE_ENFORCE = 0,
  HS_MODE_AUDIT,
} hs_mode;

/* At most this many lsm.deny_write paths (the Landlock helper's limit), each
 * at most HS_DENY_PATH_MAX bytes. */
#define HS_DENY_WRITE_MAX 32
#define HS_DENY_PATH_MAX 1024

struct hs_scmp_profile;

/* Host namespaces a class may share (allow.namespaces), as bits. */
#define HS_ALLOW_NS_PID (1u << 0)
#define HS_ALLOW_NS_NETWORK (1u << 1)
#define HS_ALLOW_NS_IPC (1u << 2)
#define HS_ALLOW_NS_UTS (1u << 3)
#define HS_ALLOW_NS_MOUNT (1u << 4)

/* allow.binds[]: a host path the detect measure would refuse as a bind
 * source (measures/detect.c), allowed by identity (host_refs.h). */
typedef struct hs_allow_bind
{
  char *source;  /* absolute, as the policy writes it */
  bool readonly; /* the mount is made read-only (default true) */
} hs_allow_bind;

/* allow.devices[]: one device node by type and number. */
typedef struct hs_allow_device
{
  char type; /* 'c' or 'b' */
  uint32_t major, minor;
  char access[4]; /* subset of "rwm", default "rwm" */
} hs_allow_device;

/* What a class may have that the detect measure refuses otherwise: exactly
 * these, nothing wider. */
typedef struct hs_allow
{
  unsigned namespaces; /* HS_ALLOW_NS_* */
  hs_allow_bind *binds;
  size_t nbinds;
  hs_allow_device *devices;
  size_t ndevices;
  hs_strv hooks; /* absolute paths of hook programs (identity: host_refs.h) */
} hs_allow;

/* One rlimit's ceiling (resources.rlimits). */
typedef struct hs_rlimit_max
{
  char *type; /* "RLIMIT_NOFILE", as the OCI spec spells it */
  uint64_t max;
} hs_rlimit_max;

/* What the detect measure repairs: policy-wide "resources", each key of
 * a class's own "resources" overriding it (rlimits one by one). */
typedef struct hs_resources
{
  int64_t pids;              /* pids limit where the engine gave none; 0: none added */
  int64_t oom_score_adj_min; /* process.oomScoreAdj below it is raised to it (default 0) */
  hs_rlimit_max *rlimits;
  size_t nrlimits;
} hs_resources;

/* A container class: its own user namespace id ranges. */
typedef struct hs_class
{
  char *name;          /* "default" for the policy's own */
  char *match_key;     /* annotation that selects the class; NULL for default or none */
  char *match_value;   /* ...and its value */
  char *match_program; /* basename hardshim must be invoked as (argv[0]); NULL: any */
  char *match_image;   /* image name an app container's CRI annotation must give; NULL: any */
  hs_allow allow;
  hs_resources resources;
  char *subid_owner; /* owner of its ranges in /etc/subuid and /etc/subgid */
  hs_idrange uids;   /* host ranges, read by hs_policy_load_subids */
  hs_idrange gids;
  bool idmap_volumes; /* bind-mount volumes idmapped to the class's mapping */
} hs_class;

typedef struct hs_policy
{
  char *source;        /* file it came from, or "built-in defaults" */
  char *path;          /* the file read, or for built-in defaults the one that would have been
                        * (hs_policy_path ()): what a refusal names ("refused by policy PATH") */
  bool builtin;        /* no policy file: built-in defaults */
  const char *program; /* basename hardshim was invoked as (set by main; not owned), for match.program */
  hs_mode mode;
  char *runtime; /* NULL: HARDSHIM_RUNTIME or the configured default */
  char *journal;
  uint32_t uid;
  uint32_t gid;
  bool userns_fallback; /* user.userns_unavailable = "run_without" */
  hs_class *classes;    /* [0] is the default class */
  size_t nclasses;
  hs_strv cap_allow; /* normalised "CAP_*" names */
  bool readonly_rootfs;
  hs_strv tmpfs;                   /* absolute destinations */
  hs_strv deny_write;              /* lsm.deny_write: absolute, normal paths */
  bool lsm_fallback;               /* lsm.unavailable = "run_without" */
  char *landlock_helper;           /* lsm.landlock_helper: the helper program on the host */
  char *seccomp_profile;           /* absolute path of the profile file */
  struct hs_scmp_profile *seccomp; /* that profile, read by hs_policy_load_profiles */
} hs_policy;

/* The policy file path: HARDSHIM_POLICY, else the configured default. */
const char *hs_policy_path (void);
/* Read the policy and the profiles it names. */
int hs_policy_load (const char *path, hs_policy *ret, hs_error *err);
/* Parse a policy from JSON text (path used in messages only); reads no other file. */
int hs_policy_parse (const char *text, size_t len, const char *path, hs_policy *ret, hs_error *err);
/* Read the profile files a parsed policy names. */
int hs_policy_load_profiles (hs_policy *p, hs_error *err);
/* Read every class's id ranges from the subuid and subgid files; errors for
 * a missing range and for ranges two classes (or other owners) share. */
int hs_policy_load_subids (hs_policy *p, const char *subuid, const char *subgid, hs_error *err);
void hs_policy_release (hs_policy *p);
#define _cleanup_policy_ _cleanup_ (hs_policy_release)

/* The class a container's annotations (an object or NULL) and p->program
 * select: the one class whose every match condition holds (annotation
 * KEY=VALUE; program == p->program, never when that is NULL; image == the
 * CRI's image annotation, every pod sandbox passing), or the default when
 * none does; a class annotation key whose value names no class, an
 * annotation a condition reads that is not a string, and two classes that
 * both match are errors (-EINVAL). */
int hs_policy_select_class (const hs_policy *p, hs_json annotations, const char *file, const hs_class **ret,
                            hs_error *err);

/* A path whose writes the lsm measure denies: absolute, not `/`, without
 * `.`, `..` or empty components, of letters, digits and `._-/` only
 * (nothing an LSM's profile language reads as a pattern).  -EINVAL. */
int hs_policy_check_deny_path (const char *path, hs_error *err);
/* The lsm.deny_write path that path (clean, hs_path_clean) lies at or
 * beneath, or NULL. */
const char *hs_policy_denied_at (const hs_policy *p, const char *path);

#endif
