/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include "spec/seal.h"
#include "spec/file.h"
#include "host/trust.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLANK "0000000000000000000000000000000000000000000000000000000000000000"

/* The MAC of spec's indented text with the seal blanked, as 64 hex digits
 * into ret; with ret_text, that text with ret in the blank's place: the
 * text of the sealed spec, from one serialisation.  The tree is as it was. */
static int
_seal (hs_json spec, const char *file_path, const uint8_t key[HS_SEAL_KEY_LEN], char ret[65], char **ret_text,
       size_t *ret_len, hs_error *err)
{
  hs_json ann = hs_json_get (spec, "annotations"), kept;
  _cleanup_json_ hs_json blank = hs_json_new_string (BLANK);
  _cleanup_free_ char *text = NULL;
  uint8_t mac[HS_SHA256_LEN];
  size_t len, at;
  int r;

  if (!hs_json_is_object (ann))
    return hs_error_set (err, EINVAL, "/annotations is %s, expected an object", hs_json_type_name (ann));
  /* The blank is lent in the seal's place, or added last, for the text. */
  kept = hs_json_object_swap (ann, HS_SEAL_ANNOTATION, blank);
  if (kept == NULL)
    hs_json_object_set (ann, HS_SEAL_ANNOTATION, blank);
  r = hs_json_generate_marked (spec, true, blank, &text, &len, &at, err);
  if (kept != NULL)
    hs_json_object_swap (ann, HS_SEAL_ANNOTATION, kept);
  else
    {
      hs_json_object_swap (ann, HS_SEAL_ANNOTATION, hs_json_new_null ()); /* blank stays ours */
      hs_json_object_remove (ann, HS_SEAL_ANNOTATION);
    }
  if (r < 0)
    return r;

  const void *parts[] = { file_path, "", text };
  size_t lens[] = { strlen (file_path), 1, len };
  hs_hmac_sha256 (key, HS_SEAL_KEY_LEN, parts, lens, HS_ARRAY_SIZE (parts), mac);
  for (size_t i = 0; i < sizeof mac; i++)
    snprintf (ret + 2 * i, 3, "%02x", mac[i]);
  if (ret_text != NULL)
    {
      /* The blank is plain hex digits, written as they are: found. */
      if (at == SIZE_MAX || at + 64 > len || memcmp (text + at, BLANK, 64) != 0)
        return hs_error_set (err, EINVAL, "the seal's place in the spec's text was not found");
      memcpy (text + at, ret, 64);
      *ret_text = TAKE_PTR (text);
      *ret_len = len;
    }
  return 0;
}

int
hs_seal_compute (hs_json spec, const char *file_path, const uint8_t key[HS_SEAL_KEY_LEN], char ret[65], hs_error *err)
{
  return _seal (spec, file_path, key, ret, NULL, NULL, err);
}

int
hs_seal_sign_text (hs_json spec, const char *file_path, const uint8_t key[HS_SEAL_KEY_LEN], char **ret_text,
                   size_t *ret_len, hs_error *err)
{
  hs_json ann = hs_json_get (spec, "annotations");
  _cleanup_free_ char *text = NULL;
  char seal[65];
  size_t len;
  int r;

  if (ann == NULL)
    hs_json_object_set (spec, "annotations", ann = hs_json_new_object ());
  r = _seal (spec, file_path, key, seal, ret_text != NULL ? &text : NULL, &len, err);
  if (r < 0)
    return r;
  hs_json_object_set (ann, HS_SEAL_ANNOTATION, hs_json_new_string (seal));
  if (ret_text != NULL)
    {
      *ret_text = TAKE_PTR (text);
      *ret_len = len;
    }
  return 0;
}

int
hs_seal_sign (hs_json spec, const char *file_path, const uint8_t key[HS_SEAL_KEY_LEN], hs_error *err)
{
  return hs_seal_sign_text (spec, file_path, key, NULL, NULL, err);
}

