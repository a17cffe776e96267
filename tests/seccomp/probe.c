/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe: try, one by one, each primitive hardshim's seccomp profile denies
 * and print what the kernel (or the seccomp filter in front of it) answered.
 *
 * Output, on stdout only, one line per primitive:
 *
 *     NAME RESULT [cap-checked]
 *
 * RESULT is `ok` (the call succeeded), an errno name (`EPERM`, `ENOSYS`,
 * `EINVAL`, ...), `killed:SIGSYS` or `killed:N` (the call killed the
 * process with that signal), or `skip` (not tried on this architecture).
 *
 * Every attempt runs in a child process of its own, so that a call the
 * filter answers by killing, or one that succeeds, cannot affect the probe
 * or the next attempt.
 *
 * The arguments are chosen so that a call that gets past the filter is
 * answered by the kernel with something other than EPERM or ENOSYS (a NULL
 * or bad pointer gives EFAULT, a bad descriptor EBADF, an unknown flag or
 * command EINVAL), without ever doing anything if the call does succeed:
 * EPERM then proves that the seccomp filter answered, not a missing
 * capability.  Where the kernel checks a capability before looking at any
 * argument, no such choice exists: the line carries a third word,
 * `cap-checked`, and an EPERM there is the filter's or the kernel's.
 *
 * The few calls that do succeed when allowed (the controls, personality,
 * unshare of a user namespace, userfaultfd, fanotify_init, modify_ldt read)
 * change nothing outside the child that makes them.
 *
 * Numbers are raw syscall numbers (syscall(2)), so that libc wrappers and
 * their fallbacks do not get in the way.  Numbers too new for the C library's
 * headers are defined here; they are the same on every architecture since
 * the syscall tables were unified (424 and up).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_fsopen
#define __NR_fsopen 430
#endif
#ifndef __NR_fsconfig
#define __NR_fsconfig 431
#endif
#ifndef __NR_fsmount
#define __NR_fsmount 432
#endif
#ifndef __NR_fspick
#define __NR_fspick 433
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_process_madvise
#define __NR_process_madvise 440
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#ifndef __NR_mseal
#define __NR_mseal 462
#endif

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* userfaultfd(2): only faults from user space; allowed without privilege. */
#define PROBE_UFFD_USER_MODE_ONLY 1
/* fanotify_init(2) flags an unprivileged caller may use (Linux 5.13+). */
#define PROBE_FAN_CLASS_NOTIF 0x00000000
#define PROBE_FAN_REPORT_FID 0x00000200

/* A socket type past SOCK_MAX: __sock_create() answers EINVAL before it
 * looks at the family, so a call the filter lets through never creates a
 * socket, whatever the family and whether the kernel has it. */
#define PROBE_BAD_SOCK_TYPE 15
/* A protocol past IPPROTO_MAX: inet_create()/inet6_create() answer EINVAL
 * before checking CAP_NET_RAW.  (The type must stay SOCK_RAW: that is what
 * the filter looks at.) */
#define PROBE_BAD_IP_PROTO 1000

/* A pointer nothing is mapped at. */
#define BAD_PTR ((void *) 1)
/* A process id no process has (beyond PID_MAX_LIMIT). */
#define NO_PID 0x3fffffff

/* Exit status of a child for "not tried here": above every errno value. */
#define EXIT_SKIP 250

/* Each probe makes one call and returns its result the way syscall(2)
 * does: -1 with errno set on failure. */
typedef long (*probe_fn) (void);

struct probe
{
  const char *name;
  probe_fn fn;
  int cap_checked;
};

/* In a probe not built for this architecture: the child reports `skip`. */
#define skipped() (_exit (EXIT_SKIP), -1L)

/* ---- controls: allowed by every profile ------------------------------ */

static long p_getpid (void);
static long
p_getpid (void)
{
  return syscall (__NR_getpid);
}

