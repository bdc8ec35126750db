#!/usr/bin/env bash
# install.sh owns building gandi-skill, putting the binary on PATH (the shell's and the OpenClaw gateway's), linking the skill into OpenClaw, and a first token.check.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/install.sh

Checks for cargo, Rust (the rust-version in Cargo.toml or newer) and a C
compiler, builds gandi-skill (cargo build --release --locked) and installs
the binary into the first of these:
  $PREFIX/bin      when PREFIX is set
  ~/.local/bin     when it is on PATH (the OpenClaw gateway looks there too)
  ~/.cargo/bin     when it is on PATH (rustup puts it on every new shell's PATH)
  ~/.cargo/bin if rustup installed Rust, else ~/.local/bin, saying what to
                   add to PATH
When an OpenClaw home exists (~/.openclaw, or an older ~/.clawdbot or
~/.moltbot), it links this repository as <home>/skills/gandi-skill and makes
sure the OpenClaw gateway's own PATH finds the binary (a symlink in
~/.local/bin, or a writable /opt/homebrew/bin or /usr/local/bin on macOS),
or says exactly how. Then it runs token.check and says what to do next.
Running it again is safe: it replaces the binary and the links.

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

die() {
  printf 'install.sh: %s\n' "$1" >&2
  exit 1
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
os=$(uname -s)
user_path=$PATH # the PATH the user's shell has; the build may add cargo's folder below
cargo_home=${CARGO_HOME:-$HOME/.cargo}
on_path() { [[ ":$1:" == *":$2:"* ]]; }

# --- Prerequisites: say exactly what to install, before spending minutes on a build.
rustup_line="curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh"
if ! command -v cargo >/dev/null 2>&1; then
  if [[ -x $cargo_home/bin/cargo ]]; then
    # rustup is installed but this shell started before it changed the profile.
    echo "Note: cargo is in $cargo_home/bin, which this shell's PATH lacks; new shells get it from rustup's set-up (or run: . \"$cargo_home/env\")."
    export PATH=$cargo_home/bin:$PATH
  else
    die "cargo (Rust) is not installed. Install Rust with rustup:
  $rustup_line
then open a new shell (or run: . \"\$HOME/.cargo/env\") and run scripts/install.sh again."
  fi
fi
need=$(sed -n 's/^rust-version[[:space:]]*=[[:space:]]*"\([0-9.]*\)".*/\1/p' Cargo.toml)
[[ -n $need ]] || die "Cargo.toml has no rust-version line"
have=$(rustc --version 2>/dev/null | sed -n 's/^rustc \([0-9][0-9.]*\).*/\1/p') || true
[[ -n $have ]] || die "cargo is there but rustc does not answer 'rustc --version'; reinstall Rust with: $rustup_line"
version_lt() { # is $1 older than $2 (major.minor[.patch])?
  local -a a b
  local i
  IFS=. read -ra a <<<"$1"
  IFS=. read -ra b <<<"$2"
  for i in 0 1 2; do
    if ((${a[i]:-0} != ${b[i]:-0})); then
      return $((${a[i]:-0} < ${b[i]:-0} ? 0 : 1))
    fi
  done
  return 1
}
if version_lt "$have" "$need"; then
  if command -v rustup >/dev/null 2>&1; then
    die "Rust $have is too old: gandi-skill needs $need or newer. Update it with:
  rustup update stable && rustup default stable"
  fi
  die "Rust $have (from $(command -v rustc)) is too old: gandi-skill needs $need or newer. Install a current Rust with rustup:
  $rustup_line
and make sure $cargo_home/bin comes first on PATH."
fi
# On macOS /usr/bin/cc exists even without the Command Line Tools, which it needs.
if ! command -v cc >/dev/null 2>&1 || { [[ $os == Darwin ]] && ! xcode-select -p >/dev/null 2>&1; }; then
  # rustc links through cc, and ring (rustls' cryptography) compiles C and assembly.
  case $os in
    Darwin) fix="xcode-select --install" ;;
    *) fix="sudo apt-get install build-essential   (Fedora: sudo dnf install gcc; Arch: sudo pacman -S base-devel)" ;;
  esac
  die "no C compiler (cc) found; the build needs one. Install it with:
  $fix"
fi
echo "Rust $have (gandi-skill needs $need or newer), cc: $(command -v cc)"

# --- Build.
echo "+ cargo build --release --locked --bin gandi-skill"
cargo build --release --locked --bin gandi-skill
# Ask cargo where it built (CARGO_TARGET_DIR, build.target-dir and
# CARGO_BUILD_TARGET all move it), and install exactly that file.
target_dir=$(cargo metadata --no-deps --format-version 1 --locked |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
built=$target_dir/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}release/gandi-skill
[[ -x $built ]] || die "the build succeeded but $built is missing"

