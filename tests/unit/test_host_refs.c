/* SPDX-License-Identifier: Apache-2.0 */
/* The host-refs probe (host_refs.h) on this host's real paths, hooks,
 * cgroups and namespaces.  Runs as root.  The whole program runs in a
 * private mount namespace of its own: the engines' state roots (/run,
 * /var/lib) and podman's hook directory (/etc/containers) are fresh tmpfs
 * mounts there, seen by no other process, so that their contents are
 * exactly the test's. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "host/bind_pins.h"
#include "host/cgroup_probe.h"
#include "host/host.h"
#include "host/host_refs.h"
#include "host/namespaces.h"

#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>

#define HEX64 "366f1c972618444bfcbbaab18ed4960699989530dfbcab01fc6ce8d8d1e668cf"
#define HEX12 "8892bb1df56e"

/* Why the tests that need a private mount namespace cannot run (NULL: they can). */
static const char *_no_ns;

#define NEED_NS()                                                                                                      \
  do                                                                                                                   \
    {                                                                                                                  \
      if (_no_ns != NULL)                                                                                              \
        {                                                                                                              \
          print_message ("SKIP: %s\n", _no_ns);                                                                        \
          skip ();                                                                                                     \
        }                                                                                                              \
    }                                                                                                                  \
  while (0)

static void
_mkdirs (const char *path)
{
  _cleanup_free_ char *copy = xstrdup (path);

  for (char *p = copy + 1; *p != '\0'; p++)
    if (*p == '/')
      {
        *p = '\0';
        mkdir (copy, 0755);
        *p = '/';
      }
  if (mkdir (copy, 0755) < 0 && errno != EEXIST)
    fail_msg ("mkdir %s: %s", path, strerror (errno));
}

/* A unix socket file at path (bound, then closed: the file stays). */
static void
_socket_at (const char *path)
{
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  assert_true (strlen (path) < sizeof a.sun_path);
  strcpy (a.sun_path, path);
  if (fd < 0 || bind (fd, (struct sockaddr *) &a, sizeof a) < 0)
    fail_msg ("socket at %s: %s", path, strerror (errno));
  close (fd);
}

