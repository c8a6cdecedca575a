/* resource.c: the deployment container shared by all ingesters. */
#include "ingest/resource.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

rp_deployment *rp_deployment_new(void)
{
	rp_deployment *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->arena = rp_arena_new();
	if (!d->arena) {
		free(d);
		return NULL;
	}
	return d;
}

rp_deployment *rp_deployment_free(rp_deployment *d)
{
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < d->nsources; i++)
		rp_source_free(d->sources[i]);
	free(d->sources);
	free(d->resources);
	rp_arena_free(d->arena);
	free(d);
	return NULL;
}

rp_resource *rp_deployment_add(rp_deployment *d)
{
	rp_resource *r;

	if (d->nresources == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		r = realloc(d->resources, cap * sizeof(*r));
		if (!r)
			return NULL;
		d->resources = r;
		d->cap = cap;
	}
	r = &d->resources[d->nresources++];
	memset(r, 0, sizeof(*r));
	r->copy_index = -1;
	return r;
}

int rp_deployment_own_source(rp_deployment *d, rp_source *src)
{
	if (d->nsources == d->sources_cap) {
		size_t cap = d->sources_cap ? d->sources_cap * 2 : 4;
		rp_source **s = realloc(d->sources, cap * sizeof(*s));
		if (!s) {
			rp_source_free(src);
			return -RP_ENOMEM;
		}
		d->sources = s;
		d->sources_cap = cap;
	}
	d->sources[d->nsources++] = src;
	return 0;
}

char *rp_resource_id_name(rp_arena *a, const char *id)
{
	const char *p = id, *last = NULL, *q;
	char *out;
	size_t n = 0;
	int seg = 0;

	while ((q = strstr(p, "/providers/")) != NULL) {
		last = q + 11;
		p = last;
	}
	/* namespace / type / name / type / name ... */
	if (!last || !(p = strchr(last, '/')))
		return NULL;
	out = rp_arena_alloc(a, strlen(p) + 1);
	if (!out)
		return NULL;
	p++;
	while (*p) {
		const char *s = strchr(p, '/');
		size_t len = s ? (size_t)(s - p) : strlen(p);
		if (seg % 2 == 1) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		seg++;
		p += len;
		if (*p == '/')
			p++;
	}
	out[n] = '\0';
	return n ? out : NULL;
}

const char *rp_resource_address_at(const rp_resource *r, const char *path)
{
	size_t i;

	if (!r)
		return NULL;
	for (i = 0; path && i < r->nchild_addresses; i++) {
		const rp_resource_addr *c = &r->child_addresses[i];
		size_t n = strlen(c->path);
		if (strncmp(path, c->path, n) == 0 && (path[n] == '\0' || path[n] == '.'))
			return c->address;
	}
	return r->address;
}
