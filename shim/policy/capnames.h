/* SPDX-License-Identifier: Apache-2.0 */
/* Capability names as the OCI spec writes them ("CAP_NET_RAW"), checked
 * against libcap-ng's table. */
#ifndef HS_CAPNAMES_H
#define HS_CAPNAMES_H

#include "base/error.h"

/* "net_raw", "NET_RAW" or "CAP_NET_RAW" → "CAP_NET_RAW"; -EINVAL for a name
 * libcap-ng does not know. */
int hs_capname_normalize (const char *name, char **ret, hs_error *err);

#endif
