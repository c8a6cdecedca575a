/* activity.c: Azure Activity Log records, in the Event Hubs / storage
 * (resource-log) shape and in the REST shape.
 *
 *   EH/storage: time, operationName (string), resultType, resourceId,
 *               correlationId, callerIpAddress, identity.claims,
 *               properties.requestbody (a JSON string)
 *   REST:       eventTimestamp, operationName.value, status.value, caller,
 *               httpRequest.clientIpAddress, properties.requestbody
 * requestbody is parsed a second time (it is JSON text inside a string). */
#include "watch/watch.h"

#include "util/error.h"
#include "util/source.h"
#include "util/str.h"

#include <string.h>

static rp_slice str_of(rp_json_doc *d, uint32_t i)
{
	rp_slice s = { "", 0 };

	if (rp_json_is(d, i, RP_JSON_STRING) && rp_json_str(d, i, &s.p, &s.n) < 0) {
		s.p = "";
		s.n = 0;
	}
	return s;
}

/* A string member, or the "value" of an object member (REST shape). */
static rp_slice str_or_value(rp_json_doc *d, uint32_t obj, const char *key, bool *was_obj)
{
	uint32_t i = rp_json_getz_ci(d, obj, key);

	if (rp_json_is(d, i, RP_JSON_OBJECT)) {
		if (was_obj)
			*was_obj = true;
		return str_of(d, rp_json_getz_ci(d, i, "value"));
	}
	return str_of(d, i);
}

static uint8_t outcome_of(rp_slice r)
{
	static const struct {
		const char *name;
		uint8_t o;
	} t[] = {
		{ "Start", RP_ACT_START },     { "Started", RP_ACT_START },
		{ "Accept", RP_ACT_ACCEPT },   { "Accepted", RP_ACT_ACCEPT },
		{ "Success", RP_ACT_SUCCESS }, { "Succeeded", RP_ACT_SUCCESS },
		{ "Failure", RP_ACT_FAILURE }, { "Failed", RP_ACT_FAILURE },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (rp_slice_ieq(r, t[i].name))
			return t[i].o;
	return RP_ACT_OTHER;
}

static rp_slice caller_of(rp_json_doc *d, uint32_t rec)
{
	static const char *const claims_keys[] = {
		"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
		"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
		"name",
		"appid",
	};
	uint32_t id = rp_json_getz(d, rec, "identity"), c, ev;
	rp_slice s = str_of(d, rp_json_getz(d, rec, "caller"));
	size_t i;

	if (s.n)
		return s;
	if (!rp_json_is(d, id, RP_JSON_OBJECT))
		return s;
	c = rp_json_getz(d, id, "claims");
	if (rp_json_is(d, c, RP_JSON_OBJECT))
		for (i = 0; i < sizeof(claims_keys) / sizeof(claims_keys[0]); i++) {
			s = str_of(d, rp_json_getz(d, c, claims_keys[i]));
			if (s.n)
				return s;
		}
	ev = rp_json_getz(d, rp_json_getz(d, id, "authorization"), "evidence");
	if (rp_json_is(d, ev, RP_JSON_OBJECT))
		s = str_of(d, rp_json_getz(d, ev, "principalId"));
	return s;
}

int rp_watch_activity_record(rp_json_doc *doc, uint32_t rec, const char *input, uint64_t base,
			     const rp_watch_sink *sink, rp_diag *diag, rp_watch_stats *stats);

int rp_watch_activity_record(rp_json_doc *doc, uint32_t rec, const char *input, uint64_t base,
			     const rp_watch_sink *sink, rp_diag *diag, rp_watch_stats *stats)
{
	rp_activity a;
	rp_slice t;
	uint32_t props, rb, hr, tnode;
	rp_source *bsrc = NULL;
	rp_json_doc *owned = NULL;
	int rc = 0;

	memset(&a, 0, sizeof(a));
	a.doc = doc;
	a.rec = rec;
	a.body = RP_JSON_NONE;
	a.input = input;
	a.off = base + doc->nodes[rec].off;
	a.op = str_or_value(doc, rec, "operationName", &a.rest);
	if (!a.op.n) {
		rc = rp_diag_addc(diag, RP_DIAG_ERROR, "watch-record", doc->src,
				  doc->nodes[rec].off, doc->nodes[rec].off + 1,
				  "Activity Log record without operationName");
		goto out;
	}
	a.result = str_of(doc, rp_json_getz_ci(doc, rec, "resultType"));
	if (!a.result.n)
		a.result = str_or_value(doc, rec, "status", NULL);
	a.outcome = outcome_of(a.result);
	a.resource_id = str_of(doc, rp_json_getz_ci(doc, rec, "resourceId"));
	a.correlation = str_of(doc, rp_json_getz_ci(doc, rec, "correlationId"));
	a.caller = caller_of(doc, rec);
	a.caller_ip = str_of(doc, rp_json_getz_ci(doc, rec, "callerIpAddress"));
	hr = rp_json_getz(doc, rec, "httpRequest");
	if (!a.caller_ip.n && rp_json_is(doc, hr, RP_JSON_OBJECT))
		a.caller_ip = str_of(doc, rp_json_getz(doc, hr, "clientIpAddress"));
	tnode = rp_json_getz(doc, rec, "time");
	if (tnode == RP_JSON_NONE)
		tnode = rp_json_getz(doc, rec, "eventTimestamp");
	t = str_of(doc, tnode);
	if (rp_watch_parse_time(t.p, t.n, &a.ts_ms) < 0) {
		rc = rp_diag_addc(
			diag, RP_DIAG_ERROR, "watch-record", doc->src,
			tnode == RP_JSON_NONE ? doc->nodes[rec].off : doc->nodes[tnode].off,
			tnode == RP_JSON_NONE ? doc->nodes[rec].off + 1
					      : doc->nodes[tnode].off + doc->nodes[tnode].len,
			"Activity Log record without a valid time (ISO-8601 UTC)");
		goto out;
	}
	props = rp_json_getz(doc, rec, "properties");
	rb = rp_json_is(doc, props, RP_JSON_OBJECT) ? rp_json_getz_ci(doc, props, "requestbody")
						    : RP_JSON_NONE;
	if (rp_json_is(doc, rb, RP_JSON_STRING)) {
		rp_slice b = str_of(doc, rb);
		rp_diag bd;
		rp_diag_init(&bd);
		rc = rp_source_from_memory("requestbody", b.p, b.n, &bsrc);
		if (rc == 0)
			rc = rp_json_parse(bsrc, RP_JSON_STRICT, &owned, &bd);
		if (rc == 0) {
			a.body_doc = owned;
			a.body = rp_json_root(owned);
		} else if (rc != -RP_ENOMEM) {
			/* truncated or not JSON: the detectors see no body */
			rc = rp_diag_addc(diag, RP_DIAG_WARNING, "watch-requestbody", doc->src,
					  doc->nodes[rb].off, doc->nodes[rb].off + 1,
					  "properties.requestbody is not JSON (%s); ignored",
					  bd.count ? bd.items[0].message : "parse error");
		}
		rp_diag_release(&bd);
		if (rc < 0)
			goto out;
	} else if (rp_json_is(doc, rb, RP_JSON_OBJECT)) {
		a.body_doc = doc;
		a.body = rb; /* already an object: lives in the record's document */
	}
	if (stats)
		stats->activities++;
	if (sink->activity)
		rc = sink->activity(sink->ctx, &a);
out:
	rp_json_doc_free(owned);
	rp_source_free(bsrc);
	return rc;
}
