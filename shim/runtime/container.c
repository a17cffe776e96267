/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "runtime/container.h"
#include "host/spawn.h"
#include "base/util.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#define _STATE_MAX (1024u * 1024u) /* runc prints a few hundred bytes */

/* The bundle named by a runtime's state output (runc and crun print
 * {"ociVersion":…, "id":…, "status":…, "bundle":…, …}). */
static int
_bundle (const char *runtime, const char *id, const hs_spawn_output *o, char **ret, int *ret_pid, hs_error *err)
{
  _cleanup_json_ hs_json state = NULL;
  hs_json bundle;
  uint64_t pid = 0;
  int r;

  if (o->truncated)
    return hs_error_set (err, EFBIG, "`%s state %s` printed more than %u bytes", runtime, id, _STATE_MAX);
  r = hs_json_parse (o->out, o->len, &state, err);
  if (r < 0)
    {
      hs_error_prefix (err, "`%s state %s`", runtime, id);
      return r;
    }
  bundle = hs_json_get (state, "bundle");
  if (!hs_json_is_string (bundle) || hs_json_string (bundle)[0] != '/')
    return hs_error_set (err, EINVAL, "`%s state %s` names no absolute bundle", runtime, id);
  (void) hs_json_get_uint (hs_json_get (state, "pid"), INT32_MAX, &pid);
  *ret = xstrdup (hs_json_string (bundle));
  *ret_pid = (int) pid;
  return 0;
}

int
hs_container_load (const char *runtime, const hs_cli *cli, char *const *argv, hs_container *ret, hs_error *err)
{
  _cleanup_free_ char **state_argv = xcalloc ((size_t) cli->command_at + 4, sizeof (char *));
  _cleanup_free_ char *bundle = NULL;
  _cleanup_spawn_output_ hs_spawn_output o = { 0 };
  int pid = 0;
  _cleanup_spec_file_ hs_spec_file spec = { .dirfd = -1 };
  int n = 0, r;
  char how[64];

  state_argv[n++] = (char *) runtime;
  for (int i = 1; i < cli->command_at; i++) /* the engine's global options: --root, --log... */
    state_argv[n++] = argv[i];
  state_argv[n++] = (char *) "state";
  state_argv[n++] = (char *) "--"; /* an id may start with a dash */
  state_argv[n++] = (char *) cli->id;
  r = hs_spawn_capture (runtime, state_argv, NULL, false, _STATE_MAX, &o, err);
  if (r < 0)
    return r;
  if (!WIFEXITED (o.status) || WEXITSTATUS (o.status) != 0)
    {
      hs_spawn_describe (o.status, how, sizeof how);
      r = hs_error_set (err, ESRCH, "`%s state %s` failed (%s): cannot find the container's bundle", runtime, cli->id,
                        how);
    }
  if (r == 0)
    r = _bundle (runtime, cli->id, &o, &bundle, &pid, err);
  if (r == 0)
    r = hs_spec_load (bundle, "config.json", &spec, err);
  if (r < 0)
    {
      hs_error_prefix (err, "exec in container `%s`", cli->id);
      return r;
    }
  ret->bundle = TAKE_PTR (bundle);
  ret->pid = pid;
  ret->spec = TAKE_STRUCT (spec);
  return 0;
}

void
hs_container_release (hs_container *c)
{
  free (c->bundle);
  c->bundle = NULL;
  hs_spec_release (&c->spec);
}
