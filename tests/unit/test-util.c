/* test-util.c: arena, buffer, hash map, UTF-8, source line table, diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/outfile.h"
#include "util/source.h"
#include "util/str.h"

static void test_arena(void **state)
{
	rp_arena *a = rp_arena_new();
	char *big, *s;
	int i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < 10000; i++) {
		int *p = rp_arena_alloc(a, sizeof(int));
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		*p = i;
	}
	big = rp_arena_alloc(a, 1 << 20);
	assert_non_null(big);
	memset(big, 'x', 1 << 20);
	s = rp_arena_strndup(a, "hello, world", 5);
	assert_string_equal(s, "hello");
	s = rp_arena_printf(a, "%d-%s", 42, "x");
	assert_string_equal(s, "42-x");
	assert_null(rp_arena_calloc(a, SIZE_MAX / 2, 4));
	assert_true(rp_arena_footprint(a) >= (1 << 20));
	assert_null(rp_arena_free(a));
	assert_null(rp_arena_free(NULL));
}

static void test_buf(void **state)
{
	rp_buf b = RP_BUF_INIT;
	char *p;
	int i;

	(void)state;
	assert_int_equal(rp_buf_puts(&b, "abc"), 0);
	assert_int_equal(rp_buf_printf(&b, "%d%s", 12, "z"), 0);
	assert_int_equal(b.len, 6);
	assert_string_equal(b.data, "abc12z");
	for (i = 0; i < 1000; i++)
		assert_int_equal(rp_buf_putc(&b, 'q'), 0);
	assert_int_equal(b.len, 1006);
	assert_int_equal(b.data[b.len], '\0');
	rp_buf_clear(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	rp_buf_puts(&b, "x");
	p = rp_buf_detach(&b);
	assert_string_equal(p, "x");
	assert_null(b.data);
	free(p);
	rp_buf_release(&b);
}

/* rp_buf_put_u64 / rp_buf_put_i64 agree with printf at the edges. */
static void test_buf_decimal(void **state)
{
	static const int64_t si[] = { 0, 1, -1, 9, 10, -10, 99, 100, INT64_MAX, INT64_MIN };
	static const uint64_t su[] = { 0, 1, 9, 10, 4294967295u, 4294967296u, UINT64_MAX };
	rp_buf b = RP_BUF_INIT;
	char want[32];
	size_t k;

	(void)state;
	for (k = 0; k < sizeof si / sizeof si[0]; k++) {
		rp_buf_clear(&b);
		assert_int_equal(rp_buf_put_i64(&b, si[k]), 0);
		snprintf(want, sizeof want, "%lld", (long long)si[k]);
		assert_string_equal(b.data, want);
	}
	for (k = 0; k < sizeof su / sizeof su[0]; k++) {
		rp_buf_clear(&b);
		assert_int_equal(rp_buf_puts(&b, "n="), 0);
		assert_int_equal(rp_buf_put_u64(&b, su[k]), 0);
		snprintf(want, sizeof want, "n=%llu", (unsigned long long)su[k]);
		assert_string_equal(b.data, want);
	}
	rp_buf_release(&b);
}

static void test_hex(void **state)
{
	unsigned u = 7;
	int c, want;

	(void)state;
	for (c = 0; c < 256; c++) {
		want = c >= '0' && c <= '9'   ? c - '0'
		       : c >= 'a' && c <= 'f' ? c - 'a' + 10
		       : c >= 'A' && c <= 'F' ? c - 'A' + 10
					      : -1;
		assert_int_equal(rp_hex_digit((unsigned char)c), want);
	}
	assert_true(rp_hex4("D83d", 4, &u));
	assert_int_equal(u, 0xD83D);
	assert_true(rp_hex4("00e9zz", 6, &u));
	assert_int_equal(u, 0xE9);
	u = 7;
	assert_false(rp_hex4("00e", 3, &u)); /* too short: never read past */
	assert_false(rp_hex4("00g0", 4, &u));
	assert_int_equal(u, 7);
}

/* Growth past the size where rp_buf asks for huge pages (4 MiB, realloc
 * then moves or extends the advised mapping): every byte survives each
 * doubling, and a detached big buffer is an ordinary malloc block. */
