// The row kernel of the Hugging Face linear layers (`aepo_linear_rows`) for
// CPUs with AVX2 and FMA but no AVX-512 (Zen 1-3, Intel client cores).
//
// The portable kernel in HFKernels.c keeps a 16-lane accumulator per
// (output, row): on AVX2 each is two ymm, and its blocks of 4 outputs by 4
// rows need 32 of the 16 ymm registers, so the compiler spills every
// accumulator to the stack on every step (about 30% of the FMA peak). Here
// the same chains run in two halves: lanes 0-7 of every accumulator over a
// chunk of inputs, then lanes 8-15 over the same chunk (its weights now in
// L1), so a block of 3 outputs by 4 rows holds 12 accumulators, 3 weight
// vectors and one input vector in registers.
//
// Every (output, row) result is the portable kernel's, bit for bit: lane j
// accumulates w[c + j] * x[c + j] for c = 0, 16, 32, ... with one fused
// multiply-add per step, in that order; the 16 lanes are then summed by
// `sum16`, the trailing C % 16 inputs added one by one, then the bias.

#include "KernelSupport.h"

#if AEPO_X86

#define AEPO_AVX2 __attribute__((target("avx2,fma,f16c")))

/// Inputs per chunk: the lanes 8-15 pass finds the chunk's weight rows
/// (8 x 256 x 4 bytes at most, at batch 1) and input rows (4 x 1 KB) in L1.
enum { CHUNK = 256 };

/// 8 weights from element `i` as f32 (`type` is a constant after inlining).
AEPO_INLINE AEPO_AVX2 __m256 load_weights8(const void *w, long i, const int type) {
    if (type == AEPO_WEIGHT_BF16) {
        const __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)w + i));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
    if (type == AEPO_WEIGHT_F16) return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)w + i)));
    return _mm256_loadu_ps((const float *)w + i);
}

/// One half (`lane` 0 or 8) of the accumulators of an OB x RB block over
/// inputs [c0, c1) (a multiple of 16 long).
AEPO_INLINE AEPO_AVX2 void half_pass(__m256 acc[8][4], const float *x, long ldx, long C, const void *w,
                                      const int type, long o, long c0, long c1, int lane, const int OB,
                                      const int RB) {
    __m256 a[8][4];
#pragma clang loop unroll(full)
    for (int i = 0; i < OB; i++)
#pragma clang loop unroll(full)
        for (int r = 0; r < RB; r++) a[i][r] = acc[i][r];
    for (long c = c0 + lane; c < c1; c += 16) {
        __m256 wv[8];
#pragma clang loop unroll(full)
        for (int i = 0; i < OB; i++) wv[i] = load_weights8(w, (o + i) * C + c, type);
#pragma clang loop unroll(full)
        for (int r = 0; r < RB; r++) {
            const __m256 xv = _mm256_loadu_ps(x + r * ldx + c);
#pragma clang loop unroll(full)
            for (int i = 0; i < OB; i++) a[i][r] = _mm256_fmadd_ps(wv[i], xv, a[i][r]);
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < OB; i++)
#pragma clang loop unroll(full)
        for (int r = 0; r < RB; r++) acc[i][r] = a[i][r];
}

/// Outputs o..o+OB-1 of rows 0..RB-1.
AEPO_INLINE AEPO_AVX2 void block(float *y, long ldy, const float *x, long ldx, long C, const void *w,
                                  const int type, const float *bias, long o, const int OB, const int RB) {
    __m256 lo[8][4], hi[8][4];
    for (int i = 0; i < OB; i++)
        for (int r = 0; r < RB; r++) lo[i][r] = hi[i][r] = _mm256_setzero_ps();
    const long body = C / 16 * 16;
    for (long c0 = 0; c0 < body; c0 += CHUNK) {
        const long c1 = c0 + CHUNK < body ? c0 + CHUNK : body;
        half_pass(lo, x, ldx, C, w, type, o, c0, c1, 0, OB, RB);
        half_pass(hi, x, ldx, C, w, type, o, c0, c1, 8, OB, RB);
    }
    for (int i = 0; i < OB; i++) {
        for (int r = 0; r < RB; r++) {
            v16f lanes;
            memcpy(&lanes, &lo[i][r], 32);
            memcpy((char *)&lanes + 32, &hi[i][r], 32);
            float s = sum16(lanes);
            for (long t = body; t < C; t++) s += load_weight1(w, (o + i) * C + t, type) * x[r * ldx + t];
            y[r * ldy + o + i] = bias ? s + bias[o + i] : s;
        }
    }
}

/// Every row block (4 rows, then the 1-3 left) of outputs o..o+OB-1.
AEPO_INLINE AEPO_AVX2 void row_blocks(float *y, long ldy, const float *x, long ldx, long R, long C, const void *w,
                                       const int type, const float *bias, long o, const int OB) {
    long r = 0;
    for (; r + 4 <= R; r += 4) block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, OB, 4);
    switch (R - r) {
    case 3: block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, OB, 3); break;
    case 2: block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, OB, 2); break;
    case 1: block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, OB, 1); break;
    default: break;
    }
}

AEPO_INLINE AEPO_AVX2 void rows_typed_avx2(float *y, long ldy, const float *x, long ldx, long R, long C,
                                            const void *w, const int type, const float *bias, long o0, long o1) {
    long o = o0;
    if (R == 1) {
        // one row (memory-bound): 8 weight streams in flight
        for (; o + 8 <= o1; o += 8) block(y, ldy, x, ldx, C, w, type, bias, o, 8, 1);
    }
    for (; o + 3 <= o1; o += 3) row_blocks(y, ldy, x, ldx, R, C, w, type, bias, o, 3);
    if (o1 - o == 2) row_blocks(y, ldy, x, ldx, R, C, w, type, bias, o, 2);
    else if (o1 - o == 1) row_blocks(y, ldy, x, ldx, R, C, w, type, bias, o, 1);
}

/// Input bytes of a panel of rows: with an item's weights (128 KB) it stays
/// in a 512 KB L2 while every output block of the item runs over it.
enum { PANEL_BYTES = 192 << 10 };

AEPO_AVX2 void aepo_linear_rows_avx2(float *y, long ldy, const float *x, long ldx, long R, long C, const void *w,
                                     int type, const float *bias, long o0, long o1) {
    // a prefill's rows in panels, each run over all the item's outputs
    long panel = PANEL_BYTES / (C * (long)sizeof(float)) / 4 * 4;
    if (panel < 4) panel = 4;
    for (long r0 = 0; r0 < R; r0 += panel) {
        const long n = R - r0 < panel ? R - r0 : panel;
        float *py = y + r0 * ldy;
        const float *px = x + r0 * ldx;
        switch (type) {
        case AEPO_WEIGHT_BF16: rows_typed_avx2(py, ldy, px, ldx, n, C, w, AEPO_WEIGHT_BF16, bias, o0, o1); break;
        case AEPO_WEIGHT_F16: rows_typed_avx2(py, ldy, px, ldx, n, C, w, AEPO_WEIGHT_F16, bias, o0, o1); break;
        default: rows_typed_avx2(py, ldy, px, ldx, n, C, w, AEPO_WEIGHT_F32, bias, o0, o1); break;
        }
    }
}

#endif
