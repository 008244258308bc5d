// Attention of query rows to the cached keys and values of one K/V head
// (declared in include/CKernels.h), compiled per instruction set like the
// other kernels (see Kernels.c).

#include "KernelSupport.h"

// Rows of K and V are prefetched this many positions ahead: the cache of a
// whole batch (tens of MB) does not stay in the last-level cache between
// steps, so attention streams it from memory.
#ifndef AEPO_PREFETCH_ROWS
#define AEPO_PREFETCH_ROWS 8
#endif
enum { PREFETCH_ROWS = AEPO_PREFETCH_ROWS };

// The grouped kernel reads K and V as f32 or as bf16 (`bf16`, a constant
// after inlining), widened exactly to f32: the same chains either way.

/// 16 cached elements from element `i` as f32.
AEPO_INLINE v16f load_kv16(const void *base, long i, const int bf16) {
    return bf16 ? load_bf16x16((const uint16_t *)base + i) : load16((const float *)base + i);
}

/// One cached element as f32.
AEPO_INLINE float load_kv1(const void *base, long i, const int bf16) {
    return bf16 ? bf16_to_f32(((const uint16_t *)base)[i]) : ((const float *)base)[i];
}

/// Rows [row, row + rows) of hs cached elements as f32: in place for an
/// f32 cache, else widened into `buffer` once, so that the query heads
/// sharing them do not each widen them again.
AEPO_INLINE const float *kv_rows(const void *base, long row, long rows, long hs, float *buffer, const int bf16) {
    if (!bf16) return (const float *)base + row * hs;
    widen_bf16(buffer, (const uint16_t *)base + row * hs, rows * hs);
    return buffer;
}

/// The address of cached element `i`, for prefetches.
AEPO_INLINE const char *kv_address(const void *base, long i, const int bf16) {
    return (const char *)base + i * (bf16 ? 2 : 4);
}

/// softmax of `scores[0..<count]` in place (unnormalised); returns 1 / sum.
AEPO_INLINE float softmax_numerators(float *scores, long count) {
    v16f m = splat16(-__builtin_inff());
    long t = 0;
    for (; t + 16 <= count; t += 16) m = __builtin_elementwise_max(m, load16(scores + t));
    float maxValue = max16(m);
    for (; t < count; t++) maxValue = scores[t] > maxValue ? scores[t] : maxValue;
    v16f total = splat16(0);
    for (t = 0; t + 16 <= count; t += 16) {
        v16f e = exp16(load16(scores + t) - maxValue);
        store16(scores + t, e);
        total += e;
    }
    float sum = sum16(total);
    if (t < count) {
        float buffer[16];
        for (int i = 0; i < 16; i++) buffer[i] = t + i < count ? scores[t + i] : maxValue;
        v16f e = exp16(load16(buffer) - maxValue);
        for (long i = 0; t + i < count; i++) {
            scores[t + i] = e[i];
            sum += e[i];
        }
    }
    return 1.0f / sum;
}

/// hs = 16 * chunks (a compile-time constant after inlining): q and the
/// output accumulators stay in registers, K and V are read row by row.
AEPO_INLINE void attend_chunks(float *out, long outStride, const float *q, long qStride, const float *keys,
                               const float *values, long count, float scale, float *scores, const int chunks) {
    const long hs = 16L * chunks;
    float qs[256] __attribute__((aligned(64)));
    for (long i = 0; i < hs; i++) qs[i] = q[i * qStride] * scale;
    v16f qv[16], acc[16];
    for (int k = 0; k < chunks; k++) qv[k] = load16(qs + 16 * k);
    long t = 0;
    // 16 keys at a time: their dot products are summed across lanes
    // together (`sum16x16`), each exactly as `sum16` sums the single ones
    for (; t + 16 <= count; t += 16) {
        v16f s[16];
        // unrolled, so the 16 chains interleave and stay in registers
#pragma clang loop unroll(full)
        for (int u = 0; u < 16; u++) {
            const float *k = keys + (t + u) * hs;
            for (int c = 0; c < chunks; c++) {
                __builtin_prefetch(k + PREFETCH_ROWS * hs + 16 * c, 0, 3);
                __builtin_prefetch(values + (t + u) * hs + 16 * c, 0, 3);  // for the second pass
            }
            v16f d = qv[0] * load16(k);
            for (int c = 1; c < chunks; c++) d = qv[c] * load16(k + 16 * c) + d;
            s[sum16x16_lane(u)] = d;
        }
        sum16x16(s, scores + t);
    }
    for (; t < count; t++) {
        const float *k = keys + t * hs;
        for (int c = 0; c < chunks; c++) {
            __builtin_prefetch(k + PREFETCH_ROWS * hs + 16 * c, 0, 3);
            __builtin_prefetch(values + t * hs + 16 * c, 0, 3);
        }
        v16f s = qv[0] * load16(k);
        for (int c = 1; c < chunks; c++) s = qv[c] * load16(k + 16 * c) + s;
        scores[t] = sum16(s);
    }
    const float inv = softmax_numerators(scores, count);
    for (int c = 0; c < chunks; c++) acc[c] = splat16(0);
    for (long t = 0; t < count; t++) {
        const float *v = values + t * hs;
        const v16f p = splat16(scores[t]);
        for (int c = 0; c < chunks; c++) acc[c] = p * load16(v + 16 * c) + acc[c];
    }
    for (int c = 0; c < chunks; c++) {
        v16f a = acc[c] * inv;
        for (int i = 0; i < 16; i++) out[(16 * c + i) * outStride] = a[i];
    }
}

