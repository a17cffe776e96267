/* SPDX-License-Identifier: Apache-2.0 */
/* hs_json: parsing limits, round trips that lose nothing, and the tree
 * editing helpers.  Everything is freed: this runs under valgrind. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "spec/json.h"
#include "base/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hs_json
_parse (const char *text)
{
  hs_json v = NULL;
  hs_error err = { 0 };

  if (hs_json_parse (text, strlen (text), &v, &err) < 0)
    fail_msg ("cannot parse test JSON `%s`: %s", text, err.msg);
  assert_null (err.msg);
  return v;
}

static char *
_generate (hs_json v)
{
  char *out = NULL;
  size_t len = 0;
  hs_error err = { 0 };

  assert_int_equal (hs_json_generate (v, false, &out, &len, &err), 0);
  assert_null (err.msg);
  assert_non_null (out);
  assert_int_equal (strlen (out), len);
  return out;
}

static void
_assert_generates (hs_json v, const char *expected)
{
  char *out = _generate (v);
  assert_string_equal (out, expected);
  free (out);
}

/* "[[[...]]]" or {"a":{"a":...}} nested depth levels deep. */
static char *
_nested (int depth, bool objects)
{
  size_t cap = (size_t) depth * 6 + 16, len = 0;
  char *s = xmalloc (cap);

  for (int i = 0; i < depth; i++)
    len += (size_t) snprintf (s + len, cap - len, "%s", objects ? "{\"a\":" : "[");
  len += (size_t) snprintf (s + len, cap - len, "1");
  for (int i = 0; i < depth; i++)
    len += (size_t) snprintf (s + len, cap - len, "%s", objects ? "}" : "]");
  return s;
}

/* ---- round trips ---------------------------------------------------------- */

typedef struct roundtrip_case
{
  const char *name;
  const char *input;
  const char *output; /* compact output; NULL: the same as input */
} roundtrip_case;

static const roundtrip_case _roundtrip_cases[] = {
  { "unknown keys and key order survive",
    "{\"ociVersion\":\"1.0.2\",\"zzz.unknown\":{\"b\":1,\"a\":[true,false,null]},\"process\":{\"args\":[\"sh\"]},"
    "\"annotations\":{}}",
    NULL },
  { "keys are not sorted", "{\"z\":1,\"y\":2,\"x\":{\"c\":3,\"b\":4,\"a\":5}}", NULL },
  { "number text is kept", "[1.0,1e3,1E+3,18446744073709551616,-0,-0.0,0.10,123456789012345678901234567890]", NULL },
  { "numbers as values keep their text", "{\"uid\":1.0,\"big\":18446744073709551616,\"neg\":-0,\"exp\":1e3}", NULL },
  { "insignificant white space goes", " {\n\t\"a\" : [ 1.0 , 2 ] ,\r\n \"b\" : { } }\n", "{\"a\":[1.0,2],\"b\":{}}" },
  { "strings with escapes", "[\"a\\\"b\\\\c\\n\\t\"]", NULL },
  { "unicode escape becomes UTF-8", "[\"\\u00e9\"]", "[\"\xc3\xa9\"]" },
  { "UTF-8 is kept", "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]", NULL },
  { "top-level scalar", "\"x\"", NULL },
  { "empty containers", "[{},[],\"\"]", NULL },
  { "brackets inside strings are not nesting", "{\"[[[\":\"{{{\",\"]]]\":\"}}}\"}", NULL },
};

static void
test_roundtrip (void **state)
{
  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_roundtrip_cases); c++)
    {
      const roundtrip_case *t = &_roundtrip_cases[c];
      const char *expected = t->output ? t->output : t->input;
      hs_json v = NULL, again = NULL;
      hs_error err = { 0 };
      char *out = NULL, *pretty = NULL, *out2 = NULL;

      if (hs_json_parse (t->input, strlen (t->input), &v, &err) < 0)
        {
          CASE_FAIL ("case `%s`: cannot parse: %s\n", t->name, err.msg);
          hs_error_release (&err);
          continue;
        }
      out = _generate (v);
      if (strcmp (out, expected) != 0)
        CASE_FAIL ("case `%s`: generated `%s`, expected `%s`\n", t->name, out, expected);

      /* Pretty output is the same document. */
      assert_int_equal (hs_json_generate (v, true, &pretty, NULL, &err), 0);
      assert_int_equal (hs_json_parse (pretty, strlen (pretty), &again, &err), 0);
      out2 = _generate (again);
      if (strcmp (out2, expected) != 0)
        CASE_FAIL ("case `%s`: pretty output reads back as `%s`, expected `%s`\n", t->name, out2, expected);

      free (out);
      free (out2);
      free (pretty);
      hs_json_free (v);
      hs_json_free (again);
      hs_error_release (&err);
    }
  assert_int_equal (_failures, 0);
}

/* ---- parsing: what is accepted and what is refused ------------------------ */

