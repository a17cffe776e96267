/* Apply the measures, in order, to a spec or an exec process file. */
#ifndef HS_HARDEN_H
#define HS_HARDEN_H

#include "error.h"
#include "journal.h"
#include "json.h"
#include "policy.h"

/* spec: a whole config.json (process_file false) or a process file.
 * *ret_changed: spec must be written back (always in enforce mode; in
 * audit mode only measures that apply something anyway change it). */
int hs_harden (hs_json spec, bool process_file, const char *file, const hs_policy *policy, hs_journal *journal,
               bool *ret_changed, hs_error *err);

#endif
