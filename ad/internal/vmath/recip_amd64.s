#include "textflag.h"

// Division kernels by a reciprocal computed once (recip.go): each is
// func f(dst, x, gp, q, b, hi, lo *float64, n int), AX the byte offset of
// the current block in every array. After q0, a block checks it with
// integer operations on its bits: |q0|'s bits minus those of 2⁻²⁵⁰ must be
// below the width of the safe range (an unsigned comparison; AVX2 has only
// a signed one, so both sides are offset by 2⁶³). A NaN hi (a divisor
// outside its safe range, RecipHi) makes q0 NaN, which fails the same
// test. A block with any failing lane is divided by VDIVPD, the others
// take the FMA-unit operations of Markstein's correction.
//
// Go assembly operand order: see vmath_amd64.s.

DATA recipConst<>+0(SB)/8, $0x7fffffffffffffff  // |x| mask
DATA recipConst<>+8(SB)/8, $0x4fb0000000000000  // 2⁶³ − bits(2⁻²⁵⁰)
DATA recipConst<>+16(SB)/8, $0x9f4fffffffffffff // width − 2⁶³ − 1 (the signed limit)
DATA recipConst<>+24(SB)/8, $0x3050000000000000 // bits(2⁻²⁵⁰)
DATA recipConst<>+32(SB)/8, $0x1f50000000000000 // width: exponents 773..1273
DATA recipConst<>+40(SB)/8, $0x8000000000000000 // sign
GLOBL recipConst<>(SB), RODATA|NOPTR, $48

DATA recipTail<>+0(SB)/8, $0xffffffffffffffff
DATA recipTail<>+8(SB)/8, $0xffffffffffffffff
DATA recipTail<>+16(SB)/8, $0xffffffffffffffff
DATA recipTail<>+24(SB)/8, $0xffffffffffffffff
DATA recipTail<>+32(SB)/8, $0x0000000000000000
DATA recipTail<>+40(SB)/8, $0x0000000000000000
DATA recipTail<>+48(SB)/8, $0x0000000000000000
DATA recipTail<>+56(SB)/8, $0x0000000000000000
GLOBL recipTail<>(SB), RODATA|NOPTR, $64

// Loads and stores of the block at AX: whole (LDY, STY) or under the tail
// mask Y15 (LDMY, STMY).
#define LDY(P, R) VMOVUPD 0(P)(AX*1), R
#define LDMY(P, R) VMASKMOVPD 0(P)(AX*1), Y15, R
#define STY(R) VMOVUPD R, (DI)(AX*1)
#define STMY(R) VMASKMOVPD R, Y15, (DI)(AX*1)

// Numerators into Y0: g (NUMDIVY), or (−g)·q rounded (NUMNMDY).
#define NUMDIVY(LD) LD(SI, Y0)
#define NUMNMDY(LD) \
	LD(SI, Y0); \
	LD(DX, Y1); \
	VXORPD Y14, Y0, Y0; \
	VMULPD Y1, Y0, Y0

// Ends, from the quotient Y6: stored (FINQY), or added to x as the second
// operand (FINADDY: x's NaN kept first, as addAVX2 and Go's + keep it).
#define FINQY(LD, ST) ST(Y6)
#define FINADDY(LD, ST) \
	LD(R8, Y2); \
	VADDPD Y6, Y2, Y6; \
	ST(Y6)

// STEPY(LD, ST, NUM, FIN, MASK, OK): one block of four lanes. MASK is
// applied to the failed-lanes mask (VPAND Y15 in the tail, for lanes that
// are not loaded); OK a label.
#define STEPY(LD, ST, NUM, FIN, MASK, OK) \
	NUM(LD); \
	LD(R10, Y5); \
	LD(R11, Y3); \
	LD(BX, Y7); \
	VMULPD       Y3, Y0, Y6; \
	VFMADD231PD  Y5, Y0, Y6; \
	VPAND        Y13, Y6, Y4; \
	VPADDQ       Y12, Y4, Y4; \
	VPCMPGTQ     Y11, Y4, Y4; \
	MASK; \
	VMOVAPD      Y0, Y8; \
	VFNMADD231PD Y7, Y6, Y8; \
	VFMADD231PD  Y5, Y8, Y6; \
	VPTEST       Y4, Y4; \
	JZ           OK; \
	VDIVPD       Y7, Y0, Y6; \
