#!/usr/bin/env bash
# Rebuilds the tutorial notebooks from their Markdown sources and executes
# them, so each notebooks/NN-name.ipynb is committed with fresh outputs:
#
#   notebooks/regenerate.sh            # every notebook
#   notebooks/regenerate.sh 01-tanh    # some of them
#
# The sources in notebooks/src are the ones to edit; ```go blocks become
# code cells. A Go test (kernel/runner) fails when a committed notebook's
# cells differ from its source.
set -euo pipefail
cd "$(dirname "$0")/.."
gograd=${GOGRAD_BIN:-out/gograd}
if [ -z "${GOGRAD_BIN:-}" ]; then
	go build -o out/gograd ./kernel/cmd/gograd
fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for src in notebooks/src/*.md; do names+=("$(basename "$src" .md)"); done
fi
for name in "${names[@]}"; do
	"$gograd" run "notebooks/src/$name.md" -o "notebooks/$name.ipynb"
done
