#!/usr/bin/env bash
# Starts the gograd JupyterHub on this machine. deploy/install.sh installs
# this file as PREFIX/bin/gograd-hub; run it from there:
#
#   sudo GOGRAD_HUB_PASSWORD='class password' /opt/gograd/bin/gograd-hub
#
# Settings are environment variables read by PREFIX/etc/gograd-hub/
# jupyterhub_config.py (deploy/README.md lists them all); arguments are
# passed on to jupyterhub (e.g. --debug). Stop it with Ctrl-C or SIGTERM: the
# hub then stops the proxy and every student's server.
set -euo pipefail
PREFIX=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
CONFIG=${GOGRAD_HUB_CONFIG:-$PREFIX/etc/gograd-hub/jupyterhub_config.py}
[ -f "$CONFIG" ] || { echo "gograd-hub: no configuration at $CONFIG (run deploy/install.sh first)" >&2; exit 1; }
export PATH="$PREFIX/bin:$PATH"
exec "$PREFIX/bin/jupyterhub" -f "$CONFIG" "$@"