typedef struct parse_case
{
  const char *name;
  const char *text;
  size_t len;        /* 0: strlen (text) */
  const char *error; /* substring of the message; NULL: must parse */
} parse_case;

#define D64 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
#define C64 "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"

static const parse_case _parse_cases[] = {
  /* duplicate keys */
  { "duplicate key", "{\"a\":1,\"a\":2}", 0, "duplicate key `a`" },
  { "duplicate key, not adjacent", "{\"a\":1,\"b\":2,\"a\":1}", 0, "duplicate key `a`" },
  { "duplicate key nested in an object", "{\"x\":{\"y\":{\"k\":1,\"k\":{}}}}", 0, "duplicate key `k`" },
  { "duplicate key nested in an array", "{\"x\":[1,{\"k\":1,\"k\":2}]}", 0, "duplicate key `k`" },
  { "duplicate key at the top of an array", "[{\"k\":true,\"k\":true}]", 0, "duplicate key `k`" },
  { "same key in sibling objects is fine", "[{\"k\":1},{\"k\":2}]", 0, NULL },
  { "same key at different levels is fine", "{\"k\":{\"k\":{\"k\":1}}}", 0, NULL },

  /* depth */
  { "depth 64 of arrays", D64 C64, 0, NULL },
  { "depth 65 of arrays", "[" D64 C64 "]", 0, "nesting" },
  { "depth 65, unclosed", "[" D64, 0, "nesting" },
  { "depth 64 with brackets in strings", D64 "\"[[[[{{{{\"" C64, 0, NULL },
  { "escaped quote does not end a string", D64 "\"\\\"[[[[\"" C64, 0, NULL },
  { "escaped backslash ends before the quote", "[\"\\\\\"," D64 C64 "]", 0, "nesting" },
  /* yajl_tree_parse accepts comments: they must not hide nesting from the cap. */
  { "quote in a comment does not hide nesting", "[/*\"*/" D64 C64 "]", 0, "" },
  { "brackets in a comment do not hide nesting", "/*]]]]*/[" D64 C64 "]", 0, "" },

  /* bytes */
  { "NUL byte", "{\"a\":\"x\0y\"}", 11, "NUL" },
  { "NUL byte after the document", "{}\0", 3, "NUL" },
  { "invalid UTF-8: 0xff", "[\"\xff\"]", 0, "invalid JSON" },
  { "invalid UTF-8: lone continuation byte", "[\"a\x80\"]", 0, "invalid JSON" },
  { "invalid UTF-8: truncated sequence", "[\"\xc3\"]", 0, "invalid JSON" },
  { "invalid UTF-8 in a key", "{\"\xc3\x28\":1}", 0, "invalid JSON" },
  { "invalid UTF-8: overlong '/'", "[\"\xc0\xaf\"]", 0, "" },
  { "invalid UTF-8: encoded surrogate", "[\"\xed\xa0\x80\"]", 0, "" },
  /* checked eight ASCII bytes at a time: offsets stay exact, sequences across eight-byte steps are whole */
  { "invalid UTF-8 after ASCII runs", "[\"abcdefghijklmnop\xff\"]", 0, "invalid UTF-8 at byte 18" },
  { "invalid UTF-8: a cut sequence after ASCII", "[\"abcdefghijklmn\xc3\"]", 0, "invalid UTF-8 at byte 16" },
  { "UTF-8 across an eight-byte step",
    "[\"abcde\xc3\xa9"
    "ghij\xe2\x82\xac"
    "tail-of-it\"]",
    0, NULL },
  { "invalid UTF-8: above U+10FFFF", "[\"\xf4\x90\x80\x80\"]", 0, "" },

  /* \u escapes yajl's tree cannot keep as they read */
  { "\\u0000 in a string", "{\"a\":\"x\\u0000y\"}", 0, "`\\u0000` (NUL) in a string or key at byte 7" },
  { "\\u0000 in a key", "{\"cw\\u0000d\":1}", 0, "`\\u0000` (NUL)" },
  { "\\u0000 at the end of a string", "[\"\\u0000\"]", 0, "`\\u0000` (NUL)" },
  { "\\u0000 after an escaped backslash", "[\"\\\\\\u0000\"]", 0, "`\\u0000` (NUL)" },
  { "an escaped backslash, then u0000", "[\"\\\\u0000\"]", 0, NULL },
  { "\\u0001 is kept", "[\"\\u0001\"]", 0, NULL },
  { "\\u0100 is kept", "[\"\\u0100\"]", 0, NULL },
  { "a surrogate pair is kept", "[\"\\ud83d\\ude00\"]", 0, NULL },
  { "a lone high surrogate", "[\"\\ud83dx\"]", 0, "`\\ud83d` at byte 2 is half of a UTF-16 surrogate pair" },
  { "a high surrogate at the end", "[\"\\uD83D\"]", 0, "half of a UTF-16 surrogate pair" },
  { "a lone low surrogate", "[\"\\ude00\"]", 0, "`\\ude00` at byte 2 is half of a UTF-16 surrogate pair" },
  { "a high surrogate, then not a low one", "[\"\\ud83d\\u0041\"]", 0, "half of a UTF-16 surrogate pair" },
  { "a high surrogate, then \\u0000", "[\"\\ud83d\\u0000\"]", 0, "half of a UTF-16 surrogate pair" },
  { "two high surrogates", "[\"\\ud83d\\ud83d\"]", 0, "half of a UTF-16 surrogate pair" },
  { "a bad \\u escape is yajl's", "[\"\\u00g0\"]", 0, "invalid JSON: " },
  { "a short \\u escape at the end", "[\"\\u00", 0, "invalid JSON: " },

  /* syntax */
  { "truncated object", "{\"a\":", 0, "invalid JSON: " },
  { "truncated string", "{\"a\":\"xy", 0, "invalid JSON: " },
  { "truncated array", "[1,2", 0, "invalid JSON: " },
  { "empty text", "", 0, "invalid JSON" },
  { "trailing garbage", "{} x", 0, "invalid JSON" },
  { "two documents", "{}{}", 0, "invalid JSON" },
  { "trailing comma", "[1,]", 0, "invalid JSON" },
  { "single quotes", "{'a':1}", 0, "invalid JSON" },
};

