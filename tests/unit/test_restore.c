/* SPDX-License-Identifier: Apache-2.0 */
/* restore's --lsm-profile and --lsm-mount-context: accepted only when they
 * name the hardened spec's own profile, label or mount label. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cli/cli.h"
#include "runtime/restore.h"

#include <errno.h>
#include <string.h>

#define ARGV(...) ((const char *const[]){ "hardshim", "restore", __VA_ARGS__, "-b", "/b", "c1", NULL })

/* clang-format off */
#define SPEC                                                                                                           \
  "{\"process\":{\"apparmorProfile\":\"hardshim-1\",\"selinuxLabel\":\"system_u:system_r:container_t:s0:c1,c2\"},"    \
  "\"linux\":{\"mountLabel\":\"system_u:object_r:container_file_t:s0:c1,c2\"}}"
/* clang-format on */

typedef struct
{
  const char *name;
  const char *const *argv;
  const char *spec;  /* NULL: SPEC */
  const char *error; /* NULL: accepted */
} _case;

static const _case _cases[] = {
  { "neither option", ARGV ("--image-path", "/i"), NULL, NULL },
  { "the spec's AppArmor profile", ARGV ("--lsm-profile", "apparmor:hardshim-1"), NULL, NULL },
  { "the spec's SELinux label and mount label",
    ARGV ("--lsm-profile=selinux:system_u:system_r:container_t:s0:c1,c2", "--lsm-mount-context",
          "system_u:object_r:container_file_t:s0:c1,c2"),
    NULL, NULL },
  { "another AppArmor profile", ARGV ("--lsm-profile", "apparmor:unconfined"), NULL,
    "--lsm-profile `apparmor:unconfined` is not the hardened spec's" },
  { "another SELinux label", ARGV ("--lsm-profile", "selinux:system_u:system_r:spc_t:s0"), NULL,
    "--lsm-profile `selinux:system_u:system_r:spc_t:s0`" },
  { "a type that is neither", ARGV ("--lsm-profile", "smack:hardshim-1"), NULL, "--lsm-profile `smack:hardshim-1`" },
  { "a profile when the spec has none", ARGV ("--lsm-profile", "apparmor:"), "{\"process\":{}}", "--lsm-profile" },
  { "another mount label", ARGV ("--lsm-mount-context", "system_u:object_r:spc_file_t:s0"), NULL,
    "--lsm-mount-context `system_u:object_r:spc_file_t:s0` is not the hardened spec's mount label" },
};

static void
test_lsm_options (void **state)
{
  for (size_t c = 0; c < HS_ARRAY_SIZE (_cases); c++)
    {
      const _case *t = &_cases[c];
      _cleanup_json_ hs_json spec = tu_parse (t->spec ? t->spec : SPEC);
      hs_error err = { 0 };
      hs_cli cli;
      int r;

      print_message ("case: %s\n", t->name);
      assert_int_equal (hs_cli_parse (tu_argc (t->argv), (char *const *) t->argv, &cli, &err), 0);
      assert_int_equal (cli.kind, HS_CMD_RESTORE);
      r = hs_restore_check_lsm (&cli, spec, &err);
      if (t->error == NULL)
        assert_int_equal (r, 0);
      else
        {
          assert_int_equal (r, -EPERM);
          if (strstr (err.msg, t->error) == NULL)
            fail_msg ("case `%s`: `%s` lacks `%s`", t->name, err.msg, t->error);
        }
      hs_error_release (&err);
      hs_cli_release (&cli);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_lsm_options),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
