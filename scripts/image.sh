#!/usr/bin/env bash
# Build the Loan Engine container image with docker or podman, whichever can actually run.
#
#   scripts/image.sh                       build the API image (target `api`), tagged loan-engine:local
#   scripts/image.sh --target bundle       the single-container image (API + built web app)
#   scripts/image.sh --tag loan-engine:1.2.3 -- --pull   (anything after -- goes to `build`)
#
# Engine: docker when a Docker engine answers (`docker info`), otherwise podman (installed with apt
# when missing and we are root). IMAGE_ENGINE=docker|podman forces one.
#
# Podman runs with the flags these machines need (docs/DEPLOYMENT_COOKBOOK.md, "Building and running
# the image locally"): its own store under .image-cache/ (git-ignored) with the overlay driver (vfs as
# fallback), chroot isolation for builds, runc + cgroupfs and lowered ulimits for runs.
#
# Base image: BASE_IMAGE when set. Otherwise the Dockerfile's pinned python:3.11-slim-bookworm when a
# registry can be reached; when none can, a Debian bookworm base made with debootstrap from the Debian
# mirror this machine's apt uses (python3 + python3-venv + ca-certificates, trimmed like Debian's slim
# images), imported once and reused from .image-cache/ on later runs.
#
# This file is also sourced by scripts/image-smoke.sh for the engine helpers (image_* functions).
set -euo pipefail

IMAGE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGE_CACHE="${IMAGE_CACHE_DIR:-$IMAGE_ROOT/.image-cache}"
IMAGE="${IMAGE:-loan-engine:local}"
IMAGE_TARGET="${IMAGE_TARGET:-api}"
# Debian release of the local base: the same one python:3.11-slim-bookworm is built on.
LOCAL_BASE_SUITE="bookworm"
LOCAL_BASE_PACKAGES="python3,python3-venv,ca-certificates"
# Bump when the recipe below changes: the tag is the cache key.
LOCAL_BASE_RECIPE="3"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'image: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- engine
ENGINE=""
ENGINE_CMD=()  # the engine with its global flags
RUN_FLAGS=()   # flags every `run` needs on this engine

_have_docker_engine() {
  command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1
}

_apt_install() {
  [ "$(id -u)" = 0 ] || die "podman is missing; install: sudo apt-get install -y $*"
  command -v apt-get >/dev/null 2>&1 || die "podman is missing and there is no apt-get; install podman (or docker)"
  log "installing $* (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@" >/dev/null
}

_ensure_podman() {
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  if [ ${#missing[@]} -gt 0 ]; then _apt_install "${missing[@]}"; fi
}

_podman_driver() {
  # overlay is fast (no layer copies); fall back to vfs where the kernel or filesystem refuses it.
  local driver
  for driver in ${IMAGE_STORAGE_DRIVER:-overlay vfs}; do
    mkdir -p "$IMAGE_CACHE/storage-$driver" "$IMAGE_CACHE/run-$driver"
    if podman --root "$IMAGE_CACHE/storage-$driver" --runroot "$IMAGE_CACHE/run-$driver" \
      --storage-driver "$driver" info >/dev/null 2>&1; then
      echo "$driver"
      return
    fi
  done
  die "podman cannot use its storage in $IMAGE_CACHE (tried: ${IMAGE_STORAGE_DRIVER:-overlay vfs})"
}

image_engine() {
  [ -z "$ENGINE" ] || return 0
  local wanted="${IMAGE_ENGINE:-}"
  if [ -z "$wanted" ]; then
    if _have_docker_engine; then wanted=docker; else wanted=podman; fi
  fi
  case "$wanted" in
    docker)
      _have_docker_engine || die "IMAGE_ENGINE=docker but no Docker engine answers 'docker info'"
      ENGINE=docker
      ENGINE_CMD=(docker)
      RUN_FLAGS=()
      ;;
    podman)
      _ensure_podman
      local driver
      driver="$(_podman_driver)"
      ENGINE=podman
      # crun cannot run containers on hybrid cgroup v1 hosts, so runc with cgroupfs; and runc fails with
      # podman's default rlimits where the sandbox lacks CAP_SYS_RESOURCE, so lower ones. All of these
      # work on ordinary hosts too.
      ENGINE_CMD=(podman --root "$IMAGE_CACHE/storage-$driver" --runroot "$IMAGE_CACHE/run-$driver"
        --storage-driver "$driver" --runtime runc --cgroup-manager cgroupfs --events-backend file)
      RUN_FLAGS=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
      ;;
    *) die "IMAGE_ENGINE must be docker or podman, got '$wanted'" ;;
  esac
  log "engine: $ENGINE"
}

# Run the engine with its global flags: image_ctl images, image_ctl rm -f NAME, ...
image_ctl() { "${ENGINE_CMD[@]}" "$@"; }

# Run a container with the flags this engine needs: image_run --rm IMAGE loan-engine --help
image_run() { "${ENGINE_CMD[@]}" run ${RUN_FLAGS[@]+"${RUN_FLAGS[@]}"} "$@"; }

image_size_bytes() {
  image_ctl image inspect --format '{{.Size}}' "${1:-$IMAGE}"
}

# ------------------------------------------------------------------------------------------- base image
_dockerfile_default_base() {
  sed -n 's/^ARG BASE_IMAGE=\(.*\)$/\1/p' "$IMAGE_ROOT/Dockerfile" | head -n1
}

_registry_reachable() {
  # Only a real registry answers /v2/ with this header (a proxy's error page does not).
  command -v curl >/dev/null 2>&1 || return 1
  curl -sS -m 8 -o /dev/null -D - https://registry-1.docker.io/v2/ 2>/dev/null |
    grep -qi '^docker-distribution-api-version:'
}

