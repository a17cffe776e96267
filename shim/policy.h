/* The operator's policy: what hardshim enforces and how.
 *
 * Read from HARDSHIM_POLICY, else the configured default path; built-in
 * hardened defaults when that default file does not exist.  A file that
 * exists but cannot be read or has an unknown key or a wrong type is an
 * error: a typo in a security policy must not silently weaken it. */
#ifndef HS_POLICY_H
#define HS_POLICY_H

#include "error.h"
#include "subid.h"
#include "util.h"

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

/* A container class: its own user namespace id ranges. */
typedef struct hs_class
{
  char *name;        /* "default" for the policy's own */
  char *match_key;   /* annotation that selects the class; NULL for default */
  char *match_value; /* ...and its value */
  char *subid_owner; /* owner of its ranges in /etc/subuid and /etc/subgid */
  hs_idrange uids;   /* host ranges, read by hs_policy_load_subids */
  hs_idrange gids;
  bool idmap_volumes; /* bind-mount volumes idmapped to the class's mapping */
} hs_class;

typedef struct hs_policy
{
  char *source; /* file it came from, or "built-in defaults" */
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
  hs_strv tmpfs; /* absolute destinations */
  hs_strv deny_write;    /* lsm.deny_write: absolute, normal paths */
  bool lsm_fallback;     /* lsm.unavailable = "run_without" */
  char *landlock_helper; /* lsm.landlock_helper: the helper program on the host */
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

/* A path whose writes the lsm measure denies: absolute, not `/`, without
 * `.`, `..` or empty components, of letters, digits and `._-/` only
 * (nothing an LSM's profile language reads as a pattern).  -EINVAL. */
int hs_policy_check_deny_path (const char *path, hs_error *err);
/* The lsm.deny_write path that path (clean, hs_path_clean) lies at or
 * beneath, or NULL. */
const char *hs_policy_denied_at (const hs_policy *p, const char *path);

#endif
