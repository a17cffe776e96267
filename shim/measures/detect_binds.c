/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "detect": bind sources, judged by what the probe found them to
 * be on the host (host_refs.h), never by their spelling. */
#include "config.h"

#include "measures/detect.h"
#include "host/devices.h"
#include "host/host_refs.h"
#include "spec/spec.h"
#include "base/util.h"

#include <string.h>

bool
hs_detect_class_allows_bind (const hs_detect *d, const hs_bind_ref *ref, bool *ret_readonly)
{
  const hs_host *host = d->ctx->host;
  const hs_class *c = d->ctx->class;

  if (host->class_binds == NULL || d->class_index >= host->nclasses)
    return false;
  for (size_t j = 0; j < c->allow.nbinds; j++)
    if (hs_id_ref_same (&host->class_binds[d->class_index][j], &ref->id))
      {
        *ret_readonly = c->allow.binds[j].readonly;
        return true;
      }
  return false;
}

/* Whether mount m is read-only as the runtime reads its options: the last
 * of "ro" and "rw" (the mount flag), or the last of "rro" and "rrw" (the
 * recursive attribute, set apart from the flag). */
static bool
_read_only (hs_json m)
{
  hs_json opts = hs_json_get (m, "options");
  bool ro = false, rro = false;

  for (size_t k = 0; hs_json_is_array (opts) && k < hs_json_array_len (opts); k++)
    {
      hs_json o = hs_json_at (opts, k);
      if (!hs_json_is_string (o))
        continue;
      if (strcmp (hs_json_string (o), "ro") == 0 || strcmp (hs_json_string (o), "rw") == 0)
        ro = hs_json_string (o)[1] == 'o';
      else if (strcmp (hs_json_string (o), "rro") == 0 || strcmp (hs_json_string (o), "rrw") == 0)
        rro = hs_json_string (o)[2] == 'o';
    }
  return ro || rro;
}

/* The source as the engine wrote it: the spec's, or, for hardshim's pin in
 * a sealed spec, the one it kept (bind_pins.h). */
static const char *
_engine_source (const hs_bind_ref *ref)
{
  return ref->via != NULL ? ref->via : ref->source;
}

/* " (which is /)" when source is another spelling of what. */
static char *
_which_is (const hs_bind_ref *ref)
{
  if (ref->above || strcmp (_engine_source (ref), ref->what) == 0)
    return xstrdup ("");
  return xasprintf (" (which is %s)", ref->what);
}

static void
_refuse (hs_detect *d, size_t i, hs_json m, const hs_bind_ref *ref)
{
  _cleanup_free_ char *path = xasprintf ("/mounts/%zu", i), *which = _which_is (ref);
  const char *src = _engine_source (ref), *policy = d->policy_name;

  switch (ref->kind)
    {
    case HS_BIND_SENSITIVE_RW:
      hs_detect_refuse (d, path, m,
                        "host path %s%s read-write as a volume (docker -v %s:..., Kubernetes hostPath) is refused by "
                        "policy %s; mount it read-only, or allow it for a class with \"allow\": {\"binds\": "
                        "[{\"source\": \"%s\", \"readonly\": false}]}",
                        src, which, src, policy, src);
      break;
    case HS_BIND_SOCKET:
      if (!ref->above)
        {
          hs_detect_refuse (d, path, m,
                            "%s socket %s%s as a volume (docker -v %s:..., Kubernetes hostPath) is refused by policy "
                            "%s; allow it for a class with \"allow\": {\"binds\": [{\"source\": \"%s\"}]}",
                            ref->owner, src, which, src, policy, src);
          break;
        }
      hs_detect_refuse (d, path, m,
                        "host path %s as a volume (docker -v %s:..., Kubernetes hostPath; it holds the %s socket %s) "
                        "is refused by policy %s; allow it for a class with \"allow\": {\"binds\": [{\"source\": "
                        "\"%s\", \"readonly\": true}]}",
                        src, src, ref->owner, ref->what, policy, src);
      break;
    default:
      if (ref->above)
        hs_detect_refuse (d, path, m,
                          "host path %s as a volume (docker -v %s:..., Kubernetes hostPath; it holds %s) is refused "
                          "by policy %s; allow it for a class with \"allow\": {\"binds\": [{\"source\": \"%s\", "
                          "\"readonly\": true}]}",
                          src, src, ref->what, policy, src);
      else
        hs_detect_refuse (d, path, m,
                          "host path %s%s as a volume (docker -v %s:..., Kubernetes hostPath) is refused by policy "
                          "%s; allow it for a class with \"allow\": {\"binds\": [{\"source\": \"%s\", \"readonly\": "
                          "true}]}",
                          src, which, src, policy, src);
    }
}

