#ifndef AEPO_CKERNELS_H
#define AEPO_CKERNELS_H

// Small SIMD kernels for the trainer's decoding path and GELU (see Kernels.c).
// Each function uses the widest instruction set the CPU supports, detected
// once per process: AVX-512F, then AVX2 + FMA, then portable C. The
// environment variable AEPO_KERNELS=0|1|2 caps the level.

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction set in use: 2 = AVX-512F, 1 = AVX2 + FMA, 0 = portable C.
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

/// GELU (tanh approximation) elementwise: `out[i] = gelu(inp[i])`, the
/// same arithmetic for every element (no separate tail path).
void aepo_gelu_forward(float *out, const float *inp, long n);

/// GELU backward, accumulated: `dinp[i] += gelu'(inp[i]) * dout[i]`.
void aepo_gelu_backward(float *dinp, const float *inp, const float *dout, long n);

#ifdef __cplusplus
}
#endif

#endif