OK: \
	FIN(LD, ST)

#define NOMASK
#define TAILMASKY VPAND Y15, Y4, Y4

// DIVRY(NUM, FIN) is the whole body of an AVX2 kernel.
#define DIVRY(NUM, FIN) \
	MOVQ         dst+0(FP), DI; \
	MOVQ         x+8(FP), R8; \
	MOVQ         gp+16(FP), SI; \
	MOVQ         q+24(FP), DX; \
	MOVQ         b+32(FP), BX; \
	MOVQ         hi+40(FP), R10; \
	MOVQ         lo+48(FP), R11; \
	MOVQ         n+56(FP), CX; \
	VPBROADCASTQ recipConst<>+0(SB), Y13; \
	VPBROADCASTQ recipConst<>+8(SB), Y12; \
	VPBROADCASTQ recipConst<>+16(SB), Y11; \
	VPBROADCASTQ recipConst<>+40(SB), Y14; \
	XORQ         AX, AX; \
	MOVQ         CX, R9; \
	ANDQ         $-4, R9; \
	SHLQ         $3, R9; \
loop: \
	CMPQ AX, R9; \
	JGE  tail; \
	STEPY(LDY, STY, NUM, FIN, NOMASK, ok4); \
	ADDQ $32, AX; \
	JMP  loop; \
tail: \
	ANDQ       $3, CX; \
	JZ         done; \
	LEAQ       recipTail<>+32(SB), R9; \
	SHLQ       $3, CX; \
	SUBQ       CX, R9; \
	VMOVUPD    (R9), Y15; \
	STEPY(LDMY, STMY, NUM, FIN, TAILMASKY, okt); \
done: \
	VZEROUPPER; \
	RET

// func divRecipAVX2(dst, x, gp, q, b, hi, lo *float64, n int): dst = g/b.
TEXT ·divRecipAVX2(SB), NOSPLIT, $0-64
	DIVRY(NUMDIVY, FINQY)

// func negMulDivRecipAVX2(dst, x, gp, q, b, hi, lo *float64, n int):
// dst = ((−g)·q)/b.
TEXT ·negMulDivRecipAVX2(SB), NOSPLIT, $0-64
	DIVRY(NUMNMDY, FINQY)

// func addNegMulDivRecipAVX2(dst, x, gp, q, b, hi, lo *float64, n int):
// dst = x + ((−g)·q)/b.
TEXT ·addNegMulDivRecipAVX2(SB), NOSPLIT, $0-64
	DIVRY(NUMNMDY, FINADDY)

// AVX-512 forms: eight lanes a block, the failed lanes in K1 (an unsigned
// comparison), the tail under K7.
#define LDZ(P, R) VMOVUPD 0(P)(AX*1), R
#define LDMZ(P, R) VMOVUPD.Z 0(P)(AX*1), K7, R
#define STZ(R) VMOVUPD R, (DI)(AX*1)
#define STMZ(R) VMOVUPD R, K7, (DI)(AX*1)

#define NUMDIVZ(LD) LD(SI, Z0)
#define NUMNMDZ(LD) \
	LD(SI, Z0); \
	LD(DX, Z1); \
	VPXORQ Z14, Z0, Z0; \
	VMULPD Z1, Z0, Z0

#define FINQZ(LD, ST) ST(Z6)
#define FINADDZ(LD, ST) \
	LD(R8, Z2); \
	VADDPD Z6, Z2, Z6; \
	ST(Z6)

#define STEPZ(LD, ST, NUM, FIN, MASK, OK) \
	NUM(LD); \
	LD(R10, Z5); \
	LD(R11, Z3); \
	LD(BX, Z7); \
	VMULPD       Z3, Z0, Z6; \
	VFMADD231PD  Z5, Z0, Z6; \
	VPANDQ       Z13, Z6, Z4; \
	VPSUBQ       Z12, Z4, Z4; \
	VPCMPUQ      $5, Z11, Z4, K1; \
	MASK; \
	VMOVAPD      Z0, Z8; \
	VFNMADD231PD Z7, Z6, Z8; \
	VFMADD231PD  Z5, Z8, Z6; \
	KORTESTW     K1, K1; \
	JZ           OK; \
	VDIVPD       Z7, Z0, Z6; \
