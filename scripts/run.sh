#!/usr/bin/env bash
# Sets up the project and serves the assistant (API + web UI) on
# http://127.0.0.1:8000, indexing the shipped corpus first if the index is empty.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False
exec .venv/bin/ishoj-assistant serve "$@"
