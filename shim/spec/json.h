/* SPDX-License-Identifier: Apache-2.0 */
/* JSON trees: every yajl call of hardshim lives in json.c, and no other
 * file sees yajl's structs: an hs_json is opaque, read through the
 * accessors and the two iteration macros below.
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

#define HS_JSON_MAX_BYTES (8u * 1024u * 1024u)
#define HS_JSON_MAX_DEPTH 64
/* Elements and members in all: a docker spec has about a thousand; 8 MiB
 * of annotations are 700,000 (tests/unit/test_spec.c, test_many_keys). */
#define HS_JSON_MAX_MEMBERS (1024u * 1024u)

struct yajl_val_s;
typedef struct yajl_val_s *hs_json;

/* The kinds of value; HS_JSON_MISSING is a NULL hs_json (no such key). */
typedef enum hs_json_type
{
  HS_JSON_MISSING = 0,
  HS_JSON_STRING,
  HS_JSON_NUMBER,
  HS_JSON_OBJECT,
  HS_JSON_ARRAY,
  HS_JSON_BOOL,
  HS_JSON_NULL,
} hs_json_type;

void hs_json_free (hs_json v);
void hs_json_freep (hs_json *v);
#define _cleanup_json_ _cleanup_ (hs_json_freep)

int hs_json_parse (const char *text, size_t len, hs_json *ret, hs_error *err);
/* hs_json_parse of text whose byte text[len] is a NUL (as hs_file_read_*
 * leave it), parsed in place: no copy. */
int hs_json_parse_terminated (const char *text, size_t len, hs_json *ret, hs_error *err);
/* Replace, in every string and key of v, each byte that starts no valid
 * UTF-8 sequence by U+FFFD (as Go's encoding/json reads it): for what
 * hardshim writes from outside a parsed tree (argv, file names, errors)
 * into its journal and logs, which must stay valid UTF-8. */
void hs_json_make_utf8 (hs_json v);
/* Every string and key of v is valid UTF-8 (hs_json_make_utf8 would change nothing). */
bool hs_json_is_utf8 (hs_json v);
/* Serialise v; pretty adds newlines and indentation. ret is NUL-terminated. */
int hs_json_generate (hs_json v, bool pretty, char **ret, size_t *ret_len, hs_error *err);
/* hs_json_generate, and where the string mark (a node inside v) was
 * written: *ret_mark_at is the offset of its first byte in *ret, or
 * SIZE_MAX when mark is not in v or was written with escapes. */
int hs_json_generate_marked (hs_json v, bool pretty, hs_json mark, char **ret, size_t *ret_len, size_t *ret_mark_at,
                             hs_error *err);

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
/* The same for a kind ("an object", "a boolean"). */
const char *hs_json_kind_name (hs_json_type type);

/* Reading a value.  Every accessor accepts NULL (a missing value) and a
 * value of another kind than it reads: it then answers false, NULL or 0,
 * so a hostile spec's wrong types read as absent, never as a crash. */
hs_json_type hs_json_type_of (hs_json v);
bool hs_json_is_string (hs_json v);
bool hs_json_is_number (hs_json v);
bool hs_json_is_object (hs_json v);
bool hs_json_is_array (hs_json v);
bool hs_json_is_bool (hs_json v);
bool hs_json_is_true (hs_json v);
bool hs_json_is_false (hs_json v);
bool hs_json_is_null (hs_json v);
/* The string, or NULL when v is no string. */
const char *hs_json_string (hs_json v);
/* A number's text as written (e.g. "-1", "1e3"), or NULL when v is none. */
const char *hs_json_number_text (hs_json v);
/* Elements of an array, members of an object; 0 for anything else. */
size_t hs_json_array_len (hs_json arr);
size_t hs_json_object_len (hs_json obj);
/* Element i, or NULL when arr is no array or i is past its end. */
hs_json hs_json_at (hs_json arr, size_t i);
/* Member i's key and value, or NULL when obj is no object or i is past its end. */
const char *hs_json_key_at (hs_json obj, size_t i);
hs_json hs_json_value_at (hs_json obj, size_t i);
/* Member i into *key and *value; false when there is none. */
bool hs_json_member_at (hs_json obj, size_t i, const char **key, hs_json *value);

/* for each element of arr (nothing when arr is no array):
 *   hs_json e;  hs_json_foreach (arr, i, e) { ... }
 * i is declared by the macro; elem must not be removed inside the loop. */
#define hs_json_foreach(arr, i, elem) for (size_t i = 0; ((elem) = hs_json_at ((arr), i)) != NULL; i++)
/* for each member of obj (nothing when obj is no object):
 *   const char *k; hs_json v;  hs_json_foreach_member (obj, i, k, v) { ... } */
#define hs_json_foreach_member(obj, i, key, value)                                                                     \
  for (size_t i = 0; hs_json_member_at ((obj), i, &(key), &(value)); i++)

hs_json hs_json_new_string (const char *s);
hs_json hs_json_new_string_printf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
hs_json hs_json_new_bool (bool b);
hs_json hs_json_new_uint (uint64_t n);
hs_json hs_json_new_int (int64_t n);
hs_json hs_json_new_null (void);
hs_json hs_json_new_object (void);
hs_json hs_json_new_array (void);
/* An array of the strings of s, in order. */
hs_json hs_json_new_strv (const hs_strv *s);
hs_json hs_json_copy (hs_json v);
/* Put v in place of the value of obj's member key and give back the value
 * it held, unfreed (NULL, and v not placed, when there is no such member):
 * to lend a tree to obj for a while and take it back. */
hs_json hs_json_object_swap (hs_json obj, const char *key, hs_json v);
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
