/* SPDX-License-Identifier: Apache-2.0 */
/* JSON keys as runc reads them.  runc decodes config.json and process files
 * with Go's encoding/json, which matches an object's keys to the spec's
 * field names without regard to case (`User` is `user`; `ſ` is `s` and
 * `K` (Kelvin sign) is `k`), and merges two keys that match the same field.
 * hardshim reads keys exactly, so `{"user":{"uid":1000},"User":{"uid":0}}`
 * or a lone `"Args"` would mean one thing to hardshim and another to runc.
 * Such specs are refused: a key that is a runtime-spec field name in
 * another case, and two keys of one object that are the same to Go.  The
 * keys of maps (annotations, sysctl, unified, rdma, netDevices,
 * timeOffsets) are matched exactly by Go and are only checked for the
 * latter. */
#ifndef HS_SPEC_KEYS_H
#define HS_SPEC_KEYS_H

#include "base/error.h"
#include "spec/json.h"

/* -EINVAL naming the key and its JSON pointer; file names the spec. */
int hs_spec_keys_check (hs_json tree, const char *file, hs_error *err);

#endif
