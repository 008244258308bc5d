#ifndef AEPO_CKERNELS_H
#define AEPO_CKERNELS_H

// Small SIMD kernels for the trainer's decoding path and GELU (see Kernels.c).
// Each function uses the widest instruction set the CPU supports, detected
// once per process: AVX-512F, then AVX2 + FMA, then portable C. The
// environment variable AEPO_KERNELS=0|1|2 caps the level.

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction set in use: 2 = AVX-512F, 1 = AVX2 + FMA + F16C, 0 = portable C.
int aepo_kernels_level(void);

/// Feature-major linear layer: `outT = W inpT + bias`, where `inpT` is (C, R),
/// `outT` (OC, R) (feature c of row r at `c * R + r`), `weight` (OC, C)
/// row-major and `bias` (OC) or NULL. The weight is read in place (never
/// packed): 16 activation rows fill one AVX-512 register (two AVX2 ones) and
/// 8 (AVX2: 6) weight rows are broadcast against it, so small R (decoding)
/// runs at the FMA rate. Every output element is the same chain
/// `fma(w[o][C-1], x[C-1][r], ... fma(w[o][0], x[0][r], bias[o]))`
/// whatever R is, so a row's result does not depend on the other rows.
/// Returns false (and writes nothing) when no SIMD kernel is available
/// (level 0): the caller falls back to BLAS.
bool aepo_linear_fm(float *outT, const float *inpT, const float *weight, const float *bias,
                    long R, long C, long OC);

/// `aepo_linear_fm` at a given level (1 or 2; false if the CPU lacks it):
/// for tests, which check that both levels give the same bits.
bool aepo_linear_fm_level(int level, float *outT, const float *inpT, const float *weight, const float *bias,
                          long R, long C, long OC);

/// Attention of one query row to `count` cached positions of one head:
/// `out = softmax(scale * K q) V` with K, V (count, hs) row-major.
/// `q` and `out` are strided (element i at `q[i * qStride]`,
/// `out[i * outStride]`) so they can be read from / written into
/// feature-major activations. `scratch` holds `count` floats.
/// hs <= 256.
void aepo_attend_row(float *out, long outStride, const float *q, long qStride,
                     const float *keys, const float *values, long count, long hs, float scale,
                     float *scratch);

/// Grouped-query attention: `heads` query rows (`q` and `out` are
/// (heads, hs) row-major) attending to the same `count` positions of one
/// K/V head. Each head's output has exactly the bits `aepo_attend_row`
/// gives it; K and V are read once per pass of up to 8 heads instead of
/// once per head. `scratch` holds heads * count floats. hs <= 256.
void aepo_attend_group(float *out, const float *q, long heads, const float *keys, const float *values,
                       long count, long hs, float scale, float *scratch);

/// `aepo_attend_group` with K and V cached in bf16: each head's output has
/// the bits `aepo_attend_group` gives it on the same values in f32 (bf16
/// widens to f32 exactly), for half the cache's memory and traffic.
void aepo_attend_group_bf16(float *out, const float *q, long heads, const uint16_t *keys, const uint16_t *values,
                            long count, long hs, float scale, float *scratch);

/// GELU (tanh approximation) elementwise: `out[i] = gelu(inp[i])`, the
/// same arithmetic for every element (no separate tail path).
void aepo_gelu_forward(float *out, const float *inp, long n);

/// GELU backward, accumulated: `dinp[i] += gelu'(inp[i]) * dout[i]`.
void aepo_gelu_backward(float *dinp, const float *inp, const float *dout, long n);

// MARK: - Decoder-model kernels (Hugging Face checkpoints, see HFKernels.c)

/// Element types of weights read in place by the kernels below.
#define AEPO_WEIGHT_F32 0
#define AEPO_WEIGHT_BF16 1
#define AEPO_WEIGHT_F16 2

/// `out[i] = (float)w[start + i]` for i < n, `w` of type `type` (AEPO_WEIGHT_*),
/// possibly unaligned.
void aepo_convert_to_f32(float *out, const void *w, int type, long start, long n);

/// Linear layer on row-major activations, weights in their stored type:
/// `y[r * ldy + o] = bias[o] + sum_c x[r * ldx + c] * W[o][c]` for r < R and
/// o0 <= o < o1, with W (OC, C) row-major of type `type` and `bias` NULL or
/// f32. Blocks of 4 weight rows by up to 4 activation rows: each weight
/// element is converted once per block of rows, and a row's result does not
/// depend on R (every output is the same chain of 16-lane FMAs over c). The
/// next weight block is prefetched into L2 while one is multiplied. Callers
/// split [0, OC) across threads.
void aepo_linear_rows(float *y, long ldy, const float *x, long ldx, long R, long C,
                      const void *w, int type, const float *bias, long o0, long o1);

/// Linear layer for many rows (prefill), outputs o0 <= o < o1: weight rows are
/// converted to f32 in tiles of `tile` rows into `scratch` (tile * C floats)
/// and multiplied with `aepo_linear_fm` against the feature-major activations
/// `xT` (C, R); the tile's output (tile * R floats of `tileOut`) is written
/// back row-major into `y` (row stride ldy). Portable C when no SIMD level.
void aepo_linear_tiles(float *y, long ldy, const float *xT, long R, long C, const void *w, int type,
                       const float *bias, long o0, long o1, long tile, float *scratch, float *tileOut);

