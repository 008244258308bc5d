// Kernels of the Hugging Face decoder models (declared in include/CKernels.h):
// linear layers that read bf16 / f16 / f32 weights where they are mapped and
// convert them to f32 in registers, RMSNorm and SwiGLU. Compiled once per
// instruction set like Kernels.c and dispatched on aepo_kernels_level().

#include "KernelSupport.h"

typedef _Float16 v16h __attribute__((ext_vector_type(16)));

// MARK: - Conversion

/// 16 weights from element `i` as f32 (`type` is a constant after inlining).
AEPO_INLINE v16f load_weights16(const void *w, long i, const int type) {
    if (type == AEPO_WEIGHT_BF16) return load_bf16x16((const uint16_t *)w + i);
    if (type == AEPO_WEIGHT_F16) {
        v16h h;
        memcpy(&h, (const uint16_t *)w + i, sizeof h);
        return __builtin_convertvector(h, v16f);
    }
    return load16((const float *)w + i);
}

AEPO_INLINE void convert_typed(float *out, const void *w, long start, long n, const int type) {
    long i = 0;
    for (; i + 16 <= n; i += 16) store16(out + i, load_weights16(w, start + i, type));
    for (; i < n; i++) out[i] = load_weight1(w, start + i, type);
}

AEPO_INLINE void convert_body(float *out, const void *w, int type, long start, long n) {
    switch (type) {
    case AEPO_WEIGHT_BF16: convert_typed(out, w, start, n, AEPO_WEIGHT_BF16); break;
    case AEPO_WEIGHT_F16: convert_typed(out, w, start, n, AEPO_WEIGHT_F16); break;
    default: convert_typed(out, w, start, n, AEPO_WEIGHT_F32); break;
    }
}

AEPO_VARIANTS(convert, (float *out, const void *w, int type, long start, long n), (out, w, type, start, n))

void aepo_convert_to_f32(float *out, const void *w, int type, long start, long n) { convert(out, w, type, start, n); }

// MARK: - Linear layer, row-major activations (decoding)

/// OB weight rows (from o) by RB activation rows: OB * RB accumulators of 16
/// lanes over c, reduced at the end; C % 16 trailing inputs in scalar.
AEPO_INLINE void rows_block(float *y, long ldy, const float *x, long ldx, long C, const void *w, const int type,
                            const float *bias, long o, const int OB, const int RB) {
    v16f acc[8][4];
    for (int i = 0; i < OB; i++)
        for (int r = 0; r < RB; r++) acc[i][r] = splat16(0);
    // the next block's weights (contiguous after this one) are prefetched
    // into L2 a few lines per step: rows are short (a few KB), too short for
    // the hardware prefetcher to ramp up on each of them (measured on Zen 4:
    // one row 12 -> 21 GB/s per thread, 16 rows 64 -> 95 GFLOPS)
    const long esize = type == AEPO_WEIGHT_F32 ? 4 : 2;
    const char *next = (const char *)w + (o + OB) * C * esize;
    const long nextLines = OB * C * esize / 64, steps = C / 16 > 0 ? C / 16 : 1;
    const long perStep = (nextLines + steps - 1) / steps;
    long line = 0;
    long c = 0;
    for (; c + 16 <= C; c += 16) {
        for (long k = 0; k < perStep && line < nextLines; k++, line++) __builtin_prefetch(next + line * 64, 0, 2);
        v16f xv[4];
        for (int r = 0; r < RB; r++) xv[r] = load16(x + r * ldx + c);
        for (int i = 0; i < OB; i++) {
            const v16f wv = load_weights16(w, (o + i) * C + c, type);
            for (int r = 0; r < RB; r++) acc[i][r] = wv * xv[r] + acc[i][r];
        }
    }
    for (int i = 0; i < OB; i++) {
        for (int r = 0; r < RB; r++) {
            float s = sum16(acc[i][r]);
            for (long t = c; t < C; t++) s += load_weight1(w, (o + i) * C + t, type) * x[r * ldx + t];
            y[r * ldy + o + i] = bias ? s + bias[o + i] : s;
        }
    }
}

