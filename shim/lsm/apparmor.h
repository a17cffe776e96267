/* SPDX-License-Identifier: Apache-2.0 */
/* AppArmor, host side of the lsm measure: the container profile rendered
 * from profiles/apparmor/hardshim.profile.in, whether this host enforces
 * AppArmor, and loading the profile once so that every later container
 * reuses it.  Called after the spec is decided; callers need no #ifdef
 * (libapparmor, when built in, is used inside apparmor.c only). */
#ifndef HS_APPARMOR_H
#define HS_APPARMOR_H

#include "base/error.h"

#include <stdbool.h>
#include <stddef.h>

/* The profile name: this prefix and 16 lower-case hex digits. */
#define HS_APPARMOR_PREFIX "hardshim-"

/* Render the template: the placeholder @DENY_WRITE@ becomes one
 * `audit deny P/{,**} wl,` line per path P of deny_write (indented like the
 * placeholder), then @NAME@ becomes the profile name everywhere.  The name
 * is HS_APPARMOR_PREFIX and the 64-bit FNV-1a hash of the text before @NAME@
 * is replaced: same template and paths, same name; any change, a new name.
 * Each path must be absolute, without `.`, `..` or empty components, of
 * letters, digits and `._-/` only (nothing AppArmor would read as a
 * pattern); `/` itself is refused.  EINVAL for a bad path or a template
 * without either placeholder. */
int hs_apparmor_render (const char *template_text, const char *const *deny_write, size_t n_deny, char **ret_text,
                        char **ret_name, hs_error *err);

/* Whether the kernel enforces AppArmor, judged from the sysfs tree at sysfs
 * ("/sys" on a host, a fake tree in tests): <sysfs>/module/apparmor/
 * parameters/enabled reads Y and <sysfs>/kernel/security/apparmor/profiles
 * exists.  With libapparmor and sysfs "/sys", aa_is_enabled() must agree.
 * When not available, *ret_why (if ret_why is not NULL; the caller frees
 * it) says which check failed; NULL when available.  Never fails. */
void hs_apparmor_probe (const char *sysfs, bool *ret_available, char **ret_why);

/* Whether profile name is loaded in enforce mode (a line `name (enforce)` in
 * <sysfs>/kernel/security/apparmor/profiles; complain mode does not count).
 * -ENOENT when that file does not exist. */
int hs_apparmor_loaded (const char *sysfs, const char *name, bool *ret, hs_error *err);

/* Run `parser -Kr profile_file` (load, replacing a profile of the same name,
 * no cache): parser must be an absolute path; no shell, no PATH lookup, a
 * minimal environment, stdin /dev/null.  When the parser fails, its output
 * (stdout and stderr, first 4 KiB) is in the message. */
int hs_apparmor_load (const char *parser, const char *profile_file, hs_error *err);

/* Make sure profile name (text from hs_apparmor_render) is loaded: when it
 * already is, nothing is done (*ret_loaded_now = false), so a container
 * after the first costs no parser run.  Otherwise text is written
 * atomically to <state_dir>/<name> (state_dir, an absolute path, created
 * 0700 when missing) and loaded with hs_apparmor_load (*ret_loaded_now =
 * true).  A relative parser, state_dir or a name that is not a plain file
 * name is refused (EINVAL) before anything is touched.  Two creates racing
 * both load the same file, which is harmless (-r replaces). */
int hs_apparmor_ensure (const char *sysfs, const char *parser, const char *state_dir, const char *text,
                        const char *name, bool *ret_loaded_now, hs_error *err);

#endif
