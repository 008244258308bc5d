// SIMD kernels for KV-cache decoding (declared in include/CKernels.h).
//
// Swift compiles for the baseline x86-64 (SSE2, no FMA) and has no
// per-function target attributes, and OpenBLAS packs the whole weight on
// every sgemm call, which for the 16-row products of decoding costs as much
// as the multiplication. These kernels are compiled once per instruction
// set (AVX-512F, AVX2 + FMA, portable C) and the widest one the CPU supports
// is chosen at run time.

#include "KernelSupport.h"

// MARK: - Dispatch

static int detected_level(void) {
    int level = 0;
#if AEPO_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) level = 2;
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) level = 1;
#endif
    // AEPO_KERNELS=0|1|2 caps the level (to measure or test the narrower paths)
    const char *cap = getenv("AEPO_KERNELS");
    if (cap && cap[0] >= '0' && cap[0] <= '2' && cap[1] == 0 && cap[0] - '0' < level) level = cap[0] - '0';
    return level;
}

// -1 until detected; concurrent first calls store the same value.
static int current_level = -1;

int aepo_kernels_level(void) {
    int level = __atomic_load_n(&current_level, __ATOMIC_RELAXED);
    if (level < 0) {
        level = detected_level();
        __atomic_store_n(&current_level, level, __ATOMIC_RELAXED);
    }
    return level;
}

// MARK: - GELU

AEPO_INLINE void gelu_body(float *out, const float *inp, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) store16(out + i, gelu16(load16(inp + i)));
    if (i < n) {
        // the tail goes through the same vector arithmetic
        float buffer[16] = {0};
        memcpy(buffer, inp + i, (size_t)(n - i) * sizeof(float));
        v16f y = gelu16(load16(buffer));
        memcpy(out + i, &y, (size_t)(n - i) * sizeof(float));
    }
}

AEPO_VARIANTS(gelu, (float *out, const float *inp, long n), (out, inp, n))

void aepo_gelu_forward(float *out, const float *inp, long n) { gelu(out, inp, n); }

/// dinp += gelu'(x) dout for 16 lanes.
AEPO_INLINE v16f gelu_backward16(v16f x, v16f dout, v16f dinp) {
    const float scale = 0.7978845608028654f, cubic = 0.044715f;
    v16f th = tanh16(scale * (x + cubic * x * x * x));
    v16f sech2 = 1.0f - th * th;
    v16f local = 0.5f * (1.0f + th) + x * 0.5f * sech2 * scale * (1.0f + 3.0f * cubic * x * x);
    return dinp + local * dout;
}

AEPO_INLINE void gelu_backward_body(float *dinp, const float *inp, const float *dout, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) store16(dinp + i, gelu_backward16(load16(inp + i), load16(dout + i), load16(dinp + i)));
    if (i < n) {
        float x[16] = {0}, d[16] = {0}, g[16] = {0};
        const size_t bytes = (size_t)(n - i) * sizeof(float);
        memcpy(x, inp + i, bytes);
        memcpy(d, dout + i, bytes);
        memcpy(g, dinp + i, bytes);
        v16f y = gelu_backward16(load16(x), load16(d), load16(g));
        memcpy(dinp + i, &y, bytes);
    }
}

AEPO_VARIANTS(gelu_backward, (float *dinp, const float *inp, const float *dout, long n), (dinp, inp, dout, n))

void aepo_gelu_backward(float *dinp, const float *inp, const float *dout, long n) { gelu_backward(dinp, inp, dout, n); }

// MARK: - Feature-major linear layer

#if AEPO_X86

enum { ROWS512 = 8, ROWS256 = 6 };

// The weight rows are prefetched one cache line (16 floats) per row and per
// 16 inputs, this many floats ahead: decoding streams 13 MB of weights per
// step, more than stays cached on a shared machine.
enum { WEIGHT_PREFETCH = 64 };