OK: \
	FIN(LD, ST)

#define TAILMASKZ8 KANDW K7, K1, K1

// The main loop of the AVX-512 forms takes sixteen lanes at a time: eight
// by VDIVPD and eight by the correction (STEPZ). The two use different
// units (the divider; the loads and FMA pipes), so they overlap: on Zen 4
// AddNegMulDiv of 400 values took 96 ns this way against 112 ns with the
// correction alone and 125 ns with division alone (the correction needs
// six loads per block against four, and the loads bound it).
#define LDZ64(P, R) VMOVUPD 64(P)(AX*1), R

#define NUMDIVP(LD, A, T) LD(SI, A)
#define NUMNMDP(LD, A, T) \
	LD(SI, A); \
	LD(DX, T); \
	VPXORQ Z14, A, A; \
	VMULPD T, A, A

#define FINQP(LD, ST, Q, T) ST(Q)
#define FINADDP(LD, ST, Q, T) \
	LD(R8, T); \
	VADDPD Q, T, Q; \
	ST(Q)

#define STZ64(R) VMOVUPD R, 64(DI)(AX*1)

// DSTEPZ: the block at AX+64 by division.
#define DSTEPZ(NUMP, FINP) \
	NUMP(LDZ64, Z16, Z21); \
	VDIVPD 64(BX)(AX*1), Z16, Z19; \
	FINP(LDZ64, STZ64, Z19, Z22)

#define DIVRZ(NUM, FIN, NUMP, FINP) \
	MOVQ         dst+0(FP), DI; \
	MOVQ         x+8(FP), R8; \
	MOVQ         gp+16(FP), SI; \
	MOVQ         q+24(FP), DX; \
	MOVQ         b+32(FP), BX; \
	MOVQ         hi+40(FP), R10; \
	MOVQ         lo+48(FP), R11; \
	MOVQ         n+56(FP), CX; \
	VPBROADCASTQ recipConst<>+0(SB), Z13; \
	VPBROADCASTQ recipConst<>+24(SB), Z12; \
	VPBROADCASTQ recipConst<>+32(SB), Z11; \
	VPBROADCASTQ recipConst<>+40(SB), Z14; \
	XORQ         AX, AX; \
	MOVQ         CX, R9; \
	ANDQ         $-16, R9; \
	SHLQ         $3, R9; \
pl: \
	CMPQ AX, R9; \
	JGE  rest; \
	DSTEPZ(NUMP, FINP); \
	STEPZ(LDZ, STZ, NUM, FIN, NOMASK, okp); \
	ADDQ $128, AX; \
	JMP  pl; \
rest: \
	MOVQ         CX, R9; \
	ANDQ         $-8, R9; \
	SHLQ         $3, R9; \
loop: \
	CMPQ AX, R9; \
	JGE  tail; \
	STEPZ(LDZ, STZ, NUM, FIN, NOMASK, ok8); \
	ADDQ $64, AX; \
	JMP  loop; \
tail: \
	ANDQ  $7, CX; \
	JZ    done; \
	MOVQ  $1, R9; \
	SHLQ  CX, R9; \
	SUBQ  $1, R9; \
	KMOVW R9, K7; \
	STEPZ(LDMZ, STMZ, NUM, FIN, TAILMASKZ8, okt); \
done: \
	VZEROUPPER; \
	RET

// func divRecipAVX512(dst, x, gp, q, b, hi, lo *float64, n int)
TEXT ·divRecipAVX512(SB), NOSPLIT, $0-64
	DIVRZ(NUMDIVZ, FINQZ, NUMDIVP, FINQP)

// func negMulDivRecipAVX512(dst, x, gp, q, b, hi, lo *float64, n int)
TEXT ·negMulDivRecipAVX512(SB), NOSPLIT, $0-64
	DIVRZ(NUMNMDZ, FINQZ, NUMNMDP, FINQP)

// func addNegMulDivRecipAVX512(dst, x, gp, q, b, hi, lo *float64, n int)
TEXT ·addNegMulDivRecipAVX512(SB), NOSPLIT, $0-64
	DIVRZ(NUMNMDZ, FINADDZ, NUMNMDP, FINADDP)