/// Any hs <= 256 (one row at a time, scalar tails).
AEPO_INLINE void attend_any(float *out, long outStride, const float *q, long qStride, const void *keys,
                            const void *values, long count, long hs, float scale, float *scores, const int bf16) {
    float qv[256] __attribute__((aligned(64)));
    float acc[256] __attribute__((aligned(64)));
    for (long i = 0; i < hs; i++) qv[i] = q[i * qStride] * scale;
    const long full = hs & ~15L;
    for (long t = 0; t < count; t++) {
        const long k = t * hs;
        v16f s = splat16(0);
        for (long i = 0; i < full; i += 16) s = load16(qv + i) * load_kv16(keys, k + i, bf16) + s;
        float dot = sum16(s);
        for (long i = full; i < hs; i++) dot += qv[i] * load_kv1(keys, k + i, bf16);
        scores[t] = dot;
    }
    const float inv = softmax_numerators(scores, count);
    for (long i = 0; i < hs; i++) acc[i] = 0;
    for (long t = 0; t < count; t++) {
        const float p = scores[t];
        for (long i = 0; i < hs; i++) acc[i] += p * load_kv1(values, t * hs + i, bf16);
    }
    for (long i = 0; i < hs; i++) out[i * outStride] = acc[i] * inv;
}

AEPO_INLINE void attend_body(float *out, long outStride, const float *q, long qStride, const float *keys,
                             const float *values, long count, long hs, float scale, float *scores) {
    switch (hs) {
    case 16: attend_chunks(out, outStride, q, qStride, keys, values, count, scale, scores, 1); break;
    case 32: attend_chunks(out, outStride, q, qStride, keys, values, count, scale, scores, 2); break;
    case 64: attend_chunks(out, outStride, q, qStride, keys, values, count, scale, scores, 4); break;
    case 128: attend_chunks(out, outStride, q, qStride, keys, values, count, scale, scores, 8); break;
    default: attend_any(out, outStride, q, qStride, keys, values, count, hs, scale, scores, 0); break;
    }
}

AEPO_VARIANTS(attend,
              (float *out, long outStride, const float *q, long qStride, const float *keys, const float *values,
               long count, long hs, float scale, float *scores),
              (out, outStride, q, qStride, keys, values, count, hs, scale, scores))

void aepo_attend_row(float *out, long outStride, const float *q, long qStride, const float *keys,
                     const float *values, long count, long hs, float scale, float *scratch) {
    attend(out, outStride, q, qStride, keys, values, count, hs, scale, scratch);
}

// MARK: - Grouped-query attention (several query heads, one K/V head)

/// Up to this many heads share each pass over K and V.
enum { GROUP_PASS = 8 };

