package ad

// Forward kernels of the convolution family: 2-D convolution with channels
// (NCHW, im2col + Gemm) and its two adjoints, N-d convolution in scipy's
// full/same/valid modes, and the flat gather/scatter pair used by pooling and
// functional updates.

import (
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// conv2dGeom is the geometry of a 2-D convolution of an input (N, C, H, W)
// with filters (F, C, KH, KW), stride (SH, SW) and zero padding (PH, PW) on
// each side, giving an output (N, F, OH, OW).
type conv2dGeom struct {
	n, c, h, w     int
	f, kh, kw      int
	sh, sw, ph, pw int
	oh, ow         int
}

// newConv2dGeom checks the shapes and computes the output size.
func newConv2dGeom(xShape, wShape []int, stride, pad [2]int) (conv2dGeom, error) {
	var g conv2dGeom
	if len(xShape) != 4 || len(wShape) != 4 {
		return g, fmt.Errorf("input %v and filters %v must both be 4-d (N,C,H,W) and (F,C,KH,KW)", xShape, wShape)
	}
	if xShape[1] != wShape[1] {
		return g, fmt.Errorf("input %v has %d channels, filters %v expect %d", xShape, xShape[1], wShape, wShape[1])
	}
	if stride[0] < 1 || stride[1] < 1 || pad[0] < 0 || pad[1] < 0 {
		return g, fmt.Errorf("stride %v must be positive and padding %v non-negative", stride, pad)
	}
	g = conv2dGeom{n: xShape[0], c: xShape[1], h: xShape[2], w: xShape[3],
		f: wShape[0], kh: wShape[2], kw: wShape[3],
		sh: stride[0], sw: stride[1], ph: pad[0], pw: pad[1]}
	if g.h+2*g.ph < g.kh || g.w+2*g.pw < g.kw {
		return g, fmt.Errorf("filters %v are larger than the padded input %v (padding %v)", wShape, xShape, pad)
	}
	g.oh = (g.h+2*g.ph-g.kh)/g.sh + 1
	g.ow = (g.w+2*g.pw-g.kw)/g.sw + 1
	return g, nil
}

func (g conv2dGeom) xShape() []int   { return []int{g.n, g.c, g.h, g.w} }
func (g conv2dGeom) wShape() []int   { return []int{g.f, g.c, g.kh, g.kw} }
func (g conv2dGeom) outShape() []int { return []int{g.n, g.f, g.oh, g.ow} }

// colRows is the number of rows of one image's column matrix, C·KH·KW.
func (g conv2dGeom) colRows() int { return g.c * g.kh * g.kw }

// im2col writes the (C·KH·KW)×(OH·OW) column matrix of one image x (C,H,W).
func (g conv2dGeom) im2col(x, col []float64) {
	ohw := g.oh * g.ow
	for c := 0; c < g.c; c++ {
		for i := 0; i < g.kh; i++ {
			for j := 0; j < g.kw; j++ {
				row := col[((c*g.kh+i)*g.kw+j)*ohw:][:ohw]
				for oy := 0; oy < g.oh; oy++ {
					y := oy*g.sh - g.ph + i
					dst := row[oy*g.ow : (oy+1)*g.ow]
					if y < 0 || y >= g.h {
						clear(dst)
						continue
					}
					src := x[(c*g.h+y)*g.w : (c*g.h+y+1)*g.w]
					for ox := range dst {
						xx := ox*g.sw - g.pw + j
						if xx < 0 || xx >= g.w {
							dst[ox] = 0
						} else {
							dst[ox] = src[xx]
						}
					}
				}
			}
		}
	}
}

// col2im accumulates a column matrix back into one image dx (C,H,W); it is
// the adjoint of im2col.
func (g conv2dGeom) col2im(col, dx []float64) {
	ohw := g.oh * g.ow
	for c := 0; c < g.c; c++ {
		for i := 0; i < g.kh; i++ {
			for j := 0; j < g.kw; j++ {
				row := col[((c*g.kh+i)*g.kw+j)*ohw:][:ohw]
				for oy := 0; oy < g.oh; oy++ {
					y := oy*g.sh - g.ph + i
					if y < 0 || y >= g.h {
						continue
					}
					dst := dx[(c*g.h+y)*g.w : (c*g.h+y+1)*g.w]
					for ox := 0; ox < g.ow; ox++ {
						xx := ox*g.sw - g.pw + j
						if xx >= 0 && xx < g.w {
							dst[xx] += row[oy*g.ow+ox]
						}
					}
				}
			}
		}
	}
}

// parallelImages runs f(worker, lo, hi) over image ranges on up to
// GOMAXPROCS goroutines. The loops stop early when Interrupted; the
// primitive then calls checkInterrupt on its own goroutine.
func parallelImages(n int, f func(worker, lo, hi int)) int {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		f(0, 0, n)
		return 1
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
	return workers
}

// forward returns conv(x, w) of shape (N, F, OH, OW): out[n] = W · col(x[n]).
func (g conv2dGeom) forward(x, w []float64) []float64 {
	ohw, rows := g.oh*g.ow, g.colRows()
	out := make([]float64, g.n*g.f*ohw)
	wm := general(w, g.f, rows)
	parallelImages(g.n, func(_, lo, hi int) {
		col := make([]float64, rows*ohw)
		for n := lo; n < hi && !Interrupted(); n++ {
			g.im2col(x[n*g.c*g.h*g.w:(n+1)*g.c*g.h*g.w], col)
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, wm, general(col, rows, ohw), 0, general(out[n*g.f*ohw:(n+1)*g.f*ohw], g.f, ohw))
		}
	})
	return out
}

