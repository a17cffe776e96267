/* SPDX-License-Identifier: Apache-2.0 */
/* Measure "annotations": annotations the runtimes read as instructions.
 *
 * runc and crun act on a few annotations of the spec: crun on run.oci.*
 * (its own BPF in place of the seccomp filter, seccomp plugins loaded as
 * host root, hook output written to host paths, another handler, the
 * runtime's own groups, cgroup delegation), both on org.systemd.property.*
 * (properties of the container's systemd unit, DeviceAllow among them) and
 * org.criu.config (a CRIU configuration file, which can run scripts as
 * root).  Whoever writes the spec writes its annotations, and no measure
 * can vet what these do, so a spec that has one is refused.  An empty
 * org.criu.config (no extra configuration file) is allowed. */
#include "config.h"

#include "measures/measure.h"
#include "base/util.h"

#include <errno.h>
#include <string.h>

static const struct
{
  const char *key;
  bool prefix;
  const char *does;
} _instructions[] = {
  { "run.oci.seccomp_bpf_data", false, "makes crun load the spec's own BPF program in place of the seccomp filter" },
  { "run.oci.seccomp.plugins", false, "makes crun load seccomp plugins (shared libraries) as host root" },
  { "run.oci.seccomp.receiver", false, "makes crun send the seccomp listener to a host socket" },
  { "run.oci.pidfd_receiver", false, "makes crun send the container's pidfd to a host socket" },
  { "run.oci.hooks.stdout", false, "makes crun write hook output to a host path as root" },
  { "run.oci.hooks.stderr", false, "makes crun write hook output to a host path as root" },
  { "run.oci.handler", false, "makes crun run the container with another handler" },
  { "run.oci.keep_original_groups", false, "makes crun keep the runtime's own supplementary groups" },
  { "run.oci.", true, "is an instruction to crun that hardshim does not vet" },
  { "org.systemd.property.", true,
    "makes the systemd cgroup driver set a property of the container's unit "
    "(DeviceAllow, Delegate, ...)" },
  { "org.criu.config", false, "makes CRIU read a configuration file of the spec's choosing" },
};

static const char *
_does (const char *key, hs_json value)
{
  for (size_t i = 0; i < HS_ARRAY_SIZE (_instructions); i++)
    {
      const char *k = _instructions[i].key;
      if (_instructions[i].prefix ? strncmp (key, k, strlen (k)) != 0 : strcmp (key, k) != 0)
        continue;
      if (strcmp (k, "org.criu.config") == 0 && hs_json_is_string (value) && hs_json_string (value)[0] == '\0')
        return NULL; /* empty: no extra file at all */
      return _instructions[i].does;
    }
  return NULL;
}

int
hs_measure_annotations (hs_measure_ctx *ctx, hs_error *err)
{
  hs_json ann = hs_json_get (ctx->spec, "annotations");

  if (ann == NULL)
    return 0;
  if (!hs_json_is_object (ann))
    return hs_measure_bad_type (ctx, false, "/annotations", ann, "an object", err);
  const char *key;
  hs_json value;
  hs_json_foreach_member (ann, i, key, value)
    {
      const char *does = _does (key, value);
      if (does != NULL)
        return hs_error_set (err, EPERM, "`%s`: annotation `%s` %s: refused", ctx->file, key, does);
    }
  return 0;
}
