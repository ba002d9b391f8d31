/* bpf/path_evasive.h (shared by the kernel filter and policy_match): which
 * paths no path rule may filter, against a table and against a plain
 * reading (strsep + fnmatch) on random paths built from the words that
 * matter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include "ringtap_abi.h"
#include "path_evasive.h"
#include "path_evasive_plain.h"

static int evasive(const char *path)
{
	struct rt_path_scan st = { 0 };

	for (size_t i = 0; path[i] && !st.evasive; i++)
		rt_path_scan_step(&st, path[i]);
	if (!st.evasive)
		rt_path_scan_end(&st);
	return st.evasive;
}

static void test_table(void **state)
{
	static const struct {
		const char *path;
		int evasive;
	} cases[] = {
		{ "/proc/../etc/hostname", 1 }, { "/dev/../etc/hostname", 1 },
		{ "/proc/self/root/etc/hostname", 1 }, { "/proc/1/cwd/x", 1 }, { "/proc/self/exe", 1 },
		{ "/proc/thread-self/root", 1 }, { "/proc/self/fd/3/etc/shadow", 1 },
		{ "/proc/self/map_files/400000-401000", 1 }, { "/proc/1/task/1/root/etc", 1 },
		{ "/proc/1/task/1/fd/3", 1 }, { "/dev/fd/3/etc/shadow", 1 }, { "/dev/fd", 1 },
		{ "/proc/./cpuinfo", 1 }, { "/proc//cpuinfo", 1 }, { "//proc/cpuinfo", 1 },
		{ "/proc/cpuinfo/.", 1 }, { "/proc/..", 1 }, { "./x", 1 }, { "../etc/shadow", 1 },
		{ "a//b", 1 }, { "/sys/./kernel", 1 },
		{ "/proc/cpuinfo", 0 }, { "/proc/self/status", 0 }, { "/proc/self/fdinfo/3", 0 },
		{ "/proc/self/rooted", 0 }, { "/proc/self/xmap_files", 0 }, { "/proc/self/nap_files", 0 },
		{ "/proc/self/task/1/status", 0 }, { "/proc/root", 0 }, { "/proc/1/2/root", 0 },
		{ "/dev/null", 0 }, { "/dev/fdx", 0 }, { "/dev/shm/fd", 0 }, { "/home/u/.bashrc", 0 },
		{ "/a/..b/c", 0 }, { "/a/b./c", 0 }, { "/etc/", 0 }, { "/", 0 }, { "", 0 }, { "x/", 0 },
		{ "relative/path", 0 }, { "/x/proc/self/root", 0 }, { "/tmp/fd/3", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (evasive(cases[i].path) != cases[i].evasive || path_evasive_plain(cases[i].path) != cases[i].evasive)
			print_error("'%s': header %d, plain %d, want %d\n", cases[i].path, evasive(cases[i].path),
				    path_evasive_plain(cases[i].path), cases[i].evasive);
		assert_int_equal(evasive(cases[i].path), cases[i].evasive);
		assert_int_equal(path_evasive_plain(cases[i].path), cases[i].evasive);
	}
}

static void test_matches_plain_reading(void **state)
{
	static const char *const words[] = { "", ".", "..", "proc", "dev", "fd", "self", "root", "cwd",
					     "exe", "task", "1", "map_files", "ap_files", "x.", ".x", "sys" };
	unsigned seed = 7, evasive_n = 0;
	char path[256];

	(void)state;
	for (int n = 0; n < 200000; n++) {
		size_t o = 0;
		int comps;

		seed = seed * 1103515245u + 12345u;
		comps = 1 + (seed >> 16) % 7;
		for (int c = 0; c < comps; c++) {
			seed = seed * 1103515245u + 12345u;
			const char *w = words[(seed >> 16) % (sizeof(words) / sizeof(words[0]))];
			o += (size_t)snprintf(path + o, sizeof(path) - o, "%s%s", c ? "/" : "", w);
		}
		int want = path_evasive_plain(path), got = evasive(path);
		if (want != got)
			print_error("'%s': header %d, plain %d\n", path, got, want);
		assert_int_equal(got, want);
		evasive_n += got;
	}
	printf("# %u of 200000 random paths evasive\n", evasive_n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_matches_plain_reading),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