static void test_buf_big(void **state)
{
	rp_buf b = RP_BUF_INIT;
	char piece[4096];
	size_t i, k, total = (size_t)24 << 20;
	char *p;

	(void)state;
	for (i = 0; i < sizeof piece; i++)
		piece[i] = (char)('a' + i % 26);
	for (k = 0; k < total; k += sizeof piece) {
		piece[0] = (char)('A' + (k / sizeof piece) % 26);
		assert_int_equal(rp_buf_append(&b, piece, sizeof piece), 0);
	}
	assert_int_equal(b.len, total);
	assert_int_equal(b.data[b.len], '\0');
	for (k = 0; k < total; k += sizeof piece) {
		assert_int_equal(b.data[k], (char)('A' + (k / sizeof piece) % 26));
		assert_int_equal(b.data[k + 1], 'b');
		assert_int_equal(b.data[k + sizeof piece - 1], (char)('a' + 4095 % 26));
	}
	p = rp_buf_detach(&b);
	p = realloc(p, 16);
	assert_non_null(p);
	assert_int_equal(p[0], 'A');
	free(p);
}

static void test_map(void **state)
{
	rp_map m, ci;
	char keys[2000][16];
	void *v, *old;
	int i;

	(void)state;
	rp_map_init(&m, false);
	for (i = 0; i < 2000; i++) {
		snprintf(keys[i], sizeof keys[i], "key%d", i);
		assert_int_equal(
			rp_map_put(&m, keys[i], strlen(keys[i]), (void *)(intptr_t)(i + 1), NULL),
			0);
	}
	assert_int_equal(m.count, 2000);
	for (i = 0; i < 2000; i++) {
		assert_true(rp_map_get(&m, keys[i], strlen(keys[i]), &v));
		assert_int_equal((intptr_t)v, i + 1);
	}
	assert_false(rp_map_get(&m, "KEY1", 4, &v));
	assert_int_equal(rp_map_put(&m, "key7", 4, (void *)(intptr_t)99, &old), 0);
	assert_int_equal((intptr_t)old, 8);
	assert_int_equal(m.count, 2000);
	/* insertion order kept */
	assert_string_equal(m.entries[0].key, "key0");
	assert_string_equal(m.entries[1999].key, "key1999");
	rp_map_release(&m);

	rp_map_init(&ci, true);
	assert_int_equal(rp_map_put(&ci, "Microsoft.Compute", 17, (void *)1, NULL), 0);
	assert_true(rp_map_get(&ci, "microsoft.COMPUTE", 17, &v));
	assert_int_equal((intptr_t)v, 1);
	rp_map_release(&ci);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_int_equal(rp_utf8_check((const unsigned char *)"abc", 3), 3);
	assert_int_equal(rp_utf8_check((const unsigned char *)"\xC3\xA9", 2), 2);
	/* overlong '/' */
	assert_int_equal(rp_utf8_check((const unsigned char *)"a\xC0\xAF", 3), 1);
	/* overlong 3-byte */
	assert_int_equal(rp_utf8_check((const unsigned char *)"\xE0\x80\xAF", 3), 0);
	/* surrogate U+D800 */
	assert_int_equal(rp_utf8_check((const unsigned char *)"\xED\xA0\x80", 3), 0);
	/* beyond U+10FFFF */
	assert_int_equal(rp_utf8_check((const unsigned char *)"\xF4\x90\x80\x80", 4), 0);
	/* U+10FFFF is fine */
	assert_int_equal(rp_utf8_check((const unsigned char *)"\xF4\x8F\xBF\xBF", 4), 4);
	/* truncated */
	assert_int_equal(rp_utf8_check((const unsigned char *)"ab\xE2\x82", 4), 2);
	assert_int_equal(rp_utf8_count((const unsigned char *)"\xC3\xA9t\xC3\xA9", 5), 3);
	assert_true(rp_str_ieq("AbC", "aBc", 3));
	assert_true(rp_slice_ieq((rp_slice){ "Tcp", 3 }, "TCP"));
	assert_false(rp_slice_eq((rp_slice){ "Tcp", 3 }, "TCP"));
}

/* Word-at-a-time case folding (rp_fold8, rp_str_ieq's 8-byte steps, the
 * map's hash) against the byte-at-a-time definition: every byte value in
 * every lane, keys longer than a word, a difference in the tail, and bytes
 * >= 0x80 (never folded). */
