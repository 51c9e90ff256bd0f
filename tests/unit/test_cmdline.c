/* AIX-style command lines: clustered flags, flags with required and
 * optional arguments, attr=value word lists, operands and "--". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cmdline.h"
#include "util.h"

#define UNUSED __attribute__((unused))

static const char uuid[] = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

/* The shape of mkwpar's table. */
static const struct wpar_optdef mkwpar_opts[] = {
    {'a', WPAR_OPT_FLAG, NULL},
    {'A', WPAR_OPT_FLAG, NULL},
    {'b', WPAR_OPT_ARG, NULL},
    {'B', WPAR_OPT_ARG, NULL},
    {'c', WPAR_OPT_FLAG, NULL},
    {'C', WPAR_OPT_FLAG, NULL},
    {'d', WPAR_OPT_ARG, NULL},
    {'D', WPAR_OPT_ATTRS, NULL},
    {'e', WPAR_OPT_ARG, NULL},
    {'E', WPAR_OPT_ARG, NULL},
    {'f', WPAR_OPT_ARG, NULL},
    {'F', WPAR_OPT_FLAG, NULL},
    {'g', WPAR_OPT_ARG, NULL},
    {'h', WPAR_OPT_ARG, NULL},
    {'i', WPAR_OPT_FLAG, NULL},
    {'I', WPAR_OPT_ATTRS, NULL},
    {'k', WPAR_OPT_ARG, NULL},
    {'l', WPAR_OPT_FLAG, NULL},
    {'L', WPAR_OPT_ATTRS, NULL},
    {'M', WPAR_OPT_ATTRS, NULL},
    {'n', WPAR_OPT_ARG, NULL},
    {'N', WPAR_OPT_ATTRS, NULL},
    {'o', WPAR_OPT_ARG, NULL},
    {'O', WPAR_OPT_FLAG, NULL},
    {'p', WPAR_OPT_OPTARG, wpar_accept_not_option},
    {'P', WPAR_OPT_FLAG, NULL},
    {'r', WPAR_OPT_FLAG, NULL},
    {'R', WPAR_OPT_ATTRS, NULL},
    {'s', WPAR_OPT_FLAG, NULL},
    {'S', WPAR_OPT_ATTRS, NULL},
    {'u', WPAR_OPT_ARG, NULL},
    {'U', WPAR_OPT_OPTARG, wpar_accept_uuid},
    {'v', WPAR_OPT_FLAG, NULL},
    {'w', WPAR_OPT_FLAG, NULL},
    {'X', WPAR_OPT_ATTRS, NULL},
};

/* The shape of wparexec's: the command and its arguments follow. */
static const struct wpar_optdef wparexec_opts[] = {
    {'a', WPAR_OPT_FLAG, NULL},  {'c', WPAR_OPT_FLAG, NULL}, {'F', WPAR_OPT_FLAG, NULL},
    {'h', WPAR_OPT_ARG, NULL},   {'i', WPAR_OPT_FLAG, NULL}, {'I', WPAR_OPT_ATTRS, NULL},
    {'M', WPAR_OPT_ATTRS, NULL}, {'n', WPAR_OPT_ARG, NULL},  {'N', WPAR_OPT_ATTRS, NULL},
    {'R', WPAR_OPT_ATTRS, NULL}, {'u', WPAR_OPT_ARG, NULL},  {'v', WPAR_OPT_FLAG, NULL},
    {'e', WPAR_OPT_ARG, NULL},   {'f', WPAR_OPT_ARG, NULL},  {'o', WPAR_OPT_ARG, NULL},
    {'w', WPAR_OPT_FLAG, NULL},
};

/* Parses a NULL-terminated word list (argv[0] included). */
static int parse_words(const struct wpar_optdef *defs, size_t n_defs, bool stop,
		       struct wpar_cmdline *cl, char **msg, const char *const *words)
{
	int argc = 0;
	while (words[argc])
		argc++;
	/* Private copies: the parser must not depend on argv staying alive. */
	char **argv = xcalloc((size_t)argc + 1, sizeof(char *));
	for (int i = 0; i < argc; i++)
		argv[i] = xstrdup(words[i]);
	cleanup_error wpar_error_t err = NULL;
	int r = wpar_cmdline_parse(argc, argv, defs, n_defs, stop, cl, &err);
	for (int i = 0; i < argc; i++) {
		memset(argv[i], 'X', strlen(argv[i]));
		free(argv[i]);
	}
	free(argv);
	if (r < 0) {
		assert_int_equal(r, -1);
		assert_non_null(err);
		if (msg)
			*msg = xstrdup(err->msg);
	} else {
		assert_int_equal(r, 0);
		assert_null(err);
	}
	return r;
}

