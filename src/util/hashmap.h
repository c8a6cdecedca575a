/* hashmap.h: open-addressing hash map from byte-string keys to void *.
 *
 * Keys are borrowed: the map stores the pointer and length the caller gives
 * and never copies them, so keys must outlive the map (arena strings do).
 * Values are opaque.  Iteration order is insertion order (entries are kept
 * in a dense array), so output built from a map is deterministic.
 * Optional ASCII case-insensitive mode, for ARM names and property keys.
 */
#ifndef RP_UTIL_HASHMAP_H
#define RP_UTIL_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rp_map_entry {
	const char *key;
	size_t keylen;
	void *value;
	uint64_t hash;
} rp_map_entry;

typedef struct rp_map {
	rp_map_entry *entries; /* dense, insertion order */
	uint32_t *slots;       /* 0 = empty, else entry index + 1 */
	size_t count;
	size_t entries_cap;
	size_t nslots; /* power of two */
	bool icase;
} rp_map;

/* Zero-initialised rp_map is a valid empty case-sensitive map. */
void rp_map_init(rp_map *m, bool icase);
void rp_map_release(rp_map *m);

/* Inserts or replaces; *old (if non-NULL) gets the replaced value or NULL.
 * 0 or -RP_ENOMEM. */
int rp_map_put(rp_map *m, const char *key, size_t keylen, void *value, void **old);
/* true and *value set when found. */
bool rp_map_get(const rp_map *m, const char *key, size_t keylen, void **value);

/* 64-bit FNV-1a; case-folded ASCII when icase. */
uint64_t rp_hash_bytes(const void *p, size_t n, bool icase);

#endif
