#!/usr/bin/env bash
# Installs the Debian package `make bench` uses: wrk, the load generator. Without it the bench
# falls back to its own (slower) Python client, so a missing wrk is reported, not fatal.
"$(dirname "$0")/system-deps.sh" wrk || echo "(the bench will use its Python client)" >&2
exit 0