AEPO_INLINE void rows_typed(float *y, long ldy, const float *x, long ldx, long R, long C, const void *w,
                            const int type, const float *bias, long o0, long o1) {
    long o = o0;
    if (R == 1) {
        // one row: 8 weight streams in flight keep more loads outstanding
        for (; o + 8 <= o1; o += 8) rows_block(y, ldy, x, ldx, C, w, type, bias, o, 8, 1);
    }
    for (; o + 4 <= o1; o += 4) {
        long r = 0;
        for (; r + 4 <= R; r += 4) rows_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, 4, 4);
        switch (R - r) {
        case 3: rows_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, 4, 3); break;
        case 2: rows_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, 4, 2); break;
        case 1: rows_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, 4, 1); break;
        default: break;
        }
    }
    for (; o < o1; o++) {
        long r = 0;
        for (; r + 4 <= R; r += 4) rows_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, 1, 4);
        for (; r < R; r++) rows_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, type, bias, o, 1, 1);
    }
}

AEPO_INLINE void linear_rows_body(float *y, long ldy, const float *x, long ldx, long R, long C, const void *w,
                                  int type, const float *bias, long o0, long o1) {
    switch (type) {
    case AEPO_WEIGHT_BF16: rows_typed(y, ldy, x, ldx, R, C, w, AEPO_WEIGHT_BF16, bias, o0, o1); break;
    case AEPO_WEIGHT_F16: rows_typed(y, ldy, x, ldx, R, C, w, AEPO_WEIGHT_F16, bias, o0, o1); break;
    default: rows_typed(y, ldy, x, ldx, R, C, w, AEPO_WEIGHT_F32, bias, o0, o1); break;
    }
}

// AVX2 has a kernel of its own (HFRowsAVX2.c): this one's 16-lane
// accumulators would take two ymm registers each.
#if AEPO_X86
__attribute__((target("avx512f"))) static void linear_rows_avx512(float *y, long ldy, const float *x, long ldx,
                                                                   long R, long C, const void *w, int type,
                                                                   const float *bias, long o0, long o1) {
    linear_rows_body(y, ldy, x, ldx, R, C, w, type, bias, o0, o1);
}
#endif

void aepo_linear_rows(float *y, long ldy, const float *x, long ldx, long R, long C, const void *w, int type,
                      const float *bias, long o0, long o1) {
    if (R <= 0 || o1 <= o0) return;
#if AEPO_X86
    switch (aepo_kernels_level()) {
    case 2: linear_rows_avx512(y, ldy, x, ldx, R, C, w, type, bias, o0, o1); return;
    case 1: aepo_linear_rows_avx2(y, ldy, x, ldx, R, C, w, type, bias, o0, o1); return;
    default: break;
    }
#endif
    linear_rows_body(y, ldy, x, ldx, R, C, w, type, bias, o0, o1);
}

// MARK: - Linear layer, feature-major activations (prefill)

void aepo_linear_tiles(float *y, long ldy, const float *xT, long R, long C, const void *w, int type,
                       const float *bias, long o0, long o1, long tile, float *scratch, float *tileOut) {
    for (long o = o0; o < o1; o += tile) {
        const long n = o1 - o < tile ? o1 - o : tile;
        aepo_convert_to_f32(scratch, w, type, o * C, n * C);
        if (!aepo_linear_fm(tileOut, xT, scratch, bias ? bias + o : NULL, R, C, n)) {
            // no SIMD level: plain loops, same arithmetic for every row
            for (long i = 0; i < n; i++)
                for (long r = 0; r < R; r++) {
                    float s = bias ? bias[o + i] : 0.0f;
                    for (long c = 0; c < C; c++) s += scratch[i * C + c] * xT[c * R + r];
                    tileOut[i * R + r] = s;
                }
        }
        for (long r = 0; r < R; r++)
            for (long i = 0; i < n; i++) y[r * ldy + o + i] = tileOut[i * R + r];
    }
}

