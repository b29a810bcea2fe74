/* `valnode tl ...`: trusted-list commands for relying parties and operators. */
#include "node/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vn_buf.h"
#include "common/vn_err.h"
#include "node/cli_tl_common.h"
#include "node/tl_json.h"
#include "trustlists/tl_lint.h"
#include "trustlists/tl_model.h"
#include "trustlists/tl_xml.h"

typedef struct tl_sub {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} tl_sub;

static const tl_sub subs[] = {
	{"verify", vn_cli_tl_verify, "verify a list's signature against pinned signer certificates"},
	{"walk", vn_cli_tl_walk, "walk a list of lists: pivots, pointed lists, cache, mirror"},
	{"show", vn_cli_tl_show, "print a list's contents (scheme, pointers, TSPs, services)"},
	{"build", vn_cli_tl_build, "make a TS 119 612 v6 list from a readable description (tlspec)"},
	{"sign", vn_cli_tl_sign, "sign a list: enveloped XAdES-BASELINE-B (RSA, RSA-PSS, ECDSA)"},
	{"lint", vn_cli_tl_lint, "check a list before publishing it (structure, dates, URIs, signer)"},
};

static void tl_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: valnode tl SUBCOMMAND [ARGS...]\n\n"
		     "Trusted lists (ETSI TS 119 612, versions 5 and 6, lists and lists of lists).\n\n"
		     "subcommands:\n");
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++)
		fprintf(out, "  %-8s %s\n", subs[i].name, subs[i].summary);
	fprintf(out, "\n`valnode tl SUBCOMMAND --help` explains each one.\n");
}

int vn_cli_tl(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		tl_usage(stderr);
		return VN_EXIT_USAGE;
	}
	if (vn_cli_is_help(argv[1])) {
		tl_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "valnode tl: unknown subcommand '%s'\n\n", argv[1]);
	tl_usage(stderr);
	return VN_EXIT_USAGE;
}

int vn_cli_tl_load(const char *path, vn_buf *raw, xmlDocPtr *doc, tl_list **list)
{
	char why[256] = "";
	vn_err e;

	*doc = NULL;
	*list = NULL;
	vn_buf_init(raw, TL_XML_MAX_SIZE);
	e = vn_buf_read_file(raw, path);
	if (e != VN_OK) {
		fprintf(stderr, "valnode: %s: %s\n", path,
			e == VN_ERR_TOO_LARGE ? "file exceeds the size limit" : vn_err_str(e));
		return vn_err_exit_code(e);
	}
	e = tl_xml_read(raw->data, raw->len, doc, why, sizeof why);
	if (e != VN_OK) {
		fprintf(stderr, "valnode: %s: not a trusted list: %s\n", path, why);
		return vn_err_exit_code(e);
	}
	e = tl_parse(*doc, list);
	if (e != VN_OK) {
		fprintf(stderr, "valnode: %s: not a trusted list: %s\n", path,
			e == VN_ERR_MALFORMED
				? "the root is not tsl:TrustServiceStatusList with SchemeInformation"
				: vn_err_str(e));
		xmlFreeDoc(*doc);
		*doc = NULL;
		return vn_err_exit_code(e);
	}
	return 0;
}

static const char show_help[] =
	"usage: valnode tl show FILE [--json] [--schema DIR]\n"
	"\n"
	"Print what a trusted list (TS 119 612 v5/v6, a national list or a list of\n"
	"lists) says: scheme information, pointers to other lists with their\n"
	"signer certificates, trust service providers and their services with the\n"
	"full status history, qualifiers and criteria. The signature is NOT checked:\n"
	"use `valnode tl verify` for that.\n"
	"\n"
	"options:\n"
	"  --json        one JSON object with every field (for scripts)\n"
	"  --schema DIR  also validate against the official XSDs in DIR\n"
	"                (ts_119612v020401_xsd.xsd and friends, with catalog.xml)\n"
	"\n"
	"example:\n"
	"  valnode tl show build/demo/lists/AZ.xml\n"
	"\n"
	"exit status: 0 shown, 64 usage error, 65 not a trusted list, 66 missing file.\n";

