#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A small CRI client (runtime.v1) for hardshim's tests: the calls the
kubelet makes to run a pod, with the namespace options it sets.

The messages are encoded and decoded here by hand, from the field numbers of
k8s.io/cri-api pkg/apis/runtime/v1/api.proto (named next to each field);
grpcio only carries the bytes.  Fields left at their default (0, "", false)
are not written, as protobuf does; NamespaceMode POD is 0.

    cri.py --socket SOCK COMMAND ...
      version
      run-pod [POD] HANDLER              prints the sandbox id
      pod-status ID                      JSON: id, state, handler, info (containerd's, with pid)
      pods                               the sandbox ids
      stop-pod ID, remove-pod ID
      create [POD] [--user UID] [--mount HOST:PATH]... SANDBOX NAME IMAGE [-- CMD...]
                                         prints the container id
      start ID, stop ID, remove ID
      status ID                          JSON: id, state, exit_code, reason, message, info
      containers [--pod SANDBOX]         the container ids
      exec [--timeout S] ID -- CMD...    the command's stdout and stderr; exits with its status
    POD: --name NAME (default "pod"), --share-pid (shareProcessNamespace:
    pid POD), --cgroup-parent DIR, --log-dir DIR; `create` must be given
    the pod's, as the kubelet gives CreateContainer the sandbox's config.

A failed call prints "cri.py: METHOD: CODE: the status's message" on stderr
and exits with 2 (exec: with the command's status when the call worked).
"""

import argparse
import json
import sys

import grpc

SERVICE = "/runtime.v1.RuntimeService/"

# NamespaceMode
POD, CONTAINER = 0, 1
CONTAINER_STATES = ["CREATED", "RUNNING", "EXITED", "UNKNOWN"]
SANDBOX_STATES = ["READY", "NOTREADY"]


# --- encoding -------------------------------------------------------------

def varint(n):
    n &= (1 << 64) - 1  # int64: negative numbers as their two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def num(field, n):
    """A varint field (int32, int64, uint32, bool, enum); none for 0."""
    return varint(field << 3) + varint(int(n)) if n else b""


def raw(field, data):
    """A length-delimited field: bytes or an encoded message (kept when empty)."""
    return varint(field << 3 | 2) + varint(len(data)) + data


def text(field, s):
    """A string field; none for ""."""
    return raw(field, s.encode()) if s else b""


def texts(field, items):
    """A repeated string field."""
    return b"".join(raw(field, s.encode()) for s in items)


def string_map(field, m):
    """map<string, string>: one entry message (key = 1, value = 2) each."""
    return b"".join(raw(field, text(1, k) + text(2, v)) for k, v in sorted(m.items()))


# --- decoding -------------------------------------------------------------

def read_varint(buf, i):
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def decode(buf):
    """A message's fields: {number: [value...]}, varints as ints and
    length-delimited fields as bytes (fixed-width ones are skipped)."""
    fields, i = {}, 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(buf, i)
        elif wire == 2:
            size, i = read_varint(buf, i)
            value, i = bytes(buf[i:i + size]), i + size
        elif wire in (1, 5):
            i += 8 if wire == 1 else 4
            continue
        else:
            raise ValueError(f"wire type {wire} of field {field}")
        fields.setdefault(field, []).append(value)
    return fields


def first(fields, field, default=None):
    return fields.get(field, [default])[0]


def get_text(fields, field):
    return first(fields, field, b"").decode()


def get_int(fields, field, bits=64):
    n = first(fields, field, 0)
    return n - (1 << 64) if n >= 1 << (bits - 1) else n


def get_map(fields, field):
    out = {}
    for entry in fields.get(field, []):
        e = decode(entry)
        out[get_text(e, 1)] = get_text(e, 2)
    return out


# --- messages ---------------------------------------------------------------

def namespace_options(share_pid):
    # NamespaceOption: network = 1, pid = 2, ipc = 3.  The kubelet: network
    # and ipc POD; pid CONTAINER, or POD for shareProcessNamespace.
    return num(1, POD) + num(2, POD if share_pid else CONTAINER) + num(3, POD)


def pod_config(a):
    # PodSandboxMetadata: name = 1, uid = 2, namespace = 3, attempt = 4.
    metadata = text(1, a.name) + text(2, "uid-" + a.name) + text(3, "hardshim-test")
    # LinuxSandboxSecurityContext: namespace_options = 1.
    security = raw(1, namespace_options(a.share_pid))
    # LinuxPodSandboxConfig: cgroup_parent = 1, security_context = 2.
    linux = text(1, a.cgroup_parent) + raw(2, security)
    # PodSandboxConfig: metadata = 1, hostname = 2, log_directory = 3,
    # labels = 6, linux = 8.
    return (raw(1, metadata) + text(2, a.name) + text(3, a.log_dir)
            + string_map(6, {"hardshim-test": a.name}) + raw(8, linux))


def container_config(a):
    # ContainerMetadata: name = 1.  ImageSpec: image = 1.
    metadata = text(1, a.container_name)
    image = text(1, a.image)
    # Int64Value: value = 1.  LinuxContainerSecurityContext:
    # namespace_options = 3, run_as_user = 5.
    security = raw(3, namespace_options(a.share_pid))
    if a.user is not None:
        security += raw(5, num(1, a.user))
    # LinuxContainerConfig: security_context = 2.
    linux = raw(2, security)
    # Mount: container_path = 1, host_path = 2.
    mounts = b"".join(raw(7, text(1, inside) + text(2, host))
                      for host, inside in (m.split(":", 1) for m in a.mount))
    # ContainerConfig: metadata = 1, image = 2, command = 3, mounts = 7,
    # log_path = 11, linux = 15.
    log = a.container_name + ".log" if a.log_dir else ""
    return (raw(1, metadata) + raw(2, image) + texts(3, a.cmd) + mounts + text(11, log)
            + raw(15, linux))


# --- calls ------------------------------------------------------------------

class Failed(Exception):
    pass


def call(a, method, request):
    channel = grpc.insecure_channel("unix://" + a.socket)
    stub = channel.unary_unary(SERVICE + method)  # bytes in, bytes out
    try:
        return decode(stub(request, timeout=a.timeout))
    except grpc.RpcError as e:
        raise Failed(f"{method}: {e.code().name}: {e.details()}") from None
    finally:
        channel.close()


def verbose_info(fields, field):
    """containerd's verbose "info" (a JSON text) in a map field, parsed."""
    info = get_map(fields, field).get("info")
    return json.loads(info) if info else None


def cmd_version(a):
    r = call(a, "Version", text(1, "v1"))
    print(get_text(r, 2), get_text(r, 3), get_text(r, 4))


def cmd_run_pod(a):
    # RunPodSandboxRequest: config = 1, runtime_handler = 2.
    r = call(a, "RunPodSandbox", raw(1, pod_config(a)) + text(2, a.handler))
    print(get_text(r, 1))


def cmd_pod_status(a):
    # PodSandboxStatusRequest: pod_sandbox_id = 1, verbose = 2.
    # PodSandboxStatusResponse: status = 1, info = 2.  PodSandboxStatus:
    # id = 1, state = 3, runtime_handler = 9.
    r = call(a, "PodSandboxStatus", text(1, a.id) + num(2, True))
    s = decode(first(r, 1, b""))
    print(json.dumps({"id": get_text(s, 1), "state": SANDBOX_STATES[get_int(s, 3)],
                      "handler": get_text(s, 9), "info": verbose_info(r, 2)}))


def cmd_pods(a):
    # ListPodSandboxResponse: items = 1; PodSandbox: id = 1.
    for item in call(a, "ListPodSandbox", b"").get(1, []):
        print(get_text(decode(item), 1))


def cmd_stop_pod(a):
    call(a, "StopPodSandbox", text(1, a.id))


def cmd_remove_pod(a):
    call(a, "RemovePodSandbox", text(1, a.id))


def cmd_create(a):
    # CreateContainerRequest: pod_sandbox_id = 1, config = 2,
    # sandbox_config = 3.
    request = text(1, a.sandbox) + raw(2, container_config(a)) + raw(3, pod_config(a))
    print(get_text(call(a, "CreateContainer", request), 1))


def cmd_start(a):
    call(a, "StartContainer", text(1, a.id))


def cmd_stop(a):
    # StopContainerRequest: container_id = 1, timeout = 2 (seconds).
    call(a, "StopContainer", text(1, a.id) + num(2, a.grace))


def cmd_remove(a):
    call(a, "RemoveContainer", text(1, a.id))


def cmd_status(a):
    # ContainerStatusRequest: container_id = 1, verbose = 2.
    # ContainerStatusResponse: status = 1, info = 2.  ContainerStatus: id = 1,
    # state = 3, exit_code = 7, reason = 10, message = 11.
    r = call(a, "ContainerStatus", text(1, a.id) + num(2, True))
    s = decode(first(r, 1, b""))
    print(json.dumps({"id": get_text(s, 1), "state": CONTAINER_STATES[get_int(s, 3)],
                      "exit_code": get_int(s, 7, 32), "reason": get_text(s, 10),
                      "message": get_text(s, 11), "info": verbose_info(r, 2)}))


def cmd_containers(a):
    # ListContainersRequest: filter = 1; ContainerFilter: pod_sandbox_id = 3.
    # ListContainersResponse: containers = 1; Container: id = 1.
    request = raw(1, text(3, a.pod)) if a.pod else b""
    for item in call(a, "ListContainers", request).get(1, []):
        print(get_text(decode(item), 1))


def cmd_exec(a):
    # ExecSyncRequest: container_id = 1, cmd = 2, timeout = 3 (seconds).
    # ExecSyncResponse: stdout = 1, stderr = 2, exit_code = 3.
    r = call(a, "ExecSync", text(1, a.id) + texts(2, a.cmd) + num(3, a.exec_timeout))
    sys.stdout.buffer.write(first(r, 1, b""))
    sys.stdout.flush()
    sys.stderr.buffer.write(first(r, 2, b""))
    return get_int(r, 3, 32)


def pod_options(p):
    p.add_argument("--name", default="pod", help="the pod's name (metadata, hostname)")
    p.add_argument("--share-pid", action="store_true", help="shareProcessNamespace: pid POD")
    p.add_argument("--cgroup-parent", default="", help="the pod's cgroup parent")
    p.add_argument("--log-dir", default="", help="the pod's log directory")


def parser():
    p = argparse.ArgumentParser(prog="cri.py", description="a small CRI runtime.v1 client")
    p.add_argument("--socket", required=True, help="the CRI socket (containerd's)")
    p.add_argument("--timeout", type=float, default=120, help="seconds for each call")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name, func, *ids):
        c = sub.add_parser(name)
        c.set_defaults(func=func)
        for i in ids:
            c.add_argument(i)
        return c

    command("version", cmd_version)
    pod_options(command("run-pod", cmd_run_pod, "handler"))
    command("pod-status", cmd_pod_status, "id")
    command("pods", cmd_pods)
    command("stop-pod", cmd_stop_pod, "id")
    command("remove-pod", cmd_remove_pod, "id")
    c = command("create", cmd_create, "sandbox", "container_name", "image")
    pod_options(c)
    c.add_argument("--user", type=int, help="run_as_user")
    c.add_argument("--mount", action="append", default=[], metavar="HOST:PATH",
                   help="a bind mount of HOST at PATH (read-write)")
    c.add_argument("cmd", nargs="*", help="the command (default: the image's)")
    command("start", cmd_start, "id")
    command("stop", cmd_stop, "id").add_argument("--grace", type=int, default=10)
    command("remove", cmd_remove, "id")
    command("status", cmd_status, "id")
    command("containers", cmd_containers).add_argument("--pod", default="")
    c = command("exec", cmd_exec, "id")
    c.add_argument("--timeout", dest="exec_timeout", type=int, default=60)
    c.add_argument("cmd", nargs="+")
    return p


def main():
    a = parser().parse_args()
    try:
        status = a.func(a)
    except Failed as e:
        print(f"cri.py: {e}", file=sys.stderr)
        return 2
    return status or 0


if __name__ == "__main__":
    sys.exit(main())