bool
hs_seal_verify (hs_json spec, const char *file_path, const uint8_t key[HS_SEAL_KEY_LEN])
{
  hs_json seal = hs_json_get (hs_json_get (spec, "annotations"), HS_SEAL_ANNOTATION);
  _cleanup_error_ hs_error err = { 0 };
  char want[65], have[65];
  unsigned diff = 0;

  if (!hs_json_is_string (seal) || strlen (hs_json_string (seal)) != 64)
    return false;
  memcpy (have, hs_json_string (seal), sizeof have); /* computing replaces it for a while */
  if (hs_seal_compute (spec, file_path, key, want, &err) < 0)
    return false;
  for (size_t i = 0; i < 64; i++) /* in constant time */
    diff |= (unsigned) (want[i] ^ have[i]);
  return diff == 0;
}

/* A new key, made in a temporary file and linked into place unless another
 * hardshim made one first: both then use that one. */
static int
_create_key (const char *path, hs_error *err)
{
  _cleanup_free_ char *dir = xstrdup (path);
  _cleanup_close_ int dfd = -1, fd = -1;
  uint8_t key[HS_SEAL_KEY_LEN];
  char *slash = strrchr (dir, '/');
  int r = 0;

  *slash = '\0';
  if (mkdir (dir, 0711) < 0 && errno != EEXIST)
    return hs_error_sys (err, errno, "create `%s`", dir);
  dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return hs_error_sys (err, errno, "open `%s`", dir);
  fd = openat (dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return hs_error_sys (err, errno, "create the seal key in `%s`", dir);
  if (getrandom (key, sizeof key, 0) != (ssize_t) sizeof key)
    return hs_error_sys (err, errno, "getrandom for the seal key");
  if ((r = hs_write_all (fd, key, sizeof key)) < 0 || fsync (fd) < 0)
    return hs_error_sys (err, r < 0 ? -r : errno, "write the seal key `%s`", path);
  _cleanup_free_ char *proc = xasprintf ("/proc/self/fd/%d", fd);
  if (linkat (AT_FDCWD, proc, dfd, slash + 1, AT_SYMLINK_FOLLOW) < 0 && errno != EEXIST)
    return hs_error_sys (err, errno, "put the seal key at `%s`", path);
  return 0;
}

/* hs_seal_key's reading and checks: the file's bytes are left in *text
 * (*len of them) for the caller to wipe. */
static int
_load_key (const char *path, bool create, uint8_t ret[HS_SEAL_KEY_LEN], char **text, size_t *len, hs_error *err)
{
  _cleanup_free_ char *shown = xasprintf ("seal key `%s`", path);
  struct stat st;
  int r;

  r = hs_file_read_regular (AT_FDCWD, path, shown, true, HS_SEAL_KEY_LEN, text, len, &st, err);
  if (r == -ENOENT && create)
    {
      hs_error_release (err);
      r = _create_key (path, err);
      if (r == 0)
        r = hs_file_read_regular (AT_FDCWD, path, shown, true, HS_SEAL_KEY_LEN, text, len, &st, err);
    }
  if (r < 0)
    return r;
  if (st.st_uid != 0 || (st.st_mode & 077) != 0 || *len != HS_SEAL_KEY_LEN)
    return hs_error_set (err, EPERM,
                         "seal key `%s` must be %d bytes, owned by root, mode 0600: whoever reads it "
                         "can make specs hardshim trusts as its own (remove it to have a new one made)",
                         path, HS_SEAL_KEY_LEN);
  r = hs_trust_path (path, "the seal key", err);
  if (r == 0)
    memcpy (ret, *text, HS_SEAL_KEY_LEN);
  return r;
}

int
hs_seal_key (const char *path, bool create, uint8_t ret[HS_SEAL_KEY_LEN], hs_error *err)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  int r = _load_key (path, create, ret, &text, &len, err);

  if (text != NULL) /* no copy of the key is left in freed memory */
    explicit_bzero (text, len);
  return r;
}
