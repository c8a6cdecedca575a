/* spawn_bench.c: whole-process timing of commands, interleaved.
 *
 * usage: bench-attest-spawn ROUNDS -- NAME CMD ARGS... -- NAME CMD ARGS... ...
 *
 * Each round runs every command once, in turn (so load changes on a shared
 * machine hit all of them alike), with stdout and stderr on /dev/null.  A
 * run is posix_spawn to the child's exit: wall time (CLOCK_MONOTONIC around
 * spawn + wait4) and CPU time of that process alone (user + system from
 * wait4's rusage), so no shell and no loop overhead is counted.  The exit
 * status of each command's last run is printed for the caller to check.
 *
 * Output, one line per command:
 *   NAME runs=N wall_min_us=... wall_med_us=... cpu_min_us=... cpu_med_us=... exit=S
 * The caller (run.sh) computes the ratios. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CMDS 8

typedef struct {
	const char *name;
	char **argv;
	double *wall, *cpu;
	int status;
} cmd;

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int run_once(cmd *c, long i)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	pid_t pid;
	int st = 0, rc = -1;
	double t0, t1;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	if (posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) != 0)
		goto out;
	t0 = now_us();
	if (posix_spawnp(&pid, c->argv[0], &fa, NULL, c->argv, environ) != 0) {
		fprintf(stderr, "bench-attest-spawn: cannot run %s\n", c->argv[0]);
		goto out;
	}
	if (wait4(pid, &st, 0, &ru) != pid)
		goto out;
	t1 = now_us();
	c->wall[i] = t1 - t0;
	c->cpu[i] = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec +
		    (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	rc = 0;
out:
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

int main(int argc, char **argv)
{
	cmd cmds[MAX_CMDS];
	int n = 0, i, rc = 2;
	long rounds, r;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: bench-attest-spawn ROUNDS -- NAME CMD ARGS... [-- NAME "
				"CMD ARGS...]...\n");
		return 2;
	}
	rounds = atol(argv[1]);
	if (rounds < 1)
		rounds = 1;
	memset(cmds, 0, sizeof(cmds));
	for (i = 3; i < argc;) {
		int j = i;
		if (n == MAX_CMDS)
			goto out;
		while (j < argc && strcmp(argv[j], "--") != 0)
			j++;
		if (j - i < 2) {
			fprintf(stderr, "bench-attest-spawn: a command needs NAME and CMD\n");
			goto out;
		}
		if (j < argc)
			argv[j] = NULL; /* argv[argc] is NULL already */
		cmds[n].name = argv[i];
		cmds[n].argv = &argv[i + 1];
		cmds[n].wall = calloc((size_t)rounds, sizeof(double));
		cmds[n].cpu = calloc((size_t)rounds, sizeof(double));
		if (!cmds[n].wall || !cmds[n].cpu)
			goto out;
		n++;
		i = j + 1;
	}
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++)
			if (run_once(&cmds[i], r) < 0)
				goto out;
	for (i = 0; i < n; i++) {
		double wmin = cmds[i].wall[0], cmin = cmds[i].cpu[0];
		for (r = 1; r < rounds; r++) {
			if (cmds[i].wall[r] < wmin)
				wmin = cmds[i].wall[r];
			if (cmds[i].cpu[r] < cmin)
				cmin = cmds[i].cpu[r];
		}
		printf("%s runs=%ld wall_min_us=%.0f wall_med_us=%.0f cpu_min_us=%.0f "
		       "cpu_med_us=%.0f exit=%d\n",
		       cmds[i].name, rounds, wmin, median(cmds[i].wall, rounds), cmin,
		       median(cmds[i].cpu, rounds), cmds[i].status);
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		free(cmds[i].wall);
		free(cmds[i].cpu);
	}
	return rc;
}
