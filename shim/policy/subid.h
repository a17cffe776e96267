/* SPDX-License-Identifier: Apache-2.0 */
/* Subordinate id ranges: /etc/subuid and /etc/subgid ("owner:start:count"
 * per line), where the administrator gives hardshim the host ids its user
 * namespaces map to. */
#ifndef HS_SUBID_H
#define HS_SUBID_H

#include "base/error.h"

#include <stdint.h>

/* Container ids 0..HS_USERNS_SIZE-1 are mapped. */
#define HS_USERNS_SIZE 65536u

typedef struct hs_idrange
{
  uint32_t start; /* first host id */
  uint32_t size;
} hs_idrange;

/* In the text of a subid file (named file in messages), owner's first range
 * of at least size ids, cut to size.  Errors: a malformed line, no such
 * range, a range that contains host id 0, and a range of another owner that
 * overlaps the one picked (its ids would be shared). */
int hs_subid_pick (const char *text, const char *file, const char *owner, uint32_t size, hs_idrange *ret,
                   hs_error *err);

#endif
