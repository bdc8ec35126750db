#!/usr/bin/env bash
# bench.sh owns the benchmarks: gandi-skill start-up and domains.list against a fake Gandi, each beside a baseline, plus binary size.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/bench.sh

Builds the release binary and the fake_gandi example, then with hyperfine:
  (a) gandi-skill '{"action":"describe"}'      beside `true`
  (b) gandi-skill '{"action":"domains.list"}'  beside curl fetching the same
      pages (per_page=100) from the same fake Gandi server
  (c) target/release/examples/diff_bench, when it exists
and prints the binary size. Env: DOMAINS (default 1000), RUNS (hyperfine
--runs, default: hyperfine's choice).
EOF
}

case ${1:-} in
  "") ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac

domains=${DOMAINS:-1000}
per_page=100
[[ $domains =~ ^[0-9]+$ ]] || {
  echo "DOMAINS must be a number" >&2
  exit 2
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "+ installing hyperfine"
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq hyperfine >/dev/null
fi

# The binary alone, exactly as install.sh builds it: building it together with
# the examples would mix their dev-dependency features into it.
echo "+ cargo build --release --locked --bin gandi-skill"
cargo build --release --locked --bin gandi-skill
examples=(cargo build --release --locked --example fake_gandi)
[[ -f examples/diff_bench.rs || -f examples/diff_bench/main.rs ]] && examples+=(--example diff_bench)
echo "+ ${examples[*]}"
"${examples[@]}"

target_dir=$(cargo metadata --no-deps --format-version 1 --locked |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
release=$target_dir/release
bin=$release/gandi-skill
fake_bin=$release/examples/fake_gandi

tmp=$(mktemp -d)
fake_pid=""
cleanup() {
  if [[ -n $fake_pid ]]; then
    kill "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The fake prints one line "http://127.0.0.1:PORT TOKEN" and serves until killed.
"$fake_bin" --domains "$domains" >"$tmp/fake.out" 2>"$tmp/fake.err" &
fake_pid=$!
url="" token=""
for _ in $(seq 300); do
  if IFS=' ' read -r url token <"$tmp/fake.out" && [[ -n $token ]]; then
    break
  fi
  if ! kill -0 "$fake_pid" 2>/dev/null; then
    echo "fake_gandi exited early:" >&2
    cat "$tmp/fake.err" >&2
    exit 1
  fi
  sleep 0.1
done
[[ -n $token ]] || {
  echo "fake_gandi printed no address within 30 s" >&2
  exit 1
}
echo "fake Gandi at $url with $domains domains"

# The skill talks to the fake only, with a throwaway config dir and no proxy.
unset GANDI_API_KEY GANDI_PROFILE GANDI_SANDBOX GANDI_SANDBOX_API_TOKEN GANDI_SANDBOX_API_KEY GANDI_SKILL_DEBUG
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy
export GANDI_API_URL=$url GANDI_ID_URL=$url GANDI_API_TOKEN=$token GANDI_CONFIG_DIR=$tmp/config

# curl gets the same token through a header file, not argv.
printf 'Authorization: Bearer %s\n' "$token" >"$tmp/headers"
# The account holds the fake's seeded domains too: ask it for the real total.
total=$(curl --silent --fail -H "@$tmp/headers" -D - -o /dev/null "$url/v5/domain/domains?per_page=1" |
  tr -d '\r' | awk -F': ' 'tolower($1) == "total-count" { print $2 }')
[[ $total =~ ^[0-9]+$ ]] || total=$domains
pages=$(((total + per_page - 1) / per_page))
((pages > 0)) || pages=1
curl_cmd=(curl --silent --show-error --fail -H "@$tmp/headers" -H 'Accept: application/json')
for ((p = 1; p <= pages; p++)); do
  curl_cmd+=(-o /dev/null "$url/v5/domain/domains?page=$p&per_page=$per_page")
done

# Both sides must succeed before their times mean anything.
check_rc=0
out=$("$bin" '{"action":"domains.list"}') || check_rc=$?
if ((check_rc != 0)) || [[ $out != *'"status":"ok"'* ]]; then
  echo "gandi-skill domains.list against the fake failed (exit $check_rc):" >&2
  printf '%s\n' "${out:0:2000}" >&2
  exit 1
fi
"${curl_cmd[@]}"

hf=(hyperfine -N --warmup 3)
[[ -n ${RUNS:-} ]] && hf+=(--runs "$RUNS")

quote() { printf '%q ' "$@"; }

echo
echo "== (a) start-up: describe vs true"
"${hf[@]}" \
  -n 'gandi-skill describe' "$(quote "$bin" '{"action":"describe"}')" \
  -n 'true' "$(quote true)"

echo
echo "== (b) domains.list ($total domains, $pages pages of $per_page) vs curl, same fake server"
"${hf[@]}" \
  -n 'gandi-skill domains.list' "$(quote "$bin" '{"action":"domains.list"}')" \
  -n "curl, $pages URLs" "$(quote "${curl_cmd[@]}")"

diff_bench=$release/examples/diff_bench
if [[ -x $diff_bench ]]; then
  echo
  echo "== (c) diff_bench"
  "$diff_bench"
fi

echo
echo "== binary size"
size=$(stat -c %s "$bin" 2>/dev/null || stat -f %z "$bin")
ls -l "$bin"
printf '%s bytes (%s KiB)\n' "$size" "$((size / 1024))"