# --- Where it goes: a folder every new shell has on PATH. ~/.cargo/bin comes
# first because rustup's set-up puts it on PATH in every new shell, on every
# OS, whereas Debian's ~/.profile adds ~/.local/bin only once it exists.
if [[ -n ${PREFIX:-} ]]; then
  bindir=$PREFIX/bin why="PREFIX is set"
elif on_path "$user_path" "$cargo_home/bin"; then
  bindir=$cargo_home/bin why="it is on your PATH, and rustup's set-up puts it on every new shell's PATH"
elif on_path "$user_path" "$HOME/.local/bin"; then
  bindir=$HOME/.local/bin why="it is on your PATH"
elif [[ -x $cargo_home/bin/cargo ]]; then
  bindir=$cargo_home/bin why="rustup installed Rust there; new shells have it on PATH once rustup's set-up is loaded"
else
  bindir=$HOME/.local/bin why="neither $cargo_home/bin nor ~/.local/bin is on your PATH"
fi
if ! mkdir -p "$bindir" 2>/dev/null || [[ ! -w $bindir ]]; then
  die "cannot write to $bindir; run again with PREFIX set to a folder you own, e.g. PREFIX=\$HOME/.local scripts/install.sh"
fi
bindir=$(cd "$bindir" && pwd)
installed=$bindir/gandi-skill
# Copy then rename: replaces an older binary (even one that is running, or a
# symlink left by an earlier install) in one step, never half-written.
tmp=$(mktemp "$bindir/.gandi-skill.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp "$built" "$tmp"
chmod 755 "$tmp"
mv -f "$tmp" "$installed"
trap - EXIT
echo "Installed $installed ($("$installed" --version)): $bindir was chosen because $why."

# Earlier versions of this script installed into ~/.local/bin: an older copy
# there (on PATH, and on the OpenClaw gateway's) becomes a link to this one.
old=$HOME/.local/bin/gandi-skill
if [[ -f $old && ! $old -ef $installed && $("$old" --version 2>/dev/null) == "gandi-skill "* ]]; then
  ln -sfn "$installed" "$old"
  echo "Replaced the older $old with a link to $installed."
fi

# What runs when the user types gandi-skill: this copy, another one first, or nothing.
found=$(PATH=$user_path command -v gandi-skill 2>/dev/null) || found=""
if [[ -n $found && ! $found -ef $installed ]]; then
  echo "Warning: an older $found comes first on your PATH and would run instead; remove it: rm '$found'"
elif ! on_path "$user_path" "$bindir"; then
  case ${SHELL##*/} in
    zsh) rc="$HOME/.zshrc" ;;
    bash) rc="$HOME/.bashrc and $HOME/.profile" ;;
    *) rc="your shell profile ($HOME/.profile)" ;;
  esac
  echo "Warning: $bindir is not on this shell's PATH. Add this line to $rc, then open a new shell:"
  echo "  export PATH=\"$bindir:\$PATH\""
fi

# --- OpenClaw: the skill folder and the gateway's PATH.
claw_home=""
for candidate in "$HOME/.openclaw" "$HOME/.clawdbot" "$HOME/.moltbot"; do
  if [[ -d $candidate ]]; then
    claw_home=$candidate
    break
  fi
done

# The PATH of the OpenClaw gateway service, which checks requires.bins: the
# one written in its installed systemd unit or LaunchAgent, else the PATH
# OpenClaw writes for a new service (src/daemon/service-env.ts, 2026.9:
# Linux /usr/local/bin:/usr/bin:/bin then ~/.local/bin, ~/.npm-global/bin,
# ~/bin; macOS the system and Homebrew folders only). Never ~/.cargo/bin.
gateway_path() {
  local f p
  case $os in
    Darwin)
      for f in "$HOME"/Library/LaunchAgents/ai.openclaw.*.plist; do
        [[ -f $f ]] || continue
        if p=$(plutil -extract EnvironmentVariables.PATH raw -o - "$f" 2>/dev/null) && [[ -n $p ]]; then
          printf '%s\t%s\n' "$p" "$f"
          return
        fi
      done
      printf '%s\t%s\n' "/opt/homebrew/bin:/opt/homebrew/sbin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" "OpenClaw's default for a new gateway service"
      ;;
    *)
      for f in "$HOME"/.config/systemd/user/openclaw-gateway*.service "$HOME"/.config/systemd/user/clawdbot-gateway*.service; do
        [[ -f $f ]] || continue
        p=$(sed -n 's/^Environment="\{0,1\}PATH=\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' "$f" | tail -1)
        if [[ -n $p ]]; then
          printf '%s\t%s\n' "$p" "$f"
          return
        fi
      done
      printf '%s\t%s\n' "/usr/local/bin:/usr/bin:/bin:$HOME/.local/bin:$HOME/.npm-global/bin:$HOME/bin" "OpenClaw's default for a new gateway service"
      ;;
  esac
}

