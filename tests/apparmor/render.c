/* SPDX-License-Identifier: Apache-2.0 */
/* Render hardshim's AppArmor profile template the way hardshim does, for
 * tests/apparmor/compile.sh:
 *
 *   render TEMPLATE [PATH...]     the profile text on stdout
 *   render -n TEMPLATE [PATH...]  only its name (hardshim-<16 hex>) on stdout
 *
 * PATH... are the write-denied paths (the policy's lsm.deny_write).  A bad
 * path or template: the message on stderr, exit status 1. */
#include "config.h"

#include "lsm/apparmor.h"
#include "spec/file.h"
#include "base/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

int
main (int argc, char **argv)
{
  hs_error err = { 0 };
  _cleanup_free_ char *template_text = NULL, *text = NULL, *name = NULL;
  bool only_name = argc > 1 && strcmp (argv[1], "-n") == 0;
  int first = only_name ? 2 : 1;
  size_t len;

  if (argc <= first)
    {
      fprintf (stderr, "usage: %s [-n] TEMPLATE [PATH...]\n", argv[0]);
      return 2;
    }
  if (hs_file_read_regular (AT_FDCWD, argv[first], argv[first], false, 1 << 20, &template_text, &len, NULL, &err) < 0
      || hs_apparmor_render (template_text, (const char *const *) argv + first + 1, (size_t) (argc - first - 1), &text,
                             &name, &err)
             < 0)
    {
      fprintf (stderr, "render: %s\n", err.msg);
      hs_error_release (&err);
      return 1;
    }
  fputs (only_name ? name : text, stdout);
  if (only_name)
    fputc ('\n', stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}
