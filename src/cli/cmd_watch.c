/* cmd_watch.c: `rampart watch`: flow logs and activity logs through the
 * detectors of src/watch; findings as JSON lines while streaming, a report
 * at exit, optional --exec per finding, --follow for growing PT1H.json
 * blobs.  Behaviour and formats: docs/watch.md. */
#include "cli/cli.h"
#include "report/report.h"
#include "report/scan.h"
#include "util/error.h"
#include "util/str.h"
#include "watch/detect.h"
#include "watch/kafka.h"
#include "watch/policy.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef RAMPART_VERSION
#define RAMPART_VERSION "0.1.0"
#endif

#define WATCH_MAX_FILES 100000u /* files under the given paths */
#define WATCH_MAX_ARGV 64       /* words of --exec */

typedef struct wfile {
	char *path;
	rp_watch_reader *rd;
	uint64_t off;
	bool failed;
} wfile;

typedef struct fpos {
	const char *input; /* interned in the report */
	uint64_t off;
} fpos;

typedef struct wctx {
	rp_cli *cli;
	FILE *lines; /* JSON lines (stdout or --stream FILE), or NULL */
	char *exec_argv[WATCH_MAX_ARGV + 1];
	int exec_timeout;
	rp_report rep;
	fpos *pos;
	size_t npos, poscap;
	rp_buf line;
	int err;
	bool tty;
	struct timespec last_status;
	rp_watch_stats stats;
	rp_watch_det *det;
	size_t exec_failed;
} wctx;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void err(const rp_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void err(const rp_cli *cli, const char *fmt, ...)
{
	va_list ap;

	(void)cli;
	fputs("rampart: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Runs argv with the finding on stdin; kills it after timeout seconds. */
static int run_exec(wctx *w, const char *json, size_t n)
{
	int in[2];
	pid_t pid;
	int status = 0;
	size_t done = 0;
	struct timespec t0, now;

	if (pipe(in) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		close(in[0]);
		close(in[1]);
		/* the command's stdout must not mix into the JSON lines */
		dup2(2, 1);
		execvp(w->exec_argv[0], w->exec_argv);
		_exit(127);
	}
	close(in[0]);
	signal(SIGPIPE, SIG_IGN);
	while (done < n) {
		ssize_t k = write(in[1], json + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		done += (size_t)k;
	}
	close(in[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= w->exec_timeout) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr, "rampart: warning: --exec %s: killed after %d s\n",
				w->exec_argv[0], w->exec_timeout);
			return -1;
		}
		poll(NULL, 0, 10);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "rampart: warning: --exec %s: exit status %d\n", w->exec_argv[0],
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return -1;
	}
	return 0;
}

static void status_line(wctx *w, bool final)
{
	struct timespec now;
	rp_watch_det_stats ds;

	if (!w->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && now.tv_sec == w->last_status.tv_sec)
		return;
	w->last_status = now;
	rp_watch_det_get_stats(w->det, &ds);
	fprintf(stderr,
		"\rrampart watch: %llu records, %llu tuples, %llu activity records, %llu "
		"findings%s",
		(unsigned long long)w->stats.records, (unsigned long long)w->stats.tuples,
		(unsigned long long)w->stats.activities, (unsigned long long)ds.findings,
		final ? "\n" : "");
	fflush(stderr);
}

static const rp_report_rule *report_rule(const char *id)
{
	size_t n, i;
	const rp_report_rule *const *cat = rp_scan_catalog(&n);

	for (i = 0; i < n; i++)
		if (strcmp(cat[i]->id, id) == 0)
			return cat[i];
	return NULL;
}

static int on_finding(void *ctx, const rp_watch_finding *f)
{
	wctx *w = ctx;
	rp_report_input in;
	char material[512];
	int rc;

	rp_buf_clear(&w->line);
	rc = rp_watch_finding_json(&w->line, f);
	if (rc < 0)
		return rc;
	if (w->lines) {
		fwrite(w->line.data, 1, w->line.len, w->lines);
		fputc('\n', w->lines);
		fflush(w->lines);
	}
	if (w->exec_argv[0] && run_exec(w, w->line.data, w->line.len) < 0)
		w->exec_failed++;
	memset(&in, 0, sizeof(in));
	in.rule = report_rule(f->rule->id);
	if (!in.rule)
		return -RP_EINTERNAL;
	in.status = f->status;
	in.file = f->nev ? f->ev[0].input : "";
	in.resource_type =
		strncmp(f->rule->id, "RMP-WATCH-01", 12) == 0 ? "activity-log" : "flow-log";
	in.resource_name = f->subject;
	in.resource_id = f->resource_id;
	in.message = f->message;
	in.unknown_reason = f->unknown_reason;
	snprintf(material, sizeof(material), "%s", f->subject ? f->subject : "");
	in.fingerprint_material = material;
	rc = rp_report_add(&w->rep, &in, NULL);
	if (rc < 0)
		return rc;
	if (w->npos == w->poscap) {
		size_t nc = w->poscap ? w->poscap * 2 : 64;
		fpos *np = realloc(w->pos, nc * sizeof(*np));
		if (!np)
			return -RP_ENOMEM;
		w->pos = np;
		w->poscap = nc;
	}
	w->pos[w->npos].input = w->rep.findings[w->rep.nfindings - 1].file;
	w->pos[w->npos].off = f->nev ? f->ev[0].off : 0;
	w->npos++;
	status_line(w, false);
	return 0;
}

/* Line and column of each finding's first evidence (files only), one pass
 * over each input with a fixed buffer (rp_watch_linecol). */
static void resolve_positions(wctx *w)
{
	size_t n = w->npos < w->rep.nfindings ? w->npos : w->rep.nfindings, i, j, m;
	bool *done = calloc(n ? n : 1, sizeof(*done));
	size_t *at = malloc((n ? n : 1) * sizeof(*at));
	uint64_t *off = malloc((n ? n : 1) * sizeof(*off));
	uint32_t *line = malloc((n ? n : 1) * sizeof(*line));
	uint32_t *col = malloc((n ? n : 1) * sizeof(*col));

	if (!done || !at || !off || !line || !col)
		goto out;
	for (i = 0; i < n; i++) {
		const char *in = w->pos[i].input;
		if (done[i] || !in || !*in || strcmp(in, "-") == 0)
			continue;
		for (j = i, m = 0; j < n; j++)
			if (!done[j] && w->pos[j].input && strcmp(w->pos[j].input, in) == 0) {
				done[j] = true;
				at[m] = j;
				off[m++] = w->pos[j].off;
			}
		if (rp_watch_linecol(in, off, m, line, col) < 0)
			continue;
		for (j = 0; j < m; j++)
			if (line[j]) {
				w->rep.findings[at[j]].line = w->rep.findings[at[j]].end_line =
					line[j];
				w->rep.findings[at[j]].column = w->rep.findings[at[j]].end_column =
					col[j];
			}
	}
out:
	free(done);
	free(at);
	free(off);
	free(line);
	free(col);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds path, or the *.json files under a directory (sorted). */
static int collect(const char *path, char ***list, size_t *n, size_t *cap, int depth)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, nc = 0, i;
	int rc = 0;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode)) {
		if (*n == *cap) {
			size_t c2 = *cap ? *cap * 2 : 16;
			char **nl = realloc(*list, c2 * sizeof(*nl));
			if (!nl)
				return -ENOMEM;
			*list = nl;
			*cap = c2;
		}
		if (*n >= WATCH_MAX_FILES)
			return -E2BIG;
		(*list)[*n] = strdup(path);
		if (!(*list)[*n])
			return -ENOMEM;
		(*n)++;
		return 0;
	}
	if (depth > 32)
		return 0;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)) != NULL) {
		char *full;
		size_t len = strlen(de->d_name);
		struct stat s2;
		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&full, "%s/%s", path, de->d_name) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (lstat(full, &s2) < 0 || S_ISLNK(s2.st_mode) ||
		    (!S_ISDIR(s2.st_mode) &&
		     (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0))) {
			free(full);
			continue;
		}
		if (nn == nc) {
			size_t c2 = nc ? nc * 2 : 16;
			char **nl = realloc(names, c2 * sizeof(*nl));
			if (!nl) {
				free(full);
				rc = -ENOMEM;
				break;
			}
			names = nl;
			nc = c2;
		}
		names[nn++] = full;
	}
	closedir(dir);
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_str);
	for (i = 0; i < nn; i++) {
		if (rc == 0)
			rc = collect(names[i], list, n, cap, depth + 1);
		free(names[i]);
	}
	free(names);
	return rc;
}