static void
test_parse_table (void **state)
{
  _failures = 0;
  /* each case twice: hs_json_parse, and in place from a NUL-terminated
   * buffer of exactly its bytes (hs_json_parse_terminated) */
  for (size_t c = 0; c < 2 * HS_ARRAY_SIZE (_parse_cases); c++)
    {
      const parse_case *t = &_parse_cases[c / 2];
      size_t len = t->len ? t->len : strlen (t->text);
      _cleanup_free_ char *own = xmalloc (len + 1);
      hs_json v = NULL;
      hs_error err = { 0 };
      int r;

      memcpy (own, t->text, len);
      own[len] = '\0';
      r = c % 2 == 0 ? hs_json_parse (t->text, len, &v, &err) : hs_json_parse_terminated (own, len, &v, &err);

      if (t->error == NULL)
        {
          if (r != 0)
            CASE_FAIL ("case `%s`: refused: %s\n", t->name, err.msg ? err.msg : "(no message)");
          else if (v == NULL)
            CASE_FAIL ("case `%s`: no tree\n", t->name);
        }
      else
        {
          if (r >= 0)
            CASE_FAIL ("case `%s`: accepted, expected an error with `%s`\n", t->name, t->error);
          else if (err.msg == NULL || strstr (err.msg, t->error) == NULL)
            CASE_FAIL ("case `%s`: message `%s` does not mention `%s`\n", t->name, err.msg ? err.msg : "(null)",
                       t->error);
          else if (r != -err.code)
            CASE_FAIL ("case `%s`: returned %d but err.code is %d\n", t->name, r, err.code);
          if (r < 0 && v != NULL)
            CASE_FAIL ("case `%s`: a tree was returned on failure\n", t->name);
        }
      hs_json_free (v);
      hs_error_release (&err);
    }
  assert_int_equal (_failures, 0);
}

/* Nesting of objects counts like nesting of arrays. */
static void
test_depth_objects (void **state)
{
  char *ok = _nested (HS_JSON_MAX_DEPTH, true), *deep = _nested (HS_JSON_MAX_DEPTH + 1, true);
  hs_json v = NULL;
  hs_error err = { 0 };

  assert_int_equal (hs_json_parse (ok, strlen (ok), &v, &err), 0);
  hs_json_free (v);
  v = NULL;
  assert_true (hs_json_parse (deep, strlen (deep), &v, &err) < 0);
  assert_null (v);
  assert_non_null (strstr (err.msg, "nesting"));
  hs_error_release (&err);
  free (ok);
  free (deep);
}

/* The size cap: HS_JSON_MAX_BYTES parses, one byte more does not. */
static void
test_max_bytes (void **state)
{
  size_t n = HS_JSON_MAX_BYTES + 1;
  char *text = xmalloc (n + 1);
  hs_json v = NULL;
  hs_error err = { 0 };

  /* A single JSON string of exactly HS_JSON_MAX_BYTES bytes. */
  memset (text, 'a', n);
  text[0] = '"';
  text[HS_JSON_MAX_BYTES - 1] = '"';
  text[HS_JSON_MAX_BYTES] = '\0';
  assert_int_equal (hs_json_parse (text, HS_JSON_MAX_BYTES, &v, &err), 0);
  assert_null (err.msg);
  assert_int_equal (strlen (hs_json_string (v)), HS_JSON_MAX_BYTES - 2);
  hs_json_free (v);
  v = NULL;

  /* One byte more (a trailing space, still valid JSON) is refused. */
  text[HS_JSON_MAX_BYTES] = ' ';
  text[n] = '\0';
  assert_int_equal (hs_json_parse (text, n, &v, &err), -EFBIG);
  assert_null (v);
  assert_non_null (strstr (err.msg, "larger than"));
  hs_error_release (&err);
  free (text);
}