#define MK(cl, ...)                                                                                \
	parse_words(mkwpar_opts, ARRAY_SIZE(mkwpar_opts), false, (cl), NULL,                       \
		    (const char *const[]){"mkwpar", __VA_ARGS__, NULL})
#define MK_ERR(msg, ...)                                                                           \
	({                                                                                         \
		struct wpar_cmdline _cl = {0};                                                     \
		int _r = parse_words(mkwpar_opts, ARRAY_SIZE(mkwpar_opts), false, &_cl, (msg),     \
				     (const char *const[]){"mkwpar", __VA_ARGS__, NULL});          \
		/* a failed parse leaves the output untouched */                                   \
		assert_int_equal(_cl.n_opts, 0);                                                   \
		assert_null(_cl.opts);                                                             \
		assert_null(_cl.operands);                                                         \
		_r;                                                                                \
	})
#define EXEC(cl, ...)                                                                              \
	parse_words(wparexec_opts, ARRAY_SIZE(wparexec_opts), true, (cl), NULL,                    \
		    (const char *const[]){"wparexec", __VA_ARGS__, NULL})

static void release(struct wpar_cmdline *cl)
{
	wpar_cmdline_release(cl);
}
#define cleanup_cmdline __attribute__((cleanup(release)))

static void assert_opt(const struct wpar_cmdline *cl, size_t i, char flag, const char *arg)
{
	assert_true(i < cl->n_opts);
	if (cl->opts[i].flag != flag)
		fail_msg("option %zu is -%c, expected -%c", i, cl->opts[i].flag, flag);
	if (arg == NULL)
		assert_null(cl->opts[i].arg);
	else if (cl->opts[i].arg == NULL || strcmp(cl->opts[i].arg, arg) != 0)
		fail_msg("-%c: argument '%s', expected '%s'", flag,
			 cl->opts[i].arg ? cl->opts[i].arg : "(none)", arg);
}

