/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hardshim-landlock: deny writes beneath some paths with Landlock, then exec
 * a command (measure 6, "lsm", where AppArmor is absent).  hardshim
 * bind-mounts this static program read-only at /dev/.hardshim/landlock and
 * puts it in front of process.args:
 *
 *     hardshim-landlock --deny PATH [--deny PATH]... -- COMMAND [ARG]...
 *
 * Exit status when COMMAND does not run: 125 usage error; 126 no Landlock, a
 * Landlock failure or a writable entry aliasing a denied path (fail closed:
 * never unconfined), or COMMAND not executable; 127 COMMAND not found.
 *
 * Landlock denies what no rule allows, so the write rights are granted
 * beneath every entry of every ancestor directory of a denied path, except
 * the entries that are a denied path or an ancestor of one.  The ancestors
 * get no rule: nothing is created, removed or renamed directly in them (/
 * included), so a denied directory cannot be moved away or replaced.  A
 * restricted process cannot change its mounts, and linking or renaming out
 * of a denied directory needs REFER there (always refused by ABI 1).
 *
 * The image is untrusted: each path is denied as given and as resolved in
 * the container; symlink entries get no rule (a write through one is checked
 * at its target), nor do files with several links (a hard link of a denied
 * file).
 *
 * Rules belong to inodes, not paths: a rule on an entry applies to every path
 * whose walk (up to the root, from each mount root to its mount point)
 * visits its inode.  So the helper refuses (126, the command does not run)
 * when an entry it would grant is the same inode as / , as an ancestor of a
 * denied path, as a denied path or as the root of a mount at or beneath one
 * (the rootfs bind-mounted again at /mnt; one directory at /data and at
 * /home/u), or when it lies, in its filesystem, at or beneath a denied path
 * or the root of a mount at or beneath one (/home/u a bind of V, /data of
 * V/sub).  Where the entry is placed comes from its mount id (statx) and
 * /proc/self/mountinfo.  It refuses too when such an entry holds, in its
 * filesystem, a denied path or the root of a mount at or beneath one (/data
 * = P, /home/u = P/home: walks from /home/u never visit P, but the files of
 * /home/u could be written as /data/home/...), and applies all of these
 * checks to every mount beneath the entry as well, which its rule covers
 * (/mnt/x = V, /home/u = V).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Newer than some headers (Debian 12's stop at ABI 2). */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define PROG "hardshim-landlock"
#define MAX_DENY 32
#define MAX_MOUNTS 1024
#define MAX_FORBIDDEN 4096
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Each denied path as given and as resolved: at most two entries per --deny. */
static char deny[2 * MAX_DENY][PATH_MAX];
static size_t n_deny;

/* /proc/self/mountinfo, split in place: mount id, major:minor, root of the
 * mount in its filesystem, mount point, mount options (fields 1, 3-6). */
struct mount
{
  unsigned long long id;
  const char *dev, *root, *point;
  int ro; /* its per-mount options (field 6) say read-only */
};
static char mountinfo[1 << 20];
static struct mount mounts[MAX_MOUNTS];
static size_t n_mounts;

/* The inodes no rule may go to: / and the ancestors of the denied paths,
 * the denied paths, the roots of the mounts at or beneath them; PATH (LEN
 * bytes) names each in messages. */
struct inode
{
  dev_t dev;
  ino_t ino;
  const char *path;
  size_t len;
};
static struct inode forbidden[MAX_FORBIDDEN];
static size_t n_forbidden;

/* The denied areas of the filesystems: nothing at or beneath ROOT on DEV
 * may get a rule; WHAT names the denied path or mount. */
struct area
{
  const char *dev, *root, *what;
};
static char deny_loc[2 * MAX_DENY][PATH_MAX];
static struct area areas[2 * MAX_DENY + MAX_MOUNTS];
static size_t n_areas;

static void __attribute__ ((noreturn, format (printf, 2, 3))) die (int status, const char *fmt, ...)
{
  va_list ap;

  fputs (PROG ": ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (status);
}

/* DST (PATH_MAX bytes, A may be it) = A then B.  A path too long is
 * refused, never cut: a shorter one would deny another path.  WHAT names
 * it. */
static void
set_path (char dst[PATH_MAX], const char *a, const char *b, const char *what)
{
  size_t la = strlen (a), lb = strlen (b);

  if (la >= PATH_MAX || lb >= PATH_MAX - la)
    die (126, "`%s`: path too long", what);
  memmove (dst, a, la);
  memcpy (dst + la, b, lb + 1);
}

/* S, digits only, as a number without overflow: 0, else -1. */
static int
parse_decimal (const char *s, unsigned long long *ret)
{
  unsigned long long v = 0;

  if (*s == '\0')
    return -1;
  for (; *s; s++)
    {
      unsigned d = (unsigned) (*s - '0');
      if (d > 9 || v > (ULLONG_MAX - d) / 10)
        return -1;
      v = v * 10 + d;
    }
  *ret = v;
  return 0;
}

/* Is P at or beneath D (both normalised absolute paths)? */
static int
beneath (const char *p, const char *d)
{
  size_t n = strlen (d);

  return strcmp (d, "/") == 0 || (strncmp (p, d, n) == 0 && (p[n] == '\0' || p[n] == '/'));
}

/* Is one of the first N denied paths at or beneath P (BELOW), or is P at or
 * beneath one of them (!BELOW)? */
static int
near_denied (const char *p, size_t n, int below)
{
  for (size_t i = 0; i < n; i++)
    if (below ? beneath (deny[i], p) : beneath (p, deny[i]))
      return 1;
  return 0;
}

/* Add P to the denied paths unless it is there already. */
static void
add_deny (const char *p)
{
  for (size_t i = 0; i < n_deny; i++)
    if (strcmp (deny[i], p) == 0)
      return;
  if (n_deny == sizeof deny / sizeof deny[0])
    die (126, "more than %zu denied paths", sizeof deny / sizeof deny[0]);
  set_path (deny[n_deny++], p, "", p);
}

/* ARG, absolute, without `.`, `..`, empty components or a trailing slash. */
static void
normalise (const char *arg, char ret[PATH_MAX])
{
  const char *s = arg, *e;
  size_t len = 0;

  if (arg[0] != '/')
    die (125, "--deny `%s`: not an absolute path", arg);
  for (; *s; s = e)
    {
      while (*s == '/')
        s++;
      e = s + strcspn (s, "/");
      if (e == s)
        break;
      if ((e - s == 1 && s[0] == '.') || (e - s == 2 && s[0] == '.' && s[1] == '.'))
        die (125, "--deny `%s`: `.` and `..` are not allowed", arg);
      if (len + 1 + (size_t) (e - s) >= PATH_MAX)
        die (125, "--deny `%s`: path too long", arg);
      ret[len++] = '/';
      memcpy (ret + len, s, (size_t) (e - s));
      len += (size_t) (e - s);
    }
  if (len == 0)
    ret[len++] = '/';
  ret[len] = '\0';
}

/*
 * The real path of LEX in the container.  A path that does not exist keeps
 * its missing tail, appended to the real path of its longest existing prefix
 * (nothing can create the tail: its parent gets no rule); a dangling symlink
 * on the way is refused, since its target might be created where writes are
 * allowed.
 */
static void
resolve (const char *lex, char ret[PATH_MAX])
{
  char buf[PATH_MAX];
  struct stat st;
  size_t cut = strlen (lex);

  set_path (buf, lex, "", lex);
  while (!realpath (buf, ret))
    {
      if ((errno != ENOENT && errno != ENOTDIR) || strcmp (buf, "/") == 0)
        die (126, "resolve `%s`: %s", buf, strerror (errno));
      if (lstat (buf, &st) == 0)
        die (126, "resolve `%s`: `%s` is a dangling symlink", lex, buf);
      cut = (size_t) (strrchr (buf, '/') - buf);
      buf[cut == 0 ? 1 : cut] = '\0';
    }
  if (lex[cut] == '\0')
    return;
  set_path (ret, strcmp (ret, "/") == 0 ? "" : ret, lex + cut, lex);
}

/* Undo mountinfo's octal escapes (\040 for a space...) in place. */
static char *
unescape (char *s)
{
  char *r = s, *w = s;

  while (*r)
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7')
      {
        *w++ = (char) ((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
        r += 4;
      }
    else
      *w++ = *r++;
  *w = '\0';
  return s;
}

static void
read_mountinfo (void)
{
  char *rest = mountinfo, *line, *f[6];
  size_t len = 0;
  ssize_t r;
  int fd;

  fd = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die (126, "open `/proc/self/mountinfo`: %s", strerror (errno));
  while ((r = read (fd, mountinfo + len, sizeof mountinfo - 1 - len)) > 0)
    len += (size_t) r;
  if (r < 0)
    die (126, "read `/proc/self/mountinfo`: %s", strerror (errno));
  if (len == sizeof mountinfo - 1)
    die (126, "`/proc/self/mountinfo`: too large");
  close (fd);
  mountinfo[len] = '\0';
  while ((line = strsep (&rest, "\n")))
    {
      if (*line == '\0')
        continue;
      for (int k = 0; k < 6; k++)
        if (!(f[k] = strsep (&line, " ")) || (k < 5 && !line))
          die (126, "`/proc/self/mountinfo`: malformed line");
      if (n_mounts == MAX_MOUNTS)
        die (126, "`/proc/self/mountinfo`: more than %d mounts", MAX_MOUNTS);
      if (parse_decimal (f[0], &mounts[n_mounts].id) < 0)
        die (126, "`/proc/self/mountinfo`: malformed mount id `%s`", f[0]);
      mounts[n_mounts].dev = f[2];
      mounts[n_mounts].root = unescape (f[3]);
      mounts[n_mounts].ro = strcmp (f[5], "ro") == 0 || strncmp (f[5], "ro,", 3) == 0;
      mounts[n_mounts++].point = unescape (f[4]);
    }
  if (n_mounts == 0)
    die (126, "`/proc/self/mountinfo`: no mounts");
}

/* Where PATH (a real path, open as FD) lies in its filesystem: the root of
 * its mount (by mount id) followed by PATH's part beneath the mount point,
 * in LOC; the filesystem's major:minor in *DEV.  Returns its mount. */
static const struct mount *
locate (int fd, const char *path, const char **dev, char loc[PATH_MAX])
{
  const struct mount *m = NULL;
  const char *tail;
  struct statx stx;

  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
    die (126, "statx `%s`: %s", path, strerror (errno));
  if (!(stx.stx_mask & STATX_MNT_ID))
    die (126, "statx `%s`: no mount id", path);
  for (size_t i = 0; i < n_mounts && !m; i++)
    if (mounts[i].id == stx.stx_mnt_id)
      m = &mounts[i];
  if (!m)
    die (126, "`%s`: mount %llu is not in /proc/self/mountinfo", path, (unsigned long long) stx.stx_mnt_id);
  if (!beneath (path, m->point))
    die (126, "`%s` is not beneath its mount point `%s`", path, m->point);
  /* (the mount point / : PATH itself, "" for / ) */
  tail = strcmp (m->point, "/") == 0 ? path + (path[1] == '\0') : path + strlen (m->point);
  set_path (loc, strcmp (m->root, "/") == 0 && *tail ? "" : m->root, tail, path);
  *dev = m->dev;
  return m;
}

/* Add the inode of the first LEN bytes of PATH, if there is one, to the
 * forbidden ones. */
static void
forbid (const char *path, size_t len)
{
  char p[PATH_MAX];
  struct stat st;

  if (len >= sizeof p)
    die (126, "`%.*s`: path too long", (int) len, path);
  memcpy (p, path, len);
  p[len] = '\0';
  if (stat (p, &st) < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return;
      die (126, "stat `%s`: %s", p, strerror (errno));
    }
  for (size_t i = 0; i < n_forbidden; i++)
    if (forbidden[i].dev == st.st_dev && forbidden[i].ino == st.st_ino)
      return;
  if (n_forbidden == MAX_FORBIDDEN)
    die (126, "more than %d paths to keep rules away from", MAX_FORBIDDEN);
  forbidden[n_forbidden++] = (struct inode){ st.st_dev, st.st_ino, path, len };
}

/* The forbidden inodes and the denied areas, from the denied paths and
 * /proc/self/mountinfo. */
static void
collect_forbidden (void)
{
  char real[PATH_MAX];
  int fd;

  read_mountinfo ();
  forbid ("/", 1);
  for (size_t k = 0; k < n_deny; k++)
    {
      for (const char *s = strchr (deny[k] + 1, '/'); s; s = strchr (s + 1, '/'))
        forbid (deny[k], (size_t) (s - deny[k]));
      forbid (deny[k], strlen (deny[k]));
      if (!realpath (deny[k], real))
        {
          if (errno == ENOENT || errno == ENOTDIR)
            continue;
          die (126, "resolve `%s`: %s", deny[k], strerror (errno));
        }
      fd = open (real, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        die (126, "open `%s`: %s", real, strerror (errno));
      locate (fd, real, &areas[n_areas].dev, deny_loc[k]);
      close (fd);
      areas[n_areas].root = deny_loc[k];
      areas[n_areas++].what = deny[k];
    }
  for (size_t i = 0; i < n_mounts; i++)
    if (near_denied (mounts[i].point, n_deny, 0))
      {
        forbid (mounts[i].point, strlen (mounts[i].point));
        areas[n_areas++] = (struct area){ mounts[i].dev, mounts[i].root, mounts[i].point };
      }
}

/* Die if LOC on DEV (a place in a filesystem a rule would make writable,
 * reached as PATH) lies at or beneath a denied area, or holds one: writes
 * beneath a denied path would be allowed through it.  Holding one is
 * harmless when PATH's mount is read-only (RO): walks from the denied
 * mount never visit LOC, and writes through PATH fail. */
static void
check_area (const char *path, const char *dev, const char *loc, int ro)
{
  for (size_t i = 0; i < n_areas; i++)
    {
      if (strcmp (dev, areas[i].dev) != 0)
        continue;
      if (beneath (loc, areas[i].root))
        die (126, "`%s` is within `%s` (`%s` beneath `%s` on %s): refusing to allow writes beneath it", path,
             areas[i].what, loc, areas[i].root, dev);
      if (!ro && beneath (areas[i].root, loc))
        die (126, "`%s` holds `%s` (`%s` beneath `%s` on %s): refusing to allow writes beneath it", path, areas[i].what,
             areas[i].root, loc, dev);
    }
}

/* Die if ST is a forbidden inode; PATH names it. */
static void
check_inode (const struct stat *st, const char *path)
{
  for (size_t i = 0; i < n_forbidden; i++)
    if (forbidden[i].dev == st->st_dev && forbidden[i].ino == st->st_ino)
      die (126, "`%s` is the same file as `%.*s`: refusing to allow writes beneath it", path, (int) forbidden[i].len,
           forbidden[i].path);
}

/* Refuse to grant a rule to PATH (open as FD, stat ST) if writes beneath a
 * denied path would be allowed through it: its inode is forbidden, or it
 * (or a mount beneath it, which its rule covers too) is a place in its
 * filesystem at or beneath a denied area, or holding one (/data = P,
 * /etc/app = P/sub: /data/sub is /etc/app). */
static void
check_alias (int fd, const struct stat *st, const char *path)
{
  const struct mount *m;
  char loc[PATH_MAX];
  const char *dev;
  struct stat mst;

  check_inode (st, path);
  m = locate (fd, path, &dev, loc);
  check_area (path, dev, loc, m->ro);
  for (size_t i = 0; i < n_mounts; i++)
    {
      if (!beneath (mounts[i].point, path))
        continue;
      if (stat (mounts[i].point, &mst) == 0)
        check_inode (&mst, mounts[i].point);
      else if (errno != ENOENT && errno != ENOTDIR && !mounts[i].ro)
        die (126, "stat `%s`: %s", mounts[i].point, strerror (errno));
      /* A read-only mount the container cannot even look at (a host
       * directory of another owner, below a volume a class allows) takes no
       * write through it, whatever file it is. */
      check_area (mounts[i].point, mounts[i].dev, mounts[i].root, mounts[i].ro);
    }
}

/* Grant the write rights beneath every entry of directory DIR that is not
 * (an ancestor of) a denied path. */
static void
grant_entries (int ruleset, const char *dir, __u64 handled, __u64 file_rights)
{
  char real[PATH_MAX], child[PATH_MAX];
  struct dirent *de;
  struct stat st;
  DIR *d;
  int fd;

  /* Only real directories: an ancestor of a path as given that goes
   * through a symlink is enumerated under its real name, as an ancestor
   * of the path as resolved (entries are compared by their real paths). */
  if (!realpath (dir, real))
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return;
      die (126, "resolve `%s`: %s", dir, strerror (errno));
    }
  if (strcmp (real, dir) != 0)
    return;
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || !(d = fdopendir (fd)))
    die (126, "open `%s`: %s", dir, strerror (errno));
  for (errno = 0; (de = readdir (d)); errno = 0)
    {
      struct landlock_path_beneath_attr rule = { 0 };
      int n;

      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      n = snprintf (child, sizeof child, "%s/%s", strcmp (dir, "/") == 0 ? "" : dir, de->d_name);
      if (n < 0 || (size_t) n >= sizeof child)
        die (126, "`%s/%s`: path too long", strcmp (dir, "/") == 0 ? "" : dir, de->d_name);
      if (near_denied (child, n_deny, 1))
        continue;
      rule.parent_fd = openat (dirfd (d), de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (rule.parent_fd < 0 && errno == ENOENT)
        continue;
      if (rule.parent_fd < 0 || fstat (rule.parent_fd, &st) < 0)
        die (126, "open `%s`: %s", child, strerror (errno));
      if (S_ISDIR (st.st_mode))
        rule.allowed_access = handled;
      else if (!S_ISLNK (st.st_mode) && st.st_nlink == 1)
        rule.allowed_access = file_rights;
      if (rule.allowed_access)
        check_alias (rule.parent_fd, &st, child);
      if (rule.allowed_access && syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) < 0)
        die (126, "landlock_add_rule `%s`: %s", child, strerror (errno));
      close (rule.parent_fd);
    }
  if (errno)
    die (126, "read `%s`: %s", dir, strerror (errno));
  closedir (d);
}

/* Exec ARGV like runc: as is when ARGV[0] has a slash, else searched in
 * PATH, an EACCES remembered while looking further; execve, never a shell
 * (no execvp fallback to /bin/sh on ENOEXEC). */
static void __attribute__ ((noreturn)) exec_command (char **argv)
{
  const char *path = getenv ("PATH"), *s, *e;
  char file[PATH_MAX];
  int err = ENOENT;

  if (strchr (argv[0], '/'))
    {
      execve (argv[0], argv, environ);
      err = errno;
    }
  else if (argv[0][0] != '\0')
    {
      for (s = path ? path : DEFAULT_PATH;; s = e + 1)
        {
          int n;

          /* An empty entry is the current directory, as for execvp. */
          e = s + strcspn (s, ":");
          n = snprintf (file, sizeof file, "%.*s%s%s", (int) (e - s), s, e == s ? "" : "/", argv[0]);
          if (n > 0 && (size_t) n < sizeof file)
            {
              execve (file, argv, environ);
              if (errno == EACCES)
                err = EACCES;
              else if (errno != ENOENT && errno != ENOTDIR)
                {
                  err = errno;
                  break;
                }
            }
          if (*e == '\0')
            break;
        }
    }
  die (err == ENOENT ? 127 : 126, "exec `%s`: %s", argv[0], strerror (err));
}

int
main (int argc, char **argv)
{
  struct landlock_ruleset_attr attr = { 0 };
  char real[PATH_MAX];
  size_t n_given;
  __u64 file_rights;
  long abi;
  int i, ruleset;

  for (i = 1; i < argc && strcmp (argv[i], "--") != 0; i += 2)
    {
      if (strcmp (argv[i], "--deny") != 0)
        die (125, "unknown argument `%s` (usage: " PROG " --deny PATH... -- COMMAND [ARG]...)", argv[i]);
      if (i + 1 >= argc)
        die (125, "--deny needs a path");
      if (n_deny == MAX_DENY)
        die (125, "more than %d --deny paths", MAX_DENY);
      normalise (argv[i + 1], real);
      add_deny (real);
    }
  if (n_deny == 0)
    die (125, "no --deny path (usage: " PROG " --deny PATH... -- COMMAND [ARG]...)");
  if (i >= argc)
    die (125, "no `--` before the command");
  if (i + 1 >= argc)
    die (125, "no command after `--`");

  abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1)
    die (126, "Landlock is not available (%s): refusing to run `%s` without it", abi < 0 ? strerror (errno) : "ABI < 1",
         argv[i + 1]);

  /* The write rights of the running ABI, and no other: reading and
   * executing stay allowed everywhere; IOCTL_DEV (ABI 5) is not a write
   * right, and handling it would subject every device ioctl (terminals
   * first) to these rules; network (ABI 4) and scopes (ABI 6) are not
   * about the filesystem. */
  attr.handled_access_fs = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR
                           | LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR
                           | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO
                           | LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
  file_rights = LANDLOCK_ACCESS_FS_WRITE_FILE;
  if (abi >= 2)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3)
    {
      attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
      file_rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
    }

  /* Deny each path as resolved too: writes through a symlink land there. */
  n_given = n_deny;
  for (size_t k = 0; k < n_given; k++)
    {
      resolve (deny[k], real);
      add_deny (real);
    }

  collect_forbidden ();
  ruleset = (int) syscall (SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0)
    die (126, "landlock_create_ruleset: %s", strerror (errno));
  /* Every strict ancestor of a denied path, unless at or beneath one, once:
   * those of an earlier denied path are done. */
  for (size_t k = 0; k < n_deny; k++)
    {
      char anc[PATH_MAX];
      const char *s;

      if (strcmp (deny[k], "/") == 0)
        continue;
      for (s = deny[k]; s; s = strchr (s + 1, '/'))
        {
          size_t len = s == deny[k] ? 1 : (size_t) (s - deny[k]);

          memcpy (anc, deny[k], len);
          anc[len] = '\0';
          if (near_denied (anc, n_deny, 0))
            break;
          if (!near_denied (anc, k, 1))
            grant_entries (ruleset, anc, attr.handled_access_fs, file_rights);
        }
    }

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die (126, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror (errno));
  if (syscall (SYS_landlock_restrict_self, ruleset, 0) < 0)
    die (126, "landlock_restrict_self: %s", strerror (errno));
  close (ruleset);
  exec_command (argv + i + 1);
}
