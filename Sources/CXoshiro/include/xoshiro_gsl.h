// xoshiro256** as a GSL generator type, written in C so that GSL's samplers (gamma, Poisson,
// Gaussian, ...) call the generator directly rather than through Swift closure thunks.
#ifndef ESCALATION_XOSHIRO_GSL_H
#define ESCALATION_XOSHIRO_GSL_H

// The `gsl_rng_type` (returned untyped, so that this module need not import GSL's headers a
// second time beside CGSL; Stochastics casts it). Its state is four 64-bit words, seeded by
// SplitMix64 exactly as `Xoshiro256StarStar.seed` does; `get` and `get_double` are
// `Xoshiro256StarStar.next` and `.nextDouble`.
const void *escalation_xoshiro_gsl_type(void);

#endif