static void
_tmpfs (const char *dir)
{
  if (mount ("hs-unit", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
    fail_msg ("tmpfs at %s: %s", dir, strerror (errno));
}

static void
_bind (const char *src, const char *dst)
{
  if (mount (src, dst, "none", MS_BIND, NULL) < 0)
    fail_msg ("bind %s at %s: %s", src, dst, strerror (errno));
}

/* A spec whose mounts bind each of sources (and one proc mount). */
static hs_json
_spec_binds (const char *const *sources, size_t n)
{
  hs_json spec = hs_json_new_object (), mounts = hs_json_new_array (), m = hs_json_new_object ();

  hs_json_object_set (m, "destination", hs_json_new_string ("/proc"));
  hs_json_object_set (m, "type", hs_json_new_string ("proc"));
  hs_json_object_set (m, "source", hs_json_new_string ("proc"));
  hs_json_array_append (mounts, m);
  for (size_t i = 0; i < n; i++)
    {
      hs_json opts = hs_json_new_array ();
      m = hs_json_new_object ();
      hs_json_object_set (m, "destination", hs_json_new_string_printf ("/m%zu", i));
      hs_json_object_set (m, "source", hs_json_new_string (sources[i]));
      hs_json_array_append (opts, hs_json_new_string (i % 2 ? "rbind" : "bind"));
      hs_json_object_set (m, "options", opts);
      hs_json_array_append (mounts, m);
    }
  hs_json_object_set (spec, "mounts", mounts);
  return spec;
}

typedef struct bind_case
{
  const char *source;
  hs_bind_kind kind;
  const char *what; /* NULL: none */
  bool above;
  const char *owner;
  int error; /* the source does not exist: errno */
} bind_case;

#define PLAIN(s)                                                                                                       \
  {                                                                                                                    \
    s, HS_BIND_PLAIN, NULL, false, NULL, 0                                                                             \
  }
#define SENS(s, w)                                                                                                     \
  {                                                                                                                    \
    s, HS_BIND_SENSITIVE, w, false, NULL, 0                                                                            \
  }
#define SENS_ABOVE(s, w)                                                                                               \
  {                                                                                                                    \
    s, HS_BIND_SENSITIVE, w, true, NULL, 0                                                                             \
  }
#define RW(s, w)                                                                                                       \
  {                                                                                                                    \
    s, HS_BIND_SENSITIVE_RW, w, false, NULL, 0                                                                         \
  }
#define RW_ABOVE(s, w)                                                                                                 \
  {                                                                                                                    \
    s, HS_BIND_SENSITIVE_RW, w, true, NULL, 0                                                                          \
  }
#define SOCK(s, w, o)                                                                                                  \
  {                                                                                                                    \
    s, HS_BIND_SOCKET, w, false, o, 0                                                                                  \
  }
#define SOCK_ABOVE(s, w, o)                                                                                            \
  {                                                                                                                    \
    s, HS_BIND_SOCKET, w, true, o, 0                                                                                   \
  }
#define MISSING(s, e)                                                                                                  \
  {                                                                                                                    \
    s, HS_BIND_PLAIN, NULL, false, NULL, e                                                                             \
  }

static const char *const _kinds[] = { "PLAIN", "SENSITIVE", "SENSITIVE_RW", "SOCKET", "DEVICE" };

static bool
_str_eq (const char *a, const char *b)
{
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp (a, b) == 0);
}

/* Probe the cases' sources (relative ones from bundle) and compare. */
static void
_check_binds (const char *bundle, const bind_case *cases, size_t n)
{
  const char **sources = xcalloc (n, sizeof *sources);
  _cleanup_json_ hs_json spec = NULL;
  hs_policy policy = { 0 };
  hs_host host = { 0 };
  hs_error err = { 0 };

  for (size_t i = 0; i < n; i++)
    sources[i] = cases[i].source;
  spec = _spec_binds (sources, n);
  free (sources);
  if (hs_host_probe_refs (spec, bundle, false, &policy, false, &host, &err) < 0)
    fail_msg ("probe: %s", err.msg);
  for (size_t i = 0; i < n; i++)
    {
      const bind_case *c = &cases[i];
      const hs_bind_ref *b = hs_host_bind_ref (&host, c->source);
      if (b == NULL)
        {
          CASE_FAIL ("`%s`: no record\n", c->source);
          continue;
        }
      if (b->id.exists != (c->error == 0) || (c->error != 0 && b->id.error != c->error))
        CASE_FAIL ("`%s`: exists %d (errno %d), want %d (errno %d)\n", c->source, b->id.exists, b->id.error,
                   c->error == 0, c->error);
      if (b->kind != c->kind || !_str_eq (b->what, c->what) || b->above != c->above || !_str_eq (b->owner, c->owner))
        CASE_FAIL ("`%s`: %s `%s` above %d owner `%s`; want %s `%s` above %d owner `%s`\n", c->source, _kinds[b->kind],
                   b->what ? b->what : "(null)", b->above, b->owner ? b->owner : "(null)", _kinds[c->kind],
                   c->what ? c->what : "(null)", c->above, c->owner ? c->owner : "(null)");
    }
  hs_host_release (&host);
}

/* Each test counts its own table failures. */
static int
_reset (void **state)
{
  _failures = 0;
  return 0;
}

static bool
_exists (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0;
}

/* This host's real paths (no mount of the test's). */
static void
test_binds_real_paths (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp (), *root_link = xasprintf ("%s/root-link", dir);
  _cleanup_free_ char *proc_link = xasprintf ("%s/proc-link", dir), *missing = xasprintf ("%s/missing", dir);
  const bind_case cases[] = {
    SENS ("/", "/"),
    SENS ("/etc", "/etc"),
    SENS ("/etc/", "/etc"),
    SENS ("//etc/../etc/.", "/etc"),
    SENS ("/boot", "/boot"),
    SENS ("/root", "/root"),
    SENS ("/sys", "/sys"),
    SENS ("/dev", "/dev"),
    SENS ("/proc", "/proc"),
    SENS ("/proc/sys", "/proc"),       /* on procfs */
    SENS ("/proc/self/fd/0", "/proc"), /* a magic link: the runtime's own fd 0 */
    SENS ("/proc/self/root", "/"),     /* hardshim's view of it is / */
    SENS (root_link, "/"),             /* a symbolic link is followed */
    SENS ("root-link", "/"),           /* relative: from the bundle */
    SENS (proc_link, "/"),
    RW ("/usr/lib", "/usr/lib"),
    RW ("/usr/bin", "/usr/bin"),
    { "/dev/null", HS_BIND_DEVICE, "/dev/null", false, NULL, 0 },
    PLAIN ("/etc/hosts"),
    PLAIN ("/usr/share"),
    PLAIN ("/sys/fs/cgroup"),
    PLAIN ("/tmp"),
    PLAIN (dir),
    MISSING (missing, ENOENT),
    MISSING ("missing", ENOENT),
    MISSING ("/nonexistent-hardshim-unit", ENOENT),
    MISSING ("", ENOENT),
  };
  struct stat st;

  if (symlink ("/", root_link) < 0 || symlink ("/proc/self/root", proc_link) < 0)
    fail_msg ("symlink: %s", strerror (errno));
  _check_binds (dir, cases, HS_ARRAY_SIZE (cases));
  {
    /* PID 1's root: / where hardshim may look at PID 1 (ptrace access). */
    int fd = open ("/proc/1/root", O_PATH | O_CLOEXEC);
    const bind_case init[]
        = { fd >= 0 ? (bind_case) SENS ("/proc/1/root", "/") : (bind_case) MISSING ("/proc/1/root", errno) };
    if (fd < 0)
      print_message ("note: /proc/1/root: %s here\n", strerror (errno));
    else
      close (fd);
    _check_binds (dir, init, 1);
  }
  /* /usr and /usr/local hold the state directory of a build with the
   * default prefix (/usr/local/var/lib/hardshim): then they are hardshim's
   * own to refuse (own_dirs), not detect's to judge. */
  if (strncmp (HS_STATE_DIR, "/usr/", 5) == 0)
    print_message ("SKIP: /usr and /usr/local hold this build's state directory " HS_STATE_DIR "\n");
  else
    {
      const bind_case usr[] = { RW ("/usr", "/usr") };
      _check_binds (dir, usr, 1);
      if (_exists ("/usr/local/bin"))
        {
          const bind_case local[] = { RW_ABOVE ("/usr/local", "/usr/local/bin") };
          _check_binds (dir, local, 1);
        }
      else
        print_message ("SKIP: no /usr/local/bin here: /usr/local holds nothing sensitive\n");
    }
  if (stat ("/dev/loop0", &st) == 0 && S_ISBLK (st.st_mode))
    {
      const bind_case loop[] = { { "/dev/loop0", HS_BIND_DEVICE, "/dev/loop0", false, NULL, 0 } };
      _check_binds (dir, loop, 1);
    }
  else
    print_message ("SKIP: no /dev/loop0 here\n");
  unlink (root_link);
  unlink (proc_link);
  rmdir (dir);
  assert_int_equal (_failures, 0);
}

/* The device number of a device source. */
static void
test_bind_device_numbers (void **state)
{
  const char *sources[] = { "/dev/null", "/dev/loop0" };
  _cleanup_json_ hs_json spec = _spec_binds (sources, 2);
  hs_policy policy = { 0 };
  hs_host host = { 0 };
  hs_error err = { 0 };
  const hs_bind_ref *b;

  assert_int_equal (hs_host_probe_refs (spec, "/", false, &policy, false, &host, &err), 0);
  assert_int_equal (host.nbinds, 2); /* the proc mount is no bind */
  assert_null (hs_host_bind_ref (&host, "proc"));
  b = hs_host_bind_ref (&host, "/dev/null");
  assert_int_equal (b->kind, HS_BIND_DEVICE);
  assert_int_equal (b->devtype, 'c');
  assert_int_equal (b->major, 1);
  assert_int_equal (b->minor, 3);
  b = hs_host_bind_ref (&host, "/dev/loop0");
  if (b->id.exists)
    {
      assert_int_equal (b->devtype, 'b');
      assert_int_equal (b->major, 7);
      assert_int_equal (b->minor, 0);
    }
  hs_host_release (&host);
}

/* The engines' state roots and sockets, in fresh /run and /var/lib. */
static void
test_binds_state_roots_and_sockets (void **state)
{
  _cleanup_free_ char *dir = NULL, *etc_bind = NULL, *sock_bind = NULL;

  NEED_NS ();
  dir = tu_mkdtemp ();
  etc_bind = xasprintf ("%s/etc", dir);
  sock_bind = xasprintf ("%s/sock", dir);
  _tmpfs ("/run");
  _tmpfs ("/var/lib");

  /* Only the Docker API socket: /run holds it. */
  _socket_at ("/run/docker.sock");
  tu_write ("/run/docker.sock.bak", "", 0644);
  if (link ("/run/docker.sock", "/run/docker-link.sock") < 0)
    fail_msg ("link: %s", strerror (errno));
  tu_write (sock_bind, "", 0644);
  _bind ("/run/docker.sock", sock_bind);
  {
    const bind_case cases[] = {
      SOCK ("/var/run/docker.sock", "/var/run/docker.sock", "Docker API"),
      SOCK ("/run/docker.sock", "/var/run/docker.sock", "Docker API"),
      SOCK ("/run/docker-link.sock", "/var/run/docker.sock", "Docker API"), /* a hard link */
      SOCK (sock_bind, "/var/run/docker.sock", "Docker API"),               /* a bind mount of it */
      SOCK_ABOVE ("/run", "/var/run/docker.sock", "Docker API"),
      SOCK_ABOVE ("/var/run", "/var/run/docker.sock", "Docker API"),
      SENS ("/", "/"),
      PLAIN ("/run/docker.sock.bak"),
    };
    _check_binds (dir, cases, HS_ARRAY_SIZE (cases));
  }

  /* State roots, what engines bind below them, and sockets in them. */
  _mkdirs ("/run/containerd/s");
  _socket_at ("/run/containerd/s/" HEX64);
  _socket_at ("/run/containerd/containerd.sock");
  _mkdirs ("/run/containerd/io.containerd.runtime.v2.task/moby/" HEX64 "/rootfs");
  _mkdirs ("/run/docker/libnetwork");
  _socket_at ("/run/docker/libnetwork/" HEX12 ".sock");
  if (link ("/run/containerd/s/" HEX64, "/run/shim-link") < 0)
    fail_msg ("link: %s", strerror (errno));
  _mkdirs ("/run/dockerfoo");
  _mkdirs ("/var/lib/docker/containers/" HEX64);
  tu_write ("/var/lib/docker/containers/" HEX64 "/hosts", "", 0644);
  _mkdirs ("/var/lib/docker/volumes/vol/_data");
  tu_write ("/var/lib/docker/engine-id", "x", 0600);
  _mkdirs ("/var/lib/kubelet/pods/uid/volumes/kubernetes.io~empty-dir/cache");
  _mkdirs ("/var/lib/kubelet/pod-resources");
  _socket_at ("/var/lib/kubelet/pod-resources/kubelet.sock");
  _mkdirs ("/var/lib/dockerfoo");
  _mkdirs ("/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/" HEX64);
  tu_write ("/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/" HEX64 "/hosts", "", 0644);
  _mkdirs (etc_bind);
  _bind ("/etc", etc_bind);
  {
    const bind_case cases[] = {
      SENS_ABOVE ("/run", "/run/docker"), /* a state root first: it holds one */
      SENS_ABOVE ("/var/run", "/run/docker"),
      SENS ("/run/docker", "/run/docker"),
      SENS ("/run/containerd", "/run/containerd"),
      SENS ("/run/containerd/", "/run/containerd"),
      SENS ("/run/containerd/s", "/run/containerd/s"), /* directly in a state root */
      SOCK ("/run/containerd/s/" HEX64, "/run/containerd/s/" HEX64, "containerd shim"),
      SOCK ("/run/shim-link", "/run/containerd/s/" HEX64, "containerd shim"),
      SOCK ("/run/containerd/containerd.sock", "/run/containerd/containerd.sock", "containerd"),
      SENS ("/run/containerd/io.containerd.runtime.v2.task", "/run/containerd/io.containerd.runtime.v2.task"),
      PLAIN ("/run/containerd/io.containerd.runtime.v2.task/moby"),
      PLAIN ("/run/containerd/io.containerd.runtime.v2.task/moby/" HEX64 "/rootfs"),
      SENS ("/run/docker/libnetwork", "/run/docker/libnetwork"),
      SOCK ("/run/docker/libnetwork/" HEX12 ".sock", "/run/docker/libnetwork/" HEX12 ".sock", "dockerd"),
      PLAIN ("/run/dockerfoo"),
      SENS_ABOVE ("/var", "/var/lib/docker"),
      SENS_ABOVE ("/var/lib", "/var/lib/docker"),
      SENS ("/var/lib/docker", "/var/lib/docker"),
      SENS ("/var/lib/docker/containers", "/var/lib/docker/containers"),
      SENS ("/var/lib/docker/volumes", "/var/lib/docker/volumes"),
      SENS ("/var/lib/docker/engine-id", "/var/lib/docker/engine-id"),
      PLAIN ("/var/lib/docker/containers/" HEX64),
      PLAIN ("/var/lib/docker/containers/" HEX64 "/hosts"),
      PLAIN ("/var/lib/docker/volumes/vol"),
      PLAIN ("/var/lib/docker/volumes/vol/_data"),
      SENS ("/var/lib/kubelet/pods", "/var/lib/kubelet/pods"),
      PLAIN ("/var/lib/kubelet/pods/uid/volumes/kubernetes.io~empty-dir/cache"),
      SENS ("/var/lib/kubelet/pod-resources", "/var/lib/kubelet/pod-resources"),
      SOCK ("/var/lib/kubelet/pod-resources/kubelet.sock", "/var/lib/kubelet/pod-resources/kubelet.sock", "kubelet"),
      PLAIN ("/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/" HEX64 "/hosts"),
      PLAIN ("/var/lib/dockerfoo"),
      SENS (etc_bind, "/etc"), /* a bind mount of /etc elsewhere */
    };
    _check_binds (dir, cases, HS_ARRAY_SIZE (cases));
  }
  umount2 (etc_bind, MNT_DETACH);
  umount2 (sock_bind, MNT_DETACH);
  umount2 ("/run", MNT_DETACH);
  umount2 ("/var/lib", MNT_DETACH);
  rmdir (etc_bind);
  unlink (sock_bind);
  rmdir (dir);
  assert_int_equal (_failures, 0);
}

/* A spec of hooks: {"STAGE": [hook, ...], ...} as JSON text. */
static hs_json
_spec_hooks (const char *hooks)
{
  _cleanup_free_ char *text = xasprintf ("{\"hooks\": %s}", hooks);
  return tu_parse (text);
}

static const hs_hook_ref *
_hook (const hs_host *host, const char *stage, size_t index)
{
  const hs_hook_ref *h = hs_host_hook_ref (host, stage, index);

  if (h == NULL)
    fail_msg ("no record of hook %s[%zu]", stage, index);
  return h;
}

/* A process whose /proc/PID/exe is a dockerd binary: a running dockerd,
 * or one stopped by ptrace right after its exec (it never runs). */
static pid_t
_dockerd_process (bool *ret_spawned)
{
  hs_id_ref want[2], got;
  DIR *d = opendir ("/proc");
  struct dirent *e;
  pid_t pid = 0;
  int status;

  *ret_spawned = false;
  hs_id_ref_of ("/usr/sbin/dockerd", &want[0]);
  hs_id_ref_of ("/usr/bin/dockerd", &want[1]);
  if (!want[0].exists && !want[1].exists)
    return 0;
  while (d != NULL && pid == 0 && (e = readdir (d)) != NULL)
    {
      _cleanup_free_ char *exe = xasprintf ("/proc/%s/exe", e->d_name);
      if (strspn (e->d_name, "0123456789") != strlen (e->d_name))
        continue;
      hs_id_ref_of (exe, &got);
      if (hs_id_ref_same (&got, &want[0]) || hs_id_ref_same (&got, &want[1]))
        pid = atoi (e->d_name);
    }
  if (d != NULL)
    closedir (d);
  if (pid != 0)
    return pid;
  pid = fork ();
  if (pid == 0)
    {
      ptrace (PTRACE_TRACEME, 0, NULL, NULL);
      execl (want[0].exists ? "/usr/sbin/dockerd" : "/usr/bin/dockerd", "dockerd", "--version", (char *) NULL);
      _exit (127);
    }
  if (pid < 0 || waitpid (pid, &status, 0) != pid || !WIFSTOPPED (status))
    return 0;
  *ret_spawned = true;
  return pid;
}

#define DOCKER_HOOK(path, a1, id, ctl, extra)                                                                          \
  "{\"path\": \"" path "\", \"args\": [\"libnetwork-setkey\", \"" a1 "\", \"" id "\", \"" ctl "\"" extra "]}"

/* Hooks: trust, and the engines' own recognised. */
static void
test_hooks (void **state)
{
  _cleanup_free_ char *dir = NULL, *wdir = NULL, *tool = NULL, *text = NULL, *docker = NULL;
  _cleanup_json_ hs_json spec = NULL, spec2 = NULL;
  hs_policy policy = { 0 };
  hs_host host = { 0 };
  hs_error err = { 0 };
  bool spawned = false;
  pid_t dockerd;

  NEED_NS ();
  dir = tu_mkdtemp ();
  wdir = xasprintf ("%s/w", dir);
  tool = xasprintf ("%s/tool", wdir);
  mkdir (wdir, 0777);
  chmod (wdir, 0777);
  tu_write (tool, "#!/bin/sh\n", 0755);
  _tmpfs ("/etc/containers");
  _mkdirs ("/etc/containers/oci/hooks.d");
  tu_write ("/etc/containers/oci/hooks.d/t.json",
            "{\"version\": \"1.0.0\", \"hook\": {\"path\": \"/bin/true\", \"args\": [\"true\", \"hs\"]}, "
            "\"when\": {\"always\": true}, \"stages\": [\"prestart\"]}",
            0644);
  tu_write ("/etc/containers/oci/hooks.d/old.json",
            "{\"hook\": \"/bin/false\", \"arguments\": [\"false\"], \"stage\": [\"poststop\"]}", 0644);
  tu_write ("/etc/containers/oci/hooks.d/bad.json", "{\"hook\": ", 0644);
  {
    /* a hook file naming a program others may replace */
    _cleanup_free_ char *u = xasprintf ("{\"version\": \"1.0.0\", \"hook\": {\"path\": \"%s\"}, \"when\": "
                                        "{\"always\": true}, \"stages\": [\"prestart\"]}",
                                        tool);
    tu_write ("/etc/containers/oci/hooks.d/u.json", u, 0644);
  }

  dockerd = _dockerd_process (&spawned);
  if (dockerd <= 0)
    print_message ("SKIP: docker's network hook: no dockerd binary here, or it cannot be started traced\n");
  else
    print_message ("docker's network hook: /proc/%d/exe (%s)\n", (int) dockerd,
                   spawned ? "dockerd stopped right after exec" : "a running dockerd");
  docker = xasprintf ("/proc/%d/exe", dockerd > 0 ? (int) dockerd : 1);
#define D "%1$s"
  text = xasprintf (
      "{\"prestart\": ["
      /* 0 */ "{\"path\": \"/bin/true\", \"args\": [\"true\", \"hs\"]},"
      /* 1 */ "{\"path\": \"/bin/true\", \"args\": [\"true\", \"other\"]},"
      /* 2 */ "{\"path\": \"/bin/true\", \"args\": [\"true\", \"hs\"], \"env\": [\"LD_PRELOAD=/tmp/x.so\"]},"
      /* 3 */ "{\"path\": \"%2$s\"},"
      /* 4 */ "{\"path\": \"true\"},"
      /* 5 */ "{\"path\": \"/nonexistent-hardshim-unit\"},"
      /* 6 */ DOCKER_HOOK (D, "-exec-root=/etc", HEX64, HEX12, "") ","
      /* 7 */ DOCKER_HOOK (D, "-exec-root=/etc", "66f1c972618444bfcbbaab18ed4960699989530dfbcab01fc6ce8d8d1e668cf",
                           HEX12, "") ","
      /* 8 */ DOCKER_HOOK (D, "-exec-root=/etc", "366F1C972618444BFCBBAAB18ED4960699989530DFBCAB01FC6CE8D8D1E668CF",
                           HEX12, "") ","
      /* 9 */ DOCKER_HOOK (D, "-exec-root=/etc", HEX64, HEX12, ", \"x\"") ","
      /* 10 */ DOCKER_HOOK (D, "-exec-root=%3$s", HEX64, HEX12, "") ","
      /* 11 */ DOCKER_HOOK (D, "-exec-root=etc", HEX64, HEX12, "") ","
      /* 12 */ DOCKER_HOOK ("/proc/self/exe", "-exec-root=/etc", HEX64, HEX12, "") ","
      /* 13 */ DOCKER_HOOK ("/usr/sbin/dockerd", "-exec-root=/etc", HEX64, HEX12,
                            "") ","
                                /* 14 */ "{\"path\": \"" D
                                "\", \"args\": [\"libnetwork-setkey\", \"-exec-root=/etc\", \"" HEX64 "\", \"" HEX12
                                "\"], \"env\": [\"LD_PRELOAD=/tmp/x.so\"]},"
      /* 15 */ DOCKER_HOOK (D, "-exec-root=/tmp", HEX64, HEX12,
                            "") "],"
                                " \"createRuntime\": [" DOCKER_HOOK (
                                    D, "-exec-root=/etc", HEX64, HEX12,
                                    "") "],"
                                        " \"poststop\": [{\"path\": \"/bin/true\", \"args\": [\"true\", \"hs\"]}, "
                                        "{\"path\": \"/bin/false\", \"args\": "
                                        "[\"false\"]}]}",
      docker, tool, wdir);
#undef D
  spec = _spec_hooks (text);
  /* docker's hook hands dockerd the id of the container being made: this one's */
  host.container_id = HEX64;
  assert_int_equal (hs_host_probe_refs (spec, dir, false, &policy, false, &host, &err), 0);
  assert_int_equal (host.nhooks, 19);
  {
    const hs_hook_ref *h = _hook (&host, "prestart", 0);
    assert_true (h->id.exists);
    assert_true (h->trusted);
    assert_string_equal (h->engine, "podman's hook from /etc/containers/oci/hooks.d/t.json");
    assert_string_equal (h->path, "/bin/true");
    assert_null (_hook (&host, "prestart", 1)->engine); /* other args */
    assert_true (_hook (&host, "prestart", 1)->trusted);
    assert_null (_hook (&host, "prestart", 2)->engine); /* env */
    h = _hook (&host, "prestart", 3);                   /* in a directory anyone may write */
    assert_true (h->id.exists);
    assert_false (h->trusted);
    assert_null (h->engine);
    assert_false (_hook (&host, "prestart", 4)->id.exists); /* relative */
    assert_int_equal (_hook (&host, "prestart", 4)->id.error, EINVAL);
    assert_false (_hook (&host, "prestart", 5)->id.exists);
    assert_int_equal (_hook (&host, "prestart", 5)->id.error, ENOENT);
    assert_null (_hook (&host, "poststop", 0)->engine); /* a stage the file does not name */
    /* a 0.1.0 file has no "when": {"always": true}; its conditions are podman's to judge */
    assert_null (_hook (&host, "poststop", 1)->engine);
    assert_null (hs_host_hook_ref (&host, "poststop", 2));
    assert_null (hs_host_hook_ref (&host, "startContainer", 0));
    assert_null (hs_host_hook_ref (&host, "nostage", 0));
  }
  if (dockerd > 0)
    {
      const hs_hook_ref *h = _hook (&host, "prestart", 6);
      assert_true (h->id.exists);
      assert_string_equal (h->engine, "docker's network hook");
      for (size_t i = 7; i <= 15; i++)
        if (_hook (&host, "prestart", i)->engine != NULL)
          CASE_FAIL ("prestart[%zu]: recognised as `%s`\n", i, _hook (&host, "prestart", i)->engine);
      assert_null (_hook (&host, "createRuntime", 0)->engine); /* docker adds it to prestart only */
    }
  hs_host_release (&host);

  /* The same hook in the spec of another container: it would hand dockerd
   * that container's id and move its network here. */
  host = (hs_host){ .container_id = "other" };
  assert_int_equal (hs_host_probe_refs (spec, dir, false, &policy, false, &host, &err), 0);
  if (dockerd > 0)
    assert_null (_hook (&host, "prestart", 6)->engine);
  hs_host_release (&host);

  /* A hooks directory others may write: its files count for nothing. */
  chmod ("/etc/containers/oci/hooks.d", 0777);
  spec2 = _spec_hooks ("{\"prestart\": [{\"path\": \"/bin/true\", \"args\": [\"true\", \"hs\"]}]}");
  host = (hs_host){ 0 };
  assert_int_equal (hs_host_probe_refs (spec2, dir, false, &policy, false, &host, &err), 0);
  assert_null (_hook (&host, "prestart", 0)->engine);
  hs_host_release (&host);

  if (spawned)
    {
      kill (dockerd, SIGKILL);
      waitpid (dockerd, NULL, 0);
    }
  umount2 ("/etc/containers", MNT_DETACH);
  unlink (tool);
  rmdir (wdir);
  rmdir (dir);
  assert_int_equal (_failures, 0);
}

/* A child that sleeps in cgroup dir (cgroup.procs), or 0. */
static pid_t
_sleeper_in (const char *dir)
{
  _cleanup_free_ char *procs = xasprintf ("%s/cgroup.procs", dir), *pid_text = NULL;
  pid_t pid = fork ();

  if (pid == 0)
    {
      pause ();
      _exit (0);
    }
  pid_text = xasprintf ("%d\n", (int) pid);
  int fd = open (procs, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, pid_text, strlen (pid_text)) < 0)
    fail_msg ("move %d into %s: %s", (int) pid, dir, strerror (errno));
  close (fd);
  return pid;
}

