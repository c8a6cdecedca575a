/* kafka.c: `watch --kafka`: a librdkafka consumer group (see kafka.h).
 *
 * librdkafka is not linked: it is opened at run time with dlopen through
 * util/dynlib.h (soname librdkafka.so.1) and its functions are called
 * through the table below; <librdkafka/rdkafka.h> gives the types only.
 * Only real exported functions are used (the header's inline helpers would
 * need the library at link time). */
#include "watch/kafka.h"

#include "util/dynlib.h"
#include "util/error.h"

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct {
	rd_kafka_conf_t *(*conf_new)(void);
	rd_kafka_conf_res_t (*conf_set)(rd_kafka_conf_t *, const char *, const char *, char *,
					size_t);
	void (*conf_destroy)(rd_kafka_conf_t *);
	rd_kafka_t *(*kafka_new)(rd_kafka_type_t, rd_kafka_conf_t *, char *, size_t);
	void (*kafka_destroy)(rd_kafka_t *);
	rd_kafka_resp_err_t (*poll_set_consumer)(rd_kafka_t *);
	rd_kafka_topic_partition_list_t *(*tpl_new)(int);
	rd_kafka_topic_partition_t *(*tpl_add)(rd_kafka_topic_partition_list_t *, const char *,
					       int32_t);
	void (*tpl_destroy)(rd_kafka_topic_partition_list_t *);
	rd_kafka_resp_err_t (*subscribe)(rd_kafka_t *, const rd_kafka_topic_partition_list_t *);
	rd_kafka_message_t *(*consumer_poll)(rd_kafka_t *, int);
	void (*message_destroy)(rd_kafka_message_t *);
	rd_kafka_resp_err_t (*commit)(rd_kafka_t *, const rd_kafka_topic_partition_list_t *, int);
	rd_kafka_resp_err_t (*consumer_close)(rd_kafka_t *);
	const char *(*err2str)(rd_kafka_resp_err_t);
	const char *(*topic_name)(const rd_kafka_topic_t *);
	void (*conf_set_rebalance_cb)(rd_kafka_conf_t *,
				      void (*)(rd_kafka_t *, rd_kafka_resp_err_t,
					       rd_kafka_topic_partition_list_t *, void *));
	void (*conf_set_opaque)(rd_kafka_conf_t *, void *);
	rd_kafka_resp_err_t (*assign)(rd_kafka_t *, const rd_kafka_topic_partition_list_t *);
	rd_kafka_error_t *(*incremental_assign)(rd_kafka_t *,
						const rd_kafka_topic_partition_list_t *);
	rd_kafka_error_t *(*incremental_unassign)(rd_kafka_t *,
						  const rd_kafka_topic_partition_list_t *);
	const char *(*rebalance_protocol)(rd_kafka_t *);
	rd_kafka_resp_err_t (*assignment)(rd_kafka_t *, rd_kafka_topic_partition_list_t **);
	const char *(*error_string)(const rd_kafka_error_t *);
	void (*error_destroy)(rd_kafka_error_t *);
} K;

static const rp_dynsym ksyms[] = {
	{ "rd_kafka_conf_new", (void **)&K.conf_new },
	{ "rd_kafka_conf_set", (void **)&K.conf_set },
	{ "rd_kafka_conf_destroy", (void **)&K.conf_destroy },
	{ "rd_kafka_new", (void **)&K.kafka_new },
	{ "rd_kafka_destroy", (void **)&K.kafka_destroy },
	{ "rd_kafka_poll_set_consumer", (void **)&K.poll_set_consumer },
	{ "rd_kafka_topic_partition_list_new", (void **)&K.tpl_new },
	{ "rd_kafka_topic_partition_list_add", (void **)&K.tpl_add },
	{ "rd_kafka_topic_partition_list_destroy", (void **)&K.tpl_destroy },
	{ "rd_kafka_subscribe", (void **)&K.subscribe },
	{ "rd_kafka_consumer_poll", (void **)&K.consumer_poll },
	{ "rd_kafka_message_destroy", (void **)&K.message_destroy },
	{ "rd_kafka_commit", (void **)&K.commit },
	{ "rd_kafka_consumer_close", (void **)&K.consumer_close },
	{ "rd_kafka_err2str", (void **)&K.err2str },
	{ "rd_kafka_topic_name", (void **)&K.topic_name },
	{ "rd_kafka_conf_set_rebalance_cb", (void **)&K.conf_set_rebalance_cb },
	{ "rd_kafka_conf_set_opaque", (void **)&K.conf_set_opaque },
	{ "rd_kafka_assign", (void **)&K.assign },
	{ "rd_kafka_incremental_assign", (void **)&K.incremental_assign },
	{ "rd_kafka_incremental_unassign", (void **)&K.incremental_unassign },
	{ "rd_kafka_rebalance_protocol", (void **)&K.rebalance_protocol },
	{ "rd_kafka_assignment", (void **)&K.assignment },
	{ "rd_kafka_error_string", (void **)&K.error_string },
	{ "rd_kafka_error_destroy", (void **)&K.error_destroy },
};
static const char *const ksonames[] = { "librdkafka.so.1", NULL };

