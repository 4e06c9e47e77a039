#!/usr/bin/env bash
# The demo, on a fresh Debian 12 + Python 3.11 machine as root: installs, then runs the portal
# (gunicorn) on the embedded Zoho Billing sandbox with its demo customers, a mail catcher and a
# stand-in product page; prints the ports, every demo customer's sign-in, an invitation link, a
# handoff link and commands for a second terminal; serves until Ctrl-C.
#
# Ports: PORTAL_PORT (5000), SANDBOX_PORT (8900), MAIL_PORT (1025), PRODUCT_PORT (5001).
# The demo's configuration goes to instance/demo/demo.env and, unless you keep your own .env
# there, to .env, where `.venv/bin/flask portal …` finds it; the demo removes that .env when it stops.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

portal_port=${PORTAL_PORT:-5000}
sandbox_port=${SANDBOX_PORT:-8900}
mail_port=${MAIL_PORT:-1025}
product_port=${PRODUCT_PORT:-5001}
run_dir=instance/demo
config=$run_dir/demo.env
marker="# Written by scripts/demo.sh"
# Fresh Start Bakery: in trial without a card (docs/sandbox-seed.md; the demo seed's ids are fixed).
trial_customer=187955000000050041 trial_email=hello@freshstart.example
mkdir -p "$run_dir"

listening() {  # port [path]: something accepts connections there (and answers the path with 200)
  .venv/bin/python - "$@" <<'PY' 2>/dev/null
import socket, sys, urllib.request
port, path = int(sys.argv[1]), (sys.argv[2] if len(sys.argv) > 2 else "")
if path:
    sys.exit(0 if urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).status == 200 else 1)
socket.create_connection(("127.0.0.1", port), 1).close()
PY
}

for spec in "portal:PORTAL_PORT:$portal_port" "sandbox:SANDBOX_PORT:$sandbox_port" \
            "mail catcher:MAIL_PORT:$mail_port" "demo product:PRODUCT_PORT:$product_port"; do
  IFS=: read -r name variable port <<<"$spec"
  if listening "$port"; then
    echo "Port $port (the $name's) is in use: stop what listens there, or choose another with $variable=…" >&2
    exit 1
  fi
done