// 16 columns (one zmm) by 8 weight rows: per input feature c, one load of
// x[c][j..j+16] and 8 broadcast FMAs; the weight rows stream through once.
// The c loop runs in blocks of 16 (one cache line of each row) with a tail;
// both compute the same chain.
__attribute__((target("avx512f"))) static void linear_avx512(float *y, const float *x, const float *w,
                                                              const float *bias, long R, long C, long OC) {
    for (long j = 0; j < R; j += 16) {
        const long n = R - j < 16 ? R - j : 16;
        const __mmask16 mask = (__mmask16)((1u << n) - 1);
        long o = 0;
        for (; o + ROWS512 <= OC; o += ROWS512) {
            __m512 acc[ROWS512];
            for (int i = 0; i < ROWS512; i++) acc[i] = _mm512_set1_ps(bias ? bias[o + i] : 0.0f);
            const float *wo = w + o * C, *xc = x + j;
            long c = 0;
            for (; c + 16 <= C; c += 16) {
#pragma clang loop unroll(full)
                for (int i = 0; i < ROWS512; i++) _mm_prefetch((const char *)(wo + i * C + c + WEIGHT_PREFETCH), _MM_HINT_T0);
#pragma clang loop unroll(full)
                for (int u = 0; u < 16; u++, xc += R) {
                    const __m512 xv = _mm512_maskz_loadu_ps(mask, xc);
#pragma clang loop unroll(full)
                    for (int i = 0; i < ROWS512; i++)
                        acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(wo[i * C + c + u]), xv, acc[i]);
                }
            }
            for (; c < C; c++, xc += R) {
                const __m512 xv = _mm512_maskz_loadu_ps(mask, xc);
#pragma clang loop unroll(full)
                for (int i = 0; i < ROWS512; i++) acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(wo[i * C + c]), xv, acc[i]);
            }
            for (int i = 0; i < ROWS512; i++) _mm512_mask_storeu_ps(y + (o + i) * R + j, mask, acc[i]);
        }
        for (; o < OC; o++) {
            __m512 acc = _mm512_set1_ps(bias ? bias[o] : 0.0f);
            const float *wo = w + o * C, *xc = x + j;
            for (long c = 0; c < C; c++, xc += R)
                acc = _mm512_fmadd_ps(_mm512_set1_ps(wo[c]), _mm512_maskz_loadu_ps(mask, xc), acc);
            _mm512_mask_storeu_ps(y + o * R + j, mask, acc);
        }
    }
}

// 16 columns (two ymm) by 6 weight rows: 12 accumulators.
__attribute__((target("avx2,fma"))) static void linear_avx2(float *y, const float *x, const float *w,
                                                             const float *bias, long R, long C, long OC) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (long j = 0; j < R; j += 16) {
        const int n = R - j < 16 ? (int)(R - j) : 16;
        const __m256i mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lanes);
        const __m256i mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8), lanes);
        const bool full = n == 16;  // masked loads are slower on some CPUs
        long o = 0;
        for (; o + ROWS256 <= OC; o += ROWS256) {
            __m256 acc0[ROWS256], acc1[ROWS256];
            for (int i = 0; i < ROWS256; i++) acc0[i] = acc1[i] = _mm256_set1_ps(bias ? bias[o + i] : 0.0f);
            const float *wo = w + o * C, *xc = x + j;
            for (long c = 0; c < C; c++, xc += R) {
                if ((c & 15) == 0) {
#pragma clang loop unroll(full)
                    for (int i = 0; i < ROWS256; i++)
                        _mm_prefetch((const char *)(wo + i * C + c + WEIGHT_PREFETCH), _MM_HINT_T0);
                }
                const __m256 x0 = full ? _mm256_loadu_ps(xc) : _mm256_maskload_ps(xc, mask0);
                const __m256 x1 = full ? _mm256_loadu_ps(xc + 8) : _mm256_maskload_ps(xc + 8, mask1);
#pragma clang loop unroll(full)
                for (int i = 0; i < ROWS256; i++) {
                    const __m256 wv = _mm256_broadcast_ss(wo + i * C + c);
                    acc0[i] = _mm256_fmadd_ps(wv, x0, acc0[i]);
                    acc1[i] = _mm256_fmadd_ps(wv, x1, acc1[i]);
                }
            }
            for (int i = 0; i < ROWS256; i++) {
                _mm256_maskstore_ps(y + (o + i) * R + j, mask0, acc0[i]);
                _mm256_maskstore_ps(y + (o + i) * R + j + 8, mask1, acc1[i]);
            }
        }
        for (; o < OC; o++) {
            __m256 acc0 = _mm256_set1_ps(bias ? bias[o] : 0.0f), acc1 = acc0;
            const float *wo = w + o * C, *xc = x + j;
            for (long c = 0; c < C; c++, xc += R) {
                const __m256 wv = _mm256_broadcast_ss(wo + c);
                acc0 = _mm256_fmadd_ps(wv, _mm256_maskload_ps(xc, mask0), acc0);
                acc1 = _mm256_fmadd_ps(wv, _mm256_maskload_ps(xc + 8, mask1), acc1);
            }
            _mm256_maskstore_ps(y + o * R + j, mask0, acc0);
            _mm256_maskstore_ps(y + o * R + j + 8, mask1, acc1);
        }
    }
}

#endif

bool aepo_linear_fm_level(int level, float *outT, const float *inpT, const float *weight, const float *bias,
                          long R, long C, long OC) {
    if (level > aepo_kernels_level()) return false;
#if AEPO_X86
    switch (level) {
    case 2: linear_avx512(outT, inpT, weight, bias, R, C, OC); return true;
    case 1: linear_avx2(outT, inpT, weight, bias, R, C, OC); return true;
    default: break;
    }
#endif
    (void)outT; (void)inpT; (void)weight; (void)bias; (void)R; (void)C; (void)OC;
    return false;
}

bool aepo_linear_fm(float *outT, const float *inpT, const float *weight, const float *bias, long R, long C, long OC) {
    return aepo_linear_fm_level(aepo_kernels_level(), outT, inpT, weight, bias, R, C, OC);
}
