#!/usr/bin/env bash
# Installs and runs the portal on the embedded Zoho Billing sandbox with demo customers,
# on a fresh Debian 12 + Python 3.11 machine as root. Prints the demo sign-ins, then serves
# until Ctrl-C. Ports can be changed with PORTAL_PORT, SANDBOX_PORT and MAIL_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

portal_port=${PORTAL_PORT:-5000}
sandbox_port=${SANDBOX_PORT:-8900}
mail_port=${MAIL_PORT:-1025}
product_port=${PRODUCT_PORT:-5001}
run_dir=instance/demo
mkdir -p "$run_dir"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_for_port() {  # port, name
  for _ in $(seq 1 100); do
    if .venv/bin/python -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 0.2)" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "The $2 did not start on port $1; see $run_dir/$2.log" >&2
  exit 1
}

echo "==> Starting the Zoho Billing sandbox (demo seed) on 127.0.0.1:$sandbox_port"
.venv/bin/python -m zoho_sandbox --host 127.0.0.1 --port "$sandbox_port" --seed demo >"$run_dir/sandbox.log" 2>&1 &
pids+=($!)
wait_for_port "$sandbox_port" sandbox

echo "==> Starting the mail catcher on 127.0.0.1:$mail_port (every message's links are printed below)"
.venv/bin/python -m services.mail_catcher --host 127.0.0.1 --port "$mail_port" &
pids+=($!)
wait_for_port "$mail_port" "mail catcher"

export PORTAL_ENV=development
export SECRET_KEY=${SECRET_KEY:-$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(48))")}
export DATABASE_URL=${DATABASE_URL:-sqlite:///$PWD/instance/demo/portal.db}
export ZOHO_API_BASE="http://127.0.0.1:$sandbox_port/billing/v1"
export ZOHO_ACCOUNTS_URL="http://127.0.0.1:$sandbox_port"
export ZOHO_CLIENT_ID=1000.SANDBOXDEMOCLIENT
export ZOHO_CLIENT_SECRET=sandbox-demo-secret
export ZOHO_REFRESH_TOKEN=1000.sandbox.demo.refresh
export ZOHO_ORG_ID=10234695
export PORTAL_BASE_URL="http://127.0.0.1:$portal_port"
export SMTP_HOST=127.0.0.1 SMTP_PORT="$mail_port"
export LOG_FORMAT=text
export HANDOFF_ISSUER=demo-product HANDOFF_AUDIENCE=billing-portal HANDOFF_PRODUCT_NAME="Demo product"
export HANDOFF_SECRET=${HANDOFF_SECRET:-$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(32))")}
export HANDOFF_RETURN_URLS="http://127.0.0.1:$product_port/"
# Fresh Start Bakery: in trial without a card (docs/sandbox-seed.md; the demo seed's ids are fixed)
trial_customer=187955000000050041 trial_email=hello@freshstart.example

echo "==> Bringing the database schema up to date"
.venv/bin/flask db upgrade >"$run_dir/migrate.log" 2>&1 || { cat "$run_dir/migrate.log"; exit 1; }

echo "==> Demo sign-ins"
LOG_LEVEL=WARNING .venv/bin/flask portal create-demo-users

echo
echo "==> Journeys to try (docs/sandbox-seed.md):"
echo "    trial to paid ................. hello@freshstart.example (no card yet), buchhaltung@mueller-soehne.example (subscribed)"
echo "    failed payment ................ owner@kowalski-bakery.example (retrying), accounts@brightside-dental.example (overdue)"
echo "    scheduled cancellation ........ athina@parthenon-design.example"
echo "    scheduled downgrade ........... hello@seasideyoga.example"
echo "    pay one or pay all by card .... accounts@harbourlights.example"
echo "    plan change in EUR and INR .... finanzen@cafe-zuerich.example, accounts@priya-consulting.example"
echo "    one sign-in, two companies .... jordan@ledgerlight.example"

echo
echo "==> \"Manage subscription\" from the product (handoff token; each link works once, for 60 seconds):"
LOG_LEVEL=WARNING .venv/bin/flask portal handoff-url "$trial_customer" --dest subscribe --return-url "http://127.0.0.1:$product_port/"
echo "    A fresh link every time: the demo product at http://127.0.0.1:$product_port/ (its button mints one),"
echo "    or: flask portal handoff-url $trial_customer --dest subscribe"
.venv/bin/python scripts/demo_product.py --port "$product_port" --portal "http://127.0.0.1:$portal_port" \
  --customer "$trial_customer" --email "$trial_email" &
pids+=($!)

echo
echo "==> The portal: http://127.0.0.1:$portal_port/   (Ctrl-C stops everything)"
echo "    Sandbox API: http://127.0.0.1:$sandbox_port/billing/v1   control: http://127.0.0.1:$sandbox_port/__sandbox/"
.venv/bin/gunicorn --workers 2 --threads 4 --bind "127.0.0.1:$portal_port" --access-logfile - --log-level warning 'app:create_app()' &
pids+=($!)
wait "${pids[-1]}"
