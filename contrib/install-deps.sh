#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Install what hardshim needs to build, run and test on Debian 12 (as root).
set -euo pipefail

packages=(
  # build
  build-essential autoconf automake libtool pkg-config
  libyajl-dev libseccomp-dev libcap-ng-dev libapparmor-dev libselinux1-dev
  # run: the real runtimes, and busybox for the demo and test bundles
  runc crun busybox-static
  # test (apparmor: apparmor_parser compiles the generated profiles without a kernel)
  libcmocka-dev bats jq python3 valgrind apparmor
  # the format check (tests/check-format.sh: Debian 12's clang-format, version 14)
  clang-format
  # fuzzing (tests/fuzz/run.sh: clang's libFuzzer with ASan and UBSan)
  clang libclang-rt-14-dev
  # journal rotation tests (logrotate), the hostile-size benchmark (GNU time)
  logrotate time
  # fault tests: SIGKILL injected at each system call
  strace
  # the Debian package (debian/, tests/integration/package.bats)
  debhelper dh-autoreconf dpkg-dev git
  # the Kubernetes manifests are parsed (kubernetes.bats)
  python3-yaml
  # the workload suite's Debian rootfs
  debootstrap wget
  # the engine integration tests (a private dockerd and containerd; podman with conmon)
  docker.io containerd podman conmon
  # the CRI tests: a small CRI client (gRPC) and the standard loopback CNI plugin
  python3-grpcio python3-grpc-tools containernetworking-plugins
  # restore tests: checkpoint and restore with CRIU
  criu
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "hardshim: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
