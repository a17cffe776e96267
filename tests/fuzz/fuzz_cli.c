/* SPDX-License-Identifier: Apache-2.0 */
/* The command line: an engine's argv (the input split at NUL bytes, after
 * argv[0]) through hs_cli_parse; what it accepts must be consistent, and
 * exec's line for the runtime must carry no process option (fuzz.h). */
#include "config.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  int argc;
  char **argv = fz_argv (data, size, "hardshim", &argc);
  hs_cli cli;
  hs_error err = { 0 };

  if (hs_cli_parse (argc, argv, &cli, &err) == 0)
    fz_check_cli (&cli, argc, argv);
  else if (err.msg == NULL)
    fz_fail ("cli: refused without a message");
  hs_error_release (&err);
  hs_cli_release (&cli);
  fz_argv_free (argv);
  return 0;
}
