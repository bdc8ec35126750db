#!/usr/bin/env bash
# install.sh owns building gandi-skill, putting the binary on PATH, linking the skill into OpenClaw, and a first token.check.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/install.sh

Builds gandi-skill (cargo build --release --locked), installs the binary to
$PREFIX/bin when PREFIX is set, else ~/.local/bin, links this repository as
~/.openclaw/skills/gandi-skill when ~/.openclaw exists, then runs token.check
and says what to do next.

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

echo "+ cargo build --release --locked"
cargo build --release --locked

bindir=${PREFIX:+$PREFIX/bin}
bindir=${bindir:-$HOME/.local/bin}
mkdir -p "$bindir"
install -m 755 "${CARGO_TARGET_DIR:-target}/release/gandi-skill" "$bindir/gandi-skill"
echo "Installed $bindir/gandi-skill"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *)
    echo "Warning: $bindir is not on PATH. Add it (e.g. export PATH=\"$bindir:\$PATH\" in your shell profile);"
    echo "         OpenClaw checks for gandi-skill on the gateway's own PATH."
    ;;
esac

if [[ -d $HOME/.openclaw ]]; then
  skills=$HOME/.openclaw/skills
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
  echo "No ~/.openclaw found: to use it with OpenClaw later, run: openclaw skills install $repo"
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