/* clone without namespace flags: what fork() does. */
static long p_fork (void);
static long
p_fork (void)
{
  pid_t pid = fork ();
  if (pid == 0)
    _exit (0);
  if (pid < 0)
    return -1;
  return waitpid (pid, NULL, 0) == pid ? 0 : -1;
}

/* personality(0xffffffff) only reads the persona. */
static long p_personality_query (void);
static long
p_personality_query (void)
{
  return syscall (__NR_personality, 0xffffffffUL);
}

/* ---- mounts ----------------------------------------------------------- */

/* The kernel copies the file system type name before any capability
 * check: a bad pointer there is EFAULT. */
static long p_mount (void);
static long
p_mount (void)
{
  return syscall (__NR_mount, "none", "/", BAD_PTR, 0UL, NULL);
}

/* Unknown flags are EINVAL before any capability check. */
static long p_umount2 (void);
static long
p_umount2 (void)
{
  return syscall (__NR_umount2, "/", 0x7fff0000);
}

/* fsopen, fsmount, fspick and move_mount begin with may_mount()
 * (CAP_SYS_ADMIN in the mount namespace's user namespace): cap-checked.
 * With the capability the arguments below give EFAULT / EBADF / EINVAL. */
static long p_fsopen (void);
static long
p_fsopen (void)
{
  return syscall (__NR_fsopen, BAD_PTR, 0);
}

static long p_fsmount (void);
static long
p_fsmount (void)
{
  return syscall (__NR_fsmount, -1, 0, 0);
}

static long p_fspick (void);
static long
p_fspick (void)
{
  return syscall (__NR_fspick, -1, BAD_PTR, 0x7fff0000);
}

static long p_move_mount (void);
static long
p_move_mount (void)
{
  return syscall (__NR_move_mount, -1, BAD_PTR, -1, BAD_PTR, 0x7fff0000);
}

/* An unknown command: EINVAL (or EBADF for the descriptor). */
static long p_fsconfig (void);
static long
p_fsconfig (void)
{
  return syscall (__NR_fsconfig, -1, 0x7fff, NULL, NULL, 0);
}

/* Unknown flags are EINVAL before the OPEN_TREE_CLONE capability check. */
static long p_open_tree (void);
static long
p_open_tree (void)
{
  return syscall (__NR_open_tree, AT_FDCWD, "/", 0x7fff0000);
}

static long p_mount_setattr (void);
static long
p_mount_setattr (void)
{
  return syscall (__NR_mount_setattr, AT_FDCWD, "/", 0x7fff0000, NULL, 0);
}

static long p_pivot_root (void);
static long
p_pivot_root (void)
{
  return syscall (__NR_pivot_root, BAD_PTR, BAD_PTR);
}

/* The path is looked up before CAP_SYS_CHROOT is checked. */
static long p_chroot (void);
static long
p_chroot (void)
{
  return syscall (__NR_chroot, BAD_PTR);
}

/* ---- namespaces ------------------------------------------------------- */

/* The filter looks only at the namespace bits of the flags.  Each unshare
 * adds bit 0 (CSIGNAL, never valid for unshare): check_unshare_flags()
 * answers EINVAL before anything else.  Each clone adds CLONE_SIGHAND
 * without CLONE_VM: copy_process() answers EINVAL before creating anything. */
static long
try_unshare (unsigned long ns)
{
  return syscall (__NR_unshare, ns | 0x1UL);
}

static long
try_clone (unsigned long ns)
{
  return syscall (__NR_clone, ns | CLONE_SIGHAND | SIGCHLD, 0UL, NULL, NULL, 0UL);
}

#define NS_PROBES(flag, lower)                                                                                         \
  static long p_unshare_##lower (void);                                                                                \
  static long p_unshare_##lower (void) { return try_unshare (flag); }                                                  \
  static long p_clone_##lower (void);                                                                                  \
  static long p_clone_##lower (void) { return try_clone (flag); }

NS_PROBES (CLONE_NEWNS, newns)
NS_PROBES (CLONE_NEWCGROUP, newcgroup)
NS_PROBES (CLONE_NEWUTS, newuts)
NS_PROBES (CLONE_NEWIPC, newipc)
NS_PROBES (CLONE_NEWUSER, newuser)
NS_PROBES (CLONE_NEWPID, newpid)
NS_PROBES (CLONE_NEWNET, newnet)