// MARK: - bf16 products (see BF16Kernels.c)

/// Whether this CPU has AVX512 BF16 (`vdpbf16ps`).
int aepo_bf16_products_available(void);

/// `out[i]` = `x[i]` rounded to bf16 (nearest even).
void aepo_round_to_bf16(uint16_t *out, const float *x, long n);

/// `out[i]` = `x[i]` widened to f32 (exact).
void aepo_widen_bf16(float *out, const uint16_t *x, long n);

/// For benchmarks: `iterations` rounds of 24 independent `vdpbf16ps`
/// (`bf16`) or f32 FMA instructions on 512-bit registers (12 on 256-bit
/// ones where the kernels run AVX2), the ceiling of the products'
/// arithmetic on this core. Returns the FLOPs done (0 when the CPU lacks
/// the instruction); `sink` keeps the result alive.
double aepo_product_peak_loop(int bf16, long iterations, float *sink);

/// `aepo_linear_rows` with bf16 activations `x` (row stride ldx) and bf16
/// weights: pairs of bf16 multiplied and accumulated in f32 by `vdpbf16ps`,
/// 32 inputs per step, the trailing C % 32 as exact f32 products; a row's
/// result does not depend on R. Returns 0 (writing nothing) when the CPU
/// lacks AVX512 BF16.
int aepo_linear_rows_bf16(float *y, long ldy, const uint16_t *x, long ldx, long R, long C, const uint16_t *w,
                          const float *bias, long o0, long o1);

/// RMSNorm of one row: `out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i]`.
void aepo_rmsnorm(float *out, const float *x, const float *weight, long n, float eps);

/// SwiGLU: `out[i] = gate[i] / (1 + exp(-gate[i])) * up[i]`.
void aepo_silu_mul(float *out, const float *gate, const float *up, long n);

/// RoPE on one head of D values in transformers' rotate-half layout:
/// element i pairs with i + D/2, turned by the angle whose cosine and sine
/// are `cos[i]`, `sin[i]` (D/2 each).
void aepo_rope(float *v, long D, const float *cos, const float *sin);

/// The first index of the largest of `x[0..<n]` (NaN never counts as
/// larger; 0 when `x[0]` is NaN or n <= 1): greedy decoding's choice.
long aepo_argmax(const float *x, long n);

/// The sampler's softmax at temperature 1 / invT:
/// `p[j] = exp(logits[j] * invT - m) / s` with m the largest
/// `logits[j] * invT` and s the sum of the exponentials; `stats` gets
/// {m, s, sum of p[j] * logits[j]} (log Z = m + log s; the entropy is
/// log Z - invT * stats[2]).
void aepo_tempered_softmax(float *p, const float *logits, long n, float invT, float *stats);

/// Writes the ids j < n with `p[j] >= threshold` to `ids`, in increasing
/// order, and their probabilities' sum (in no set order) to `mass`;
/// returns how many. `ids` has room for n entries.
long aepo_collect_at_least(const float *p, long n, float threshold, int32_t *ids, float *mass);

// MARK: - Worker pool (see WorkerPool.c)

/// Threads that run one parallel loop at a time; created by `aepo_pool_create`.
typedef struct aepo_pool aepo_pool;

/// One item of a parallel loop, run on thread `thread` (0 = the caller,
/// 1..<threads the workers), so per-thread scratch can be indexed by it.
typedef void (*aepo_pool_body)(void *context, long item, long thread);

/// A pool of `threads - 1` workers (the caller of `aepo_pool_run` is the
/// last thread). Fewer start when the system refuses threads; NULL when
/// memory is short (`aepo_pool_run` then runs loops on the caller).
aepo_pool *aepo_pool_create(long threads);

/// Threads a loop runs on: the workers that started plus the caller (1 for NULL).
long aepo_pool_threads(const aepo_pool *pool);

/// Runs `body(context, i, thread)` for every i < count, items claimed
/// dynamically by the caller and the workers; returns when all are done.
/// One caller at a time.
void aepo_pool_run(aepo_pool *pool, long count, aepo_pool_body body, void *context);

/// Stops and joins the workers and frees the pool (NULL is ignored).
void aepo_pool_destroy(aepo_pool *pool);

// MARK: - bf16 products on a pool (see BF16Kernels.c)

/// One item of `aepo_linear_bf16_items`: outputs [o0, o1) of the product
/// `y (R, ldy) = x W^T + bias` with bf16 weights `w` (OC x C, row-major).
typedef struct {
    float *y;
    long ldy;
    const uint16_t *w;
    const float *bias;
    long o0, o1;
} aepo_bf16_item;

/// `aepo_linear_rows_bf16` for every item, on the threads of `pool` (NULL:
/// the caller alone), all with the same input `x` (R rows of C, stride
/// ldx). Items are claimed one ahead, so a thread fetches the first weight
/// rows of its next item while it finishes the current one. Returns 0
/// (writing nothing) when the CPU lacks AVX512 BF16.
int aepo_linear_bf16_items(aepo_pool *pool, const aepo_bf16_item *items, long count, const uint16_t *x, long ldx,
                           long R, long C);

#ifdef __cplusplus
}
#endif

#endif