// backInput returns the adjoint of conv with respect to its input:
// dx[n] = col2im(Wᵀ · gy[n]).
func (g conv2dGeom) backInput(gy, w []float64) []float64 {
	ohw, rows, img := g.oh*g.ow, g.colRows(), g.c*g.h*g.w
	dx := make([]float64, g.n*img)
	wm := general(w, g.f, rows)
	parallelImages(g.n, func(_, lo, hi int) {
		col := make([]float64, rows*ohw)
		for n := lo; n < hi && !Interrupted(); n++ {
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, wm, general(gy[n*g.f*ohw:(n+1)*g.f*ohw], g.f, ohw), 0, general(col, rows, ohw))
			g.col2im(col, dx[n*img:(n+1)*img])
		}
	})
	return dx
}

// backWeight returns the adjoint of conv with respect to its filters:
// dw = Σₙ gy[n] · col(x[n])ᵀ.
func (g conv2dGeom) backWeight(x, gy []float64) []float64 {
	ohw, rows, img := g.oh*g.ow, g.colRows(), g.c*g.h*g.w
	workers := min(runtime.GOMAXPROCS(0), max(g.n, 1))
	partial := make([][]float64, workers)
	parallelImages(g.n, func(wk, lo, hi int) {
		col := make([]float64, rows*ohw)
		dw := make([]float64, g.f*rows)
		for n := lo; n < hi && !Interrupted(); n++ {
			g.im2col(x[n*img:(n+1)*img], col)
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, general(gy[n*g.f*ohw:(n+1)*g.f*ohw], g.f, ohw), general(col, rows, ohw), 1, general(dw, g.f, rows))
		}
		partial[wk] = dw
	})
	out := make([]float64, g.f*rows)
	for _, p := range partial {
		for i, v := range p {
			out[i] += v
		}
	}
	return out
}

// convMode is a mode of N-d convolution, as in scipy.signal.convolve.
type convMode int

const (
	convFull convMode = iota
	convSame
	convValid
)

// convNDPlan is the geometry of an N-d convolution of a with v:
// y[o] = Σⱼ a[j] v[o+off−j] for o in the output box, over all j with
// o+off−j inside v.
type convNDPlan struct {
	aShape, vShape, outShape, off []int
}