/* The members cap: an array of HS_JSON_MAX_MEMBERS elements parses (the
 * array and its commas count HS_JSON_MAX_MEMBERS), one more does not; and
 * commas inside strings do not count. */
static void
test_max_members (void **state)
{
  size_t n = HS_JSON_MAX_MEMBERS + 1;
  char *text = xmalloc (2 * n + 2);
  hs_json v = NULL;
  hs_error err = { 0 };

  text[0] = '[';
  for (size_t i = 0; i < n; i++)
    {
      text[1 + 2 * i] = '0';
      text[2 + 2 * i] = ',';
    }
  text[2 * HS_JSON_MAX_MEMBERS] = ']'; /* HS_JSON_MAX_MEMBERS elements */
  /* yajl grows an array by one element per realloc: under valgrind (and
   * ASan, tests/sanitize.sh) every one is a copy, a million of them hours. */
  if (getenv ("HS_UNDER_VALGRIND") != NULL)
    print_message ("SKIP: an array at the cap under a memory checker (a million reallocs, each a copy)\n");
  else
    {
      assert_int_equal (hs_json_parse (text, 2 * HS_JSON_MAX_MEMBERS + 1, &v, &err), 0);
      assert_int_equal (hs_json_array_len (v), HS_JSON_MAX_MEMBERS);
      hs_json_free (v);
      v = NULL;
    }

  text[2 * HS_JSON_MAX_MEMBERS] = ',';
  text[2 * n] = ']'; /* one more */
  assert_int_equal (hs_json_parse (text, 2 * n + 1, &v, &err), -EFBIG);
  assert_null (v);
  assert_non_null (strstr (err.msg, "array elements and object members"));
  hs_error_release (&err);

  /* A string of a million commas is one value. */
  memset (text + 1, ',', 2 * n - 1);
  text[0] = '"';
  text[2 * n] = '"';
  assert_int_equal (hs_json_parse (text, 2 * n + 1, &v, &err), 0);
  hs_json_free (v);
  free (text);
}

/* The accessors read a value of another kind, or none, as absent. */
static void
test_accessors (void **state)
{
  hs_json v = _parse ("{\"s\":\"x\",\"n\":-1e3,\"a\":[true,false,null],\"o\":{\"k\":1}}");
  hs_json s = hs_json_get (v, "s"), n = hs_json_get (v, "n"), a = hs_json_get (v, "a"), o = hs_json_get (v, "o");
  const char *key = NULL;
  hs_json value = NULL, e;
  size_t count = 0;

  assert_int_equal (hs_json_type_of (NULL), HS_JSON_MISSING);
  assert_int_equal (hs_json_type_of (s), HS_JSON_STRING);
  assert_int_equal (hs_json_type_of (n), HS_JSON_NUMBER);
  assert_int_equal (hs_json_type_of (a), HS_JSON_ARRAY);
  assert_int_equal (hs_json_type_of (o), HS_JSON_OBJECT);
  assert_int_equal (hs_json_type_of (hs_json_at (a, 0)), HS_JSON_BOOL);
  assert_int_equal (hs_json_type_of (hs_json_at (a, 2)), HS_JSON_NULL);
  assert_string_equal (hs_json_string (s), "x");
  assert_null (hs_json_string (n));
  assert_null (hs_json_string (NULL));
  assert_string_equal (hs_json_number_text (n), "-1e3");
  assert_null (hs_json_number_text (s));
  assert_true (hs_json_is_true (hs_json_at (a, 0)) && hs_json_is_false (hs_json_at (a, 1)));
  assert_true (hs_json_is_bool (hs_json_at (a, 1)) && !hs_json_is_bool (hs_json_at (a, 2)));
  assert_true (hs_json_is_null (hs_json_at (a, 2)) && !hs_json_is_null (NULL));
  /* Lengths and indexing only of the kind asked for, and in range. */
  assert_int_equal (hs_json_array_len (a), 3);
  assert_int_equal (hs_json_array_len (o), 0);
  assert_int_equal (hs_json_object_len (o), 1);
  assert_int_equal (hs_json_object_len (a), 0);
  assert_null (hs_json_at (a, 3));
  assert_null (hs_json_at (o, 0));
  assert_null (hs_json_key_at (a, 0));
  assert_null (hs_json_value_at (o, 1));
  assert_string_equal (hs_json_key_at (o, 0), "k");
  assert_false (hs_json_member_at (a, 0, &key, &value));
  assert_true (hs_json_member_at (o, 0, &key, &value));
  assert_string_equal (key, "k");
  assert_string_equal (hs_json_number_text (value), "1");
  /* The loops visit everything once, and nothing of the wrong kind. */
  hs_json_foreach (a, i, e)
    count += i + 1;
  assert_int_equal (count, 1 + 2 + 3);
  hs_json_foreach (o, i, e)
    fail ();
  count = 0;
  hs_json_foreach_member (v, i, key, value)
    count++;
  assert_int_equal (count, 4);
  hs_json_foreach_member (a, i, key, value)
    fail ();
  assert_string_equal (hs_json_kind_name (HS_JSON_BOOL), "a boolean");
  assert_string_equal (hs_json_type_name (NULL), "missing");
  hs_json_free (v);
}