/* CLONE_NEWTIME shares its bit with CSIGNAL in clone's flags: unshare only. */
static long p_unshare_newtime (void);
static long
p_unshare_newtime (void)
{
  return try_unshare (CLONE_NEWTIME);
}

/* For real: a new user namespace and, with the capabilities it grants, a
 * new mount namespace, for the child alone.  No capability is needed. */
static long p_userns (void);
static long
p_userns (void)
{
  return syscall (__NR_unshare, (unsigned long) (CLONE_NEWUSER | CLONE_NEWNS));
}

/* The descriptor is looked up first: EBADF. */
static long p_setns (void);
static long
p_setns (void)
{
  return syscall (__NR_setns, -1, CLONE_NEWNS);
}

/* A size below CLONE_ARGS_SIZE_VER0 is EINVAL. */
static long p_clone3 (void);
static long
p_clone3 (void)
{
  return syscall (__NR_clone3, NULL, 0UL);
}

/* ---- keys ------------------------------------------------------------- */

/* An unknown command: EOPNOTSUPP. */
static long p_keyctl (void);
static long
p_keyctl (void)
{
  return syscall (__NR_keyctl, 0x7fff, 0UL, 0UL, 0UL, 0UL);
}

/* The key type name is copied first: EFAULT. */
static long p_add_key (void);
static long
p_add_key (void)
{
  return syscall (__NR_add_key, NULL, NULL, NULL, 0UL, 0);
}

static long p_request_key (void);
static long
p_request_key (void)
{
  return syscall (__NR_request_key, NULL, NULL, NULL, 0);
}

/* ---- BPF, perf, tracing, other processes' memory ---------------------- */

/* An unknown command with an empty attribute: EINVAL (since Linux 6.5 the
 * unprivileged_bpf_disabled check is per command, not up front). */
static long p_bpf (void);
static long
p_bpf (void)
{
  return syscall (__NR_bpf, 0x7fff, NULL, 0U);
}

/* Unknown flags are EINVAL before perf_event_paranoid is consulted. */
static long p_perf_event_open (void);
static long
p_perf_event_open (void)
{
  return syscall (__NR_perf_event_open, NULL, 0, -1, -1, 0x7fff0000UL);
}

/* No such process: ESRCH. */
static long p_ptrace (void);
static long
p_ptrace (void)
{
  return syscall (__NR_ptrace, 16 /* PTRACE_ATTACH */, NO_PID, NULL, NULL);
}

/* Flags must be 0: EINVAL. */
static long p_process_vm_readv (void);
static long
p_process_vm_readv (void)
{
  return syscall (__NR_process_vm_readv, NO_PID, NULL, 0UL, NULL, 0UL, 1UL);
}

static long p_process_vm_writev (void);
static long
p_process_vm_writev (void)
{
  return syscall (__NR_process_vm_writev, NO_PID, NULL, 0UL, NULL, 0UL, 1UL);
}

static long p_process_madvise (void);
static long
p_process_madvise (void)
{
  return syscall (__NR_process_madvise, -1, NULL, 0UL, 0, 1U);
}

static long p_pidfd_getfd (void);
static long
p_pidfd_getfd (void)
{
  return syscall (__NR_pidfd_getfd, -1, 0, 1U);
}

/* No such process: ESRCH. */
static long p_kcmp (void);
static long
p_kcmp (void)
{
  return syscall (__NR_kcmp, NO_PID, NO_PID, 0, 0UL, 0UL);
}

/* ---- file handles, userfaultfd, io_uring, fanotify -------------------- */

/* A NULL handle: EFAULT.  Since Linux 6.12 the handle is copied in before
 * the CAP_DAC_READ_SEARCH check; older kernels check the capability first
 * (their EPERM is then the kernel's as well). */
