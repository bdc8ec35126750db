#!/usr/bin/env bash
# setup_token.sh owns storing a Gandi token where gandi-skill looks for it (contract §4), then checking it with token.check.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/setup_token.sh [--profile NAME] [--sandbox]

Stores a Gandi Personal Access Token for gandi-skill, then runs token.check.
The token is read without echo from the terminal, or from stdin when stdin
is not a terminal. It is never printed and never passed on a command line.
A token already stored there is kept as api_token.previous.

  --profile NAME  store it for this profile (NAME matches [a-z0-9_-]{1,64})
  --sandbox       store it for the Gandi sandbox API instead of production
                  (the default when GANDI_SANDBOX=1, as for gandi-skill)
  -h, --help      show this help

Where it goes (<config> is $GANDI_CONFIG_DIR, else $XDG_CONFIG_HOME/gandi
when that is an absolute path, else ~/.config/gandi):
  <config>/api_token                         default
  <config>/profiles/NAME/api_token           --profile NAME
  <config>/sandbox/api_token                 --sandbox
  <config>/sandbox/profiles/NAME/api_token   --sandbox --profile NAME

Create a token at https://admin.gandi.net/organizations/account/pat
(sandbox: https://admin.sandbox.gandi.net/organizations/account/pat).
EOF
}

die() {
  printf 'setup_token.sh: %s\n' "$1" >&2
  exit "${2:-2}"
}

profile=""
profile_given=0
# Like gandi-skill itself, GANDI_SANDBOX=1 (or true, yes, on) means the sandbox.
sandbox=0
case ${GANDI_SANDBOX:-} in
  1 | [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss] | [Oo][Nn]) sandbox=1 ;;
esac
while (($#)); do
  case $1 in
    --profile)
      (($# >= 2)) || die "--profile needs a NAME"
      profile=$2
      profile_given=1
      shift 2
      ;;
    --profile=*)
      profile=${1#--profile=}
      profile_given=1
      shift
      ;;
    --sandbox)
      sandbox=1
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      die "unknown argument: $1"
      ;;
  esac
done

if ((profile_given)) && [[ ! $profile =~ ^[a-z0-9_-]{1,64}$ ]]; then
  die "invalid profile name '$profile': use 1 to 64 of a-z, 0-9, _ and -"
fi

if [[ -n ${GANDI_CONFIG_DIR:-} ]]; then
  config=$GANDI_CONFIG_DIR
elif [[ ${XDG_CONFIG_HOME:-} == /* ]]; then
  # A relative XDG_CONFIG_HOME is ignored (XDG spec), as gandi-skill does.
  config=$XDG_CONFIG_HOME/gandi
else
  config=$HOME/.config/gandi
fi
dir=$config
((sandbox)) && dir=$dir/sandbox
[[ -n $profile ]] && dir=$dir/profiles/$profile
target=$dir/api_token

which_api=production
((sandbox)) && which_api=sandbox

# Read the token. From a terminal: no echo. Otherwise: all of stdin.
token=""
if [[ -t 0 ]]; then
  printf 'Paste your Gandi %s Personal Access Token (input hidden), then Enter: ' "$which_api" >&2
  IFS= read -rs token || true
  printf '\n' >&2
else
  IFS= read -r -d '' token || true
fi
# Trim surrounding whitespace (gandi-skill trims the file too).
token=${token#"${token%%[![:space:]]*}"}
token=${token%"${token##*[![:space:]]}"}
if [[ -z $token ]]; then
  die "no token given; nothing was written"
fi
# Printable ASCII only, byte by byte (a zero-width space from a web page is
# not): gandi-skill refuses anything else, so never store it.
printable='^[!-~]+$'
if ! (
  LC_ALL=C
  [[ $token =~ $printable ]]
); then
  token=""
  die "the token contains whitespace, control or non-ASCII characters; nothing was written (paste exactly the token Gandi showed)"
fi
if [[ -d $target ]]; then
  token=""
  die "$target is a folder, not a file; remove it (rmdir or rm -r), then run this again"
fi

umask 077
mkdir -p "$dir"
chmod 700 "$dir"
tmp=$(mktemp "$dir/.api_token.XXXXXX")
trap 'rm -f "$tmp"' EXIT
printf '%s\n' "$token" >"$tmp"
token=""
chmod 600 "$tmp"
# Keep the token being replaced, as token.renew does, so a mistake can be undone.
if [[ -f $target ]]; then
  cp -p "$target" "$target.previous"
  chmod 600 "$target.previous"
fi
mv -f "$tmp" "$target"
trap - EXIT
printf 'Stored the %s token in %s (mode 600).\n' "$which_api" "$target"

# Variables that would take precedence over the stored file (contract §4).
if [[ -z $profile ]]; then
  if ((sandbox)); then
    shadowing=(GANDI_SANDBOX_API_TOKEN GANDI_SANDBOX_API_KEY GANDI_PROFILE)
  else
    shadowing=(GANDI_API_TOKEN GANDI_API_KEY GANDI_PROFILE)
  fi
  for var in "${shadowing[@]}"; do
    if [[ -n ${!var:-} ]]; then
      printf 'Note: %s is set in this shell and is used before %s; unset it to use the stored token.\n' "$var" "$target"
    fi
  done
fi

# Find the binary: PATH first, then this repository's release build.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if command -v gandi-skill >/dev/null 2>&1; then
  bin=$(command -v gandi-skill)
elif [[ -x $repo/target/release/gandi-skill ]]; then
  bin=$repo/target/release/gandi-skill
else
  printf 'gandi-skill is not installed yet: run scripts/install.sh, then check with:\n'
  printf "  gandi-skill '{\"action\":\"token.check\"}'\n"
  exit 0
fi

request='{"action":"token.check"'
[[ -n $profile ]] && request+=',"profile":"'$profile'"'
((sandbox)) && request+=',"sandbox":true'
request+='}'

printf 'Checking it: gandi-skill %s\n' "$request"
# Check exactly the file just written: same config dir, no variable in front of it.
rc=0
env -u GANDI_API_TOKEN -u GANDI_API_KEY -u GANDI_SANDBOX_API_TOKEN -u GANDI_SANDBOX_API_KEY \
  -u GANDI_PROFILE -u GANDI_SANDBOX GANDI_CONFIG_DIR="$config" \
  "$bin" "$request" || rc=$?
if ((rc == 0)); then
  printf 'The token works.\n'
else
  printf 'token.check failed (exit %d): see the hint above.\n' "$rc" >&2
fi
exit "$rc"
