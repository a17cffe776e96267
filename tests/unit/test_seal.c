/* SPDX-License-Identifier: Apache-2.0 */
/* The seal (how hardshim knows its own output), its SHA-256, the check
 * that no spec points at hardshim's own files, and the root-only path
 * check. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include <sys/wait.h>
#include <sys/mount.h>
#include <sched.h>

#include "host/bind_pins.h"
#include "host/host_refs.h"
#include "host/own_dirs.h"
#include "spec/seal.h"
#include "spec/sha256.h"
#include "measures/measure.h"
#include "host/trust.h"

#include <sys/xattr.h>

static void
_hex (const uint8_t *b, size_t n, char *ret)
{
  for (size_t i = 0; i < n; i++)
    snprintf (ret + 2 * i, 3, "%02x", b[i]);
}

static void
_sha256_vectors (void)
{
  static const struct
  {
    const char *in;
    size_t repeat;
    const char *want;
  } cases[] = {
    { "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
  };
  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      hs_sha256 s;
      uint8_t out[HS_SHA256_LEN];
      char hex[65];
      hs_sha256_init (&s);
      for (size_t k = 0; k < cases[i].repeat; k++)
        hs_sha256_update (&s, cases[i].in, strlen (cases[i].in));
      hs_sha256_final (&s, out);
      _hex (out, sizeof out, hex);
      assert_string_equal (hex, cases[i].want);
    }
}

/* The same 1000 bytes fed in pieces of every size from 1 to 130 (so
 * that pieces start and end at every offset of a block, and whole blocks
 * are hashed in place) give the digest of the whole (Python's hashlib). */
static void
_sha256_pieces (void)
{
  uint8_t in[1000], out[HS_SHA256_LEN];
  char hex[65];

  for (size_t i = 0; i < sizeof in; i++)
    in[i] = (uint8_t) ((i * 7) % 251);
  for (size_t piece = 1; piece <= 130; piece++)
    {
      hs_sha256 s;
      hs_sha256_init (&s);
      for (size_t done = 0; done < sizeof in; done += piece)
        hs_sha256_update (&s, in + done, sizeof in - done < piece ? sizeof in - done : piece);
      hs_sha256_final (&s, out);
      _hex (out, sizeof out, hex);
      if (strcmp (hex, "59425e4412e296fc74736673ce067027f384203f59c0d2c3e6be7b13347b3ffc") != 0)
        CASE_FAIL ("pieces of %zu: %s", piece, hex);
    }
  assert_int_equal (_failures, 0);
}

/* Both compressions, the portable one and the one this processor chooses
 * (the x86 SHA extensions where it has them). */
static void
test_sha256_vectors (void **state)
{
  (void) state;
  for (int impl = -1; impl <= 0; impl++)
    {
      hs_sha256_impl = impl;
      _sha256_vectors ();
      _sha256_pieces ();
      print_message ("sha256: compression %d checked\n", hs_sha256_impl);
    }
  hs_sha256_impl = -1;
}

