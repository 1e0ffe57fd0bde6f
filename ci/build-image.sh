#!/usr/bin/env bash
# Builds the fakecloud container image (default tag fakecloud:local, override with FAKECLOUD_IMAGE)
# from ci/Dockerfile: a FROM scratch image holding one statically linked `fakecloud` binary, so the
# build needs no registry and no network.
#
# Why crt-static on the gnu target: a FROM scratch image has no libc, no loader and no /lib, so the
# binary must carry everything itself. The musl target is not installed here and rustup may not
# reach the network, whereas glibc's static libc.a (libc6-dev) is; `-C target-feature=+crt-static`
# links glibc, libgcc and mimalloc's C code statically. In the image the binary only runs `serve`,
# which binds an IP address and resolves no names, so glibc's static-NSS caveat (getaddrinfo wanting
# shared NSS modules at run time) does not matter there.
#
# The build uses its own target directory (target/image) because changing RUSTFLAGS would otherwise
# invalidate the normal debug build's cache. Re-runs are incremental: cargo rebuilds only what
# changed, and docker's layer cache makes an unchanged binary a no-op.
set -euo pipefail

root=$(cd -P "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
image=${FAKECLOUD_IMAGE:-fakecloud:local}
triple=x86_64-unknown-linux-gnu
target_dir="$root/target/image"
bin="$target_dir/$triple/release/fakecloud"

echo "building a static fakecloud binary ($triple, crt-static) in $target_dir"
# --target is given explicitly so RUSTFLAGS applies to the binary only, not to build scripts and
# proc macros (which cannot be crt-static on glibc).
RUSTFLAGS="-C target-feature=+crt-static" CARGO_TARGET_DIR="$target_dir" \
    cargo build --release --locked -p fakecloud --bin fakecloud --target "$triple"

# Refuse a dynamically linked binary: it would fail in the image with a bare "no such file".
# `file` says "static(-pie) linked"; ldd (when file is not installed) says "statically linked" or
# "not a dynamic executable".
linkage() {
    if command -v file >/dev/null; then
        file -L "$1" | grep -Eo 'static(-pie)? linked'
    else
        ldd "$1" 2>&1 | grep -Eo 'statically linked|not a dynamic executable'
    fi
}
if ! linkage "$bin" >/dev/null; then
    echo "error: $bin is not statically linked:" >&2
    ldd "$bin" >&2 || true
    exit 1
fi
# And check it runs at all (a static glibc binary can still fail at start-up).
"$bin" --version

# A build context holding only the binary, not the whole repository (-f passes the Dockerfile).
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$bin" "$context/fakecloud"
# Symbols are a fifth of the binary and of no use in the image (stripping is deterministic, so an
# unchanged binary still hits docker's cache).
if command -v strip >/dev/null; then
    strip "$context/fakecloud"
fi
# Docker's output only on failure (the legacy builder's deprecation notice is noise otherwise).
if ! out=$(docker build --quiet -t "$image" -f "$root/ci/Dockerfile" "$context" 2>&1); then
    echo "$out" >&2
    echo "error: docker build of $image failed" >&2
    exit 1
fi

echo "built $image: /fakecloud, $(du -h "$context/fakecloud" | cut -f1), $(linkage "$context/fakecloud")"
docker image ls "$image"
