#include "row_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// A merge checks every row of a million-row batch this way (MergePass in Experiments): one
// pass over the row's bytes, where Swift took a memchr for the newline and a second pass for
// the fields.

static inline void scan_byte(const uint8_t *p, ptrdiff_t t, ptrdiff_t *commas, int *bad) {
    uint8_t b = p[t];
    int comma = b == ',';
    *commas += comma;
    *bad |= (b < 0x20) | (comma & (p[t - 1] == ','));
}

escalation_row_scan escalation_scan_row(const uint8_t *p, ptrdiff_t from, ptrdiff_t end) {
    escalation_row_scan found = { -1, 0, 0 };
    ptrdiff_t t = from;
#if defined(__SSE2__)
    const __m128i commas = _mm_set1_epi8(','), newlines = _mm_set1_epi8('\n'), control = _mm_set1_epi8(0x1F);
    // Commas are counted in sixteen byte lanes (each comparison is 0 or -1), summed into
    // `found.commas` every 255 steps and at the end; bad bytes are or-ed into `flags`.
    __m128i counts = _mm_setzero_si128(), flags = _mm_setzero_si128();
    int steps = 0;
    for (; t + 16 <= end; t += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + t));
        __m128i before = _mm_loadu_si128((const __m128i *)(p + t - 1));
        __m128i comma = _mm_cmpeq_epi8(v, commas);
        // Unsigned v <= 0x1F: min(v, 0x1F) == v.
        __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, control), v);
        __m128i empty = _mm_and_si128(comma, _mm_cmpeq_epi8(before, commas));
        unsigned newline = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, newlines));
        if (newline) {
            // The bytes before the first newline only.
            unsigned keep = (newline & (0u - newline)) - 1;
            found.commas += __builtin_popcount((unsigned)_mm_movemask_epi8(comma) & keep);
            found.bad |= (((unsigned)_mm_movemask_epi8(_mm_or_si128(low, empty))) & keep) != 0;
            found.newline = t + __builtin_ctz(newline);
            break;
        }
        counts = _mm_sub_epi8(counts, comma);
        flags = _mm_or_si128(flags, _mm_or_si128(low, empty));
        if (++steps == 255) {
            __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
            found.commas += _mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4);
            counts = _mm_setzero_si128();
            steps = 0;
        }
    }
    __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
    found.commas += _mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4);
    found.bad |= _mm_movemask_epi8(flags) != 0;
    if (found.newline >= 0) return found;
#endif
    for (; t < end; t++) {
        if (p[t] == '\n') {
            found.newline = t;
            return found;
        }
        scan_byte(p, t, &found.commas, &found.bad);
    }
    return found;
}
