// The zlib header Escalation uses, plus the initialisers zlib only offers as macros.
//
// deflateInit2 and inflateInit2 are macros that pass the header's version and sizeof(z_stream);
// Swift cannot call macros, so these static inline functions do. Nothing else lives here.
#ifndef ESCALATION_CZLIB_SHIM_H
#define ESCALATION_CZLIB_SHIM_H

#include <zlib.h>

/// A deflate stream that writes the gzip wrapper (window bits 15 + 16). zlib writes a header
/// with no name and modification time 0, so the same input always gives the same bytes.
static inline int escalation_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// An inflate stream that reads the gzip wrapper only (window bits 15 + 16).
static inline int escalation_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
