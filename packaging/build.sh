#!/usr/bin/env bash
# Builds the one-folder app with PyInstaller into dist/gemini-desk and smoke-tests it.
# Usage: packaging/build.sh            (uses .venv, made by scripts/setup-env)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
py="${PYTHON_BIN:-$root/.venv/bin/python}"
[ -x "$py" ] || { scripts/setup-env test; py="$root/.venv/bin/python"; }
"$py" -m PyInstaller --version >/dev/null 2>&1 || "$py" -m pip install -q "pyinstaller>=6.10"
"$py" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$root/dist" --workpath "$root/build/pyinstaller" packaging/gemini-desk.spec
echo "Built $root/dist/gemini-desk"
QT_QPA_PLATFORM=offscreen "$root/dist/gemini-desk/gemini-desk" --self-test
