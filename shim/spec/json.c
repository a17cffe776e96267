/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "spec/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

void
hs_json_free (hs_json v)
{
  if (v != NULL)
    yajl_tree_free (v);
}

void
hs_json_freep (hs_json *v)
{
  hs_json_free (*v);
}

/* The length of the UTF-8 sequence at s (len > 0 bytes left), or 0 when
 * it is not strict UTF-8 (RFC 3629): no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
static size_t
_utf8_sequence (const unsigned char *s, size_t len)
{
  unsigned char c = s[0];
  size_t n;
  uint32_t cp, min;

  if (c < 0x80)
    return 1;
  if ((c & 0xe0) == 0xc0)
    n = 1, cp = c & 0x1f, min = 0x80;
  else if ((c & 0xf0) == 0xe0)
    n = 2, cp = c & 0x0f, min = 0x800;
  else if ((c & 0xf8) == 0xf0)
    n = 3, cp = c & 0x07, min = 0x10000;
  else
    return 0;
  for (size_t k = 1; k <= n; k++)
    {
      if (k >= len || (s[k] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[k] & 0x3f);
    }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n + 1;
}

/* yajl checks only the shape of the bytes, and the runtime may read a
 * malformed string differently from hardshim. */
static int
_check_utf8 (const unsigned char *s, size_t len, hs_error *err)
{
  for (size_t i = 0, n; i < len; i += n)
    {
      uint64_t eight;
      if (len - i >= 8 && (memcpy (&eight, s + i, 8), (eight & 0x8080808080808080ull) == 0))
        {
          n = 8; /* eight ASCII bytes */
          continue;
        }
      n = _utf8_sequence (s + i, len - i);
      if (n == 0)
        return hs_error_set (err, EINVAL, "invalid JSON: invalid UTF-8 at byte %zu", i);
    }
  return 0;
}

/* s with each byte that starts no UTF-8 sequence replaced by U+FFFD (as Go
 * reads it), or NULL when s is valid UTF-8. */
static char *
_utf8_replaced (const char *s)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t len = strlen (s), bad = 0, n;
  char *out, *o;

  for (size_t i = 0; i < len; i += n ? n : 1)
    if ((n = _utf8_sequence (u + i, len - i)) == 0)
      bad++;
  if (bad == 0)
    return NULL;
  o = out = xmalloc (len + 2 * bad + 1);
  for (size_t i = 0; i < len; i += n ? n : 1)
    {
      n = _utf8_sequence (u + i, len - i);
      if (n == 0)
        memcpy (o, "\xef\xbf\xbd", 3), o += 3;
      else
        memcpy (o, s + i, n), o += n;
    }
  *o = '\0';
  return out;
}

void
hs_json_make_utf8 (hs_json v)
{
  char *fixed;

  if (YAJL_IS_STRING (v) && (fixed = _utf8_replaced (v->u.string)) != NULL)
    {
      free (v->u.string);
      v->u.string = fixed;
    }
  for (size_t i = 0; YAJL_IS_OBJECT (v) && i < v->u.object.len; i++)
    {
      if ((fixed = _utf8_replaced (v->u.object.keys[i])) != NULL)
        {
          free ((char *) v->u.object.keys[i]);
          v->u.object.keys[i] = fixed;
        }
      hs_json_make_utf8 (v->u.object.values[i]);
    }
  for (size_t i = 0; YAJL_IS_ARRAY (v) && i < v->u.array.len; i++)
    hs_json_make_utf8 (v->u.array.values[i]);
}

bool
hs_json_is_utf8 (hs_json v)
{
  _cleanup_free_ char *fixed = NULL;

  if (YAJL_IS_STRING (v))
    return (fixed = _utf8_replaced (v->u.string)) == NULL;
  for (size_t i = 0; YAJL_IS_OBJECT (v) && i < v->u.object.len; i++)
    if ((fixed = _utf8_replaced (v->u.object.keys[i])) != NULL || !hs_json_is_utf8 (v->u.object.values[i]))
      return false;
  for (size_t i = 0; YAJL_IS_ARRAY (v) && i < v->u.array.len; i++)
    if (!hs_json_is_utf8 (v->u.array.values[i]))
      return false;
  return true;
}

