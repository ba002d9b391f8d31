#include <stdio.h>
#include <string.h>
#include "cli/commands.h"
#include "ringtap_abi.h"

int cmd_version_main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: ringtap version\n\nPrints the ringtap version and its kernel ABI version.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "ringtap version: unexpected argument '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	printf("ringtap %s (abi %d)\n", RINGTAP_VERSION, RT_ABI_VERSION);
	return 0;
}