static long p_open_by_handle_at (void);
static long
p_open_by_handle_at (void)
{
  return syscall (__NR_open_by_handle_at, -1, NULL, O_RDONLY);
}

/* Unknown flags: EINVAL. */
static long p_name_to_handle_at (void);
static long
p_name_to_handle_at (void)
{
  return syscall (__NR_name_to_handle_at, AT_FDCWD, "/", NULL, NULL, 0x7fff0000);
}

/* For real, in the mode any user may use: a descriptor, closed at exit. */
static long p_userfaultfd (void);
static long
p_userfaultfd (void)
{
  return syscall (__NR_userfaultfd, PROBE_UFFD_USER_MODE_ONLY | O_CLOEXEC);
}

/* The parameters are copied first: EFAULT. */
static long p_io_uring_setup (void);
static long
p_io_uring_setup (void)
{
  return syscall (__NR_io_uring_setup, 1U, NULL);
}

static long p_io_uring_enter (void);
static long
p_io_uring_enter (void)
{
  return syscall (__NR_io_uring_enter, -1, 0U, 0U, 0U, NULL, 0UL);
}

static long p_io_uring_register (void);
static long
p_io_uring_register (void)
{
  return syscall (__NR_io_uring_register, -1, 0U, NULL, 0U);
}

/* For real, as an unprivileged user may (Linux 5.13+): a descriptor. */
static long p_fanotify_init (void);
static long
p_fanotify_init (void)
{
  return syscall (__NR_fanotify_init, PROBE_FAN_CLASS_NOTIF | PROBE_FAN_REPORT_FID, O_RDONLY);
}

/* ---- the machine: kexec, modules, reboot, swap, accounting ------------ */

/* kexec_load/kexec_file_load, init/finit/delete_module, reboot, swapoff and
 * acct check their capability (CAP_SYS_BOOT, CAP_SYS_MODULE, CAP_SYS_ADMIN,
 * CAP_SYS_PACCT) before anything else: cap-checked.  With it, the arguments
 * below are rejected (EINVAL, EFAULT, EBADF): nothing is loaded, rebooted
 * or switched.  A kernel built without kexec or modules answers ENOSYS. */
static long p_kexec_load (void);
static long
p_kexec_load (void)
{
  return syscall (__NR_kexec_load, 0UL, 0x7fffffffUL, NULL, 0x7fff0000UL);
}

static long p_kexec_file_load (void);
static long
p_kexec_file_load (void)
{
  return syscall (__NR_kexec_file_load, -1, -1, 0UL, NULL, 0x7fff0000UL);
}

static long p_init_module (void);
static long
p_init_module (void)
{
  return syscall (__NR_init_module, BAD_PTR, 0UL, BAD_PTR);
}

static long p_finit_module (void);
static long
p_finit_module (void)
{
  return syscall (__NR_finit_module, -1, BAD_PTR, 0x7fff0000);
}

static long p_delete_module (void);
static long
p_delete_module (void)
{
  return syscall (__NR_delete_module, BAD_PTR, 0U);
}

/* Wrong magic numbers: EINVAL, checked after CAP_SYS_BOOT and before the
 * command is looked at. */
static long p_reboot (void);
static long
p_reboot (void)
{
  return syscall (__NR_reboot, 0, 0, 0x01234567, NULL);
}

/* Unknown flags are EINVAL before the CAP_SYS_ADMIN check. */
static long p_swapon (void);
static long
p_swapon (void)
{
  return syscall (__NR_swapon, BAD_PTR, 0x7fff0000);
}

static long p_swapoff (void);
static long
p_swapoff (void)
{
  return syscall (__NR_swapoff, BAD_PTR);
}

/* A bad pointer, never NULL (NULL would turn accounting off). */
static long p_acct (void);
static long
p_acct (void)
{
  return syscall (__NR_acct, BAD_PTR);
}

/* An unknown option: EINVAL (no capability involved). */
static long p_sysfs (void);
static long
p_sysfs (void)
{
#if defined(__NR_sysfs)
  return syscall (__NR_sysfs, 0x7fff, 0UL, 0UL);
#else
  return skipped ();
#endif
}

