#!/usr/bin/env bash
# bench.sh owns the benchmarks: gandi-skill against a fake Gandi, each figure beside its baseline in the same run (curl doing the same requests, or `true`), the small-list reply size and the binary size.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/bench.sh

Builds the release binary and the fake_gandi example, starts the fake with a
large account (DOMAINS generated domains and a zone big.example of RRSETS
rrsets), then measures, each beside its baseline in the same run (hyperfine
for wall and CPU time, /usr/bin/time for peak RSS):
  domains.list                      vs curl fetching the same pages over one connection
  dns.records.list big.example      vs curl fetching the same pages
  dns.zone.apply plan (no confirm)  vs curl fetching the same pages and tokeninfo
  domains.get example.com           vs curl fetching the same URL
  describe                          vs true
then examples/diff_bench (a 5,000-rrset plan), and prints the size of the small-list reply (the 20 domains expiring
soonest, name and date only), the peak RSS of a list whose answer is a 60 MB
body (plain, and a gzip bomb inflating to 60 MB: both refused), and the
binary size. Prints a Markdown table for BENCHMARKS.md.

Env: DOMAINS (default 10000), RRSETS (default 5000), RUNS (hyperfine --runs,
default 20).
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

domains=${DOMAINS:-10000}
rrsets=${RRSETS:-5000}
runs=${RUNS:-20}
for v in "$domains" "$rrsets" "$runs"; do
  [[ $v =~ ^[0-9]+$ ]] || {
    echo "DOMAINS, RRSETS and RUNS must be numbers" >&2
    exit 2
  }
done
per_page=100
zone_page=500

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

if ! command -v hyperfine >/dev/null 2>&1; then
  echo "+ installing hyperfine"
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq hyperfine >/dev/null
fi
[[ -x /usr/bin/time ]] || {
  echo "/usr/bin/time is needed for peak RSS (apt-get install time)" >&2
  exit 1
}

# The binary alone, exactly as install.sh builds it: building it together with
# the examples would mix their dev-dependency features into it.
echo "+ cargo build --release --locked --bin gandi-skill"
cargo build --release --locked --bin gandi-skill
examples=(cargo build --release --locked --example fake_gandi)
[[ -f examples/diff_bench.rs ]] && examples+=(--example diff_bench)
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
"$fake_bin" --domains "$domains" --zone "big.example:$rrsets" --huge huge.example:60 --bomb bomb.example:60 \
  >"$tmp/fake.out" 2>"$tmp/fake.err" &
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

# The skill talks to the fake only, with a throwaway config dir and no proxy.
unset GANDI_API_KEY GANDI_PROFILE GANDI_SANDBOX GANDI_SANDBOX_API_TOKEN GANDI_SANDBOX_API_KEY GANDI_SKILL_DEBUG GANDI_LIST_MAX_ITEMS
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy
export GANDI_API_URL=$url GANDI_ID_URL=$url GANDI_API_TOKEN=$token GANDI_CONFIG_DIR=$tmp/config

# curl gets the same token through a header file, not argv.
printf 'Authorization: Bearer %s\n' "$token" >"$tmp/headers"
curl_base=(curl --silent --show-error --fail -H "@$tmp/headers" -H 'Accept: application/json')

# The count the fake sends (the account holds its seeded domains too).
count() {
  curl --silent --fail -H "@$tmp/headers" -D - -o /dev/null "$url$1" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "total-count" { print $2 }'
}
total=$(count "/v5/domain/domains?per_page=1")
zone_total=$(count "/v5/livedns/domains/big.example/records?per_page=1")
pages=$(((total + per_page - 1) / per_page))
zone_pages=$(((zone_total + zone_page - 1) / zone_page))

# The URLs gandi-skill asks for, so curl fetches exactly the same.
list_curl=("${curl_base[@]}")
for ((p = 1; p <= pages; p++)); do
  list_curl+=(-o /dev/null "$url/v5/domain/domains?sort_by=fqdn&per_page=$per_page&page=$p")
done
zone_curl=("${curl_base[@]}")
for ((p = 1; p <= zone_pages; p++)); do
  zone_curl+=(-o /dev/null "$url/v5/livedns/domains/big.example/records?per_page=$zone_page&page=$p")
done
plan_curl=("${zone_curl[@]}" -o /dev/null "$url/tokeninfo")
get_curl=("${curl_base[@]}" -o /dev/null "$url/v5/domain/domains/example.com")

list_req='{"action":"domains.list"}'
records_req='{"action":"dns.records.list","domain":"big.example"}'
plan_req='{"action":"dns.zone.apply","domain":"big.example","mode":"merge","rrsets":[{"name":"www","type":"A","values":["192.0.2.80"]},{"name":"host00002","type":"CNAME","values":["web.example.net."]},{"name":"host00005","type":"A","ttl":300,"values":["192.0.2.5"]}]}'
get_req='{"action":"domains.get","domain":"example.com"}'
small_req='{"action":"domains.list","fields":["fqdn","expires_at"],"sort":"expires_at","limit":20}'
huge_req='{"action":"dns.records.list","domain":"huge.example"}'
bomb_req='{"action":"dns.records.list","domain":"bomb.example"}'

