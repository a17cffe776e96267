/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "policy/policy.h"
#include "policy/policy_allow.h"
#include "seccomp/seccomp_profile.h"
#include "policy/capnames.h"
#include "spec/file.h"
#include "spec/json.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define POLICY_MAX_BYTES (1024u * 1024u)

static const char *const _default_tmpfs[] = { "/tmp", "/run" };
static const char *const _default_deny_write[] = { "/etc", "/home" };

const char *
hs_policy_path (void)
{
  const char *env = secure_getenv ("HARDSHIM_POLICY");
  return env != NULL && env[0] != '\0' ? env : HS_DEFAULT_POLICY;
}

static void
_defaults (hs_policy *p, const char *path)
{
  memset (p, 0, sizeof *p);
  p->source = xstrdup ("built-in defaults");
  p->path = xstrdup (path);
  p->mode = HS_MODE_ENFORCE;
  p->journal = xstrdup (HS_DEFAULT_JOURNAL);
  p->uid = 65534;
  p->gid = 65534;
  p->nclasses = 1;
  p->classes = xcalloc (1, sizeof (hs_class));
  p->classes[0].name = xstrdup ("default");
  p->classes[0].subid_owner = xstrdup ("hardshim");
  hs_policy_resources_defaults (&p->classes[0].resources);
  p->readonly_rootfs = true;
  for (size_t i = 0; i < HS_ARRAY_SIZE (_default_tmpfs); i++)
    hs_strv_add (&p->tmpfs, xstrdup (_default_tmpfs[i]));
  p->seccomp_profile = xstrdup (HS_SECCOMP_DIR "/default.json");
  for (size_t i = 0; i < HS_ARRAY_SIZE (_default_deny_write); i++)
    hs_strv_add (&p->deny_write, xstrdup (_default_deny_write[i]));
  p->landlock_helper = xstrdup (HS_LANDLOCK_HELPER);
}

int
hs_policy_known_keys (hs_json obj, const char *where, const char *const *names, hs_error *err)
{
  for (size_t i = 0; i < hs_json_object_len (obj); i++)
    {
      const char *k = hs_json_key_at (obj, i);
      const char *const *n;
      for (n = names; *n != NULL; n++)
        if (strcmp (*n, k) == 0)
          break;
      if (*n == NULL)
        return hs_error_set (err, EINVAL, "unknown key `%s%s`", where, k);
    }
  return 0;
}

int
hs_policy_want (hs_json v, hs_json_type type, const char *where, hs_error *err)
{
  if (hs_json_type_of (v) != type)
    return hs_error_set (err, EINVAL, "`%s` is %s, expected %s", where, hs_json_type_name (v),
                         hs_json_kind_name (type));
  return 0;
}

static int
_absolute_path (hs_json v, const char *where, char **ret, hs_error *err)
{
  int r = hs_policy_want (v, HS_JSON_STRING, where, err);
  if (r < 0)
    return r;
  if (hs_json_string (v)[0] != '/')
    return hs_error_set (err, EINVAL, "`%s` must be an absolute path, got `%s`", where, hs_json_string (v));
  free (*ret);
  *ret = xstrdup (hs_json_string (v));
  return 0;
}

static int
_id (hs_json v, const char *where, uint32_t *ret, hs_error *err)
{
  uint64_t n;

  if (v == NULL)
    return 0;
  if (hs_json_get_uint (v, UINT32_MAX - 1, &n) < 0)
    return hs_error_set (err, EINVAL, "`%s` must be a whole number", where);
  if (n == 0)
    return hs_error_set (err, EINVAL, "`%s` must not be 0 (root)", where);
  if (n >= HS_USERNS_SIZE)
    return hs_error_set (err, EINVAL, "`%s` must be below %u, the ids a user namespace maps", where, HS_USERNS_SIZE);
  *ret = (uint32_t) n;
  return 0;
}

/* What to do when the host lacks a measure's kernel feature: "refuse"
 * (*ret false) or "run_without" (*ret true); *ret kept when v is absent. */
static int
_unavailable (hs_json v, const char *where, bool *ret, hs_error *err)
{
  int r = v == NULL ? 0 : hs_policy_want (v, HS_JSON_STRING, where, err);

  if (r < 0 || v == NULL)
    return r;
  if (strcmp (hs_json_string (v), "refuse") != 0 && strcmp (hs_json_string (v), "run_without") != 0)
    return hs_error_set (err, EINVAL, "`%s` must be `refuse` or `run_without`, got `%s`", where, hs_json_string (v));
  *ret = strcmp (hs_json_string (v), "run_without") == 0;
  return 0;
}

