// The engine's bf16 product and attention kernels on their own, compiled
// from Sources/CKernels into one program (see scripts/bench-kernels):
// GFLOP/s of `aepo_linear_rows_bf16` on the products of a Qwen2.5-0.5B-shaped
// model, split over threads as the engine splits them (output features),
// the products of a whole batch-16 decoding step (wall time) as the engine
// runs them, and cycles per (position, head) of grouped against one-head
// attention.
// Times are each thread's CPU time, best of the repeats, so a busy machine
// slows the figures less than wall time would (the whole step: wall time,
// the slowest thread being what a step waits for).

#include "Kernels.c"
#include "Attention.c"
#include "BF16Kernels.c"
#include "WorkerPool.c"

#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

static double wall_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double thread_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct {
    float *y;
    const uint16_t *x, *w;
    long rows, inputs, outputs, from, to;
    double seconds;
} Share;

static void *run_share(void *argument) {
    Share *s = argument;
    const double start = thread_seconds();
    aepo_linear_rows_bf16(s->y, s->outputs, s->x, s->inputs, s->rows, s->inputs, s->w, NULL, s->from, s->to);
    s->seconds = thread_seconds() - start;
    return NULL;
}

/// One product (rows x inputs) x (outputs x inputs)^T on `threads` threads,
/// weights in 2 MiB pages as the engine maps them; GFLOP/s of the best of
/// `repeats` runs (the slowest thread of each).
static double product(long rows, long inputs, long outputs, int threads, int repeats) {
    const size_t weightBytes = ((size_t)outputs * inputs * 2 + (2 << 20) - 1) / (2 << 20) * (2 << 20);
    uint16_t *w = mmap(NULL, weightBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    madvise(w, weightBytes, MADV_HUGEPAGE);
    uint16_t *x = malloc(rows * inputs * 2);
    float *y = malloc(rows * outputs * 4);
    uint32_t state = 1;
    for (long i = 0; i < outputs * inputs; i++) w[i] = (uint16_t)(0x3c00 + ((state = state * 1664525u + 1013904223u) >> 24));
    for (long i = 0; i < rows * inputs; i++) x[i] = (uint16_t)(0x3f00 + ((state = state * 1664525u + 1013904223u) >> 24));
    double best = 1e30;
    for (int r = 0; r < repeats; r++) {
        pthread_t ids[16];
        Share shares[16];
        for (int t = 0; t < threads; t++) {
            shares[t] = (Share){y, x, w, rows, inputs, outputs, outputs * t / threads / 16 * 16,
                                t == threads - 1 ? outputs : outputs * (t + 1) / threads / 16 * 16, 0};
            pthread_create(&ids[t], NULL, run_share, &shares[t]);
        }
        double slowest = 0;
        for (int t = 0; t < threads; t++) {
            pthread_join(ids[t], NULL);
            if (shares[t].seconds > slowest) slowest = shares[t].seconds;
        }
        if (slowest < best) best = slowest;
    }
    munmap(w, weightBytes);
    free(x);
    free(y);
    return 2.0 * rows * inputs * outputs / best / 1e9;
}

/// Seconds per (position, head) of 7 query heads on one K/V head of
/// `positions` positions (head size 64): one head at a time, then grouped.
static void attention(long positions, double *single, double *grouped) {
    const long hs = 64, heads = 7, rounds = 200;
    float *keys = malloc(positions * hs * 4), *values = malloc(positions * hs * 4);
    float *q = malloc(heads * hs * 4), *out = malloc(heads * hs * 4), *scratch = malloc(heads * positions * 4);
    for (long i = 0; i < positions * hs; i++) {
        keys[i] = (float)(i % 97) * 0.01f - 0.5f;
        values[i] = (float)(i % 89) * 0.01f - 0.4f;
    }
    for (long i = 0; i < heads * hs; i++) q[i] = (float)(i % 13) * 0.1f;
    *single = *grouped = 1e30;
    for (int r = 0; r < 10; r++) {
        double start = thread_seconds();
        for (long n = 0; n < rounds; n++)
            for (long h = 0; h < heads; h++)
                aepo_attend_row(out + h * hs, 1, q + h * hs, 1, keys, values, positions, hs, 0.125f, scratch);
        double s = (thread_seconds() - start) / (rounds * heads * positions);
        if (s < *single) *single = s;
        start = thread_seconds();
        for (long n = 0; n < rounds; n++) aepo_attend_group(out, q, heads, keys, values, positions, hs, 0.125f, scratch);
        s = (thread_seconds() - start) / (rounds * heads * positions);
        if (s < *grouped) *grouped = s;
    }
    free(keys);
    free(values);
    free(q);
    free(out);
    free(scratch);
}

/// Wall seconds of every product of one batch-16 decoding step of the
/// Qwen2.5-0.5B shape (24 x [q, k, v | o | gate, up | down] + the output
/// layer), through `aepo_linear_bf16_items` on the engine's worker pool with
/// its items (128 KiB of weights, multiples of 8 outputs), the weights 16
/// bytes past a cache line as in a safetensors shard; best of `repeats`.
/// Returns the step's FLOPs in `flops`.
static double decode_step(int threads, int repeats, double *flops) {
    enum { LAYERS = 24, R = 16 };
    const long C = 896, I = 4864, V = 151936, KV = 128;
    const long outs[7] = {C, KV, KV, C, I, I, C}, ins[7] = {C, C, C, C, C, C, I};
    const int groupOf[7] = {0, 0, 0, 1, 2, 2, 3};
    size_t total = (size_t)V * C;
    for (int k = 0; k < 7; k++) total += (size_t)LAYERS * outs[k] * ins[k];
    const size_t bytes = (total * 2 + 64 * 8 + (2 << 20)) / (2 << 20) * (2 << 20);
    char *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return 0;
    madvise(base, bytes, MADV_HUGEPAGE);
    uint16_t *next = (uint16_t *)(base + 16), *w[LAYERS + 1][7];
    uint32_t state = 1;
    for (int l = 0; l <= LAYERS; l++)
        for (int k = 0; k < (l < LAYERS ? 7 : 1); k++) {
            const long n = l < LAYERS ? outs[k] * ins[k] : V * C;
            w[l][k] = next;
            for (long i = 0; i < n; i++) next[i] = (uint16_t)(0x3c00 + ((state = state * 1664525u + 1013904223u) >> 24));
            // the next tensor 16 bytes past a line again
            next = (uint16_t *)(((uintptr_t)(next + n) + 63) / 64 * 64 + 16);
        }
    uint16_t *x = aligned_alloc(64, R * I * 2);
    for (long i = 0; i < R * I; i++) x[i] = (uint16_t)(0x3f00 + ((state = state * 1664525u + 1013904223u) >> 24));
    float *y = malloc((size_t)R * V * 4);
    aepo_bf16_item *items = malloc(4096 * sizeof *items);
    aepo_pool *pool = aepo_pool_create(threads);
    double best = 1e30;
    *flops = 2.0 * R * (double)total;
    for (int rep = 0; rep < repeats; rep++) {
        const double start = wall_seconds();
        for (int l = 0; l <= LAYERS; l++)
            for (int g = 0; g < (l < LAYERS ? 4 : 1); g++) {
                long n = 0, inputs = C;
                for (int k = 0; k < (l < LAYERS ? 7 : 1); k++) {
                    if (l < LAYERS && groupOf[k] != g) continue;
                    const long out = l < LAYERS ? outs[k] : V;
                    inputs = l < LAYERS ? ins[k] : C;
                    const long step = (128 << 10) / (inputs * 2) / 8 * 8 > 8 ? (128 << 10) / (inputs * 2) / 8 * 8 : 8;
                    for (long lo = 0; lo < out; lo += step)
                        items[n++] = (aepo_bf16_item){y, out, w[l][k], NULL, lo, lo + step < out ? lo + step : out};
                }
                aepo_linear_bf16_items(pool, items, n, x, inputs, R, inputs);
            }
        const double seconds = wall_seconds() - start;
        if (rep > 0 && seconds < best) best = seconds;
    }
    aepo_pool_destroy(pool);
    free(items);
    free(y);
    free(x);
    munmap(base, bytes);
    return best;
}

int main(int argc, char **argv) {
    const int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (!aepo_bf16_products_available()) {
        fprintf(stderr, "this CPU has no AVX512 BF16\n");
        return 2;
    }
    float sink;
    const double start = thread_seconds();
    const double flops = aepo_product_peak_loop(1, 20000000, &sink);
    const double peak = flops / (thread_seconds() - start) / 1e9;
    printf("vdpbf16ps peak, one thread: %.1f GFLOP/s\n", peak);
    const struct { const char *what; long rows, inputs, outputs; } shapes[] = {
        {"prefill 512, gate/up (896 -> 4864)", 512, 896, 4864},
        {"prefill 512, down (4864 -> 896)", 512, 4864, 896},
        {"prefill 512, q (896 -> 896)", 512, 896, 896},
        {"batch 16, output layer (896 -> 151936)", 16, 896, 151936},
        {"batch 16, down, 30000 outputs (from memory)", 16, 4864, 30000},
        {"batch 1, output layer (896 -> 151936)", 1, 896, 151936},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const double rate = product(shapes[i].rows, shapes[i].inputs, shapes[i].outputs, threads, 3);
        printf("%-46s %7.1f GFLOP/s on %d threads (%.2f of %d x peak)\n", shapes[i].what, rate, threads,
               rate / (peak * threads), threads);
    }
    double stepFlops;
    const double step = decode_step(threads, 6, &stepFlops);
    printf("batch-16 decoding step, all its products: %.2f ms, %.0f tokens/s (%.2f of %d x peak; wall time)\n",
           step * 1e3, 16 / step, stepFlops / step / 1e9 / (peak * threads), threads);
    for (long positions = 64; positions <= 512; positions *= 4) {
        double single, grouped;
        attention(positions, &single, &grouped);
        printf("attention, 7 heads on one K/V head, %3ld positions: %.2f ns per (position, head) one head at a time, "
               "%.2f grouped\n", positions, single * 1e9, grouped * 1e9);
    }
    (void)sink;
    return 0;
}
