// Linear layers with bf16 products (declared in include/CKernels.h): the
// activations rounded to bf16 once per product, then `vdpbf16ps` (AVX512
// BF16) multiplies pairs of bf16 and accumulates in f32, twice the
// multiply-adds per instruction of an f32 FMA and no weight conversion.
// This is how PyTorch runs a bf16 model on such a CPU; it is an option of
// the engine (activations "bf16"), the f32 kernels stay the default.

#include "KernelSupport.h"

#include <stdatomic.h>

int aepo_bf16_products_available(void) {
#if AEPO_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw") ? 1 : 0;
#else
    return 0;
#endif
}

/// f32 to bf16, rounding to nearest even (NaN kept a NaN).
static inline uint16_t to_bf16(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    if ((bits & 0x7fffffff) > 0x7f800000) return (uint16_t)((bits >> 16) | 0x40);
    bits += 0x7fff + ((bits >> 16) & 1);
    return (uint16_t)(bits >> 16);
}

#if AEPO_X86
#define AEPO_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512bf16")))

/// `to_bf16` on 16 values at a time, in integer arithmetic so that
/// subnormals round as the scalar code rounds them (`vcvtneps2bf16`
/// would flush them to zero).
AEPO_BF16_TARGET static void round_to_bf16_avx512(uint16_t *out, const float *x, long n) {
    const __m512i magnitude = _mm512_set1_epi32(0x7fffffff), infinity = _mm512_set1_epi32(0x7f800000);
    const __m512i half = _mm512_set1_epi32(0x7fff), one = _mm512_set1_epi32(1), quiet = _mm512_set1_epi32(0x40);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i bits = _mm512_loadu_si512((const void *)(x + i));
        const __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(bits, magnitude), infinity);
        const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), one);
        __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(bits, _mm512_add_epi32(half, odd)), 16);
        rounded = _mm512_mask_or_epi32(rounded, nan, _mm512_srli_epi32(bits, 16), quiet);
        _mm256_storeu_si256((__m256i *)(out + i), _mm512_cvtepi32_epi16(rounded));
    }
    for (; i < n; i++) out[i] = to_bf16(x[i]);
}
#endif

void aepo_round_to_bf16(uint16_t *out, const float *x, long n) {
#if AEPO_X86
    if (aepo_bf16_products_available()) {
        round_to_bf16_avx512(out, x, n);
        return;
    }
#endif
    for (long i = 0; i < n; i++) out[i] = to_bf16(x[i]);
}

void aepo_widen_bf16(float *out, const uint16_t *x, long n) { widen_bf16(out, x, n); }

#if AEPO_X86

// One chain per (output, row) whatever the block: lane j of an accumulator
// sums the pairs 16s + j over the 32-input steps s, then the 16 lanes are
// added by halves (8, 4, 2, 1 apart) and the C % 32 trailing inputs follow
// one by one. So a row's result never depends on the block, batch, input
// chunking or thread that computed it.

/// The weight lines fetched into L2 while a block computes: the next OB
/// weight rows of the range, or past its end `after` (the first rows of
/// the item the thread runs next), or nothing.
typedef struct {
    const char *lines;
    long count;
} bf16_prefetch;

AEPO_INLINE bf16_prefetch bf16_next(const uint16_t *w, long C, long o, long o1, int OB, const uint16_t *after) {
    if (o + 2 * OB <= o1) return (bf16_prefetch){(const char *)(w + (o + OB) * C), OB * C * 2 / 64};
    if (after) return (bf16_prefetch){(const char *)after, OB * C * 2 / 64};
    return (bf16_prefetch){NULL, 0};
}

/// Lines [count * part / parts, count * (part + 1) / parts) of `next`,
/// a few per 32-input step over `steps` steps.
typedef struct {
    const char *base;
    long line, end, perStep;
} bf16_fetcher;