typedef struct cgroup_case
{
  const char *path;
  bool systemd;
  const char *want; /* the foreign directory, NULL: none; "*": any */
  size_t procs;     /* 0: any number above 0 */
} cgroup_case;

static void
_check_cgroup (const cgroup_case *c)
{
  _cleanup_json_ hs_json spec = hs_json_new_object (), linux_ = hs_json_new_object ();
  _cleanup_free_ char *dir = NULL;
  hs_error err = { 0 };
  size_t procs = 0;

  hs_json_object_set (linux_, "cgroupsPath", hs_json_new_string (c->path));
  hs_json_object_set (spec, "linux", TAKE_PTR (linux_));
  if (hs_cgroup_probe (spec, c->systemd, NULL, &dir, &procs, &err) < 0)
    fail_msg ("%s: %s", c->path, err.msg);
  if (c->want == NULL ? dir != NULL
                      : dir == NULL || (strcmp (c->want, "*") != 0 && strcmp (c->want, dir) != 0)
                            || (c->procs != 0 ? procs != c->procs : procs == 0))
    CASE_FAIL ("cgroupsPath `%s`%s: `%s` with %zu processes; want `%s` with %zu\n", c->path,
               c->systemd ? " (systemd)" : "", dir ? dir : "(null)", procs, c->want ? c->want : "(null)", c->procs);
}

