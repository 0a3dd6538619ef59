package ad

// Einsum subscript parsing and the generalized-diagonal kernels used by
// Einsum for repeated indices.

import (
	"fmt"
	"sort"
	"strings"
)

// einsumSpec is a parsed einsum subscript string. Labels are small integers:
// 0–51 for the letters a–z, A–Z and 52+i for the i-th dimension covered by an
// ellipsis, counted from the right (so broadcast dimensions line up).
type einsumSpec struct {
	inputs [][]int // labels of each operand's axes, ellipsis expanded
	output []int   // labels of the result's axes
}

const ellipsisBase = 52

// letterLabel maps an einsum letter to its label, or -1 when c is not a letter.
func letterLabel(c byte) int {
	switch {
	case c >= 'a' && c <= 'z':
		return int(c - 'a')
	case c >= 'A' && c <= 'Z':
		return 26 + int(c-'A')
	}
	return -1
}

// parseTerm expands one operand's (or the output's) subscripts. ell is the
// number of dimensions the ellipsis stands for; -1 means "infer from ndim".
func parseTerm(term string, ndim int, isOutput bool, ell int) (labels []int, ellDims int, hasEll bool, err error) {
	term = strings.ReplaceAll(term, " ", "")
	var before, after []int
	cur := &before
	for i := 0; i < len(term); i++ {
		c := term[i]
		if c == '.' {
			if hasEll || !strings.HasPrefix(term[i:], "...") {
				return nil, 0, false, fmt.Errorf("bad ellipsis in %q", term)
			}
			hasEll = true
			cur = &after
			i += 2
			continue
		}
		l := letterLabel(c)
		if l < 0 {
			return nil, 0, false, fmt.Errorf("invalid subscript %q in %q (want letters a-z, A-Z and '...')", string(c), term)
		}
		*cur = append(*cur, l)
	}
	named := len(before) + len(after)
	if isOutput {
		ellDims = ell
		if !hasEll {
			ellDims = 0
		}
	} else {
		if !hasEll && named != ndim {
			return nil, 0, false, fmt.Errorf("subscripts %q name %d axes, operand has %d", term, named, ndim)
		}
		if hasEll && named > ndim {
			return nil, 0, false, fmt.Errorf("subscripts %q name %d axes besides '...', operand has only %d", term, named, ndim)
		}
		ellDims = ndim - named
	}
	labels = append(labels, before...)
	for i := ellDims; i >= 1; i-- {
		labels = append(labels, ellipsisBase+i-1)
	}
	labels = append(labels, after...)
	return labels, ellDims, hasEll, nil
}

// parseEinsum parses subscripts for operands with the given numbers of
// dimensions. Without "->", the output holds the ellipsis dimensions followed
// by the labels that appear exactly once, in alphabetical order (numpy's rule).
func parseEinsum(subscripts string, ndims []int) (einsumSpec, error) {
	var spec einsumSpec
	lhs, rhs, explicit := strings.Cut(subscripts, "->")
	if strings.Contains(rhs, "->") {
		return spec, fmt.Errorf("subscripts %q contain more than one '->'", subscripts)
	}
	terms := strings.Split(lhs, ",")
	if len(terms) != len(ndims) {
		return spec, fmt.Errorf("subscripts %q describe %d operands, got %d", subscripts, len(terms), len(ndims))
	}
	maxEll := 0
	count := map[int]int{}
	anyEll := false
	for i, term := range terms {
		labels, e, has, err := parseTerm(term, ndims[i], false, -1)
		if err != nil {
			return spec, err
		}
		anyEll = anyEll || has
		maxEll = max(maxEll, e)
		spec.inputs = append(spec.inputs, labels)
		for _, l := range labels {
			if l < ellipsisBase {
				count[l]++
			}
		}
	}
	if explicit {
		labels, _, has, err := parseTerm(rhs, 0, true, maxEll)
		if err != nil {
			return spec, err
		}
		if anyEll && !has && maxEll > 0 {
			// numpy allows dropping '...' from the output only when it covers
			// no dimensions; otherwise those dimensions would be summed.
			return spec, fmt.Errorf("output subscripts %q omit '...' used by the operands", rhs)
		}
		seen := map[int]bool{}
		for _, l := range labels {
			if seen[l] {
				return spec, fmt.Errorf("output subscript %q repeated in %q", labelName(l), rhs)
			}
			seen[l] = true
			if l < ellipsisBase && count[l] == 0 {
				return spec, fmt.Errorf("output subscript %q does not appear in the operands", labelName(l))
			}
		}
		spec.output = labels
		return spec, nil
	}
	for i := maxEll; i >= 1; i-- {
		spec.output = append(spec.output, ellipsisBase+i-1)
	}
	var once []int
	for l, c := range count {
		if c == 1 {
			once = append(once, l)
		}
	}
	sort.Ints(once)
	spec.output = append(spec.output, once...)
	return spec, nil
}

// labelName returns the subscript letter of a label.
func labelName(l int) string {
	switch {
	case l < 26:
		return string(rune('a' + l))
	case l < ellipsisBase:
		return string(rune('A' + l - 26))
	}
	return "..."
}

// diagPlan describes the generalized diagonal of an operand whose labels
// repeat: the result has one axis per distinct label (in first-occurrence
// order), and element idx of the result is the element of the input whose
// axes carrying the same label all take the value idx[label].
type diagPlan struct {
	inShape  []int
	outShape []int
	labels   []int // distinct labels, in order
	// srcStride[j] is the stride in the input of result axis j: the sum of the
	// strides of the input axes carrying that label.
	srcStride []int
}

// newDiagPlan builds the plan for an operand with the given shape and labels.
// Axes sharing a label must have equal lengths.
func newDiagPlan(shape, labels []int) (diagPlan, error) {
	p := diagPlan{inShape: append([]int(nil), shape...)}
	strides := rowMajorStrides(shape)
	pos := map[int]int{}
	for ax, l := range labels {
		j, ok := pos[l]
		if !ok {
			pos[l] = len(p.labels)
			p.labels = append(p.labels, l)
			p.outShape = append(p.outShape, shape[ax])
			p.srcStride = append(p.srcStride, strides[ax])
			continue
		}
		if p.outShape[j] != shape[ax] {
			return p, fmt.Errorf("repeated subscript %q covers axes of lengths %d and %d", labelName(l), p.outShape[j], shape[ax])
		}
		p.srcStride[j] += strides[ax]
	}
	return p, nil
}

// forEachOffset calls f(k, off) for every element k of a row-major array of
// the given shape, where off is Σ idx[j]·stride[j].
func forEachOffset(shape, stride []int, f func(k, off int)) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n == 0 {
		return
	}
	idx := make([]int, len(shape))
	off := 0
	for k := 0; k < n; k++ {
		f(k, off)
		for j := len(shape) - 1; j >= 0; j-- {
			idx[j]++
			off += stride[j]
			if idx[j] < shape[j] {
				break
			}
			off -= stride[j] * shape[j]
			idx[j] = 0
		}
	}
}

// indices returns the flat (row-major) index in the input of each element
// of the generalized diagonal.
func (p diagPlan) indices() []int {
	idx := make([]int, sizeOf(p.outShape))
	forEachOffset(p.outShape, p.srcStride, func(k, off int) { idx[k] = off })
	return idx
}