typedef struct kafka_diag_ctx {
	rp_cli *cli;
	rp_diag *diag;
	bool *input_error;
} kafka_diag_ctx;

/* After each Kafka message: print its diagnostics (they are then dropped). */
static void kafka_diags(void *ctx)
{
	kafka_diag_ctx *k = ctx;

	if (k->diag->nerrors)
		*k->input_error = true;
	rp_cli_print_diags(k->cli, k->diag);
}

/* Appends a repeatable option's argument (-X, --model). */
static int push_arg(const char ***v, size_t *n, const char *arg)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -RP_ENOMEM;
	*v = nv;
	(*v)[(*n)++] = arg;
	return 0;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int split_argv(char *cmd, char **argv)
{
	size_t n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(cmd, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == WATCH_MAX_ARGV)
			return -1;
		argv[n++] = tok;
	}
	argv[n] = NULL;
	return n ? 0 : -1;
}

static int read_stdin(wctx *w, rp_diag *diag, const rp_watch_sink *sink)
{
	rp_watch_reader *rd = rp_watch_reader_new("-", NULL, sink, diag, &w->stats);
	char *blk = malloc(RP_WATCH_READ_BLOCK);
	int rc = 0;

	if (!rd || !blk) {
		rc = -RP_ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t k = read(0, blk, RP_WATCH_READ_BLOCK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "standard input: %s",
				    strerror(errno));
			rc = -RP_EIO;
			goto out;
		}
		if (k == 0)
			break;
		rc = rp_watch_reader_feed(rd, blk, (size_t)k);
		if (rc < 0)
			goto out;
	}
	rc = rp_watch_reader_finish(rd);