pids=()
wrote_env=""
cleanup() {
  # The .env first: it must not outlive the demo even if stopping the servers takes long.
  if [ -n "$wrote_env" ] && head -n 1 .env 2>/dev/null | grep -qF "$marker"; then rm -f .env; fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until the process answers (a busy machine just takes longer); stops the demo if it exits.
wait_until_ready() {  # pid name log port [path]
  local pid=$1 name=$2 log=$3 deadline=$((SECONDS + 180))
  shift 3
  until listening "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "The $name stopped. The end of its output ($log):" >&2
      tail -n 20 "$log" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "The $name did not answer on port $1 within 180 s; see $log" >&2
      exit 1
    fi
    sleep 0.2
  done
}

random_secret() { .venv/bin/python -c "import secrets; print(secrets.token_urlsafe($1))"; }

echo "==> Writing the demo's configuration to $config"
{
  echo "$marker: the demo's configuration (sandbox, database, mail catcher, handoff, ports)."
  echo "# Rewritten by every run, and removed as .env when the demo stops; use your own .env to configure the portal."
  for pair in \
    "PORTAL_ENV=development" \
    "SECRET_KEY=${SECRET_KEY:-$(random_secret 48)}" \
    "DATABASE_URL=${DATABASE_URL:-sqlite:///$PWD/$run_dir/portal.db}" \
    "ZOHO_API_BASE=http://127.0.0.1:$sandbox_port/billing/v1" \
    "ZOHO_ACCOUNTS_URL=http://127.0.0.1:$sandbox_port" \
    "ZOHO_CLIENT_ID=1000.SANDBOXDEMOCLIENT" \
    "ZOHO_CLIENT_SECRET=sandbox-demo-secret" \
    "ZOHO_REFRESH_TOKEN=1000.sandbox.demo.refresh" \
    "ZOHO_ORG_ID=10234695" \
    "PORTAL_BASE_URL=http://127.0.0.1:$portal_port" \
    "SMTP_HOST=127.0.0.1" \
    "SMTP_PORT=$mail_port" \
    "LOG_FORMAT=text" \
    "HANDOFF_ISSUER=demo-product" \
    "HANDOFF_AUDIENCE=billing-portal" \
    "HANDOFF_PRODUCT_NAME=Demo product" \
    "HANDOFF_SECRET=${HANDOFF_SECRET:-$(random_secret 32)}" \
    "HANDOFF_RETURN_URLS=http://127.0.0.1:$product_port/" \
    "ZOHO_WEBHOOK_SECRET=${ZOHO_WEBHOOK_SECRET:-$(random_secret 32)}" \
    "PORTAL_PORT=$portal_port" "SANDBOX_PORT=$sandbox_port" "MAIL_PORT=$mail_port" "PRODUCT_PORT=$product_port"
  do
    echo "${pair%%=*}=\"${pair#*=}\""
  done
} >"$config.new"
chmod 600 "$config.new" && mv "$config.new" "$config"
set -a
# shellcheck source=/dev/null
. "$config"
set +a

flask_command=".venv/bin/flask"
if [ ! -e .env ] || head -n 1 .env | grep -qF "$marker"; then
  cp "$config" .env && chmod 600 .env
  wrote_env=yes
  env_note="the demo's configuration is in .env (removed when the demo stops)"
else
  flask_command=".venv/bin/flask --env-file $config"
  env_note="your own .env is left as it is; the commands name the demo's $config, whose values win over it"
  echo "    Found a .env the demo did not write: left it as it is (the commands below use $config instead)"
fi

echo "==> Starting the Zoho Billing sandbox, the mail catcher and the demo product"
# Like Zoho's webhook settings: every event is delivered, signed, to the demo portal.
.venv/bin/python -m zoho_sandbox --host 127.0.0.1 --port "$sandbox_port" --seed demo \
  --webhook-url "$PORTAL_BASE_URL/webhooks/zoho" --webhook-secret="$ZOHO_WEBHOOK_SECRET" >"$run_dir/sandbox.log" 2>&1 &
pids+=($!)
wait_until_ready "${pids[-1]}" sandbox "$run_dir/sandbox.log" "$sandbox_port"
# The catcher prints who each message is for and its links on this console.
.venv/bin/python -m services.mail_catcher --host 127.0.0.1 --port "$mail_port" &
pids+=($!)
wait_until_ready "${pids[-1]}" "mail catcher" "this console" "$mail_port"
.venv/bin/python scripts/demo_product.py --port "$product_port" --portal "$PORTAL_BASE_URL" \
  --customer "$trial_customer" --email "$trial_email" >"$run_dir/product.log" 2>&1 &
pids+=($!)
wait_until_ready "${pids[-1]}" "demo product" "$run_dir/product.log" "$product_port"

echo "==> Bringing the database schema up to date"
.venv/bin/flask db upgrade >"$run_dir/migrate.log" 2>&1 || { cat "$run_dir/migrate.log"; exit 1; }

echo "==> Starting the portal (gunicorn; one log line per request below)"
.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$portal_port" --log-level warning 'app:create_app()' &
pids+=($!)
wait_until_ready "${pids[-1]}" portal "this console" "$portal_port" /healthz

cd_root="cd $(printf '%q' "$PWD") &&"
echo
echo "==> Ports (change them with the variables)"
printf '    %-13s %-42s %-13s (default %s)\n' \
  portal "http://127.0.0.1:$portal_port/" PORTAL_PORT 5000 \
  sandbox "http://127.0.0.1:$sandbox_port/billing/v1" SANDBOX_PORT 8900 \
  "mail catcher" "smtp://127.0.0.1:$mail_port" MAIL_PORT 1025 \
  "demo product" "http://127.0.0.1:$product_port/" PRODUCT_PORT 5001
echo "    The sandbox's control API is under /__sandbox/ (see the README); its call log: http://127.0.0.1:$sandbox_port/__sandbox/calls"

echo
echo "==> Sign-ins for every demo customer"
LOG_LEVEL=WARNING .venv/bin/flask portal create-demo-users | sed 's/^./    &/'

echo
echo "==> Journeys to try (docs/sandbox-seed.md)"
echo "    trial to paid ................. hello@freshstart.example (no card yet), buchhaltung@mueller-soehne.example (subscribed)"
echo "    failed payment ................ owner@kowalski-bakery.example (retrying), accounts@brightside-dental.example (overdue)"
echo "    scheduled cancellation ........ athina@parthenon-design.example"
echo "    scheduled downgrade ........... hello@seasideyoga.example"
echo "    pay one or pay all by card .... accounts@harbourlights.example"
echo "    plan change in EUR and INR .... finanzen@cafe-zuerich.example, accounts@priya-consulting.example"
echo "    one sign-in, two companies .... jordan@ledgerlight.example"

echo
echo "==> \"Manage subscription\" from the product: a handoff link (works once, within 60 seconds)"
echo "    $(LOG_LEVEL=WARNING .venv/bin/flask portal handoff-url "$trial_customer" --dest subscribe \
  --return-url "http://127.0.0.1:$product_port/")"
echo "    The demo product at http://127.0.0.1:$product_port/ mints a fresh one on every click."

echo
echo "==> From a second terminal: $env_note"
echo "    $cd_root $flask_command portal handoff-url $trial_customer --dest subscribe"
echo "    $cd_root $flask_command portal doctor"
echo "    $cd_root $flask_command portal --help"

echo
echo "==> The demo is ready: http://127.0.0.1:$portal_port/   (Ctrl-C stops everything)"
wait "${pids[-1]}"
