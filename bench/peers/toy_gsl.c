/*
 * The benchmark toy model (Scenarios/bench/toy.yaml) written by hand in C: the peer that
 * `make bench` measures the engine against.
 *
 *   militia attacks: Poisson process, 0.2 a day
 *   each attack: the US answers with probability 0.6 after Gamma(shape 2, scale 1.5) days
 *   each answer: the militia counters with probability 0.5 after Exponential(mean 2) days
 *   counters draw no answers; horizon 365 days
 *
 * It makes the same random draws in the same order as the engine, on the same generator:
 * xoshiro256** as a GSL generator type, seeded per replication by SplitMix64 from the batch's
 * master seed, with GSL's Bernoulli and gamma samplers. So for the same master seed it handles
 * exactly the same events as `escalation batch`, and prints their count for the bench to check.
 * Exponential gaps are -mean * log(1 - u), as the engine draws them (GSL uses log1p; the two
 * agree to one rounding of the logarithm).
 *
 * Events wait in a binary min-heap ordered by (time, sequence), the sequence being the order of
 * scheduling, as in the engine.
 *
 * usage: toy-gsl RUNS [MASTER_SEED]
 * prints: runs events seconds   (seconds of the simulation loop alone, monotonic clock)
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* ---- xoshiro256** (Blackman & Vigna 2018) as a gsl_rng_type ---- */

typedef struct { uint64_t s[4]; } xoshiro_state;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t splitmix_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline uint64_t xoshiro_next(xoshiro_state *x) {
    uint64_t *s = x->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void xoshiro_seed(xoshiro_state *x, uint64_t seed) {
    for (int i = 0; i < 4; i++) {
        seed += 0x9E3779B97F4A7C15ULL;
        x->s[i] = splitmix_mix(seed);
    }
}

static void xoshiro_set(void *state, unsigned long seed) { xoshiro_seed(state, seed); }
static unsigned long xoshiro_get(void *state) { return xoshiro_next(state); }
static double xoshiro_get_double(void *state) { return (double)(xoshiro_next(state) >> 11) * 0x1.0p-53; }

static const gsl_rng_type xoshiro_type = {
    "xoshiro256**", UINT64_MAX, 0, sizeof(xoshiro_state), xoshiro_set, xoshiro_get, xoshiro_get_double};

/* The seed of replication `index` of a batch with master seed `master` (StreamSeed.replication). */
static uint64_t replication_seed(uint64_t master, uint64_t index) {
    uint64_t whitening = splitmix_mix(master += 0x9E3779B97F4A7C15ULL);
    uint64_t offset = splitmix_mix(master += 0x9E3779B97F4A7C15ULL);
    return whitening ^ splitmix_mix(index + offset);
}

/* ---- the event queue ---- */

enum { ATTACK, ANSWER, COUNTER };

typedef struct {
    double time;
    uint64_t sequence;
    int kind;
} event;

typedef struct {
    event *heap;
    size_t count, capacity;
    uint64_t next_sequence;
} queue;

static inline int precedes(const event *a, const event *b) {
    return a->time < b->time || (a->time == b->time && a->sequence < b->sequence);
}

static void schedule(queue *q, double time, int kind) {
    if (q->count == q->capacity) {
        q->capacity *= 2;
        q->heap = realloc(q->heap, q->capacity * sizeof(event));
        if (!q->heap) { perror("realloc"); exit(1); }
    }
    event e = {time, q->next_sequence++, kind};
    size_t hole = q->count++;
    while (hole > 0) {
        size_t parent = (hole - 1) / 2;
        if (!precedes(&e, &q->heap[parent])) break;
        q->heap[hole] = q->heap[parent];
        hole = parent;
    }
    q->heap[hole] = e;
}

static event pop(queue *q) {
    event top = q->heap[0];
    size_t count = --q->count;
    if (count > 0) {
        event last = q->heap[count];
        size_t hole = 0;
        for (;;) {
            size_t child = 2 * hole + 1;
            if (child >= count) break;
            if (child + 1 < count && precedes(&q->heap[child + 1], &q->heap[child])) child++;
            if (!precedes(&q->heap[child], &last)) break;
            q->heap[hole] = q->heap[child];
            hole = child;
        }
        q->heap[hole] = last;
    }
    return top;
}

/* ---- the model ---- */

static double exponential(gsl_rng *r, double mean) { return -mean * log(1 - gsl_rng_uniform(r)); }

/* One replication; returns the number of events handled before the horizon. */
static long run(gsl_rng *r, queue *q) {
    const double horizon = 365, attack_rate = 0.2;
    q->count = 0;
    q->next_sequence = 0;
    schedule(q, exponential(r, 1 / attack_rate), ATTACK);
    long events = 0;
    while (q->count > 0 && q->heap[0].time <= horizon) {
        event e = pop(q);
        events++;
        switch (e.kind) {
        case ATTACK:
            if (gsl_ran_bernoulli(r, 0.6)) schedule(q, e.time + gsl_ran_gamma(r, 2, 1.5), ANSWER);
            schedule(q, e.time + exponential(r, 1 / attack_rate), ATTACK);
            break;
        case ANSWER:
            if (gsl_ran_bernoulli(r, 0.5)) schedule(q, e.time + exponential(r, 2), COUNTER);
            break;
        case COUNTER:
            break;
        }
    }
    return events;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s RUNS [MASTER_SEED]\n", argv[0]);
        return 64;
    }
    long runs = strtol(argv[1], NULL, 10);
    uint64_t master = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    gsl_rng *r = gsl_rng_alloc(&xoshiro_type);
    queue q = {malloc(256 * sizeof(event)), 0, 256, 0};
    if (!r || !q.heap) { perror("alloc"); return 1; }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long events = 0;
    for (long k = 0; k < runs; k++) {
        xoshiro_seed(r->state, replication_seed(master, (uint64_t)k));
        events += run(r, &q);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + 1e-9 * (end.tv_nsec - start.tv_nsec);
    printf("%ld %ld %.6f\n", runs, events, seconds);
    gsl_rng_free(r);
    free(q.heap);
    return 0;
}
