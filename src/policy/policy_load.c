/* Policy files: read, parse, report. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "config/yaml_strict.h"
#include "policy/policy_parse.h"

int policy_parse_file(const char *path, struct policy *out, struct policy_diags *diags)
{
	char *buf = NULL;
	size_t len = 0;

	diags->n = 0;
	diags->dropped = 0;
	int ret = yaml_strict_read_file(path, POLICY_FILE_MAX, &buf, &len);
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