/* ---- hs_json_get_uint ----------------------------------------------------- */

typedef struct uint_case
{
  const char *name;
  const char *json; /* an array holding the value */
  uint64_t max;
  bool ok;
  uint64_t value;
} uint_case;

static const uint_case _uint_cases[] = {
  { "65534", "[65534]", UINT32_MAX, true, 65534 },
  { "zero", "[0]", UINT32_MAX, true, 0 },
  { "max itself", "[4294967294]", UINT32_MAX - 1, true, 4294967294u },
  { "one above max", "[4294967295]", UINT32_MAX - 1, false, 0 },
  { "far above max", "[99999999999]", UINT32_MAX, false, 0 },
  { "UINT64_MAX", "[18446744073709551615]", UINT64_MAX, true, UINT64_MAX },
  { "above UINT64_MAX", "[18446744073709551616]", UINT64_MAX, false, 0 },
  { "far above UINT64_MAX", "[184467440737095516160]", UINT64_MAX, false, 0 },
  { "small max: equal", "[5]", 5, true, 5 },
  { "small max: one digit above", "[6]", 5, false, 0 },
  { "small max: 7 > 5", "[7]", 5, false, 0 },
  { "max 0: 9", "[9]", 0, false, 0 },
  { "max 0: 0", "[0]", 0, true, 0 },
  { "max 10: 10", "[10]", 10, true, 10 },
  { "max 10: 11", "[11]", 10, false, 0 },
  { "fraction 65534.0", "[65534.0]", UINT32_MAX, false, 0 },
  { "fraction 1.5", "[1.5]", UINT32_MAX, false, 0 },
  { "negative", "[-1]", UINT32_MAX, false, 0 },
  { "negative zero", "[-0]", UINT32_MAX, false, 0 },
  { "exponent 1e3", "[1e3]", UINT32_MAX, false, 0 },
  { "exponent 6.5534e4", "[6.5534e4]", UINT32_MAX, false, 0 },
  { "a string", "[\"65534\"]", UINT32_MAX, false, 0 },
  { "a boolean", "[true]", UINT32_MAX, false, 0 },
  { "null", "[null]", UINT32_MAX, false, 0 },
  { "an object", "[{}]", UINT32_MAX, false, 0 },
};

static void
test_get_uint (void **state)
{
  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_uint_cases); c++)
    {
      const uint_case *t = &_uint_cases[c];
      hs_json arr = _parse (t->json);
      uint64_t n = 424242;
      int r = hs_json_get_uint (hs_json_at (arr, 0), t->max, &n);

      if (t->ok && (r != 0 || n != t->value))
        CASE_FAIL ("case `%s`: returned %d with %" PRIu64 ", expected %" PRIu64 "\n", t->name, r, n, t->value);
      if (!t->ok && r >= 0)
        CASE_FAIL ("case `%s`: accepted as %" PRIu64 " (max %" PRIu64 ")\n", t->name, n, t->max);
      if (!t->ok && r < 0 && n != 424242)
        CASE_FAIL ("case `%s`: output changed on failure\n", t->name);
      hs_json_free (arr);
    }
  assert_int_equal (_failures, 0);
}

static void
test_get_uint_missing (void **state)
{
  uint64_t n = 7;

  assert_true (hs_json_get_uint (NULL, UINT64_MAX, &n) < 0);
  assert_int_equal (n, 7);
}

/* ---- lookups and constructors --------------------------------------------- */

static void
test_get (void **state)
{
  hs_json v = _parse ("{\"a\":1,\"b\":{\"c\":\"x\"},\"\":null}");

  assert_non_null (hs_json_get (v, "a"));
  assert_string_equal (hs_json_string (hs_json_get (hs_json_get (v, "b"), "c")), "x");
  assert_true (hs_json_is_null (hs_json_get (v, "")));
  assert_null (hs_json_get (v, "c"));
  assert_null (hs_json_get (hs_json_get (v, "a"), "a"));
  assert_null (hs_json_get (NULL, "a"));
  assert_string_equal (hs_json_type_name (hs_json_get (v, "b")), "an object");
  assert_string_equal (hs_json_type_name (hs_json_get (v, "nope")), "missing");
  hs_json_free (v);
}

