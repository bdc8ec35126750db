#!/usr/bin/env bash
# demo.sh owns the no-account demo: the test suite's fake Gandi with its sample account, and a short session with the real binary whose every reply is checked and read aloud.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/demo.sh [--bin PATH] [--fake PATH]

Shows gandi-skill at work without a Gandi account. It starts the project's
fake Gandi (the fake_gandi example: the test suite's sample account, user
jdoe with six domains) on 127.0.0.1 and runs a short session against it
with the real binary:
  1. list the 5 domains expiring soonest, name and date only
  2. check the price of a domain name
  3. add a TXT record
  4. remove an A record: answered with its preview and plan (exit 3)
  5. the same request confirmed with that plan
  6. undo from the snapshot taken before step 5: its preview and plan
  7. the restore confirmed with its plan
  8. list the zone to see the record back
Each step prints its request and a short reading of the reply, and is
checked (status, exit code, key fields): the script stops with exit 1 at
the first reply that is not what the step expects.

Nothing is left behind and nothing real is touched: the skill runs with a
temporary HOME (never ~/.config/gandi), the fake's token in GANDI_API_TOKEN
(never printed), GANDI_API_URL and GANDI_ID_URL at the fake, no proxy
variables; the fake is stopped and the temporary folder removed on every
exit.

  --bin PATH    run this gandi-skill (e.g. the installed one) instead of
                building it (cargo build --release --locked --bin gandi-skill,
                as scripts/install.sh does, so after it nothing is rebuilt)
  --fake PATH   run this program as the fake Gandi (it must print
                "URL TOKEN" on one line and serve until killed) instead of
                building the fake_gandi example (cargo build --locked
                --example fake_gandi: the debug build, which `cargo test`
                has already made)
  -h, --help    show this help
Needs python3 (to read the JSON replies) and, unless both are given, cargo.
EOF
}