static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Hands the diagnostics to the caller, then drops them (they may point
 * into a reader that is about to be freed). */
static void flush(const rp_watch_kafka_opts *o, rp_diag *diag)
{
	if (o->on_batch)
		o->on_batch(o->ctx);
	rp_diag_release(diag);
	rp_diag_init(diag);
}

static int set(rd_kafka_conf_t *conf, const char *k, const char *v, rp_diag *diag)
{
	char err[512];

	if (K.conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "kafka: %s=%s: %s", k, v, err);
		return -RP_EINVAL;
	}
	return 0;
}

/* State shared with the rebalance callback (which librdkafka calls from
 * inside consumer_poll, on this thread). */
typedef struct kafka_run {
	rp_diag *diag;
	rp_watch_kafka_stats *ks;
	size_t batch;    /* messages processed since the last commit */
	bool rebalanced; /* the assignment changed during the last poll */
} kafka_run;

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* A note with what this member holds now: "kafka: holding 2 partitions of
 * TOPIC: 0,2" (partition numbers sorted; one topic is subscribed). */
static void note_assignment(rd_kafka_t *rk, kafka_run *r)
{
	rd_kafka_topic_partition_list_t *cur = NULL;
	int32_t *ids = NULL;
	char list[512];
	size_t len = 0, n = 0, i;
	const char *topic = "";

	list[0] = '\0';
	if (K.assignment(rk, &cur) != RD_KAFKA_RESP_ERR_NO_ERROR || !cur)
		goto out;
	n = cur->cnt > 0 ? (size_t)cur->cnt : 0;
	ids = n ? malloc(n * sizeof(*ids)) : NULL;
	if (n && !ids)
		goto out;
	for (i = 0; i < n; i++)
		ids[i] = cur->elems[i].partition;
	if (n)
		topic = cur->elems[0].topic;
	if (n > 1)
		qsort(ids, n, sizeof(*ids), cmp_i32);
	for (i = 0; i < n && len + 16 < sizeof(list); i++) {
		int w = snprintf(list + len, sizeof(list) - len, "%s%d", i ? "," : "", (int)ids[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (i < n)
		snprintf(list + len, sizeof(list) - len, ",...");
	rp_diag_add(r->diag, RP_DIAG_NOTE, NULL, 0, 0, "kafka: holding %zu partition%s%s%s%s%s", n,
		    n == 1 ? "" : "s", n ? " of " : "", topic, n ? ": " : "", list);
out:
	free(ids);
	if (cur)
		K.tpl_destroy(cur);
}

/* Commits what has been processed (synchronously). */
static void commit_processed(rd_kafka_t *rk, kafka_run *r)
{
	rd_kafka_resp_err_t e;

	if (!r->batch)
		return;
	e = K.commit(rk, NULL, 0);
	if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET)
		rp_diag_add(r->diag, RP_DIAG_WARNING, NULL, 0, 0, "kafka: commit failed: %s",
			    K.err2str(e));
	else
		r->ks->commits++;
	r->batch = 0;
}

/* Takes over librdkafka's automatic assignment only to commit the processed
 * offsets before partitions go (so another member does not read them
 * again) and to say what this member holds. */
static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
			 rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	kafka_run *r = opaque;
	bool coop = strcmp(K.rebalance_protocol(rk), "COOPERATIVE") == 0;
	rd_kafka_error_t *e = NULL;
	rd_kafka_resp_err_t ae = RD_KAFKA_RESP_ERR_NO_ERROR;

	switch (err) {
	case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
		if (coop)
			e = K.incremental_assign(rk, parts);
		else
			ae = K.assign(rk, parts);
		break;
	case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
		commit_processed(rk, r);
		if (coop)
			e = K.incremental_unassign(rk, parts);
		else
			ae = K.assign(rk, NULL);
		break;
	default:
		rp_diag_add(r->diag, RP_DIAG_WARNING, NULL, 0, 0, "kafka: rebalance failed: %s",
			    K.err2str(err));
		ae = K.assign(rk, NULL);
		break;
	}
	if (e) {
		rp_diag_add(r->diag, RP_DIAG_WARNING, NULL, 0, 0, "kafka: assignment: %s",
			    K.error_string(e));
		K.error_destroy(e);
	} else if (ae) {
		rp_diag_add(r->diag, RP_DIAG_WARNING, NULL, 0, 0, "kafka: assignment: %s",
			    K.err2str(ae));
	}
	note_assignment(rk, r);
	r->rebalanced = true;
}

int rp_watch_kafka_run(const rp_watch_kafka_opts *o, const rp_watch_sink *sink, rp_diag *diag,
		       rp_watch_stats *st, rp_watch_kafka_stats *ks)
{
	rp_dynlib lib;
	rd_kafka_conf_t *conf = NULL;
	rd_kafka_t *rk = NULL;
	rd_kafka_topic_partition_list_t *tl = NULL;
	char err[512];
	size_t i;
	int64_t last_msg, last_commit;
	kafka_run run;
	int rc;

	memset(&lib, 0, sizeof(lib));
	memset(ks, 0, sizeof(*ks));
	memset(&run, 0, sizeof(run));
	run.diag = diag;
	run.ks = ks;
	rc = rp_dynlib_load(&lib, ksonames, "librdkafka1", ksyms, sizeof(ksyms) / sizeof(ksyms[0]),
			    diag);
	if (rc < 0)
		return rc;
	conf = K.conf_new();
	if (!conf) {
		rc = -RP_ENOMEM;
		goto out;
	}
	/* ours first; -X settings may override everything but the commit
	 * policy, which the at-least-once guarantee depends on */
	if ((rc = set(conf, "bootstrap.servers", o->brokers, diag)) < 0 ||
	    (rc = set(conf, "group.id", o->group, diag)) < 0 ||
	    (rc = set(conf, "auto.offset.reset", "earliest", diag)) < 0)
		goto out;
	for (i = 0; i < o->nconf; i++) {
		const char *eq = strchr(o->conf[i], '=');
		char key[256];
		if (!eq || eq == o->conf[i] || (size_t)(eq - o->conf[i]) >= sizeof(key)) {
			rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0,
				    "kafka: -X %s: expected KEY=VALUE", o->conf[i]);
			rc = -RP_EINVAL;
			goto out;
		}
		memcpy(key, o->conf[i], (size_t)(eq - o->conf[i]));
		key[eq - o->conf[i]] = '\0';
		if ((rc = set(conf, key, eq + 1, diag)) < 0)
			goto out;
	}
	if ((rc = set(conf, "enable.auto.commit", "false", diag)) < 0 ||
	    (rc = set(conf, "enable.auto.offset.store", "true", diag)) < 0)
		goto out;
	K.conf_set_opaque(conf, &run);
	K.conf_set_rebalance_cb(conf, on_rebalance);
	rk = K.kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
	if (!rk) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "kafka: %s", err);
		rc = -RP_EINVAL;
		goto out;
	}
	conf = NULL; /* owned by rk */
	K.poll_set_consumer(rk);
	tl = K.tpl_new(1);
	if (!tl) {
		rc = -RP_ENOMEM;
		goto out;
	}
	K.tpl_add(tl, o->topic, RD_KAFKA_PARTITION_UA);
	if (K.subscribe(rk, tl) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "kafka: cannot subscribe to %s",
			    o->topic);
		rc = -RP_EINVAL;
		goto out;
	}
	last_msg = last_commit = mono_ms();
	while (!(o->stop && *o->stop)) {
		rd_kafka_message_t *m = K.consumer_poll(rk, 200);
		int64_t now = mono_ms();
		if (run.rebalanced) {
			/* joining and rebalancing are not idleness: the idle
			 * clock starts again with a new assignment */
			run.rebalanced = false;
			last_msg = now;
			flush(o, diag);
		}
		if (!m) {
			if (o->idle_ms && now - last_msg >= o->idle_ms)
				break;
		} else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			K.message_destroy(m);
		} else if (m->err) {
			/* transient broker errors are retried by librdkafka; report */
			rp_diag_add(diag, RP_DIAG_WARNING, NULL, 0, 0, "kafka: %s",
				    K.err2str(m->err));
			K.message_destroy(m);
			flush(o, diag);
		} else {
			char name[512];
			rp_watch_reader *rd;
			snprintf(name, sizeof(name), "kafka:%s/%d@%lld",
				 m->rkt ? K.topic_name(m->rkt) : o->topic, (int)m->partition,
				 (long long)m->offset);
			rd = rp_watch_reader_new(name, NULL, sink, diag, st);
			if (!rd) {
				K.message_destroy(m);
				rc = -RP_ENOMEM;
				goto out;
			}
			rc = rp_watch_reader_feed(rd, m->payload ? (const char *)m->payload : "",
						  m->len);
			if (rc == 0)
				rc = rp_watch_reader_finish(rd);
			/* a bad message is a diagnostic, not the end of the stream */
			if (rc == -RP_EPARSE || rc == -RP_ELIMIT) {
				ks->bad_messages++;
				rc = 0;
			}
			flush(o, diag); /* diagnostics point into rd: print now */
			rp_watch_reader_free(rd);
			K.message_destroy(m);
			if (rc < 0)
				goto out;
			ks->messages++;
			run.batch++;
			last_msg = now;
		}
		/* commit what has been processed: every batch_max messages, or
		 * batch_ms after the first uncommitted one */
		if (run.batch && (run.batch >= o->batch_max || now - last_commit >= o->batch_ms)) {
			commit_processed(rk, &run);
			if (diag->count)
				flush(o, diag);
			last_commit = now;
		}
	}
	commit_processed(rk, &run);
	rc = 0;
out:
	if (tl)
		K.tpl_destroy(tl);
	if (rk) {
		K.consumer_close(rk);
		K.kafka_destroy(rk);
	}
	if (conf)
		K.conf_destroy(conf);
	rp_dynlib_close(&lib);
	return rc;
}
