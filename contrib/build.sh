#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Configure and build hardshim in the source tree (idempotent).
# HS_CONFIGURE_FLAGS: more ./configure options (CI gives --enable-werror).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x configure ] || ./autogen.sh >/dev/null
# shellcheck disable=SC2086 # several options in one variable
[ -f Makefile ] || ./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var ${HS_CONFIGURE_FLAGS:-} >/dev/null
make -j"$(nproc)" >/dev/null
