/* Command line: classify an engine's runc-style argv without changing it.
 *
 * Global options are those of runc and crun, with their arity; options are
 * accepted with one or two dashes, as "--opt value" and "--opt=value".  For
 * the subcommands hardshim rewrites, every option must be known (otherwise
 * hardshim could harden one file while the runtime reads another), so an
 * unknown one is refused.  Every other subcommand is passed through. */
#ifndef HS_CLI_H
#define HS_CLI_H

#include "error.h"

#include <stdbool.h>

typedef enum hs_command_kind
{
  HS_CMD_PASS = 0, /* anything hardshim does not rewrite */
  HS_CMD_CREATE,
  HS_CMD_RUN,
  HS_CMD_RESTORE,
  HS_CMD_EXEC,
} hs_command_kind;

typedef struct hs_cli
{
  hs_command_kind kind;
  const char *command;    /* the subcommand word, NULL if none */
  const char *bundle;     /* -b/--bundle; "." when not given or empty */
  const char *config;     /* crun -f/--config; "config.json" when not given */
  const char *process;    /* exec -p/--process; NULL when not given */
  const char *id;         /* container id; NULL when missing */
  const char *log;        /* global --log */
  const char *log_format; /* global --log-format */
} hs_cli;

/* Fills cli with pointers into argv (also on failure, as far as it got, so
 * that the error can go to the engine's --log). For a pass-through
 * subcommand it stops reading at the subcommand. */
int hs_cli_parse (int argc, char *const *argv, hs_cli *cli, hs_error *err);

/* True for create, run and restore: the subcommands that read config.json. */
bool hs_cli_reads_bundle (const hs_cli *cli);

#endif