AEPO_INLINE bf16_fetcher bf16_fetch_share(bf16_prefetch next, long part, long parts, long steps) {
    bf16_fetcher f = {next.lines, 0, 0, 0};
    if (!next.lines || parts <= 0) return f;
    f.line = next.count * part / parts;
    f.end = next.count * (part + 1) / parts;
    f.perStep = (f.end - f.line + steps - 1) / (steps > 0 ? steps : 1);
    return f;
}

AEPO_INLINE void bf16_fetch_step(bf16_fetcher *f) {
    for (long k = 0; k < f->perStep && f->line < f->end; k++, f->line++) __builtin_prefetch(f->base + f->line * 64, 0, 2);
}

/// Adds the 32-input steps [c0, c1) of OB weight rows by RB activation
/// rows to `acc`: the pair (row r, output i) accumulates in the vector that
/// `sum16x16` sums into lane r * OB + i. Input c of weight row i is
/// `rows[i * ldw + c - first]` (the mapped rows, or a copy of inputs from
/// `first` on). With `keep`, the weight inputs are also stored there, on
/// cache lines, input c of row i at `keep[i * ldk + c - c0]`.
AEPO_BF16_TARGET static inline __attribute__((always_inline)) void
bf16_steps(__m512 *acc, const uint16_t *x, long ldx, const uint16_t *weights, long ldw, long first, long c0, long c1,
           const int OB, const int RB, bf16_fetcher *fetch, uint16_t *keep, long ldk) {
    const long shift = (long)((uintptr_t)(weights + (c0 - first)) & 63) / 2;
    if (shift != 0 && (ldw * 2) % 64 == 0 && c0 + 32 <= c1) {
        // The rows start off a cache line (a tensor starts where the
        // shard's header ends, 8-byte aligned), and a 32-input load would
        // straddle two lines: each line is loaded once, aligned, and the
        // inputs put together from two of them (7-15% of a batch-16 step;
        // the permutes still cost a tenth, hence `keep` for the other row
        // blocks).
        const __m512i pick = _mm512_add_epi16(
            _mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7,
                             6, 5, 4, 3, 2, 1, 0),
            _mm512_set1_epi16((short)shift));
        __m512i line[8];
        for (int i = 0; i < OB; i++) line[i] = _mm512_load_si512((const void *)(weights + i * ldw + (c0 - first - shift)));
        for (long c = c0; c + 32 <= c1; c += 32) {
            bf16_fetch_step(fetch);
            __m512bh xv[16];
            for (int r = 0; r < RB; r++) xv[r] = (__m512bh)_mm512_loadu_si512((const void *)(x + r * ldx + c));
            for (int i = 0; i < OB; i++) {
                const __m512i following = _mm512_load_si512((const void *)(weights + i * ldw + (c + 32 - first - shift)));
                const __m512bh wv = (__m512bh)_mm512_permutex2var_epi16(line[i], pick, following);
                line[i] = following;
                if (keep) _mm512_store_si512((void *)(keep + i * ldk + (c - c0)), (__m512i)wv);
                for (int r = 0; r < RB; r++) {
                    const int slot = sum16x16_lane(r * OB + i);
                    acc[slot] = _mm512_dpbf16_ps(acc[slot], wv, xv[r]);
                }
            }
        }
        return;
    }
    for (long c = c0; c + 32 <= c1; c += 32) {
        bf16_fetch_step(fetch);
        __m512bh xv[16];
        for (int r = 0; r < RB; r++) xv[r] = (__m512bh)_mm512_loadu_si512((const void *)(x + r * ldx + c));
        for (int i = 0; i < OB; i++) {
            const __m512bh wv = (__m512bh)_mm512_loadu_si512((const void *)(weights + i * ldw + (c - first)));
            if (keep) _mm512_store_si512((void *)(keep + i * ldk + (c - c0)), (__m512i)wv);
            for (int r = 0; r < RB; r++) {
                const int slot = sum16x16_lane(r * OB + i);
                acc[slot] = _mm512_dpbf16_ps(acc[slot], wv, xv[r]);
            }
        }
    }
}

