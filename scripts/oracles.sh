#!/usr/bin/env bash
# Build the oracle binaries pinned in scripts/oracles.txt (promtool, amtool, alertmanager of the
# versions users run) from their Go modules into a cache outside the repository:
#   ${OBSLINT_ORACLE_DIR:-$HOME/.cache/obslint/oracles}/<project>-<version>/<binary>
# Only what is missing (or reports another --version) is built. Each build goes into a temporary
# directory beside the cache and is renamed into place once it reports its pinned version, so an
# interrupted or concurrent run never leaves half a binary; a lock per entry keeps two runs from
# building the same one twice. Downloads are retried once. One line per entry; exits non-zero if
# any pinned binary could not be built (its log stays in <cache>/.logs/).
#
# Each binary is built inside its module's own source (as downloaded by `go mod download`), so the
# module's go.mod and go.sum, with their replace and exclude directives, decide every dependency
# exactly as in an upstream build; the build tags are the module's own (.promu.yml), and
# --version reports the release, with the module version as its revision.
#
# Needs Go >= the newest `go` line of the pinned modules (1.26.7 for Prometheus 3.16.0); for a newer
# one, export GOTOOLCHAIN before running this (and everything else that builds).
# OBSLINT_ORACLE_JOBS: how many entries build at once (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
list=$PWD/scripts/oracles.txt
dest=${OBSLINT_ORACLE_DIR:-$HOME/.cache/obslint/oracles}
jobs=${OBSLINT_ORACLE_JOBS:-2}

command -v go >/dev/null 2>&1 || PATH=$PATH:/usr/local/go/bin
if ! command -v go >/dev/null 2>&1; then
  echo "oracles: no go command on PATH (nor in /usr/local/go/bin): cannot build the oracles" >&2
  exit 1
fi
# Build in the module's own directory, never in a workspace; the module cache has no VCS data.
export GOWORK=off GOFLAGS=-buildvcs=false CGO_ENABLED=0
mkdir -p "$dest/.logs"

# The version `<binary> --version` reports ("promtool, version 3.16.0 (branch: ...").
reported_version() {
  "$1" --version 2>&1 | sed -n 's/.*[, ]version \([^ ]*\).*/\1/p' | head -n 1
}