/* The code unit of the \u escape at s (its 4 hex digits), or -1 when they
 * are not 4 hex digits (yajl refuses those). */
static long
_escape_unit (const char *s, size_t left)
{
  long u = 0;

  if (left < 4)
    return -1;
  for (size_t k = 0; k < 4; k++)
    {
      char c = s[k];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0)
        return -1;
      u = u * 16 + d;
    }
  return u;
}

static int
_lone_surrogate (long u, size_t at, hs_error *err)
{
  return hs_error_set (err, EINVAL, "invalid JSON: `\\u%04lx` at byte %zu is half of a UTF-16 surrogate pair: refused",
                       (unsigned long) u, at);
}

/* A \u escape at text[i] (the `u`): \u0000 is refused, since yajl's tree
 * keeps C strings and would cut the string there (`"cw\u0000d"` written back
 * as `"cw"`), and so is a surrogate that is not half of a pair, which yajl
 * turns into `?` or an invalid byte sequence where Go reads U+FFFD.
 * *i is moved to the last byte of the escape. */
static int
_check_escape (const char *text, size_t len, size_t *i, hs_error *err)
{
  size_t at = *i - 1; /* the backslash */
  long u = _escape_unit (text + *i + 1, len - *i - 1), low;

  if (u < 0)
    return 0;
  *i += 4;
  if (u == 0)
    return hs_error_set (err, EINVAL, "invalid JSON: `\\u0000` (NUL) in a string or key at byte %zu: refused", at);
  if (u >= 0xdc00 && u <= 0xdfff)
    return _lone_surrogate (u, at, err);
  if (u < 0xd800 || u > 0xdbff)
    return 0;
  low = *i + 2 < len && text[*i + 1] == '\\' && text[*i + 2] == 'u' ? _escape_unit (text + *i + 3, len - *i - 3) : -1;
  if (low < 0xdc00 || low > 0xdfff)
    return _lone_surrogate (u, at, err);
  *i += 6;
  return 0;
}

/* Before yajl builds a tree (text is NUL-terminated): the nesting depth, so that neither yajl nor
 * our recursive walkers meet a hostile depth; the number of elements and
 * members (each an allocation of its own in the tree: 8 MiB of `[0,0,...`
 * would be 4 million of them, over a gigabyte with the copies the journal
 * makes); no comments; no \u escape
 * that yajl's tree cannot keep as it reads (_check_escape). */
static int
_check_text (const char *text, size_t len, hs_error *err)
{
  bool in_string = false, escaped = false;
  int depth = 0;
  size_t members = 0; /* an upper bound: every container and every comma */

  for (size_t i = 0; i < len; i++)
    {
      char c = text[i];
      if (in_string && !escaped && c != '\\' && c != '"')
        {
          i += strcspn (text + i, "\"\\"); /* to the string's next quote or backslash (text ends in a NUL) */
          if (i >= len)
            break;
          c = text[i];
        }
      if (in_string)
        {
          int r = 0;
          if (escaped)
            {
              escaped = false;
              if (c == 'u')
                r = _check_escape (text, len, &i, err);
            }
          else if (c == '\\')
            escaped = true;
          else if (c == '"')
            in_string = false;
          if (r < 0)
            return r;
          continue;
        }
      if (c == '"')
        in_string = true;
      else if (c == '/')
        return hs_error_set (err, EINVAL, "invalid JSON: comments are not allowed");
      else if (c == '{' || c == '[')
        {
          if (++depth > HS_JSON_MAX_DEPTH)
            return hs_error_set (err, EINVAL, "nesting deeper than %d levels", HS_JSON_MAX_DEPTH);
        }
      if ((c == '{' || c == '[' || c == ',') && ++members > HS_JSON_MAX_MEMBERS)
        return hs_error_set (err, EFBIG, "more than %u array elements and object members", HS_JSON_MAX_MEMBERS);
      else if (c == '}' || c == ']')
        depth--;
    }
  return 0;
}

