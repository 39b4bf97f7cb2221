#!/bin/sh
# The Prometheus suite needs Debian's prometheus, promtool and pushgateway. Installs them when it can (root with
# apt-get); otherwise says so loudly, and the tests skip with "skipped: prometheus not installed".
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 && command -v prometheus-pushgateway >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[prometheus] installing prometheus and prometheus-pushgateway (Debian packages)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends prometheus prometheus-pushgateway >/dev/null && exit 0
  echo "[prometheus] *** install failed: the Prometheus tests will be skipped ***" >&2
  exit 0
fi
echo "[prometheus] *** prometheus is not installed and cannot be installed here (needs root and apt-get):" >&2
echo "[prometheus] *** sudo apt-get install -y prometheus prometheus-pushgateway — the Prometheus tests will be skipped ***" >&2
exit 0