DATA recipConst2<>+0(SB)/8, $0x3ff0000000000000 // 1
DATA recipConst2<>+8(SB)/8, $0x000fffffffffffff // fraction bits
DATA recipConst2<>+16(SB)/8, $0x000ffffffffff000 // the sliver's first fraction
DATA recipConst2<>+24(SB)/8, $0x7ff8000000000000 // NaN
GLOBL recipConst2<>(SB), RODATA|NOPTR, $32

// func recipHiAVX512(hi, b *float64, n int): hi = 1/b, NaN where b is
// outside the safe range or in the sliver (recipDivisorOK), eight lanes
// at a time, the tail under K7.
#define RECIPHIZ(LD, ST) \
	LD(BX, Z1); \
	VDIVPD       Z1, Z10, Z0; \
	VPANDQ       Z13, Z1, Z2; \
	VPSUBQ       Z12, Z2, Z2; \
	VPCMPUQ      $5, Z11, Z2, K1; \
	VPANDQ       Z9, Z1, Z3; \
	VPCMPUQ      $5, Z8, Z3, K2; \
	KORW         K2, K1, K1; \
	VMOVAPD      Z7, K1, Z0; \
	ST(Z0)

TEXT ·recipHiAVX512(SB), NOSPLIT, $0-24
	MOVQ         hi+0(FP), DI
	MOVQ         b+8(FP), BX
	MOVQ         n+16(FP), CX
	VPBROADCASTQ recipConst<>+0(SB), Z13
	VPBROADCASTQ recipConst<>+24(SB), Z12
	VPBROADCASTQ recipConst<>+32(SB), Z11
	VPBROADCASTQ recipConst2<>+0(SB), Z10
	VPBROADCASTQ recipConst2<>+8(SB), Z9
	VPBROADCASTQ recipConst2<>+16(SB), Z8
	VPBROADCASTQ recipConst2<>+24(SB), Z7
	XORQ         AX, AX
	MOVQ         CX, R9
	ANDQ         $-8, R9
	SHLQ         $3, R9

hloop:
	CMPQ AX, R9
	JGE  htail
	RECIPHIZ(LDZ, STZ)
	ADDQ $64, AX
	JMP  hloop

htail:
	ANDQ  $7, CX
	JZ    hdone
	MOVQ  $1, R9
	SHLQ  CX, R9
	SUBQ  $1, R9
	KMOVW R9, K7
	RECIPHIZ(LDMZ, STMZ)

hdone:
	VZEROUPPER
	RET

// func recipLoAVX512(lo, b, hi *float64, n int): lo = (1 − b·hi)·hi, the
// FMA exact, the product rounded.
#define RECIPLOZ(LD, ST) \
	LD(BX, Z1); \
	LD(SI, Z2); \
	VMOVAPD      Z10, Z0; \
	VFNMADD231PD Z2, Z1, Z0; \
	VMULPD       Z2, Z0, Z0; \
	ST(Z0)

TEXT ·recipLoAVX512(SB), NOSPLIT, $0-32
	MOVQ         lo+0(FP), DI
	MOVQ         b+8(FP), BX
	MOVQ         hi+16(FP), SI
	MOVQ         n+24(FP), CX
	VPBROADCASTQ recipConst2<>+0(SB), Z10
	XORQ         AX, AX
	MOVQ         CX, R9
	ANDQ         $-8, R9
	SHLQ         $3, R9

lloop:
	CMPQ AX, R9
	JGE  ltail
	RECIPLOZ(LDZ, STZ)
	ADDQ $64, AX
	JMP  lloop

ltail:
	ANDQ  $7, CX
	JZ    ldone
	MOVQ  $1, R9
	SHLQ  CX, R9
	SUBQ  $1, R9
	KMOVW R9, K7
	RECIPLOZ(LDMZ, STMZ)

ldone:
	VZEROUPPER
	RET