out:
	rp_cli_print_diags(w->cli, diag);
	rp_diag_release(diag);
	rp_diag_init(diag);
	rp_watch_reader_free(rd);
	free(blk);
	return rc;
}

int rp_cmd_watch(rp_cli *cli, int argc, char **argv)
{
	char doc_uri[RP_CLI_DOC_URI_MAX];
	enum {
		O_FAIL = 256,
		O_STREAM,
		O_FOLLOW,
		O_INTERVAL,
		O_IDLE,
		O_EXEC,
		O_EXEC_TIMEOUT,
		O_SCAN_PORTS,
		O_SCAN_WINDOW,
		O_SWEEP_HOSTS,
		O_SWEEP_WINDOW,
		O_LATENESS,
		O_PEER_BASELINE,
		O_SPIKE_K,
		O_SPIKE_FLOOR,
		O_MAX_KEYS,
		O_SKIP,
		O_NO_STATUS,
		O_MODEL,
		O_KAFKA,
		O_TOPIC,
		O_GROUP,
	};
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, O_FAIL },
		{ "stream", required_argument, NULL, O_STREAM },
		{ "follow", no_argument, NULL, O_FOLLOW },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "idle-exit", required_argument, NULL, O_IDLE },
		{ "exec", required_argument, NULL, O_EXEC },
		{ "exec-timeout", required_argument, NULL, O_EXEC_TIMEOUT },
		{ "scan-ports", required_argument, NULL, O_SCAN_PORTS },
		{ "scan-window", required_argument, NULL, O_SCAN_WINDOW },
		{ "sweep-hosts", required_argument, NULL, O_SWEEP_HOSTS },
		{ "sweep-window", required_argument, NULL, O_SWEEP_WINDOW },
		{ "lateness", required_argument, NULL, O_LATENESS },
		{ "peer-baseline", required_argument, NULL, O_PEER_BASELINE },
		{ "spike-k", required_argument, NULL, O_SPIKE_K },
		{ "spike-floor", required_argument, NULL, O_SPIKE_FLOOR },
		{ "max-keys", required_argument, NULL, O_MAX_KEYS },
		{ "skip-rule", required_argument, NULL, O_SKIP },
		{ "no-status", no_argument, NULL, O_NO_STATUS },
		{ "model", required_argument, NULL, O_MODEL },
		{ "kafka", required_argument, NULL, O_KAFKA },
		{ "topic", required_argument, NULL, O_TOPIC },
		{ "group", required_argument, NULL, O_GROUP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const rp_command *self = rp_command_find("watch");
	const rp_report_format *fmt = NULL;
	const char *out_path = NULL, *stream_path = NULL;
	char *exec_cmd = NULL;
	rp_severity threshold = RP_SEV_HIGH;
	bool fail_never = false, follow = false, input_error = false, no_status = false;
	unsigned long long interval = 5, idle = 0, v;
	rp_watch_config cfg;
	wctx w;
	rp_diag diag;
	wfile *files = NULL;
	char **paths = NULL;
	size_t npaths = 0, pcap = 0, i;
	rp_buf out = RP_BUF_INIT;
	rp_watch_sink sink;
	int c, rc = RP_EXIT_OK, r;
	bool use_stdin = false;
	struct sigaction sa;
	const char **models = NULL, **xconf = NULL;
	size_t nmodels = 0, nxconf = 0;
	const char *kafka = NULL, *topic = NULL, *group = NULL;
	rp_watch_policy *policy = NULL;
	kafka_diag_ctx kd;

	memset(&w, 0, sizeof(w));
	rp_watch_config_default(&cfg);
	rp_diag_init(&diag);
	w.cli = cli;
	w.exec_timeout = 10;
	if (rp_report_init(&w.rep) < 0) {
		err(cli, "out of memory");
		return RP_EXIT_INTERNAL;
	}
	w.rep.rules_doc_uri = rp_cli_doc_uri("rules.md", doc_uri, sizeof doc_uri);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:o:X:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "jsonl") == 0) {
				fmt = NULL;
			} else if (!(fmt = rp_report_format_find(optarg))) {
				rc = rp_cli_usage_error(cli, self,
							"unknown format '%s' (jsonl, text, json, "
							"sarif, junit)",
							optarg);
				goto out;
			}
			break;
		case 'o': out_path = optarg; break;
		case O_FAIL:
			if (strcmp(optarg, "none") == 0)
				fail_never = true;
			else if (rp_severity_parse(optarg, &threshold) < 0) {
				rc = rp_cli_usage_error(cli, self, "bad --fail-on '%s'", optarg);
				goto out;
			}
			break;
		case O_STREAM: stream_path = optarg; break;
		case O_FOLLOW: follow = true; break;
		case O_NO_STATUS: no_status = true; break;
		case O_EXEC: exec_cmd = optarg; break;
		case O_SKIP: {
			char *save = NULL, *tok;
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				const rp_rule *ru = rp_watch_rule(tok);
				if (!ru) {
					rc = rp_cli_usage_error(cli, self,
								"unknown watch rule '%s'", tok);
					goto out;
				}
				cfg.disabled |= 1u << (atoi(ru->id + 10) % 32);
			}
			break;
		case O_KAFKA: kafka = optarg; break;
		case O_TOPIC: topic = optarg; break;
		case O_GROUP: group = optarg; break;
		case 'X':
			if (push_arg(&xconf, &nxconf, optarg) < 0) {
				rc = RP_EXIT_INTERNAL;
				goto out;
			}
			break;
		case O_MODEL:
			if (push_arg(&models, &nmodels, optarg) < 0) {
				rc = RP_EXIT_INTERNAL;
				goto out;
			}
			break;
		}
		case O_SPIKE_K: {
			char *end;
			cfg.spike_k = strtod(optarg, &end);
			if (*end || !(cfg.spike_k > 0 && cfg.spike_k < 100)) {
				rc = rp_cli_usage_error(cli, self, "bad --spike-k '%s'", optarg);
				goto out;
			}
			break;
		}
		case O_INTERVAL:
		case O_IDLE:
		case O_EXEC_TIMEOUT:
		case O_SCAN_PORTS:
		case O_SCAN_WINDOW:
		case O_SWEEP_HOSTS:
		case O_SWEEP_WINDOW:
		case O_LATENESS:
		case O_PEER_BASELINE:
		case O_SPIKE_FLOOR:
		case O_MAX_KEYS:
			if (parse_uint(optarg,
				       c == O_SPIKE_FLOOR                        ? UINT64_MAX / 2
				       : c == O_LATENESS || c == O_PEER_BASELINE ? UINT32_MAX
										 : 100000000ULL,
				       &v) < 0 ||
			    (v == 0 && c != O_LATENESS && c != O_PEER_BASELINE && c != O_IDLE)) {
				rc = rp_cli_usage_error(cli, self, "bad value '%s' for %s", optarg,
							argv[optind - 1]);
				goto out;
			}
			switch (c) {
			case O_INTERVAL: interval = v; break;
			case O_IDLE: idle = v; break;
			case O_EXEC_TIMEOUT: w.exec_timeout = (int)v; break;
			case O_SCAN_PORTS: cfg.scan_ports = (uint32_t)v; break;
			case O_SCAN_WINDOW: cfg.scan_window_s = (uint32_t)v; break;
			case O_SWEEP_HOSTS: cfg.sweep_hosts = (uint32_t)v; break;
			case O_SWEEP_WINDOW: cfg.sweep_window_s = (uint32_t)v; break;
			case O_LATENESS: cfg.lateness_s = (uint32_t)v; break;
			case O_PEER_BASELINE: cfg.peer_learn_s = (uint32_t)v; break;
			case O_SPIKE_FLOOR: cfg.spike_floor = v; break;
			case O_MAX_KEYS: cfg.max_keys = (size_t)v; break;
			}
			break;
		case 'h': rp_cli_print_command_help(self); goto out;
		default:
			rc = rp_cli_usage_error(cli, self, "unknown option or missing value '%s'",
						argv[optind - 1]);
			goto out;
		}
	}
	if (exec_cmd && split_argv(exec_cmd, w.exec_argv) < 0) {
		rc = rp_cli_usage_error(cli, self, "--exec needs a command (at most %d words)",
					WATCH_MAX_ARGV);
		goto out;
	}
	if (kafka && (!topic || !group)) {
		rc = rp_cli_usage_error(cli, self, "--kafka needs --topic and --group");
		goto out;
	}
	if (!kafka && (topic || group || nxconf)) {
		rc = rp_cli_usage_error(cli, self, "--topic, --group and -X need --kafka");
		goto out;
	}
	if (kafka && (optind < argc || follow)) {
		rc = rp_cli_usage_error(cli, self, "--kafka reads no PATH and has no --follow");
		goto out;
	}
	if (kafka) {
		/* no files */
	} else if (optind >= argc) {
		use_stdin = true;
	} else {
		for (i = (size_t)optind; i < (size_t)argc; i++) {
			if (strcmp(argv[i], "-") == 0) {
				use_stdin = true;
				continue;
			}
			r = collect(argv[i], &paths, &npaths, &pcap, 0);
			if (r < 0) {
				err(cli, "%s: %s", argv[i], strerror(-r));
				rc = RP_EXIT_USAGE;
				goto out;
			}
		}
	}
	if (follow && use_stdin) {
		rc = rp_cli_usage_error(cli, self, "--follow needs files, not standard input");
		goto out;
	}
	/* JSON lines go to stdout unless a report does */
	if (stream_path) {
		w.lines = fopen(stream_path, "w");
		if (!w.lines) {
			err(cli, "%s: %s", stream_path, strerror(errno));
			rc = RP_EXIT_USAGE;
			goto out;
		}
	} else if (!fmt) {
		w.lines = stdout;
	}
	w.tty = !no_status && isatty(2);
	if (nmodels) {
		r = rp_watch_policy_load(models, nmodels, &diag, &policy);
		rp_cli_print_diags(cli, &diag);
		rp_diag_release(&diag);
		rp_diag_init(&diag);
		if (r < 0) {
			rc = rp_cli_exit_for(r);
			goto out;
		}
	}
	w.det = rp_watch_det_new(&cfg, (const struct rp_watch_policy *)policy, on_finding, &w);
	if (!w.det) {
		err(cli, "out of memory");
		rc = RP_EXIT_INTERNAL;
		goto out;
	}
	sink = rp_watch_det_sink(w.det);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	files = calloc(npaths ? npaths : 1, sizeof(*files));
	if (!files) {
		rc = RP_EXIT_INTERNAL;
		goto out;
	}
	for (i = 0; i < npaths && !stop_requested; i++) {
		files[i].path = paths[i];
		files[i].rd = rp_watch_reader_new(paths[i], paths[i], &sink, &diag, &w.stats);
		if (!files[i].rd) {
			rc = RP_EXIT_INTERNAL;
			goto out;
		}
		r = rp_watch_read_file(files[i].rd, paths[i], 0, !follow, &files[i].off);
		if (r == -RP_ENOMEM || r == -RP_EINTERNAL) {
			rc = rp_cli_exit_for(r);
			goto out;
		}
		if (r < 0)
			files[i].failed = true;
		if (diag.nerrors)
			input_error = true;
		rp_cli_print_diags(cli, &diag);
		rp_diag_release(&diag);
		rp_diag_init(&diag);
		if (follow && !files[i].failed)
			files[i].off = rp_watch_reader_resume(files[i].rd);
		status_line(&w, false);
	}
	if (use_stdin) {
		r = read_stdin(&w, &diag, &sink);
		if (r == -RP_ENOMEM) {
			rc = RP_EXIT_INTERNAL;
			goto out;
		}
		if (r < 0 || w.stats.bad_tuples || w.stats.bad_records)
			input_error = true;
	}
	if (kafka) {
		rp_watch_kafka_opts ko;
		rp_watch_kafka_stats ks;
		memset(&ko, 0, sizeof(ko));
		ko.brokers = kafka;
		ko.topic = topic;
		ko.group = group;
		ko.conf = xconf;
		ko.nconf = nxconf;
		ko.batch_max = 100;
		ko.batch_ms = 1000;
		ko.idle_ms = (int64_t)idle * 1000;
		ko.stop = &stop_requested;
		ko.on_batch = kafka_diags;
		ko.ctx = &kd;
		kd.cli = cli;
		kd.diag = &diag;
		kd.input_error = &input_error;
		r = rp_watch_kafka_run(&ko, &sink, &diag, &w.stats, &ks);
		rp_cli_print_diags(cli, &diag);
		rp_diag_release(&diag);
		rp_diag_init(&diag);
		if (r < 0) {
			rc = rp_cli_exit_for(r);
			goto out;
		}
		fprintf(stderr,
			"rampart watch: kafka %s: %llu messages (%llu bad), %llu records, %llu "
			"tuples, %llu activity records, %llu commits\n",
			topic, (unsigned long long)ks.messages, (unsigned long long)ks.bad_messages,
			(unsigned long long)w.stats.records, (unsigned long long)w.stats.tuples,
			(unsigned long long)w.stats.activities, (unsigned long long)ks.commits);
	}
	if (follow) {
		/* poll for blocks appended to the files; new files under the
		 * given directories are not picked up (documented) */
		unsigned long long quiet = 0;
		while (!stop_requested && (!idle || quiet < idle)) {
			bool grew = false;
			sleep((unsigned)interval);
			for (i = 0; i < npaths && !stop_requested; i++) {
				struct stat st;
				if (files[i].failed || stat(files[i].path, &st) < 0)
					continue;
				if ((uint64_t)st.st_size < files[i].off) {
					/* replaced by a smaller file: read it from the start */
					rp_watch_reader_free(files[i].rd);
					files[i].rd =
						rp_watch_reader_new(files[i].path, files[i].path,
								    &sink, &diag, &w.stats);
					if (!files[i].rd) {
						rc = RP_EXIT_INTERNAL;
						goto out;
					}
					files[i].off = 0;
				}
				if ((uint64_t)st.st_size <= files[i].off + 2 && files[i].off)
					continue; /* only the closing "]}" */
				grew = true;
				r = rp_watch_read_file(files[i].rd, files[i].path, files[i].off,
						       false, NULL);
				if (r == -RP_ENOMEM) {
					rc = RP_EXIT_INTERNAL;
					goto out;
				}
				if (r < 0)
					files[i].failed = true;
				else
					files[i].off = rp_watch_reader_resume(files[i].rd);
				if (diag.nerrors)
					input_error = true;
				rp_cli_print_diags(cli, &diag);
				rp_diag_release(&diag);
				rp_diag_init(&diag);
			}
			quiet = grew ? 0 : quiet + interval;
			status_line(&w, false);
		}
	}
	r = rp_watch_det_finish(w.det);
	if (r < 0) {
		rc = rp_cli_exit_for(r);
		goto out;
	}
	if (w.stats.bad_tuples)
		input_error = true;
	status_line(&w, true);
	/* line:column are written by the report formats only (the JSON lines
	 * carry byte offsets): without one, the inputs are not read again */
	if (fmt)
		resolve_positions(&w);
	for (i = 0; i < npaths; i++)
		rp_report_add_file(&w.rep, paths[i]);
	if (fmt) {
		rp_report_options ro;
		memset(&ro, 0, sizeof(ro));
		ro.color = cli->color_out && !out_path;
		ro.version = RAMPART_VERSION;
		r = fmt->write(&w.rep, &ro, &out);
		if (r < 0) {
			rc = rp_cli_exit_for(r);
			goto out;
		}
		if (out_path) {
			FILE *fp = fopen(out_path, "w");
			if (!fp || fwrite(out.data, 1, out.len, fp) != out.len || fclose(fp) != 0) {
				err(cli, "%s: cannot write: %s", out_path, strerror(errno));
				rc = RP_EXIT_INTERNAL;
				goto out;
			}
		} else {
			fwrite(out.data, 1, out.len, stdout);
		}
	}
	if (fflush(stdout) != 0) {
		rc = RP_EXIT_INTERNAL;
		goto out;
	}
	if (input_error)
		rc = RP_EXIT_USAGE;
	else if (!fail_never && rp_report_fails(&w.rep, threshold))
		rc = RP_EXIT_FINDINGS;
out:
	rp_cli_print_diags(cli, &diag);
	if (files)
		for (i = 0; i < npaths; i++)
			rp_watch_reader_free(files[i].rd);
	free(files);
	for (i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	if (w.lines && w.lines != stdout)
		fclose(w.lines);
	rp_watch_det_free(w.det);
	rp_watch_policy_free(policy);
	free(models);
	free(xconf);
	rp_report_release(&w.rep);
	rp_buf_release(&w.line);
	rp_buf_release(&out);
	free(w.pos);
	rp_diag_release(&diag);
	return rc;
}
