/* test-watch-kafka.c: `rampart watch --kafka` against librdkafka's mock
 * cluster (rdkafka_mock.h) on loopback.  This test program links librdkafka
 * directly; rampart itself loads it at run time.
 *
 * 1. a 3-broker mock cluster, topic with 4 partitions;
 * 2. two rampart instances in one consumer group subscribe;
 * 3. every sample of ../shared/fixtures/monitoring and a generated flow log
 *    (one message each, several copies) are produced;
 * 4. both instances stop when idle; every record must have been processed
 *    exactly once by the group (the records counts of the two instances
 *    add up to what was produced), both instances must have taken part,
 *    and the findings (JSON lines, input names removed) must equal file
 *    mode's on the same inputs.
 * Prints "N passed, N failed". */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;

#define NSAMPLES 6u
#define NMSG (NSAMPLES + 4u)

#define CHECK(cond, ...)                              \
	do {                                          \
		if (cond) {                           \
			passed++;                     \
		} else {                              \
			failed++;                     \
			printf("FAIL: " __VA_ARGS__); \
			printf("\n");                 \
		}                                     \
	} while (0)

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *b = NULL;
	long len;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = malloc((size_t)len + 1);
	if (b && fread(b, 1, (size_t)len, fp) != (size_t)len) {
		free(b);
		b = NULL;
	}
	if (b)
		b[len] = '\0';
	*n = (size_t)len;
	fclose(fp);
	return b;
}

/* Runs argv with stdout to out and stderr to err; returns the pid. */
static pid_t spawn(char *const argv[], const char *out, const char *err)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (!freopen(out, "w", stdout) || !freopen(err, "w", stderr))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Sorted lines of a file with "input":"..." removed, joined. */
static char *normalized(const char *path)
{
	char cmd[1024], *out;
	size_t n;
	char tmp[] = "/tmp/watch-kafka-norm-XXXXXX";
	int fd = mkstemp(tmp);

	if (fd < 0)
		return NULL;
	close(fd);
	snprintf(cmd, sizeof(cmd), "sed 's/\"input\":\"[^\"]*\",//g' '%s' | sort > '%s'", path,
		 tmp);
	if (system(cmd) != 0)
		return NULL;
	out = slurp(tmp, &n);
	unlink(tmp);
	return out;
}

/* Generated messages (synthetic), each self-contained: a scan, a sweep,
 * RDP accepted from the Internet, weakening Activity Log changes. */
static char *generated(int which)
{
	char *b = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&b, &n);
	int i;
	const char *rec = "{\"time\":\"2023-11-14T22:13:20Z\",\"flowLogVersion\":4,"
			  "\"flowRecords\":{\"flows\":[{\"aclID\":\"a\",\"flowGroups\":[{"
			  "\"rule\":\"r\",\"flowTuples\":[";

	if (!fp)
		return NULL;
	switch (which) {
	case 0:
		fprintf(fp, "{\"records\":[%s", rec);
		for (i = 0; i < 60; i++)
			fprintf(fp, "%s\"%lld,192.0.2.66,10.0.0.4,40000,%d,6,I,D,NX,0,0,0,0\"",
				i ? "," : "", 1700000000000LL + i * 1000, 1000 + i);
		fputs("]}]}]}}]}", fp);
		break;
	case 1:
		fprintf(fp, "{\"records\":[%s", rec);
		for (i = 0; i < 25; i++)
			fprintf(fp, "%s\"%lld,192.0.2.99,10.0.2.%d,40001,22,6,I,D,NX,0,0,0,0\"",
				i ? "," : "", 1700000030000LL + i * 1000, i + 1);
		fputs("]}]}]}}]}", fp);
		break;
	case 2:
		fprintf(fp,
			"{\"records\":[%s\"1700000100000,203.0.113.9,10.0.0.5,50123,3389,6,I,"
			"E,NX,5,500,5,500\"]}]}]}}]}",
			rec);
		break;
	default:
		fputs("{\"time\":\"2023-11-14T22:14:00Z\",\"resourceId\":\"/SUBSCRIPTIONS/S/"
		      "RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG/"
		      "SECURITYRULES/OPEN\",\"operationName\":\"MICROSOFT.NETWORK/"
		      "NETWORKSECURITYGROUPS/SECURITYRULES/WRITE\",\"resultType\":\"Start\","
		      "\"correlationId\":\"k1\",\"properties\":{\"requestbody\":\"{\\\"properties"
		      "\\\":{\\\"access\\\":\\\"Allow\\\",\\\"direction\\\":\\\"Inbound\\\","
		      "\\\"sourceAddressPrefix\\\":\\\"*\\\",\\\"destinationPortRange\\\":"
		      "\\\"22\\\"}}\"}}\n",
		      fp);
		fputs("{\"time\":\"2023-11-14T22:14:01Z\",\"resourceId\":\"/SUBSCRIPTIONS/S/"
		      "RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG/"
		      "SECURITYRULES/OPEN\",\"operationName\":\"MICROSOFT.NETWORK/"
		      "NETWORKSECURITYGROUPS/SECURITYRULES/WRITE\",\"resultType\":\"Success\","
		      "\"correlationId\":\"k1\",\"properties\":{}}\n",
		      fp);
		break;
	}
	fclose(fp);
	return b;
}

