#!/usr/bin/env bash
# The CI dry-run flow of docs/ci.md, end to end on the shipped example, in a temporary folder:
# validate, write the plan, check it (exit 0), change a copy of the inventory, check again
# (exit 3, annotations and a job summary), diff the two plans (exit 3), and refuse a broken
# plan file (exit 1). Exits non-zero, naming the step, if anything does not behave as documented.
# Usage: .ci/dry-run.sh   (with nypconsol installed; NYPCONSOL="python -m nypconsol" also works)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
read -r -a nypconsol <<<"${NYPCONSOL:-nypconsol}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
unset NYPCONSOL_CONFIG
export GITHUB_STEP_SUMMARY="$work/step-summary.md"
steps=0

fail() {
  echo "dry-run: FAILED: $*" >&2
  for stream in stdout stderr; do
    if [ -s "$work/$stream" ]; then
      echo "--- $stream" >&2
      cat "$work/$stream" >&2
    fi
  done
  exit 1
}

# expect CODE COMMAND...: run a nypconsol command; its exit code must be CODE.
expect() {
  local want="$1" got=0
  shift
  "${nypconsol[@]}" "$@" >"$work/stdout" 2>"$work/stderr" || got=$?
  [ "$got" -eq "$want" ] || fail "nypconsol $* exited $got, expected $want"
  if grep -q "Traceback" "$work/stderr"; then fail "nypconsol $* printed a traceback"; fi
  steps=$((steps + 1))
}

# contains FILE TEXT: FILE must contain TEXT (a fixed string).
contains() {
  grep -qF -- "$2" "$1" || fail "expected '$2' in $(basename "$1")"
}

# The repository a comms team keeps: config/accounts.yaml and inventory.csv (nypconsol init).
expect 0 init .
cmp -s inventory.csv "$repo/nypconsol/data/example-inventory.csv" ||
  fail "nypconsol init did not write the shipped example inventory"

# Every pull request: validate, then check the committed plan.
expect 0 validate -i inventory.csv --format github
contains "$work/stderr" "18 accounts checked: 0 errors, 1 warning"
expect 0 plan -i inventory.csv --format json -o plan.json
sha_before="$(cksum <plan.json)"
: >"$GITHUB_STEP_SUMMARY"
expect 0 plan -i inventory.csv --check plan.json --format github
contains "$GITHUB_STEP_SUMMARY" "No drift: plan.json and the rebuilt plan are the same plan."
expect 0 plan -i inventory.csv --check plan.json
contains "$work/stdout" "No drift: plan.json and the rebuilt plan are the same plan."

# A change in a temporary copy of the inventory: one account added, one moved to Selby.
mkdir change
sed 's/,Neighbourhood officer,Skipton,/,Neighbourhood officer,Tadcaster,/' inventory.csv >change/inventory.csv
printf 'NewBeatPCSO,x,PCSO 6999 New Officer,6999,PCSO,Acomb,,250,2026-11-01,active,,\n' >>change/inventory.csv
expect 0 validate -i change/inventory.csv
expect 3 plan -i change/inventory.csv --check plan.json --format github -o change/plan.json
contains "$work/stdout" "::error file=plan.json,line="
contains "$work/stdout" "selby x @PC_Skipton_Ali changed: district: craven -> selby"
contains "$work/stdout" "::error file=plan.json,title=plan drift::york x @NewBeatPCSO added"
contains "$work/stderr" "Drift from plan.json to the rebuilt plan: 1 account added, 0 removed, 1 changed."
contains "$GITHUB_STEP_SUMMARY" "| selby | @PC\_Skipton\_Ali | x | district | craven | selby |"
[ "$(cksum <plan.json)" = "$sha_before" ] || fail "plan --check changed the committed plan"
expect 3 plan -i change/inventory.csv --check plan.json --format json
contains "$work/stdout" '"equal": false'

# Post the diff: the committed plan against the plan the change produces.
expect 3 diff plan.json change/plan.json --format markdown
contains "$work/stdout" "## nypconsol diff"
contains "$work/stdout" "| york | @NewBeatPCSO | x | PCSO 6999 New Officer |"
expect 3 diff plan.json change/plan.json
expect 0 diff plan.json plan.json

# The main branch: regenerate the plan; it is now the committed one and there is no drift.
expect 0 plan -i change/inventory.csv --format json -o plan.json
expect 0 plan -i change/inventory.csv --check plan.json

# A broken or foreign plan file: a clear message naming the file, exit 1, nothing written.
head -c 200 plan.json >truncated.json
expect 1 plan -i inventory.csv --check truncated.json -o should-not-exist.json
contains "$work/stderr" "Error: truncated.json:"
[ ! -e should-not-exist.json ] || fail "a refused check wrote its -o file"
expect 0 validate -i inventory.csv --format json
cp "$work/stdout" findings.json
expect 1 diff findings.json plan.json
contains "$work/stderr" 'Error: findings.json: is a "findings" file, not a plan'

echo "dry-run: ok ($steps nypconsol runs behaved as documented)"