_debian_mirror() {
  # The mirror apt already uses for the Debian archive (not the security archive): deb822 or one-line.
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local file uri
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    uri="$(awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' "$file" | grep -v -- '-security' | grep -m1 '/debian/\?$' || true)"
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    uri="$(awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) {print $i; break}}' "$file" |
      grep -v -- '-security' | grep -m1 '/debian/\?$' || true)"
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  die "no Debian mirror found in /etc/apt/sources.list*; set DEBIAN_MIRROR"
}

_local_base_tag() {
  echo "localhost/loan-engine-base:${LOCAL_BASE_SUITE}-py3-r${LOCAL_BASE_RECIPE}"
}

_build_local_base() {
  local tag="$1" mirror rootfs started
  command -v debootstrap >/dev/null 2>&1 || _apt_install debootstrap
  mirror="$(_debian_mirror)"
  rootfs="$IMAGE_CACHE/rootfs-$LOCAL_BASE_SUITE"
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  started=$SECONDS
  log "no registry reachable: making the base image $tag with debootstrap (about a minute, once)"
  # Trim like Debian's official slim images do, before anything is unpacked: no docs, manuals or
  # translations, now or in any later apt-get install inside the image.
  mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
  debootstrap --variant=minbase --include="$LOCAL_BASE_PACKAGES" "$LOCAL_BASE_SUITE" "$rootfs" "$mirror" \
    >"$IMAGE_CACHE/debootstrap.log" 2>&1 || {
    tail -n 20 "$IMAGE_CACHE/debootstrap.log" >&2
    die "debootstrap failed (log: $IMAGE_CACHE/debootstrap.log)"
  }
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  rm -rf "$rootfs"/usr/share/{man,info,locale,lintian}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/log/* "$rootfs"/tmp/*
  tar -C "$rootfs" -c . | image_ctl import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    - "$tag" >/dev/null
  rm -rf "$rootfs"
  log "base image $tag ready in $((SECONDS - started)) s"
}

# Print the base image to build on, making the local one first when needed.
image_base() {
  if [ -n "${BASE_IMAGE:-}" ]; then echo "$BASE_IMAGE"; return; fi
  image_engine
  if [ "$ENGINE" = docker ]; then _dockerfile_default_base; return; fi
  local default local_tag
  default="$(_dockerfile_default_base)"
  local_tag="$(_local_base_tag)"
  if image_ctl image exists "$default" 2>/dev/null; then echo "$default"; return; fi
  if [ "${IMAGE_LOCAL_BASE:-auto}" != always ] && _registry_reachable; then echo "$default"; return; fi
  image_ctl image exists "$local_tag" || _build_local_base "$local_tag" >&2
  echo "$local_tag"
}

# ----------------------------------------------------------------------------------------------- build
image_build() {
  image_engine
  local base started
  base="$(image_base)"
  IMAGE_BASE_USED="$base"
  started=$SECONDS
  log "building $IMAGE (target $IMAGE_TARGET) on $base"
  local args=(build --target "$IMAGE_TARGET" --tag "$IMAGE" --build-arg "BASE_IMAGE=$base")
  if [ "$ENGINE" = podman ]; then
    # chroot isolation: OCI isolation with crun fails on hybrid cgroup hosts. Docker format keeps the
    # HEALTHCHECK (the OCI format has no such field).
    args+=(--isolation chroot --format docker --layers)
    # A TLS-inspecting proxy's CA must reach pip inside the build: mount the host bundle and name it
    # in PIP_CERT (empty, so unused, in every other build).
    local ca="${PIP_CERT:-${SSL_CERT_FILE:-}}"
    if [ -n "$ca" ] && [ -f "$ca" ]; then
      args+=(--volume "$ca:/etc/ssl/certs/host-ca.crt:ro" --build-arg PIP_CERT=/etc/ssl/certs/host-ca.crt)
    fi
  fi
  image_ctl "${args[@]}" "$@" "$IMAGE_ROOT"
  IMAGE_BUILD_SECONDS=$((SECONDS - started))
  log "built $IMAGE on $IMAGE_BASE_USED in ${IMAGE_BUILD_SECONDS} s: $(($(image_size_bytes "$IMAGE") / 1000000)) MB"
}

# Delete the podman store and everything cached under .image-cache (images, the local base, containers).
image_reset() {
  local root
  for root in "$IMAGE_CACHE"/storage-*; do
    [ -d "$root" ] || continue
    podman --root "$root" --runroot "$IMAGE_CACHE/run-${root##*/storage-}" --storage-driver "${root##*/storage-}" \
      system reset --force >/dev/null 2>&1 || true
  done
  rm -rf "$IMAGE_CACHE"
  log "removed $IMAGE_CACHE"
}

usage() {
  cat <<EOF
usage: scripts/image.sh [--target api|bundle|web] [--tag NAME] [-- extra build flags]
       scripts/image.sh --reset     delete the podman store and cache in .image-cache/ (frees the disk)

Builds the Loan Engine image with docker or podman (IMAGE_ENGINE forces one).
Environment: IMAGE (default loan-engine:local), BASE_IMAGE, IMAGE_ENGINE, IMAGE_CACHE_DIR,
IMAGE_LOCAL_BASE=always (skip the registry probe), DEBIAN_MIRROR, IMAGE_STORAGE_DRIVER.
EOF
}

image_main() {
  local extra=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --target) IMAGE_TARGET="$2"; shift 2 ;;
      --tag) IMAGE="$2"; shift 2 ;;
      -h | --help) usage; return 0 ;;
      --reset) image_reset; return 0 ;;
      --) shift; extra=("$@"); break ;;
      *) usage >&2; die "unknown argument: $1" ;;
    esac
  done
  image_build "${extra[@]}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  image_main "$@"
fi
