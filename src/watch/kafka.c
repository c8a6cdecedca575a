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

int rp_watch_kafka_run(const rp_watch_kafka_opts *o, const rp_watch_sink *sink, rp_diag *diag,
		       rp_watch_stats *st, rp_watch_kafka_stats *ks)
{
	rp_dynlib lib;
	rd_kafka_conf_t *conf = NULL;
	rd_kafka_t *rk = NULL;
	rd_kafka_topic_partition_list_t *tl = NULL;
	char err[512];
	size_t i, batch = 0;
	int64_t last_msg, last_commit;
	int rc;

	memset(&lib, 0, sizeof(lib));
	memset(ks, 0, sizeof(*ks));
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
			batch++;
			last_msg = now;
		}
		/* commit what has been processed: every batch_max messages, or
		 * batch_ms after the first uncommitted one */
		if (batch && (batch >= o->batch_max || now - last_commit >= o->batch_ms)) {
			rd_kafka_resp_err_t e = K.commit(rk, NULL, 0);
			if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET) {
				rp_diag_add(diag, RP_DIAG_WARNING, NULL, 0, 0,
					    "kafka: commit failed: %s", K.err2str(e));
				flush(o, diag);
			} else {
				ks->commits++;
			}
			batch = 0;
			last_commit = now;
		}
	}
	if (batch) {
		rd_kafka_resp_err_t e = K.commit(rk, NULL, 0);
		if (!e)
			ks->commits++;
	}
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
