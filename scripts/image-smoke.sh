#!/usr/bin/env bash
# Build the API image and prove it works the way production runs it (`make image-smoke`):
#
#  1. build (scripts/image.sh: docker or podman; a debootstrap base where no registry is reachable);
#     the image must be at most IMAGE_MAX_MB (320) MB (was 250 until the PDF notices: fpdf2 brings fontTools
#     and Pillow, about 53 MB);
#  2. start a PostgreSQL 16 on 127.0.0.1 (the embedded one from the project venv, on a free port);
#  3. start the image on the empty database: it must come up live but NOT ready (migrations never run at
#     start), then migrate with the image itself as a one-off container (`loan-engine db upgrade`, as the
#     deploy pipeline does) and see it turn ready;
#  4. start a fresh container and time `run` -> /health/ready = 200; call real routes (OpenAPI document,
#     readiness, POST /api/quotes when the API has it); check every process in it runs as a non-root
#     user under tini, and that the image's HEALTHCHECK command passes;
#  5. SIGTERM while requests are in flight (scripts/image_smoke_drain.py): none may fail, and the
#     container must exit cleanly within 10 s;
#  6. write the figures to bench/results/image.json.
#
# Containers use the host network (PostgreSQL listens on 127.0.0.1 only) and a free port (PORT).
# Idempotent: leftovers of an interrupted run are removed first; everything started is removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/image.sh
source scripts/image.sh

VENV_PY="${VENV_PY:-.venv/bin/python}"
IMAGE_MAX_MB="${IMAGE_MAX_MB:-320}"
EXIT_WITHIN_S=10
RESULTS=bench/results/image.json
SMOKE_LABEL=loan-engine-smoke
NAME="loan-engine-smoke-$$"
PG_DIR="$IMAGE_CACHE/smoke-pg-$$"
WORK="$IMAGE_CACHE/smoke-work-$$"  # responses and logs of this run
PG_PID=""

[ -x "$VENV_PY" ] || die "no project venv at $VENV_PY (run: make install)"

