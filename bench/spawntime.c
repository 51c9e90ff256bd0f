/* spawntime: times commands started from a C parent, interleaved.
 *
 * The benchmarks of short-lived commands (a container running /bin/true
 * takes a few milliseconds) cannot be timed from bash: its own fork+exec
 * per sample adds about a millisecond to every contender and flattens the
 * ratios.  spawntime measures fork + execvp + waitpid of each command with
 * CLOCK_MONOTONIC, from a parent that does nothing else.
 *
 *   spawntime [-w warmup] [-v] ROUNDS LABEL CMD [ARG ...] [--- LABEL CMD [ARG ...]] ...
 *
 * Commands are separated by a "---" argument; the first word of each is its
 * label (printed, not run).  Each round runs every command once, in turn
 * (the first command of round i is command i mod k, so that no command
 * always follows the same one), after `warmup` untimed rounds (default 3).
 * The commands run with stdin, stdout and stderr on /dev/null (-v: stderr
 * stays the caller's).  The string @ROUND@ inside an argument is replaced
 * by a number unique to each run (for container ids).  A command that does
 * not exit with status 0 ends the benchmark: spawntime names it, its round
 * and its status, and exits 1.
 *
 * Output, one line per command in the order given, times in milliseconds:
 *   # label median p10 p90 min max n
 *   LABEL 1.234 1.100 1.500 1.050 2.000 31
 * p10 and p90 are nearest-rank percentiles; the median of an even count is
 * the mean of the two middle samples. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUND_TOKEN "@ROUND@"

struct cmd {
	const char *label;
	char **argv; /* as given, NULL-terminated */
	char **run;  /* argv with ROUND_TOKEN substituted, or argv */
	int has_token;
	double *ms; /* one sample per timed round */
};

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "spawntime: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "Usage: spawntime [-w warmup] [-v] ROUNDS LABEL CMD [ARG ...]"
			" [--- LABEL CMD [ARG ...]] ...\n");
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Replaces ROUND_TOKEN in every argument of c->argv by n, into c->run. */
static void substitute(struct cmd *c, unsigned long n)
{
	char num[32];

	if (!c->has_token)
		return;
	snprintf(num, sizeof(num), "%lu", n);
	for (size_t i = 0; c->argv[i]; i++) {
		const char *p = strstr(c->argv[i], ROUND_TOKEN);

		if (c->run[i] != c->argv[i])
			free(c->run[i]);
		if (!p) {
			c->run[i] = c->argv[i];
			continue;
		}
		size_t pre = (size_t)(p - c->argv[i]);
		const char *post = p + strlen(ROUND_TOKEN);
		char *s = malloc(pre + strlen(num) + strlen(post) + 1);

		if (!s)
			die("%s", "out of memory");
		memcpy(s, c->argv[i], pre);
		strcpy(s + pre, num);
		strcat(s, post);
		c->run[i] = s;
	}
}

/* Runs c once and returns the elapsed milliseconds; dies unless it exits 0. */
static double run_once(struct cmd *c, int devnull, int keep_stderr, int round)
{
	double t0 = now_ms();
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		if (!keep_stderr)
			dup2(devnull, 2);
		execvp(c->run[0], c->run);
		_exit(127);
	}
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	double t1 = now_ms();

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (round < 0)
			fprintf(stderr, "spawntime: %s failed in a warm-up round (", c->label);
		else
			fprintf(stderr, "spawntime: %s failed in round %d (", c->label, round + 1);
		for (size_t i = 0; c->run[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", c->run[i]);
		if (WIFEXITED(status))
			fprintf(stderr, "): exit status %d%s\n", WEXITSTATUS(status),
				WEXITSTATUS(status) == 127 ? " (not found?)" : "");
		else
			fprintf(stderr, "): killed by signal %d\n", WTERMSIG(status));
		exit(1);
	}
	return t1 - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of n sorted samples. */
static double pct(const double *v, int n, int p)
{
	int r = (p * n + 99) / 100;

	if (r < 1)
		r = 1;
	return v[r - 1];
}

int main(int argc, char **argv)
{
	int warmup = 3, keep_stderr = 0, opt;

	while ((opt = getopt(argc, argv, "+w:v")) != -1) {
		switch (opt) {
		case 'w':
			warmup = atoi(optarg);
			break;
		case 'v':
			keep_stderr = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 3)
		usage();
	int rounds = atoi(argv[optind++]);

	if (rounds < 1 || warmup < 0)
		usage();

	/* Split the rest into commands at "---". */
	struct cmd *cmds = calloc((size_t)argc, sizeof(*cmds));
	int k = 0;

	if (!cmds)
		die("%s", "out of memory");
	for (int i = optind; i < argc;) {
		int j = i;

		while (j < argc && strcmp(argv[j], "---") != 0)
			j++;
		if (j - i < 2)
			die("%s", "every command needs a label and a program");
		struct cmd *c = &cmds[k++];

		c->label = argv[i];
		c->argv = calloc((size_t)(j - i), sizeof(char *));
		c->run = calloc((size_t)(j - i), sizeof(char *));
		c->ms = calloc((size_t)rounds, sizeof(double));
		if (!c->argv || !c->run || !c->ms)
			die("%s", "out of memory");
		for (int a = i + 1; a < j; a++) {
			c->argv[a - i - 1] = argv[a];
			c->run[a - i - 1] = argv[a];
			if (strstr(argv[a], ROUND_TOKEN))
				c->has_token = 1;
		}
		i = j + 1;
		if (j == argc - 1)
			die("%s", "trailing ---");
	}

	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (devnull < 0)
		die("/dev/null: %s", strerror(errno));

	unsigned long serial = (unsigned long)getpid() * 100000UL;

	for (int r = -warmup; r < rounds; r++) {
		for (int s = 0; s < k; s++) {
			struct cmd *c = &cmds[((r + warmup) + s) % k];

			substitute(c, serial++);
			double ms = run_once(c, devnull, keep_stderr, r);

			if (r >= 0)
				c->ms[r] = ms;
		}
	}

	printf("# label median p10 p90 min max n\n");
	for (int i = 0; i < k; i++) {
		double *v = cmds[i].ms;
		double med;

		qsort(v, (size_t)rounds, sizeof(double), cmp_double);
		med = rounds % 2 ? v[rounds / 2] : (v[rounds / 2 - 1] + v[rounds / 2]) / 2;
		printf("%s %.3f %.3f %.3f %.3f %.3f %d\n", cmds[i].label, med, pct(v, rounds, 10),
		       pct(v, rounds, 90), v[0], v[rounds - 1], rounds);
	}
	return 0;
}