static void show_text(const tl_list *l)
{
	char a[VN_TIME_BUFSZ], b[VN_TIME_BUFSZ];
	size_t i, k;

	printf("%s %s (TSL v%d), sequence %llu\n", l->territory ? l->territory : "??",
	       tl_list_is_lotl(l) ? "list of lists" : "trusted list", l->version,
	       (unsigned long long)l->seq);
	printf("  scheme:      %s\n", l->scheme_name ? l->scheme_name : "-");
	printf("  operator:    %s\n", l->operator_name ? l->operator_name : "-");
	printf("  type:        %s\n", l->tsl_type ? l->tsl_type : "-");
	printf("  issued:      %s\n", l->issued == VN_TIME_NONE ? "-" : vn_time_format(l->issued, a));
	printf("  next update: %s\n", l->closed ? "none (closed list)"
				      : l->next_update == VN_TIME_NONE ? "-"
								      : vn_time_format(l->next_update, b));
	for (i = 0; i < l->npointers; i++)
		printf("  pointer:     %s %s (%zu certificates)%s\n",
		       l->pointers[i].territory ? l->pointers[i].territory : "??",
		       l->pointers[i].location ? l->pointers[i].location : "-",
		       l->pointers[i].sdi.ncerts, l->pointers[i].mra_xml ? " [MRA]" : "");
	for (i = 0; i < l->ntsps; i++) {
		printf("  TSP: %s\n", l->tsps[i].name ? l->tsps[i].name : "-");
		for (k = 0; k < l->tsps[i].nservices; k++) {
			const tl_service_entry *e = &l->tsps[i].services[k].entries[0];
			const char *st = e->status ? strrchr(e->status, '/') : NULL;
			const char *ty = e->type ? strstr(e->type, "Svctype/") : NULL;
			printf("    %-16s %-12s since %s  %s (%zu history)\n",
			       ty ? ty + 8 : (e->type ? e->type : "-"), st ? st + 1 : "-",
			       e->start == VN_TIME_NONE ? "-" : vn_time_format(e->start, a),
			       e->name ? e->name : "-", l->tsps[i].services[k].n - 1);
		}
	}
	for (i = 0; i < l->findings.n; i++)
		printf("  %s: %s: %s\n", vn_level_name(l->findings.items[i].level),
		       l->findings.items[i].code, l->findings.items[i].message);
}

int vn_cli_tl_show(int argc, char **argv)
{
	const char *file = NULL, *schema = NULL;
	int json = 0, i, rc;
	vn_buf raw;
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;

	for (i = 1; i < argc; i++) {
		if (vn_cli_is_help(argv[i])) {
			fputs(show_help, stdout);
			return 0;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--schema") == 0 && i + 1 < argc) {
			schema = argv[++i];
		} else if (argv[i][0] == '-') {
			return vn_cli_usage_error("tl show", "unknown option '%s'", argv[i]);
		} else if (file == NULL) {
			file = argv[i];
		} else {
			return vn_cli_usage_error("tl show", "one FILE only");
		}
	}
	if (file == NULL)
		return vn_cli_usage_error("tl show", "FILE is required");
	rc = vn_cli_tl_load(file, &raw, &doc, &l);
	if (rc != 0)
		goto out;
	if (schema != NULL) {
		int valid = 0;
		vn_err e = tl_schema_validate(doc, schema, &l->findings, &valid);
		if (e != VN_OK) {
			fprintf(stderr, "valnode: cannot load the schemas from %s\n", schema);
			rc = VN_EXIT_NOINPUT;
			goto out;
		}
	}
	if (json)
		vn_json_print(vn_json_list(l, 1));
	else
		show_text(l);
out:
	tl_list_free(l);
	xmlFreeDoc(doc);
	vn_buf_free(&raw);
	return rc;
}

