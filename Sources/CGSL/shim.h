// The GSL headers Escalation uses, plus accessors for GSL's global type objects.
//
// GSL exposes its generator and minimiser types as mutable globals (`GSL_VAR const T *name`),
// which Swift 6 refuses to read from concurrent code. These static inline accessors return the
// pointer instead; nothing else lives here.
#ifndef ESCALATION_CGSL_SHIM_H
#define ESCALATION_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_vector.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

static inline const gsl_rng_type *escalation_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }

static inline const gsl_qrng_type *escalation_gsl_qrng_sobol(void) { return gsl_qrng_sobol; }

static inline const gsl_multimin_fminimizer_type *escalation_gsl_nmsimplex2(void) {
    return gsl_multimin_fminimizer_nmsimplex2;
}

static inline const gsl_multimin_fdfminimizer_type *escalation_gsl_vector_bfgs2(void) {
    return gsl_multimin_fdfminimizer_vector_bfgs2;
}

#endif
