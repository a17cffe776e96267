/*
 * hardshim-landlock: deny writes beneath some paths with Landlock, then exec
 * a command (measure 6, "lsm", where AppArmor is absent).  hardshim
 * bind-mounts this static program read-only at /dev/.hardshim/landlock and
 * puts it in front of process.args:
 *
 *     hardshim-landlock --deny PATH [--deny PATH]... -- COMMAND [ARG]...
 *
 * Exit status when COMMAND does not run: 125 usage error; 126 no Landlock or
 * a Landlock failure (fail closed: never unconfined), or COMMAND not
 * executable; 127 COMMAND not found.
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
 * file).  Limitation: rules belong to inodes, not paths: a directory mounted
 * both at /data and at /home/u is writable at both.
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
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Each denied path as given and as resolved: at most two entries per --deny. */
static char deny[2 * MAX_DENY][PATH_MAX];
static size_t n_deny;

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
  strcpy (deny[n_deny++], p);
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
      if (len + 1 + (size_t)(e - s) >= PATH_MAX)
        die (125, "--deny `%s`: path too long", arg);
      ret[len++] = '/';
      memcpy (ret + len, s, (size_t)(e - s));
      len += (size_t)(e - s);
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

  strcpy (buf, lex);
  while (!realpath (buf, ret))
    {
      if ((errno != ENOENT && errno != ENOTDIR) || strcmp (buf, "/") == 0)
        die (126, "resolve `%s`: %s", buf, strerror (errno));
      if (lstat (buf, &st) == 0)
        die (126, "resolve `%s`: `%s` is a dangling symlink", lex, buf);
      cut = (size_t)(strrchr (buf, '/') - buf);
      buf[cut == 0 ? 1 : cut] = '\0';
    }
  if (lex[cut] == '\0')
    return;
  if (strcmp (ret, "/") == 0)
    ret[0] = '\0';
  if (strlen (ret) + strlen (lex + cut) >= PATH_MAX)
    die (126, "resolve `%s`: path too long", lex);
  strcat (ret, lex + cut);
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
      /* (too long for PATH_MAX: no denied path is beneath it) */
      if (n > 0 && (size_t)n < sizeof child && near_denied (child, n_deny, 1))
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
          n = snprintf (file, sizeof file, "%.*s%s%s", (int)(e - s), s, e == s ? "" : "/", argv[0]);
          if (n > 0 && (size_t)n < sizeof file)
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

  ruleset = (int)syscall (SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
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
          size_t len = s == deny[k] ? 1 : (size_t)(s - deny[k]);

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
