// xoshiro256** (Blackman & Vigna 2018) as a gsl_rng_type. Must make exactly the numbers of
// Sources/Stochastics/Xoshiro256StarStar.swift, which draws from the same state inline: the
// tests compare the two word for word.
#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "xoshiro_gsl.h"

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next(uint64_t *s) {
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

static void set(void *state, unsigned long seed) {
    uint64_t *s = state, z, x = seed;
    for (int i = 0; i < 4; i++) {
        x += 0x9E3779B97F4A7C15ULL;
        z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        s[i] = z ^ (z >> 31);
    }
}

static unsigned long get(void *state) { return next(state); }

static double get_double(void *state) { return (double)(next(state) >> 11) * 0x1.0p-53; }

static const gsl_rng_type xoshiro_type = {
    "xoshiro256**", UINT64_MAX, 0, 4 * sizeof(uint64_t), set, get, get_double};

const void *escalation_xoshiro_gsl_type(void) { return &xoshiro_type; }