# Every side must do what it claims before its time means anything.
expect() {
  local want=$1 code=$2
  shift 2
  local out rc=0
  out=$("$@") || rc=$?
  if ((rc != code)) || [[ $out != *"\"status\":\"$want\""* ]]; then
    echo "$* gave exit $rc, not $code with status $want:" >&2
    printf '%s\n' "${out:0:2000}" >&2
    exit 1
  fi
  printf '%s' "$out"
}
expect ok 0 "$bin" "$list_req" >/dev/null
expect ok 0 "$bin" "$records_req" >/dev/null
expect needs_confirmation 3 "$bin" "$plan_req" >/dev/null
expect ok 0 "$bin" "$get_req" >/dev/null
small=$(expect ok 0 "$bin" "$small_req")
for req in "$huge_req" "$bomb_req"; do
  refused=$(expect error 1 "$bin" "$req")
  [[ $refused == *api.unexpected_response* ]] || {
    echo "a 60 MB answer was not refused as api.unexpected_response: ${refused:0:500}" >&2
    exit 1
  }
done
for c in list_curl zone_curl plan_curl get_curl; do
  declare -n cmd=$c
  "${cmd[@]}"
done

quote() { printf '%q ' "$@"; }

# The mean wall, user and system seconds of hyperfine's Nth command (1 or 2),
# from its JSON export.
times_of() {
  awk -F': ' -v n="$2" '
    /"mean"/ { gsub(/,/, "", $2); m[++i] = $2 }
    /"user"/ { gsub(/,/, "", $2); u[++j] = $2 }
    /"system"/ { gsub(/,/, "", $2); s[++k] = $2 }
    END { printf "%s %s %s\n", m[n], u[n], s[n] }' "$1"
}

# The highest peak RSS (KiB) of 5 runs.
rss_of() {
  local max=0 kb
  for _ in 1 2 3 4 5; do
    kb=$(/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1) || true
    [[ $kb =~ ^[0-9]+$ ]] && ((kb > max)) && max=$kb
  done
  echo "$max"
}

ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'; }

rows=()
# compare LABEL BASELINE-LABEL SKILL-ARGS... -- BASELINE-CMD...
compare() {
  local label=$1 base_label=$2
  shift 2
  local skill=() base=()
  while [[ $1 != -- ]]; do
    skill+=("$1")
    shift
  done
  shift
  base=("$@")
  echo
  echo "== $label vs $base_label"
  hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$tmp/h.json" \
    -n "gandi-skill $label" "$(quote "${skill[@]}")" \
    -n "$base_label" "$(quote "${base[@]}")"
  local s_wall s_user s_sys b_wall b_user b_sys
  read -r s_wall s_user s_sys < <(times_of "$tmp/h.json" 1)
  read -r b_wall b_user b_sys < <(times_of "$tmp/h.json" 2)
  local s_cpu b_cpu s_rss b_rss
  s_cpu=$(awk -v u="$s_user" -v s="$s_sys" 'BEGIN { print u + s }')
  b_cpu=$(awk -v u="$b_user" -v s="$b_sys" 'BEGIN { print u + s }')
  s_rss=$(rss_of "${skill[@]}")
  b_rss=$(rss_of "${base[@]}")
  rows+=("| $label | $(ms "$s_wall") | $(ms "$s_cpu") | $(mib "$s_rss") | $base_label | $(ms "$b_wall") | $(ms "$b_cpu") | $(mib "$b_rss") | $(ratio "$s_wall" "$b_wall") | $(ratio "$s_cpu" "$b_cpu") |")
}

echo "fake Gandi at $url: $total domains ($pages pages of $per_page), big.example with $zone_total rrsets ($zone_pages pages of $zone_page)"
compare "domains.list ($total domains)" "curl, $pages URLs" "$bin" "$list_req" -- "${list_curl[@]}"
compare "dns.records.list ($zone_total rrsets)" "curl, $zone_pages URLs" "$bin" "$records_req" -- "${zone_curl[@]}"
compare "dns.zone.apply plan ($zone_total rrsets)" "curl, $((zone_pages + 1)) URLs" "$bin" "$plan_req" -- "${plan_curl[@]}"
compare "domains.get" "curl, 1 URL" "$bin" "$get_req" -- "${get_curl[@]}"
compare "describe" "true" "$bin" '{"action":"describe"}' -- true

size=$(stat -c %s "$bin" 2>/dev/null || stat -f %z "$bin")
huge_rss=$(rss_of "$bin" "$huge_req")
bomb_rss=$(rss_of "$bin" "$bomb_req")

echo
echo "== results (Markdown, for BENCHMARKS.md)"
echo
echo "| measurement | gandi-skill wall | CPU | peak RSS | baseline | wall | CPU | peak RSS | wall ratio | CPU ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "- small-list reply (\`$small_req\`): $((${#small} + 1)) bytes"
echo "- a list whose answer is a 60 MB body, refused as api.unexpected_response: peak RSS $(mib "$huge_rss") (declared 60 MB: never read), $(mib "$bomb_rss") (gzip inflating to 60 MB: read up to the 16 MiB cap)"
echo "- binary: $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.2f MB", b / 1000000 }'))"
diff_bench=$release/examples/diff_bench
if [[ -x $diff_bench ]]; then
  echo
  echo "== diff_bench"
  "$diff_bench"
fi
echo
echo "- machine: $(nproc) CPUs, $(uname -srm); $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
