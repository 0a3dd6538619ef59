#!/usr/bin/env bash
# Installs the gograd class environment: JupyterHub, JupyterLab, ipywidgets,
# the idle culler and ipykernel (pinned: deploy/requirements.txt and
# deploy/constraints.txt), configurable-http-proxy (pinned by
# deploy/proxy/package-lock.json), the gograd kernel and its kernelspec, the
# tutorials, the hub configuration and its launcher.
#
#   deploy/install.sh                      # into /opt/gograd (a new venv)
#   deploy/install.sh --prefix DIR         # into DIR (a new venv)
#   deploy/install.sh --current-env        # into the active Python environment
#   deploy/install.sh --no-proxy ...       # without configurable-http-proxy
#                                          # (single-user images: the hub is elsewhere)
#
# It is the one install script of every deployment: the container image
# (deploy/Dockerfile), Binder (.binder/postBuild) and CI (.ci/run) all run it.
# Needs Go (>= the go line of go.mod) and python3; node >= 20 and npm unless
# --no-proxy. Run as root on a Debian-like machine it installs the missing
# python3-venv, nodejs and npm with apt-get; otherwise it only says what is
# missing. It reaches no network but the package registries (PyPI, npm, and
# the Go module proxy for the kernel's modules).
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

PREFIX=/opt/gograd
MODE=venv
PROXY=1
while [ $# -gt 0 ]; do
	case "$1" in
	--prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
		PREFIX=$2; shift 2 ;;
	--prefix=*) PREFIX=${1#--prefix=}; shift ;;
	--current-env) MODE=current; shift ;;
	--no-proxy) PROXY=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "install.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
DEPLOY=$REPO/deploy
step() { printf '\n--- install.sh: %s\n' "$*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------
step "system packages"
missing=()
if [ "$MODE" = venv ] && ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
	missing+=(python3 python3-venv)
fi
if [ "$PROXY" = 1 ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
	missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends ca-certificates "${missing[@]}" >/dev/null
	else
		die "missing ${missing[*]}: install them (as root this script does it with apt-get)"
	fi
fi
command -v go >/dev/null || die "Go is not on PATH: install Go (the version of go.mod's go line or newer) first"
go version
if [ "$PROXY" = 1 ]; then
	node_major=$(node -p 'process.versions.node.split(".")[0]')
	[ "$node_major" -ge 20 ] || die "configurable-http-proxy 5 needs node >= 20, found $(node --version) (Debian 13 has 20; or use --no-proxy for a single-user image)"
fi

# ---------------------------------------------------------------------------
step "Python environment"
if [ "$MODE" = venv ]; then
	if [ ! -x "$PREFIX/bin/python" ]; then
		python3 -m venv "$PREFIX"
	fi
	PY=$PREFIX/bin/python
else
	PY=$(command -v python3 || command -v python) || die "no python3 on PATH for --current-env"
	PREFIX=$("$PY" -c 'import sys; print(sys.prefix)')
fi
echo "prefix: $PREFIX ($("$PY" --version))"
"$PY" -m pip install -q --disable-pip-version-check --no-input \
	-r "$DEPLOY/requirements.txt" -c "$DEPLOY/constraints.txt"

# ---------------------------------------------------------------------------
step "gograd kernel and kernelspec"
mkdir -p "$PREFIX/bin"
(cd "$REPO" && go build -o "$PREFIX/bin/gograd" ./kernel/cmd/gograd)
# `gograd install` copies the executable it runs from into the spec.
"$PREFIX/bin/gograd" install --prefix "$PREFIX"
"$PREFIX/bin/gograd" version | head -3

# ---------------------------------------------------------------------------
step "tutorials"
tut=$PREFIX/share/gograd/notebooks
rm -rf "$tut"
mkdir -p "$tut/data"
cp "$REPO"/notebooks/*.ipynb "$tut/"
cp "$REPO"/notebooks/data/*.csv "$REPO"/notebooks/data/*.txt "$tut/data/"
echo "$(ls "$tut"/*.ipynb | wc -l) notebooks in $tut"

# ---------------------------------------------------------------------------
step "hub configuration and launcher"
mkdir -p "$PREFIX/etc/gograd-hub"
cp "$DEPLOY/jupyterhub_config.py" "$PREFIX/etc/gograd-hub/jupyterhub_config.py"
install -m 0755 "$DEPLOY/hub.sh" "$PREFIX/bin/gograd-hub"

if [ "$PROXY" = 1 ]; then
	step "configurable-http-proxy (npm ci from deploy/proxy/package-lock.json)"
	proxy=$PREFIX/lib/gograd-hub-proxy
	mkdir -p "$proxy"
	cp "$DEPLOY/proxy/package.json" "$DEPLOY/proxy/package-lock.json" "$proxy/"
	(cd "$proxy" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
	ln -sf "$proxy/node_modules/.bin/configurable-http-proxy" "$PREFIX/bin/configurable-http-proxy"
	echo "configurable-http-proxy $("$PREFIX/bin/configurable-http-proxy" --version)"
fi

# ---------------------------------------------------------------------------
step "check"
"$PREFIX/bin/jupyterhub" --version
"$PY" -c 'import jupyterlab, ipywidgets, jupyterhub_idle_culler; print("jupyterlab", jupyterlab.__version__, "ipywidgets", ipywidgets.__version__)'
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && id nobody >/dev/null 2>&1; then
	# With GOGRAD_HUB_SPAWNER=local the servers run as the students: the
	# environment (and the Python it was made from) must be theirs to run.
	if ! runuser -u nobody -- "$PREFIX/bin/python" -c 'import jupyterhub' 2>/dev/null; then
		echo "install.sh: warning: other users cannot run $PREFIX/bin/python (it resolves to $(readlink -f "$PREFIX/bin/python")): the local spawner's student servers would fail; use a system Python (e.g. PATH=/usr/bin:\$PATH)" >&2
	fi
fi
specs=$("$PREFIX/bin/jupyter" kernelspec list)
echo "$specs"
[ -f "$PREFIX/share/jupyter/kernels/gograd/kernel.json" ] || die "no gograd kernelspec in $PREFIX/share/jupyter/kernels"
if ! grep -q "^ *gograd  *$PREFIX/share/jupyter/kernels/gograd\$" <<<"$specs"; then
	echo "install.sh: warning: for this user a gograd kernelspec elsewhere hides the one in $PREFIX (see the list above)" >&2
fi
if [ "$PROXY" = 1 ]; then
	echo "installed into $PREFIX; start a hub with $PREFIX/bin/gograd-hub (see deploy/README.md)"
else
	echo "installed into $PREFIX (single-user environment, no proxy: the hub runs elsewhere)"
fi