static unsigned char lower_ref(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static void test_fold_words(void **state)
{
	rp_map ci;
	void *v;
	unsigned c;
	int lane;

	(void)state;
	for (c = 0; c < 256; c++)
		for (lane = 0; lane < 8; lane++) {
			unsigned char in[8], out[8];
			uint64_t w;
			int k;
			for (k = 0; k < 8; k++)
				in[k] = (unsigned char)(k == lane ? c : (unsigned)('Q' + k));
			memcpy(&w, in, 8);
			w = rp_fold8(w);
			memcpy(out, &w, 8);
			for (k = 0; k < 8; k++)
				assert_int_equal(out[k], lower_ref(in[k]));
		}
	assert_true(rp_str_ieq("Microsoft.Network/virtualNetworks",
			       "microsoft.network/VIRTUALNETWORKS", 33));
	assert_false(rp_str_ieq("Microsoft.Network/virtualNetworks",
				"microsoft.network/virtualnetworkz", 33));
	assert_false(rp_str_ieq("abcdefgh@", "ABCDEFGH`", 9)); /* '@' and '`' differ by 0x20 */
	assert_false(rp_str_ieq("abcdefg[", "ABCDEFG{", 8));
	assert_false(rp_str_ieq("\xC3\xA9"
				"abcdef",
				"\xE3\xA9"
				"ABCDEF",
				8)); /* 0xC3 is not 'c' */
	assert_true(rp_str_ieq("\xC3\xA9"
			       "abcdef",
			       "\xC3\xA9"
			       "ABCDEF",
			       8));

	/* every length 0-24 (the 4-7 byte pair of words, the overlapping last
	 * word): equal when case-folded, and unequal at each position */
	{
		const char *src = "aBcDeFgHiJkLmNoPqRsTuVwXyZ";
		char x[32], y[32];
		size_t n, i, k;
		for (n = 0; n <= 24; n++) {
			memcpy(x, src, n);
			for (k = 0; k < n; k++)
				y[k] = (char)(x[k] ^ 0x20); /* the other case */
			assert_true(rp_str_ieq(x, y, n));
			for (i = 0; i < n; i++) {
				char save = y[i];
				y[i] = '@'; /* differs from every letter, folded or not */
				assert_false(rp_str_ieq(x, y, n));
				assert_false(rp_str_ieq(y, x, n));
				y[i] = save;
			}
		}
	}

	/* rp_load_short (the hashes' last partial word): a change of any one
	 * byte of 1-7 bytes changes the word */
	{
		unsigned char k[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
		size_t n, i;
		assert_int_equal(rp_load_short(k, 0), 0);
		for (n = 1; n < 8; n++)
			for (i = 0; i < n; i++) {
				uint64_t w = rp_load_short(k, n);
				k[i] ^= 0x40;
				assert_true(rp_load_short(k, n) != w);
				k[i] ^= 0x40;
			}
	}

	rp_map_init(&ci, true);
	assert_int_equal(rp_map_put(&ci, "storageAccountNamePrefix", 24, (void *)1, NULL), 0);
	assert_int_equal(rp_map_put(&ci, "storageAccountNamePrefiy", 24, (void *)2, NULL), 0);
	assert_int_equal(rp_map_put(&ci, "location", 8, (void *)3, NULL), 0);
	assert_true(rp_map_get(&ci, "STORAGEACCOUNTNAMEPREFIX", 24, &v));
	assert_int_equal((intptr_t)v, 1);
	assert_true(rp_map_get(&ci, "StorageAccountNamePrefiY", 24, &v));
	assert_int_equal((intptr_t)v, 2);
	assert_true(rp_map_get(&ci, "LOCATION", 8, &v));
	assert_int_equal((intptr_t)v, 3);
	assert_false(rp_map_get(&ci, "locatio", 7, &v));
	assert_false(rp_map_get(&ci, "storageAccountNamePrefi", 23, &v));
	rp_map_release(&ci);
}

/* The inline bump path and the out-of-line path (new blocks, big and zero
 * sizes) interleaved: every allocation aligned, distinct and writable. */
static void test_arena_paths(void **state)
{
	rp_arena *a = rp_arena_new();
	char *prev = NULL;
	size_t i, sizes[] = { 1, 0, 16, 17, 4095, 4096, 4097, 70000, 3, 200000 };

	(void)state;
	assert_non_null(a);
	for (i = 0; i < 5000; i++) {
		size_t n = sizes[i % (sizeof sizes / sizeof sizes[0])];
		char *p = rp_arena_alloc(a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		assert_true(p != prev);
		memset(p, (int)(i & 0xFF), n ? n : 1);
		if (prev)
			assert_int_equal((unsigned char)prev[0], (i - 1) & 0xFF);
		prev = p;
	}
	assert_null(rp_arena_alloc(a, SIZE_MAX - 4));
	rp_arena_free(a);
}

/* The column cache (source.h) must give the same columns as counting from
 * the line start, in any order of queries, across lines, and for offsets
 * inside a multi-byte character: a regression test for the cache that made
 * thousands of diagnostics on one minified line linear instead of
 * quadratic. */
static void test_source_column_cache(void **state)
{
	static const char text[] = "a\xC3\xA9"
				   "b\xE2\x82\xAC"
				   "cd\nxy\xF0\x9F\x98\x80"
				   "z\n\nq";
	static const size_t order[] = { 0,  3,  9,  1,  2, 7, 8, 10, 13, 12,
					17, 16, 18, 19, 5, 4, 6, 20, 11 };
	rp_source *s = NULL;
	uint32_t line, col, want_line, want_col;
	size_t i, k, n = sizeof text - 1;

	(void)state;
	assert_int_equal(rp_source_from_memory("t.json", text, n, &s), 0);
	for (k = 0; k < sizeof order / sizeof order[0]; k++) {
		size_t off = order[k] <= n ? order[k] : n;
		size_t ls = off;
		while (ls > 0 && text[ls - 1] != '\n')
			ls--;
		want_line = 1;
		for (i = 0; i < ls; i++)
			want_line += text[i] == '\n';
		want_col = 1;
		for (i = ls; i < off; i++)
			want_col += ((unsigned char)text[i] & 0xC0) != 0x80;
		assert_int_equal(rp_source_linecol(s, off, &line, &col), 0);
		assert_int_equal(line, want_line);
		assert_int_equal(col, want_col);
	}
	rp_source_free(s);
}

/* Long lines (a minified plan is one line of 100 MB): columns far into a
 * line come from per-block checkpoints, in any query order; they must equal
 * counting from the line start, across block edges, multi-byte characters
 * straddling them and several long lines.  Regression test: a scan of a
 * 100 MB one-line plan asked columns in rule order and took over 11 minutes
 * counting from the line start each time. */
static void test_source_column_long_lines(void **state)
{
	static const char *const piece[] = { "ab", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
					     "x" };
	rp_buf b = RP_BUF_INIT;
	rp_source *s = NULL;
	uint32_t line, col, want_line, want_col;
	size_t i, k, off, n, ls;
	uint64_t x = 88172645463325252u;

	(void)state;
	for (i = 0; b.len < 5 * RP_SOURCE_COL_BLOCK + 100; i++) {
		rp_buf_puts(&b, piece[i % 5]);
		if (i == 1500 || i == 7000)
			rp_buf_putc(&b, '\n');
	}
	n = b.len;
	assert_int_equal(rp_source_from_memory("t.json", b.data, n, &s), 0);
	for (k = 0; k < 3000; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		off = k == 0 ? n : (size_t)(x % (n + 1));
		ls = off;
		while (ls > 0 && b.data[ls - 1] != '\n')
			ls--;
		want_line = 1;
		for (i = 0; i < ls; i++)
			want_line += b.data[i] == '\n';
		want_col = 1;
		for (i = ls; i < off; i++)
			want_col += ((unsigned char)b.data[i] & 0xC0) != 0x80;
		assert_int_equal(rp_source_linecol(s, off, &line, &col), 0);
		assert_int_equal(line, want_line);
		assert_int_equal(col, want_col);
	}
	assert_non_null(s->colck);
	rp_source_free(s);
	rp_buf_release(&b);
}

static void test_source_lines(void **state)
{
	static const char text[] = "ab\r\n\xC3\xA9x\nlast";
	rp_source *s = NULL;
	uint32_t line, col;
	size_t st, len;

	(void)state;
	assert_int_equal(rp_source_from_memory("t.json", text, sizeof text - 1, &s), 0);
	assert_int_equal(rp_source_linecol(s, 0, &line, &col), 0);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	assert_int_equal(rp_source_linecol(s, 1, &line, &col), 0);
	assert_int_equal(col, 2);
	/* 'x' after a 2-byte character is column 2 */
	assert_int_equal(rp_source_linecol(s, 6, &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 2);
	assert_int_equal(rp_source_linecol(s, 8, &line, &col), 0);
	assert_int_equal(line, 3);
	assert_int_equal(col, 1);
	assert_int_equal(rp_source_line(s, 1, &st, &len), 0);
	assert_int_equal(st, 0);
	assert_int_equal(len, 2); /* CR not included */
	assert_int_equal(rp_source_line(s, 3, &st, &len), 0);
	assert_int_equal(len, 4);
	assert_int_equal(rp_source_line(s, 4, &st, &len), -RP_ENOTFOUND);
	rp_source_free(s);
}

static void test_source_load_refuses(void **state)
{
	rp_source *s = NULL;
	rp_diag d;

	(void)state;
	rp_diag_init(&d);
	assert_int_equal(rp_source_load("/dev/null", 0, &s, &d), -RP_EIO);
	assert_null(s);
	assert_int_equal(d.nerrors, 1);
	assert_non_null(strstr(d.items[0].message, "not a regular file"));
	assert_int_equal(rp_source_load("/nonexistent/x.json", 0, &s, &d), -RP_EIO);
	assert_int_equal(d.nerrors, 2);
	rp_diag_release(&d);
}

/* rp_source_reopen reads the file its descriptor was opened on, even when
 * the path has since been replaced (the swap a linked template's check
 * must not be fooled by), and refuses what is not a regular file without
 * opening it for reading. */
static void test_source_reopen(void **state)
{
	char path[] = "/tmp/rampart-test-reopen-XXXXXX", other[PATH_MAX];
	rp_source *s = NULL;
	rp_diag d;
	FILE *fp;
	int fd, pfd;

	(void)state;
	rp_diag_init(&d);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "first", 5), 5);
	close(fd);
	pfd = open(path, O_PATH | O_CLOEXEC);
	assert_true(pfd >= 0);
	/* the path now names another file */
	snprintf(other, sizeof(other), "%s.new", path);
	fp = fopen(other, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite("second", 1, 6, fp), 6);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(rename(other, path), 0);
	assert_int_equal(rp_source_reopen(pfd, "linked.json", 0, &s, &d), 0);
	assert_string_equal(s->name, "linked.json");
	assert_int_equal(s->size, 5);
	assert_memory_equal(s->data, "first", 5);
	rp_source_free(s);
	s = NULL;
	/* the limit applies as in rp_source_load */
	assert_int_equal(rp_source_reopen(pfd, "linked.json", 4, &s, &d), -RP_ELIMIT);
	assert_null(s);
	close(pfd);
	unlink(path);
	/* a device is refused from its O_PATH descriptor */
	pfd = open("/dev/null", O_PATH | O_CLOEXEC);
	assert_true(pfd >= 0);
	assert_int_equal(rp_source_reopen(pfd, "dev.json", 0, &s, &d), -RP_EIO);
	assert_null(s);
	close(pfd);
	assert_int_equal(d.nerrors, 2);
	assert_non_null(strstr(d.items[1].message, "dev.json: not a regular file"));
	rp_diag_release(&d);
}

/* A regular file is read into a buffer of its own size (fstat), not one
 * doubled to find the end of the file; contents intact at the edges. */
/* The source tests' input: n bytes of an alphabet repeating every period
 * letters, and a file rewritten with the first n of them. */
static char *pattern(size_t n, unsigned period)
{
	char *buf = malloc(n);
	size_t j;

	assert_non_null(buf);
	for (j = 0; j < n; j++)
		buf[j] = (char)('a' + j % period);
	return buf;
}

static void rewrite(const char *path, const char *buf, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void test_source_load_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, 4094, 4095, 4096, 4097, 100000, 1048576 };
	char path[] = "/tmp/rampart-test-source-XXXXXX";
	rp_source *s = NULL;
	rp_diag d;
	char *buf;
	size_t i;
	int fd;

	(void)state;
	rp_diag_init(&d);
	buf = pattern(1048576, 26);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		rewrite(path, buf, sizes[i]);
		assert_int_equal(rp_source_load(path, 0, &s, &d), 0);
		assert_int_equal(s->size, sizes[i]);
		if (sizes[i] > 0)
			assert_memory_equal(s->data, buf, sizes[i]);
		assert_int_equal(s->data[sizes[i]], '\0');
		assert_true(malloc_usable_size(s->data) < sizes[i] + 4096 + 64);
		rp_source_free(s);
		s = NULL;
		/* the same file with a limit of its own size loads; one byte less fails */
		assert_int_equal(rp_source_load(path, sizes[i] ? sizes[i] : 1, &s, &d), 0);
		rp_source_free(s);
		s = NULL;
		if (sizes[i] > 1) {
			assert_int_equal(rp_source_load(path, sizes[i] - 1, &s, &d), -RP_ELIMIT);
			assert_null(s);
		}
	}
	unlink(path);
	free(buf);
	assert_int_equal(d.nerrors, 6);
	rp_diag_release(&d);
}

