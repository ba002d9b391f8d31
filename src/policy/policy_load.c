/* Policy files: read, parse, report. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "policy/policy_parse.h"

/* Read a whole file (bounded) into a malloc'd buffer. */
static int read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = NULL;
	char *data = NULL;
	size_t n = 0;
	int ret = 0;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	data = malloc(POLICY_FILE_MAX + 1);
	if (!data) {
		ret = -ENOMEM;
		goto cleanup;
	}
	n = fread(data, 1, POLICY_FILE_MAX + 1, f);
	if (ferror(f)) {
		ret = -EIO;
		goto cleanup;
	}
	if (n > POLICY_FILE_MAX) {
		ret = -EFBIG;
		goto cleanup;
	}
	*buf = data;
	*len = n;
	data = NULL;
cleanup:
	free(data);
	if (f)
		fclose(f);
	return ret;
}

int policy_parse_file(const char *path, struct policy *out, struct policy_diags *diags)
{
	char *buf = NULL;
	size_t len = 0;

	diags->n = 0;
	diags->dropped = 0;
	int ret = read_file(path, &buf, &len);
	if (ret < 0)
		return ret;
	ret = policy_parse_buffer(buf, len, out, diags);
	free(buf);
	return ret;
}

int policy_load_file(const char *path, struct policy **out, struct policy_diags *diags)
{
	struct policy *p = malloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	int ret = policy_parse_file(path, p, diags);
	if (ret < 0) {
		free(p);
		return ret;
	}
	*out = p;
	return 0;
}

void policy_diags_print(const struct policy_diags *diags, const char *file, FILE *out)
{
	for (size_t i = 0; i < diags->n; i++)
		fprintf(out, "%s:%u:%u: %s\n", file, diags->items[i].line, diags->items[i].col,
			diags->items[i].msg);
	if (diags->dropped)
		fprintf(out, "%s: %zu more problems not shown\n", file, diags->dropped);
}

int policy_check_file(const char *path, FILE *errs)
{
	struct policy_diags *diags = NULL;
	struct policy *p = NULL;
	int ret;

	diags = malloc(sizeof(*diags));
	if (!diags) {
		ret = -ENOMEM;
		fprintf(errs, "%s: %s\n", path, strerror(-ret));
		goto cleanup;
	}
	ret = policy_load_file(path, &p, diags);
	if (ret == -EINVAL)
		policy_diags_print(diags, path, errs);
	else if (ret == -EFBIG)
		fprintf(errs, "%s: file is larger than %u bytes; a policy is much smaller\n", path,
			POLICY_FILE_MAX);
	else if (ret < 0)
		fprintf(errs, "%s: cannot read: %s\n", path, strerror(-ret));
cleanup:
	free(p);
	free(diags);
	return ret;
}