/* An optional boolean: *ret keeps its value when v is absent. */
static int
_flag (hs_json v, const char *where, bool *ret, hs_error *err)
{
  int r = v == NULL ? 0 : hs_policy_want (v, HS_JSON_BOOL, where, err);

  if (r == 0 && v != NULL)
    *ret = hs_json_is_true (v);
  return r;
}

/* A subid owner: a user name as /etc/subuid spells it. */
static int
_owner (hs_json v, const char *where, char **ret, hs_error *err)
{
  int r = hs_policy_want (v, HS_JSON_STRING, where, err);

  if (r < 0)
    return r;
  if (hs_json_string (v)[0] == '\0' || strpbrk (hs_json_string (v), ":\n") != NULL)
    return hs_error_set (err, EINVAL, "`%s` must be a user name, got `%s`", where, hs_json_string (v));
  free (*ret);
  *ret = xstrdup (hs_json_string (v));
  return 0;
}

static int
_parse_user (hs_json user, hs_policy *p, hs_error *err)
{
  static const char *const keys[] = { "uid", "gid", "subid_owner", "userns_unavailable", "idmap_volumes", NULL };
  int r = hs_policy_want (user, HS_JSON_OBJECT, "user", err);
  hs_json v;

  if (r == 0)
    r = hs_policy_known_keys (user, "user.", keys, err);
  if (r == 0)
    r = _id (hs_json_get (user, "uid"), "user.uid", &p->uid, err);
  if (r == 0)
    r = _id (hs_json_get (user, "gid"), "user.gid", &p->gid, err);
  if (r == 0 && (v = hs_json_get (user, "subid_owner")) != NULL)
    r = _owner (v, "user.subid_owner", &p->classes[0].subid_owner, err);
  if (r == 0)
    r = _flag (hs_json_get (user, "idmap_volumes"), "user.idmap_volumes", &p->classes[0].idmap_volumes, err);
  if (r == 0)
    r = _unavailable (hs_json_get (user, "userns_unavailable"), "user.userns_unavailable", &p->userns_fallback, err);
  return r;
}

/* classes.NAME.match: every condition given must hold; at least one. */
static int
_parse_match (hs_json match, const char *where, hs_class *c, hs_error *err)
{
  static const char *const keys[] = { "annotation", "program", "image", NULL };
  _cleanup_free_ char *dot = xasprintf ("%s.", where);
  _cleanup_free_ char *w_ann = xasprintf ("%s.annotation", where);
  _cleanup_free_ char *w_program = xasprintf ("%s.program", where);
  _cleanup_free_ char *w_image = xasprintf ("%s.image", where);
  hs_json ann = hs_json_get (match, "annotation"), program = hs_json_get (match, "program"),
          image = hs_json_get (match, "image");
  const char *eq;
  int r = hs_policy_want (match, HS_JSON_OBJECT, where, err);

  if (r == 0)
    r = hs_policy_known_keys (match, dot, keys, err);
  if (r == 0 && ann == NULL && program == NULL && image == NULL)
    r = hs_error_set (err, EINVAL, "`%s` has no condition: give `annotation`, `program` or `image`", where);
  /* Every pod sandbox passes the image condition: alone, it would select them all. */
  if (r == 0 && image != NULL && ann == NULL && program == NULL)
    r = hs_error_set (err, EINVAL,
                      "`%s` has only `image`: give `annotation` or `program` with it (a pod sandbox "
                      "passes the image condition, so an image alone would select every sandbox)",
                      where);
  if (r == 0 && ann != NULL && (r = hs_policy_want (ann, HS_JSON_STRING, w_ann, err)) == 0)
    {
      if ((eq = strchr (hs_json_string (ann), '=')) == NULL || eq == hs_json_string (ann))
        return hs_error_set (err, EINVAL, "`%s` must be `KEY=VALUE`, got `%s`", w_ann, hs_json_string (ann));
      c->match_key = xstrndup (hs_json_string (ann), (size_t) (eq - hs_json_string (ann)));
      c->match_value = xstrdup (eq + 1);
    }
  if (r == 0 && program != NULL && (r = hs_policy_want (program, HS_JSON_STRING, w_program, err)) == 0)
    {
      const char *s = hs_json_string (program);
      if (s[0] == '\0' || strchr (s, '/') != NULL || strcmp (s, ".") == 0 || strcmp (s, "..") == 0)
        return hs_error_set (err, EINVAL, "`%s` must be a program's file name (no `/`), got `%s`", w_program, s);
      c->match_program = xstrdup (s);
    }
  if (r == 0 && image != NULL && (r = hs_policy_want (image, HS_JSON_STRING, w_image, err)) == 0)
    {
      if (hs_json_string (image)[0] == '\0')
        return hs_error_set (err, EINVAL, "`%s` is empty: give an image name", w_image);
      c->match_image = xstrdup (hs_json_string (image));
    }
  return r;
}