/* ---- the clock: the time is copied in before CAP_SYS_TIME is checked --- */

static long p_clock_settime (void);
static long
p_clock_settime (void)
{
  return syscall (__NR_clock_settime, CLOCK_REALTIME, NULL);
}

static long p_settimeofday (void);
static long
p_settimeofday (void)
{
  return syscall (__NR_settimeofday, BAD_PTR, NULL);
}

static long p_adjtimex (void);
static long
p_adjtimex (void)
{
#if defined(__NR_adjtimex)
  return syscall (__NR_adjtimex, NULL);
#else
  return skipped ();
#endif
}

static long p_clock_adjtime (void);
static long
p_clock_adjtime (void)
{
  return syscall (__NR_clock_adjtime, CLOCK_REALTIME, NULL);
}

/* ---- personality ------------------------------------------------------ */

/* For real, for the child alone: turning address space randomization off. */
static long p_personality_addr_no_randomize (void);
static long
p_personality_addr_no_randomize (void)
{
  return syscall (__NR_personality, (unsigned long) ADDR_NO_RANDOMIZE);
}

/* ---- sockets ---------------------------------------------------------- */

static long p_socket_af_alg (void);
static long
p_socket_af_alg (void)
{
  return syscall (__NR_socket, AF_ALG, PROBE_BAD_SOCK_TYPE, 0);
}

static long p_socket_af_vsock (void);
static long
p_socket_af_vsock (void)
{
  return syscall (__NR_socket, AF_VSOCK, PROBE_BAD_SOCK_TYPE, 0);
}

/* packet_create() checks CAP_NET_RAW first, but __sock_create() rejects the
 * type before calling it. */
static long p_socket_af_packet (void);
static long
p_socket_af_packet (void)
{
  return syscall (__NR_socket, AF_PACKET, PROBE_BAD_SOCK_TYPE, 0);
}

static long p_socket_inet_raw (void);
static long
p_socket_inet_raw (void)
{
  return syscall (__NR_socket, AF_INET, SOCK_RAW, PROBE_BAD_IP_PROTO);
}

static long p_socket_inet6_raw (void);
static long
p_socket_inet6_raw (void)
{
  return syscall (__NR_socket, AF_INET6, SOCK_RAW, PROBE_BAD_IP_PROTO);
}

/* ---- syscalls newer than the profile ---------------------------------- */

/* Both reject non-zero flags first: EINVAL. */
static long p_statmount (void);
static long
p_statmount (void)
{
  return syscall (__NR_statmount, NULL, NULL, 0UL, 1UL);
}

static long p_mseal (void);
static long
p_mseal (void)
{
  return syscall (__NR_mseal, 0UL, 0UL, 1UL);
}

/* ---- x86 only --------------------------------------------------------- */

/* getpid through the i386 entry point (int $0x80, i386 number 20).  The
 * filter sees AUDIT_ARCH_I386. */
static long p_int80_getpid (void);
static long
p_int80_getpid (void)
{
#if defined(__x86_64__)
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory", "cc", "r8", "r9", "r10", "r11");
  if (ret < 0 && ret > -4096)
    {
      errno = (int) -ret;
      return -1;
    }
  return ret;
#else
  return skipped ();
#endif
}

/* getpid through the x32 ABI: the x86_64 number with bit 30 set.  The
 * filter sees AUDIT_ARCH_X86_64 and a number >= 0x40000000.  A kernel
 * without CONFIG_X86_X32_ABI answers ENOSYS. */
static long p_x32_getpid (void);
static long
p_x32_getpid (void)
{
#if defined(__x86_64__)
  return syscall (__NR_getpid | 0x40000000L);
#else
  return skipped ();
#endif
}

/* mount through the x32 ABI, with the bad type pointer of `mount`: beside
 * x32_getpid, tells a filter that lets x32 calls through by name (getpid
 * passes, mount is refused) from one that refuses the x32 ABI outright. */