// newConvNDPlan computes the output box of mode for inputs of the given
// shapes (same number of dimensions). The valid mode needs one input at least
// as large as the other along every axis.
func newConvNDPlan(aShape, vShape []int, mode convMode) (convNDPlan, error) {
	p := convNDPlan{aShape: aShape, vShape: vShape}
	if len(aShape) != len(vShape) {
		return p, fmt.Errorf("inputs of shapes %v and %v have different numbers of dimensions", aShape, vShape)
	}
	aBig, vBig := true, true
	for i := range aShape {
		if aShape[i] == 0 || vShape[i] == 0 {
			return p, fmt.Errorf("inputs of shapes %v and %v must not be empty", aShape, vShape)
		}
		aBig = aBig && aShape[i] >= vShape[i]
		vBig = vBig && vShape[i] >= aShape[i]
	}
	if mode == convValid && !aBig && !vBig {
		return p, fmt.Errorf("mode valid needs one input at least as large as the other on every axis, got %v and %v", aShape, vShape)
	}
	for i := range aShape {
		na, nv := aShape[i], vShape[i]
		full := na + nv - 1
		switch mode {
		case convFull:
			p.outShape = append(p.outShape, full)
			p.off = append(p.off, 0)
		case convSame:
			p.outShape = append(p.outShape, na)
			p.off = append(p.off, (full-na)/2)
		case convValid:
			n := max(na, nv) - min(na, nv) + 1
			p.outShape = append(p.outShape, n)
			p.off = append(p.off, min(na, nv)-1)
		}
	}
	return p, nil
}

// triLoop calls f(o, j, m) for every output element o and element j of a
// such that m = o+off−j (per axis) is an element of v; all three are flat
// row-major offsets. The trilinear form Σ g[o] a[j] v[m] over these triples
// defines the convolution and both of its adjoints.
func (p convNDPlan) triLoop(f func(o, j, m int)) {
	nd := len(p.aShape)
	vStr := rowMajorStrides(p.vShape)
	oIdx := make([]int, nd)
	jIdx := make([]int, nd)
	nOut, nA := sizeOf(p.outShape), sizeOf(p.aShape)
	for o := 0; o < nOut; o++ {
		if o&255 == 0 && Interrupted() {
			return // the primitive reports the interruption
		}
		clear(jIdx)
		for j := 0; j < nA; j++ {
			m, ok := 0, true
			for d := 0; d < nd; d++ {
				md := oIdx[d] + p.off[d] - jIdx[d]
				if md < 0 || md >= p.vShape[d] {
					ok = false
					break
				}
				m += md * vStr[d]
			}
			if ok {
				f(o, j, m)
			}
			for d := nd - 1; d >= 0; d-- {
				jIdx[d]++
				if jIdx[d] < p.aShape[d] {
					break
				}
				jIdx[d] = 0
			}
		}
		for d := nd - 1; d >= 0; d-- {
			oIdx[d]++
			if oIdx[d] < p.outShape[d] {
				break
			}
			oIdx[d] = 0
		}
	}
}

// convolve returns y[o] = Σ a[j] v[m].
func (p convNDPlan) convolve(a, v []float64) []float64 {
	out := make([]float64, sizeOf(p.outShape))
	p.triLoop(func(o, j, m int) { out[o] += a[j] * v[m] })
	return out
}

// adjA returns the adjoint in a: da[j] = Σ g[o] v[m].
func (p convNDPlan) adjA(g, v []float64) []float64 {
	out := make([]float64, sizeOf(p.aShape))
	p.triLoop(func(o, j, m int) { out[j] += g[o] * v[m] })
	return out
}

// adjV returns the adjoint in v: dv[m] = Σ g[o] a[j].
func (p convNDPlan) adjV(g, a []float64) []float64 {
	out := make([]float64, sizeOf(p.vShape))
	p.triLoop(func(o, j, m int) { out[m] += g[o] * a[j] })
	return out
}