static void
test_cgroups (void **state)
{
  const char *base = _exists ("/sys/fs/cgroup/pids/cgroup.procs") ? "/sys/fs/cgroup/pids" : "/sys/fs/cgroup";
  _cleanup_free_ char *name = xasprintf ("hardshim-unit-%d", (int) getpid ());
  _cleanup_free_ char *cg = xasprintf ("%s/%s", base, name), *sub = xasprintf ("%s/sub", cg);
  _cleanup_free_ char *empty = xasprintf ("%s/empty", cg);
  _cleanup_free_ char *slice = xasprintf ("%s/hsunit%d.slice", base, (int) getpid ());
  _cleanup_free_ char *scope = xasprintf ("%s/p-n.scope", slice);
  _cleanup_free_ char *abs = xasprintf ("/%s", name), *abs_sub = xasprintf ("/%s/sub", name);
  _cleanup_free_ char *abs_empty = xasprintf ("/%s/empty", name), *abs_new = xasprintf ("/%s-new/c", name);
  _cleanup_free_ char *climb = xasprintf ("/../../%s", name), *rel_up = xasprintf ("a/../../%s/sub", name);
  _cleanup_free_ char *raw = xasprintf ("/../%s/%s", strrchr (base, '/') + 1, name);
  _cleanup_free_ char *sd = xasprintf ("hsunit%d.slice:p:n", (int) getpid ());
  _cleanup_free_ char *sd_other = xasprintf ("hsunit%d.slice:p:m", (int) getpid ());
  _cleanup_free_ char *sd_slice = xasprintf ("-.slice:p:hsunit%d.slice", (int) getpid ());
  _cleanup_free_ char *sd_sub = xasprintf ("hsunit%d-sub.slice:p:n", (int) getpid ());
  _cleanup_free_ char *sd_crun = xasprintf ("hsunit%d.slice:p-n", (int) getpid ());
  pid_t a, b;

  if (mkdir (cg, 0755) < 0 || mkdir (sub, 0755) < 0 || mkdir (empty, 0755) < 0 || mkdir (slice, 0755) < 0
      || mkdir (scope, 0755) < 0)
    fail_msg ("cgroups under %s: %s", base, strerror (errno));
  a = _sleeper_in (sub);
  b = _sleeper_in (scope);
  {
    const cgroup_case cases[] = {
      { abs_new, false, NULL, 0 },   /* a new cgroup */
      { abs, false, cg, 1 },         /* a process below it */
      { abs_sub, false, sub, 1 },    /* in it */
      { abs_empty, false, NULL, 0 }, /* exists, empty */
      { name, false, cg, 1 },        /* relative (from hardshim's own; from the root too) */
      { climb, false, cg, 1 },       /* `..` cannot climb above the root */
      { rel_up, false, sub, 1 },
      { "/", false, "*", 0 },        /* the root: every process not in another */
      { "../../..", false, "*", 0 }, /* hardshim's own cgroup */
      { "", false, NULL, 0 },
      { sd, true, scope, 1 }, /* systemd: slice:prefix:name */
      { sd_other, true, NULL, 0 },
      { sd_slice, true, slice, 1 }, /* runc: a name ending in .slice is the unit */
      { sd_sub, true, NULL, 0 },    /* hsunitN.slice/hsunitN-sub.slice/p-n.scope */
      { sd_crun, true, scope, 1 },  /* crun: slice:p-n is p-n.scope too */
      { abs, true, NULL, 0 },       /* systemd: /NAME.scope in system.slice */
      { "-.slice:p:n", true, NULL, 0 },
      { "bad/slice.slice:p:n", true, NULL, 0 },
    };
    for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
      _check_cgroup (&cases[i]);
    if (strcmp (base, "/sys/fs/cgroup") != 0)
      {
        /* crun may not clean `..`: /sys/fs/cgroup/cpu/../pids/NAME is the pids one. */
        const cgroup_case c = { raw, false, cg, 1 };
        _check_cgroup (&c);
      }
  }
  kill (a, SIGKILL);
  kill (b, SIGKILL);
  waitpid (a, NULL, 0);
  waitpid (b, NULL, 0);
  rmdir (sub);
  rmdir (empty);
  rmdir (cg);
  rmdir (scope);
  rmdir (slice);
  assert_int_equal (_failures, 0);
}