/// `heads` query heads (rows of `q`, hs = 16 * chunks) attending to the same
/// K and V, each with exactly the operations of `attend_chunks`: scores by
/// blocks of 16 positions (`sum16x16`) and single ones, the same softmax,
/// then every head's output chain over the positions in order. The heads
/// take turns on each block of 16 positions while it is in L1, so K and V
/// come from L2 or memory once per pass instead of once per head.
AEPO_INLINE void attend_group_chunks(float *out, const float *q, long heads, const void *keys, const void *values,
                                     long count, float scale, float *scores, const int chunks, const int bf16) {
    const long hs = 16L * chunks;
    float qs[GROUP_PASS * 256] __attribute__((aligned(64)));
    float accs[GROUP_PASS * 256] __attribute__((aligned(64)));
    float wide[16 * 128] __attribute__((aligned(64)));  // a block of bf16 rows widened (hs <= 128 here)
    float inv[GROUP_PASS];
    for (long h0 = 0; h0 < heads; h0 += GROUP_PASS) {
        const long hb = heads - h0 < GROUP_PASS ? heads - h0 : GROUP_PASS;
        for (long i = 0; i < hb * hs; i++) qs[i] = q[h0 * hs + i] * scale;
        long t = 0;
        for (; t + 16 <= count; t += 16) {
            for (int c = 0; c < chunks; c++) {
                __builtin_prefetch(kv_address(keys, (t + 16) * hs + 16 * c, bf16), 0, 3);
                __builtin_prefetch(kv_address(values, t * hs + 16 * c, bf16), 0, 3);
            }
            const float *block = kv_rows(keys, t, 16, hs, wide, bf16);
            for (long g = 0; g < hb; g++) {
                v16f qv[16], s[16];
                for (int c = 0; c < chunks; c++) qv[c] = load16(qs + g * hs + 16 * c);
#pragma clang loop unroll(full)
                for (int u = 0; u < 16; u++) {
                    const float *k = block + u * hs;
                    v16f d = qv[0] * load16(k);
                    for (int c = 1; c < chunks; c++) d = qv[c] * load16(k + 16 * c) + d;
                    s[sum16x16_lane(u)] = d;
                }
                sum16x16(s, scores + g * count + t);
            }
        }
        const float *tail = kv_rows(keys, t, count - t, hs, wide, bf16);
        for (long u = 0; t + u < count; u++) {
            const float *k = tail + u * hs;
            for (long g = 0; g < hb; g++) {
                v16f s = load16(qs + g * hs) * load16(k);
                for (int c = 1; c < chunks; c++) s = load16(qs + g * hs + 16 * c) * load16(k + 16 * c) + s;
                scores[g * count + t + u] = sum16(s);
            }
        }
        for (long g = 0; g < hb; g++) inv[g] = softmax_numerators(scores + g * count, count);
        for (long i = 0; i < hb * hs; i++) accs[i] = 0;
        for (t = 0; t < count; t += 16) {
            const long n = count - t < 16 ? count - t : 16;
            for (int c = 0; c < chunks; c++) __builtin_prefetch(kv_address(values, (t + 16) * hs + 16 * c, bf16), 0, 3);
            const float *block = kv_rows(values, t, n, hs, wide, bf16);
            for (long g = 0; g < hb; g++) {
                v16f acc[16];
                for (int c = 0; c < chunks; c++) acc[c] = load16(accs + g * hs + 16 * c);
                const float *p = scores + g * count + t;
                for (long u = 0; u < n; u++) {
                    const v16f pu = splat16(p[u]);
                    for (int c = 0; c < chunks; c++) acc[c] = pu * load16(block + u * hs + 16 * c) + acc[c];
                }
                for (int c = 0; c < chunks; c++) store16(accs + g * hs + 16 * c, acc[c]);
            }
        }
        for (long g = 0; g < hb; g++) {
            for (int c = 0; c < chunks; c++) store16(out + (h0 + g) * hs + 16 * c, load16(accs + g * hs + 16 * c) * inv[g]);
        }
    }
}

AEPO_INLINE void attend_group_body(float *out, const float *q, long heads, const void *keys, const void *values,
                                   long count, long hs, float scale, float *scores, const int bf16) {
    switch (hs) {
    case 16: attend_group_chunks(out, q, heads, keys, values, count, scale, scores, 1, bf16); break;
    case 32: attend_group_chunks(out, q, heads, keys, values, count, scale, scores, 2, bf16); break;
    case 64: attend_group_chunks(out, q, heads, keys, values, count, scale, scores, 4, bf16); break;
    case 128: attend_group_chunks(out, q, heads, keys, values, count, scale, scores, 8, bf16); break;
    default:
        for (long g = 0; g < heads; g++)
            attend_any(out + g * hs, 1, q + g * hs, 1, keys, values, count, hs, scale, scores, bf16);
        break;
    }
}

AEPO_INLINE void attend_group_f32_body(float *out, const float *q, long heads, const float *keys, const float *values,
                                       long count, long hs, float scale, float *scores) {
    attend_group_body(out, q, heads, keys, values, count, hs, scale, scores, 0);
}

AEPO_INLINE void attend_group_bf16_body(float *out, const float *q, long heads, const uint16_t *keys,
                                        const uint16_t *values, long count, long hs, float scale, float *scores) {
    attend_group_body(out, q, heads, keys, values, count, hs, scale, scores, 1);
}

AEPO_VARIANTS(attend_group_f32,
              (float *out, const float *q, long heads, const float *keys, const float *values, long count, long hs,
               float scale, float *scores),
              (out, q, heads, keys, values, count, hs, scale, scores))

AEPO_VARIANTS(attend_group_bf16,
              (float *out, const float *q, long heads, const uint16_t *keys, const uint16_t *values, long count,
               long hs, float scale, float *scores),
              (out, q, heads, keys, values, count, hs, scale, scores))

void aepo_attend_group(float *out, const float *q, long heads, const float *keys, const float *values, long count,
                       long hs, float scale, float *scratch) {
    attend_group_f32(out, q, heads, keys, values, count, hs, scale, scratch);
}

void aepo_attend_group_bf16(float *out, const float *q, long heads, const uint16_t *keys, const uint16_t *values,
                            long count, long hs, float scale, float *scratch) {
    attend_group_bf16(out, q, heads, keys, values, count, hs, scale, scratch);
}