// func negMulDivRecipChainAVX512(dst, x unsafe.Pointer, gq *unsafe.Pointer, k int, b, hi, lo unsafe.Pointer, start, end int)
//
// The chain of AddNegMulDivRecipChainAt (chain.go): b, hi and lo are
// loaded once per block, the sum stays in a register, a chain without x
// starts from its first pair's quotient (CQUOT: NUMNMDZ, the correction,
// VDIVPD for a block with a lane outside the safe range), every later pair
// adds its quotient as FINADDZ adds (x first; CSUB, which gives the same
// bits), and a pair without q (DX nil) adds g as Add does. Sixteen lanes
// at a time (CBLOCK2), then eight (CBLOCK), then the tail under K7.
// Registers: AX the byte offset of the block in every buffer, R12 the
// first pair's pointers, R13 the end of the pairs, R14 the pair being
// added.
#define CQUOT(LD, MASK, OK) \
	LD(SI, Z0); \
	LD(DX, Z1); \
	VPXORQ       Z14, Z0, Z0; \
	VMULPD       Z1, Z0, Z0; \
	VMULPD       Z3, Z0, Z6; \
	VFMADD231PD  Z5, Z0, Z6; \
	VPANDQ       Z13, Z6, Z4; \
	VPSUBQ       Z12, Z4, Z4; \
	VPCMPUQ      $5, Z11, Z4, K1; \
	MASK; \
	VMOVAPD      Z0, Z8; \
	VFNMADD231PD Z7, Z6, Z8; \
	VFMADD231PD  Z5, Z8, Z6; \
	KORTESTW     K1, K1; \
	JZ           OK; \
	VDIVPD       Z7, Z0, Z6; \
OK:

// CSUB: a pair's term in the block at AX subtracted from the sum Z9
// with its sign flipped: the correction runs on a' = g·q = −a, whose q0',
// r' and quotient q' are exactly −q0, −r and −q (rounding to nearest is
// symmetric), so the range test sees the same |q0| and acc − q' is
// acc + q bit for bit (x − y is x + (−y) in IEEE arithmetic, zeros
// included; no NaN gets this far). That saves the sign flip and the copy
// of a. A block with a lane outside the safe range computes a = (−g)·q
// again and divides it by VDIVPD, as CQUOT does.
#define CSUB(LD, MASK, SLOW, DONE) \
	LD(SI, Z0); \
	LD(DX, Z1); \
	VMULPD       Z1, Z0, Z0; \
	VMULPD       Z3, Z0, Z6; \
	VFMADD231PD  Z5, Z0, Z6; \
	VPANDQ       Z13, Z6, Z4; \
	VPSUBQ       Z12, Z4, Z4; \
	VPCMPUQ      $5, Z11, Z4, K1; \
	MASK; \
	VFNMADD231PD Z7, Z6, Z0; \
	VFMADD231PD  Z5, Z0, Z6; \
	KORTESTW     K1, K1; \
	JNZ          SLOW; \
	VSUBPD       Z6, Z9, Z9; \
	JMP          DONE; \
SLOW: \
	LD(SI, Z0); \
	LD(DX, Z1); \
	VPXORQ       Z14, Z0, Z0; \
	VMULPD       Z1, Z0, Z0; \
	VDIVPD       Z7, Z0, Z6; \
	VADDPD       Z6, Z9, Z9; \
DONE:

// CBLOCK: one block: the start of the sum (x, or the first pair's
// quotient), then the other pairs.
#define CBLOCK(LD, ST, MASK, HEAD, HOK, PAIRS, POK, PDONE, PLAIN, END) \
	LD(BX, Z7); \
	LD(R10, Z5); \
	LD(R11, Z3); \
	MOVQ  R12, R14; \
	TESTQ R8, R8; \
	JZ    HEAD; \
	LD(R8, Z9); \
	JMP   PAIRS; \
HEAD: \
	MOVQ 0(R14), SI; \
	MOVQ 8(R14), DX; \
	CQUOT(LD, MASK, HOK); \
	VMOVAPD Z6, Z9; \
	ADDQ    $16, R14; \
PAIRS: \
	CMPQ R14, R13; \
	JAE  END; \
	MOVQ 0(R14), SI; \
	MOVQ 8(R14), DX; \
	ADDQ $16, R14; \
	TESTQ DX, DX; \
	JZ   PLAIN; \
	CSUB(LD, MASK, POK, PDONE); \
	JMP    PAIRS; \
PLAIN: \
	LD(SI, Z0); \
	VADDPD Z0, Z9, Z9; \
	JMP    PAIRS; \
END: \
	ST(Z9)

