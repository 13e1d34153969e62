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
 * xoshiro256** as a GSL generator type (the engine's own, Sources/CXoshiro/xoshiro_gsl.c, built
 * in beside this file), seeded per replication by SplitMix64 from the batch's master seed, with
 * GSL's Bernoulli and gamma samplers. So for the same master seed it handles
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

#include "xoshiro_gsl.h"

/* ---- the generator: the engine's own xoshiro256** gsl_rng_type (Sources/CXoshiro) ---- */

static inline uint64_t splitmix_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

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
    gsl_rng *r = gsl_rng_alloc(escalation_xoshiro_gsl_type());
    queue q = {malloc(256 * sizeof(event)), 0, 256, 0};
    if (!r || !q.heap) { perror("alloc"); return 1; }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long events = 0;
    for (long k = 0; k < runs; k++) {
        gsl_rng_set(r, replication_seed(master, (uint64_t)k));
        events += run(r, &q);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + 1e-9 * (end.tv_nsec - start.tv_nsec);
    printf("%ld %ld %.6f\n", runs, events, seconds);
    gsl_rng_free(r);
    free(q.heap);
    return 0;
}
