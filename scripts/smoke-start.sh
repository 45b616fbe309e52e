#!/usr/bin/env bash
# Smoke test of `npm start` (scripts/start.ts): starts the local stack, checks that Temporal,
# its Web UI and the mail catcher answer, presses "Ctrl-C" (SIGINT to npm's process group, as a
# terminal does), and checks that nothing is left running. Runs ROUNDS times (default 2); from
# the second round on it checks that the data of the first (.data/temporal.sqlite) is still there.
#
#   scripts/smoke-start.sh            # needs ports 7233, 8233, 1025 and 1080 free
#   ROUNDS=1 scripts/smoke-start.sh
# WORKER_COMMAND, if set, is passed through to npm start (testing hook of scripts/start.ts).
set -euo pipefail
set +m # no job control: `setsid` below then keeps the pid of `npm start` as its process-group id
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-2}"
READY_TIMEOUT="${READY_TIMEOUT:-240}" # seconds; the first start on a loaded machine is slow
STOP_TIMEOUT=45
NS=smoke-start                        # own namespace, to keep `default` clean for the demo
MARKER="smoke-start-$(date +%s)-$$"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/smoke-start.XXXXXX")"
TEMPORAL="${TEMPORAL_CLI_PATH:-.temporal/bin/temporal}"
ADDR=127.0.0.1:7233