/// Sums the lanes of `acc`, adds the trailing C % 32 inputs one by one and
/// the bias, and stores the OB x RB outputs.
AEPO_BF16_TARGET static inline __attribute__((always_inline)) void
bf16_finish(const __m512 *acc, float *y, long ldy, const uint16_t *x, long ldx, long C, const uint16_t *w,
            const float *bias, long o, const int OB, const int RB) {
    v16f lanes[16];
    memcpy(lanes, acc, sizeof lanes);
    float sums[16];
    sum16x16(lanes, sums);
    const long tail = C / 32 * 32;
    for (int r = 0; r < RB; r++) {
        for (int i = 0; i < OB; i++) {
            float s = sums[r * OB + i];
            for (long t = tail; t < C; t++) s = __builtin_fmaf(bf16_to_f32(w[(o + i) * C + t]), bf16_to_f32(x[r * ldx + t]), s);
            y[r * ldy + o + i] = bias ? s + bias[o + i] : s;
        }
    }
}

/// OB weight rows (from o; read from `rows`, stride ldw) by RB activation
/// rows, OB * RB <= 16, over all inputs, the rows' whole inputs stored in
/// `keep` (stride ldk) if it is not NULL. Part `part` of `parts` of `next`
/// is fetched into L2 a few lines per step: at small batches the products
/// wait on memory, not on the multiplies, and the row blocks of a weight
/// block share its fetch.
AEPO_BF16_TARGET static inline __attribute__((always_inline)) void
bf16_block(float *y, long ldy, const uint16_t *x, long ldx, long C, const uint16_t *w, const float *bias, long o,
           const uint16_t *rows, long ldw, const int OB, const int RB, bf16_prefetch next, long part, long parts,
           uint16_t *keep, long ldk) {
    __m512 acc[16];
    for (int k = 0; k < 16; k++) acc[k] = _mm512_setzero_ps();
    bf16_fetcher fetch = bf16_fetch_share(next, part, parts, C / 32);
    bf16_steps(acc, x, ldx, rows, ldw, 0, 0, C, OB, RB, &fetch, keep, ldk);
    bf16_finish(acc, y, ldy, x, ldx, C, w, bias, o, OB, RB);
}

/// Whether the row blocks of a weight block from `rows` should read a copy
/// on cache lines that the first of them keeps: its rows start off a line,
/// so every load is put together from two lines (vpermt2w), and more than
/// one row block would do it (a tenth of a batch-16 step otherwise).
AEPO_INLINE int bf16_keeping(const uint16_t *rows, long blocks) { return blocks >= 2 && ((uintptr_t)rows & 63) != 0; }

/// Inputs per chunk of `bf16_chunked_block` for a few row blocks (a
/// decoding batch): 4 weight rows and 16 activation rows of a chunk take
/// 4 + 16 KiB, both in L1.
#define AEPO_BF16_INPUT_CHUNK 512L

/// Inputs per chunk from `AEPO_BF16_LONG_CHUNK_BLOCKS` row blocks (a
/// prefill): each row block reloads and stores its 16 accumulators once a
/// chunk, which at 16 row blocks of 512 inputs cost the down projection of
/// a 512-token prefill 8% of its throughput (0.77 of the peak against
/// 0.83-0.84 with 1536, at 4864 inputs on 2 threads); at batch 16 the
/// short chunk stays ahead.
#define AEPO_BF16_LONG_CHUNK 1536L
#define AEPO_BF16_LONG_CHUNK_BLOCKS 8

/// Rows from this many inputs go through `bf16_chunked_block`: 4 weight
/// rows of a whole row no longer fit in L1 beside the activations.
#define AEPO_BF16_CHUNKED_INPUTS 1536L

