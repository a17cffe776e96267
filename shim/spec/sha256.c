/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "spec/sha256.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define _HAVE_SHA_NI 1
#endif

static const uint32_t _k[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t
_ror32 (uint32_t x, unsigned n)
{
  return (x >> n) | (x << (32 - n));
}

/* One 64-byte block into h.  The eight working variables are rotated by
 * naming, eight rounds per loop step, rather than moved: this runs once per
 * 64 bytes of every spec hardshim seals. */
#define _S0(x) (_ror32 ((x), 2) ^ _ror32 ((x), 13) ^ _ror32 ((x), 22))
#define _S1(x) (_ror32 ((x), 6) ^ _ror32 ((x), 11) ^ _ror32 ((x), 25))
#define _ROUND(a, b, c, d, e, f, g, h, i)                                                                              \
  do                                                                                                                   \
    {                                                                                                                  \
      uint32_t t1 = (h) + _S1 (e) + (((e) & (f)) ^ (~(e) & (g))) + _k[i] + w[i];                                       \
      uint32_t t2 = _S0 (a) + (((a) & (b)) ^ ((a) & (c)) ^ ((b) & (c)));                                               \
      (d) += t1;                                                                                                       \
      (h) = t1 + t2;                                                                                                   \
    }                                                                                                                  \
  while (0)

static void
_compress (uint32_t h[8], const uint8_t p[64])
{
  uint32_t w[64];
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];

  for (unsigned i = 0; i < 16; i++)
    w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
  for (unsigned i = 16; i < 64; i++)
    {
      uint32_t s0 = _ror32 (w[i - 15], 7) ^ _ror32 (w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = _ror32 (w[i - 2], 17) ^ _ror32 (w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
  for (unsigned i = 0; i < 64; i += 8)
    {
      _ROUND (a, b, c, d, e, f, g, hh, i);
      _ROUND (hh, a, b, c, d, e, f, g, i + 1);
      _ROUND (g, hh, a, b, c, d, e, f, i + 2);
      _ROUND (f, g, hh, a, b, c, d, e, i + 3);
      _ROUND (e, f, g, hh, a, b, c, d, i + 4);
      _ROUND (d, e, f, g, hh, a, b, c, i + 5);
      _ROUND (c, d, e, f, g, hh, a, b, i + 6);
      _ROUND (b, c, d, e, f, g, hh, a, i + 7);
    }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

#ifdef _HAVE_SHA_NI
/* nblocks blocks into h with the x86 SHA extensions (the AMD and Intel
 * processors of the last years): about eight times the speed of _compress.
 * The state is held as the instructions want it, in two vectors ABEF and
 * CDGH (A in the highest lane); each message vector holds four words, the
 * first in the lowest lane. */
__attribute__ ((target ("sha,sse4.1,ssse3"))) static void
_compress_ni (uint32_t h[8], const uint8_t *p, size_t nblocks)
{
  const __m128i swap = _mm_setr_epi8 (3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12); /* big-endian words */
  __m128i abef = _mm_set_epi32 ((int) h[0], (int) h[1], (int) h[4], (int) h[5]);
  __m128i cdgh = _mm_set_epi32 ((int) h[2], (int) h[3], (int) h[6], (int) h[7]);
  uint32_t out[4];

  for (; nblocks > 0; nblocks--, p += 64)
    {
      __m128i abef0 = abef, cdgh0 = cdgh, w[4];

      for (unsigned g = 0; g < 4; g++)
        w[g] = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *) (p + 16 * g)), swap);
      for (unsigned g = 0; g < 16; g++) /* rounds 4g .. 4g+3, with words w[g % 4] */
        {
          __m128i wk = _mm_add_epi32 (w[g % 4], _mm_loadu_si128 ((const __m128i *) &_k[4 * g]));
          cdgh = _mm_sha256rnds2_epu32 (cdgh, abef, wk); /* two rounds: the new ABEF */
          abef = _mm_sha256rnds2_epu32 (abef, cdgh, _mm_shuffle_epi32 (wk, 0x0e));
          if (g < 12)
            {
              /* words 4(g+4) .. 4(g+4)+3 from the four groups before them */
              __m128i t = _mm_sha256msg1_epu32 (w[g % 4], w[(g + 1) % 4]);
              t = _mm_add_epi32 (t, _mm_alignr_epi8 (w[(g + 3) % 4], w[(g + 2) % 4], 4));
              w[g % 4] = _mm_sha256msg2_epu32 (t, w[(g + 3) % 4]);
            }
        }
      abef = _mm_add_epi32 (abef, abef0);
      cdgh = _mm_add_epi32 (cdgh, cdgh0);
    }
  _mm_storeu_si128 ((__m128i *) out, abef);
  h[0] = out[3], h[1] = out[2], h[4] = out[1], h[5] = out[0];
  _mm_storeu_si128 ((__m128i *) out, cdgh);
  h[2] = out[3], h[3] = out[2], h[6] = out[1], h[7] = out[0];
}

static bool
_cpu_has_sha_ni (void)
{
  unsigned a, b, c, d;

  if (!__get_cpuid (1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
    return false;
  return __get_cpuid_count (7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

int hs_sha256_impl = -1;

static void
_compress_blocks (uint32_t h[8], const uint8_t *p, size_t nblocks)
{
#ifdef _HAVE_SHA_NI
  if (hs_sha256_impl < 0)
    hs_sha256_impl = _cpu_has_sha_ni () ? 1 : 0;
  if (hs_sha256_impl == 1)
    {
      _compress_ni (h, p, nblocks);
      return;
    }
#endif
  for (; nblocks > 0; nblocks--, p += 64)
    _compress (h, p);
}

void
hs_sha256_init (hs_sha256 *s)
{
  static const uint32_t iv[8]
      = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

  memset (s, 0, sizeof *s);
  memcpy (s->h, iv, sizeof iv);
}

void
hs_sha256_update (hs_sha256 *s, const void *data, size_t len)
{
  const uint8_t *p = data;

  s->total += len;
  if (s->used > 0) /* first fill the waiting block */
    {
      size_t take = sizeof s->block - s->used < len ? sizeof s->block - s->used : len;
      memcpy (s->block + s->used, p, take);
      s->used += take;
      p += take;
      len -= take;
      if (s->used < sizeof s->block)
        return;
      _compress_blocks (s->h, s->block, 1);
      s->used = 0;
    }
  _compress_blocks (s->h, p, len / sizeof s->block); /* whole blocks in place */
  p += len - len % sizeof s->block;
  len %= sizeof s->block;
  memcpy (s->block, p, len);
  s->used = len;
}

void
hs_sha256_final (hs_sha256 *s, uint8_t ret[HS_SHA256_LEN])
{
  uint64_t bits = s->total * 8;
  uint8_t pad = 0x80, zero = 0, len[8];

  hs_sha256_update (s, &pad, 1);
  while (s->used != 56)
    hs_sha256_update (s, &zero, 1);
  for (unsigned i = 0; i < 8; i++)
    len[i] = (uint8_t) (bits >> (56 - 8 * i));
  hs_sha256_update (s, len, sizeof len);
  for (unsigned i = 0; i < 8; i++)
    for (unsigned j = 0; j < 4; j++)
      ret[4 * i + j] = (uint8_t) (s->h[i] >> (24 - 8 * j));
}

void
hs_hmac_sha256 (const uint8_t *key, size_t key_len, const void *const *parts, const size_t *lens, size_t n,
                uint8_t ret[HS_SHA256_LEN])
{
  uint8_t k[64] = { 0 }, pad[64], inner[HS_SHA256_LEN];
  hs_sha256 s;

  if (key_len > sizeof k)
    {
      hs_sha256_init (&s);
      hs_sha256_update (&s, key, key_len);
      hs_sha256_final (&s, k);
    }
  else
    memcpy (k, key, key_len);

  for (unsigned i = 0; i < sizeof pad; i++)
    pad[i] = k[i] ^ 0x36;
  hs_sha256_init (&s);
  hs_sha256_update (&s, pad, sizeof pad);
  for (size_t i = 0; i < n; i++)
    hs_sha256_update (&s, parts[i], lens[i]);
  hs_sha256_final (&s, inner);

  for (unsigned i = 0; i < sizeof pad; i++)
    pad[i] = k[i] ^ 0x5c;
  hs_sha256_init (&s);
  hs_sha256_update (&s, pad, sizeof pad);
  hs_sha256_update (&s, inner, sizeof inner);
  hs_sha256_final (&s, ret);
}
