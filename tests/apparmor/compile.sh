#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Compile hardshim's AppArmor profile, rendered for several write-denied path
# lists, with apparmor_parser -Q (everything but loading into the kernel), so
# that a template or rendering change that AppArmor would reject fails
# `make check` even on a host without AppArmor.
#
# Needs the render program (tests/apparmor/render, built by make check).
# HS_SRCDIR / HS_BUILDDIR: the source and build trees (default: this
# script's tree).  APPARMOR_PARSER: the parser (default: from PATH or
# /usr/sbin).  Exit 77 (skip) when there is no parser.
#
# Flags: -Q skip the kernel load, -K no cache.  With no AppArmor in the
# kernel the parser cannot read the kernel's feature set; -M names the
# feature set apparmor pins for policy (/usr/share/apparmor-features/features)
# so that the profile is compiled for a real feature set, and
# --Werror=rule-not-enforced fails a rule (mount, signal, ptrace...) that
# feature set could not enforce.  The template includes nothing, so no -I.
set -u

here=$(cd "$(dirname "$0")/../.." && pwd)
src=${HS_SRCDIR:-$here}
build=${HS_BUILDDIR:-$here}
template=$src/profiles/apparmor/hardshim.profile.in
render=$build/tests/apparmor/render
features=/usr/share/apparmor-features/features

parser=${APPARMOR_PARSER:-$(command -v apparmor_parser 2>/dev/null || true)}
[ -n "$parser" ] || { [ -x /usr/sbin/apparmor_parser ] && parser=/usr/sbin/apparmor_parser; }
if [ -z "$parser" ] || [ ! -x "$parser" ]; then
  echo "SKIP: apparmor_parser not found (install the apparmor package to compile the profile)"
  exit 77
fi
if [ ! -x "$render" ]; then
  echo "not ok: $render is missing (make check builds it)"
  exit 1
fi

set -- -Q -K
if [ -r "$features" ]; then
  set -- "$@" -M "$features" --warn=rule-not-enforced --Werror=rule-not-enforced
else
  echo "# no $features: compiling for the parser's built-in feature set"
fi
flags="$*"
echo "# $("$parser" --version 2>&1 | head -n 1); flags: $flags"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hs-apparmor-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM PIPE
n=0 failed=0

# compile_case NAME PATH...: render, check the text, compile.
compile_case() {
  label=$1; shift
  n=$((n + 1))
  if ! "$render" "$template" "$@" >"$tmp/profile" 2>"$tmp/err" ||
     ! name=$("$render" -n "$template" "$@" 2>>"$tmp/err"); then
    echo "not ok $n $label: render failed: $(cat "$tmp/err")"; failed=1; return
  fi
  why=
  case $name in
    hardshim-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;;
    *) why="bad profile name \`$name\`" ;;
  esac
  grep -q "^profile $name " "$tmp/profile" || why="${why:-no \`profile $name\` line}"
  ! grep -q '@[A-Z_]*@' "$tmp/profile" || why="${why:-a placeholder is left}"
  for p in "$@"; do
    grep -qxF "  audit deny $p/{,**} wl," "$tmp/profile" || why="${why:-no deny line for $p}"
  done
  if [ -n "$why" ]; then
    echo "not ok $n $label: $why"; failed=1; return
  fi
  # The parser writes a cache notice to stderr even when all is well: shown on failure only.
  # shellcheck disable=SC2086 # flags: words without spaces, split on purpose
  if "$parser" $flags -S "$tmp/profile" >"$tmp/bin" 2>"$tmp/err" && [ -s "$tmp/bin" ]; then
    echo "ok $n $label: $name compiled ($(wc -c <"$tmp/bin") bytes)"
  else
    echo "not ok $n $label: apparmor_parser $flags failed:"; sed 's/^/#   /' "$tmp/err"; failed=1
  fi
}

# refuse_case NAME PATH...: render must refuse the list.
refuse_case() {
  label=$1; shift
  n=$((n + 1))
  if "$render" -n "$template" "$@" >/dev/null 2>"$tmp/err"; then
    echo "not ok $n $label: rendered, should be refused"; failed=1
  else
    echo "ok $n $label: refused ($(cat "$tmp/err"))"
  fi
}

compile_case "default (/etc /home)" /etc /home
compile_case "a single path" /etc
compile_case "deep paths" /var/lib/app /opt /usr/local/share/app/data
compile_case "dots, dashes, underscores" /srv/my-app.d /opt/app_1.2-x /home/.cache /etc/ssl/private..bak
compile_case "no path at all"
compile_case "many paths" /etc /home /root /var/spool/cron /usr /opt /srv /boot /mnt /media
refuse_case "a glob" '/etc/*'
refuse_case "a relative path" etc
refuse_case "a .. component" /etc/../home
refuse_case "a space" '/etc/my dir'
refuse_case "a comma (profile syntax)" '/etc,/home'
refuse_case "the root" /

echo "1..$n"
exit $failed