static long p_x32_mount (void);
static long
p_x32_mount (void)
{
#if defined(__x86_64__)
  return syscall (__NR_mount | 0x40000000L, "none", "/", BAD_PTR, 0UL, NULL);
#else
  return skipped ();
#endif
}

/* Reading the LDT with a zero-byte buffer: 0, nothing changes. */
static long p_modify_ldt (void);
static long
p_modify_ldt (void)
{
#if defined(__x86_64__)
  return syscall (__NR_modify_ldt, 0, NULL, 0UL);
#else
  return skipped ();
#endif
}

/* A level above 3 is EINVAL before the CAP_SYS_RAWIO check. */
static long p_iopl (void);
static long
p_iopl (void)
{
#if defined(__x86_64__)
  return syscall (__NR_iopl, 4);
#else
  return skipped ();
#endif
}

/* ---- the list --------------------------------------------------------- */

#define P(name)                                                                                                        \
  {                                                                                                                    \
#name, p_##name, 0                                                                                                 \
  }
#define PCAP(name)                                                                                                     \
  {                                                                                                                    \
#name, p_##name, 1                                                                                                 \
  }

static const struct probe probes[] = {
  P (getpid),
  P (fork),
  P (personality_query),

  P (mount),
  P (umount2),
  PCAP (fsopen),
  PCAP (fsmount),
  PCAP (fspick),
  P (fsconfig),
  PCAP (move_mount),
  P (open_tree),
  P (mount_setattr),
  PCAP (pivot_root),
  P (chroot),

  P (unshare_newns),
  P (unshare_newcgroup),
  P (unshare_newuts),
  P (unshare_newipc),
  P (unshare_newuser),
  P (unshare_newpid),
  P (unshare_newnet),
  P (unshare_newtime),
  P (userns),
  P (setns),
  P (clone_newns),
  P (clone_newcgroup),
  P (clone_newuts),
  P (clone_newipc),
  P (clone_newuser),
  P (clone_newpid),
  P (clone_newnet),
  P (clone3),

  P (keyctl),
  P (add_key),
  P (request_key),

  P (bpf),
  P (perf_event_open),
  P (ptrace),
  P (process_vm_readv),
  P (process_vm_writev),
  P (process_madvise),
  P (pidfd_getfd),
  P (kcmp),

  P (open_by_handle_at),
  P (name_to_handle_at),
  P (userfaultfd),
  P (io_uring_setup),
  P (io_uring_enter),
  P (io_uring_register),
  P (fanotify_init),

  PCAP (kexec_load),
  PCAP (kexec_file_load),
  PCAP (init_module),
  PCAP (finit_module),
  PCAP (delete_module),
  PCAP (reboot),
  P (swapon),
  PCAP (swapoff),
  PCAP (acct),
  P (sysfs),

  P (clock_settime),
  P (settimeofday),
  P (adjtimex),
  P (clock_adjtime),

  P (personality_addr_no_randomize),

  P (socket_af_alg),
  P (socket_af_vsock),
  P (socket_af_packet),
  P (socket_inet_raw),
  P (socket_inet6_raw),

  P (statmount),
  P (mseal),

  P (int80_getpid),
  P (x32_getpid),
  P (x32_mount),
  P (modify_ldt),
  P (iopl),
};

/* ---- running one ------------------------------------------------------ */

struct errname
{
  int num;
  const char *name;
};

#define E(x)                                                                                                           \
  {                                                                                                                    \
    x, #x                                                                                                              \
  }
