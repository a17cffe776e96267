/* SPDX-License-Identifier: Apache-2.0 */
/* restore's options that label the restored process: with --lsm-profile
 * TYPE:NAME (and --lsm-mount-context) CRIU applies the given AppArmor
 * profile or SELinux label instead of the checkpointed one.  They are
 * accepted only when they name the hardened spec's own. */
#ifndef HS_RESTORE_H
#define HS_RESTORE_H

#include "cli/cli.h"
#include "base/error.h"
#include "spec/json.h"

/* -EPERM when an option names another profile or label than spec's. */
int hs_restore_check_lsm (const hs_cli *cli, hs_json spec, hs_error *err);

#endif
