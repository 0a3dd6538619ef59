package main

import (
	"fmt"
	"os"
	"strings"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// Which BLAS the matrix products of this executable use, and, in the
// OpenBLAS build (-tags openblas), the choice of OpenBLAS's CPU kernels.
//
// OpenBLAS picks its kernels ("core") from the CPU's identity when the
// library is loaded, before main runs. In virtual machines that report an
// unfamiliar CPU it can fall back to a generic SSE3 core (Prescott) that is
// several times slower than the AVX2 or AVX-512 kernels the CPU supports; the
// only remedy is OPENBLAS_CORETYPE in the environment at load time. So main
// first calls selectBLASCore, which in the OpenBLAS build re-executes the
// program with OPENBLAS_CORETYPE set when the detected core is generic and
// the CPU has AVX2 and FMA (see blas_openblas.go). An OPENBLAS_CORETYPE the
// user set is always left alone.

// coreTypeEnv is the variable OpenBLAS reads to override its core choice.
const coreTypeEnv = "OPENBLAS_CORETYPE"

// reexecMarkerEnv is set in the environment of the re-executed process so
// that a second re-execution can never happen, whatever OpenBLAS reports.
const reexecMarkerEnv = "GOGRAD_OPENBLAS_REEXEC"

// cpuFeatures are the instruction sets that decide which OpenBLAS core fits.
type cpuFeatures struct {
	avx2, fma bool
	// avx512 is AVX-512 F, DQ, BW and VL together (what OpenBLAS's SkylakeX
	// kernels use), enabled by the operating system.
	avx512 bool
}

// genericCores are the OpenBLAS x86-64 cores (lower case) whose double
// precision kernels use neither AVX2 nor FMA3.
var genericCores = map[string]bool{
	"unknown": true, "prescott": true, "atom": true, "core2": true, "penryn": true,
	"dunnington": true, "nehalem": true, "athlon": true, "opteron": true,
	"opteron_sse3": true, "barcelona": true, "nano": true, "sandybridge": true,
	"bobcat": true, "bulldozer": true, "piledriver": true, "steamroller": true,
	"generic": true,
}

// chooseCore returns the OpenBLAS core to force, or "" to keep the detected
// one: nothing when the user set OPENBLAS_CORETYPE, when this process is
// already a re-execution, when the detected core is not a generic one, or
// when the CPU lacks AVX2 or FMA. Otherwise it is SkylakeX on CPUs with
// AVX-512 (measured on an AMD EPYC Zen 4: as fast as Haswell on a
// 1000×1000 product and 1.5–3.5× faster on the small products of the
// benchmark workloads, e.g. 128×256·256×10 in 12 µs against 43 µs) and
// Haswell on the others. getenv is os.Getenv outside tests.
func chooseCore(detected string, cpu cpuFeatures, getenv func(string) string) string {
	if getenv(coreTypeEnv) != "" || getenv(reexecMarkerEnv) != "" {
		return ""
	}
	if !genericCores[strings.ToLower(strings.TrimSpace(detected))] || !cpu.avx2 || !cpu.fma {
		return ""
	}
	if cpu.avx512 {
		return "SkylakeX"
	}
	return "Haswell"
}

// blasDescription says which BLAS the matrix products use, for gograd
// version: ad installs its BLAS in blas64 when the package is initialised,
// and the implementations it installs describe themselves (String), such as
// "OpenBLAS 0.3.21 (core SkylakeX, 2 threads)". A core that selectBLASCore
// chose is marked as such.
func blasDescription() string {
	impl := blas64.Implementation()
	var d string
	switch impl := impl.(type) {
	case fmt.Stringer:
		d = impl.String()
	case gonum.Implementation:
		d = "gonum (pure Go)"
	default:
		d = fmt.Sprintf("%T", impl)
	}
	if detected := os.Getenv(reexecMarkerEnv); detected != "" && os.Getenv(coreTypeEnv) != "" {
		d += fmt.Sprintf("; %s=%s set by gograd (OpenBLAS detected %s)", coreTypeEnv, os.Getenv(coreTypeEnv), detected)
	}
	return d
}