/// 4 weight rows (from o) by `blocks` blocks of 4 activation rows, the
/// inputs in chunks (`AEPO_BF16_INPUT_CHUNK`, or `AEPO_BF16_LONG_CHUNK` from
/// `AEPO_BF16_LONG_CHUNK_BLOCKS` row blocks): each chunk of the weight rows
/// is read from memory once and then from L1 by every row block (whole
/// rows of C >= 1536 inputs would be read from L2 by each), the
/// accumulators kept on the stack between chunks. The steps of each
/// (row, output) chain are those of `bf16_block`, in the same order.
/// Weight rows off a cache line are kept on lines by the first row block
/// of each chunk for the others.
AEPO_BF16_TARGET static void bf16_chunked_block(float *y, long ldy, const uint16_t *x, long ldx, long C,
                                                const uint16_t *w, const float *bias, long o, long blocks,
                                                bf16_prefetch next) {
    __m512 saved[16][16];
    _Alignas(64) uint16_t kept[4 * AEPO_BF16_LONG_CHUNK];
    const uint16_t *mapped = w + o * C;
    const int keeping = bf16_keeping(mapped, blocks);
    for (long b = 0; b < blocks; b++)
        for (int k = 0; k < 16; k++) saved[b][k] = _mm512_setzero_ps();
    const long span = blocks >= AEPO_BF16_LONG_CHUNK_BLOCKS ? AEPO_BF16_LONG_CHUNK : AEPO_BF16_INPUT_CHUNK;
    const long whole = C / 32 * 32, chunks = (whole + span - 1) / span;
    for (long chunk = 0; chunk < chunks; chunk++) {
        const long c0 = chunk * span;
        const long c1 = c0 + span < whole ? c0 + span : whole;
        for (long b = 0; b < blocks; b++) {
            bf16_fetcher fetch = bf16_fetch_share(next, chunk * blocks + b, chunks * blocks, (c1 - c0) / 32);
            __m512 acc[16];
            for (int k = 0; k < 16; k++) acc[k] = saved[b][k];
            if (keeping && b == 0)
                bf16_steps(acc, x, ldx, mapped, C, 0, c0, c1, 4, 4, &fetch, kept, span);
            else if (keeping)
                bf16_steps(acc, x + 4 * b * ldx, ldx, kept, span, c0, c0, c1, 4, 4, &fetch, NULL, 0);
            else
                bf16_steps(acc, x + 4 * b * ldx, ldx, mapped, C, 0, c0, c1, 4, 4, &fetch, NULL, 0);
            for (int k = 0; k < 16; k++) saved[b][k] = acc[k];
        }
    }
    for (long b = 0; b < blocks; b++) bf16_finish(saved[b], y + 4 * b * ldy, ldy, x + 4 * b * ldx, ldx, C, w, bias, o, 4, 4);
}

