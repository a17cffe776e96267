/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104): the seal (seal.h)
 * needs nothing more, so no crypto library is linked. */
#ifndef HS_SHA256_H
#define HS_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HS_SHA256_LEN 32

typedef struct hs_sha256
{
  uint32_t h[8];
  uint64_t total; /* bytes hashed so far */
  uint8_t block[64];
  size_t used; /* bytes waiting in block */
} hs_sha256;

/* Which compression runs: -1 not chosen yet (the first block chooses),
 * 0 portable C, 1 the x86 SHA extensions (where the processor has them).
 * Tests set 0 to check the portable one on any machine. */
extern int hs_sha256_impl;

void hs_sha256_init (hs_sha256 *s);
void hs_sha256_update (hs_sha256 *s, const void *data, size_t len);
void hs_sha256_final (hs_sha256 *s, uint8_t ret[HS_SHA256_LEN]);

/* HMAC-SHA256 of the n pieces parts[i] (lens[i] bytes each), concatenated. */
void hs_hmac_sha256 (const uint8_t *key, size_t key_len, const void *const *parts, const size_t *lens, size_t n,
                     uint8_t ret[HS_SHA256_LEN]);

#endif
