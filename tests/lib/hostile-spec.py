#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""hostile-spec.py BASE OUT ROW: write BASE (a config.json) with ROW's
hostile size applied to OUT, compactly.  `hostile-spec.py --list` prints
each row as "NAME EXPECT": EXPECT is `ok` (hardshim hardens it) or the
start of the message it refuses it with.  The table of inputs at and over
each cap, shared by tests/integration/hostile-sizes.bats and
tests/bench/sizes.sh."""
import json
import sys

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_MEMBERS = 1024 * 1024


def pad_to(spec, size):
    """Pad an annotation so that the compact text is exactly size bytes."""
    spec.setdefault("annotations", {})["pad"] = ""
    n = len(dump(spec))
    spec["annotations"]["pad"] = "p" * (size - n)
    return spec


def nested(depth):
    v = 1
    for _ in range(depth):
        v = [v]
    return v


def members(spec):
    """What hardshim counts: every container and every comma."""
    text = dump(spec)
    n, in_str, esc = 0, False, False
    for c in text:
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "[{,":
            n += 1
    return n


def args_to_members(spec, total):
    """process.args grown so that the spec counts exactly total members."""
    spec["process"]["args"] = list(spec["process"]["args"])
    have = members(spec)
    spec["process"]["args"] += ["x"] * (total - have)
    return spec


ROWS = {
    # name: (expect, function of the base spec)
    # Issue 18's goal (tests/bench/run.sh and sizes.sh): exactly 1 MiB, one annotation.
    "spec-1mib": ("ok", lambda s: pad_to(s, 1024 * 1024)),
    # 8 MiB read, but hardening adds a few KiB: the result would pass the cap.
    "bytes-at-cap": ("the hardened spec would be larger than", lambda s: pad_to(s, MAX_BYTES)),
    "bytes-below-cap": ("ok", lambda s: pad_to(s, MAX_BYTES - 64 * 1024)),
    "bytes-over-cap": ("larger than", lambda s: pad_to(s, MAX_BYTES + 1)),
    "depth-at-cap": ("ok", lambda s: {**s, "x-deep": nested(MAX_DEPTH - 1)}),
    "depth-over-cap": ("nesting deeper than", lambda s: {**s, "x-deep": nested(MAX_DEPTH)}),
    "members-at-cap": ("ok", lambda s: args_to_members(s, MAX_MEMBERS)),
    "members-over-cap": ("more than", lambda s: args_to_members(s, MAX_MEMBERS + 1)),
    "string-7mib": ("ok", lambda s: {**s, "annotations": {"long": "s" * (7 * 1024 * 1024)}}),
    "key-1mib": ("ok", lambda s: {**s, "annotations": {"k" * (1024 * 1024): "v"}}),
    "annotations-100k": ("ok", lambda s: {**s, "annotations": {"a%d" % i: "v" for i in range(100000)}}),
    "env-100k": ("ok", lambda s: {**s, "process": {**s["process"], "env": ["E%d=1" % i for i in range(100000)]}}),
    "tmpfs-mounts-10k": ("ok", lambda s: {**s, "mounts": s["mounts"] + [
        {"destination": "/m%d" % i, "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]} for i in range(10000)]}),
    "bind-mounts-1k": ("ok", lambda s: {**s, "mounts": s["mounts"] + [
        {"destination": "/b%d" % i, "type": "bind", "source": "/tmp", "options": ["rbind", "ro"]} for i in range(1000)]}),
    "seccomp-rules-100k": ("ok", lambda s: {**s, "linux": {**s["linux"], "seccomp": {
        "defaultAction": "SCMP_ACT_ERRNO",
        "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}] * 100000}}}),
    "rlimits-10k": ("ok", lambda s: {**s, "process": {**s["process"], "rlimits": [
        {"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}] * 10000}}),
    "uid-mappings-341": ("the kernel takes at most 340", lambda s: {**s, "linux": {**s["linux"], "uidMappings": [
        {"containerID": i, "hostID": 2000000 + i, "size": 1} for i in range(341)]}}),
    "devices-10k": ("(block 8:0;", lambda s: {**s, "linux": {**s["linux"], "devices": [
        {"path": "/dev/x%d" % i, "type": "b", "major": 8, "minor": i % 256} for i in range(10000)]}}),
}


def dump(spec):
    return json.dumps(spec, separators=(",", ":"), ensure_ascii=False)


def main():
    if sys.argv[1:] == ["--list"]:
        for name, (expect, _) in ROWS.items():
            print(name, expect)
        return 0
    if len(sys.argv) != 4 or sys.argv[3] not in ROWS:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    spec = ROWS[sys.argv[3]][1](spec)
    with open(sys.argv[2], "w") as f:
        f.write(dump(spec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