/* rp_source_read_rest: the head the caller read and the rest of the file
 * make the same source rp_source_load reads, for every head length; the
 * checks are rp_source_load's (limit, regular file) and the descriptor stays
 * open. */
static void test_source_read_rest(void **state)
{
	static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 100000 };
	static const size_t heads[] = { 0, 1, 4096 };
	char path[] = "/tmp/rampart-test-rest-XXXXXX", head[4096];
	rp_source *s = NULL;
	rp_diag d;
	char *buf;
	size_t i, h;
	int fd;

	(void)state;
	rp_diag_init(&d);
	buf = pattern(100000, 23);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		rewrite(path, buf, sizes[i]);
		for (h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
			size_t nh = heads[h] < sizes[i] ? heads[h] : sizes[i];
			fd = open(path, O_RDONLY);
			assert_true(fd >= 0);
			assert_int_equal(read(fd, head, nh), (ssize_t)nh);
			assert_int_equal(rp_source_read_rest(fd, path, head, nh, 0, &s, &d), 0);
			assert_string_equal(s->name, path);
			assert_int_equal(s->size, sizes[i]);
			if (sizes[i] > 0)
				assert_memory_equal(s->data, buf, sizes[i]);
			assert_int_equal(s->data[sizes[i]], '\0');
			rp_source_free(s);
			s = NULL;
			/* over the limit: refused like rp_source_load */
			if (sizes[i] > 1) {
				assert_int_equal(lseek(fd, (off_t)nh, SEEK_SET), (off_t)nh);
				assert_int_equal(rp_source_read_rest(fd, path, head, nh,
								     sizes[i] - 1, &s, &d),
						 -RP_ELIMIT);
				assert_null(s);
			}
			/* still open: the caller closes it */
			assert_int_equal(close(fd), 0);
		}
	}
	/* not a regular file */
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(rp_source_read_rest(fd, "/dev/null", head, 0, 0, &s, &d), -RP_EIO);
	assert_null(s);
	close(fd);
	unlink(path);
	free(buf);
	assert_int_equal(d.nerrors, 4 * 3 + 1);
	rp_diag_release(&d);
}