static void
test_constructors (void **state)
{
  hs_json o = hs_json_new_object ();
  uint64_t n = 0;

  hs_json_object_set (o, "s", hs_json_new_string ("a\"b"));
  hs_json_object_set (o, "t", hs_json_new_bool (true));
  hs_json_object_set (o, "f", hs_json_new_bool (false));
  hs_json_object_set (o, "n", hs_json_new_null ());
  hs_json_object_set (o, "max", hs_json_new_uint (UINT64_MAX));
  hs_json_object_set (o, "zero", hs_json_new_uint (0));
  hs_json_object_set (o, "a", hs_json_new_array ());
  hs_json_object_set (o, "o", hs_json_new_object ());
  _assert_generates (
      o,
      "{\"s\":\"a\\\"b\",\"t\":true,\"f\":false,\"n\":null,\"max\":18446744073709551615,\"zero\":0,\"a\":[],\"o\":{}}");
  assert_int_equal (hs_json_get_uint (hs_json_get (o, "max"), UINT64_MAX, &n), 0);
  assert_true (n == UINT64_MAX);
  hs_json_free (o);
}

/* ---- editing -------------------------------------------------------------- */

static void
test_object_set (void **state)
{
  hs_json v = _parse ("{\"a\":{\"deep\":[1,2,3]},\"b\":2}");

  /* Replacing keeps the key's place and frees the old value (valgrind). */
  hs_json_object_set (v, "a", hs_json_new_string ("x"));
  assert_int_equal (hs_json_object_len (v), 2);
  _assert_generates (v, "{\"a\":\"x\",\"b\":2}");

  /* A new key goes at the end. */
  hs_json_object_set (v, "c", hs_json_new_bool (false));
  assert_int_equal (hs_json_object_len (v), 3);
  _assert_generates (v, "{\"a\":\"x\",\"b\":2,\"c\":false}");

  hs_json_object_set (v, "b", hs_json_new_null ());
  _assert_generates (v, "{\"a\":\"x\",\"b\":null,\"c\":false}");

  /* An empty object grows. */
  hs_json_object_set (v, "o", hs_json_new_object ());
  hs_json_object_set (hs_json_get (v, "o"), "k", hs_json_new_uint (7));
  _assert_generates (v, "{\"a\":\"x\",\"b\":null,\"c\":false,\"o\":{\"k\":7}}");
  hs_json_free (v);
}

typedef struct array_case
{
  const char *name;
  const char *input;
  bool insert; /* else remove */
  size_t index;
  const char *output;
} array_case;

static const array_case _array_cases[] = {
  { "insert at 0", "[1,2,3]", true, 0, "[\"x\",1,2,3]" },
  { "insert in the middle", "[1,2,3]", true, 1, "[1,\"x\",2,3]" },
  { "insert before the last", "[1,2,3]", true, 2, "[1,2,\"x\",3]" },
  { "insert at len appends", "[1,2,3]", true, 3, "[1,2,3,\"x\"]" },
  { "insert into empty", "[]", true, 0, "[\"x\"]" },
  { "remove the first", "[1,2,3]", false, 0, "[2,3]" },
  { "remove the middle", "[1,{\"a\":[1]},3]", false, 1, "[1,3]" },
  { "remove the last", "[1,2,3]", false, 2, "[1,2]" },
  { "remove the only one", "[{\"a\":\"b\"}]", false, 0, "[]" },
};

static void
test_array_edit (void **state)
{
  _failures = 0;
  for (size_t c = 0; c < HS_ARRAY_SIZE (_array_cases); c++)
    {
      const array_case *t = &_array_cases[c];
      hs_json arr = _parse (t->input);
      size_t len = hs_json_array_len (arr);
      char *out;

      if (t->insert)
        hs_json_array_insert (arr, t->index, hs_json_new_string ("x"));
      else
        hs_json_array_remove (arr, t->index);
      out = _generate (arr);
      if (strcmp (out, t->output) != 0)
        CASE_FAIL ("case `%s`: got `%s`, expected `%s`\n", t->name, out, t->output);
      if (hs_json_array_len (arr) != (t->insert ? len + 1 : len - 1))
        CASE_FAIL ("case `%s`: length %zu\n", t->name, hs_json_array_len (arr));
      free (out);
      hs_json_free (arr);
    }
  assert_int_equal (_failures, 0);
}

static void
test_array_append_and_has_string (void **state)
{
  hs_json arr = hs_json_new_array ();

  hs_json_array_append (arr, hs_json_new_string ("CAP_CHOWN"));
  hs_json_array_append (arr, hs_json_new_uint (1));
  hs_json_array_insert (arr, 1, hs_json_new_string ("CAP_KILL"));
  _assert_generates (arr, "[\"CAP_CHOWN\",\"CAP_KILL\",1]");
  assert_true (hs_json_array_has_string (arr, "CAP_KILL"));
  assert_false (hs_json_array_has_string (arr, "1"));
  assert_false (hs_json_array_has_string (arr, "CAP_KIL"));
  assert_false (hs_json_array_has_string (NULL, "CAP_KILL"));
  hs_json_free (arr);
}

