#!/usr/bin/env bash
# Sets up the project and runs the whole test suite twice where it matters:
# once against embedded Chroma, then the store, retrieval and API tests
# against a real `chroma run` server on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False

# Headless Chromium for the browser test, from Debian's packages (never a browser download).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "Advarsel: chromium kunne ikke installeres; browsertesten springes over." >&2
fi

.venv/bin/python -m pytest "$@"

port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chroma_dir=$(mktemp -d)
.venv/bin/chroma run --path "$chroma_dir" --host 127.0.0.1 --port "$port" >"$chroma_dir/server.log" 2>&1 &
chroma_pid=$!
trap 'kill $chroma_pid 2>/dev/null || true; wait $chroma_pid 2>/dev/null || true; rm -rf "$chroma_dir"' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$port/api/v2/heartbeat" >/dev/null 2>&1 && break
  sleep 0.5
done
server_tests=$(ls tests/test_store.py tests/test_retrieval.py tests/test_api.py 2>/dev/null || true)
ISHOJ_TEST_CHROMA_PORT="$port" .venv/bin/python -m pytest $server_tests -m "not browser"
