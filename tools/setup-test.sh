#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine:
# the system tools (iverilog, yosys 0.23 from Debian, ngspice) and the package with its test extra.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for tool in iverilog yosys ngspice; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -m pip install -q -e '.[test]'
