#!/usr/bin/env bash
# Build ci/gocheck, the gophercloud client used by the real-client tests, into
# <repo>/.clients/bin/gocheck.
#
# Everything is offline: Go and gophercloud come from Debian packages (installed
# here when missing, which needs root), and ci/gocheck/go.mod points every module
# at /usr/share/gocode/src with replace directives, so the module proxy and the
# checksum database are switched off.
#
# Idempotent: re-running only re-links what changed (Go's build cache lives in
# $GOCHECK_GO_DIR, default <repo>/.clients/go). Prints one line on success.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
src="$here/gocheck"
out="$root/.clients/bin/gocheck"
godir="${GOCHECK_GO_DIR:-$root/.clients/go}"
gocode=/usr/share/gocode/src
packages=(golang-go golang-github-gophercloud-gophercloud-dev golang-github-gophercloud-utils-dev)

die() {
    echo "build-gocheck: $*" >&2
    exit 1
}

mkdir -p "$godir" "$(dirname "$out")"
log="$godir/build.log"

# Debian's golang-go puts the go command in /usr/lib/go/bin with a symlink in
# /usr/bin; add the real directory too in case PATH was trimmed.
export PATH="$PATH:/usr/lib/go/bin"

if ! command -v go >/dev/null 2>&1 \
    || [ ! -d "$gocode/github.com/gophercloud/gophercloud" ] \
    || [ ! -d "$gocode/github.com/gophercloud/utils" ]; then
    [ "$(id -u)" -eq 0 ] || die "Go or gophercloud is missing and installing ${packages[*]} needs root"
    {
        DEBIAN_FRONTEND=noninteractive apt-get update \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
    } >"$log" 2>&1 || { cat "$log" >&2; die "installing ${packages[*]} failed (log above, also in $log)"; }
    command -v go >/dev/null 2>&1 || die "go is still not on PATH after installing golang-go"
    [ -d "$gocode/github.com/gophercloud/utils" ] || die "$gocode has no gophercloud sources after installing ${packages[*]}"
fi

# Offline, reproducible module mode whatever the caller's environment says:
# no proxy, no checksum database (directory replacements need no go.sum), no
# toolchain switching, no stray go.work, and no cgo so no C compiler is needed.
export GO111MODULE=on GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off \
    GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 \
    GOPATH="$godir/path" GOCACHE="$godir/cache" GOMODCACHE="$godir/path/pkg/mod"

(cd "$src" && go build -trimpath -o "$out" .) >"$log" 2>&1 \
    || { cat "$log" >&2; die "go build in $src failed (log above, also in $log)"; }

gc_version=$(dpkg-query -W -f='${Version}' golang-github-gophercloud-gophercloud-dev 2>/dev/null || echo unknown)
echo "build-gocheck: built $out ($(go env GOVERSION), gophercloud $gc_version)"