static void assert_words(const struct wpar_opt *o, const char *const *want)
{
	size_t n = 0;
	while (want[n])
		n++;
	if (o->n_words != n)
		fail_msg("-%c has %zu words, expected %zu", o->flag, o->n_words, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(o->words[i], want[i]);
	assert_null(o->arg);
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void assert_operands(const struct wpar_cmdline *cl, const char *const *want)
{
	size_t n = 0;
	while (want[n])
		n++;
	if (cl->n_operands != n)
		fail_msg("%zu operands, expected %zu", cl->n_operands, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(cl->operands[i], want[i]);
}

static void test_clustered_flags(void **state UNUSED)
{
	cleanup_cmdline struct wpar_cmdline cl = {0};
	assert_int_equal(MK(&cl, "-Fv", "-ci", "-n", "w1"), 0);
	assert_int_equal(cl.n_opts, 5);
	assert_opt(&cl, 0, 'F', NULL);
	assert_opt(&cl, 1, 'v', NULL);
	assert_opt(&cl, 2, 'c', NULL);
	assert_opt(&cl, 3, 'i', NULL);
	assert_opt(&cl, 4, 'n', "w1");
	assert_int_equal(cl.n_operands, 0);
	assert_true(wpar_cmdline_has(&cl, 'F'));
	assert_true(wpar_cmdline_has(&cl, 'v'));
	assert_false(wpar_cmdline_has(&cl, 'A'));
	assert_null(wpar_cmdline_last(&cl, 'A'));

	/* A flag with an argument may end a cluster; the rest of the cluster
	 * after it is its argument. */
	cleanup_cmdline struct wpar_cmdline c2 = {0};
	assert_int_equal(MK(&c2, "-vn", "w2", "-cnw3"), 0);
	assert_int_equal(c2.n_opts, 4);
	assert_opt(&c2, 0, 'v', NULL);
	assert_opt(&c2, 1, 'n', "w2");
	assert_opt(&c2, 2, 'c', NULL);
	assert_opt(&c2, 3, 'n', "w3");
	/* The last occurrence wins for wpar_cmdline_last. */
	assert_string_equal(wpar_cmdline_last(&c2, 'n')->arg, "w3");
}

static void test_flag_arguments(void **state UNUSED)
{
	cleanup_cmdline struct wpar_cmdline a = {0};
	assert_int_equal(MK(&a, "-n", "w1", "-d", "/wpars/x", "-h", "host1"), 0);
	assert_opt(&a, 0, 'n', "w1");
	assert_opt(&a, 1, 'd', "/wpars/x");
	assert_opt(&a, 2, 'h', "host1");

	cleanup_cmdline struct wpar_cmdline b = {0};
	assert_int_equal(MK(&b, "-nw1", "-d/wpars/x"), 0);
	assert_opt(&b, 0, 'n', "w1");
	assert_opt(&b, 1, 'd', "/wpars/x");

	/* The next word is the argument even when it looks like a flag or an
	 * attribute. */
	cleanup_cmdline struct wpar_cmdline c = {0};
	assert_int_equal(MK(&c, "-n", "-v", "-o", "a=b"), 0);
	assert_opt(&c, 0, 'n', "-v");
	assert_opt(&c, 1, 'o', "a=b");
	assert_int_equal(c.n_opts, 2);

	/* Arguments with blanks and empty ones are passed as they are. */
	cleanup_cmdline struct wpar_cmdline d = {0};
	assert_int_equal(MK(&d, "-u", "/path/with blank", "-h", ""), 0);
	assert_opt(&d, 0, 'u', "/path/with blank");
	assert_opt(&d, 1, 'h', "");
}

static void test_optional_arguments(void **state UNUSED)
{
	/* -p without a name, at the end and before another flag. */
	cleanup_cmdline struct wpar_cmdline a = {0};
	assert_int_equal(MK(&a, "-n", "w1", "-p"), 0);
	assert_opt(&a, 1, 'p', NULL);
	cleanup_cmdline struct wpar_cmdline b = {0};
	assert_int_equal(MK(&b, "-p", "-n", "w1"), 0);
	assert_opt(&b, 0, 'p', NULL);
	assert_opt(&b, 1, 'n', "w1");
	/* -p with a name. */
	cleanup_cmdline struct wpar_cmdline c = {0};
	assert_int_equal(MK(&c, "-p", "mig_wpar_1", "-n", "w1"), 0);
	assert_opt(&c, 0, 'p', "mig_wpar_1");
	assert_int_equal(c.n_operands, 0);
	/* An attr=value word is not a name for -p. */
	cleanup_cmdline struct wpar_cmdline d = {0};
	assert_int_equal(MK(&d, "-p", "vfs=jfs2"), 0);
	assert_opt(&d, 0, 'p', NULL);
	assert_operands(&d, WORDS("vfs=jfs2"));

	/* "mkwpar -pf spec" (Redbook SG24-7955, ch. 12) is -p -f spec. */
	cleanup_cmdline struct wpar_cmdline e = {0};
	assert_int_equal(MK(&e, "-pf", "mig_wpar_1.specfile", "-N", "address=172.16.22.143",
			    "netmask=255.255.252.0"),
			 0);
	assert_int_equal(e.n_opts, 3);
	assert_opt(&e, 0, 'p', NULL);
	assert_opt(&e, 1, 'f', "mig_wpar_1.specfile");
	assert_words(&e.opts[2], WORDS("address=172.16.22.143", "netmask=255.255.252.0"));
	assert_int_equal(e.n_operands, 0);
	cleanup_cmdline struct wpar_cmdline e2 = {0};
	assert_int_equal(MK(&e2, "-vpF"), 0);
	assert_int_equal(e2.n_opts, 3);
	assert_opt(&e2, 1, 'p', NULL);
	assert_opt(&e2, 2, 'F', NULL);

	/* -U with and without a UUID. */
	cleanup_cmdline struct wpar_cmdline f = {0};
	assert_int_equal(MK(&f, "-U", uuid, "-n", "w1"), 0);
	assert_opt(&f, 0, 'U', uuid);
	cleanup_cmdline struct wpar_cmdline g = {0};
	assert_int_equal(MK(&g, "-U", "-n", "w1"), 0);
	assert_opt(&g, 0, 'U', NULL);
	assert_opt(&g, 1, 'n', "w1");
	cleanup_cmdline struct wpar_cmdline h = {0};
	assert_int_equal(MK(&h, "-n", "w1", "-U"), 0);
	assert_opt(&h, 1, 'U', NULL);
	/* A word that is not a UUID is not -U's argument. */
	cleanup_cmdline struct wpar_cmdline i = {0};
	assert_int_equal(MK(&i, "-U", "w1"), 0);
	assert_opt(&i, 0, 'U', NULL);
	assert_operands(&i, WORDS("w1"));
}

static void test_attr_lists(void **state UNUSED)
{
	cleanup_cmdline struct wpar_cmdline a = {0};
	assert_int_equal(MK(&a, "-n", "w1", "-M", "directory=/var", "vfs=jfs2", "size=512M", "-N",
			    "address=1.2.3.4", "-M", "directory=/tmp", "vfs=tmpfs"),
			 0);
	assert_int_equal(a.n_opts, 4);
	assert_opt(&a, 0, 'n', "w1");
	assert_int_equal(a.opts[1].flag, 'M');
	assert_words(&a.opts[1], WORDS("directory=/var", "vfs=jfs2", "size=512M"));
	assert_int_equal(a.opts[2].flag, 'N');
	assert_words(&a.opts[2], WORDS("address=1.2.3.4"));
	assert_int_equal(a.opts[3].flag, 'M');
	assert_words(&a.opts[3], WORDS("directory=/tmp", "vfs=tmpfs"));
	assert_int_equal(a.n_operands, 0);
	/* The last -M is the second one. */
	assert_ptr_equal(wpar_cmdline_last(&a, 'M'), &a.opts[3]);

	/* The list ends at the first word that is not attr=value. */
	cleanup_cmdline struct wpar_cmdline b = {0};
	assert_int_equal(MK(&b, "-R", "active=yes", "shares_CPU=10", "w1", "x=y"), 0);
	assert_words(&b.opts[0], WORDS("active=yes", "shares_CPU=10"));
	assert_operands(&b, WORDS("w1", "x=y"));

	/* Values may hold '=', blanks and anything else; -S takes += and -=. */
	cleanup_cmdline struct wpar_cmdline c = {0};
	assert_int_equal(MK(&c, "-S", "privs+=PV_NET_", "privs-=PV_SU_", "secfile=/etc/x", "-X",
			    "kext=/a b=c", "local="),
			 0);
	assert_words(&c.opts[0], WORDS("privs+=PV_NET_", "privs-=PV_SU_", "secfile=/etc/x"));
	assert_words(&c.opts[1], WORDS("kext=/a b=c", "local="));

	/* In a cluster: the attribute flag ends it. */
	cleanup_cmdline struct wpar_cmdline d = {0};
	assert_int_equal(MK(&d, "-vM", "directory=/var", "vfs=jfs2"), 0);
	assert_opt(&d, 0, 'v', NULL);
	assert_words(&d.opts[1], WORDS("directory=/var", "vfs=jfs2"));
}

static void test_attached_attr(void **state UNUSED)
{
	cleanup_cmdline struct wpar_cmdline a = {0};
	assert_int_equal(MK(&a, "-Mdirectory=/x", "-Nnetmask=255.0.0.0", "address=10.1.1.1"), 0);
	assert_words(&a.opts[0], WORDS("directory=/x"));
	assert_words(&a.opts[1], WORDS("netmask=255.0.0.0", "address=10.1.1.1"));
	cleanup_cmdline struct wpar_cmdline b = {0};
	assert_int_equal(MK(&b, "-Mdirectory=/x", "vfs=namefs", "dev=/y"), 0);
	assert_words(&b.opts[0], WORDS("directory=/x", "vfs=namefs", "dev=/y"));

	/* Attached text that is not attr=value is an error: "-Mv" is not
	 * -M -v. */
	cleanup_free char *msg = NULL;
	assert_int_equal(MK_ERR(&msg, "-Mv"), -1);
	assert_non_null(strstr(msg, "-M"));
	assert_non_null(strstr(msg, "attribute=value"));
}

static void test_empty_attr_list(void **state UNUSED)
{
	/* chwpar -K -R w1 removes the resource controls: an empty list is the
	 * caller's to judge. */
	cleanup_cmdline struct wpar_cmdline a = {0};
	assert_int_equal(MK(&a, "-K", "-R", "w1"), -1 /* no -K in mkwpar */);
	static const struct wpar_optdef chwpar_opts[] = {
	    {'K', WPAR_OPT_FLAG, NULL},
	    {'R', WPAR_OPT_ATTRS, NULL},
	    {'v', WPAR_OPT_FLAG, NULL},
	    {'N', WPAR_OPT_ATTRS, NULL},
	};
	cleanup_cmdline struct wpar_cmdline b = {0};
	assert_int_equal(parse_words(chwpar_opts, ARRAY_SIZE(chwpar_opts), false, &b, NULL,
				     WORDS("chwpar", "-K", "-R", "w1")),
			 0);
	assert_int_equal(b.n_opts, 2);
	assert_int_equal(b.opts[1].flag, 'R');
	assert_int_equal(b.opts[1].n_words, 0);
	assert_null(b.opts[1].words);
	assert_operands(&b, WORDS("w1"));

	/* At the end of argv and before another flag. */
	cleanup_cmdline struct wpar_cmdline c = {0};
	assert_int_equal(parse_words(chwpar_opts, ARRAY_SIZE(chwpar_opts), false, &c, NULL,
				     WORDS("chwpar", "-KR", "-v", "-N")),
			 0);
	assert_int_equal(c.n_opts, 4);
	assert_int_equal(c.opts[1].n_words, 0);
	assert_int_equal(c.opts[3].flag, 'N');
	assert_int_equal(c.opts[3].n_words, 0);
	assert_int_equal(c.n_operands, 0);
}

static void test_errors(void **state UNUSED)
{
	cleanup_free char *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL, *m5 = NULL;
	assert_int_equal(MK_ERR(&m1, "-n", "w1", "-Q"), -1);
	assert_string_equal(m1, "unknown flag -Q");
	assert_int_equal(MK_ERR(&m2, "-vFq", "-n", "w1"), -1);
	assert_string_equal(m2, "unknown flag -q");
	assert_int_equal(MK_ERR(&m3, "-v", "-n"), -1);
	assert_string_equal(m3, "flag -n needs an argument");
	assert_int_equal(MK_ERR(&m4, "-M", "directory=/x", "-f"), -1);
	assert_string_equal(m4, "flag -f needs an argument");
	/* Errors after allocations release them (checked under ASan). */
	assert_int_equal(MK_ERR(&m5, "-M", "directory=/x", "vfs=jfs2", "-n", "w1", "op", "-\x01"),
			 -1);
	assert_non_null(strstr(m5, "unknown flag"));
}

static void test_double_dash(void **state UNUSED)
{
	cleanup_cmdline struct wpar_cmdline a = {0};
	assert_int_equal(MK(&a, "-v", "--", "-n", "w1", "--"), 0);
	assert_int_equal(a.n_opts, 1);
	assert_operands(&a, WORDS("-n", "w1", "--"));

	/* "--" also ends an attribute list. */
	cleanup_cmdline struct wpar_cmdline b = {0};
	assert_int_equal(EXEC(&b, "-M", "directory=/d", "--", "FOO=1", "/bin/app"), 0);
	assert_words(&b.opts[0], WORDS("directory=/d"));
	assert_operands(&b, WORDS("FOO=1", "/bin/app"));

	/* "--" as a flag's argument is just the argument. */
	cleanup_cmdline struct wpar_cmdline c = {0};
	assert_int_equal(MK(&c, "-n", "--", "-v"), 0);
	assert_opt(&c, 0, 'n', "--");
	assert_opt(&c, 1, 'v', NULL);

	cleanup_cmdline struct wpar_cmdline d = {0};
	assert_int_equal(MK(&d, "--"), 0);
	assert_int_equal(d.n_opts, 0);
	assert_int_equal(d.n_operands, 0);
}

static void test_stop_at_operand(void **state UNUSED)
{
	/* wparexec: the first operand is the command; its flags are its own. */
	cleanup_cmdline struct wpar_cmdline a = {0};
	assert_int_equal(EXEC(&a, "-n", "app1", "-M", "directory=/x", "vfs=namefs", "dev=/x",
			      "/bin/sh", "-c", "echo hi", "-v"),
			 0);
	assert_int_equal(a.n_opts, 2);
	assert_opt(&a, 0, 'n', "app1");
	assert_words(&a.opts[1], WORDS("directory=/x", "vfs=namefs", "dev=/x"));
	assert_operands(&a, WORDS("/bin/sh", "-c", "echo hi", "-v"));
	assert_false(wpar_cmdline_has(&a, 'c'));
	assert_false(wpar_cmdline_has(&a, 'v'));

	/* Without stop_at_operand the same words after the operand are
	 * flags. */
	cleanup_cmdline struct wpar_cmdline b = {0};
	assert_int_equal(
	    parse_words(wparexec_opts, ARRAY_SIZE(wparexec_opts), false, &b, NULL,
			WORDS("wparexec", "-n", "app1", "/bin/sh", "-c", "echo hi", "-v")),
	    0);
	assert_true(wpar_cmdline_has(&b, 'c'));
	assert_true(wpar_cmdline_has(&b, 'v'));
	assert_operands(&b, WORDS("/bin/sh", "echo hi"));

	/* A lone "-" is an operand, and stops option parsing too. */
	cleanup_cmdline struct wpar_cmdline c = {0};
	assert_int_equal(EXEC(&c, "-v", "-", "-c"), 0);
	assert_int_equal(c.n_opts, 1);
	assert_operands(&c, WORDS("-", "-c"));

	/* Only operands. */
	cleanup_cmdline struct wpar_cmdline d = {0};
	assert_int_equal(EXEC(&d, "/bin/true"), 0);
	assert_int_equal(d.n_opts, 0);
	assert_operands(&d, WORDS("/bin/true"));
}

static void test_operands(void **state UNUSED)
{
	static const struct wpar_optdef rmwpar_opts[] = {
	    {'F', WPAR_OPT_FLAG, NULL},
	    {'p', WPAR_OPT_FLAG, NULL},
	    {'s', WPAR_OPT_FLAG, NULL},
	    {'v', WPAR_OPT_FLAG, NULL},
	};
	cleanup_cmdline struct wpar_cmdline a = {0};
	assert_int_equal(parse_words(rmwpar_opts, ARRAY_SIZE(rmwpar_opts), false, &a, NULL,
				     WORDS("rmwpar", "-F", "w1", "-v", "w2", "w3")),
			 0);
	assert_int_equal(a.n_opts, 2);
	assert_opt(&a, 0, 'F', NULL);
	assert_opt(&a, 1, 'v', NULL);
	assert_operands(&a, WORDS("w1", "w2", "w3"));

	/* No arguments at all. */
	cleanup_cmdline struct wpar_cmdline b = {0};
	assert_int_equal(
	    parse_words(rmwpar_opts, ARRAY_SIZE(rmwpar_opts), false, &b, NULL, WORDS("rmwpar")), 0);
	assert_int_equal(b.n_opts, 0);
	assert_int_equal(b.n_operands, 0);
	/* Release is idempotent. */
	wpar_cmdline_release(&b);
	wpar_cmdline_release(&b);
}

static void test_word_predicates(void **state UNUSED)
{
	static const char *attr[] = {"a=b",     "a=",   "_x=1", "size=512M",
				     "a+=b",    "a-=b", "a==b", "CPU=0%-100%,100%",
				     "a1_b2=/x"};
	static const char *not_attr[] = {"",      "a",     "=b",    "1a=b", "-a=b", "a b=c",
					 "a.b=c", "a+b=c", "a+-=b", "/x=y", "+=b"};
	for (size_t i = 0; i < ARRAY_SIZE(attr); i++)
		if (!wpar_cmdline_is_attr_word(attr[i]))
			fail_msg("'%s' should be an attribute word", attr[i]);
	for (size_t i = 0; i < ARRAY_SIZE(not_attr); i++)
		if (wpar_cmdline_is_attr_word(not_attr[i]))
			fail_msg("'%s' should not be an attribute word", not_attr[i]);

	assert_true(wpar_accept_not_option("grp1"));
	assert_true(wpar_accept_not_option("/path"));
	assert_false(wpar_accept_not_option("-n"));
	assert_false(wpar_accept_not_option("vfs=jfs2"));

	assert_true(wpar_accept_uuid(uuid));
	assert_true(wpar_accept_uuid("3F2504E0-4F89-11D3-9A0C-0305E82C3301"));
	assert_false(wpar_accept_uuid("3f2504e0-4f89-11d3-9a0c-0305e82c330"));
	assert_false(wpar_accept_uuid("3f2504e0-4f89-11d3-9a0c-0305e82c33011"));
	assert_false(wpar_accept_uuid("3f2504e0x4f89-11d3-9a0c-0305e82c3301"));
	assert_false(wpar_accept_uuid("3f2504e0-4f89-11d3-9a0c-0305e82c330g"));
	assert_false(wpar_accept_uuid(""));
	assert_false(wpar_accept_uuid("-n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clustered_flags),
	    cmocka_unit_test(test_flag_arguments),
	    cmocka_unit_test(test_optional_arguments),
	    cmocka_unit_test(test_attr_lists),
	    cmocka_unit_test(test_attached_attr),
	    cmocka_unit_test(test_empty_attr_list),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_double_dash),
	    cmocka_unit_test(test_stop_at_operand),
	    cmocka_unit_test(test_operands),
	    cmocka_unit_test(test_word_predicates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