bin="" fake=""
while (($#)); do
  case $1 in
    --bin | --fake)
      [[ $# -ge 2 && -n $2 ]] || {
        usage >&2
        printf 'demo.sh: %s needs a path\n' "$1" >&2
        exit 2
      }
      if [[ $1 == --bin ]]; then bin=$2; else fake=$2; fi
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      printf 'demo.sh: unknown argument: %s\n' "$1" >&2
      exit 2
      ;;
  esac
done

die() {
  printf 'demo.sh: %s\n' "$1" >&2
  exit 1
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to read the replies (apt-get install python3)"

# --- Build what was not given, with the user's own HOME (cargo and rustup live there).
if [[ -z $bin || -z $fake ]]; then
  cargo_home=${CARGO_HOME:-$HOME/.cargo}
  if ! command -v cargo >/dev/null 2>&1 && [[ -x $cargo_home/bin/cargo ]]; then
    export PATH=$cargo_home/bin:$PATH
  fi
  command -v cargo >/dev/null 2>&1 ||
    die "cargo is needed to build the demo (see the README's Prerequisites), or pass --bin and --fake"
  target_dir=$(cargo metadata --no-deps --format-version 1 --locked |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
  [[ -n $target_dir ]] || die "cargo metadata named no target directory"
  triple=${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}
fi
if [[ -z $bin ]]; then
  # The binary alone, exactly as install.sh builds it (so it is reused).
  echo "+ cargo build --release --locked --bin gandi-skill"
  cargo build --release --locked --bin gandi-skill
  bin=$target_dir/${triple}release/gandi-skill
  bin_note="built from this checkout"
else
  bin_note="given with --bin"
fi
if [[ -z $fake ]]; then
  # The debug build: `cargo test` has built it already, and a release build
  # (LTO, one codegen unit) would cost minutes for a server that answers a
  # handful of requests.
  echo "+ cargo build --locked --example fake_gandi"
  cargo build --locked --example fake_gandi
  fake=$target_dir/${triple}debug/examples/fake_gandi
fi
[[ -x $bin ]] || die "no executable gandi-skill at $bin"
[[ -x $fake ]] || die "no executable fake Gandi at $fake"
bin_version=$("$bin" --version 2>/dev/null) || die "$bin --version failed"

# --- The fake Gandi, stopped and the scratch folder removed however the script ends.
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
trap 'exit 130' INT
trap 'exit 143' TERM HUP

: >"$tmp/fake.out" # exists before the loop below reads it, however late the fake starts
"$fake" >"$tmp/fake.out" 2>"$tmp/fake.err" &
fake_pid=$!
url="" token=""
for _ in $(seq 300); do
  if IFS=' ' read -r url token <"$tmp/fake.out" && [[ -n $token ]]; then
    break
  fi
  if ! kill -0 "$fake_pid" 2>/dev/null; then
    cat "$tmp/fake.err" >&2
    die "the fake Gandi ($fake) exited before printing its address"
  fi
  sleep 0.1
done
[[ -n $token ]] || die "the fake Gandi printed no 'URL TOKEN' line within 30 s"
rm -f "$tmp/fake.out" # the token now lives only in this process and the skill's environment

# --- The skill's environment: only the fake, a throwaway HOME, no stored
# credentials, policy or proxy of this machine's user.
while IFS= read -r name; do
  case $name in
    GANDI_* | XDG_CONFIG_HOME | [Hh][Tt][Tt][Pp]_[Pp][Rr][Oo][Xx][Yy] | [Hh][Tt][Tt][Pp][Ss]_[Pp][Rr][Oo][Xx][Yy] | \
      [Aa][Ll][Ll]_[Pp][Rr][Oo][Xx][Yy] | [Nn][Oo]_[Pp][Rr][Oo][Xx][Yy]) unset "$name" ;;
  esac
done < <(compgen -e)
mkdir -m 700 "$tmp/home"
export HOME=$tmp/home GANDI_API_URL=$url GANDI_ID_URL=$url GANDI_API_TOKEN=$token
unset token

# --- Reading the replies. One python3 program with four modes:
#   check STEP EXIT REPLY   the step's expectations; prints the reading, or
#                           the mismatch on stderr and exits 1
#   merge REQUEST REPLY     REQUEST with the reply's confirm_with added
#   get REPLY KEY.KEY       one string field of the reply
#   show REQUEST            REQUEST for display (plan tokens shortened)
read -r -d '' py <<'PY' || true
import json, sys

def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)

def load(text, what):
    try:
        return json.loads(text)
    except ValueError:
        die(f"{what} is not JSON: {text[:300]!r}")

def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)

def short(plan):
    # The head is the key and expiry, alike for every plan of a run: keep the
    # kind and the end, where plans differ.
    return plan[:3] + "…" + plan[-8:] if isinstance(plan, str) and len(plan) > 16 else plan

def values(rrset):
    return " ".join(rrset.get("values") or [])

def change_text(c):
    rr = c.get("after") or c.get("before") or {}
    verb = {"add": "adds", "remove": "removes", "change": "changes"}.get(c.get("op"), c.get("op"))
    return f"{verb} {c.get('name')} {c.get('type')} {values(rr)}"

def check(step, rc, r):
    def need(cond, what):
        if not cond:
            die(f"expected {what}; the reply: {compact(r)[:600]}")

    def status(want, code):
        got = f"{r.get('status')} (exit {rc})"
        err = r.get("error")
        if isinstance(err, dict):
            got += f": {err.get('code')}: {err.get('message')}"
        need(r.get("status") == want and rc == code, f"{want} (exit {code}), got {got}")

    def gate():
        status("needs_confirmation", 3)
        cw, preview = r.get("confirm_with") or {}, r.get("preview") or {}
        plan = cw.get("plan")
        need(cw.get("confirm") is True and isinstance(plan, str) and plan.startswith("p1."),
             "confirm_with holding confirm: true and a p1. plan")
        need(preview.get("plan") == plan, "the preview's plan to be confirm_with's plan")
        return preview, plan

    def one_change(changes, op, name, rtype, vals):
        need(len(changes) == 1, f"exactly one change, got {len(changes)}")
        c = changes[0]
        rr = c.get("after") if op == "add" else c.get("before")
        need(c.get("op") == op and c.get("name") == name and c.get("type") == rtype
             and isinstance(rr, dict) and rr.get("values") == vals,
             f"the change to be {op} {name} {rtype} {' '.join(vals)}")
        return c

    res, meta = r.get("result") or {}, r.get("meta") or {}
    warns = r.get("warnings") or []
    warn = "".join(f"\n   warning for the user: {w}" for w in warns)
    if step == "list":
        status("ok", 0)
        ds = res.get("domains") or []
        need(len(ds) == 5 and meta.get("returned") == 5, "5 domains (limit 5)")
        need(all(set(d) == {"fqdn", "expires_at"} for d in ds), "only fqdn and expires_at (fields)")
        dates = [d["expires_at"] for d in ds]
        need(dates == sorted(dates), "the domains sorted by expires_at")
        cut = " (limit cut the list)" if meta.get("truncated") else ""
        listed = ", ".join(f"{d['fqdn']} {d['expires_at'][:10]}" for d in ds)
        return f"ok: {len(ds)} of {meta.get('total_count')} domains, soonest expiry first{cut}: {listed}."
    if step == "check":
        status("ok", 0)
        names = res.get("names") or []
        need(len(names) == 1 and names[0].get("fqdn") == "my-new-idea.com", "one answer, for my-new-idea.com")
        n = names[0]
        create, renew = n.get("create") or {}, n.get("renew") or {}
        need(n.get("available") is True and isinstance(create.get("amount"), (int, float))
             and create.get("currency"), "my-new-idea.com available with a registration price")
        taxes = "taxes included" if create.get("taxes_included") else "before taxes"
        return (f"ok: my-new-idea.com is available: {create['amount']:.2f} {create['currency']} for "
                f"{create.get('duration')} {create.get('duration_unit')} ({taxes}), renewal "
                f"{renew.get('amount', 0):.2f} {renew.get('currency', '')}. Nothing is ordered by a check.")
    if step == "add":
        status("ok", 0)
        c = one_change(res.get("changes") or [], "add", "_acme-challenge", "TXT", ['"demo-token-123"'])
        need(res.get("applied") is True, "applied: true")
        need(isinstance(meta.get("snapshot_id"), str), "meta.snapshot_id (the snapshot taken before the write)")
        return (f"ok: added _acme-challenge TXT {values(c['after'])} (ttl {c['after'].get('ttl')}); "
                f"the zone was snapshotted first ({meta['snapshot_id'][:8]}…).{warn}")
    if step == "remove":
        preview, plan = gate()
        c = one_change(preview.get("changes") or [], "remove", "blog", "A", ["198.51.100.7"])
        return f"needs the user's yes (exit 3), nothing changed yet: {change_text(c)}; plan {short(plan)}{warn}"
    if step == "removed":
        status("ok", 0)
        one_change(res.get("changes") or [], "remove", "blog", "A", ["198.51.100.7"])
        need(res.get("applied") is True, "applied: true")
        need(isinstance(meta.get("snapshot_id"), str), "meta.snapshot_id (how to undo)")
        return f"ok: removed blog A 198.51.100.7; undo with snapshot {meta['snapshot_id'][:8]}… (meta.snapshot_id)."
    if step == "restore":
        preview, plan = gate()
        c = one_change(preview.get("changes") or [], "add", "blog", "A", ["198.51.100.7"])
        unchanged = (preview.get("summary") or {}).get("unchanged")
        return (f"needs the user's yes (exit 3), nothing changed yet: the zone goes back to the snapshot: "
                f"{change_text(c)} ({unchanged} rrsets unchanged); plan {short(plan)}{warn}")
    if step == "restored":
        status("ok", 0)
        one_change(res.get("changes") or [], "add", "blog", "A", ["198.51.100.7"])
        need(res.get("applied") is True, "applied: true")
        return "ok: the zone is back as it was before step 5 (blog A 198.51.100.7 added back)."
    if step == "zone":
        status("ok", 0)
        recs = res.get("records") or []
        by = {(x.get("name"), x.get("type")): x.get("values") for x in recs}
        need(by.get(("blog", "A")) == ["198.51.100.7"], "blog A 198.51.100.7 back in the zone")
        need(by.get(("_acme-challenge", "TXT")) == ['"demo-token-123"'],
             "_acme-challenge TXT kept (it was added before the snapshot)")
        return (f"ok: {len(recs)} rrsets; blog A 198.51.100.7 is back, and the TXT record of step 3 "
                "is still there (it was in the snapshot).")
    die(f"demo.sh bug: no check named {step}")

mode, args = sys.argv[1], sys.argv[2:]
if mode == "check":
    print(check(args[0], int(args[1]), load(args[2], "the reply")))
elif mode == "merge":
    req, r = load(args[0], "the request"), load(args[1], "the reply")
    req.update(r.get("confirm_with") or {})
    print(compact(req))
elif mode == "get":
    v = load(args[0], "the reply")
    for k in args[1].split("."):
        v = v.get(k) if isinstance(v, dict) else None
    if not isinstance(v, str):
        die(f"the reply has no {args[1]}")
    print(v)
elif mode == "show":
    req = load(args[0], "the request")
    if "plan" in req:
        req["plan"] = short(req["plan"])
    print(compact(req))
PY

n=0 reply=""
# step CHECK TITLE REQUEST: prints the step, runs the skill, checks and reads its reply.
step() {
  local check=$1 title=$2 request=$3 rc=0 shown reading
  n=$((n + 1))
  shown=$(python3 -c "$py" show "$request")
  printf '\n%d. %s\n   $ gandi-skill %s\n' "$n" "$title" "'$shown'"
  reply=$("$bin" "$request") || rc=$?
  reading=$(python3 -c "$py" check "$check" "$rc" "$reply") || {
    printf 'demo.sh: step %d (%s): the reply is not what this step expects (above); stopping.\n' "$n" "$title" >&2
    exit 1
  }
  printf '   %s\n' "$reading"
}

printf 'gandi-skill demo: %s (%s) against a fake Gandi at %s\n' "$bin_version" "$bin_note" "$url"
printf '(the test suite'"'"'s sample account; a throwaway HOME; plan tokens shortened for display)\n'

step list "List the 5 domains expiring soonest, name and date only" \
  '{"action":"domains.list","fields":["fqdn","expires_at"],"sort":"expires_at","limit":5}'
step check "Check whether a name is free, and its price" \
  '{"action":"domains.check","domain":"my-new-idea.com"}'
step add "Add a TXT record (a write: done at once, after a snapshot)" \
  '{"action":"dns.records.add","domain":"example.com","name":"_acme-challenge","type":"TXT","values":["demo-token-123"],"ttl":300}'
remove='{"action":"dns.records.remove","domain":"example.com","name":"blog","type":"A"}'
step remove "Remove the A record of blog (destructive: first the preview)" "$remove"
confirmed=$(python3 -c "$py" merge "$remove" "$reply")
step removed "The user said yes: the same request with confirm_with added" "$confirmed"
snapshot=$(python3 -c "$py" get "$reply" meta.snapshot_id)
restore='{"action":"dns.snapshots.restore","domain":"example.com","snapshot_id":"'$snapshot'"}'
step restore "Undo: restore the snapshot taken before step 5 (preview first)" "$restore"
confirmed=$(python3 -c "$py" merge "$restore" "$reply")
step restored "The user said yes: the restore with confirm_with added" "$confirmed"
step zone "Look at the zone" '{"action":"dns.records.list","domain":"example.com"}'

printf '\nDemo done: %d steps, every reply as expected. The fake is stopped and the throwaway HOME removed.\n' "$n"
