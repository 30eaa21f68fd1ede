# gst-ertmp: clean Debian trees for the tests of tests/package (sourced)
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# debian_tree SUITE PACKAGES ROOT
#   unpacks a fresh Debian SUITE tree (debootstrap --variant=minbase with
#   the comma-separated PACKAGES) into ROOT and mounts its /proc.  The
#   debootstrap result is cached as a tarball between runs on one machine
#   (ERTMP_CACHE_DIR, default ~/.cache/gst-ertmp), keyed by suite and
#   package list; a tree is never reused, only unpacked again.
# copy_source DEST
#   the checkout's tracked files into DEST (no build directories)
# in_tree ROOT COMMAND...
#   COMMAND in ROOT (chroot) with an empty environment
# release_tree ROOT
#   unmounts what debian_tree mounted (the caller removes ROOT)

: "${top:?top must be the checkout}"
mirror=${ERTMP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${ERTMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gst-ertmp}

debian_tree () {
  local suite=$1 packages=$2 root=$3 key base boot
  key=$(printf '%s' "$packages" | md5sum | cut -c1-12)
  base="$cache/debian-$suite-minbase-$key.tar"
  if [ ! -f "$base" ]; then
    echo "== debootstrap $suite (minbase + $packages) into the cache: $base"
    mkdir -p "$cache"
    boot=$(mktemp -d "$cache/boot.XXXXXX")
    if ! debootstrap --variant=minbase --include="$packages" "$suite" \
        "$boot" "$mirror" >"$boot.log" 2>&1; then
      echo "debootstrap $suite failed; its last lines:"
      tail -30 "$boot.log" | sed 's/^/   /'
      rm -rf "$boot" "$boot.log"
      return 1
    fi
    tar -C "$boot" -cf "$base.tmp" . && mv "$base.tmp" "$base"
    rm -rf "$boot" "$boot.log"
  fi
  mkdir -p "$root"
  tar -C "$root" -xf "$base"
  mount -t proc proc "$root/proc"
}

copy_source () {
  mkdir -p "$1"
  git -C "$top" ls-files -z | (cd "$top" && tar --null -T - -cf -) |
    tar -xf - -C "$1"
}

in_tree () {
  local root=$1
  shift
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 "$@"
}

release_tree () {
  if mountpoint -q "$1/proc" 2>/dev/null; then
    umount "$1/proc" || umount -l "$1/proc" || true
  fi
}
