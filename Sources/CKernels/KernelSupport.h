// Shared by the kernel files (not part of the public header): the x86
// detection, the clang vector helpers and the per-instruction-set dispatch.
#ifndef AEPO_KERNEL_SUPPORT_H
#define AEPO_KERNEL_SUPPORT_H

#include "CKernels.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// The v16f helpers below are always inlined, so no vector crosses a call
// boundary and the "changes the ABI" warning does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

#if defined(__x86_64__) || defined(_M_X64)
#define AEPO_X86 1
#include <immintrin.h>
#else
#define AEPO_X86 0
#endif

// MARK: - Portable vector helpers (clang vector extensions)

typedef float v16f __attribute__((ext_vector_type(16)));
typedef int32_t v16i __attribute__((ext_vector_type(16)));

#define AEPO_INLINE static inline __attribute__((always_inline))

AEPO_INLINE v16f load16(const float *p) {
    v16f v;
    memcpy(&v, p, sizeof v);
    return v;
}

AEPO_INLINE void store16(float *p, v16f v) { memcpy(p, &v, sizeof v); }

typedef uint16_t v16u16 __attribute__((ext_vector_type(16)));
typedef uint32_t v16u32 __attribute__((ext_vector_type(16)));

/// A bf16 as f32, exactly (bf16 is the upper half of an f32).
AEPO_INLINE float bf16_to_f32(uint16_t h) {
    const uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/// Weight `i` of a bf16 / f16 / f32 tensor (`type`, AEPO_WEIGHT_*) as f32.
AEPO_INLINE float load_weight1(const void *w, long i, const int type) {
    if (type == AEPO_WEIGHT_BF16) return bf16_to_f32(((const uint16_t *)w)[i]);
    if (type == AEPO_WEIGHT_F16) {
        _Float16 h;
        memcpy(&h, (const uint16_t *)w + i, sizeof h);
        return (float)h;
    }
    float f;
    memcpy(&f, (const float *)w + i, sizeof f);
    return f;
}

/// 16 bf16 from `p` as f32, exactly.
AEPO_INLINE v16f load_bf16x16(const uint16_t *p) {
    v16u16 h;
    memcpy(&h, p, sizeof h);
    return (v16f)(__builtin_convertvector(h, v16u32) << 16);
}

/// `out[i]` = `x[i]` widened to f32 for i < n (16 at a time, then one by one).
AEPO_INLINE void widen_bf16(float *out, const uint16_t *x, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) store16(out + i, load_bf16x16(x + i));
    for (; i < n; i++) out[i] = bf16_to_f32(x[i]);
}

AEPO_INLINE v16f splat16(float x) { return (v16f)x; }

AEPO_INLINE float sum16(v16f v) {
    v16f a = v + __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    a = a + __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3);
    a = a + __builtin_shufflevector(a, a, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1);
    a = a + __builtin_shufflevector(a, a, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0);
    return a[0];
}

/// `sum16` of 16 vectors at once, by the same halves, so each sum is the
/// one `sum16` gives: `sums[4q + e]` is the sum of `a[4e + q]` (a 4x4
/// transpose of the index). 15 pairs of shuffles and 15 adds for 16 sums.
AEPO_INLINE void sum16x16(const v16f *a, float *sums) {
    v16f b[8], c[4], d[2];
    for (int k = 0; k < 8; k++) {
        const v16f u = a[2 * k], v = a[2 * k + 1];
        b[k] = __builtin_shufflevector(u, v, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
               __builtin_shufflevector(u, v, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    }
    for (int k = 0; k < 4; k++) {
        const v16f u = b[2 * k], v = b[2 * k + 1];
        c[k] = __builtin_shufflevector(u, v, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) +
               __builtin_shufflevector(u, v, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    }
    for (int k = 0; k < 2; k++) {
        const v16f u = c[2 * k], v = c[2 * k + 1];
        d[k] = __builtin_shufflevector(u, v, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29) +
               __builtin_shufflevector(u, v, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
    }
    store16(sums, __builtin_shufflevector(d[0], d[1], 0, 2, 16, 18, 4, 6, 20, 22, 8, 10, 24, 26, 12, 14, 28, 30) +
                      __builtin_shufflevector(d[0], d[1], 1, 3, 17, 19, 5, 7, 21, 23, 9, 11, 25, 27, 13, 15, 29, 31));
}

/// Where `sum16x16` leaves the sum of vector k: at 4 (k % 4) + k / 4
/// (the transpose is its own inverse).
AEPO_INLINE int sum16x16_lane(int k) { return 4 * (k & 3) + (k >> 2); }

AEPO_INLINE float max16(v16f v) {
    v16f a = __builtin_elementwise_max(v, __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    a = __builtin_elementwise_max(a, __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
    a = __builtin_elementwise_max(a, __builtin_shufflevector(a, a, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
    a = __builtin_elementwise_max(a, __builtin_shufflevector(a, a, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
    return a[0];
}

/// e^x, the Cephes expf polynomial of `FastMath.exp` (inputs clamped to [-87, 88]).
AEPO_INLINE v16f exp16(v16f x) {
    x = __builtin_elementwise_max(x, splat16(-87.0f));
    x = __builtin_elementwise_min(x, splat16(88.0f));
    const v16f magic = splat16(12582912.0f);  // 1.5 * 2^23: rounds to nearest
    v16f shifted = x * 1.44269504f + magic;
    v16f n = shifted - magic;
    v16f r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    v16f p = splat16(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    v16f y = p * r * r + r + 1.0f;
    v16i ni = (v16i)shifted - (v16i)magic;
    return y * (v16f)((ni + 127) << 23);
}

/// tanh(x) = sign(x) (1 - e) / (1 + e), e = e^(-2|x|), as `FastMath.tanh`.
AEPO_INLINE v16f tanh16(v16f x) {
    v16i bits = (v16i)x;
    v16f magnitude = (v16f)(bits & 0x7fffffff);
    v16f e = exp16(-2.0f * magnitude);
    v16f y = (1.0f - e) / (1.0f + e);
    return (v16f)((v16i)y | (bits & (int32_t)0x80000000));
}

AEPO_INLINE v16f gelu16(v16f x) {
    const float scale = 0.7978845608028654f, cubic = 0.044715f;
    return 0.5f * x * (1.0f + tanh16(scale * (x + cubic * x * x * x)));
}

#if AEPO_X86
/// `aepo_linear_rows` on AVX2 + FMA (HFRowsAVX2.c): the same bits as the
/// portable kernel compiled with FMA.
void aepo_linear_rows_avx2(float *y, long ldy, const float *x, long ldx, long R, long C, const void *w, int type,
                           const float *bias, long o0, long o1);
#endif

// Instantiates `body` (an always-inline function) for each instruction set.
// The AVX2 variant may use F16C too: level 1 requires it (see Kernels.c).
#if AEPO_X86
#define AEPO_VARIANTS(name, params, args)                                                         \
    __attribute__((target("avx512f"))) static void name##_avx512 params { name##_body args; }    \
    __attribute__((target("avx2,fma,f16c"))) static void name##_avx2 params { name##_body args; } \
    static void name##_generic params { name##_body args; }                                       \
    static void name params {                                                                     \
        switch (aepo_kernels_level()) {                                                           \
        case 2: name##_avx512 args; break;                                                        \
        case 1: name##_avx2 args; break;                                                          \
        default: name##_generic args; break;                                                      \
        }                                                                                         \
    }
#else
#define AEPO_VARIANTS(name, params, args) \
    static void name params { name##_body args; }
#endif

#endif