/* The partition count of the last "kafka: holding N partitions" note in an
 * instance's stderr, or -1 before its first assignment. */
static long long holding(const char *path)
{
	static const char key[] = "kafka: holding ";
	size_t n;
	char *s = slurp(path, &n), *p, *last = NULL;
	long long v = -1;

	if (!s)
		return -1;
	for (p = strstr(s, key); p; p = strstr(p + 1, key))
		last = p;
	if (last)
		v = atoll(last + sizeof(key) - 1);
	free(s);
	return v;
}

static long long field(const char *path, const char *key)
{
	size_t n;
	char *s = slurp(path, &n), *p;
	long long v = -1;

	if (!s)
		return -1;
	p = strstr(s, key);
	if (p) {
		/* "N records" style: the number before the key */
		while (p > s && p[-1] == ' ')
			p--;
		while (p > s && p[-1] >= '0' && p[-1] <= '9')
			p--;
		v = atoll(p);
	}
	free(s);
	return v;
}

int main(void)
{
	static const char *const samples[] = {
		"nsg_flow_v1_msdocs_PT1H.json",
		"nsg_flow_v2_msdocs_PT1H.json",
		"vnet_flow_v4_msdocs_PT1H.json",
		"vnet_flow_v4_otel_valid_1.json",
		"activitylog_eh_diagsettings_write_otel.json",
		"activitylog_eh_msdocs_example.json",
	};
	/* records per message: the samples (tests/watch/test-watch-parse.c),
	 * then the generated ones */
	static const int nrec[] = { 3, 2, 1, 1, 1, 1, 1, 1, 1, 2 };
	const char *bin = getenv("RAMPART_BIN"), *shared = getenv("RAMPART_SHARED");
	char err[512], dir[] = "/tmp/watch-kafka-XXXXXX", path[4096], out[2][256], errf[2][256],
		       fileout[256], bs_copy[1024];
	rd_kafka_conf_t *conf;
	rd_kafka_t *host, *prod;
	rd_kafka_mock_cluster_t *mc;
	const char *bs;
	pid_t pids[2];
	size_t i, n;
	int k, status, produced_records = 0;
	char *fa, *fb;
	long long r0, r1;

	if (!bin || !shared || !mkdtemp(dir)) {
		printf("FAIL: RAMPART_BIN / RAMPART_SHARED not set\n0 passed, 1 failed\n");
		return 1;
	}
	conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err));
	host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	CHECK(host != NULL, "mock host: %s", err);
	if (!host)
		goto done;
	mc = rd_kafka_mock_cluster_new(host, 3);
	CHECK(mc != NULL, "mock cluster");
	if (!mc)
		goto done;
	bs = rd_kafka_mock_cluster_bootstraps(mc);
	snprintf(bs_copy, sizeof(bs_copy), "%s", bs);
	CHECK(rd_kafka_mock_topic_create(mc, "flowlogs", 4, 3) == RD_KAFKA_RESP_ERR_NO_ERROR,
	      "topic");

	/* two instances, one group.  Messages of different partitions arrive
	 * in any order: an unbounded lateness keeps every window open to the
	 * end, and the order-dependent baselines (005, 006) are off, so the
	 * group's findings must equal one process reading every message. */
	for (k = 0; k < 2; k++) {
		char *argv[] = { (char *)bin, "watch", "--no-status", "--fail-on", "none",
				 "--lateness", "4000000000", "--skip-rule",
				 "RMP-WATCH-005,RMP-WATCH-006", "--kafka", bs_copy, "--topic",
				 "flowlogs", "--group", "rampart", "--idle-exit", "20", "-X",
				 "log_level=0",
				 /* librdkafka 2.0.2's mock coordinator can answer a
				  * follower's SyncGroup with INVALID_REQUEST, then
				  * hold both members' rejoin until the rebalance
				  * timeout (max.poll.interval.ms, 300 s by default):
				  * short timeouts let the group recover within 10 s */
				 "-X", "session.timeout.ms=6000", "-X",
				 "max.poll.interval.ms=10000", "-X", "heartbeat.interval.ms=500",
				 NULL };
		snprintf(out[k], sizeof(out[k]), "%s/out%d", dir, k);
		snprintf(errf[k], sizeof(errf[k]), "%s/err%d", dir, k);
		pids[k] = spawn(argv, out[k], errf[k]);
	}
	/* produce only once the group is stable: both instances hold
	 * partitions and together all 4 (each instance notes its assignment
	 * on stderr; its idle clock restarts with every rebalance) */
	{
		int waited;
		long long h0 = -1, h1 = -1;
		for (waited = 0; waited < 900; waited++) {
			h0 = holding(errf[0]);
			h1 = holding(errf[1]);
			if (h0 > 0 && h1 > 0 && h0 + h1 == 4)
				break;
			usleep(100000);
		}
		CHECK(h0 > 0 && h1 > 0 && h0 + h1 == 4,
		      "group stable within 90 s: instances hold %lld and %lld partitions", h0, h1);
	}

	conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "bootstrap.servers", bs, err, sizeof(err));
	rd_kafka_conf_set(conf, "log_level", "0", err, sizeof(err));
	prod = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	CHECK(prod != NULL, "producer: %s", err);
	if (!prod)
		goto done;
	for (i = 0; i < NMSG; i++) {
		char *data;
		FILE *fp;
		if (i < NSAMPLES) {
			snprintf(path, sizeof(path), "%s/fixtures/monitoring/%s", shared,
				 samples[i]);
			data = slurp(path, &n);
		} else {
			data = generated((int)(i - NSAMPLES));
			n = data ? strlen(data) : 0;
		}
		CHECK(data != NULL, "message %zu", i);
		if (!data)
			continue;
		/* the same bytes as a file, for file mode */
		snprintf(path, sizeof(path), "%s/m%02zu.json", dir, i);
		fp = fopen(path, "wb");
		CHECK(fp && fwrite(data, 1, n, fp) == n && fclose(fp) == 0, "write %s", path);
		CHECK(rd_kafka_producev(prod, RD_KAFKA_V_TOPIC("flowlogs"),
					RD_KAFKA_V_PARTITION((int32_t)(i % 4)),
					RD_KAFKA_V_VALUE(data, n),
					RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
					RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR,
		      "produce %zu", i);
		produced_records += nrec[i];
		free(data);
	}
	CHECK(rd_kafka_flush(prod, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR, "flush");
	rd_kafka_destroy(prod);

	for (k = 0; k < 2; k++) {
		CHECK(waitpid(pids[k], &status, 0) == pids[k] && WIFEXITED(status) &&
			      WEXITSTATUS(status) == 0,
		      "instance %d exit status %d", k, WEXITSTATUS(status));
	}
	r0 = field(errf[0], " records,");
	r1 = field(errf[1], " records,");
	CHECK(r0 >= 0 && r1 >= 0, "both instances report their records");
	CHECK(r0 + r1 == produced_records, "records processed once by the group: %lld + %lld != %d",
	      r0, r1, produced_records);
	CHECK(r0 > 0 && r1 > 0, "both instances took part: %lld and %lld", r0, r1);
	CHECK(field(errf[0], " commits") > 0 || field(errf[1], " commits") > 0,
	      "offsets committed");

	/* file mode: one process, every message as a file */
	{
		char cmd[8192], both[256];
		snprintf(cmd, sizeof(cmd),
			 "'%s' watch --no-status --fail-on none --lateness 4000000000 --skip-rule "
			 "RMP-WATCH-005,RMP-WATCH-006 '%s'/m*.json > '%s/file.out'",
			 bin, dir, dir);
		CHECK(system(cmd) == 0, "file mode");
		snprintf(fileout, sizeof(fileout), "%s/file.out", dir);
		snprintf(both, sizeof(both), "%s/both.out", dir);
		snprintf(cmd, sizeof(cmd), "cat '%s' '%s' > '%s'", out[0], out[1], both);
		CHECK(system(cmd) == 0, "cat");
		fa = normalized(fileout);
		fb = normalized(both);
		/* 002 (sample and generated), 004 scan and sweep, 010 */
		CHECK(fa && fb && strstr(fa, "RMP-WATCH-002") && strstr(fa, "RMP-WATCH-004") &&
			      strstr(fa, "RMP-WATCH-010"),
		      "file mode findings:\n%s", fa ? fa : "");
		CHECK(fa && fb && strcmp(fa, fb) == 0,
		      "findings equal file mode's:\n--- file\n%s--- kafka\n%s", fa ? fa : "",
		      fb ? fb : "");
		free(fa);
		free(fb);
	}
	rd_kafka_mock_cluster_destroy(mc);
done:
	if (host)
		rd_kafka_destroy(host);
	{
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (failed)
			printf("kept %s\n", dir); /* for the failure's evidence */
		else if (system(cmd) != 0)
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