/* classes.NAME: {"match": {...}, "user": {"subid_owner": OWNER}, "allow": {...}, "resources": {...}};
 * base: the policy-wide resources the class's own override. */
static int
_parse_class (const char *name, hs_json v, const hs_resources *base, hs_class *c, hs_error *err)
{
  static const char *const keys[] = { "match", "user", "allow", "resources", NULL };
  static const char *const user_keys[] = { "subid_owner", "idmap_volumes", NULL };
  _cleanup_free_ char *where = xasprintf ("classes.%s", name);
  _cleanup_free_ char *w_match = xasprintf ("%s.match", where);
  _cleanup_free_ char *w_user = xasprintf ("%s.user", where);
  _cleanup_free_ char *w_owner = xasprintf ("%s.user.subid_owner", where);
  _cleanup_free_ char *w_idmap = xasprintf ("%s.user.idmap_volumes", where);
  _cleanup_free_ char *w_allow = xasprintf ("%s.allow", where);
  _cleanup_free_ char *w_resources = xasprintf ("%s.resources", where);
  _cleanup_free_ char *p_class = xasprintf ("%s.", where), *p_user = xasprintf ("%s.", w_user);
  hs_json user, owner, allow, resources;
  int r;

  c->name = xstrdup (name);
  hs_policy_resources_copy (base, &c->resources);
  if (strcmp (name, "default") == 0 || name[0] == '\0')
    return hs_error_set (err, EINVAL, "`%s`: the class name `%s` is reserved", where, name);
  r = hs_policy_want (v, HS_JSON_OBJECT, where, err);
  if (r == 0)
    r = hs_policy_known_keys (v, p_class, keys, err);
  if (r == 0)
    r = _parse_match (hs_json_get (v, "match"), w_match, c, err);
  if (r == 0)
    r = hs_policy_want (user = hs_json_get (v, "user"), HS_JSON_OBJECT, w_user, err);
  if (r == 0)
    r = hs_policy_known_keys (user, p_user, user_keys, err);
  if (r == 0)
    r = _owner (owner = hs_json_get (user, "subid_owner"), w_owner, &c->subid_owner, err);
  if (r == 0)
    r = _flag (hs_json_get (user, "idmap_volumes"), w_idmap, &c->idmap_volumes, err);
  if (r == 0 && (allow = hs_json_get (v, "allow")) != NULL)
    r = hs_policy_parse_allow (allow, w_allow, &c->allow, err);
  if (r == 0 && (resources = hs_json_get (v, "resources")) != NULL)
    r = hs_policy_parse_resources (resources, w_resources, &c->resources, err);
  return r;
}

/* Capabilities with which a process could, through an idmapped volume,
 * leave a file owned by host root (or its group) with a set-id bit, or
 * rewrite one: the volume's on-disk ids are the container's. */
static const char *const _idmap_unsafe_caps[]
    = { "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_SETUID", "CAP_SETGID" };

/* Idmapped volumes store files under the container's own ids, the same for
 * every class that has them: one class at most, and none with the
 * capabilities above. */
