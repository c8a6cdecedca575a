/* kafka.h: `rampart watch --kafka`: records from a Kafka topic (Azure Event
 * Hubs' Kafka endpoint, or any broker) as a member of a consumer group, so
 * N instances share the partitions.
 *
 * Every message is one input ({"records": [...]}, JSON Lines or a REST
 * event), read through an rp_watch_reader named "kafka:TOPIC/PARTITION@OFFSET".
 * Offsets are committed (synchronously) only after the messages before them
 * have been processed, every batch_max messages or batch_ms milliseconds,
 * and before partitions are revoked in a rebalance: a restart resumes after
 * the last processed batch, so no record is lost (after a crash, records of
 * the last uncommitted batch may be read twice).  Each rebalance adds a note
 * with the partitions held and restarts the idle clock.  Detector
 * windows still open at a restart are not persisted (docs/watch.md).
 *
 * librdkafka is loaded at run time (util/dynlib.h); nothing links it.
 */
#ifndef RP_WATCH_KAFKA_H
#define RP_WATCH_KAFKA_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"
#include "watch/watch.h"

typedef struct rp_watch_kafka_opts {
	const char *brokers; /* bootstrap.servers */
	const char *topic;
	const char *group;       /* group.id */
	const char *const *conf; /* extra librdkafka settings "key=value" (-X) */
	size_t nconf;
	size_t batch_max; /* commit every N messages */
	int64_t batch_ms; /* ... or this long after the last commit */
	int64_t idle_ms;  /* stop after this long without a message or rebalance; 0: never */
	volatile sig_atomic_t *stop; /* set by a signal handler: stop cleanly */
	void (*on_batch)(void *ctx); /* after each message: print diag (it is then cleared) */
	void *ctx;
} rp_watch_kafka_opts;

typedef struct rp_watch_kafka_stats {
	uint64_t messages, bad_messages, commits;
} rp_watch_kafka_stats;

/* Consumes until stop, idle or a fatal error.  0, -RP_ENOTFOUND /
 * -RP_EUNSUPPORTED (librdkafka missing or too old: diagnostic), -RP_EINVAL
 * (a bad setting: diagnostic), -RP_ENOMEM, or a sink's code. */
int rp_watch_kafka_run(const rp_watch_kafka_opts *o, const rp_watch_sink *sink, rp_diag *diag,
		       rp_watch_stats *st, rp_watch_kafka_stats *ks);

#endif
