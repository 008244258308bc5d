// A fixed set of worker threads that run one parallel loop at a time
// (declared in include/CKernels.h, wrapped by the Swift `WorkerPool`).
//
// A decoded token runs ~120 short loops (one per group of linear layers,
// plus attention), each a few hundred microseconds at batch 1. Handing each
// to a new dispatch of a system queue costs a wake-up per loop; here the
// threads are created once, spin briefly after a loop (the next one usually
// follows within microseconds) and then sleep on a condition variable.
// Items are claimed one at a time from a shared counter, so a thread that
// the scheduler preempts (the machine may be shared) leaves its share to
// the others instead of holding up the loop.

#include "CKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define AEPO_PAUSE() _mm_pause()
#else
#define AEPO_PAUSE() ((void)0)
#endif

// How long an idle worker spins before it sleeps. Between the loops of one
// forward pass the caller does microseconds of serial work; between decoding
// steps it samples and schedules for longer, when sleeping costs nothing.
#define AEPO_POOL_SPIN_NS 200000L

struct aepo_pool {
    long threads;  // workers + the calling thread
    long workers;
    pthread_t *handles;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    // bumped (seq_cst) to start a loop; workers sleep only while it is unchanged
    _Atomic unsigned long generation;
    _Atomic long sleepers;
    _Atomic long next;     // next unclaimed item
    _Atomic long running;  // workers not yet done with the current loop
    _Atomic int stopping;
    // the current loop, written before `generation` is bumped
    long count;
    aepo_pool_body body;
    void *context;
};

struct worker_start {
    struct aepo_pool *pool;
    long index;
};

static long elapsed_ns(const struct timespec *since) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000000000L + (now.tv_nsec - since->tv_nsec);
}

static void run_items(struct aepo_pool *pool, long thread) {
    for (;;) {
        const long item = atomic_fetch_add_explicit(&pool->next, 1, memory_order_relaxed);
        if (item >= pool->count) return;
        pool->body(pool->context, item, thread);
    }
}

/// The generation after `seen`: spins for a while, then sleeps.
static unsigned long await_generation(struct aepo_pool *pool, unsigned long seen) {
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long spin = 0;; spin++) {
        const unsigned long g = atomic_load_explicit(&pool->generation, memory_order_acquire);
        if (g != seen) return g;
        AEPO_PAUSE();
        if ((spin & 63) == 63 && elapsed_ns(&start) > AEPO_POOL_SPIN_NS) break;
    }
    pthread_mutex_lock(&pool->mutex);
    atomic_fetch_add(&pool->sleepers, 1);
    unsigned long g;
    // seq_cst with the caller's bump-then-check: either it sees this sleeper
    // and broadcasts under the mutex, or this load sees its new generation
    while ((g = atomic_load(&pool->generation)) == seen) pthread_cond_wait(&pool->wake, &pool->mutex);
    atomic_fetch_sub(&pool->sleepers, 1);
    pthread_mutex_unlock(&pool->mutex);
    return g;
}

static void *worker_main(void *argument) {
    struct worker_start start = *(struct worker_start *)argument;
    free(argument);
    struct aepo_pool *pool = start.pool;
    unsigned long seen = 0;
    for (;;) {
        seen = await_generation(pool, seen);
        if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) return NULL;
        run_items(pool, start.index);
        atomic_fetch_sub_explicit(&pool->running, 1, memory_order_release);
    }
}

struct aepo_pool *aepo_pool_create(long threads) {
    struct aepo_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    const long wanted = threads > 1 ? threads - 1 : 0;
    pool->handles = wanted ? calloc((size_t)wanted, sizeof(pthread_t)) : NULL;
    if (wanted && !pool->handles) {
        free(pool);
        return NULL;
    }
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    for (long i = 0; i < wanted; i++) {
        struct worker_start *start = malloc(sizeof *start);
        if (!start) break;
        *start = (struct worker_start){pool, i + 1};
        if (pthread_create(&pool->handles[i], NULL, worker_main, start) != 0) {
            free(start);
            break;  // run with the workers that did start
        }
        pool->workers++;
    }
    pool->threads = pool->workers + 1;
    return pool;
}

long aepo_pool_threads(const struct aepo_pool *pool) { return pool ? pool->threads : 1; }

void aepo_pool_run(struct aepo_pool *pool, long count, aepo_pool_body body, void *context) {
    if (count <= 0) return;
    if (!pool || pool->workers == 0 || count == 1) {
        for (long i = 0; i < count; i++) body(context, i, 0);
        return;
    }
    pool->count = count;
    pool->body = body;
    pool->context = context;
    atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->running, pool->workers, memory_order_relaxed);
    atomic_fetch_add(&pool->generation, 1);
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->mutex);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->mutex);
    }
    run_items(pool, 0);
    // the workers are finishing their last items; one preempted mid-item is
    // given the processor rather than spun against
    for (long spin = 0; atomic_load_explicit(&pool->running, memory_order_acquire) > 0; spin++) {
        if (spin < 4096) AEPO_PAUSE();
        else sched_yield();
    }
}

void aepo_pool_destroy(struct aepo_pool *pool) {
    if (!pool) return;
    atomic_store_explicit(&pool->stopping, 1, memory_order_release);
    atomic_fetch_add(&pool->generation, 1);
    pthread_mutex_lock(&pool->mutex);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    for (long i = 0; i < pool->workers; i++) pthread_join(pool->handles[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->mutex);
    free(pool->handles);
    free(pool);
}