static void
test_expand_slice (void **state)
{
  static const struct
  {
    const char *slice, *want;
  } cases[] = {
    { "system.slice", "/system.slice" },
    { "a-b.slice", "/a.slice/a-b.slice" },
    { "a-b-c.slice", "/a.slice/a-b.slice/a-b-c.slice" },
    { "-.slice", "/" },
    { "kubepods-burstable-pod1.slice", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice" },
    { ".slice", NULL },
    { "a--b.slice", NULL },
    { "-a.slice", NULL },
    { "a-.slice", NULL },
    { "a/b.slice", NULL },
    { "a.scope", NULL },
    { "", NULL },
  };

  for (size_t i = 0; i < HS_ARRAY_SIZE (cases); i++)
    {
      _cleanup_free_ char *got = hs_cgroup_expand_slice (cases[i].slice);
      if (!_str_eq (got, cases[i].want))
        CASE_FAIL ("slice `%s`: `%s`, want `%s`\n", cases[i].slice, got ? got : "(null)",
                   cases[i].want ? cases[i].want : "(null)");
    }
  assert_int_equal (_failures, 0);
}

/* A namespace joined by path is the host's when it is PID 1's, however spelled. */
static void
test_joined_is_host (void **state)
{
  int ready[2];
  char c;
  pid_t child;
  _cleanup_free_ char *text = NULL;
  _cleanup_json_ hs_json spec = NULL;
  hs_host host = { 0 };
  hs_error err = { 0 };
  int init_fd;
  char child_pid[16];

  assert_int_equal (pipe2 (ready, O_CLOEXEC), 0);
  child = fork ();
  if (child == 0)
    {
      if (unshare (CLONE_NEWIPC) < 0)
        _exit (1);
      if (write (ready[1], "x", 1) < 0)
        _exit (1);
      pause ();
      _exit (0);
    }
  close (ready[1]);
  assert_int_equal (read (ready[0], &c, 1), 1);
  close (ready[0]);
  snprintf (child_pid, sizeof child_pid, "%d", (int) child);
  /* PID 1's namespaces where hardshim may look at PID 1 (ptrace access);
   * else another process's in the host's network namespace. */
  init_fd = open ("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
  if (init_fd < 0)
    print_message ("note: /proc/1/ns/net: %s here: the host's network namespace as the child's\n", strerror (errno));
  else
    close (init_fd);
  text = xasprintf ("{\"linux\": {\"namespaces\": [{\"type\": \"network\", \"path\": \"/proc/%s/ns/net\"}, "
                    "{\"type\": \"uts\", \"path\": \"/proc/self/ns/uts\"}, "
                    "{\"type\": \"ipc\", \"path\": \"/proc/%d/ns/ipc\"}, {\"type\": \"pid\"}]}}",
                    init_fd >= 0 ? "1" : child_pid, (int) child);
  spec = tu_parse (text);
  assert_int_equal (hs_namespaces_probe (spec, false, &host, &err), 0);
  assert_int_equal (host.n_joined, 3);
  assert_string_equal (host.joined[0].type, "network");
  assert_true (host.joined[0].is_host);
  assert_string_equal (host.joined[1].type, "uts");
  assert_true (host.joined[1].is_host); /* hardshim's own */
  assert_string_equal (host.joined[2].type, "ipc");
  assert_false (host.joined[2].is_host);
  hs_host_release (&host);
  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
}

/* A sealed spec's source at hardshim's pin is resolved from the engine's
 * source it kept (bind_pins.h); an unsealed one is resolved as written.
 * Each opened source's descriptor is kept: the object judged. */
static void
test_binds_pinned (void **state)
{
  _cleanup_free_ char *dir = tu_mkdtemp (), *vol = xasprintf ("%s/vol", dir), *missing = xasprintf ("%s/no", dir);
  const char *sources[] = { HS_PIN_DIR "/3", vol, missing };
  hs_policy policy = { 0 };
  struct stat st, got;
  (void) state;

  if (mkdir (vol, 0755) < 0 || stat (vol, &st) < 0)
    fail_msg ("mkdir %s: %s", vol, strerror (errno));
  for (int sealed = 0; sealed <= 1; sealed++)
    {
      _cleanup_json_ hs_json spec = _spec_binds (sources, HS_ARRAY_SIZE (sources)), ann = hs_json_new_object ();
      hs_host host = { 0 };
      hs_error err = { 0 };
      hs_json_object_set (ann, HS_PIN_ANNOTATION "3", hs_json_new_string (vol));
      hs_json_object_set (spec, "annotations", TAKE_PTR (ann));
      assert_int_equal (hs_host_probe_refs (spec, dir, sealed, &policy, false, &host, &err), 0);
      const hs_bind_ref *pin = hs_host_bind_ref (&host, HS_PIN_DIR "/3"), *plain = hs_host_bind_ref (&host, vol);
      const hs_bind_ref *none = hs_host_bind_ref (&host, missing);
      assert_non_null (pin);
      assert_non_null (plain);
      assert_non_null (none);
      if (sealed)
        {
          assert_string_equal (pin->via, vol);
          assert_true (hs_id_ref_same (&pin->id, &plain->id));
          assert_true (pin->fd >= 0 && fstat (pin->fd, &got) == 0 && got.st_ino == st.st_ino);
        }
      else
        {
          assert_null (pin->via);
          assert_false (pin->id.exists); /* the pin exists only in a bridge's mount namespace */
          assert_int_equal (pin->fd, -1);
        }
      assert_null (plain->via);
      assert_true (plain->fd >= 0 && fstat (plain->fd, &got) == 0 && got.st_ino == st.st_ino);
      assert_int_equal (none->fd, -1);
      assert_int_equal (none->id.error, ENOENT);
      hs_host_release (&host);
    }
  rmdir (vol);
  rmdir (dir);
}

/* Each class's allowed bind sources and hooks, by identity. */
static void
test_class_refs (void **state)
{
  hs_allow_bind binds[]
      = { { (char *) "/etc", true }, { (char *) "/nonexistent-hardshim-unit", false }, { (char *) "relative", true } };
  char *hooks[] = { (char *) "/bin/true" };
  hs_class classes[2]
      = { { .name = (char *) "default" },
          { .name = (char *) "ci", .allow = { .binds = binds, .nbinds = 3, .hooks = { .v = hooks, .n = 1 } } } };
  hs_policy policy = { .classes = classes, .nclasses = 2 };
  const char *sources[] = { "/etc/../etc" };
  _cleanup_json_ hs_json spec = _spec_binds (sources, 1);
  hs_host host = { 0 };
  hs_error err = { 0 };
  hs_id_ref t;

  assert_int_equal (hs_host_probe_refs (spec, "/", false, &policy, false, &host, &err), 0);
  assert_int_equal (host.nclasses, 2);
  assert_true (hs_id_ref_same (&host.class_binds[1][0], &hs_host_bind_ref (&host, "/etc/../etc")->id));
  assert_false (host.class_binds[1][1].exists);
  assert_int_equal (host.class_binds[1][1].error, ENOENT);
  assert_false (host.class_binds[1][2].exists);
  hs_id_ref_of ("/bin/true", &t);
  assert_true (hs_id_ref_same (&host.class_hooks[1][0], &t));
  hs_host_release (&host);
}

/* Write v to /proc/self/oom_score_adj: 0, else -errno. */
static int
_set_oom (int v)
{
  _cleanup_close_ int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  _cleanup_free_ char *text = xasprintf ("%d", v);

  assert_true (fd >= 0);
  return write (fd, text, strlen (text)) == (ssize_t) strlen (text) ? 0 : -errno;
}

/* The oom_score_adj hardshim inherits, read from /proc/self/oom_score_adj
 * (the kernel's range, -1000 to 1000, at both ends).  In ascending order:
 * without CAP_SYS_RESOURCE a process may not lower its own. */
static void
test_probe_inherited_oom (void **state)
{
  static const int values[] = { -1000, -1, 0, 1, 1000 };
  size_t tried = 0;

  for (size_t i = 0; i < HS_ARRAY_SIZE (values); i++)
    {
      hs_host host = { 0 };
      int r = _set_oom (values[i]);
      if (r == -EACCES)
        {
          print_message ("SKIP: oom_score_adj %d: this process may not lower its own (no CAP_SYS_RESOURCE)\n",
                         values[i]);
          continue;
        }
      assert_int_equal (r, 0);
      hs_host_probe_process (&host);
      assert_true (host.have_inherited);
      assert_int_equal (host.inherited_oom_score_adj, values[i]);
      hs_host_release (&host);
      tried++;
    }
  assert_true (tried >= 2); /* 1000 and 1 can always be set */
}

/* A release takes an empty value: zeroed (join_userns_fd 0 and the
 * joined fds are not host's own then: fd 0 stays open), or released
 * already (its fds are not closed twice). */
static void
test_release_empty (void **state)
{
  hs_host host = { 0 };
  hs_bind_pins pins = { 0 };
  int null = -1, ufd, fd, again[2];

  if (fcntl (0, F_GETFD) < 0)
    assert_int_equal (null = open ("/dev/null", O_RDONLY | O_CLOEXEC), 0);
  hs_host_release (&host);
  hs_host_release (&host);
  assert_true (fcntl (0, F_GETFD) >= 0);

  host.apparmor_why = xstrdup ("why");
  host.joins_userns = true;
  host.join_userns_fd = ufd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  host.join_userns_via = xstrdup ("/proc/1/ns/user");
  host.n_joined = 1;
  host.joined[0].via = xstrdup ("/proc/1/ns/net");
  host.joined[0].fd = fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  host.binds = xcalloc (1, sizeof *host.binds);
  host.nbinds = 1;
  host.binds[0].fd = -1;
  host.binds[0].source = xstrdup ("/a");
  hs_host_release (&host);
  assert_true (fcntl (ufd, F_GETFD) < 0 && fcntl (fd, F_GETFD) < 0);
  assert_null (host.apparmor_why);
  /* the numbers are taken again... */
  again[0] = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  again[1] = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  assert_true ((again[0] == ufd && again[1] == fd) || (again[0] == fd && again[1] == ufd));
  hs_host_release (&host);
  /* ...and a second release leaves them alone */
  assert_true (fcntl (ufd, F_GETFD) >= 0 && fcntl (fd, F_GETFD) >= 0);
  close (again[0]);
  close (again[1]);

  hs_bind_pins_release (&pins);
  hs_bind_pins_release (&pins);
  pins.v = xcalloc (1, sizeof *pins.v);
  pins.v[0] = (hs_bind_pin){ .path = xstrdup ("/p"), .tree = open ("/dev/null", O_RDONLY | O_CLOEXEC) };
  pins.n = 1;
  hs_bind_pins_release (&pins);
  hs_bind_pins_release (&pins);
  {
    _cleanup_host_ hs_host h = { .apparmor_why = xstrdup ("why") };
    _cleanup_bind_pins_ hs_bind_pins b = { 0 };
  }
  if (null >= 0)
    close (null);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup (test_binds_real_paths, _reset),
    cmocka_unit_test_setup (test_release_empty, _reset),
    cmocka_unit_test_setup (test_bind_device_numbers, _reset),
    cmocka_unit_test_setup (test_binds_state_roots_and_sockets, _reset),
    cmocka_unit_test_setup (test_hooks, _reset),
    cmocka_unit_test_setup (test_cgroups, _reset),
    cmocka_unit_test_setup (test_expand_slice, _reset),
    cmocka_unit_test_setup (test_joined_is_host, _reset),
    cmocka_unit_test_setup (test_class_refs, _reset),
    cmocka_unit_test_setup (test_binds_pinned, _reset),
    cmocka_unit_test (test_probe_inherited_oom),
  };

  if (geteuid () != 0)
    {
      printf ("SKIP: the host-refs probe tests need root\n");
      return 77;
    }
  /* A private mount namespace: the tmpfs mounts are the test's alone. */
  if (unshare (CLONE_NEWNS) < 0 || mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
    _no_ns = "no private mount namespace here";
  return cmocka_run_group_tests (tests, NULL, NULL);
}