// MARK: - RMSNorm and SwiGLU

AEPO_INLINE void rmsnorm_body(float *out, const float *x, const float *weight, long n, float eps) {
    v16f acc = splat16(0);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const v16f v = load16(x + i);
        acc = v * v + acc;
    }
    float sum = sum16(acc);
    for (; i < n; i++) sum += x[i] * x[i];
    // a vector square root: no libm call (and no errno) in any variant
    const float inv = 1.0f / __builtin_elementwise_sqrt(splat16(sum / (float)n + eps))[0];
    for (i = 0; i + 16 <= n; i += 16) store16(out + i, (load16(x + i) * inv) * load16(weight + i));
    for (; i < n; i++) out[i] = (x[i] * inv) * weight[i];
}

AEPO_VARIANTS(rmsnorm, (float *out, const float *x, const float *weight, long n, float eps),
                 (out, x, weight, n, eps))

void aepo_rmsnorm(float *out, const float *x, const float *weight, long n, float eps) {
    rmsnorm(out, x, weight, n, eps);
}

AEPO_INLINE v16f silu_mul16(v16f g, v16f u) { return g / (1.0f + exp16(-g)) * u; }

AEPO_INLINE void silu_mul_body(float *out, const float *gate, const float *up, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) store16(out + i, silu_mul16(load16(gate + i), load16(up + i)));
    if (i < n) {
        float g[16] = {0}, u[16] = {0};
        memcpy(g, gate + i, (size_t)(n - i) * sizeof(float));
        memcpy(u, up + i, (size_t)(n - i) * sizeof(float));
        v16f v = silu_mul16(load16(g), load16(u));
        memcpy(out + i, &v, (size_t)(n - i) * sizeof(float));
    }
}

AEPO_VARIANTS(silu_mul, (float *out, const float *gate, const float *up, long n), (out, gate, up, n))

void aepo_silu_mul(float *out, const float *gate, const float *up, long n) { silu_mul(out, gate, up, n); }

// MARK: - Greedy choice

/// The first index of the largest value, NaN skipped, as a scan that keeps
/// the first strictly greater value finds it (NaN at index 0: 0).
AEPO_INLINE void argmax_body(long *out, const float *x, long n) {
    *out = 0;
    if (n <= 1 || x[0] != x[0]) return;
    v16f best = splat16(x[0]);
    long i = 0;
    // maxnum: a NaN lane keeps the other operand
    for (; i + 16 <= n; i += 16) best = __builtin_elementwise_max(best, load16(x + i));
    float m = max16(best);
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    for (i = 0; i + 16 <= n; i += 16) {
        const v16i hit = load16(x + i) == splat16(m);
        if (!__builtin_reduce_or(hit)) continue;
        for (int k = 0; k < 16; k++)
            if (hit[k]) {
                *out = i + k;
                return;
            }
    }
    for (; i < n; i++)
        if (x[i] == m) {
            *out = i;
            return;
        }
}

AEPO_VARIANTS(argmax, (long *out, const float *x, long n), (out, x, n))

long aepo_argmax(const float *x, long n) {
    long best = 0;
    argmax(&best, x, n);
    return best;
}

// MARK: - RoPE

/// Separate products and sums, as the Swift code this replaced computed
/// them: a fused multiply-add would change the last bit of some values.
#pragma clang fp contract(off)
AEPO_INLINE void rope_body(float *v, long D, const float *cos, const float *sin) {
    const long half = D / 2;
    for (long i = 0; i < half; i++) {
        const float a = v[i], b = v[i + half];
        v[i] = a * cos[i] - b * sin[i];
        v[i + half] = b * cos[i] + a * sin[i];
    }
}
#pragma clang fp contract(on)

AEPO_VARIANTS(rope, (float *v, long D, const float *cos, const float *sin), (v, D, cos, sin))

void aepo_rope(float *v, long D, const float *cos, const float *sin) { rope(v, D, cos, sin); }
