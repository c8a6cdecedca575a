/* hashmap.c: open addressing with linear probing over a dense entry array. */
#include "util/hashmap.h"
#include "util/error.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

uint64_t rp_hash_bytes(const void *p, size_t n, bool icase)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (icase && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h ^= c;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The map's own hash (not rp_hash_bytes, whose FNV-1a values callers may
 * keep): eight bytes per step, case-folded a word at a time in icase maps,
 * then a final mix so that the low bits (the slot) depend on every byte.
 * Lookups of ARM parameter and variable names hash on every call. */
static uint64_t map_hash(const char *s, size_t n, bool icase)
{
	const uint64_t k = 0x9E3779B97F4A7C15u;
	uint64_t h = (uint64_t)n * k, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		if (icase)
			w = rp_fold8(w);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (n) {
		w = rp_load_short(s, n);
		if (icase)
			w = rp_fold8(w);
		h = (h ^ w) * k;
	}
	h ^= h >> 32;
	h *= 0xD6E8FEB86659FD93u;
	h ^= h >> 32;
	return h;
}

void rp_map_init(rp_map *m, bool icase)
{
	memset(m, 0, sizeof(*m));
	m->icase = icase;
}

void rp_map_release(rp_map *m)
{
	bool icase = m->icase;

	free(m->entries);
	free(m->slots);
	rp_map_init(m, icase);
}

static bool key_eq(const rp_map *m, const rp_map_entry *e, const char *key, size_t keylen,
		   uint64_t h)
{
	if (e->hash != h || e->keylen != keylen)
		return false;
	return m->icase ? rp_str_ieq(e->key, key, keylen) : memcmp(e->key, key, keylen) == 0;
}

static int rehash(rp_map *m, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	size_t i;

	if (!slots)
		return -RP_ENOMEM;
	for (i = 0; i < m->count; i++) {
		size_t s = (size_t)m->entries[i].hash & (nslots - 1);
		while (slots[s])
			s = (s + 1) & (nslots - 1);
		slots[s] = (uint32_t)(i + 1);
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	return 0;
}

bool rp_map_get(const rp_map *m, const char *key, size_t keylen, void **value)
{
	uint64_t h;
	size_t s;

	if (!m->nslots)
		return false;
	h = map_hash(key, keylen, m->icase);
	for (s = (size_t)h & (m->nslots - 1); m->slots[s]; s = (s + 1) & (m->nslots - 1)) {
		const rp_map_entry *e = &m->entries[m->slots[s] - 1];
		if (key_eq(m, e, key, keylen, h)) {
			if (value)
				*value = e->value;
			return true;
		}
	}
	return false;
}

int rp_map_put(rp_map *m, const char *key, size_t keylen, void *value, void **old)
{
	uint64_t h = map_hash(key, keylen, m->icase);
	size_t s;
	int r;

	if (old)
		*old = NULL;
	if ((m->count + 1) * 4 > m->nslots * 3) {
		if (m->count >= UINT32_MAX / 4)
			return -RP_ENOMEM;
		r = rehash(m, m->nslots ? m->nslots * 2 : 16);
		if (r < 0)
			return r;
	}
	for (s = (size_t)h & (m->nslots - 1); m->slots[s]; s = (s + 1) & (m->nslots - 1)) {
		rp_map_entry *e = &m->entries[m->slots[s] - 1];
		if (key_eq(m, e, key, keylen, h)) {
			if (old)
				*old = e->value;
			e->value = value;
			return 0;
		}
	}
	if (m->count == m->entries_cap) {
		size_t cap = m->entries_cap ? m->entries_cap * 2 : 8;
		rp_map_entry *e = realloc(m->entries, cap * sizeof(*e));
		if (!e)
			return -RP_ENOMEM;
		m->entries = e;
		m->entries_cap = cap;
	}
	m->entries[m->count] = (rp_map_entry){ key, keylen, value, h };
	m->slots[s] = (uint32_t)(m->count + 1);
	m->count++;
	return 0;
}
