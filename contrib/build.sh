#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Configure and build hardshim in the source tree (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var >/dev/null
make -j"$(nproc)" >/dev/null
