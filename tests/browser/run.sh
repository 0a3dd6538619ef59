#!/usr/bin/env bash
# JupyterLab in a real browser (issue 7): runs notebooks/01-tanh.ipynb with the
# gograd kernel in JupyterLab 4 driven through Debian's chromium by
# playwright-core, then interrupts a runaway cell and checks completion and
# inspection; then the same in the classic notebook (Debian's jupyter-notebook
# 6). See jupyterlab.test.mjs for what is asserted.
#
# Usage (from anywhere):  tests/browser/run.sh
#
# It prepares, idempotently:
#   - a venv with the pinned JupyterLab (requirements.txt), by default
#     .venv-browser/ at the repository root (git-ignored; BROWSER_VENV overrides);
#   - Debian's chromium and jupyter-notebook (installed with apt-get only
#     under CI=true; outside CI a missing jupyter-notebook skips that client);
#   - playwright-core from package-lock.json (npm ci; it downloads no browser);
#   - the gograd kernelspec in that venv (go run ./install --prefix VENV).
# Outside CI a missing chromium, node/npm, python3 or go is reported and the
# test is skipped (exit 0); under CI=true it is an error.
#
# Environment: CI, BROWSER_VENV, CHROMIUM (default /usr/bin/chromium),
# BROWSER_KERNEL (gograd, or python3 to check the harness against ipykernel),
# ARTIFACTS (default tests/artifacts: screenshots and the server log),
# BROWSER_NOTEBOOKS (folder with 01-tanh.ipynb; default notebooks/),
# BROWSER_UPDATE_DOCS=1 (copy the window screenshot to docs/jupyterlab.png).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
started=$SECONDS
ci=false
[ "${CI:-}" = true ] && ci=true
venv=${BROWSER_VENV:-$repo/.venv-browser}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export BROWSER_KERNEL=${BROWSER_KERNEL:-gograd}
export ARTIFACTS=${ARTIFACTS:-$repo/tests/artifacts}

say() { echo "browser test: $*"; }

missing() {
	if $ci; then
		say "FAILED: $1 is missing (required under CI)" >&2
		exit 1
	fi
	say "SKIPPED: $1 is missing; install it to run this test"
	exit 0
}

apt_updated=false
apt_install() {
	$apt_updated || { apt-get update -qq; apt_updated=true; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- tools -------------------------------------------------------------------
if [ ! -x "$CHROMIUM" ]; then
	if $ci && [ "$CHROMIUM" = /usr/bin/chromium ]; then
		say "installing Debian's chromium"
		apt_install chromium
	fi
	[ -x "$CHROMIUM" ] || missing "chromium ($CHROMIUM)"
fi
# The classic notebook (Debian's jupyter-notebook 6) is the second client.
classic=/usr/bin/jupyter-notebook
if [ ! -x "$classic" ] && $ci; then
	say "installing Debian's jupyter-notebook"
	apt_install jupyter-notebook
fi
if [ -x "$classic" ]; then
	export CLASSIC=$classic
else
	$ci && { say "FAILED: $classic is missing" >&2; exit 1; }
	say "note: $classic is missing, the classic notebook client is skipped (apt-get install jupyter-notebook)"
fi
for tool in node npm python3; do
	command -v "$tool" >/dev/null || missing "$tool"
done
if [ "$BROWSER_KERNEL" = gograd ]; then
	command -v go >/dev/null || missing go
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
	missing "node >= 20 (playwright-core needs it; found $(node --version))"
fi

# --- JupyterLab venv -------------------------------------------------------------
req="$here/requirements.txt"
stamp="$venv/.gograd-browser-requirements.sha256"
want=$( (sha256sum "$req"; python3 --version) | sha256sum | cut -d' ' -f1)
if [ ! -x "$venv/bin/jupyter" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	say "preparing venv $venv"
	[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
	"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
	echo "$want" >"$stamp"
fi
say "$("$venv/bin/jupyter" lab --version | sed 's/^/JupyterLab /')"

# --- playwright-core ---------------------------------------------------------------
(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

# --- the kernel --------------------------------------------------------------------
if [ "$BROWSER_KERNEL" = gograd ]; then
	say "installing the gograd kernelspec into $venv"
	(cd "$repo" && go run ./install --prefix "$venv")
	"$venv/bin/jupyter" kernelspec list | grep -qw gograd ||
		{ say "FAILED: jupyter kernelspec list does not show gograd" >&2; exit 1; }
fi

# --- the test ------------------------------------------------------------------------
# timeout(1) runs node in a process group of its own (the group id is its pid)
# and signals the whole group when time is up, so a hung run takes chromium
# and jupyter with it. The test itself closes the browser and shuts the server
# (and its kernels) down through the API; the trap below is for run.sh being
# stopped from outside: SIGTERM lets the server shut its kernels down.
# Everything the run writes besides its artifacts (server copies of the
# notebooks, the browser profile, kernel connection files) is under one
# temporary directory that goes away with it.
mkdir -p "$ARTIFACTS"
work=$(mktemp -d "${TMPDIR:-/tmp}/gograd-browser-XXXXXX")
# The kernel-free page of a widget notebook (widgets_page.test.mjs).
say "making the gograd run --html page of widgets.md"
(cd "$repo" && go run ./kernel/cmd/gograd run tests/browser/widgets.md --html "$work/widgets.html" -o "$work/widgets.ipynb")
test_pid=
stop_test() {
	[ -n "$test_pid" ] && kill -0 "$test_pid" 2>/dev/null || return 0
	kill -TERM -- "-$test_pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 -- "-$test_pid" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL -- "-$test_pid" 2>/dev/null || true
}
cleanup() {
	stop_test
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
status=0
(
	cd "$here"
	export JUPYTER="$venv/bin/jupyter" TMPDIR="$work" WIDGETS_PAGE="$work/widgets.html"
	exec timeout -k 10 300 node --test --test-reporter=spec jupyterlab.test.mjs widgets_page.test.mjs
) &
test_pid=$!
wait "$test_pid" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
	say "FAILED: timed out" >&2
fi
say "artifacts in $ARTIFACTS"
# The README's picture is a screenshot of this test; refresh it on request.
if [ "$status" -eq 0 ] && [ "${BROWSER_UPDATE_DOCS:-}" = 1 ]; then
	mkdir -p "$repo/docs"
	cp "$ARTIFACTS/jupyterlab-window.png" "$repo/docs/jupyterlab.png"
	say "updated docs/jupyterlab.png"
fi
say "run.sh took $((SECONDS - started)) s (exit $status)"
exit "$status"