say() { printf '[smoke-start] %s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }

if [[ ! -x "$TEMPORAL" ]]; then
  say "installing the Temporal CLI into .temporal/bin"
  npx tsx -e "require('./scripts/temporal-binaries').resolveBinary('cli')" >/dev/null
fi
[[ -x "$TEMPORAL" ]] || fail "no Temporal CLI at $TEMPORAL"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 7233 8233 1025 1080; do
  port_open "$port" && fail "port $port is already in use (is a stack running?); not touching it"
done

descendants() { # all live descendants of $1
  local kids
  kids=$(ps -eo pid=,ppid= | awk -v p="$1" '$2 == p { print $1 }')
  for k in $kids; do echo "$k"; descendants "$k"; done
}

NPM_PID=""
TRACKED=""
cleanup() {
  [[ -n "$NPM_PID" ]] || return 0
  say "cleaning up after a failure"
  kill -TERM -- "-$NPM_PID" 2>/dev/null || true
  for p in $TRACKED $(descendants "$NPM_PID"); do kill -KILL -- "-$p" "$p" 2>/dev/null || true; done
  kill -KILL -- "-$NPM_PID" 2>/dev/null || true
}
trap cleanup EXIT

t() { "$TEMPORAL" "$@" --address "$ADDR"; }
retry() { # retry <seconds> <command...>
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do ((SECONDS < until)) || return 1; sleep 1; done
}

for round in $(seq 1 "$ROUNDS"); do
  log="$LOG_DIR/round$round.log"
  say "round $round: npm start (log: $log)"
  # setsid: own process group and session, like a terminal's foreground job.
  setsid npm start >"$log" 2>&1 </dev/null &
  NPM_PID=$!
  started=$SECONDS
  until grep -q 'the stack is up' "$log"; do
    kill -0 "$NPM_PID" 2>/dev/null || { cat "$log"; fail "npm start exited before the stack was up"; }
    ((SECONDS - started < READY_TIMEOUT)) || { cat "$log"; fail "stack not up after ${READY_TIMEOUT}s"; }
    sleep 1
  done
  say "stack up after $((SECONDS - started))s"
  sleep 2 # let the worker connect (start.ts gives it 1.5 s before the banner)
  grep -q '^\[start\] .*exited' "$log" && { cat "$log"; fail "a child exited"; }
  TRACKED="$(descendants "$NPM_PID" | tr '\n' ' ')"

  # The URLs answer.
  code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8233/) || true
  [[ "$code" == 200 ]] || fail "Temporal Web UI http://127.0.0.1:8233 answered $code"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: text/html' http://127.0.0.1:1080/) || true
  [[ "$code" == 200 ]] || fail "mail catcher http://127.0.0.1:1080 answered $code"
  curl -sf http://127.0.0.1:1080/api/email >/dev/null || fail "mail catcher REST API does not answer"
  sas="$(t operator search-attribute list)"
  for sa in CampaignYear Subdistrict Stage CommitteeId TitleStatus; do
    grep -q "$sa" <<<"$sas" || { echo "$sas"; fail "search attribute $sa missing"; }
  done
  t workflow list --limit 1 >/dev/null || fail "temporal workflow list failed"
  # SMTP on 1025 reaches the mail catcher (the test mail is deleted again).
  printf 'Subject: %s\r\n\r\nsmoke test\r\n' "$MARKER-$round" |
    curl -s --url smtp://127.0.0.1:1025 --mail-from smoke@example.org --mail-rcpt smoke@example.org -T - ||
    fail "could not send a mail to smtp://127.0.0.1:1025"
  mail_id="$(curl -s http://127.0.0.1:1080/api/email | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const m = JSON.parse(s).find((e) => e.subject === process.argv[1]);
      if (m) console.log(m.id);
    });' "$MARKER-$round")"
  [[ -n "$mail_id" ]] || fail "the test mail did not reach the mail catcher"
  curl -s -X DELETE "http://127.0.0.1:1080/api/email/$mail_id" >/dev/null
  say "UI 200, mail catcher 200, SMTP delivers, search attributes present, workflow list works"

  # Persistence: round 1 leaves a terminated workflow behind; later rounds find it.
  if [[ "$round" == 1 ]]; then
    t operator namespace describe -n "$NS" >/dev/null 2>&1 || t operator namespace create -n "$NS" --retention 24h >/dev/null
    retry 30 t workflow start -n "$NS" --type SmokeMarker --task-queue smoke-start-none --workflow-id "$MARKER" \
      || fail "could not start the marker workflow"
    t workflow terminate -n "$NS" --workflow-id "$MARKER" --reason "smoke-start marker" >/dev/null
    say "marker workflow $MARKER written (namespace $NS)"
  else
    retry 20 t workflow describe -n "$NS" --workflow-id "$MARKER" || fail "marker workflow $MARKER lost after restart"
    listed="$(t workflow list -n "$NS" --query "WorkflowId='$MARKER'")"
    grep -q "$MARKER" <<<"$listed" || fail "marker workflow not listed after restart"
    say "after restart: marker workflow $MARKER still there ($(grep -c . <<<"$listed") lines listed), $(du -h .data/temporal.sqlite | cut -f1) .data/temporal.sqlite"
  fi

  # "Ctrl-C": SIGINT to the foreground process group.
  kill -INT -- "-$NPM_PID"
  stopped=$SECONDS
  while kill -0 "$NPM_PID" 2>/dev/null; do
    ((SECONDS - stopped < STOP_TIMEOUT)) || { cat "$log"; fail "npm start still running ${STOP_TIMEOUT}s after SIGINT"; }
    sleep 0.5
  done
  set +e; wait "$NPM_PID"; rc=$?; set -e
  say "npm start exited with code $rc after $((SECONDS - stopped))s"
  grep -q 'everything stopped' "$log" || { cat "$log"; fail "no clean shutdown message"; }

  # Nothing left behind.
  left=""
  for p in $TRACKED; do kill -0 "$p" 2>/dev/null && left+=" $p"; done
  [[ -z "$left" ]] || { ps -o pid,pgid,args -p "$(tr ' ' ',' <<<"${left# }")" || true; fail "processes left running:$left"; }
  # Patterns of this stack only (tests run their own in-memory dev servers, others may run `npm run worker`).
  for pattern in "start-dev .*--db-filename $PWD/.data/temporal.sqlite" "maildev.js .*--mail-directory $PWD/.data/maildev" \
                 "$PWD/worker/main.ts" "scripts/start.ts" ${WORKER_COMMAND:+"$WORKER_COMMAND"}; do
    if pgrep -f "$pattern" >/dev/null; then pgrep -af "$pattern"; fail "a process matching '$pattern' is still running"; fi
  done
  for port in 7233 8233 1025 1080; do port_open "$port" && fail "port $port still open"; done
  NPM_PID=""
  say "round $round: all $(wc -w <<<"$TRACKED") child processes gone, ports closed"
  sed -n '/SIGINT received/,$p' "$log" | sed 's/^/    /'
done

[[ -f .data/temporal.sqlite ]] || fail ".data/temporal.sqlite missing"
say "OK ($ROUNDS rounds; logs in $LOG_DIR)"
