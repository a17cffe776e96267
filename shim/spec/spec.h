/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing the JSON files the runtime reads: the bundle's
 * config.json and exec's process file.  Reads refuse symlinks, non-regular
 * files and oversized files; writes are atomic (temp file in the same
 * directory, fsync, rename) and keep the original mode and owner. */
#ifndef HS_SPEC_H
#define HS_SPEC_H

#include "spec/json.h"

#include <sys/stat.h>

typedef struct hs_spec_file
{
  char *path; /* as shown in messages */
  char *name; /* file name inside dirfd */
  int dirfd;
  struct stat st;
  hs_json tree;
} hs_spec_file;

/* Load DIR/NAME; NAME may itself contain a directory part. */
int hs_spec_load (const char *dir, const char *name, hs_spec_file *ret, hs_error *err);
/* Load what the open descriptor fd holds (hs_file_read_fd: a regular file
 * or a pipe), shown as path; the result has no directory (dirfd -1) and
 * cannot be saved. */
int hs_spec_load_fd (int fd, const char *path, hs_spec_file *ret, hs_error *err);
int hs_spec_save (hs_spec_file *f, hs_error *err);
/* hs_spec_save with f's tree already serialised, indented (pretty: its
 * text as hs_json_generate writes it, which this takes and frees). */
int hs_spec_save_text (hs_spec_file *f, char *pretty, size_t pretty_len, hs_error *err);
/* Frees f and leaves it empty (dirfd -1).  A zeroed f is empty too: dirfd
 * is f's own only with a name (hs_spec_load), so fd 0 is never closed. */
void hs_spec_release (hs_spec_file *f);
#define _cleanup_spec_file_ _cleanup_ (hs_spec_release)

/* Mount m is a bind mount (type "bind", or option bind or rbind), as the
 * runtime reads it; *ret_recursive for rbind. */
bool hs_spec_mount_is_bind (hs_json m, bool *ret_recursive);

/* The real path of f (its directory resolved), which its seal names (seal.h). */
char *hs_spec_real_path (const hs_spec_file *f);

#endif
