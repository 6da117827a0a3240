#!/usr/bin/env bash
# The README's production recipe, run for real (CI's last step): on a clean copy of the repository,
# a fresh venv from requirements.lock (--require-hashes), a .env made from .env.example with the
# production settings, collectstatic, migrate, check --deploy, the demo data, then honcho with the
# Procfile (gunicorn, a Celery worker and beat) and a browser's and an API client's first minutes
# (scripts/production_smoke_client.py), a recompute run through the worker included. Everything
# it started is stopped on exit. Loopback only; a throwaway PostgreSQL database and Redis databases.
#   PRODUCTION_SMOKE_PG=postgres://postgres@127.0.0.1:5432 PRODUCTION_SMOKE_REDIS=redis://127.0.0.1:6379
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PG=${PRODUCTION_SMOKE_PG:-postgres://postgres@127.0.0.1:5432}
REDIS=${PRODUCTION_SMOKE_REDIS:-redis://127.0.0.1:6379}
DB=salesorg_prod_smoke
PORT=${PRODUCTION_SMOKE_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export PGOPTIONS="--client-min-messages=warning"
WORK=$(mktemp -d /tmp/salesorg-prod-smoke.XXXXXX)
HONCHO_PID=""

cleanup() {
  status=$?
  if [ -n "$HONCHO_PID" ] && kill -0 "$HONCHO_PID" 2>/dev/null; then
    kill -TERM "$HONCHO_PID" 2>/dev/null || true # honcho stops web, worker and beat
    for _ in $(seq 1 30); do kill -0 "$HONCHO_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$HONCHO_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$WORK/honcho.log" ]; then
    echo "--- honcho.log (last 80 lines) ---"; tail -n 80 "$WORK/honcho.log"
  fi
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
step() { echo "== production recipe ($((SECONDS))s): $*"; }

step "a clean copy of the repository (tracked and new files, nothing ignored) in $WORK/app"
mkdir -p "$WORK/app"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
  | python3 -c 'import os, sys; sys.stdout.write("".join(p + "\0" for p in sys.stdin.read().split("\0")
      if p and os.path.lexists(p) and p != ".env" and not p.startswith(".venv/")))' \
  | tar --null --no-recursion -T - -cf -) | tar -xf - -C "$WORK/app"
cd "$WORK/app"

step "a fresh venv from requirements.lock with --require-hashes"
python3 -m venv .venv
# (this machine's pip configuration warns about each package its local mirrors lack: dropped)
.venv/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock \
  2> >(grep -v "^WARNING: Location 'file:" >&2)
export PATH="$WORK/app/.venv/bin:$PATH"

step "a .env from .env.example: production settings, PostgreSQL $DB, Redis, loopback host"
psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret|" \
    -e "s|^ALLOWED_HOSTS=.*|ALLOWED_HOSTS=127.0.0.1,localhost|" \
    -e "s|^CSRF_TRUSTED_ORIGINS=.*|CSRF_TRUSTED_ORIGINS=https://127.0.0.1:$PORT|" \
    -e "s|^DATABASE_URL=.*|DATABASE_URL=$PG/$DB|" \
    -e "s|^CELERY_BROKER_URL=.*|CELERY_BROKER_URL=$REDIS/12|" \
    -e "s|^CACHE_URL=.*|CACHE_URL=$REDIS/13|" \
    -e "s|^EMAIL_BACKEND=.*|EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend|" \
    .env.example > .env
grep -q '^DJANGO_SETTINGS_MODULE=salesorg.settings.production$' .env
printf 'BIND=127.0.0.1:%s\nWEB_CONCURRENCY=2\nWORKER_CONCURRENCY=1\n' "$PORT" >> .env
# Nothing from the caller's environment decides the settings: only .env, as on a server.
unset DJANGO_SETTINGS_MODULE DATABASE_URL CELERY_BROKER_URL CACHE_URL SECRET_KEY ALLOWED_HOSTS DEBUG
redis_flush() { .venv/bin/python -c "import redis; [redis.Redis.from_url('$REDIS/' + n).flushdb() for n in ('12', '13')]"; }
redis_flush

step "collectstatic, migrate, check --deploy"
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py shell --no-imports -c 'from django.conf import settings; assert not settings.DEBUG; print("settings:", settings.SETTINGS_MODULE)'

step "the demo organization (seed_demo)"
.venv/bin/python manage.py seed_demo --size 12 | tail -n 3

step "honcho start (Procfile: web = gunicorn on 127.0.0.1:$PORT, worker, beat)"
honcho start > "$WORK/honcho.log" 2>&1 &
HONCHO_PID=$!
up=""
for _ in $(seq 1 60); do
  if curl -fs -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/login/"; then up=1; break; fi
  kill -0 "$HONCHO_PID" 2>/dev/null || break
  sleep 1
done
[ -n "$up" ] || { echo "gunicorn did not answer on 127.0.0.1:$PORT"; exit 1; }
for _ in $(seq 1 60); do
  grep -q "celery@.* ready" "$WORK/honcho.log" && grep -q "beat: Starting" "$WORK/honcho.log" && break
  sleep 1
done
grep -q "celery@.* ready" "$WORK/honcho.log" || { echo "the Celery worker did not start"; exit 1; }
grep -q "beat: Starting" "$WORK/honcho.log" || { echo "Celery beat did not start"; exit 1; }

step "log-in, pages and API calls (X-Forwarded-Proto: https), a recompute run through the worker"
.venv/bin/python scripts/production_smoke_client.py "http://127.0.0.1:$PORT" director demo1234
grep -q "targets.tasks.recompute_achievements.*succeeded" "$WORK/honcho.log" \
  || { echo "the worker's log does not show the recompute task"; exit 1; }
redis_flush
step "passed"