static const struct errname errnames[] = {
  E (EPERM),        E (ENOENT),       E (ESRCH),        E (EINTR),           E (EIO),
  E (ENXIO),        E (E2BIG),        E (ENOEXEC),      E (EBADF),           E (ECHILD),
  E (EAGAIN),       E (ENOMEM),       E (EACCES),       E (EFAULT),          E (ENOTBLK),
  E (EBUSY),        E (EEXIST),       E (EXDEV),        E (ENODEV),          E (ENOTDIR),
  E (EISDIR),       E (EINVAL),       E (ENFILE),       E (EMFILE),          E (ENOTTY),
  E (ETXTBSY),      E (EFBIG),        E (ENOSPC),       E (ESPIPE),          E (EROFS),
  E (EMLINK),       E (EPIPE),        E (EDOM),         E (ERANGE),          E (EDEADLK),
  E (ENAMETOOLONG), E (ENOLCK),       E (ENOSYS),       E (ENOTEMPTY),       E (ELOOP),
  E (ENOMSG),       E (EIDRM),        E (ENODATA),      E (ENOKEY),          E (EKEYREJECTED),
  E (ENOTSOCK),     E (EPROTOTYPE),   E (ENOPROTOOPT),  E (EPROTONOSUPPORT), E (ESOCKTNOSUPPORT),
  E (EOPNOTSUPP),   E (EPFNOSUPPORT), E (EAFNOSUPPORT), E (EADDRINUSE),      E (EADDRNOTAVAIL),
  E (ENETDOWN),     E (ENETUNREACH),  E (ECONNREFUSED), E (ETIMEDOUT),       E (EALREADY),
  E (EINPROGRESS),  E (EOVERFLOW),    E (EBADMSG),      E (EUSERS),          E (EDQUOT),
  E (ESTALE),       E (ECANCELED),    E (EOWNERDEAD),   E (ENOTRECOVERABLE), E (ERFKILL),
  E (EHWPOISON),    E (EKEYEXPIRED),  E (EKEYREVOKED),  E (ENOMEDIUM),       E (EMEDIUMTYPE),
};
#undef E

static void
print_result (const struct probe *p, const char *result)
{
  printf ("%s %s%s\n", p->name, result, p->cap_checked ? " cap-checked" : "");
}

static void
run_probe (const struct probe *p)
{
  char buf[32];
  const char *result = NULL;
  int status;
  pid_t pid, w;
  size_t i;

  /* Nothing buffered may be written twice by a child. */
  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    {
      perror ("probe: fork");
      exit (2);
    }
  if (pid == 0)
    {
      long r;

      /* A call that blocks for good must not hang the probe. */
      alarm (10);
      errno = 0;
      r = p->fn ();
      if (r != -1)
        _exit (0);
      /* errno 0 after -1 cannot happen; report it as an unknown errno. */
      _exit (errno > 0 && errno < EXIT_SKIP ? errno : 255);
    }
  do
    w = waitpid (pid, &status, 0);
  while (w < 0 && errno == EINTR);
  if (w != pid)
    {
      perror ("probe: waitpid");
      exit (2);
    }

  if (WIFSIGNALED (status))
    {
      if (WTERMSIG (status) == SIGSYS)
        result = "killed:SIGSYS";
      else
        {
          snprintf (buf, sizeof buf, "killed:%d", WTERMSIG (status));
          result = buf;
        }
    }
  else if (WIFEXITED (status))
    {
      int code = WEXITSTATUS (status);

      if (code == 0)
        result = "ok";
      else if (code == EXIT_SKIP)
        result = "skip";
      else
        {
          for (i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
            if (errnames[i].num == code)
              result = errnames[i].name;
          if (result == NULL)
            {
              snprintf (buf, sizeof buf, "errno:%d", code);
              result = buf;
            }
        }
    }
  else
    {
      snprintf (buf, sizeof buf, "status:%#x", (unsigned) status);
      result = buf;
    }
  print_result (p, result);
}

int main (int argc, char **argv);
int
main (int argc, char **argv)
{
  size_t i;

  if (argc > 1)
    {
      fprintf (stderr,
               "usage: %s\n"
               "Tries each primitive hardshim's seccomp profile denies, each in a\n"
               "child process, and prints `NAME RESULT [cap-checked]` per line.\n",
               argv[0]);
      return 2;
    }
  for (i = 0; i < sizeof probes / sizeof probes[0]; i++)
    run_probe (&probes[i]);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      perror ("probe: stdout");
      return 2;
    }
  return 0;
}