// CBLOCK2: the blocks at AX and AX+64 at once (sums in Z9 and Z19): the
// first by the correction (CSUB's operations), the second by VDIVPD, so
// that the divider and the FMA units work at once, as in DIVRZ (W1's
// replay 81 -> 74 us against two corrected blocks).
#define CBLOCK2 \
	LDZ(BX, Z7); \
	LDZ(R10, Z5); \
	LDZ(R11, Z3); \
	LDZ64(BX, Z17); \
	MOVQ  R12, R14; \
	TESTQ R8, R8; \
	JZ    c2head; \
	LDZ(R8, Z9); \
	LDZ64(R8, Z19); \
	JMP   c2pairs; \
c2head: \
	MOVQ 0(R14), SI; \
	MOVQ 8(R14), DX; \
	CQUOT(LDZ, NOMASK, c2hok); \
	VMOVAPD Z6, Z9; \
	LDZ64(SI, Z20); \
	LDZ64(DX, Z21); \
	VPXORQ  Z14, Z20, Z20; \
	VMULPD  Z21, Z20, Z20; \
	VDIVPD  Z17, Z20, Z19; \
	ADDQ    $16, R14; \
c2pairs: \
	CMPQ R14, R13; \
	JAE  c2end; \
	MOVQ 0(R14), SI; \
	MOVQ 8(R14), DX; \
	ADDQ $16, R14; \
	TESTQ DX, DX; \
	JZ   c2plain; \
	LDZ64(SI, Z20); \
	LDZ64(DX, Z21); \
	VPXORQ       Z14, Z20, Z20; \
	VMULPD       Z21, Z20, Z20; \
	VDIVPD       Z17, Z20, Z26; \
	LDZ(SI, Z0); \
	LDZ(DX, Z1); \
	VMULPD       Z1, Z0, Z0; \
	VMULPD       Z3, Z0, Z6; \
	VFMADD231PD  Z5, Z0, Z6; \
	VPANDQ       Z13, Z6, Z4; \
	VPSUBQ       Z12, Z4, Z4; \
	VPCMPUQ      $5, Z11, Z4, K1; \
	VFNMADD231PD Z7, Z6, Z0; \
	VFMADD231PD  Z5, Z0, Z6; \
	VADDPD       Z26, Z19, Z19; \
	KORTESTW     K1, K1; \
	JNZ          c2slowa; \
	VSUBPD       Z6, Z9, Z9; \
	JMP          c2pairs; \
c2slowa: \
	LDZ(SI, Z0); \
	LDZ(DX, Z1); \
	VPXORQ       Z14, Z0, Z0; \
	VMULPD       Z1, Z0, Z0; \
	VDIVPD       Z7, Z0, Z6; \
	VADDPD       Z6, Z9, Z9; \
	JMP          c2pairs; \
c2plain: \
	LDZ(SI, Z0); \
	LDZ64(SI, Z20); \
	VADDPD Z0, Z9, Z9; \
	VADDPD Z20, Z19, Z19; \
	JMP    c2pairs; \
c2end: \
	STZ(Z9); \
	STZ64(Z19)

TEXT ·negMulDivRecipChainAVX512(SB), NOSPLIT, $0-72
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), R8
	MOVQ         gq+16(FP), R12
	MOVQ         k+24(FP), R13
	SHLQ         $4, R13
	ADDQ         R12, R13
	MOVQ         b+32(FP), BX
	MOVQ         hi+40(FP), R10
	MOVQ         lo+48(FP), R11
	MOVQ         start+56(FP), AX
	MOVQ         end+64(FP), CX
	VPBROADCASTQ recipConst<>+0(SB), Z13
	VPBROADCASTQ recipConst<>+24(SB), Z12
	VPBROADCASTQ recipConst<>+32(SB), Z11
	VPBROADCASTQ recipConst<>+40(SB), Z14
	SUBQ         AX, CX
	SHLQ         $3, AX
	MOVQ         CX, R9
	ANDQ         $-8, R9
	SHLQ         $3, R9
	ADDQ         AX, R9

	MOVQ         CX, R15
	ANDQ         $-16, R15
	SHLQ         $3, R15
	ADDQ         AX, R15

c2loop:
	CMPQ AX, R15
	JGE  cloop
	CBLOCK2
	ADDQ $128, AX
	JMP  c2loop

cloop:
	CMPQ AX, R9
	JGE  ctail
	CBLOCK(LDZ, STZ, NOMASK, chead, chok, cpairs, cpok, cpdone, cplain, cend)
	ADDQ $64, AX
	JMP  cloop