static void
test_copy (void **state)
{
  const char *text = "{\"a\":[1.0,{\"b\":\"s\",\"c\":[true,null,-0]}],\"n\":18446744073709551616,\"e\":{}}";
  hs_json v = _parse (text);
  hs_json c = hs_json_copy (v);
  hs_json a, ca;

  assert_non_null (c);
  assert_ptr_not_equal (c, v);
  _assert_generates (c, text);

  /* Nothing is shared. */
  a = hs_json_get (v, "a");
  ca = hs_json_get (c, "a");
  assert_ptr_not_equal (a, ca);
  assert_ptr_not_equal (hs_json_number_text (hs_json_at (a, 0)), hs_json_number_text (hs_json_at (ca, 0)));
  assert_ptr_not_equal (hs_json_string (hs_json_get (hs_json_at (a, 1), "b")),
                        hs_json_string (hs_json_get (hs_json_at (ca, 1), "b")));
  assert_ptr_not_equal (hs_json_key_at (v, 0), hs_json_key_at (c, 0));

  /* Editing the original leaves the copy alone, and the other way round. */
  hs_json_array_remove (a, 1);
  hs_json_object_set (v, "n", hs_json_new_uint (1));
  _assert_generates (c, text);
  hs_json_object_set (c, "new", hs_json_new_null ());
  _assert_generates (v, "{\"a\":[1.0],\"n\":1,\"e\":{}}");

  /* Freeing the original leaves the copy valid. */
  hs_json_free (v);
  _assert_generates (
      c, "{\"a\":[1.0,{\"b\":\"s\",\"c\":[true,null,-0]}],\"n\":18446744073709551616,\"e\":{},\"new\":null}");
  hs_json_free (c);

  assert_null (hs_json_copy (NULL));
}

static void
test_free_null (void **state)
{
  hs_json v = NULL;

  hs_json_free (NULL);
  hs_json_freep (&v);
}

/* ---- hs_json_make_utf8: invalid bytes become U+FFFD, one each, as Go reads them */

#define FFFD "\xef\xbf\xbd"