step() { printf '\n==> %s\n' "$*" >&2; }
fail() { printf '\nimage-smoke: FAILED: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { "$VENV_PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

stop_pg() {  # stop an embedded server in folder $1 if one runs there, then remove the folder
  "$VENV_PY" - "$1" <<'EOF' || true
import sys
from pathlib import Path
from loan_engine.db.embedded import EmbeddedPostgres
server = EmbeddedPostgres(Path(sys.argv[1]))
server.owned = True  # ours: started by this script
server.stop()
EOF
  rm -rf "$1"
}

cleanup() {
  local status=$?
  set +e
  if [ -n "$ENGINE" ]; then
    image_ctl ps -a -q --filter "label=$SMOKE_LABEL=$$" | xargs -r "${ENGINE_CMD[@]}" rm -f >/dev/null 2>&1
  fi
  if [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null; then
    kill -TERM "$PG_PID"
    wait "$PG_PID" 2>/dev/null
  fi
  stop_pg "$PG_DIR"
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

image_engine
step "removing leftovers of interrupted runs"
# Containers and database folders carry the PID of the run that made them: only dead runs' are removed,
# so two smoke runs on one machine leave each other alone.
for id in $(image_ctl ps -a -q --filter "label=$SMOKE_LABEL"); do
  pid="$(image_ctl inspect --format "{{index .Config.Labels \"$SMOKE_LABEL\"}}" "$id" 2>/dev/null || true)"
  kill -0 "${pid:-none}" 2>/dev/null || image_ctl rm -f "$id" >/dev/null 2>&1 || true
done
for stale in "$IMAGE_CACHE"/smoke-pg-*; do
  [ -d "$stale" ] && ! kill -0 "${stale##*-}" 2>/dev/null && stop_pg "$stale"
done
for stale in "$IMAGE_CACHE"/smoke-work-*; do
  [ -d "$stale" ] && ! kill -0 "${stale##*-}" 2>/dev/null && rm -rf "$stale"
done
mkdir -p "$WORK"

# ------------------------------------------------------------------------------------------------ 1. build
step "1. build"
image_build
size_bytes="$(image_size_bytes "$IMAGE")"
size_mb="$(( (size_bytes + 500000) / 1000000 ))"
echo "image size: ${size_mb} MB (${size_bytes} bytes; limit ${IMAGE_MAX_MB} MB)"
[ "$size_mb" -le "$IMAGE_MAX_MB" ] || fail "the image is ${size_mb} MB, over ${IMAGE_MAX_MB} MB"
base="$IMAGE_BASE_USED"

# ------------------------------------------------------------------------------------------- 2. PostgreSQL
step "2. PostgreSQL on 127.0.0.1"
mkdir -p "$PG_DIR"
"$VENV_PY" - "$PG_DIR" <<'EOF' &
import signal, sys
from pathlib import Path
from loan_engine.db.embedded import EmbeddedPostgres
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
folder = Path(sys.argv[1])
server = EmbeddedPostgres(folder / "cluster", durable=False).start()
(folder / "port").write_text(str(server.port))
signal.sigwait({signal.SIGTERM, signal.SIGINT})
server.stop()
EOF
PG_PID=$!
for _ in $(seq 300); do
  [ -s "$PG_DIR/port" ] && break
  kill -0 "$PG_PID" 2>/dev/null || fail "the embedded PostgreSQL did not start"
  sleep 0.1
done
[ -s "$PG_DIR/port" ] || fail "the embedded PostgreSQL did not start within 30 s"
DATABASE_URL="postgresql://postgres@127.0.0.1:$(cat "$PG_DIR/port")/loan_engine"
echo "PostgreSQL: $DATABASE_URL"

APP_PORT="$("$VENV_PY" -c 'from loan_engine.db.embedded import free_port; print(free_port())')"
URL="http://127.0.0.1:$APP_PORT"
JWT_SECRET="$("$VENV_PY" -c 'import secrets; print(secrets.token_urlsafe(48))')"
CONTAINER_ENV=(-e ENVIRONMENT=prod -e "DATABASE_URL=$DATABASE_URL" -e "JWT_SECRET=$JWT_SECRET" -e "PORT=$APP_PORT")
ENGINE_LOG="$WORK/engine.log"

quietly() {  # run an engine command, showing its stderr only when it fails
  # (podman 4.3 logs harmless errors about systemd health-check timers on hosts without systemd)
  "$@" 2>"$ENGINE_LOG" || { cat "$ENGINE_LOG" >&2; return 1; }
}

start_container() {  # start_container NAME WORKERS: the image's own entrypoint and command, detached
  quietly image_run -d --name "$1" --label "$SMOKE_LABEL=$$" --network host "${CONTAINER_ENV[@]}" \
    -e "WEB_CONCURRENCY=$2" "$IMAGE" >/dev/null || fail "the container did not start"
}

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL$1" || true; }

wait_for() {  # wait_for PATH STATUS SECONDS CONTAINER
  local deadline=$((SECONDS + $3))
  while [ "$(http_status "$1")" != "$2" ]; do
    if [ $SECONDS -ge $deadline ]; then
      image_ctl logs "$4" 2>&1 | tail -n 30 >&2
      fail "$1 did not answer $2 within $3 s"
    fi
    sleep 0.05
  done
}

# ------------------------------------------------------------------------------- 3. no migrations at start
step "3. start on the empty database: live, not ready; migrate with the image; ready"
started="$(now)"
start_container "$NAME-a" 1
wait_for /health/live 200 60 "$NAME-a"
run_to_live="$(elapsed "$started" "$(now)")"
echo "run -> /health/live 200 in ${run_to_live} s (1 worker)"
ready_body="$(curl -s --max-time 5 "$URL/health/ready")"
[ "$(http_status /health/ready)" = 503 ] || fail "ready before any migration: the container migrated at start?"
echo "before migrating: /health/ready -> 503 $ready_body"
quietly image_run --rm --label "$SMOKE_LABEL=$$" --network host "${CONTAINER_ENV[@]}" "$IMAGE" \
  loan-engine db upgrade || fail "loan-engine db upgrade failed in the image"
wait_for /health/ready 200 10 "$NAME-a"
echo "after migrating: /health/ready -> 200 (same container, no restart)"
stop_started="$(now)"
quietly image_ctl stop -t 15 "$NAME-a" >/dev/null || fail "could not stop the container"
stopped_in="$(elapsed "$stop_started" "$(now)")"
exit_code="$(image_ctl inspect --format '{{.State.ExitCode}}' "$NAME-a")"
[ "$exit_code" = 0 ] || fail "the container (1 worker) exited with $exit_code on SIGTERM, not 0"
echo "SIGTERM (1 worker, idle): exit code 0 after ${stopped_in} s"
quietly image_ctl rm -f "$NAME-a" >/dev/null

# ------------------------------------------------------------------------ 4. time to ready, routes, user
step "4. fresh container: time to ready, real routes, non-root, HEALTHCHECK"
started="$(now)"
start_container "$NAME" 2
wait_for /health/ready 200 60 "$NAME"
run_to_ready="$(elapsed "$started" "$(now)")"
echo "run -> /health/ready 200 in ${run_to_ready} s"

curl -sf --max-time 10 "$URL/api/docs/openapi.json" -o "$WORK/openapi.json" ||
  fail "GET /api/docs/openapi.json failed"
routes="$("$VENV_PY" - "$WORK/openapi.json" <<'EOF'
import json, sys
document = json.load(open(sys.argv[1]))
assert document["openapi"].startswith("3."), "not an OpenAPI 3 document"
print(" ".join(f"{method.upper()}:{path}" for path, item in sorted(document["paths"].items()) for method in item))
EOF
)" || fail "the OpenAPI document is not valid"
echo "GET /api/docs/openapi.json -> 200, $(wc -w <<<"$routes") operations"
curl -sf --max-time 5 "$URL/health/ready" >/dev/null || fail "GET /health/ready failed"

# POST /api/quotes, when the API has it: the body is built from the required fields' own examples in the
# OpenAPI document, so the check follows the API as it grows.
quote_status="absent"
if grep -q 'POST:/api/quotes ' <<<"$routes "; then
  quote_body="$("$VENV_PY" - "$WORK/openapi.json" <<'EOF'
import json, sys
document = json.load(open(sys.argv[1]))
operation = document["paths"]["/api/quotes"]["post"]
ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
body = {}
for name in schema.get("required", []):
    spec = schema["properties"][name]
    if spec.get("examples"):
        body[name] = spec["examples"][0]
    elif "default" in spec:
        body[name] = spec["default"]
    else:
        sys.exit(f"no example for the required field {name}")
print(json.dumps(body))
EOF
)" || fail "cannot build a POST /api/quotes body from the OpenAPI document"
  quote_status="$(curl -s -o "$WORK/quote.json" -w '%{http_code}' --max-time 10 -X POST "$URL/api/quotes" \
    -H 'Content-Type: application/json' --data "$quote_body")"
  [ "$quote_status" = 200 ] || fail "POST /api/quotes $quote_body -> $quote_status: $(head -c 500 "$WORK/quote.json")"
  echo "POST /api/quotes $quote_body -> 200: $(head -c 160 "$WORK/quote.json")..."
fi

processes="$(image_ctl exec "$NAME" python -c '
import os
for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()):
    try:
        status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status").read().splitlines() if ":" in line)
    except OSError:
        continue
    print(pid, status["Uid"].split()[0], status["Name"].strip())
')" || fail "could not list the container's processes"
echo "processes (pid uid name):"
while IFS= read -r line; do printf '  %s\n' "$line"; done <<<"$processes"
awk '$2 == 0 {bad = 1} END {exit bad}' <<<"$processes" || fail "a process in the container runs as root"
[ "$(awk '$1 == 1 {print $3}' <<<"$processes")" = tini ] || fail "PID 1 is not tini"
[ "$(awk '$1 != 1 {n++} END {print n + 0}' <<<"$processes")" -ge 3 ] ||
  fail "expected the server and its 2 worker processes (WEB_CONCURRENCY=2)"
image_user="$(image_ctl exec "$NAME" id -u)"
[ "$image_user" != 0 ] || fail "the container user is root"

healthcheck=()
while IFS= read -r word; do healthcheck+=("$word"); done < <(image_ctl image inspect "$IMAGE" | "$VENV_PY" -c '
import json, sys
image = json.load(sys.stdin)[0]
check = image.get("Healthcheck") or (image.get("Config") or {}).get("Healthcheck") or {}  # podman, docker
test = check.get("Test") or []
assert test and test[0] == "CMD", f"no exec-form HEALTHCHECK: {test}"
print("\n".join(test[1:]))
')
image_ctl exec "$NAME" "${healthcheck[@]}" || fail "the image's HEALTHCHECK command fails"
echo "non-root (uid $image_user), PID 1 is tini, HEALTHCHECK command passes"

# ----------------------------------------------------------------------------------- 5. SIGTERM under load
step "5. SIGTERM with requests in flight"
kill_cmd="$(printf '%q ' "${ENGINE_CMD[@]}" kill --signal TERM "$NAME")"
wait_flags=()
if [ "$ENGINE" = podman ]; then wait_flags=(--interval 50ms); fi
wait_cmd="$(printf '%q ' "${ENGINE_CMD[@]}" wait ${wait_flags[@]+"${wait_flags[@]}"} "$NAME")"
drain_ok=true
drain="$("$VENV_PY" scripts/image_smoke_drain.py --url "$URL" --database-url "$DATABASE_URL" \
  --kill-cmd "$kill_cmd" --wait-cmd "$wait_cmd" --exit-timeout "$EXIT_WITHIN_S")" || drain_ok=false
echo "$drain"
logs="$(image_ctl logs "$NAME" 2>&1 || true)"
if grep -q 'Traceback' <<<"$logs"; then
  tail -n 40 <<<"$logs" >&2
  fail "the server logged a traceback"
fi
$drain_ok || { tail -n 20 <<<"$logs" >&2; fail "requests failed or the container did not exit cleanly within ${EXIT_WITHIN_S} s"; }

# --------------------------------------------------------------------------------------------- 6. figures
step "6. figures -> $RESULTS"
mkdir -p "$(dirname "$RESULTS")"
printf '%s\n' "$drain" >"$WORK/drain.json"
SMOKE_ENGINE="$ENGINE" SMOKE_IMAGE="$IMAGE" SMOKE_TARGET="$IMAGE_TARGET" SMOKE_BASE="$base" \
  SMOKE_BUILD_SECONDS="${IMAGE_BUILD_SECONDS:-0}" SMOKE_SIZE_BYTES="$size_bytes" SMOKE_LIMIT_MB="$IMAGE_MAX_MB" \
  SMOKE_READY_SECONDS="$run_to_ready" SMOKE_LIVE_SECONDS="$run_to_live" SMOKE_STOP_SECONDS="$stopped_in" \
  SMOKE_QUOTE_STATUS="$quote_status" \
  "$VENV_PY" - "$WORK/drain.json" "$RESULTS" <<'EOF'
import datetime, json, os, platform, sys
env = os.environ
figures = {
    "measured_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    "load_average_1m": float(open("/proc/loadavg").read().split()[0]),
    "engine": env["SMOKE_ENGINE"],
    "image": env["SMOKE_IMAGE"],
    "target": env["SMOKE_TARGET"],
    "base_image": env["SMOKE_BASE"],
    "build_seconds": int(env["SMOKE_BUILD_SECONDS"]),
    "image_size_mb": round(int(env["SMOKE_SIZE_BYTES"]) / 1e6, 1),
    "image_size_limit_mb": int(env["SMOKE_LIMIT_MB"]),
    "seconds_run_to_live_1_worker": float(env["SMOKE_LIVE_SECONDS"]),
    "seconds_sigterm_to_exit_1_worker_idle": float(env["SMOKE_STOP_SECONDS"]),
    "web_concurrency": 2,
    "seconds_run_to_ready": float(env["SMOKE_READY_SECONDS"]),
    "post_api_quotes_status": env["SMOKE_QUOTE_STATUS"],
    **json.load(open(sys.argv[1])),
}
with open(sys.argv[2], "w") as out:
    json.dump(figures, out, indent=2)
    out.write("\n")
print(json.dumps(figures, indent=2))
EOF
printf '\nimage-smoke: OK (%s MB, ready in %s s, SIGTERM to exit in %s s)\n' "$size_mb" "$run_to_ready" \
  "$("$VENV_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds_sigterm_to_exit"])' "$RESULTS")"