static void test_diag_print(void **state)
{
	static const char text[] = "{\n  \"a\": tru\n}";
	rp_source *s = NULL;
	rp_diag d;
	char out[512];
	FILE *fp;
	size_t n;

	(void)state;
	assert_int_equal(rp_source_from_memory("f.json", text, sizeof text - 1, &s), 0);
	rp_diag_init(&d);
	rp_diag_add(&d, RP_DIAG_ERROR, s, 9, 12, "invalid literal");
	fp = fmemopen(out, sizeof out, "w");
	assert_non_null(fp);
	rp_diag_print(fp, &d, false);
	n = (size_t)ftell(fp);
	fclose(fp);
	out[n < sizeof out ? n : sizeof out - 1] = '\0';
	assert_string_equal(out, "rampart: f.json:2:8: error: invalid literal\n"
				 "   \"a\": tru\n"
				 "        ^~~\n");
	rp_diag_release(&d);
	rp_source_free(s);
}

/* Regression: invalid UTF-8 in a source line reached the terminal raw. */
static void test_diag_excerpt_invalid_utf8(void **state)
{
	static const char text[] = "[\"\xC3\xA9\xFF\xFEx\", tru]";
	rp_source *s = NULL;
	rp_diag d;
	char out[512];
	FILE *fp;
	size_t n;

	(void)state;
	assert_int_equal(rp_source_from_memory("u.json", text, sizeof text - 1, &s), 0);
	rp_diag_init(&d);
	rp_diag_add(&d, RP_DIAG_ERROR, s, 10, 13, "bad");
	fp = fmemopen(out, sizeof out, "w");
	assert_non_null(fp);
	rp_diag_print(fp, &d, false);
	n = (size_t)ftell(fp);
	fclose(fp);
	out[n < sizeof out ? n : sizeof out - 1] = '\0';
	/* \xFF\xFE shown as "??", the caret under "tru" counts them as two */
	assert_non_null(strstr(out, " [\"\xC3\xA9??x\", tru]\n"));
	assert_non_null(strstr(out, "\n          ^~~\n"));
	assert_null(strchr(out, '\xFF'));
	rp_diag_release(&d);
	rp_source_free(s);
}