/* clang-format off */
static const struct
{
  const char *in, *out;
} _utf8_cases[] = {
  { "plain", "plain" },
  { "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" },
  { "a\xff" "b", "a" FFFD "b" },
  { "id\nwith\xc3", "id\nwith" FFFD },                        /* truncated at the end */
  { "\xe2\x82x", FFFD FFFD "x" },                             /* truncated in the middle */
  { "\xc0\xaf", FFFD FFFD },                                  /* overlong '/' */
  { "\xed\xa0\x80", FFFD FFFD FFFD },                         /* a surrogate */
  { "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD },                /* above U+10FFFF */
  { "\x80\x80\xc3\xa9", FFFD FFFD "\xc3\xa9" },              /* lone continuation bytes */
};
/* clang-format on */

static void
test_make_utf8 (void **state)
{
  for (size_t c = 0; c < HS_ARRAY_SIZE (_utf8_cases); c++)
    {
      _cleanup_json_ hs_json obj = hs_json_new_object ();
      _cleanup_json_ hs_json back = NULL;
      _cleanup_free_ char *text = NULL;
      hs_json arr = hs_json_new_array ();
      hs_error err = { 0 };
      size_t len;

      hs_json_array_append (arr, hs_json_new_string (_utf8_cases[c].in));
      hs_json_object_set (obj, _utf8_cases[c].in, arr);
      hs_json_make_utf8 (obj);
      assert_int_equal (hs_json_generate (obj, false, &text, &len, &err), 0);
      /* what was written reads back with hardshim's strict UTF-8 check */
      if (hs_json_parse (text, len, &back, &err) < 0)
        fail_msg ("case %zu: `%s`: %s", c, text, err.msg);
      assert_string_equal (hs_json_key_at (back, 0), _utf8_cases[c].out);
      assert_string_equal (hs_json_string (hs_json_at (hs_json_value_at (back, 0), 0)), _utf8_cases[c].out);
    }
}

/* hs_json_object_swap lends a value and gives the old one back, unfreed;
 * a missing member or a non-object changes nothing.  hs_json_is_utf8 sees
 * a bad string or key anywhere in a tree. */
static void
test_object_swap_and_is_utf8 (void **state)
{
  _cleanup_json_ hs_json obj = tu_parse ("{\"a\":1,\"b\":[\"x\"]}"), lent = hs_json_new_string ("lent");
  _cleanup_json_ hs_json arr = tu_parse ("[1]"), bad = NULL;
  _cleanup_free_ char *text = NULL;
  hs_error err = { 0 };
  size_t len;
  (void) state;

  hs_json old = hs_json_object_swap (obj, "a", lent);
  assert_string_equal (hs_json_number_text (old), "1");
  assert_int_equal (hs_json_generate (obj, false, &text, &len, &err), 0);
  assert_string_equal (text, "{\"a\":\"lent\",\"b\":[\"x\"]}");
  assert_ptr_equal (hs_json_object_swap (obj, "a", old), lent); /* back: obj owns old again */
  assert_null (hs_json_object_swap (obj, "missing", lent));
  assert_null (hs_json_object_swap (arr, "a", lent));
  assert_null (hs_json_object_swap (NULL, "a", lent));
  assert_int_equal (hs_json_object_len (obj), 2);

  assert_true (hs_json_is_utf8 (obj));
  assert_true (hs_json_is_utf8 (NULL));
  bad = tu_parse ("{\"k\":[{\"x\":\"ok\"}]}");
  assert_true (hs_json_is_utf8 (bad));
  hs_json_array_append (hs_json_get (bad, "k"), hs_json_new_string ("\xff"));
  assert_false (hs_json_is_utf8 (bad));
  hs_json_array_remove (hs_json_get (bad, "k"), 1);
  assert_true (hs_json_is_utf8 (bad));
  hs_json_object_set (hs_json_at (hs_json_get (bad, "k"), 0), "key\xc3", hs_json_new_null ());
  assert_false (hs_json_is_utf8 (bad));
}

/* hs_json_generate_marked gives the same text as hs_json_generate and the
 * offset of the marked string's bytes, indented or not, in an object or an
 * array; SIZE_MAX for a string written with escapes and for a node that is
 * not in the tree; and a string equal to the mark elsewhere is not it. */
static void
test_generate_marked (void **state)
{
  _cleanup_json_ hs_json v = tu_parse ("{\"a\":\"mark\",\"b\":[1,\"mark\",{\"c\":\"x\\\"y\"}],\"d\":\"\"}");
  _cleanup_json_ hs_json stray = hs_json_new_string ("mark");
  hs_json in_array = hs_json_at (hs_json_get (v, "b"), 1);
  hs_json escaped = hs_json_get (hs_json_at (hs_json_get (v, "b"), 2), "c");
  hs_json empty = hs_json_get (v, "d");
  hs_error err = { 0 };
  (void) state;

  for (int pretty = 0; pretty <= 1; pretty++)
    {
      _cleanup_free_ char *plain = NULL, *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL, *t5 = NULL;
      size_t plain_len, len, at;

      assert_int_equal (hs_json_generate (v, pretty, &plain, &plain_len, &err), 0);
      assert_int_equal (hs_json_generate_marked (v, pretty, in_array, &t1, &len, &at, &err), 0);
      assert_int_equal (len, plain_len);
      assert_string_equal (t1, plain);
      assert_true (at != SIZE_MAX);
      assert_memory_equal (t1 + at - 1, "\"mark\"", 6);
      assert_true (at > (size_t) (strstr (plain, "mark") - plain)); /* not the first "mark" */

      assert_int_equal (hs_json_generate_marked (v, pretty, hs_json_get (v, "a"), &t2, &len, &at, &err), 0);
      assert_int_equal (at, (size_t) (strstr (plain, "mark") - plain));
      assert_int_equal (hs_json_generate_marked (v, pretty, escaped, &t3, &len, &at, &err), 0);
      assert_true (at == SIZE_MAX);
      assert_int_equal (hs_json_generate_marked (v, pretty, stray, &t4, &len, &at, &err), 0);
      assert_true (at == SIZE_MAX);
      assert_int_equal (hs_json_generate_marked (v, pretty, empty, &t5, &len, &at, &err), 0);
      assert_true (at != SIZE_MAX && t5[at - 1] == '"' && t5[at] == '"');
    }
}

/* A string that is not UTF-8 is not written (the runtime would read
 * something else): found by tests/fuzz (exec), where one was. */
static void
test_generate_refuses_invalid_utf8 (void **state)
{
  _cleanup_json_ hs_json arr = hs_json_new_array ();
  _cleanup_free_ char *text = NULL;
  hs_error err = { 0 };

  hs_json_array_append (arr, hs_json_new_string ("ok"));
  hs_json_array_append (arr, hs_json_new_string ("x\xffy"));
  assert_int_equal (hs_json_generate (arr, false, &text, NULL, &err), -EINVAL);
  assert_null (text);
  assert_non_null (strstr (err.msg, "cannot serialise"));
  hs_error_release (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_roundtrip),
    cmocka_unit_test (test_generate_marked),
    cmocka_unit_test (test_object_swap_and_is_utf8),
    cmocka_unit_test (test_parse_table),
    cmocka_unit_test (test_depth_objects),
    cmocka_unit_test (test_max_bytes),
    cmocka_unit_test (test_max_members),
    cmocka_unit_test (test_accessors),
    cmocka_unit_test (test_get_uint),
    cmocka_unit_test (test_get_uint_missing),
    cmocka_unit_test (test_get),
    cmocka_unit_test (test_constructors),
    cmocka_unit_test (test_object_set),
    cmocka_unit_test (test_array_edit),
    cmocka_unit_test (test_array_append_and_has_string),
    cmocka_unit_test (test_copy),
    cmocka_unit_test (test_free_null),
    cmocka_unit_test (test_generate_refuses_invalid_utf8),
    cmocka_unit_test (test_make_utf8),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