static const char lint_help[] =
	"usage: valnode tl lint FILE [--json] [--schema DIR] [--at TIME]\n"
	"\n"
	"Check a trusted list before publishing it (the operator's side): structure\n"
	"and element order, the official XSD (with --schema), TSLTag and version\n"
	"(6 is required since 2026-04-28), a positive sequence number, an issue\n"
	"time not in the future, NextUpdate in the future and at most 6 months\n"
	"after issue (TS 119 612 5.3.14), SchemeTerritory an ISO 3166-1 code (lists\n"
	"of lists may name a federation), known service-type and status URIs,\n"
	"identities on every service, pointers with signer certificates, exactly\n"
	"one signature whose signer certificate is valid now and at issue time,\n"
	"and SigningCertificateV2 in a v6 list. Lint does not verify the signature\n"
	"value: `valnode tl verify` does.\n"
	"\n"
	"options:\n"
	"  --json        one JSON object: {valid, errors, warnings, findings, ...}\n"
	"  --schema DIR  the official XSDs (ts_119612v020401_xsd.xsd, catalog.xml)\n"
	"  --at TIME     judge as of this RFC 3339 time instead of now\n"
	"\n"
	"example:\n"
	"  valnode tl lint build/demo/lists/AZ.xml --schema ../shared/xsd\n"
	"\n"
	"exit status: 0 no errors (warnings allowed), 1 errors found, 64 usage,\n"
	"65 not a trusted list, 66 missing file.\n";

int vn_cli_tl_lint(int argc, char **argv)
{
	const char *file = NULL, *schema = NULL;
	vn_time now = vn_time_now();
	int json = 0, i, rc;
	vn_buf raw;
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;
	vn_findings f;
	size_t errors, k;
	vn_err e;

	vn_findings_init(&f);
	for (i = 1; i < argc; i++) {
		if (vn_cli_is_help(argv[i])) {
			fputs(lint_help, stdout);
			return 0;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--schema") == 0 && i + 1 < argc) {
			schema = argv[++i];
		} else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
			if (vn_time_parse(argv[++i], VN_TIME_RFC3339, &now) != VN_OK)
				return vn_cli_usage_error("tl lint", "--at wants an RFC 3339 time, like 2026-11-01T00:00:00Z");
		} else if (argv[i][0] == '-') {
			return vn_cli_usage_error("tl lint", "unknown option '%s'", argv[i]);
		} else if (file == NULL) {
			file = argv[i];
		} else {
			return vn_cli_usage_error("tl lint", "one FILE only");
		}
	}
	if (file == NULL)
		return vn_cli_usage_error("tl lint", "FILE is required");
	rc = vn_cli_tl_load(file, &raw, &doc, &l);
	if (rc != 0)
		goto out;
	e = tl_lint(doc, l, now, schema, &f);
	if (e != VN_OK) {
		fprintf(stderr, "valnode tl lint: %s%s\n", vn_err_str(e),
			e == VN_ERR_NOT_FOUND ? " (schemas not loadable from --schema DIR)" : "");
		rc = vn_err_exit_code(e);
		goto out;
	}
	errors = vn_findings_count(&f, VN_LEVEL_ERROR);
	rc = errors ? VN_EXIT_FAILED : 0;
	if (json) {
		vn_json_print(json_pack("{s:s, s:b, s:o, s:I, s:i, s:i, s:o}", "file", file, "valid",
					errors == 0, "territory", vn_json_strornull(l->territory),
					"sequenceNumber", (json_int_t)l->seq, "errors", (int)errors,
					"warnings", (int)(vn_findings_count(&f, VN_LEVEL_WARN) - errors),
					"findings", vn_json_findings(&f)));
	} else {
		for (k = 0; k < f.n; k++)
			printf("%s: %s: %s: %s\n", file, vn_level_name(f.items[k].level),
			       f.items[k].code, f.items[k].message);
		printf("%s: %s (%zu errors, %zu warnings)\n", file, errors ? "FAILED" : "ok", errors,
		       vn_findings_count(&f, VN_LEVEL_WARN) - errors);
	}
out:
	vn_findings_free(&f);
	tl_list_free(l);
	xmlFreeDoc(doc);
	vn_buf_free(&raw);
	return rc;
}
