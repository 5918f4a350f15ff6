#!/usr/bin/env bash
# Packs one static binary into a minimal single-layer OCI image archive (an OCI image layout in a
# tar) that `ctr images import` and registries accept. No image can be pulled here, so the local
# cluster's pause image and the cluster suite's test server are made this way.
#
#   bash local/cluster/oci-image.sh --name REF --binary FILE --out FILE.tar [--user UID:GID] [--port N] [-- ARG...]
#
# The binary lands at /<its file name> and is the entrypoint; ARGs become the image's Cmd. Every
# timestamp and owner is fixed, so the same binary gives the same image digest.
set -euo pipefail

die() { echo "oci-image: $*" >&2; exit 1; }
usage="usage: bash local/cluster/oci-image.sh --name REF --binary FILE --out FILE.tar [--user UID:GID] [--port N] [-- ARG...]"

name="" binary="" out="" user="" port=""
cmd=()
while (($#)); do
  case "$1" in
    --name) name="${2:-}"; shift 2 ;;
    --binary) binary="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --user) user="${2:-}"; shift 2 ;;
    --port) port="${2:-}"; shift 2 ;;
    --) shift; cmd=("$@"); break ;;
    *) die "unknown argument '$1'; $usage" ;;
  esac
done
[[ -n "$name" && -n "$binary" && -n "$out" ]] || die "$usage"
[[ "$name" =~ ^[a-z0-9][a-z0-9._/:-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || die "--name '$name' is not an image reference with a tag (e.g. gin-deploy.local/pause:1)"
[[ -f "$binary" && -x "$binary" ]] || die "--binary '$binary' is not an executable file"
[[ -z "$user" || "$user" =~ ^[0-9]+(:[0-9]+)?$ ]] || die "--user '$user' must be numeric (UID or UID:GID) so that runAsNonRoot can be checked"
[[ -z "$port" || "$port" =~ ^[0-9]+$ ]] || die "--port '$port' must be a number"
magic="$(head -c4 "$binary" | od -An -tx1 | tr -d ' \n')" || die "--binary '$binary' could not be read"
[[ "$magic" == 7f454c46 ]] || die "--binary '$binary' is not an ELF binary"

json_string() { # a JSON string literal; the values here are paths, names and plain arguments
  local s="${1//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}

work="$(mktemp -d "${TMPDIR:-/tmp}/oci-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT
base="$(basename "$binary")"
mkdir -p "$work/rootfs" "$work/layout/blobs/sha256"
install -m 0755 "$binary" "$work/rootfs/$base"
tar_fixed=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu)
tar "${tar_fixed[@]}" -C "$work/rootfs" -cf "$work/layer.tar" "$base"

# Returns each step's status itself: it runs in a command substitution, where set -e is off.
blob() { # moves a file into the layout's blobs, prints "sha256:<hex> <size>"
  local hex size
  hex="$(sha256sum "$1" | cut -d' ' -f1)" || return 1
  size="$(stat -c %s "$1")" || return 1
  mv "$1" "$work/layout/blobs/sha256/$hex" || return 1
  echo "sha256:$hex $size"
}

# shellcheck disable=SC2310 # returns its own status
layer="$(blob "$work/layer.tar")" || die "could not add the layer to the image layout"
read -r layer_digest layer_size <<<"$layer"

arch="$(go env GOARCH 2>/dev/null || uname -m)"
case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
cmd_json=""
for a in "${cmd[@]}"; do cmd_json+="${cmd_json:+,}$(json_string "$a")"; done
entrypoint_json="$(json_string "/$base")"
{
  printf '{"architecture":"%s","os":"linux","config":{' "$arch"
  printf '"Entrypoint":[%s]' "$entrypoint_json"
  [[ -n "$cmd_json" ]] && printf ',"Cmd":[%s]' "$cmd_json"
  [[ -n "$user" ]] && printf ',"User":"%s"' "$user"
  [[ -n "$port" ]] && printf ',"ExposedPorts":{"%s/tcp":{}}' "$port"
  printf '},"rootfs":{"type":"layers","diff_ids":["%s"]},' "$layer_digest"
  printf '"history":[{"created":"1970-01-01T00:00:00Z","created_by":"local/cluster/oci-image.sh %s"}]}' "$base"
} >"$work/config.json"
# shellcheck disable=SC2310 # returns its own status
config="$(blob "$work/config.json")" || die "could not add the image config to the image layout"
read -r config_digest config_size <<<"$config"

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$work/manifest.json"
# shellcheck disable=SC2310 # returns its own status
manifest="$(blob "$work/manifest.json")" || die "could not add the manifest to the image layout"
read -r manifest_digest manifest_size <<<"$manifest"

tag="${name##*:}"
name_json="$(json_string "$name")"
tag_json="$(json_string "$tag")"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":%s,"org.opencontainers.image.ref.name":%s}}]}' \
  "$manifest_digest" "$manifest_size" "$arch" "$name_json" "$tag_json" >"$work/layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$work/layout/oci-layout"

mkdir -p "$(dirname "$out")"
tar "${tar_fixed[@]}" -C "$work/layout" -cf "$out.tmp.$$" oci-layout index.json blobs
mv -f "$out.tmp.$$" "$out"
# The manifest digest: what a Deployment pins the image by once it is pushed or imported.
echo "$manifest_digest"