# True when every binary of an entry is in place and reports the pinned version.
ready() {
  local dir=$1 version=$2 bins=$3 b
  for b in ${bins//,/ }; do
    [ -x "$dir/$b" ] && [ "$(reported_version "$dir/$b")" = "$version" ] || return 1
  done
}

retry() {
  "$@" && return 0
  echo "oracles: retrying once: $*" >&2
  sleep 5
  "$@"
}

# The tags under build: tags: all: in the module's .promu.yml (one item a line), comma-separated.
promu_tags() {
  [ -f "$1" ] || { echo netgo; return; }
  awk '/^[[:space:]]*tags:[[:space:]]*$/ { t = 1; next }
       t && /^[[:space:]]*all:[[:space:]]*$/ { a = 1; next }
       a && /^[[:space:]]*- / { sub(/^[[:space:]]*- */, ""); sub(/[[:space:]]*(#.*)?$/, "");
                                printf "%s%s", sep, $0; sep = ","; next }
       a { exit }' "$1"
}

# Download, build and check one entry into $tmp/bin (the go command's output goes to the log).
build_into() {
  local tmp=$1 project=$2 version=$3 modver=$4 bins=$5
  local module=github.com/prometheus/$project info src when tags b
  local -a pkgs=()
  cd "$tmp" || return 1  # outside any module: `go mod download` of an exact version
  info=$(retry go mod download -json "$module@$modver") || { echo "$info"; return 1; }
  src=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")
  when=$(sed -n 's/^[[:space:]]*"Info": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")
  [ -d "$src" ] || { echo "no source directory for $module@$modver in: $info"; return 1; }
  when=$(sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p' "$when")
  when=$(date -u -d "$when" +%Y%m%d-%H:%M:%S) || return 1
  tags=$(promu_tags "$src/.promu.yml")
  # Alertmanager >= 0.32 embeds its web UI from ui/app/dist, which its release process builds with
  # npm and which the module does not contain: build a copy of the module with a placeholder page
  # there (the go command accepts no overlay in the module cache). Only the pages at / differ.
  if grep -qs '^//go:embed app/dist' "$src/ui/web.go" && [ ! -e "$src/ui/app/dist" ]; then
    echo "no ui/app/dist in the module: building a copy with a placeholder web UI"
    cp -R "$src" "$tmp/src" && chmod -R u+w "$tmp/src" || return 1
    src=$tmp/src
    for b in app/dist $(grep -o '"app/dist/[A-Za-z0-9_-]*"' "$src/ui/web.go" | tr -d '"'); do
      mkdir -p "$src/ui/$b" || return 1
      printf '<!doctype html><title>Alertmanager</title><p>This %s %s was built without its web UI.\n' \
        "$project" "$version" >"$src/ui/$b/index.html" || return 1
    done
  fi
  for b in ${bins//,/ }; do pkgs+=("./cmd/$b"); done
  local v=github.com/prometheus/common/version
  local ldflags="-s -w -X $v.Version=$version -X $v.Revision=$modver -X $v.Branch=gomodule"
  ldflags+=" -X $v.BuildUser=obslint-oracles -X $v.BuildDate=$when"
  cd "$src" || return 1
  echo "building ${pkgs[*]} of $module@$modver (go $(go env GOVERSION), tags ${tags:-none})"
  # `go list -deps` downloads every module the build needs: the step that can fail for the network.
  retry go list -deps -tags "$tags" "${pkgs[@]}" >/dev/null || return 1
  GOBIN=$tmp/bin go install -trimpath -tags "$tags" -ldflags "$ldflags" "${pkgs[@]}" || return 1
  for b in ${bins//,/ }; do
    "$tmp/bin/$b" --version 2>&1
    [ "$(reported_version "$tmp/bin/$b")" = "$version" ] || {
      echo "$b reports version '$(reported_version "$tmp/bin/$b")', not $version"; return 1; }
  done
}

build() {
  local project=$1 version=$2 modver=$3 bins=$4
  local dir=$dest/$project-$version log=$dest/.logs/$project-$version.log start=$SECONDS lock b
  if ready "$dir" "$version" "$bins"; then
    echo "oracles: $project $version ($bins): ready"
    return 0
  fi
  exec {lock}>"$dest/.$project-$version.lock"
  flock "$lock"
  if ready "$dir" "$version" "$bins"; then
    echo "oracles: $project $version ($bins): ready (built by a concurrent run)"
    return 0
  fi
  # Under the lock no other run builds this entry: what a killed run left behind can go.
  rm -rf "$dest/.build-$project-$version".*
  # not local: the trap runs when this entry's subshell exits, after the function has returned
  tmp=$(mktemp -d "$dest/.build-$project-$version.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  if ! (build_into "$tmp" "$project" "$version" "$modver" "$bins") >"$log" 2>&1; then
    echo "oracles: $project $version ($bins): FAILED after $((SECONDS - start)) s; end of $log:
$(tail -n 20 "$log" | sed 's/^/    /')"
    return 1
  fi
  mkdir -p "$dir"
  for b in ${bins//,/ }; do
    mv -f "$tmp/bin/$b" "$dir/$b"  # a rename within one file system: atomic
  done
  echo "oracles: $project $version ($bins): built in $((SECONDS - start)) s"
}

total=0 failed=0 running=0 start=$SECONDS
while read -r project version modver bins rest; do
  case $project in '' | '#'*) continue ;; esac
  if [ -z "$bins" ] || [ -n "$rest" ]; then
    echo "oracles: bad line in $list: $project $version $modver $bins $rest" >&2
    exit 1
  fi
  total=$((total + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=$((failed + 1))
    running=$((running - 1))
  fi
  (build "$project" "$version" "$modver" "$bins") &
  running=$((running + 1))
done <"$list"
while [ "$running" -gt 0 ]; do
  wait -n || failed=$((failed + 1))
  running=$((running - 1))
done

# The tests also read Alertmanager's own config/testdata and config tests at the version of Debian's
# amtool (the pinned ones are in the module cache once built): bring that module's source there too.
(cd "$(mktemp -d)" && retry go mod download "github.com/prometheus/alertmanager@v0.25.0" >/dev/null) ||
  { echo "oracles: could not download github.com/prometheus/alertmanager@v0.25.0" >&2; failed=$((failed + 1)); }

echo "oracles: $((total - failed)) of $total pinned entries ready in $dest ($((SECONDS - start)) s)"
[ "$failed" -eq 0 ]