static int
_cmp_keys (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static int
_check_duplicates (hs_json v, hs_error *err)
{
  if (YAJL_IS_ARRAY (v))
    {
      for (size_t i = 0; i < v->u.array.len; i++)
        {
          int r = _check_duplicates (v->u.array.values[i], err);
          if (r < 0)
            return r;
        }
      return 0;
    }
  if (!YAJL_IS_OBJECT (v) || v->u.object.len == 0)
    return 0;

  size_t n = v->u.object.len;
  _cleanup_free_ const char **keys = xmalloc (n * sizeof *keys);
  memcpy (keys, v->u.object.keys, n * sizeof *keys);
  qsort (keys, n, sizeof *keys, _cmp_keys);
  for (size_t i = 1; i < n; i++)
    if (strcmp (keys[i - 1], keys[i]) == 0)
      return hs_error_set (err, EINVAL, "duplicate key `%s`", keys[i]);
  for (size_t i = 0; i < n; i++)
    {
      int r = _check_duplicates (v->u.object.values[i], err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* text, len bytes, with text[len] a NUL (yajl_tree_parse reads a C
 * string, and _check_text's scans stop at it). */
static int
_parse_terminated (const char *text, size_t len, hs_json *ret, hs_error *err)
{
  char errbuf[256] = "";
  _cleanup_json_ hs_json tree = NULL;
  int r;

  if (len > HS_JSON_MAX_BYTES)
    return hs_error_set (err, EFBIG, "larger than %u bytes", HS_JSON_MAX_BYTES);
  if (strlen (text) != len)
    return hs_error_set (err, EINVAL, "invalid JSON: NUL byte");
  r = _check_utf8 ((const unsigned char *) text, len, err);
  if (r == 0)
    r = _check_text (text, len, err);
  if (r < 0)
    return r;

  tree = yajl_tree_parse (text, errbuf, sizeof errbuf);
  if (tree == NULL)
    {
      /* yajl's message spans lines; keep the first one. */
      errbuf[strcspn (errbuf, "\n")] = '\0';
      return hs_error_set (err, EINVAL, "invalid JSON: %s", errbuf[0] ? errbuf : "parse error");
    }
  r = _check_duplicates (tree, err);
  if (r < 0)
    return r;
  *ret = TAKE_PTR (tree);
  return 0;
}

int
hs_json_parse (const char *text, size_t len, hs_json *ret, hs_error *err)
{
  _cleanup_free_ char *copy = NULL;

  if (len > HS_JSON_MAX_BYTES) /* before the copy */
    return hs_error_set (err, EFBIG, "larger than %u bytes", HS_JSON_MAX_BYTES);
  if (memchr (text, '\0', len) != NULL)
    return hs_error_set (err, EINVAL, "invalid JSON: NUL byte");
  copy = xstrndup (text, len);
  return _parse_terminated (copy, len, ret, err);
}

int
hs_json_parse_terminated (const char *text, size_t len, hs_json *ret, hs_error *err)
{
  if (text[len] != '\0')
    return hs_error_set (err, EINVAL, "internal error: JSON text without its NUL");
  return _parse_terminated (text, len, ret, err);
}

/* The generator's output, in a buffer of ours (yajl's own would be copied
 * once more at the end), and where the marked string went. */
typedef struct _out
{
  char *buf;
  size_t len, cap;
  hs_json mark;   /* a string whose place is wanted, or NULL */
  size_t mark_at; /* the offset of its first byte in buf, or SIZE_MAX */
} _out;

static void
_print (void *ctx, const char *s, size_t n)
{
  _out *o = ctx;

  if (o->len + n + 1 > o->cap)
    {
      size_t cap = o->cap > 0 ? o->cap : 4096;
      while (o->len + n + 1 > cap)
        cap *= 2;
      o->buf = xrealloc (o->buf, cap);
      o->cap = cap;
    }
  memcpy (o->buf + o->len, s, n);
  o->len += n;
  o->buf[o->len] = '\0';
}

static yajl_gen_status
_gen (yajl_gen g, _out *o, hs_json v)
{
  yajl_gen_status s;

  switch (v->type)
    {
    case yajl_t_string:
      {
        size_t n = strlen (v->u.string);
        s = yajl_gen_string (g, (const unsigned char *) v->u.string, n);
        /* Written as it is (no escape): the string's bytes end just
         * before the closing quote. */
        if (s == yajl_gen_status_ok && v == o->mark && o->len >= n + 2 && o->buf[o->len - 1] == '"'
            && o->buf[o->len - n - 2] == '"' && memcmp (o->buf + o->len - n - 1, v->u.string, n) == 0)
          o->mark_at = o->len - n - 1;
        return s;
      }
    case yajl_t_number:
      return yajl_gen_number (g, v->u.number.r, strlen (v->u.number.r));
    case yajl_t_true:
      return yajl_gen_bool (g, 1);
    case yajl_t_false:
      return yajl_gen_bool (g, 0);
    case yajl_t_null:
      return yajl_gen_null (g);
    case yajl_t_object:
      s = yajl_gen_map_open (g);
      for (size_t i = 0; s == yajl_gen_status_ok && i < v->u.object.len; i++)
        {
          const char *k = v->u.object.keys[i];
          s = yajl_gen_string (g, (const unsigned char *) k, strlen (k));
          if (s == yajl_gen_status_ok)
            s = _gen (g, o, v->u.object.values[i]);
        }
      return s == yajl_gen_status_ok ? yajl_gen_map_close (g) : s;
    case yajl_t_array:
      s = yajl_gen_array_open (g);
      for (size_t i = 0; s == yajl_gen_status_ok && i < v->u.array.len; i++)
        s = _gen (g, o, v->u.array.values[i]);
      return s == yajl_gen_status_ok ? yajl_gen_array_close (g) : s;
    default:
      return yajl_gen_invalid_string;
    }
}

int
hs_json_generate_marked (hs_json v, bool pretty, hs_json mark, char **ret, size_t *ret_len, size_t *ret_mark_at,
                         hs_error *err)
{
  _out o = { .mark = mark, .mark_at = SIZE_MAX };
  yajl_gen g = yajl_gen_alloc (NULL);
  yajl_gen_status s;

  if (g == NULL)
    return hs_error_set (err, ENOMEM, "cannot allocate a JSON generator");
  yajl_gen_config (g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (g, yajl_gen_indent_string, "\t");
  yajl_gen_config (g, yajl_gen_validate_utf8, 1); /* no text the runtime would read otherwise */
  yajl_gen_config (g, yajl_gen_print_callback, _print, &o);
  s = _gen (g, &o, v);
  yajl_gen_free (g);
  if (s != yajl_gen_status_ok)
    {
      free (o.buf);
      return hs_error_set (err, EINVAL, "cannot serialise JSON (yajl status %d)", (int) s);
    }
  *ret = o.buf != NULL ? o.buf : xstrdup ("");
  if (ret_len != NULL)
    *ret_len = o.len;
  if (ret_mark_at != NULL)
    *ret_mark_at = o.mark_at;
  return 0;
}

int
hs_json_generate (hs_json v, bool pretty, char **ret, size_t *ret_len, hs_error *err)
{
  return hs_json_generate_marked (v, pretty, NULL, ret, ret_len, NULL, err);
}

/* The first bytes decide most comparisons of an object's keys: the call
 * is made only when they agree (100,000 annotations are searched for
 * every name looked up in them). */
static inline bool
_same_key (const char *a, const char *b)
{
  return a[0] == b[0] && strcmp (a, b) == 0;
}

hs_json
hs_json_get (hs_json obj, const char *key)
{
  if (!YAJL_IS_OBJECT (obj))
    return NULL;
  for (size_t i = 0; i < obj->u.object.len; i++)
    if (_same_key (obj->u.object.keys[i], key))
      return obj->u.object.values[i];
  return NULL;
}

/* The text of a number written as an optional '-' (when neg_ok) and
 * digits only: "65534", not "65534.0" or "6.5534e4"; NULL otherwise. */
static const char *
_whole_number (hs_json v, bool neg_ok)
{
  const char *t = YAJL_IS_NUMBER (v) ? v->u.number.r : NULL;
  size_t skip = t != NULL && neg_ok && t[0] == '-';

  if (t == NULL || t[skip] == '\0' || strspn (t + skip, "0123456789") != strlen (t + skip))
    return NULL;
  return t;
}

int
hs_json_get_uint (hs_json v, uint64_t max, uint64_t *ret)
{
  const char *t = _whole_number (v, false);

  if (t == NULL)
    return -EINVAL;
  return hs_parse_decimal (t, strlen (t), max, ret) < 0 ? -ERANGE : 0;
}

const char *
hs_json_type_name (hs_json v)
{
  return hs_json_kind_name (hs_json_type_of (v));
}

const char *
hs_json_kind_name (hs_json_type type)
{
  switch (type)
    {
    case HS_JSON_STRING:
      return "a string";
    case HS_JSON_NUMBER:
      return "a number";
    case HS_JSON_OBJECT:
      return "an object";
    case HS_JSON_ARRAY:
      return "an array";
    case HS_JSON_BOOL:
      return "a boolean";
    case HS_JSON_NULL:
      return "null";
    case HS_JSON_MISSING:
      return "missing";
    }
  return "unknown";
}

hs_json_type
hs_json_type_of (hs_json v)
{
  if (v == NULL)
    return HS_JSON_MISSING;
  switch (v->type)
    {
    case yajl_t_string:
      return HS_JSON_STRING;
    case yajl_t_number:
      return HS_JSON_NUMBER;
    case yajl_t_object:
      return HS_JSON_OBJECT;
    case yajl_t_array:
      return HS_JSON_ARRAY;
    case yajl_t_true:
    case yajl_t_false:
      return HS_JSON_BOOL;
    case yajl_t_null:
    case yajl_t_any:
      break;
    }
  return HS_JSON_NULL;
}

bool
hs_json_is_string (hs_json v)
{
  return YAJL_IS_STRING (v);
}

bool
hs_json_is_number (hs_json v)
{
  return YAJL_IS_NUMBER (v);
}

bool
hs_json_is_object (hs_json v)
{
  return YAJL_IS_OBJECT (v);
}

bool
hs_json_is_array (hs_json v)
{
  return YAJL_IS_ARRAY (v);
}

bool
hs_json_is_bool (hs_json v)
{
  return YAJL_IS_TRUE (v) || YAJL_IS_FALSE (v);
}

bool
hs_json_is_true (hs_json v)
{
  return YAJL_IS_TRUE (v);
}

bool
hs_json_is_false (hs_json v)
{
  return YAJL_IS_FALSE (v);
}

bool
hs_json_is_null (hs_json v)
{
  return YAJL_IS_NULL (v);
}

const char *
hs_json_string (hs_json v)
{
  return YAJL_IS_STRING (v) ? v->u.string : NULL;
}

const char *
hs_json_number_text (hs_json v)
{
  return YAJL_IS_NUMBER (v) ? v->u.number.r : NULL;
}

size_t
hs_json_array_len (hs_json arr)
{
  return YAJL_IS_ARRAY (arr) ? arr->u.array.len : 0;
}

size_t
hs_json_object_len (hs_json obj)
{
  return YAJL_IS_OBJECT (obj) ? obj->u.object.len : 0;
}

hs_json
hs_json_at (hs_json arr, size_t i)
{
  return i < hs_json_array_len (arr) ? arr->u.array.values[i] : NULL;
}

const char *
hs_json_key_at (hs_json obj, size_t i)
{
  return i < hs_json_object_len (obj) ? obj->u.object.keys[i] : NULL;
}

hs_json
hs_json_value_at (hs_json obj, size_t i)
{
  return i < hs_json_object_len (obj) ? obj->u.object.values[i] : NULL;
}

bool
hs_json_member_at (hs_json obj, size_t i, const char **key, hs_json *value)
{
  if (i >= hs_json_object_len (obj))
    return false;
  *key = obj->u.object.keys[i];
  *value = obj->u.object.values[i];
  return true;
}

static hs_json
_new (yajl_type type)
{
  hs_json v = xcalloc (1, sizeof *v);
  v->type = type;
  return v;
}

hs_json
hs_json_new_string (const char *s)
{
  hs_json v = _new (yajl_t_string);
  v->u.string = xstrdup (s);
  return v;
}

hs_json
hs_json_new_string_printf (const char *fmt, ...)
{
  hs_json v = _new (yajl_t_string);
  va_list ap;

  va_start (ap, fmt);
  if (vasprintf (&v->u.string, fmt, ap) < 0)
    abort ();
  va_end (ap);
  return v;
}

hs_json
hs_json_new_bool (bool b)
{
  return _new (b ? yajl_t_true : yajl_t_false);
}

/* A number of text (owned), with its integer and floating values. */
static hs_json
_new_number (char *text, long long i, double d)
{
  hs_json v = _new (yajl_t_number);
  v->u.number.r = text;
  v->u.number.i = i;
  v->u.number.d = d;
  v->u.number.flags = YAJL_NUMBER_INT_VALID | YAJL_NUMBER_DOUBLE_VALID;
  return v;
}

hs_json
hs_json_new_uint (uint64_t n)
{
  return _new_number (xasprintf ("%" PRIu64, n), (long long) n, (double) n);
}

int
hs_json_get_int (hs_json v, int64_t min, int64_t max, int64_t *ret)
{
  const char *t = _whole_number (v, true);

  if (t == NULL)
    return -EINVAL;
  return hs_parse_int (t, strlen (t), min, max, ret) < 0 ? -ERANGE : 0;
}

hs_json
hs_json_new_int (int64_t n)
{
  return _new_number (xasprintf ("%" PRId64, n), (long long) n, (double) n);
}

hs_json
hs_json_new_null (void)
{
  return _new (yajl_t_null);
}

hs_json
hs_json_new_object (void)
{
  return _new (yajl_t_object);
}

hs_json
hs_json_new_array (void)
{
  return _new (yajl_t_array);
}

hs_json
hs_json_new_strv (const hs_strv *s)
{
  hs_json arr = hs_json_new_array ();

  for (size_t i = 0; i < s->n; i++)
    hs_json_array_append (arr, hs_json_new_string (s->v[i]));
  return arr;
}

hs_json
hs_json_copy (hs_json v)
{
  hs_json c;

  if (v == NULL)
    return NULL;
  c = _new (v->type);
  switch (v->type)
    {
    case yajl_t_string:
      c->u.string = xstrdup (v->u.string);
      break;
    case yajl_t_number:
      c->u.number = v->u.number;
      c->u.number.r = xstrdup (v->u.number.r);
      break;
    case yajl_t_object: /* keys are unique already: no lookups, one allocation */
      c->u.object.keys = xcalloc (v->u.object.len + 1, sizeof (char *));
      c->u.object.values = xcalloc (v->u.object.len + 1, sizeof (hs_json));
      for (size_t i = 0; i < v->u.object.len; i++)
        {
          c->u.object.keys[i] = xstrdup (v->u.object.keys[i]);
          c->u.object.values[i] = hs_json_copy (v->u.object.values[i]);
        }
      c->u.object.len = v->u.object.len;
      break;
    case yajl_t_array:
      c->u.array.values = xcalloc (v->u.array.len + 1, sizeof (hs_json));
      for (size_t i = 0; i < v->u.array.len; i++)
        c->u.array.values[i] = hs_json_copy (v->u.array.values[i]);
      c->u.array.len = v->u.array.len;
      break;
    default:
      break;
    }
  return c;
}

void
hs_json_object_set (hs_json obj, const char *key, hs_json v)
{
  size_t n = obj->u.object.len;

  for (size_t i = 0; i < n; i++)
    if (_same_key (obj->u.object.keys[i], key))
      {
        hs_json_free (obj->u.object.values[i]);
        obj->u.object.values[i] = v;
        return;
      }
  obj->u.object.keys = xrealloc (obj->u.object.keys, (n + 1) * sizeof (char *));
  obj->u.object.values = xrealloc (obj->u.object.values, (n + 1) * sizeof (hs_json));
  obj->u.object.keys[n] = xstrdup (key);
  obj->u.object.values[n] = v;
  obj->u.object.len = n + 1;
}

hs_json
hs_json_object_swap (hs_json obj, const char *key, hs_json v)
{
  for (size_t i = 0; YAJL_IS_OBJECT (obj) && i < obj->u.object.len; i++)
    if (_same_key (obj->u.object.keys[i], key))
      {
        hs_json old = obj->u.object.values[i];
        obj->u.object.values[i] = v;
        return old;
      }
  return NULL;
}

void
hs_json_array_append (hs_json arr, hs_json v)
{
  size_t n = arr->u.array.len;

  arr->u.array.values = xrealloc (arr->u.array.values, (n + 1) * sizeof (hs_json));
  arr->u.array.values[n] = v;
  arr->u.array.len = n + 1;
}

void
hs_json_array_insert (hs_json arr, size_t i, hs_json v)
{
  hs_json_array_append (arr, v);
  memmove (&arr->u.array.values[i + 1], &arr->u.array.values[i], (arr->u.array.len - 1 - i) * sizeof (hs_json));
  arr->u.array.values[i] = v;
}

void
hs_json_array_remove (hs_json arr, size_t i)
{
  hs_json_free (arr->u.array.values[i]);
  memmove (&arr->u.array.values[i], &arr->u.array.values[i + 1], (arr->u.array.len - i - 1) * sizeof (hs_json));
  arr->u.array.len--;
}

void
hs_json_object_remove (hs_json obj, const char *key)
{
  if (!YAJL_IS_OBJECT (obj))
    return;
  for (size_t i = 0; i < obj->u.object.len; i++)
    if (_same_key (obj->u.object.keys[i], key))
      {
        size_t rest = obj->u.object.len - i - 1;
        free ((char *) obj->u.object.keys[i]);
        hs_json_free (obj->u.object.values[i]);
        memmove (&obj->u.object.keys[i], &obj->u.object.keys[i + 1], rest * sizeof (char *));
        memmove (&obj->u.object.values[i], &obj->u.object.values[i + 1], rest * sizeof (hs_json));
        obj->u.object.len--;
        return;
      }
}

bool
hs_json_array_has_string (hs_json arr, const char *s)
{
  if (!YAJL_IS_ARRAY (arr))
    return false;
  for (size_t i = 0; i < arr->u.array.len; i++)
    {
      hs_json e = arr->u.array.values[i];
      if (YAJL_IS_STRING (e) && strcmp (e->u.string, s) == 0)
        return true;
    }
  return false;
}
