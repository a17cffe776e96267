/* SPDX-License-Identifier: Apache-2.0 */
/* The seal: how hardshim recognises a spec it wrote itself.
 *
 * A spec hardshim hardened holds values that only make sense as its own
 * output: root.path at the rootfs bridge with the rootfs it bridges in an
 * annotation, mounts of device nodes it creates from names under its
 * device directory.  Its author could write the same values, so hardshim
 * acts on them only in a spec that carries a valid seal: annotation
 * HS_SEAL_ANNOTATION holds HMAC-SHA256, under a root-only key
 * (HS_SEAL_KEY, created on first use), of the real path of the spec file
 * and the spec's bytes as hardshim writes them (with the seal's own value
 * blanked).  A copied, edited or moved spec does not verify. */
#ifndef HS_SEAL_H
#define HS_SEAL_H

#include "base/error.h"
#include "spec/json.h"
#include "spec/sha256.h"

#include <stdbool.h>
#include <stdint.h>

#define HS_SEAL_ANNOTATION "io.hardshim.seal"
#define HS_SEAL_KEY_LEN 32

/* The seal of spec, saved at file_path, under key: 64 hex digits into ret. */
int hs_seal_compute (hs_json spec, const char *file_path, const uint8_t key[HS_SEAL_KEY_LEN], char ret[65],
                     hs_error *err);
/* Set spec's seal. */
int hs_seal_sign (hs_json spec, const char *file_path, const uint8_t key[HS_SEAL_KEY_LEN], hs_error *err);
/* Set spec's seal, and with ret_text (not NULL) give spec's indented text
 * as hs_json_generate writes it now, sealed: serialised and hashed once. */
int hs_seal_sign_text (hs_json spec, const char *file_path, const uint8_t key[HS_SEAL_KEY_LEN], char **ret_text,
                       size_t *ret_len, hs_error *err);
/* spec carries a valid seal for file_path. */
bool hs_seal_verify (hs_json spec, const char *file_path, const uint8_t key[HS_SEAL_KEY_LEN]);

/* Read the key at path (root-owned, mode 0600, HS_SEAL_KEY_LEN bytes, in
 * directories only root can change: trust.h);
 * with create, make it first when it does not exist.  -ENOENT without
 * create when there is none. */
int hs_seal_key (const char *path, bool create, uint8_t ret[HS_SEAL_KEY_LEN], hs_error *err);

#endif
