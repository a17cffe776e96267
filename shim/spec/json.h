/* SPDX-License-Identifier: Apache-2.0 */
/* JSON trees: every yajl call of hardshim lives in json.c.
 *
 * Trees are yajl_tree values.  Parsing caps size and nesting depth, rejects
 * duplicate object keys (the runtime and hardshim must never disagree about
 * which value counts), `\u0000` (the tree keeps C strings: it would cut the
 * string there) and a `\u` surrogate that is not half of a pair, and keeps
 * the text of every number, so that a spec survives a round trip with
 * nothing lost but insignificant white space. */
#ifndef HS_JSON_H
#define HS_JSON_H

#include "base/error.h"
#include "base/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#define HS_JSON_MAX_BYTES (8u * 1024u * 1024u)
#define HS_JSON_MAX_DEPTH 64

typedef yajl_val hs_json;

void hs_json_free (hs_json v);
void hs_json_freep (hs_json *v);
#define _cleanup_json_ _cleanup_ (hs_json_freep)

int hs_json_parse (const char *text, size_t len, hs_json *ret, hs_error *err);
/* Replace, in every string and key of v, each byte that starts no valid
 * UTF-8 sequence by U+FFFD (as Go's encoding/json reads it): for what
 * hardshim writes from outside a parsed tree (argv, file names, errors)
 * into its journal and logs, which must stay valid UTF-8. */
void hs_json_make_utf8 (hs_json v);
/* Serialise v; pretty adds newlines and indentation. ret is NUL-terminated. */
int hs_json_generate (hs_json v, bool pretty, char **ret, size_t *ret_len, hs_error *err);

/* Lookups: NULL when obj is not an object or has no such key. */
hs_json hs_json_get (hs_json obj, const char *key);
/* Integer value of a number written as a whole number in [0, max];
 * -EINVAL when it is not one, -ERANGE when it exceeds max. */
int hs_json_get_uint (hs_json v, uint64_t max, uint64_t *ret);
/* The same for a whole number that may be negative, within [min, max]
 * (min <= 0 <= max): -EINVAL when v is no such number, -ERANGE when out
 * of range. */
int hs_json_get_int (hs_json v, int64_t min, int64_t max, int64_t *ret);
/* A human-readable name of v's type, for error messages. */
const char *hs_json_type_name (hs_json v);

hs_json hs_json_new_string (const char *s);
hs_json hs_json_new_string_printf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
hs_json hs_json_new_bool (bool b);
hs_json hs_json_new_uint (uint64_t n);
hs_json hs_json_new_int (int64_t n);
hs_json hs_json_new_null (void);
hs_json hs_json_new_object (void);
hs_json hs_json_new_array (void);
hs_json hs_json_copy (hs_json v);
/* The first argument takes ownership of v. Setting replaces (and frees) the old value. */
void hs_json_object_set (hs_json obj, const char *key, hs_json v);
void hs_json_array_append (hs_json arr, hs_json v);
/* Insert v before element i (i == len appends). */
void hs_json_array_insert (hs_json arr, size_t i, hs_json v);
/* Remove and free element i. */
void hs_json_array_remove (hs_json arr, size_t i);
/* Remove and free obj[key], if there is one. */
void hs_json_object_remove (hs_json obj, const char *key);
bool hs_json_array_has_string (hs_json arr, const char *s);

#endif