static int
_check_idmap_volumes (const hs_policy *p, hs_error *err)
{
  const hs_class *first = NULL;

  for (size_t i = 0; i < p->nclasses; i++)
    {
      if (!p->classes[i].idmap_volumes)
        continue;
      if (first != NULL)
        return hs_error_set (err, EINVAL,
                             "classes `%s` and `%s` both set `idmap_volumes`: files on their volumes "
                             "would have the same owners, so each could read the other's; one class at most",
                             first->name, p->classes[i].name);
      first = &p->classes[i];
    }
  for (size_t i = 0; first != NULL && i < HS_ARRAY_SIZE (_idmap_unsafe_caps); i++)
    if (hs_strv_contains (&p->cap_allow, _idmap_unsafe_caps[i]))
      return hs_error_set (err, EINVAL,
                           "class `%s` sets `idmap_volumes` and `capabilities.allow` has `%s`: with it "
                           "a container could leave set-id files owned by host root on an idmapped volume",
                           first->name, _idmap_unsafe_caps[i]);
  /* An idmapped volume shows its owners as the container's ids: a host
   * path the class allows read-write (/etc, say) would be the container
   * root's to rewrite. */
  for (size_t i = 0; first != NULL && i < first->allow.nbinds; i++)
    if (!first->allow.binds[i].readonly)
      return hs_error_set (err, EINVAL,
                           "class `%s` sets `idmap_volumes` and allows `%s` read-write: idmapped, "
                           "host root's files there would be the container root's to change; allow it read-only",
                           first->name, first->allow.binds[i].source);
  return 0;
}

static bool
_same (const char *a, const char *b)
{
  return a == NULL ? b == NULL : b != NULL && strcmp (a, b) == 0;
}

/* Two classes may neither have the same match nor share ids. */
static int
_check_classes (const hs_policy *p, hs_error *err)
{
  for (size_t i = 0; i < p->nclasses; i++)
    for (size_t k = 0; k < i; k++)
      {
        const hs_class *a = &p->classes[k], *b = &p->classes[i];
        if (strcmp (a->subid_owner, b->subid_owner) == 0)
          return hs_error_set (err, EINVAL,
                               "classes `%s` and `%s` both use the ids of `%s`: each class needs its own "
                               "subid owner",
                               a->name, b->name, a->subid_owner);
        if (_same (a->match_key, b->match_key) && _same (a->match_value, b->match_value)
            && _same (a->match_program, b->match_program) && _same (a->match_image, b->match_image))
          return hs_error_set (err, EINVAL, "classes `%s` and `%s` have the same match", a->name, b->name);
      }
  return 0;
}

static int
_parse_classes (hs_json classes, hs_policy *p, hs_error *err)
{
  int r = hs_policy_want (classes, HS_JSON_OBJECT, "classes", err);

  for (size_t i = 0; r == 0 && i < hs_json_object_len (classes); i++)
    {
      p->classes = xrealloc (p->classes, (p->nclasses + 1) * sizeof (hs_class));
      memset (&p->classes[p->nclasses], 0, sizeof (hs_class));
      p->nclasses++;
      r = _parse_class (hs_json_key_at (classes, i), hs_json_value_at (classes, i), &p->classes[0].resources,
                        &p->classes[p->nclasses - 1], err);
    }
  return r;
}

static int
_parse_capabilities (hs_json caps, hs_policy *p, hs_error *err)
{
  static const char *const keys[] = { "allow", NULL };
  hs_json allow;
  int r = hs_policy_want (caps, HS_JSON_OBJECT, "capabilities", err);

  if (r == 0)
    r = hs_policy_known_keys (caps, "capabilities.", keys, err);
  if (r < 0 || (allow = hs_json_get (caps, "allow")) == NULL)
    return r;
  r = hs_policy_want (allow, HS_JSON_ARRAY, "capabilities.allow", err);
  for (size_t i = 0; r == 0 && i < hs_json_array_len (allow); i++)
    {
      hs_json e = hs_json_at (allow, i);
      char *name = NULL;
      r = hs_policy_want (e, HS_JSON_STRING, "capabilities.allow[]", err);
      if (r == 0)
        r = hs_capname_normalize (hs_json_string (e), &name, err);
      if (r == 0 && !hs_strv_contains (&p->cap_allow, name))
        hs_strv_add (&p->cap_allow, name);
      else
        free (name);
    }
  if (r < 0)
    hs_error_prefix (err, "capabilities.allow");
  return r;
}