/* A volume that is no device node itself is nodev: a node shipped in it
 * cannot be opened, whatever the device rules allow. */
static void
_nodev (hs_detect *d, size_t i, hs_json m)
{
  hs_json opts = hs_json_get (m, "options");
  _cleanup_free_ char *path = NULL;

  if (opts == NULL)
    hs_json_object_set (m, "options", opts = hs_json_new_array ());
  if (!hs_json_is_array (opts) || (hs_json_array_has_string (opts, "nodev") && !hs_json_array_has_string (opts, "dev")))
    return;
  _cleanup_json_ hs_json before = hs_json_copy (opts);
  for (size_t k = hs_json_array_len (opts); k-- > 0;) /* "dev" after "nodev" would win */
    if (hs_json_is_string (hs_json_at (opts, k)) && strcmp (hs_json_string (hs_json_at (opts, k)), "dev") == 0)
      hs_json_array_remove (opts, k);
  if (!hs_json_array_has_string (opts, "nodev"))
    hs_json_array_append (opts, hs_json_new_string ("nodev"));
  path = xasprintf ("/mounts/%zu/options", i);
  hs_measure_record_note (d->ctx, false, path, "changed", before, opts,
                          "a device node in a volume cannot be opened (devices are given as devices)");
}

void
hs_detect_binds (hs_detect *d, hs_json mounts)
{
  for (size_t i = 0; hs_json_is_array (mounts) && i < hs_json_array_len (mounts); i++)
    {
      hs_json m = hs_json_at (mounts, i), src = hs_json_get (m, "source");
      const hs_bind_ref *ref;
      hs_devnode node;
      bool recursive, want_ro = true;

      if (!hs_spec_mount_is_bind (m, &recursive) || !hs_json_is_string (src))
        continue;
      /* NULL: a mount a measure added (the Landlock helper, device nodes,
       * the pod's sysfs), whose source the probe did not see. */
      ref = hs_host_bind_ref (d->ctx->host, hs_json_string (src));
      if (ref != NULL && ref->id.exists && ref->kind != HS_BIND_DEVICE
          && hs_devnode_parse (hs_json_string (src), &node) < 0)
        _nodev (d, i, m); /* not a node, nor one hardshim makes (a sealed spec's, devices.h) */
      if (ref == NULL || ref->kind == HS_BIND_PLAIN || ref->kind == HS_BIND_DEVICE)
        continue;
      if (ref->kind == HS_BIND_SENSITIVE_RW && _read_only (m))
        continue;
      if (!hs_detect_class_allows_bind (d, ref, &want_ro))
        {
          _refuse (d, i, m, ref);
          continue;
        }
      if (want_ro && !_read_only (m))
        {
          _cleanup_json_ hs_json before = hs_json_copy (m);
          _cleanup_free_ char *path = xasprintf ("/mounts/%zu/options", i);
          _cleanup_free_ char *note
              = xasprintf ("class `%s` allows %s read-only", d->ctx->class->name, hs_json_string (src));
          hs_measure_read_only_mount (m);
          if (recursive && !hs_json_array_has_string (hs_json_get (m, "options"), "rro"))
            hs_json_array_append (hs_json_get (m, "options"), hs_json_new_string ("rro")); /* and its submounts */
          hs_measure_record_note (d->ctx, false, path, "changed", hs_json_get (before, "options"),
                                  hs_json_get (m, "options"), note);
        }
    }
}
