#ifndef ESCALATION_ROW_SCAN_H
#define ESCALATION_ROW_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// What `escalation_scan_row` found in the bytes of one CSV row.
typedef struct {
    /// The index of the row's newline, or -1 if there is none before `end`.
    ptrdiff_t newline;
    /// Commas in [from, newline).
    ptrdiff_t commas;
    /// Nonzero if a byte in [from, newline) is below 0x20 (a CR, a NUL) or is a comma that
    /// follows a comma (an empty field); the byte before `from` counts as the first one's
    /// predecessor.
    int bad;
} escalation_row_scan;

/// Scans p[from..<end) up to its first newline, counting commas and flagging control bytes and
/// empty fields, sixteen bytes at a time where the processor has SSE2. `from` must be at least
/// 1 (p[from - 1] is read); nothing at or past `end` is read.
escalation_row_scan escalation_scan_row(const uint8_t *p, ptrdiff_t from, ptrdiff_t end);

#endif
