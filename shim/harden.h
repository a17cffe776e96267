/* Apply the measures, in order, to a spec or an exec process file. */
#ifndef HS_HARDEN_H
#define HS_HARDEN_H

#include "error.h"
#include "journal.h"
#include "json.h"
#include "policy.h"

/* spec: a whole config.json (process_file false) or a process file. */
int hs_harden (hs_json spec, bool process_file, const char *file, const hs_policy *policy, hs_journal *journal,
               hs_error *err);

#endif
