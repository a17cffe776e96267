/* SPDX-License-Identifier: Apache-2.0 */
/* The exec process path: an engine's exec line (the input up to its first
 * two NUL bytes in a row, split at NUL bytes) and a JSON text after them:
 * the --process file when the line names one, else the container's
 * process runc would start from (exec_process.h); without that text, the
 * process of the fixed container (tests/data/golden/runc.json, a spec
 * hardshim hardened).  The process is hardened against that container
 * under each fixed policy; what hardening accepts must be hardened
 * (fuzz.h) and run under the container's labels, hardening it again must
 * give the same bytes, and the runtime's line must carry no process
 * option. */
#include "config.h"

#include "fuzz.h"

#include "cli/exec_process.h"
#include "measures/harden.h"
#include "runtime/journal.h"
#include "spec/spec.h"
#include "spec/spec_keys.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static hs_json _container;

/* The golden hardened spec, its helper placeholder the policy's helper. */
static hs_json
_fixed_container (void)
{
  _cleanup_free_ char *path = NULL, *text = NULL;
  hs_error err = { 0 };
  FILE *f;
  long n;

  if (_container != NULL)
    return _container;
  path = xasprintf ("%s/tests/data/golden/runc.json", fz_srcdir ());
  f = fopen (path, "rb");
  if (f == NULL || fseek (f, 0, SEEK_END) < 0 || (n = ftell (f)) < 0 || fseek (f, 0, SEEK_SET) < 0)
    fz_fail ("cannot read %s", path);
  text = xcalloc (1, (size_t) n + 1);
  if (fread (text, 1, (size_t) n, f) != (size_t) n)
    fz_fail ("cannot read %s", path);
  fclose (f);
  for (char *at; (at = strstr (text, "@LANDLOCK_HELPER@")) != NULL;)
    {
      char *joined = xasprintf ("%.*s%s%s", (int) (at - text), text, fz_policy (0)->landlock_helper, at + 17);
      free (text);
      text = joined;
    }
  if (hs_json_parse (text, strlen (text), &_container, &err) < 0)
    fz_fail ("%s: %s", path, err.msg);
  return _container;
}

/* Load text as hardshim loads a --process file; NULL when refused. */
static hs_json
_load (const char *text, size_t len)
{
  _cleanup_close_ int fd = memfd_create ("fuzz-process", MFD_CLOEXEC);
  hs_spec_file f = { 0 };
  hs_error err = { 0 };
  hs_json tree;

  if (fd < 0 || hs_write_all (fd, text, len) < 0 || lseek (fd, 0, SEEK_SET) != 0)
    fz_fail ("memfd");
  if (hs_spec_load_fd (fd, "process.json", &f, &err) < 0)
    {
      hs_error_release (&err);
      return NULL;
    }
  tree = TAKE_PTR (f.tree);
  hs_spec_release (&f);
  return tree;
}

static void
_same_label (hs_json process, hs_json container, const char *key)
{
  hs_json v = hs_json_get (process, key), want = hs_json_get (hs_json_get (container, "process"), key);

  if ((v == NULL) != (want == NULL)
      || (v != NULL
          && (!hs_json_is_string (v) || !hs_json_is_string (want)
              || strcmp (hs_json_string (v), hs_json_string (want)) != 0)))
    fz_fail ("exec: process.%s is not the container's", key);
}

static void
_harden (hs_json process, hs_json container, const hs_policy *p)
{
  _cleanup_json_ hs_json again = NULL;
  _cleanup_free_ char *out = NULL, *out2 = NULL;
  hs_host host = { 0 };
  const hs_class *class;
  hs_journal j;
  hs_plan plan;
  hs_error err = { 0 };
  int r;

  if (!fz_host_model (container, p, &host))
    fz_fail ("exec: the model host refuses the container");
  hs_journal_init (&j, "c1", NULL, "process.json", "exec", false);
  r = hs_harden (process, container, "process.json", p, &host, &j, &plan, &err);
  fz_check_journal (&j);
  hs_journal_release (&j);
  if (r < 0)
    {
      hs_error_release (&err);
      fz_host_release (&host);
      return;
    }
  if (hs_policy_select_class (p, hs_json_get (container, "annotations"), "container", &class, &err) < 0)
    fz_fail ("exec: the container's class: %s", err.msg);
  out = fz_generate (process);
  again = _load (out, strlen (out));
  if (again == NULL)
    fz_fail ("exec: the hardened process does not load back:\n%s", out);
  fz_check_process ("exec", again, hs_json_get (container, "linux"), p, class);
  _same_label (again, container, "apparmorProfile");
  _same_label (again, container, "selinuxLabel");

  hs_journal_init (&j, "c1", NULL, "process.json", "exec", false);
  r = hs_harden (again, container, "process.json", p, &host, &j, &plan, &err);
  hs_journal_release (&j);
  if (r < 0)
    fz_fail ("exec: hardening the hardened process fails: %s\n%s", err.msg, out);
  out2 = fz_generate (again);
  if (strcmp (out, out2) != 0)
    fz_fail ("exec: hardening twice differs:\n%s\n---\n%s", out, out2);
  fz_host_release (&host);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *json = NULL;
  size_t argv_len = size, json_len = 0;
  char **argv;
  int argc;
  hs_cli cli;
  hs_error err = { 0 };
  _cleanup_json_ hs_json container = NULL;

  for (size_t i = 0; i + 1 < size; i++)
    if (data[i] == '\0' && data[i + 1] == '\0')
      {
        argv_len = i;
        json = data + i + 2;
        json_len = size - i - 2;
        break;
      }
  argv = fz_argv (data, argv_len, "hardshim", &argc);
  if (hs_cli_parse (argc, argv, &cli, &err) < 0 || cli.kind != HS_CMD_EXEC)
    goto out;
  fz_check_cli (&cli, argc, argv);

  container = hs_json_copy (_fixed_container ());
  for (size_t i = 0; i < FZ_NPOLICIES; i++)
    {
      _cleanup_json_ hs_json process = NULL;
      const hs_policy *p = fz_policy (i);
      if (cli.process != NULL)
        {
          if (json == NULL || (process = _load ((const char *) json, json_len)) == NULL)
            goto out;
        }
      else
        {
          if (json != NULL && json_len > 0)
            {
              hs_json base = NULL;
              if (hs_json_parse ((const char *) json, json_len, &base, &err) < 0)
                goto out;
              hs_json_object_set (container, "process", base);
              /* the container's spec is loaded as a bundle's (container.h) */
              if (hs_spec_keys_check (container, "config.json", &err) < 0)
                goto out;
            }
          if (hs_exec_process_build (hs_json_get (container, "process"), &cli, argc, argv, &process, &err) < 0)
            goto out;
        }
      _harden (process, container, p);
    }
out:
  hs_error_release (&err);
  hs_cli_release (&cli);
  fz_argv_free (argv);
  return 0;
}
