// The sampler's passes over a row of logits (declared in include/CKernels.h):
// the tempered softmax with the figures the RL code keeps, and the ids at or
// above a probability threshold. Over Qwen's 151,936 ids these were a
// sampled token's cost in Swift (SIMD8 without AVX or FMA: 0.2-0.6 ms).

#include "KernelSupport.h"

/// `p = softmax(logits * invT)`; stats = {max of logits * invT, sum of the
/// exponentials, sum of p * logits}. The tail of a row that is not a
/// multiple of 16 goes through one padded vector whose padding is not added.
AEPO_INLINE void softmax_row_body(float *p, const float *logits, long n, float invT, float *stats) {
    v16f top = splat16(-__builtin_inff());
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const v16f v = load16(logits + i) * invT;
        store16(p + i, v);
        top = __builtin_elementwise_max(top, v);
    }
    float maxValue = max16(top);
    for (long j = i; j < n; j++) {
        p[j] = logits[j] * invT;
        maxValue = p[j] > maxValue ? p[j] : maxValue;
    }
    v16f total = splat16(0), weighted = splat16(0);
    for (i = 0; i + 16 <= n; i += 16) {
        const v16f e = exp16(load16(p + i) - maxValue);
        store16(p + i, e);
        total += e;
        weighted += e * load16(logits + i);
    }
    float sum = sum16(total), dot = sum16(weighted);
    if (i < n) {
        float buffer[16];
        for (int k = 0; k < 16; k++) buffer[k] = i + k < n ? p[i + k] : maxValue;
        const v16f e = exp16(load16(buffer) - maxValue);
        for (long k = 0; i + k < n; k++) {
            p[i + k] = e[k];
            sum += e[k];
            dot += e[k] * logits[i + k];
        }
    }
    const float inv = 1.0f / sum;
    for (i = 0; i + 16 <= n; i += 16) store16(p + i, load16(p + i) * inv);
    for (; i < n; i++) p[i] *= inv;
    stats[0] = maxValue;
    stats[1] = sum;
    stats[2] = dot * inv;
}

AEPO_VARIANTS(softmax_row, (float *p, const float *logits, long n, float invT, float *stats),
              (p, logits, n, invT, stats))

void aepo_tempered_softmax(float *p, const float *logits, long n, float invT, float *stats) {
    if (n <= 0) {
        stats[0] = -__builtin_inff();
        stats[1] = 0;
        stats[2] = 0;
        return;
    }
    softmax_row(p, logits, n, invT, stats);
}

/// The portable pass (AVX2, baseline): 16 lanes of mass, as the AVX-512
/// pass keeps them (one float summed over 151,936 ids in order drifts by
/// 1e-4 of its total), and the ids of a block written one by one when any
/// of its 16 is kept, which in a sampled row few blocks are.
AEPO_INLINE void collect_lanes_body(long *count, const float *p, long n, float threshold, int32_t *ids, float *mass) {
    const v16f limit = splat16(threshold);
    v16f total = splat16(0);
    long kept = 0, j = 0;
    for (; j + 16 <= n; j += 16) {
        const v16f v = load16(p + j);
        const v16i hit = v >= limit;
        if (!__builtin_reduce_or(hit)) continue;
        total += (v16f)((v16i)v & hit);
        for (int k = 0; k < 16; k++)
            if (hit[k]) ids[kept++] = (int32_t)(j + k);
    }
    float sum = sum16(total);
    for (; j < n; j++) {
        if (p[j] >= threshold) {
            ids[kept++] = (int32_t)j;
            sum += p[j];
        }
    }
    *mass = sum;
    *count = kept;
}

AEPO_VARIANTS(collect_lanes, (long *count, const float *p, long n, float threshold, int32_t *ids, float *mass),
              (count, p, n, threshold, ids, mass))

#if AEPO_X86
/// 16 ids at a time, compressed in a register and stored whole (a
/// compress straight to memory is microcoded on Zen 4): before a block
/// of 16 at most as many ids as elements seen are kept, so the 16 stored
/// lanes stay within the n entries.
__attribute__((target("avx512f"))) static long collect_avx512(const float *p, long n, float threshold, int32_t *ids,
                                                               float *mass) {
    const __m512 limit = _mm512_set1_ps(threshold);
    __m512i index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i step = _mm512_set1_epi32(16);
    __m512 total = _mm512_setzero_ps();
    long count = 0, j = 0;
    for (; j + 16 <= n; j += 16) {
        const __m512 v = _mm512_loadu_ps(p + j);
        const __mmask16 kept = _mm512_cmp_ps_mask(v, limit, _CMP_GE_OQ);
        _mm512_storeu_si512((void *)(ids + count), _mm512_maskz_compress_epi32(kept, index));
        count += __builtin_popcount(kept);
        total = _mm512_mask_add_ps(total, kept, total, v);
        index = _mm512_add_epi32(index, step);
    }
    float sum = _mm512_reduce_add_ps(total);
    for (; j < n; j++) {
        if (p[j] >= threshold) {
            ids[count++] = (int32_t)j;
            sum += p[j];
        }
    }
    *mass = sum;
    return count;
}
#endif

long aepo_collect_at_least(const float *p, long n, float threshold, int32_t *ids, float *mass) {
#if AEPO_X86
    if (aepo_kernels_level() >= 2) return collect_avx512(p, n, threshold, ids, mass);
#endif
    long count = 0;
    collect_lanes(&count, p, n, threshold, ids, mass);
    return count;
}
