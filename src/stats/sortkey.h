/*
** sortkey.h: stable O(n) ordering of double keys (LSD radix sort), shared
** by the survival modules (km, logrank, cox) whose only super-linear step
** would otherwise be a comparison sort by time.
**
** sortkey_order() writes the permutation that sorts key[] ascending; equal
** keys keep their input order (stable), so a second call on a coarser key
** (e.g. stratum codes after times) gives a lexicographic order. Keys must
** not be NaN; -0.0 sorts with +0.0 (both are mapped to +0.0).
** Costs: 8 passes of counting by byte over n (key, index) pairs, passes on
** a byte that is the same for every key skipped (integer-valued times use 3
** or 4); O(n) time, 16 n bytes of scratch. Indices are 32-bit: n < 2^32.
*/
#ifndef AVN_STATS_SORTKEY_H
#define AVN_STATS_SORTKEY_H

#include <stddef.h>
#include <stdint.h>
#include "core/rc.h"

/* order[n] OUT: key[order[0]] <= key[order[1]] <= ... AVN_E_NOMEM or
** AVN_E_RANGE (n too large) on failure. If in_order is not NULL the keys
** are key[in_order[i]] and the result is a stable re-sort of in_order
** (order may alias in_order). */
avn_rc sortkey_order(size_t n, const double *key, const uint32_t *in_order,
                     uint32_t *order /* OUT */);

#endif
