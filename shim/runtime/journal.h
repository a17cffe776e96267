/* SPDX-License-Identifier: Apache-2.0 */
/* The deviation journal: one JSON object per line for every decision a
 * measure made, so that an operator can tell what hardshim did to a
 * container and why.  Records are collected in memory and appended in one
 * locked write at commit: concurrent hardshims never interleave or lose
 * lines, and a failed write leaves no partial line behind. */
#ifndef HS_JOURNAL_H
#define HS_JOURNAL_H

#include "base/error.h"
#include "spec/json.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct hs_journal
{
  const char *id;
  const char *bundle;
  const char *file; /* the spec file the records are about */
  const char *command;
  bool audit;
  char *buf;
  size_t len, cap;
  size_t count;
  char *refused; /* the "refused" records again, for hs_journal_only_refusals */
  size_t refused_len, refused_cap;
  size_t nrefused;
} hs_journal;

void hs_journal_init (hs_journal *j, const char *id, const char *bundle, const char *file, const char *command,
                      bool audit);
/* action: changed, added, removed, kept, refused, unavailable.  In audit
 * mode a change or a refusal is written as "kept" with "would" naming the
 * action: nothing is enforced in audit mode.
 * before and after are copied (either may be NULL). */
void hs_journal_record (hs_journal *j, const char *measure, const char *path, const char *action, hs_json before,
                        hs_json after);
/* The same with a "note": why, in words, for the operator. */
void hs_journal_record_note (hs_journal *j, const char *measure, const char *path, const char *action, hs_json before,
                             hs_json after, const char *note);
/* The same for a change that is made in audit mode too: its action is kept. */
void hs_journal_record_applied (hs_journal *j, const char *measure, const char *path, const char *action,
                                hs_json before, hs_json after);
/* How long commit waits for the journal's lock before it refuses. */
#define HS_JOURNAL_LOCK_WAIT_MS 5000

/* Append every record to file (creating it and its directory); -errno on
 * failure.  Anything but a regular file (a FIFO, a socket, a device, a
 * symbolic link) is refused without waiting, and so is a journal another
 * process keeps locked for HS_JOURNAL_LOCK_WAIT_MS. */
int hs_journal_commit (hs_journal *j, const char *file, hs_error *err);
void hs_journal_release (hs_journal *j);
#define _cleanup_journal_ _cleanup_ (hs_journal_release)
/* Keep only the records whose action is "refused": what a container that
 * does not start leaves in the journal (the detect measure's refusals are
 * journaled in enforce mode too). */
void hs_journal_only_refusals (hs_journal *j);

#endif
