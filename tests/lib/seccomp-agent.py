#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A seccomp listener that answers every notification with "continue".

    seccomp-agent.py SOCKET LOG

Listens on the unix socket SOCKET (the profile's listenerPath), takes the
seccomp notification fd the runtime sends with the container's state, and
lets every call through (SECCOMP_USER_NOTIF_FLAG_CONTINUE), writing the
syscall number of each to LOG.  The most permissive agent an engine could
run: what it lets through is what the merged profile allows.
"""
import array
import fcntl
import os
import socket
import struct
import sys

# _IOWR('!', 0, struct seccomp_notif) and _IOWR('!', 1, struct seccomp_notif_resp)
NOTIF_RECV = 0xC0502100
NOTIF_SEND = 0xC0182101
FLAG_CONTINUE = 1


def serve(fd, log):
    while True:
        buf = bytearray(80)  # struct seccomp_notif
        try:
            fcntl.ioctl(fd, NOTIF_RECV, buf)
        except OSError:
            return  # the filter's last user is gone
        notif_id = struct.unpack_from("=Q", buf, 0)[0]
        nr = struct.unpack_from("=i", buf, 16)[0]
        log.write("%d\n" % nr)
        log.flush()
        resp = bytearray(struct.pack("=QqiI", notif_id, 0, 0, FLAG_CONTINUE))
        try:
            fcntl.ioctl(fd, NOTIF_SEND, resp)
        except OSError:
            pass  # the caller was killed meanwhile


def main():
    path, log_path = sys.argv[1], sys.argv[2]
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    with open(log_path, "w") as log:
        log.write("ready\n")
        log.flush()
        conn, _ = srv.accept()
        fds = array.array("i")
        msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_LEN(4 * fds.itemsize))
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
        conn.close()
        for fd in fds:
            serve(fd, log)
            os.close(fd)


if __name__ == "__main__":
    main()
