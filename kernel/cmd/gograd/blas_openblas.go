//go:build openblas && cgo

package main

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>

// x86 feature tests (GCC and Clang builtins); other architectures report
// none, so gograd never overrides OpenBLAS's choice there.
#if defined(__x86_64__) || defined(__i386__)
static int gograd_cpu_avx2(void) { __builtin_cpu_init(); return __builtin_cpu_supports("avx2"); }
static int gograd_cpu_fma(void) { __builtin_cpu_init(); return __builtin_cpu_supports("fma"); }
static int gograd_cpu_avx512(void) {
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
		__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}
#else
static int gograd_cpu_avx2(void) { return 0; }
static int gograd_cpu_fma(void) { return 0; }
static int gograd_cpu_avx512(void) { return 0; }
#endif
*/
import "C"

import (
	"os"
	"strings"
	"syscall"
)

// openBLASCore is the core OpenBLAS chose (or was told to use) at load time.
func openBLASCore() string { return strings.TrimSpace(C.GoString(C.openblas_get_corename())) }

// hostCPU reports the CPU's features as the C compiler's runtime sees them
// (which includes the operating system's support for the AVX state).
func hostCPU() cpuFeatures {
	return cpuFeatures{avx2: C.gograd_cpu_avx2() != 0, fma: C.gograd_cpu_fma() != 0, avx512: C.gograd_cpu_avx512() != 0}
}

// selectBLASCore re-executes the program with OPENBLAS_CORETYPE set when
// chooseCore asks for a better core than the one OpenBLAS detected. It
// returns only if no re-execution is needed or it failed (the program then
// runs with the detected core).
func selectBLASCore() { reexecWithCore(openBLASCore()) }

// reexecWithCore is selectBLASCore with the detected core as a parameter
// (so that a test can pretend OpenBLAS chose a generic one).
func reexecWithCore(detected string) {
	core := chooseCore(detected, hostCPU(), os.Getenv)
	if core == "" {
		return
	}
	env := append(os.Environ(), coreTypeEnv+"="+core, reexecMarkerEnv+"="+detected)
	// /proc/self/exe is this very executable even if it was started through
	// a relative path or has since been replaced on disk.
	_ = syscall.Exec("/proc/self/exe", os.Args, env)
}
