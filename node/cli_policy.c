/* valnode policy lint FILE [--json] | show [ID] [--json]: a policy file is
 * checked as the node loads it (XSD, then the semantic rules, every
 * finding with its line number); show prints what the engine applies. */
#include "node/cli_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "node/cli.h"
#include "node/srv_policy.h"
#include "node/tl_json.h"
#include "policies/pol.h"

static const char help[] =
	"usage: valnode policy lint FILE [--json]\n"
	"       valnode policy show [ID|FILE] [--json]\n"
	"\n"
	"lint: check a policy file against the policy schema (valnode-policy.xsd of the\n"
	"policy directory) and the semantic rules (dates, known algorithms, no\n"
	"contradictory or repeated entries), each finding with its line number.\n"
	"Exit status 0 valid, 1 invalid, 66 no such file.\n"
	"show: the policies the node offers, or one of them with its rules and digest.\n";

static int lint(const char *file, int json)
{
	char xsd[4200];
	vn_findings f;
	pol_policy *p = NULL;
	size_t i;
	vn_err e;
	int rc;

	snprintf(xsd, sizeof xsd, "%s/valnode-policy.xsd", srv_policy_dir());
	vn_findings_init(&f);
	e = pol_load_file(file, xsd, &p, &f);
	if (json) {
		vn_json_print(json_pack("{s:s, s:b, s:o, s:o, s:o, s:o}", "file", file, "valid",
					e == VN_OK, "id", p ? json_string(p->id) : json_null(), "version",
					p ? json_string(p->version) : json_null(), "digest",
					p ? json_string(p->digest) : json_null(), "findings",
					vn_json_findings(&f)));
	} else {
		for (i = 0; i < f.n; i++)
			printf("%s: %s: %s: %s\n", file, vn_level_name(f.items[i].level), f.items[i].code,
			       f.items[i].message);
		if (e == VN_OK)
			printf("%s: valid: policy %s version %s, sha256 %s\n", file, p->id, p->version,
			       p->digest);
		else
			printf("%s: invalid\n", file);
	}
	rc = e == VN_OK ? 0 : (e == VN_ERR_NOT_FOUND || e == VN_ERR_IO) && f.n > 0 &&
					      strcmp(f.items[0].code, "POL_IO") == 0
				      ? vn_err_exit_code(e)
				      : 1;
	pol_free(p);
	vn_findings_free(&f);
	return rc;
}

static int show(const char *id, int json)
{
	v_policy v;
	const srv_policy_info *pi;
	size_t i, n;

	if (id == NULL) {
		json_t *a = json_array();
		n = srv_policy_count();
		for (i = 0; i < n; i++) {
			pi = srv_policy_at(i);
			if (pi == NULL)
				continue;
			if (json)
				json_array_append_new(a, srv_policy_json(pi, 0));
			else
				printf("%-8s %-6s %s\n", pi->id, pi->version, pi->description);
		}
		if (json)
			vn_json_print(json_pack("{s:s, s:o}", "directory", srv_policy_dir(), "policies", a));
		else
			json_decref(a);
		return 0;
	}
	pi = srv_policy_find(id, &v);
	if (pi == NULL) {
		fprintf(stderr, "valnode policy show: no valid policy '%s' (directory %s)\n", id,
			srv_policy_dir());
		return 66;
	}
	if (json) {
		vn_json_print(srv_policy_json(pi, 1));
	} else {
		json_t *j = srv_policy_json(pi, 1);
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s != NULL)
			printf("%s\n", s);
		free(s);
		json_decref(j);
	}
	return 0;
}

int vn_cli_policy(int argc, char **argv)
{
	const char *arg = NULL;
	int json = 0, i;

	if (argc < 2 || vn_cli_is_help(argv[1])) {
		fputs(help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 64 : 0;
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (vn_cli_is_help(argv[i])) {
			fputs(help, stdout);
			return 0;
		} else if (argv[i][0] == '-' || arg != NULL)
			return vn_cli_usage_error("policy", "unexpected '%s'", argv[i]);
		else
			arg = argv[i];
	}
	if (strcmp(argv[1], "lint") == 0) {
		if (arg == NULL)
			return vn_cli_usage_error("policy", "lint needs a FILE");
		return lint(arg, json);
	}
	if (strcmp(argv[1], "show") == 0)
		return show(arg, json);
	return vn_cli_usage_error("policy", "unknown subcommand '%s' (lint, show)", argv[1]);
}