/* RFC 4231 test cases 1, 2 and 6 (a key longer than a block). */
static void
test_hmac_vectors (void **state)
{
  uint8_t k1[20], k6[131], out[HS_SHA256_LEN];
  const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  char hex[65];
  (void) state;

  memset (k1, 0x0b, sizeof k1);
  memset (k6, 0xaa, sizeof k6);
  const void *p1[] = { "Hi ", "There" };
  size_t l1[] = { 3, 5 };
  hs_hmac_sha256 (k1, sizeof k1, p1, l1, 2, out);
  _hex (out, sizeof out, hex);
  assert_string_equal (hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

  const void *p2[] = { "what do ya want for nothing?" };
  size_t l2[] = { 28 };
  hs_hmac_sha256 ((const uint8_t *) "Jefe", 4, p2, l2, 1, out);
  _hex (out, sizeof out, hex);
  assert_string_equal (hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

  const void *p6[] = { m6 };
  size_t l6[] = { strlen (m6) };
  hs_hmac_sha256 (k6, sizeof k6, p6, l6, 1, out);
  _hex (out, sizeof out, hex);
  assert_string_equal (hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static const uint8_t _key[HS_SEAL_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

/* clang-format off */
#define SPEC "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"" HS_BRIDGE_DIR "\"},\"annotations\":{\"a\":\"1\"}," \
             "\"mounts\":[{\"destination\":\"/dev/x\",\"source\":\"" HS_DEVICES_DIR "/c-1-3-0666-0-0\"," \
             "\"options\":[\"bind\"]}],\"n\":1.50}"
/* clang-format on */

/* A sealed spec verifies after a round trip through its text; a copy
 * anywhere else, any edit, or another key does not. */
static void
test_seal_sign_verify (void **state)
{
  _cleanup_json_ hs_json spec = tu_parse (SPEC), again = NULL;
  _cleanup_free_ char *text = NULL;
  hs_error err = { 0 };
  uint8_t other[HS_SEAL_KEY_LEN] = { 9 };
  size_t len;
  (void) state;

  assert_false (hs_seal_verify (spec, "/b/config.json", _key));
  assert_int_equal (hs_seal_sign (spec, "/b/config.json", _key, &err), 0);
  assert_true (hs_seal_verify (spec, "/b/config.json", _key));
  assert_int_equal (hs_json_generate (spec, true, &text, &len, &err), 0);
  assert_int_equal (hs_json_parse (text, len, &again, &err), 0);
  assert_true (hs_seal_verify (again, "/b/config.json", _key));

  assert_false (hs_seal_verify (again, "/other/config.json", _key));
  assert_false (hs_seal_verify (again, "/b/config.json", other));
  hs_json_object_set (hs_json_get (again, "root"), "path", hs_json_new_string ("/"));
  assert_false (hs_seal_verify (again, "/b/config.json", _key));
}

/* hs_seal_sign_text's text is exactly what the sealed tree serialises to,
 * and the seal verifies: with no annotations, with a seal to replace, and
 * with another annotation holding the blank's own 64 zeros (not the place
 * of the seal). */
static void
test_seal_sign_text (void **state)
{
  static const char *specs[] = {
    "{\"root\":{\"path\":\"rootfs\"}}",
    SPEC,
    "{\"annotations\":{\"x\":\"0000000000000000000000000000000000000000000000000000000000000000\","
    "\"" HS_SEAL_ANNOTATION "\":\"old\",\"y\":\"0000000000000000000000000000000000000000000000000000000000000000\"},"
    "\"root\":{\"path\":\"r\"}}",
  };
  (void) state;

  for (size_t i = 0; i < HS_ARRAY_SIZE (specs); i++)
    {
      _cleanup_json_ hs_json spec = tu_parse (specs[i]), again = NULL;
      _cleanup_free_ char *text = NULL, *want = NULL;
      hs_error err = { 0 };
      size_t len, want_len;

      assert_int_equal (hs_seal_sign_text (spec, "/b/config.json", _key, &text, &len, &err), 0);
      assert_int_equal (hs_json_generate (spec, true, &want, &want_len, &err), 0);
      assert_int_equal (len, want_len);
      assert_string_equal (text, want);
      assert_true (hs_seal_verify (spec, "/b/config.json", _key));
      assert_int_equal (hs_json_parse (text, len, &again, &err), 0);
      assert_true (hs_seal_verify (again, "/b/config.json", _key));
      if (i == 2) /* the decoys are untouched */
        assert_int_equal (strlen (hs_json_string (hs_json_get (hs_json_get (again, "annotations"), "x"))), 64);
      if (i == 2)
        assert_string_equal (hs_json_string (hs_json_get (hs_json_get (again, "annotations"), "y")),
                             "0000000000000000000000000000000000000000000000000000000000000000");
    }
}

/* A spec without annotations gets them; a seal of another spec does not
 * carry over; a seal that is not 64 characters never verifies. */
static void
test_seal_forged (void **state)
{
  _cleanup_json_ hs_json a = tu_parse ("{\"root\":{\"path\":\"rootfs\"}}");
  _cleanup_json_ hs_json b = tu_parse ("{\"root\":{\"path\":\"/\"},\"annotations\":{}}");
  hs_error err = { 0 };
  (void) state;

  assert_int_equal (hs_seal_sign (a, "/b/config.json", _key, &err), 0);
  hs_json seal = hs_json_get (hs_json_get (a, "annotations"), HS_SEAL_ANNOTATION);
  assert_non_null (seal);
  hs_json_object_set (hs_json_get (b, "annotations"), HS_SEAL_ANNOTATION, hs_json_copy (seal));
  assert_false (hs_seal_verify (b, "/b/config.json", _key));
  hs_json_object_set (hs_json_get (b, "annotations"), HS_SEAL_ANNOTATION, hs_json_new_string (""));
  assert_false (hs_seal_verify (b, "/b/config.json", _key));
  hs_json_object_set (hs_json_get (b, "annotations"), HS_SEAL_ANNOTATION, hs_json_new_uint (1));
  assert_false (hs_seal_verify (b, "/b/config.json", _key));
}

/* What a spec may point at: every spelling of hardshim's own directories
 * is refused, near-misses pass, and only a sealed spec keeps its device
 * mounts and bridged root. */
static void
test_own_dirs (void **state)
{
  static const struct
  {
    const char *source; /* a bind mount's source, or NULL */
    const char *root;   /* root.path */
    bool sealed;
    const char *error; /* NULL: accepted */
  } cases[] = {
    { NULL, "/dev/shm", false, NULL },
    { "/dev/shm", "/dev/shm", false, NULL },
    { HS_DEVICES_DIR "/c-5-1-0666-0-0", "/dev/shm", false, "is or holds hardshim's state directory" },
    { HS_DEVICES_DIR "/c-5-1-0666-0-0", "/dev/shm", true, NULL },
    { HS_DEVICES_DIR "/../devices/c-5-1-0666-0-0", "/dev/shm", true, "hardshim's state directory" },
    { HS_BRIDGE_DIR "/var", "/dev/shm", false, "hardshim's state directory" },
    { HS_BRIDGE_DIR "/var", "/dev/shm", true, "hardshim's state directory" },
    { "/nonexistent/../" HS_BRIDGE_DIR, "/dev/shm", false, "hardshim's state directory" },
    { HS_STATE_DIR "/seal.key", "/dev/shm", false, "hardshim's state directory" },
    /* above it: the detect measure's to judge (test_detect.c, own-files.bats) */
    { "/var/lib", "/dev/shm", false, NULL },
    { "/", "/dev/shm", false, NULL },
    { "/var/lib/hardshimx", "/dev/shm", false, NULL },
    { "/var/log/hardshim/deviations.jsonl", "/dev/shm", false, "hardshim's journal" },
    { "/var/log/hardshim/../hardshim/deviations.jsonl", "/dev/shm", false, "hardshim's journal" },
    { "/var/log", "/dev/shm", false, NULL }, /* the journal is root's 0600: a view of it is no write */
    { HS_HELPER_DIR, "/dev/shm", false, "Landlock helper" },
    { HS_LANDLOCK_HELPER, "/dev/shm", false, "Landlock helper" },
    { NULL, HS_BRIDGE_DIR, false, "/root/path" },
    { NULL, HS_BRIDGE_DIR, true, NULL },
    { NULL, HS_BRIDGE_DIR "/x", true, "/root/path" },
    { NULL, "/", false, "/root/path" },
    { NULL, "../../../../../../../../" HS_STATE_DIR, false, "is relative and has a `..`" },
    { "../../x/l/../../var/lib/hardshim", "/dev/shm", false, "is relative and has a `..`" },
    { "a/..b/c..", "/dev/shm", false, NULL },
    { "..", "/dev/shm", false, "is relative and has a `..`" },
    { "/dev/shm/../shm", "/dev/shm", false, NULL },
  };
  hs_policy policy;
  (void) state;

  tu_policy ("{\"journal\":\"/var/log/hardshim/deviations.jsonl\"}", &policy);
  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      _cleanup_json_ hs_json spec = hs_json_new_object (), root = hs_json_new_object ();
      hs_error err = { 0 };
      hs_json_object_set (root, "path", hs_json_new_string (cases[i].root));
      hs_json_object_set (spec, "root", TAKE_PTR (root));
      if (cases[i].source != NULL)
        {
          hs_json mounts = hs_json_new_array ();
          static const char *const opts[] = { "rbind", NULL };
          hs_json_array_append (mounts, hs_measure_new_mount ("/x", "bind", cases[i].source, opts));
          hs_json_object_set (spec, "mounts", mounts);
        }
      int r = hs_own_dirs_check (spec, "/b", cases[i].sealed, &policy, &err);
      if (cases[i].error == NULL && r != 0)
        CASE_FAIL ("case %zu (%s): refused: %s", i, cases[i].source ? cases[i].source : cases[i].root, err.msg);
      if (cases[i].error != NULL && (r >= 0 || strstr (err.msg, cases[i].error) == NULL))
        CASE_FAIL ("case %zu (%s): want `%s`, got %d %s", i, cases[i].source ? cases[i].source : cases[i].root,
                   cases[i].error, r, err.msg ? err.msg : "");
      hs_error_release (&err);
    }
  hs_policy_release (&policy);
  assert_int_equal (_failures, 0);
}

/* The helper's own mount, as the lsm measure writes it, is not a volume. */
static void
test_own_dirs_helper_mount (void **state)
{
  _cleanup_json_ hs_json spec = tu_parse ("{\"root\":{\"path\":\"/dev/shm\"}," TU_CONTAINER_MOUNTS "}");
  hs_policy policy;
  hs_error err = { 0 };
  (void) state;

  tu_policy ("{}", &policy);
  assert_int_equal (hs_own_dirs_check (spec, "/b", false, &policy, &err), 0);
  hs_policy_release (&policy);
}

/* A sealed spec's pinned source (bind_pins.h) is judged by the engine's
 * source it kept; without the seal, or without that annotation, the pin
 * is hardshim's state directory. */
static void
test_own_dirs_pins (void **state)
{
  static const struct
  {
    const char *source;
    const char *kept; /* annotation io.hardshim.bind.0, or NULL */
    bool sealed;
    const char *error;
  } cases[] = {
    { HS_PIN_DIR "/0", "/srv/vol", true, NULL },
    { HS_PIN_DIR "/0", "vol", true, NULL },
    { HS_PIN_DIR "/0", "/srv/vol", false, "`" HS_PIN_DIR "/0` (`" HS_PIN_DIR "/0`) is or holds hardshim's state" },
    { HS_PIN_DIR "/0", NULL, true, "hardshim's state directory" },
    { HS_PIN_DIR "/00", "/srv/vol", true, "hardshim's state directory" },
    { HS_PIN_DIR "/0/", "/srv/vol", true, "hardshim's state directory" },
    { HS_PIN_DIR "/0", HS_STATE_DIR, true, "`" HS_STATE_DIR "` (`" HS_STATE_DIR "`) is or holds hardshim's state" },
    { HS_PIN_DIR "/0", "/", true, NULL }, /* above the state directory: the detect measure's to judge */
    { HS_PIN_DIR "/0", "/var/log/hardshim/deviations.jsonl", true, "hardshim's journal" },
    { HS_PIN_DIR "/0", "../x/..", true, "is relative and has a `..`" },
  };
  hs_policy policy;
  (void) state;

  tu_policy ("{\"journal\":\"/var/log/hardshim/deviations.jsonl\"}", &policy);
  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      _cleanup_json_ hs_json spec = tu_parse ("{\"root\":{\"path\":\"/dev/shm\"},\"annotations\":{}}");
      static const char *const opts[] = { "rbind", NULL };
      hs_json mounts = hs_json_new_array ();
      hs_error err = { 0 };
      hs_json_array_append (mounts, hs_measure_new_mount ("/x", "bind", cases[i].source, opts));
      hs_json_object_set (spec, "mounts", mounts);
      if (cases[i].kept != NULL)
        hs_json_object_set (hs_json_get (spec, "annotations"), HS_PIN_ANNOTATION "0",
                            hs_json_new_string (cases[i].kept));
      int r = hs_own_dirs_check (spec, "/b", cases[i].sealed, &policy, &err);
      if (cases[i].error == NULL && r != 0)
        CASE_FAIL ("case %zu (%s): refused: %s", i, cases[i].source, err.msg);
      if (cases[i].error != NULL && (r >= 0 || strstr (err.msg, cases[i].error) == NULL))
        CASE_FAIL ("case %zu (%s): want `%s`, got %d %s", i, cases[i].source, cases[i].error, r,
                   err.msg ? err.msg : "");
      hs_error_release (&err);
    }
  hs_policy_release (&policy);
  assert_int_equal (_failures, 0);
}

/* After the probe, what it opened is judged too: a source spelled as any
 * other that the probe found to be the journal (a path changed in between)
 * is refused. */
static void
test_own_dirs_refs (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp (), *journal = xasprintf ("%s/journal.jsonl", dir);
  _cleanup_free_ char *text = xasprintf ("{\"journal\":\"%s\"}", journal);
  _cleanup_json_ hs_json spec = tu_parse ("{\"root\":{\"path\":\"/dev/shm\"},\"mounts\":[{\"destination\":\"/x\","
                                          "\"type\":\"bind\",\"source\":\"/srv/innocent\",\"options\":[\"rbind\"]}]}");
  hs_bind_ref ref = { .source = (char *) "/srv/innocent", .fd = -1 };
  hs_host host = { .binds = &ref, .nbinds = 1 };
  hs_policy policy;
  hs_error err = { 0 };
  (void) state;

  tu_write (journal, "", 0600);
  tu_policy (text, &policy);
  assert_int_equal (hs_own_dirs_check_refs (spec, false, &policy, &host, &err), 0); /* nothing opened */
  ref.fd = open (dir, O_PATH | O_CLOEXEC);
  assert_int_equal (hs_own_dirs_check_refs (spec, false, &policy, &host, &err), 0);
  close (ref.fd);
  ref.fd = open (journal, O_PATH | O_CLOEXEC);
  assert_int_equal (hs_own_dirs_check_refs (spec, false, &policy, &host, &err), -EPERM);
  assert_non_null (strstr (err.msg, "/mounts/0/source `/srv/innocent`"));
  assert_non_null (strstr (err.msg, "hardshim's journal"));
  hs_error_release (&err);
  close (ref.fd);
  hs_policy_release (&policy);
  unlink (journal);
  rmdir (dir);
}

/* A child in a mount namespace of its own (private): 0 there, its pid
 * here.  The child exits 77 when it cannot have one (or cannot mount). */
static pid_t
_fork_in_mount_ns (void)
{
  pid_t pid = fork ();

  assert_true (pid >= 0);
  if (pid == 0 && (unshare (CLONE_NEWNS) < 0 || mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0))
    _exit (77);
  return pid;
}

/* That child exited 0 (77: a SKIP, said). */
static void
_wait_ns_child (pid_t pid)
{
  int status;

  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 77)
    print_message ("SKIP: no bind mount in a mount namespace of its own here\n");
  else
    assert_int_equal (WEXITSTATUS (status), 0);
}

/* In a mount namespace of a child's own: another directory others may
 * write (with a file g in it) mounted on sub, which the last walk kept
 * open; the walk of g must find the mounted one.  Then forgotten (as when
 * hardshim enters another mount namespace): checked as new. */
static void
_mounted_over (const char *d, const char *sub, const char *g)
{
  _cleanup_free_ char *other = xasprintf ("%s/other", d), *og = xasprintf ("%s/other/g", d);
  pid_t pid;

  assert_int_equal (mkdir (other, 0777), 0);
  assert_int_equal (chmod (other, 0777), 0);
  tu_write (og, "x", 0644);
  pid = _fork_in_mount_ns ();
  if (pid == 0)
    {
      hs_error err = { 0 };
      if (mount (other, sub, "none", MS_BIND, NULL) < 0)
        _exit (77);
      if (hs_trust_path (g, "the file", &err) != -EPERM || strstr (err.msg, "(mode 0777)") == NULL)
        _exit (1);
      hs_error_release (&err);
      hs_trust_forget ();
      if (hs_trust_path (g, "the file", &err) != -EPERM)
        _exit (2);
      _exit (0);
    }
  _wait_ns_child (pid);
  tu_rmtree (other);
}

/* In a mount namespace of a child's own: sub/q/f checked (sub and q
 * kept); then a directory others may write mounted on sub, holding a bind
 * of q: the name sub/q still leads to the kept q, but through the mounted
 * directory, which the walk must find (the mount table changed: nothing
 * kept is taken). */
static void
_mounted_above (const char *d, const char *sub)
{
  _cleanup_free_ char *q = xasprintf ("%s/q", sub), *f = xasprintf ("%s/q/f", sub);
  _cleanup_free_ char *other = xasprintf ("%s/other", d), *oq = xasprintf ("%s/other/q", d);
  pid_t pid;

  assert_int_equal (mkdir (q, 0755), 0);
  tu_write (f, "x", 0644);
  assert_int_equal (mkdir (other, 0777), 0);
  assert_int_equal (chmod (other, 0777), 0);
  assert_int_equal (mkdir (oq, 0755), 0);
  pid = _fork_in_mount_ns ();
  if (pid == 0)
    {
      hs_error err = { 0 };
      hs_trust_forget (); /* as the bridge does: what was kept is the host namespace's */
      if (hs_trust_path (f, "the file", &err) != 0)
        _exit (3);
      if (mount (q, oq, "none", MS_BIND, NULL) < 0 || mount (other, sub, "none", MS_BIND | MS_REC, NULL) < 0)
        _exit (77);
      /* Not forgotten by hand: the mount table's event is what tells. */
      if (hs_trust_path (f, "the file", &err) != -EPERM || strstr (err.msg, "(mode 0777)") == NULL)
        _exit (1);
      _exit (0);
    }
  _wait_ns_child (pid);
  tu_rmtree (other);
  tu_rmtree (q);
}

/* Only root may change a trusted path or a directory above it; a sticky
 * world-writable directory is fine above a root-owned entry. */
static void
test_trust_path (void **state)
{
  _cleanup_free_ char *d = tu_mkdtemp ();
  _cleanup_free_ char *f = xasprintf ("%s/f", d), *sub = xasprintf ("%s/sub", d), *g = xasprintf ("%s/sub/g", d);
  hs_error err = { 0 };
  (void) state;

  if (geteuid () != 0)
    {
      print_message ("SKIP: the ownership cases need root\n");
      skip ();
    }
  tu_write (f, "x", 0644);
  assert_int_equal (mkdir (sub, 0755), 0);
  tu_write (g, "x", 0644);
  assert_int_equal (hs_trust_path (f, "the file", &err), 0);
  assert_int_equal (hs_trust_path (g, "the file", &err), 0);

  assert_int_equal (chmod (f, 0666), 0);
  assert_int_equal (hs_trust_path (f, "the file", &err), -EPERM);
  assert_non_null (strstr (err.msg, "writable by others (mode 0666)"));
  hs_error_release (&err);
  assert_int_equal (chmod (f, 0644), 0);
  assert_int_equal (chown (f, 65534, 65534), 0);
  assert_int_equal (hs_trust_path (f, "the file", &err), -EPERM);
  assert_non_null (strstr (err.msg, "owned by uid 65534"));
  hs_error_release (&err);

  assert_int_equal (chmod (sub, 0777), 0);
  assert_int_equal (hs_trust_path (g, "the file", &err), -EPERM);
  assert_non_null (strstr (err.msg, "writable by others (mode 0777)"));
  hs_error_release (&err);
  assert_int_equal (chmod (sub, 01777), 0);
  assert_int_equal (hs_trust_path (g, "the file", &err), 0);
  assert_int_equal (chown (sub, 65534, 0), 0);
  assert_int_equal (chmod (sub, 0755), 0);
  assert_int_equal (hs_trust_path (g, "the file", &err), -EPERM);
  assert_non_null (strstr (err.msg, "owned by uid 65534"));
  hs_error_release (&err);

  /* A POSIX ACL granting uid 65534 write, on a root 0755 directory: the
   * mode shows 0775 root:root, and the ACL is what counts. */
  assert_int_equal (chown (sub, 0, 0), 0);
  assert_int_equal (chmod (sub, 0755), 0);
  assert_int_equal (hs_trust_path (g, "the file", &err), 0);
  /* clang-format off */
  static const uint8_t acl[] = { 2, 0, 0, 0,                               /* version 2 */
                                 1, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,       /* user:: rwx */
                                 2, 0, 7, 0, 0xfe, 0xff, 0, 0,             /* user:65534: rwx */
                                 4, 0, 5, 0, 0xff, 0xff, 0xff, 0xff,       /* group:: r-x */
                                 0x10, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,    /* mask:: rwx */
                                 0x20, 0, 5, 0, 0xff, 0xff, 0xff, 0xff };  /* other:: r-x */
  /* clang-format on */
  if (setxattr (sub, "system.posix_acl_access", acl, sizeof acl, 0) < 0)
    print_message ("SKIP: POSIX ACLs on `%s`: %s\n", sub, strerror (errno));
  else
    {
      assert_int_equal (hs_trust_path (g, "the file", &err), -EPERM);
      assert_non_null (strstr (err.msg, "has a POSIX ACL"));
      hs_error_release (&err);
      assert_int_equal (removexattr (sub, "system.posix_acl_access"), 0);
    }

  /* The walk keeps sub open for the next one.  Root moves it away and puts
   * one others may write in its place (the ctimes change), or mounts one
   * there (nothing the kept descriptors see changes): the name is what is
   * checked. */
  {
    _cleanup_free_ char *old = xasprintf ("%s/old", d);
    assert_int_equal (chmod (sub, 0755), 0); /* the ACL's mask stays in the group bits */
    assert_int_equal (hs_trust_path (g, "the file", &err), 0);
    assert_int_equal (rename (sub, old), 0);
    assert_int_equal (mkdir (sub, 0777), 0);
    assert_int_equal (chmod (sub, 0777), 0);
    tu_write (g, "x", 0644);
    assert_int_equal (hs_trust_path (g, "the file", &err), -EPERM);
    assert_non_null (strstr (err.msg, "writable by others (mode 0777)"));
    hs_error_release (&err);
    tu_rmtree (sub);
    assert_int_equal (rename (old, sub), 0);
    assert_int_equal (hs_trust_path (g, "the file", &err), 0);
    _mounted_over (d, sub, g);
    _mounted_above (d, sub);
  }

  unlink (f);
  unlink (g);
  rmdir (sub);
  rmdir (d);
}

/* The key is made once, root-only; one others could read is refused. */
static void
test_seal_key (void **state)
{
  _cleanup_free_ char *d = tu_mkdtemp ();
  _cleanup_free_ char *path = xasprintf ("%s/seal.key", d);
  uint8_t a[HS_SEAL_KEY_LEN], b[HS_SEAL_KEY_LEN];
  hs_error err = { 0 };
  struct stat st;
  (void) state;

  assert_int_equal (hs_seal_key (path, false, a, &err), -ENOENT);
  hs_error_release (&err);
  assert_int_equal (hs_seal_key (path, true, a, &err), 0);
  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0600);
  assert_int_equal (st.st_size, HS_SEAL_KEY_LEN);
  assert_int_equal (hs_seal_key (path, true, b, &err), 0);
  assert_memory_equal (a, b, sizeof a);
  assert_int_equal (chmod (path, 0644), 0);
  assert_int_equal (hs_seal_key (path, false, b, &err), -EPERM);
  assert_non_null (strstr (err.msg, "mode 0600"));
  hs_error_release (&err);
  unlink (path);
  rmdir (d);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sha256_vectors),
    cmocka_unit_test (test_hmac_vectors),
    cmocka_unit_test (test_seal_sign_verify),
    cmocka_unit_test (test_seal_sign_text),
    cmocka_unit_test (test_seal_forged),
    cmocka_unit_test (test_own_dirs),
    cmocka_unit_test (test_own_dirs_helper_mount),
    cmocka_unit_test (test_own_dirs_pins),
    cmocka_unit_test (test_own_dirs_refs),
    cmocka_unit_test (test_trust_path),
    cmocka_unit_test (test_seal_key),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