/// Outputs [o0, o1) of every row; `after` (may be NULL) is fetched while
/// the last block computes.
AEPO_BF16_TARGET static void bf16_rows(float *y, long ldy, const uint16_t *x, long ldx, long R, long C,
                                       const uint16_t *w, const float *bias, long o0, long o1, const uint16_t *after) {
    // Rows in chunks whose bf16 activations stay in L2 while every block
    // of weight rows passes over them (16 blocks of 4 at most).
    const long chunk = 64;
    for (long r0 = 0; r0 < R; r0 += chunk) {
        const long r1 = R - r0 < chunk ? R : r0 + chunk;
        const uint16_t *then = r1 == R ? after : w + o0 * C;
        long o = o0;
        if (R == 1) {
            // one row: 8 weight streams in flight keep more loads outstanding
            for (; o + 8 <= o1; o += 8)
                bf16_block(y, ldy, x, ldx, C, w, bias, o, w + o * C, C, 8, 1, bf16_next(w, C, o, o1, 8, then), 0, 1, NULL, 0);
        }
        // the blocks of 4 rows share the prefetch of the next weight block
        // (at batch 16, 23% more throughput than the first block alone)
        const long blocks = (r1 - r0) / 4;
        _Alignas(64) uint16_t kept[4 * AEPO_BF16_CHUNKED_INPUTS];
        const long ldk = (C + 31) / 32 * 32;
        for (; o + 4 <= o1; o += 4) {
            const bf16_prefetch next = bf16_next(w, C, o, o1, 4, then);
            long r = r0;
            if (C >= AEPO_BF16_CHUNKED_INPUTS && blocks > 0) {
                bf16_chunked_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, bias, o, blocks, next);
                r += 4 * blocks;
            }
            const uint16_t *rows = w + o * C;
            long ldw = C;
            if (r == r0) {
                // Every other weight block takes the row blocks backwards.
                // 16 activation rows of 896 inputs (28 KiB) and the weight
                // rows overflow L1, and under LRU the same cyclic order each
                // block misses L1 on every activation line; back and forth,
                // the rows just used are hit (a streamed batch-16 product on
                // one thread went from 0.74 to 0.84 of the peak).
                const int backwards = ((o - o0) / 4) & 1, keeping = bf16_keeping(rows, blocks);
                for (long k = 0; k < blocks; k++) {
                    const long rb = r0 + 4 * (backwards ? blocks - 1 - k : k);
                    if (keeping && k == 0) {
                        bf16_block(y + rb * ldy, ldy, x + rb * ldx, ldx, C, w, bias, o, rows, ldw, 4, 4, next, k, blocks, kept, ldk);
                        rows = kept;
                        ldw = ldk;
                    } else {
                        bf16_block(y + rb * ldy, ldy, x + rb * ldx, ldx, C, w, bias, o, rows, ldw, 4, 4, next, k, blocks, NULL, 0);
                    }
                }
                r += 4 * blocks;
            }
            for (; r < r1; r++)
                // fewer than 4 rows: the first one fetches the next block alone
                bf16_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, bias, o, rows, ldw, 4, 1, next, 0,
                           r == r0 && blocks == 0 ? 1 : 0, NULL, 0);
        }
        const bf16_prefetch none = {NULL, 0};
        for (; o < o1; o++) {
            long r = r0;
            for (; r + 4 <= r1; r += 4)
                bf16_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, bias, o, w + o * C, C, 1, 4, none, 0, 0, NULL, 0);
            for (; r < r1; r++) bf16_block(y + r * ldy, ldy, x + r * ldx, ldx, C, w, bias, o, w + o * C, C, 1, 1, none, 0, 0, NULL, 0);
        }
    }
}

/// The state of one `aepo_linear_bf16_items` call, shared by its threads.
struct bf16_run {
    const aepo_bf16_item *items;
    long count;
    const uint16_t *x;
    long ldx, R, C;
    _Atomic long next;
};

/// Claims items until none is left, each one ahead of the one it runs, so
/// that the first weight rows of the next item are fetched while the last
/// block of this one computes.
AEPO_BF16_TARGET static void bf16_run_items(void *context, long slot, long thread) {
    (void)slot;
    (void)thread;
    struct bf16_run *run = context;
    long i = atomic_fetch_add_explicit(&run->next, 1, memory_order_relaxed);
    while (i < run->count) {
        const long j = atomic_fetch_add_explicit(&run->next, 1, memory_order_relaxed);
        const aepo_bf16_item *item = &run->items[i];
        const uint16_t *after = j < run->count ? run->items[j].w + run->items[j].o0 * run->C : NULL;
        bf16_rows(item->y, item->ldy, run->x, run->ldx, run->R, run->C, item->w, item->bias, item->o0, item->o1, after);
        i = j;
    }
}
#endif

int aepo_linear_rows_bf16(float *y, long ldy, const uint16_t *x, long ldx, long R, long C, const uint16_t *w,
                          const float *bias, long o0, long o1) {
    if (R <= 0 || o1 <= o0) return 1;
#if AEPO_X86
    if (!aepo_bf16_products_available()) return 0;
    bf16_rows(y, ldy, x, ldx, R, C, w, bias, o0, o1, NULL);
    return 1;
#else
    return 0;
#endif
}