ctail:
	ANDQ  $7, CX
	JZ    cdone
	MOVQ  $1, R9
	SHLQ  CX, R9
	SUBQ  $1, R9
	KMOVW R9, K7
	CBLOCK(LDMZ, STMZ, TAILMASKZ8, cheadt, chokt, cpairst, cpokt, cpdonet, cplaint, cendt)

cdone:
	VZEROUPPER
	RET

// func negMulDivRecipMultiAVX512(ps *unsafe.Pointer, k int, b, hi, lo unsafe.Pointer, start, end int)
//
// NegMulDivRecipMultiAt: for each block, the k quotients (−g·q)/b in turn
// (dst, g and q from the table at R12, 24 bytes an entry, up to R13), each
// as STEPZ computes it with NUMNMDZ and stored: sixteen lanes at a time
// (the block at AX+64 by VDIVPD, the one at AX by CQUOT, as DIVRZ
// alternates), then eight (CQUOT), then the tail under K7.
TEXT ·negMulDivRecipMultiAVX512(SB), NOSPLIT, $0-56
	MOVQ         ps+0(FP), R12
	MOVQ         k+8(FP), R13
	IMUL3Q       $24, R13, R13
	ADDQ         R12, R13
	MOVQ         b+16(FP), BX
	MOVQ         hi+24(FP), R10
	MOVQ         lo+32(FP), R11
	MOVQ         start+40(FP), AX
	MOVQ         end+48(FP), CX
	VPBROADCASTQ recipConst<>+0(SB), Z13
	VPBROADCASTQ recipConst<>+24(SB), Z12
	VPBROADCASTQ recipConst<>+32(SB), Z11
	VPBROADCASTQ recipConst<>+40(SB), Z14
	SUBQ         AX, CX
	SHLQ         $3, AX
	MOVQ         CX, R9
	ANDQ         $-8, R9
	SHLQ         $3, R9
	ADDQ         AX, R9
	MOVQ         CX, R15
	ANDQ         $-16, R15
	SHLQ         $3, R15
	ADDQ         AX, R15

m2loop:
	CMPQ AX, R15
	JGE  m1loop
	LDZ(BX, Z7)
	LDZ(R10, Z5)
	LDZ(R11, Z3)
	LDZ64(BX, Z17)
	LDZ64(R10, Z15)
	LDZ64(R11, Z18)
	MOVQ R12, R14

m2e:
	CMPQ         R14, R13
	JAE          m2next
	MOVQ         0(R14), DI
	MOVQ         8(R14), SI
	MOVQ         16(R14), DX
	ADDQ         $24, R14
	LDZ64(SI, Z20)
	LDZ64(DX, Z21)
	VPXORQ       Z14, Z20, Z20
	VMULPD       Z21, Z20, Z20
	VDIVPD       Z17, Z20, Z26
	CQUOT(LDZ, NOMASK, m2ok)
	STZ(Z6)
	STZ64(Z26)
	JMP m2e

m2next:
	ADDQ $128, AX
	JMP  m2loop

m1loop:
	CMPQ AX, R9
	JGE  mtail
	LDZ(BX, Z7)
	LDZ(R10, Z5)
	LDZ(R11, Z3)
	MOVQ R12, R14

m1e:
	CMPQ R14, R13
	JAE  m1next
	MOVQ 0(R14), DI
	MOVQ 8(R14), SI
	MOVQ 16(R14), DX
	ADDQ $24, R14
	CQUOT(LDZ, NOMASK, m1ok)
	STZ(Z6)
	JMP  m1e

m1next:
	ADDQ $64, AX
	JMP  m1loop

mtail:
	ANDQ  $7, CX
	JZ    mdone
	MOVQ  $1, R9
	SHLQ  CX, R9
	SUBQ  $1, R9
	KMOVW R9, K7
	LDMZ(BX, Z7)
	LDMZ(R10, Z5)
	LDMZ(R11, Z3)
	MOVQ  R12, R14

mte:
	CMPQ R14, R13
	JAE  mdone
	MOVQ 0(R14), DI
	MOVQ 8(R14), SI
	MOVQ 16(R14), DX
	ADDQ $24, R14
	CQUOT(LDMZ, TAILMASKZ8, mtok)
	STMZ(Z6)
	JMP  mte

mdone:
	VZEROUPPER
	RET