static int
_parse_rootfs (hs_json rootfs, hs_policy *p, hs_error *err)
{
  static const char *const keys[] = { "readonly", "tmpfs", NULL };
  hs_json ro, tmpfs;
  int r = hs_policy_want (rootfs, HS_JSON_OBJECT, "rootfs", err);

  if (r == 0)
    r = hs_policy_known_keys (rootfs, "rootfs.", keys, err);
  if (r == 0 && (ro = hs_json_get (rootfs, "readonly")) != NULL)
    {
      r = hs_policy_want (ro, HS_JSON_BOOL, "rootfs.readonly", err);
      p->readonly_rootfs = hs_json_is_true (ro);
    }
  if (r < 0 || (tmpfs = hs_json_get (rootfs, "tmpfs")) == NULL)
    return r;
  r = hs_policy_want (tmpfs, HS_JSON_ARRAY, "rootfs.tmpfs", err);
  if (r == 0)
    hs_strv_release (&p->tmpfs);
  for (size_t i = 0; r == 0 && i < hs_json_array_len (tmpfs); i++)
    {
      char *dest = NULL;
      r = _absolute_path (hs_json_at (tmpfs, i), "rootfs.tmpfs[]", &dest, err);
      if (r == 0)
        hs_strv_add (&p->tmpfs, dest);
    }
  return r;
}