int aepo_linear_bf16_items(aepo_pool *pool, const aepo_bf16_item *items, long count, const uint16_t *x, long ldx,
                           long R, long C) {
    if (R <= 0 || count <= 0) return 1;
#if AEPO_X86
    if (!aepo_bf16_products_available()) return 0;
    struct bf16_run run = {items, count, x, ldx, R, C, 0};
    aepo_pool_run(pool, aepo_pool_threads(pool), bf16_run_items, &run);
    return 1;
#else
    (void)pool;
    (void)items;
    (void)x;
    (void)ldx;
    (void)C;
    return 0;
#endif
}

// MARK: - Peak probe

#if AEPO_X86
/// 24 independent accumulators, so the loop runs at the instruction's
/// throughput rather than its latency.
AEPO_BF16_TARGET static float bf16_peak_loop(long iterations) {
    __m512 acc[24];
    for (int k = 0; k < 24; k++) acc[k] = _mm512_setzero_ps();
    __m512bh a = (__m512bh)_mm512_set1_epi32(0x3c003c00), b = (__m512bh)_mm512_set1_epi32(0x3c003c00);
    for (long i = 0; i < iterations; i++) {
        for (int k = 0; k < 24; k++) acc[k] = _mm512_dpbf16_ps(acc[k], a, b);
        __asm__ volatile("" : "+v"(a));
    }
    float sum = 0;
    for (int k = 0; k < 24; k++) sum += _mm512_reduce_add_ps(acc[k]);
    return sum;
}

__attribute__((target("avx512f"))) static float f32_peak_loop(long iterations) {
    __m512 acc[24];
    for (int k = 0; k < 24; k++) acc[k] = _mm512_setzero_ps();
    __m512 a = _mm512_set1_ps(1e-3f);
    for (long i = 0; i < iterations; i++) {
        for (int k = 0; k < 24; k++) acc[k] = _mm512_fmadd_ps(acc[k], a, a);
        __asm__ volatile("" : "+v"(a));
    }
    float sum = 0;
    for (int k = 0; k < 24; k++) sum += _mm512_reduce_add_ps(acc[k]);
    return sum;
}

/// The AVX2 peak: 12 independent ymm accumulators (two FMA pipes of
/// four-cycle latency need eight in flight).
__attribute__((target("avx2,fma"))) static float f32_peak_loop_avx2(long iterations) {
    __m256 acc[12];
    for (int k = 0; k < 12; k++) acc[k] = _mm256_setzero_ps();
    __m256 a = _mm256_set1_ps(1e-3f);
    for (long i = 0; i < iterations; i++) {
        for (int k = 0; k < 12; k++) acc[k] = _mm256_fmadd_ps(acc[k], a, a);
        __asm__ volatile("" : "+x"(a));
    }
    float lanes[8], sum = 0;
    for (int k = 0; k < 12; k++) {
        _mm256_storeu_ps(lanes, acc[k]);
        for (int j = 0; j < 8; j++) sum += lanes[j];
    }
    return sum;
}
#endif

double aepo_product_peak_loop(int bf16, long iterations, float *sink) {
#if AEPO_X86
    if (bf16 && aepo_bf16_products_available()) {
        *sink = bf16_peak_loop(iterations);
        return 24.0 * 64.0 * (double)iterations;
    }
    if (!bf16 && aepo_kernels_level() >= 2) {
        *sink = f32_peak_loop(iterations);
        return 24.0 * 32.0 * (double)iterations;
    }
    if (!bf16 && aepo_kernels_level() == 1) {
        *sink = f32_peak_loop_avx2(iterations);
        return 12.0 * 16.0 * (double)iterations;
    }
#endif
    (void)bf16;
    (void)iterations;
    *sink = 0;
    return 0;
}
