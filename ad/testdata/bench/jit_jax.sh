#!/bin/bash
# Quiet side-by-side: JAX jit vs ad.Jit (and eager), interleaved rounds, fresh process each.
# usage: JAX_PYTHON=.venv-jax/bin/python3 [WORKLOADS="W1 EW"] jit_jax.sh AD_TEST_BINARY OUT ROUNDS
# JAX runs through jax_mean.py (bench_jax.py unchanged, each record also carrying its mean per call).
# (AD_TEST_BINARY from `go test -c -o /tmp/ad.test ./ad`; PEERS defaults to ../shared/bench/peers beside the repository)
BIN=$1; OUT=$2; R=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
PEERS=${PEERS:-$(cd "$(dirname "$0")/../../../../shared/bench/peers" && pwd)}
declare -A PAT=(
 [W1]='^(BenchmarkW1TanhDerivsChain|BenchmarkJitW1TanhDerivsChain|BenchmarkJitFirstW1TanhDerivs)$'
 [W2]='^(BenchmarkW2ScalarLoop|BenchmarkJitW2ScalarLoop|BenchmarkJitFirstW2ScalarLoop)$'
 [W3]='^(BenchmarkW3MLPGrad|BenchmarkJitW3MLPGrad)$'
 [W4]='^(BenchmarkW4LogReg|BenchmarkJitW4LogReg)$'
 [W6]='^(BenchmarkW6RNN|BenchmarkJitW6RNN|BenchmarkW6RNNForward|BenchmarkJitW6RNNForward|BenchmarkJitFirstW6RNN)$'
 [EW]='^(BenchmarkEWTanh1e6|BenchmarkJitEWTanh1e6|BenchmarkJitEWTanh1e6Donated)$'
)
# With L3PROBE naming a build of ./l3probe, each header line also says where the host had put the
# two vCPUs just before the run (one L3 or two: W3 and W7 run ~40% and ~12% slower on two).
place() { [ -n "$L3PROBE" ] && echo " placement $($L3PROBE | sed 's/round trip //')"; }
for r in $(seq 1 $R); do
  for w in ${WORKLOADS:-W1 W2 W3 W4 W6 EW}; do
    echo "## round $r $w jax load $(cut -d' ' -f1-3 /proc/loadavg)$(place)" >> $OUT
    (cd $PEERS && BENCH_ONLY=$w JAX_PYTHON=$JAX_PYTHON $JAX_PYTHON "$HERE/jax_mean.py" 2>/dev/null | grep -v '"meta"') >> $OUT
    echo "## round $r $w gograd load $(cut -d' ' -f1-3 /proc/loadavg)$(place)" >> $OUT
    (cd "$(dirname "$0")/../.." && $BIN -test.run '^$' -test.bench "${PAT[$w]}" -test.benchtime 1s -test.count 1 2>&1 | grep '^Benchmark') >> $OUT
  done
done