static void test_diag_limit(void **state)
{
	rp_diag d;
	size_t i;

	(void)state;
	rp_diag_init(&d);
	for (i = 0; i < RP_DIAG_MAX_KEPT + 5; i++)
		rp_diag_add(&d, RP_DIAG_WARNING, NULL, 0, 0, "w%zu", i);
	assert_int_equal(d.count, RP_DIAG_MAX_KEPT);
	assert_int_equal(d.dropped, 5);
	assert_int_equal(d.nwarnings, RP_DIAG_MAX_KEPT + 5);
	rp_diag_release(&d);
}

/* rp_vsnprintf gives what vsnprintf gives: the conversions it writes
 * itself, the ones it hands over, truncation and the returned length. */
static int both(char *a, char *b, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int both(char *a, char *b, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int na, nb;

	va_start(ap, fmt);
	na = vsnprintf(a, cap, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	nb = rp_vsnprintf(b, cap, fmt, ap);
	va_end(ap);
	assert_int_equal(na, nb);
	if (cap)
		assert_string_equal(a, b);
	return nb;
}

static void test_vsnprintf(void **state)
{
	char a[64], b[64];
	size_t cap;

	(void)state;
	for (cap = 0; cap < sizeof(a); cap += 7) {
		memset(a, 'x', sizeof(a));
		memset(b, 'x', sizeof(b));
		both(a, b, cap, "%s/%s", "Microsoft.Compute", "virtualMachines");
		both(a, b, cap, "plain text, no conversion");
		both(a, b, cap, "%d %i %u %ld %lu %lld %llu %zu %zd", -42, 7, 4000000000u,
		     -1234567890123L, 99UL, (long long)INT64_MIN, (unsigned long long)UINT64_MAX,
		     (size_t)12345, (ptrdiff_t)-5);
		both(a, b, cap, "%c%c 100%% %s", 'o', 'k', "");
		both(a, b, cap, "%s[%u].id", "properties.dataDisks", 3u);
		/* handed over: flags, width, precision, other conversions */
		both(a, b, cap, "%-10s|%8zu|%.3s|%x|%02d|%5.1f", "ab", (size_t)7, "abcdef", 255u, 3,
		     2.25);
		both(a, b, cap, "%s:%u:%u", "t.json", 0u, 12u);
		/* literal text around and between conversions, %% at the ends */
		both(a, b, cap, "%%%s%s%%", "ab", "cd");
		both(a, b, cap, "parameter '%s' has no value, nor a default", "location");
		both(a, b, cap, "%%");
		both(a, b, cap, "%d", 0);
	}
	assert_int_equal(both(a, b, 0, "%s", "abc"), 3);
}

/* A sink that collects what it is given, and can be told to fail. */
typedef struct collect_sink {
	rp_sink sink;
	rp_buf got;
	size_t writes;
	bool fail;
} collect_sink;

static int collect_write(rp_sink *s, const char *p, size_t n)
{
	collect_sink *c = (collect_sink *)(void *)s;

	if (c->fail)
		return -RP_EIO;
	c->writes++;
	return rp_buf_append(&c->got, p, n);
}

/* A buffer on a sink stays bounded, hands every byte over in order, and
 * keeps its content when the sink fails. */
static void test_buf_sink(void **state)
{
	collect_sink c;
	rp_buf b = RP_BUF_INIT, want = RP_BUF_INIT;
	size_t i, maxcap = 0;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.sink.write = collect_write;
	b.sink = &c.sink;
	for (i = 0; i < 40000; i++) {
		char piece[64];
		int n = snprintf(piece, sizeof piece, "%zu:%.*s;", i, (int)(i % 50),
				 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
		assert_int_equal(rp_buf_append(&b, piece, (size_t)n), 0);
		assert_int_equal(rp_buf_append(&want, piece, (size_t)n), 0);
		if (i % 7 == 0) {
			assert_int_equal(rp_buf_printf(&b, "<%zu>", i * 3), 0);
			assert_int_equal(rp_buf_printf(&want, "<%zu>", i * 3), 0);
		}
		assert_int_equal(rp_buf_putc(&b, '\n'), 0);
		assert_int_equal(rp_buf_putc(&want, '\n'), 0);
		if (b.cap > maxcap)
			maxcap = b.cap;
	}
	assert_true(want.len > 4 * RP_BUF_SINK_CHUNK);
	assert_int_equal(maxcap, RP_BUF_SINK_CHUNK);
	assert_true(c.writes >= want.len / RP_BUF_SINK_CHUNK);
	/* one item bigger than the chunk: written whole, the buffer grows */
	{
		size_t big = 3 * RP_BUF_SINK_CHUNK;
		char *x = malloc(big);
		assert_non_null(x);
		memset(x, 'z', big);
		assert_int_equal(rp_buf_append(&b, x, big), 0);
		assert_int_equal(rp_buf_append(&want, x, big), 0);
		free(x);
	}
	assert_int_equal(rp_buf_flush(&b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(c.got.len, want.len);
	assert_memory_equal(c.got.data, want.data, want.len);
	/* a failing sink: the append fails, the buffer is unchanged */
	assert_int_equal(rp_buf_append(&b, "abc", 3), 0);
	c.fail = true;
	{
		size_t len = b.len;
		char *x = calloc(1, b.cap + 1);
		assert_non_null(x);
		assert_int_equal(rp_buf_append(&b, x, b.cap), -RP_EIO);
		assert_int_equal(b.len, len);
		assert_memory_equal(b.data, "abc", 3);
		assert_int_equal(rp_buf_flush(&b), -RP_EIO);
		free(x);
	}
	/* without a sink, flush does nothing */
	assert_int_equal(rp_buf_flush(&want), 0);
	assert_true(want.len > 0);
	rp_buf_release(&b);
	rp_buf_release(&want);
	rp_buf_release(&c.got);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *d = NULL;
	long sz;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	d = malloc((size_t)sz + 1);
	if (d && fread(d, 1, (size_t)sz, f) != (size_t)sz) {
		free(d);
		d = NULL;
	}
	if (d)
		d[sz] = '\0';
	*n = (size_t)sz;
	fclose(f);
	return d;
}

static size_t dir_entries(const char *dir)
{
	char cmd[600];
	FILE *p;
	size_t n = 0;
	int c;

	snprintf(cmd, sizeof cmd, "ls -A '%s'", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((c = fgetc(p)) != EOF)
		n += c == '\n';
	pclose(p);
	return n;
}

/* -o FILE: a regular file is replaced whole when the write completes (its
 * permissions kept), left as it was when the write is abandoned, and no
 * temporary file stays behind; a device is written directly; a missing
 * directory is an I/O error with its errno. */
static void test_outfile(void **state)
{
	char dir[] = "/tmp/rampart-outfile-XXXXXX", path[512];
	rp_outfile o;
	rp_buf b = RP_BUF_INIT;
	struct stat st;
	size_t n, i;
	char *d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/report.json", dir);
	/* new file */
	assert_int_equal(rp_outfile_open(&o, path), 0);
	b.sink = &o.sink;
	for (i = 0; i < 100000; i++)
		assert_int_equal(rp_buf_printf(&b, "line %zu\n", i), 0);
	assert_int_equal(rp_buf_flush(&b), 0);
	assert_int_equal(dir_entries(dir), 1); /* only the temporary file so far */
	assert_int_equal(rp_outfile_commit(&o), 0);
	assert_int_equal(dir_entries(dir), 1);
	d = slurp(path, &n);
	assert_non_null(d);
	assert_true(n > 1000000);
	assert_memory_equal(d, "line 0\nline 1\n", 14);
	assert_memory_equal(d + n - 11, "line 99999\n", 11);
	free(d);
	/* an existing file's mode is kept */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(rp_outfile_open(&o, path), 0);
	b.sink = &o.sink;
	assert_int_equal(rp_buf_puts(&b, "second\n"), 0);
	assert_int_equal(rp_buf_flush(&b), 0);
	assert_int_equal(rp_outfile_commit(&o), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	d = slurp(path, &n);
	assert_string_equal(d, "second\n");
	free(d);
	/* abandoned after a flush: the old file stays, no temporary file */
	assert_int_equal(rp_outfile_open(&o, path), 0);
	b.sink = &o.sink;
	for (i = 0; i < 100000; i++)
		assert_int_equal(rp_buf_printf(&b, "third %zu\n", i), 0);
	rp_outfile_abort(&o);
	rp_buf_clear(&b);
	d = slurp(path, &n);
	assert_string_equal(d, "second\n");
	free(d);
	assert_int_equal(dir_entries(dir), 1);
	/* a device: written directly, committed without a rename */
	assert_int_equal(rp_outfile_open(&o, "/dev/null"), 0);
	assert_null(o.tmp);
	b.sink = &o.sink;
	assert_int_equal(rp_buf_puts(&b, "gone\n"), 0);
	assert_int_equal(rp_buf_flush(&b), 0);
	assert_int_equal(rp_outfile_commit(&o), 0);
	/* a missing directory */
	snprintf(path, sizeof path, "%s/missing/report.json", dir);
	assert_int_equal(rp_outfile_open(&o, path), -RP_EIO);
	assert_int_equal(o.os_errno, ENOENT);
	rp_buf_release(&b);
	snprintf(path, sizeof path, "%s/report.json", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_buf_decimal),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_buf_big),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_fold_words),
		cmocka_unit_test(test_arena_paths),
		cmocka_unit_test(test_source_lines),
		cmocka_unit_test(test_source_load_refuses),
		cmocka_unit_test(test_source_column_cache),
		cmocka_unit_test(test_source_column_long_lines),
		cmocka_unit_test(test_source_load_sizes),
		cmocka_unit_test(test_source_read_rest),
		cmocka_unit_test(test_source_reopen),
		cmocka_unit_test(test_diag_print),
		cmocka_unit_test(test_diag_excerpt_invalid_utf8),
		cmocka_unit_test(test_diag_limit),
		cmocka_unit_test(test_vsnprintf),
		cmocka_unit_test(test_buf_sink),
		cmocka_unit_test(test_outfile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
