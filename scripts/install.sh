#!/usr/bin/env bash
# install.sh owns building gandi-skill, putting the binary on PATH, linking the skill into OpenClaw, and a first token.check.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/install.sh

Builds gandi-skill (cargo build --release --locked), installs the binary to
$PREFIX/bin when PREFIX is set, else ~/.local/bin (Linux) or /usr/local/bin
(macOS), links this repository as <home>/skills/gandi-skill for the OpenClaw
home that exists (~/.openclaw, or an older ~/.clawdbot or ~/.moltbot), then
runs token.check and says what to do next.

  -h, --help   show this help
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
    printf 'install.sh: unknown argument: %s\n' "$1" >&2
    exit 2
    ;;
esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

echo "+ cargo build --release --locked --bin gandi-skill"
cargo build --release --locked --bin gandi-skill
# Ask cargo where it built (CARGO_TARGET_DIR, build.target-dir and
# CARGO_BUILD_TARGET all move it), and install exactly that file.
target_dir=$(cargo metadata --no-deps --format-version 1 --locked |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
built=$target_dir/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}release/gandi-skill
if [[ ! -x $built ]]; then
  echo "install.sh: the build succeeded but $built is missing" >&2
  exit 1
fi

# On macOS OpenClaw's PATH has /usr/local/bin; it is often root-owned (or
# missing on Apple Silicon), so fall back to ~/.local/bin there.
if [[ -n ${PREFIX:-} ]]; then
  bindir=$PREFIX/bin
elif [[ $(uname -s) == Darwin && -d /usr/local/bin && -w /usr/local/bin ]]; then
  bindir=/usr/local/bin
else
  bindir=$HOME/.local/bin
fi
if ! mkdir -p "$bindir" 2>/dev/null || [[ ! -w $bindir ]]; then
  echo "install.sh: cannot write to $bindir; run again with PREFIX set to a folder you own on PATH (e.g. PREFIX=\$HOME/.local)" >&2
  exit 1
fi
install -m 755 "$built" "$bindir/gandi-skill"
echo "Installed $bindir/gandi-skill"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *)
    echo "Warning: $bindir is not on PATH. Add it (e.g. export PATH=\"$bindir:\$PATH\" in your shell profile);"
    echo "         OpenClaw checks for gandi-skill on the gateway's own PATH."
    ;;
esac

claw_home=""
for candidate in "$HOME/.openclaw" "$HOME/.clawdbot" "$HOME/.moltbot"; do
  if [[ -d $candidate ]]; then
    claw_home=$candidate
    break
  fi
done
if [[ -n $claw_home ]]; then
  skills=$claw_home/skills
  link=$skills/gandi-skill
  mkdir -p "$skills"
  if [[ -L $link ]]; then
    ln -sfn "$repo" "$link"
    echo "Updated the OpenClaw skill link $link -> $repo"
  elif [[ -e $link ]]; then
    echo "Warning: $link exists and is not a symlink; refusing to replace it (remove it, then run this again, to link this repository)." >&2
  else
    ln -s "$repo" "$link"
    echo "Linked the OpenClaw skill $link -> $repo"
  fi
else
  echo "No OpenClaw home (~/.openclaw) found: once OpenClaw is installed, run this script again to link the skill."
fi

echo "+ gandi-skill '{\"action\":\"token.check\"}'"
rc=0
out=$("$bindir/gandi-skill" '{"action":"token.check"}') || rc=$?
printf '%s\n' "$out"

echo
case $rc in
  0) echo "Done: the token works. Try: gandi-skill '{\"action\":\"domains.list\"}'" ;;
  *)
    if [[ $out == *'"auth.missing_token"'* ]]; then
      echo "Next: store a Gandi token (create one at https://admin.gandi.net/organizations/account/pat):"
      echo "  $repo/scripts/setup_token.sh"
    else
      echo "Installed, but token.check failed (exit $rc): follow the hint above, or store a new token with:"
      echo "  $repo/scripts/setup_token.sh"
    fi
    ;;
esac
