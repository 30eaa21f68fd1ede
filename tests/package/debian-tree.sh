# gst-ertmp: clean Debian trees for the tests of tests/package (sourced)
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# debian_tree SUITE PACKAGES ROOT [EXTRA]
#   unpacks a fresh Debian SUITE tree (debootstrap --variant=minbase with
#   the comma-separated PACKAGES, then apt-get install of the comma-separated
#   EXTRA) into ROOT and mounts its /proc.  The
#   debootstrap result is cached as a tarball between runs on one machine
#   (ERTMP_CACHE_DIR, default ~/.cache/gst-ertmp), keyed by suite and
#   package list (one list per suite is kept); a tree is never reused, only
#   unpacked again.
# copy_source DEST
#   the checkout's tracked files into DEST (no build directories)
# in_tree ROOT COMMAND...
#   COMMAND in ROOT (chroot) with an empty environment
# release_tree ROOT
#   unmounts what debian_tree mounted (the caller removes ROOT)

: "${top:?top must be the checkout}"
mirror=${ERTMP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${ERTMP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gst-ertmp}

# apt-get install PACKAGES (comma-separated) in the tree ROOT, with no
# service started (policy-rc.d) and the host's resolver
apt_in_tree () {
  local root=$1 packages=$2 rc=0 resolv=""
  if [ ! -e "$root/etc/resolv.conf" ]; then
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    resolv="$root/etc/resolv.conf"
  fi
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  in_tree "$root" apt-get update -q &&
    in_tree "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends ${packages//,/ } || rc=$?
  in_tree "$root" apt-get clean || true
  umount "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d" $resolv
  return $rc
}

debian_tree () {
  local suite=$1 packages=$2 root=$3 extra=${4:-} key base boot
  key=$(printf '%s' "$packages${extra:+ $extra}" | md5sum | cut -c1-12)
  base="$cache/debian-$suite-minbase-$key.tar"
  if [ ! -f "$base" ]; then
    echo "== debootstrap $suite (minbase + $packages${extra:+ + $extra})" \
      "into the cache: $base"
    mkdir -p "$cache"
    # what a run killed during debootstrap left (none runs for 3 hours)
    find "$cache" -maxdepth 1 -name 'boot.*' -mmin +180 -exec rm -rf {} +
    boot=$(mktemp -d "$cache/boot.XXXXXX")
    # debootstrap configures its --include packages in one dpkg run, which
    # fails for large sets (dconf-service): the rest comes from apt-get
    if ! debootstrap --variant=minbase --include="$packages" "$suite" \
        "$boot" "$mirror" >"$boot.log" 2>&1 ||
        { [ -n "$extra" ] && ! apt_in_tree "$boot" "$extra" >>"$boot.log" 2>&1; }
    then
      echo "debootstrap $suite failed; its last lines:"
      tail -30 "$boot.log" | sed 's/^/   /'
      rm -rf "$boot" "$boot.log"
      return 1
    fi
    tar -C "$boot" -cf "$base.tmp" . && mv "$base.tmp" "$base"
    rm -rf "$boot" "$boot.log"
    # the trees of this suite's earlier package lists are not used again
    find "$cache" -maxdepth 1 -name "debian-$suite-minbase-*.tar" \
      ! -name "${base##*/}" -delete
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