# The first gandi-skill on a PATH list, as the gateway would find it.
first_on() {
  local dir
  local -a dirs
  IFS=: read -ra dirs <<<"$1"
  for dir in "${dirs[@]}"; do
    if [[ -n $dir && -f $dir/gandi-skill && -x $dir/gandi-skill ]]; then
      printf '%s\n' "$dir/gandi-skill"
      return
    fi
  done
}

check_gateway() {
  local gw from dir link found candidate
  IFS=$'\t' read -r gw from < <(gateway_path)
  found=$(first_on "$gw")
  if [[ -z $found || ! $found -ef $installed ]]; then
    # A symlink in a folder of the gateway's PATH that this user may write,
    # the user's own first.
    for dir in "$HOME/.local/bin" /opt/homebrew/bin /usr/local/bin; do
      on_path "$gw" "$dir" || continue
      if [[ $dir == "$HOME/.local/bin" ]]; then
        mkdir -p "$dir" 2>/dev/null || continue
      fi
      [[ -d $dir && -w $dir ]] || continue
      [[ $dir -ef $bindir ]] && continue # never link the binary onto itself
      link=$dir/gandi-skill
      if [[ -d $link && ! -L $link ]]; then
        echo "Warning: $link is a folder, so the gateway cannot find gandi-skill there; remove it and run this again." >&2
        continue
      fi
      ln -sfn "$installed" "$link"
      echo "Linked $link -> $installed, for the OpenClaw gateway (its PATH did not lead to $installed)."
      break
    done
    found=$(first_on "$gw")
  fi
  if [[ -n $found && $found -ef $installed ]]; then
    echo "The OpenClaw gateway finds this gandi-skill at $found (its PATH from $from)."
  elif [[ -n $found ]]; then
    echo "Warning: the OpenClaw gateway would run an older $found (its PATH from $from: $gw). Remove it, then run this again:"
    echo "  rm '$found'"
  else
    # A system folder on the gateway's PATH (the user folders were tried above).
    dir=${gw%%:*}
    for candidate in /usr/local/bin /opt/homebrew/bin; do
      if on_path "$gw" "$candidate"; then
        dir=$candidate
        break
      fi
    done
    echo "Warning: the OpenClaw gateway would not find gandi-skill: its PATH (from $from) is $gw"
    local sudo="sudo "
    [[ -w $dir ]] && sudo=""
    echo "  Fix: ${sudo}ln -sfn '$installed' '$dir/gandi-skill'"
  fi
}

if [[ -n $claw_home ]]; then
  skills=$claw_home/skills
  link=$skills/gandi-skill
  mkdir -p "$skills"
  if [[ -L $link && $link -ef $repo ]]; then
    echo "The OpenClaw skill link $link -> $repo is in place."
  elif [[ -L $link ]]; then
    ln -sfn "$repo" "$link"
    echo "Updated the OpenClaw skill link $link -> $repo"
  elif [[ -e $link ]]; then
    echo "Warning: $link exists and is not a symlink; refusing to replace it (remove it, then run this again, to link this repository)." >&2
  else
    ln -s "$repo" "$link"
    echo "Linked the OpenClaw skill $link -> $repo"
  fi
  check_gateway
else
  echo "No OpenClaw home (~/.openclaw) found: once OpenClaw is installed, run this again to link the skill and check the gateway's PATH."
fi

# --- A first run. Without a token this fails: say what to do, do not fail the install.
echo "+ gandi-skill '{\"action\":\"token.check\"}'"
rc=0
out=$("$installed" '{"action":"token.check"}') || rc=$?
printf '%s\n' "$out"

echo
case $rc in
  0) echo "Done: the token works. Try: gandi-skill '{\"action\":\"domains.list\"}'" ;;
  *)
    if [[ $out == *'"auth.missing_token"'* ]]; then
      echo "Installed. No Gandi token is stored yet (that is what the error above says). Create one at"
      echo "https://admin.gandi.net/organizations/account/pat, then store it, in your own terminal:"
      echo "  $repo/scripts/setup_token.sh"
    else
      echo "Installed, but token.check failed (exit $rc): follow the hint above, or store a new token with:"
      echo "  $repo/scripts/setup_token.sh"
    fi
    ;;
esac