/* A profile: an absolute path, or the name of one installed with hardshim. */
static int
_profile_path (hs_json v, const char *where, const char *dir, char **ret, hs_error *err)
{
  int r = hs_policy_want (v, HS_JSON_STRING, where, err);
  const char *s;

  if (r < 0)
    return r;
  s = hs_json_string (v);
  if (s[0] == '/')
    return _absolute_path (v, where, ret, err);
  if (s[0] == '\0' || s[0] == '.'
      || strspn (s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen (s))
    return hs_error_set (err, EINVAL,
                         "`%s` must be a profile name (letters, digits, `.`, `_`, `-`) or an absolute path, got `%s`",
                         where, s);
  free (*ret);
  *ret = xasprintf ("%s/%s.json", dir, s);
  return 0;
}

static int
_parse_seccomp (hs_json seccomp, hs_policy *p, hs_error *err)
{
  static const char *const keys[] = { "profile", NULL };
  hs_json v;
  int r = hs_policy_want (seccomp, HS_JSON_OBJECT, "seccomp", err);

  if (r == 0)
    r = hs_policy_known_keys (seccomp, "seccomp.", keys, err);
  if (r == 0 && (v = hs_json_get (seccomp, "profile")) != NULL)
    r = _profile_path (v, "seccomp.profile", HS_SECCOMP_DIR, &p->seccomp_profile, err);
  return r;
}

/* Every component of path (after its leading '/') is a name: not empty, `.` or `..`. */
static bool
_components_ok (const char *path)
{
  for (const char *p = path + 1;;)
    {
      size_t len = strcspn (p, "/");
      if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
        return false;
      if (p[len] == '\0')
        return true;
      p += len + 1;
    }
}

int
hs_policy_check_deny_path (const char *path, hs_error *err)
{
  size_t bad = strspn (path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/");

  unsigned char c = (unsigned char) path[bad];
  char shown[8];

  if (c != '\0')
    {
      snprintf (shown, sizeof shown, c > ' ' && c < 0x7f && c != '`' ? "`%c`" : "0x%02x", c);
      return hs_error_set (err, EINVAL,
                           "write-denied path `%.*s…`: character %s is not allowed (only letters, digits, "
                           "`.`, `_`, `-` and `/`: AppArmor would read others as a pattern or as profile syntax)",
                           (int) bad, path, shown);
    }
  if (path[0] != '/')
    return hs_error_set (err, EINVAL, "write-denied path `%s` is not absolute", path);
  if (strlen (path) > HS_DENY_PATH_MAX)
    return hs_error_set (err, EINVAL, "write-denied path `%.64s…` is longer than %d bytes", path, HS_DENY_PATH_MAX);
  if (path[1] == '\0')
    return hs_error_set (err, EINVAL, "write-denied path `/`: would deny every write in the container");
  if (!_components_ok (path))
    return hs_error_set (err, EINVAL, "write-denied path `%s`: `.`, `..`, `//` and a trailing `/` are not allowed",
                         path);
  return 0;
}

/* Spaces and tabs between the start of the placeholder's line and the placeholder. */
static int
_deny_path (hs_json v, hs_strv *list, hs_error *err)
{
  int r = hs_policy_want (v, HS_JSON_STRING, "lsm.deny_write[]", err);
  const char *s = r == 0 ? hs_json_string (v) : NULL;

  if (r == 0)
    r = hs_policy_check_deny_path (s, err);
  if (r < 0)
    return r;
  if (list->n >= HS_DENY_WRITE_MAX)
    return hs_error_set (err, EINVAL, "`lsm.deny_write` has more than %d paths", HS_DENY_WRITE_MAX);
  if (!hs_strv_contains (list, s))
    hs_strv_add (list, xstrdup (s));
  return 0;
}

static int
_parse_lsm (hs_json lsm, hs_policy *p, hs_error *err)
{
  static const char *const keys[] = { "deny_write", "unavailable", "landlock_helper", NULL };
  hs_json v;
  int r = hs_policy_want (lsm, HS_JSON_OBJECT, "lsm", err);

  if (r == 0)
    r = hs_policy_known_keys (lsm, "lsm.", keys, err);
  if (r == 0)
    r = _unavailable (hs_json_get (lsm, "unavailable"), "lsm.unavailable", &p->lsm_fallback, err);
  if (r == 0 && (v = hs_json_get (lsm, "landlock_helper")) != NULL)
    r = _absolute_path (v, "lsm.landlock_helper", &p->landlock_helper, err);
  if (r < 0 || (v = hs_json_get (lsm, "deny_write")) == NULL)
    return r;
  r = hs_policy_want (v, HS_JSON_ARRAY, "lsm.deny_write", err);
  hs_strv_release (&p->deny_write);
  for (size_t i = 0; r == 0 && i < hs_json_array_len (v); i++)
    r = _deny_path (hs_json_at (v, i), &p->deny_write, err);
  if (r == 0 && p->deny_write.n == 0)
    r = hs_error_set (err, EINVAL, "`lsm.deny_write` is empty: name at least one path");
  return r;
}

static int
_parse_mode (hs_json mode, hs_policy *p, hs_error *err)
{
  int r = hs_policy_want (mode, HS_JSON_STRING, "mode", err);

  if (r < 0)
    return r;
  if (strcmp (hs_json_string (mode), "enforce") == 0)
    p->mode = HS_MODE_ENFORCE;
  else if (strcmp (hs_json_string (mode), "audit") == 0)
    p->mode = HS_MODE_AUDIT;
  else
    return hs_error_set (err, EINVAL, "`mode` must be `enforce` or `audit`, got `%s`", hs_json_string (mode));
  return 0;
}

int
hs_policy_parse (const char *text, size_t len, const char *path, hs_policy *ret, hs_error *err)
{
  static const char *const keys[] = { "mode",    "runtime", "journal", "user",      "capabilities", "rootfs",
                                      "seccomp", "lsm",     "allow",   "resources", "classes",      NULL };
  _cleanup_json_ hs_json tree = NULL;
  _cleanup_policy_ hs_policy p = { 0 };
  hs_json v;
  int r;

  r = hs_json_parse (text, len, &tree, err);
  if (r < 0)
    {
      hs_error_prefix (err, "policy `%s`", path);
      return r;
    }
  _defaults (&p, path);
  free (p.source);
  p.source = xstrdup (path);

  r = hs_policy_want (tree, HS_JSON_OBJECT, "(top level)", err);
  if (r == 0)
    r = hs_policy_known_keys (tree, "", keys, err);
  if (r == 0 && (v = hs_json_get (tree, "mode")) != NULL)
    r = _parse_mode (v, &p, err);
  if (r == 0 && (v = hs_json_get (tree, "runtime")) != NULL)
    r = _absolute_path (v, "runtime", &p.runtime, err);
  if (r == 0 && (v = hs_json_get (tree, "journal")) != NULL)
    r = _absolute_path (v, "journal", &p.journal, err);
  if (r == 0 && (v = hs_json_get (tree, "user")) != NULL)
    r = _parse_user (v, &p, err);
  if (r == 0 && (v = hs_json_get (tree, "capabilities")) != NULL)
    r = _parse_capabilities (v, &p, err);
  if (r == 0 && (v = hs_json_get (tree, "rootfs")) != NULL)
    r = _parse_rootfs (v, &p, err);
  if (r == 0 && (v = hs_json_get (tree, "seccomp")) != NULL)
    r = _parse_seccomp (v, &p, err);
  if (r == 0 && (v = hs_json_get (tree, "lsm")) != NULL)
    r = _parse_lsm (v, &p, err);
  /* before the classes: the default class's resources are every class's base */
  if (r == 0 && (v = hs_json_get (tree, "allow")) != NULL)
    r = hs_policy_parse_allow (v, "allow", &p.classes[0].allow, err);
  if (r == 0 && (v = hs_json_get (tree, "resources")) != NULL)
    r = hs_policy_parse_resources (v, "resources", &p.classes[0].resources, err);
  if (r == 0 && (v = hs_json_get (tree, "classes")) != NULL)
    r = _parse_classes (v, &p, err);
  if (r == 0)
    r = _check_classes (&p, err);
  if (r == 0)
    r = _check_idmap_volumes (&p, err);
  if (r < 0)
    {
      hs_error_prefix (err, "policy `%s`", path);
      return r;
    }
  *ret = TAKE_STRUCT (p);
  return 0;
}

int
hs_policy_load (const char *path, hs_policy *ret, hs_error *err)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_free_ char *shown = xasprintf ("policy `%s`", path);
  size_t len;
  int r;

  r = hs_file_read_trusted (path, shown, POLICY_MAX_BYTES, &text, &len, err);
  if (r == -ENOENT && strcmp (path, HS_DEFAULT_POLICY) == 0)
    {
      hs_error_release (err);
      _defaults (ret, path);
      ret->builtin = true;
    }
  else if (r < 0 || (r = hs_policy_parse (text, len, path, ret, err)) < 0)
    return r;
  r = hs_policy_load_profiles (ret, err);
  if (r < 0)
    hs_policy_release (ret);
  return r;
}

int
hs_policy_load_profiles (hs_policy *p, hs_error *err)
{
  hs_scmp_profile *seccomp = xcalloc (1, sizeof *seccomp);
  int r = hs_scmp_load (p->seccomp_profile, seccomp, err);

  if (r < 0)
    {
      free (seccomp);
      hs_error_prefix (err, "policy `%s`", p->source);
      return r;
    }
  p->seccomp = seccomp;
  return 0;
}

static int
_read_subids (const char *file, char **ret, hs_error *err)
{
  _cleanup_free_ char *shown = xasprintf ("`%s`", file);
  size_t len;

  return hs_file_read_trusted (file, shown, POLICY_MAX_BYTES, ret, &len, err);
}

int
hs_policy_load_subids (hs_policy *p, const char *subuid, const char *subgid, hs_error *err)
{
  _cleanup_free_ char *uids = NULL, *gids = NULL;
  int r = _read_subids (subuid, &uids, err);

  if (r == 0)
    r = _read_subids (subgid, &gids, err);
  for (size_t i = 0; r == 0 && i < p->nclasses; i++)
    {
      hs_class *c = &p->classes[i];
      r = hs_subid_pick (uids, subuid, c->subid_owner, HS_USERNS_SIZE, &c->uids, err);
      if (r == 0)
        r = hs_subid_pick (gids, subgid, c->subid_owner, HS_USERNS_SIZE, &c->gids, err);
      if (r < 0)
        hs_error_prefix (err, "class `%s`", c->name);
    }
  if (r < 0)
    hs_error_prefix (err, "policy `%s`", p->source);
  return r;
}

void
hs_policy_release (hs_policy *p)
{
  for (size_t i = 0; i < p->nclasses; i++)
    {
      free (p->classes[i].name);
      free (p->classes[i].match_key);
      free (p->classes[i].match_value);
      free (p->classes[i].match_program);
      free (p->classes[i].match_image);
      hs_policy_allow_release (&p->classes[i].allow);
      hs_policy_resources_release (&p->classes[i].resources);
      free (p->classes[i].subid_owner);
    }
  free (p->classes);
  free (p->source);
  free (p->path);
  free (p->runtime);
  free (p->journal);
  hs_strv_release (&p->cap_allow);
  hs_strv_release (&p->deny_write);
  free (p->landlock_helper);
  hs_strv_release (&p->tmpfs);
  free (p->seccomp_profile);
  if (p->seccomp != NULL)
    hs_scmp_release (p->seccomp);
  free (p->seccomp);
  memset (p, 0, sizeof *p);
}

const char *
hs_policy_denied_at (const hs_policy *p, const char *path)
{
  for (size_t i = 0; i < p->deny_write.n; i++)
    if (hs_path_within (path, p->deny_write.v[i]))
      return p->deny_write.v[i];
  return NULL;
}
