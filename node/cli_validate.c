/* `valnode validate`: validate a signature file against trusted lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "common/vn_buf.h"
#include "common/vn_jsonw.h"
#include "node/cli.h"
#include "node/srv_policy.h"
#include "node/tl_json.h"
#include "node/v_config.h"
#include "node/v_format.h"
#include "node/v_input.h"
#include "node/v_report.h"
#include "node/v_rev.h"
#include "node/v_validate.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_snapshot.h"

static const char validate_help[] =
	"usage: valnode validate FILE [--data FILE] [--lotl URL --signer CERT ...]\n"
	"                        [--tl URL --signer CERT ...] [--trust CONFIG]\n"
	"                        [--mirror MAPFILE] [--cache DIR] [--anchor CERT ...]\n"
	"                        [--policy ID] [--at TIME] [--offline] [--json]\n"
	"\n"
	"Validate a signature as EN 319 102-1 lays it out and say how qualified it is\n"
	"(TS 119 615), against the trusted lists of the schemes you trust. FILE is\n"
	"recognised by its content:\n"
	"  - a raw Mobile-ID signature: a JSON file {\"raw\": {\"hashAlgorithm\",\n"
	"    \"hash\" or \"data\", \"signatureAlgorithm\" (ECDSA, RSA, RSASSA-PSS),\n"
	"    \"signatureValue\", \"certificate\", \"chain\", \"signingTime\"}};\n"
	"  - CMS / CAdES (B, T, LT, LTA), DER or PEM, enveloping or detached\n"
	"    (give the signed document with --data);\n"
	"  - XAdES (B, T, LT, LTA, and the Estonian BDOC time-mark) in an XML file:\n"
	"    enveloped, enveloping, or detached (--data: the reference names the\n"
	"    file, so keep its name);\n"
	"  - an ASiC-E container (.asice, .sce, .bdoc, .edoc) with XAdES or CAdES\n"
	"    signatures, or an ASiC-S (.asics) with one file; the container gets\n"
	"    its own verdict: every data file must be signed by every signature.\n"
	"\n"
	"trust (at least one source):\n"
	"  --lotl URL       a list of lists to trust for this run; the --signer\n"
	"                   options after it are its pinned signer certificates\n"
	"  --tl URL         a single national list, with its --signer certificates\n"
	"  --trust CONFIG   the schemes of a configuration file ([scheme NAME] with\n"
	"                   lotl/tl and signer lines; mirror, cache, offline)\n"
	"  --anchor CERT    trust this CA (or signer) certificate directly, outside\n"
	"                   any list: no TL qualification for such a path\n"
	"  --mirror MAP     read list URLs from disk (URL<TAB>PATH lines); URLs not in\n"
	"                   the map are unreachable, no network is used for lists\n"
	"  --cache DIR      keep the last good copy of every list there\n"
	"\n"
	"options:\n"
	"  --data FILE      the signed document of a detached signature\n"
	"  --at TIME        validation time, RFC 3339 UTC (default: now)\n"
	"  --offline        no network at all: no list download, no OCSP/CRL fetch\n"
	"  --policy ID      the validation policy: \"default\" (built in), a jurisdiction\n"
	"                   policy of the policy directory (eu, ee, az, ge, ua, md, kz, tr,\n"
	"                   notary: `valnode policy show ID`), or a policy FILE\n"
	"  --json           one JSON object per DESIGN.md: indication, subIndication,\n"
	"                   qualification, signer, signingTime, bestSignatureTime,\n"
	"                   trust, policy, findings ({signatures: [...]} for several;\n"
	"                   {container: {...}, signatures: [...]} for a container)\n"
	"  --xml            the ETSI TS 119 102-2 validation report (XML) instead\n"
	"\n"
	"example:\n"
	"  valnode validate contract.p7s --data contract.pdf \\\n"
	"      --lotl https://tl.demo.guam.invalid/GUAM.xml --signer guam-signer.pem \\\n"
	"      --mirror build/demo/mirror.tsv --json\n"
	"\n"
	"exit status: 0 TOTAL-PASSED, 1 TOTAL-FAILED, 2 INDETERMINATE (the worst of\n"
	"several signatures and of the container), 64 usage, 65 malformed input, 66 missing input,\n"
	"69 no trust source could be loaded, 70 internal error.\n";

static int exit_for(vn_indication ind)
{
	return ind == VN_IND_TOTAL_PASSED ? 0 : ind == VN_IND_TOTAL_FAILED ? 1 : 2;
}

struct container_arg {
	const v_container *c;
	vn_indication ind;
	vn_subind sub;
};

static void container_part(vn_jw *w, const void *arg)
{
	const struct container_arg *a = arg;

	v_container_write(w, a->c, a->ind, a->sub);
}

/* The JSON report on stdout, indented as every --json output: written by
 * the report's one writer (v_report.h) and read back into a tree for
 * jansson's indentation. One signature alone is its object; several, or a
 * container's (c not NULL), are {"signatures": [...]}, the container's part
 * first. 0, or -1 when it could not be written. */
static int print_report(const v_result *r, size_t n, const v_policy *pol,
			const v_container *c, vn_indication cind, vn_subind csub)
{
	struct container_arg ca = {c, cind, csub};
	vn_buf b;
	vn_jw w;
	json_error_t jerr;
	json_t *j = NULL;
	int rc = -1;

	vn_buf_init(&b, VN_JSONW_MAX_OUT);
	vn_jw_init(&w, &b);
	v_report_write(&w, r, n, pol, c != NULL ? container_part : NULL, &ca);
	if (vn_jw_done(&w) == VN_OK &&
	    (j = json_loadb((const char *)b.data, b.len, JSON_ALLOW_NUL, &jerr)) != NULL) {
		vn_json_print(j);	/* takes j */
		rc = 0;
	} else {
		fprintf(stderr, "valnode validate: the JSON report could not be written\n");
	}
	vn_buf_free(&b);
	return rc;
}

int vn_cli_validate(int argc, char **argv)
{
	const char *file = NULL, *data_path = NULL, *trust_path = NULL, *policy = NULL;
	const char *mirror = NULL, *cache = NULL;
	STACK_OF(X509) *anchors = NULL, **signers = NULL;
	v_trust_cfg cfg;
	vn_time at = VN_TIME_NONE;
	int json = 0, xml = 0, offline = 0, i, rc = 0;
	vn_buf in, data;
	v_policy pol;
	v_parsed parsed;
	v_sigobj *sigs = NULL;	/* parsed's */
	size_t nsigs = 0, k;
	tl_snapshot *snap = NULL;
	char why[512] = "";
	vn_err e;

	v_trust_cfg_init(&cfg);
	vn_buf_init(&in, V_MAX_DOCUMENT);
	vn_buf_init(&data, V_MAX_DOCUMENT);
	v_parsed_init(&parsed);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (vn_cli_is_help(a)) {
			fputs(validate_help, stdout);
			goto out;
		} else if (strcmp(a, "--json") == 0) {
			json = 1;
		} else if (strcmp(a, "--xml") == 0) {
			xml = 1;
		} else if (strcmp(a, "--offline") == 0) {
			offline = 1;
		} else if (more && strcmp(a, "--data") == 0) {
			if (data_path != NULL) {
				rc = vn_cli_usage_error("validate", "one --data only");
				goto out;
			}
			data_path = argv[++i];
		} else if (more && (strcmp(a, "--lotl") == 0 || strcmp(a, "--tl") == 0)) {
			e = v_trust_cfg_add(&cfg, NULL, argv[i + 1], a[2] == 'l' && a[3] == 'o',
					    sk_X509_new_null());
			i++;
			if (e != VN_OK) {
				rc = vn_err_exit_code(e);
				goto out;
			}
			signers = &cfg.schemes[cfg.nschemes - 1].signers;
		} else if (more && strcmp(a, "--signer") == 0) {
			if (signers == NULL) {
				rc = vn_cli_usage_error("validate", "--signer follows a --lotl or --tl");
				goto out;
			}
			e = tl_load_certs(argv[++i], signers);
			if (e != VN_OK) {
				fprintf(stderr, "valnode validate: --signer %s: %s\n", argv[i],
					e == VN_ERR_NOT_FOUND ? "no such file" : "not a certificate");
				rc = vn_err_exit_code(e);
				goto out;
			}
		} else if (more && strcmp(a, "--anchor") == 0) {
			e = tl_load_certs(argv[++i], &anchors);
			if (e != VN_OK) {
				fprintf(stderr, "valnode validate: --anchor %s: %s\n", argv[i],
					e == VN_ERR_NOT_FOUND ? "no such file" : "not a certificate");
				rc = vn_err_exit_code(e);
				goto out;
			}
		} else if (more && strcmp(a, "--trust") == 0) {
			trust_path = argv[++i];
		} else if (more && strcmp(a, "--mirror") == 0) {
			mirror = argv[++i];
		} else if (more && strcmp(a, "--cache") == 0) {
			cache = argv[++i];
		} else if (more && strcmp(a, "--policy") == 0) {
			policy = argv[++i];
		} else if (more && strcmp(a, "--at") == 0) {
			if (vn_time_parse(argv[++i], VN_TIME_RFC3339, &at) != VN_OK) {
				rc = vn_cli_usage_error("validate", "--at wants an RFC 3339 time, like 2026-11-01T00:00:00Z");
				goto out;
			}
		} else if (a[0] == '-') {
			rc = vn_cli_usage_error("validate", "unknown option '%s'", a);
			goto out;
		} else if (file == NULL) {
			file = a;
		} else {
			rc = vn_cli_usage_error("validate", "one FILE only");
			goto out;
		}
	}
	if (file == NULL) {
		rc = vn_cli_usage_error("validate", "FILE is required");
		goto out;
	}
	if (json && xml) {
		rc = vn_cli_usage_error("validate", "--json or --xml, not both");
		goto out;
	}
	if (srv_policy_find(policy ? policy : "", &pol) == NULL) {
		rc = vn_cli_usage_error("validate", "unknown or invalid policy '%s' (see valnode policy "
				       "show, valnode policy lint FILE)", policy);
		goto out;
	}
	for (k = 0; k < cfg.nschemes; k++)
		if (sk_X509_num(cfg.schemes[k].signers) == 0) {
			rc = vn_cli_usage_error("validate", "%s needs at least one --signer", cfg.schemes[k].url);
			goto out;
		}
	if (trust_path != NULL) {
		v_trust_cfg tc;
		v_trust_cfg_init(&tc);
		e = v_trust_cfg_load(trust_path, &tc, why, sizeof why);
		if (e != VN_OK) {
			fprintf(stderr, "valnode validate: %s\n", why);
			v_trust_cfg_free(&tc);
			rc = vn_err_exit_code(e);
			goto out;
		}
		for (k = 0; k < tc.nschemes; k++) {
			e = v_trust_cfg_add(&cfg, tc.schemes[k].name, tc.schemes[k].url,
					    tc.schemes[k].is_lotl, tc.schemes[k].signers);
			tc.schemes[k].signers = NULL;
			if (e != VN_OK)
				break;
		}
		if (mirror == NULL && tc.mirror != NULL)
			cfg.mirror = strdup(tc.mirror);
		if (cache == NULL && tc.cache != NULL)
			cfg.cache = strdup(tc.cache);
		if (tc.ca_file != NULL)
			cfg.ca_file = strdup(tc.ca_file);
		offline |= tc.offline;
		v_trust_cfg_free(&tc);
	}
	if (mirror != NULL)
		cfg.mirror = strdup(mirror);
	if (cache != NULL)
		cfg.cache = strdup(cache);
	cfg.offline = offline;
	if (cfg.nschemes == 0 && anchors == NULL) {
		rc = vn_cli_usage_error("validate", "no trust source: give --lotl/--tl with --signer, --trust, or --anchor");
		goto out;
	}

	e = vn_buf_read_file(&in, file);
	if (e != VN_OK) {
		fprintf(stderr, "valnode validate: %s: %s\n", file, vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	if (data_path != NULL && (e = vn_buf_read_file(&data, data_path)) != VN_OK) {
		fprintf(stderr, "valnode validate: --data %s: %s\n", data_path, vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	{
		const char *base = data_path != NULL ? strrchr(data_path, '/') : NULL;
		v_data d = {data.data, data.len, NULL, NULL, 0,
			    base != NULL ? base + 1 : data_path};
		e = v_input_parse(in.data ? in.data : (const unsigned char *)"", in.len,
				  data_path ? &d : NULL, &parsed, why, sizeof why);
		sigs = parsed.sigs;
		nsigs = parsed.nsigs;
	}
	if (e != VN_OK) {
		fprintf(stderr, "valnode validate: %s: %s\n", file, why[0] ? why : vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	{
		vn_findings notes;
		size_t f;
		vn_findings_init(&notes);
		e = v_trust_build(&cfg, &snap, &notes, why, sizeof why);
		for (f = 0; !json && f < notes.n; f++)
			fprintf(stderr, "valnode validate: %s\n", notes.items[f].message);
		vn_findings_free(&notes);
		if (e != VN_OK) {
			fprintf(stderr, "valnode validate: %s\n", why);
			rc = vn_err_exit_code(e);
			goto out;
		}
	}
	{
		v_trust trust = {snap, anchors};
		v_ctx ctx;
		vn_indication worst = VN_IND_TOTAL_PASSED;
		v_result *all = calloc(nsigs ? nsigs : 1, sizeof *all);
		size_t nall = 0;

		if (all == NULL) {
			rc = VN_EXIT_SOFTWARE;
			goto out;
		}

		if (offline)
			pol.online_revocation = 0;
		memset(&ctx, 0, sizeof ctx);
		ctx.trust = &trust;
		ctx.policy = &pol;
		ctx.ocsp_ca_file = cfg.ca_file;
		for (k = 0; k < nsigs; k++) {
			v_result *rp = &all[nall];
			v_result_init(rp);
			nall++;
			e = v_validate(&ctx, &sigs[k], at, rp);
			if (e != VN_OK) {
				fprintf(stderr, "valnode validate: the validation could not run: %s\n", vn_err_str(e));
				for (size_t q = 0; q < nall; q++)
					v_result_free(&all[q]);
				free(all);
				rc = vn_err_exit_code(e);
				goto out;
			}
#define r (*rp)
			if (r.indication == VN_IND_TOTAL_FAILED ||
			    (r.indication == VN_IND_INDETERMINATE && worst == VN_IND_TOTAL_PASSED))
				worst = r.indication;
			if (!json && !xml) {
				size_t f;
				printf("%s: %s%s%s, %s (%s)\n", r.id, vn_indication_name(r.indication),
				       r.sub ? "/" : "", r.sub ? vn_subind_name(r.sub) : "",
				       v_qual_name(r.qualification), r.format);
				for (f = 0; f < r.findings.n; f++)
					if (r.findings.items[f].level >= VN_LEVEL_WARN)
						printf("  %s: %s: %s\n", vn_level_name(r.findings.items[f].level),
						       r.findings.items[f].code, r.findings.items[f].message);
			}
#undef r
		}
		if (xml) {
			unsigned char *doc = NULL;
			size_t dlen = 0;
			if (v_result_xml(all, nall, &pol, &doc, &dlen) != VN_OK) {
				fprintf(stderr, "valnode validate: the XML report could not be written\n");
				worst = VN_IND_INDETERMINATE;
				rc = VN_EXIT_SOFTWARE;
			} else {
				fwrite(doc, 1, dlen, stdout);
				xmlFree(doc);
			}
		}
		if (parsed.container != NULL) {
			/* A container's verdict is its own (every data file covered
			 * by every signature), not only its signatures'. */
			vn_indication cind;
			vn_subind csub;
			if (v_container_timestamp(&ctx, parsed.container, at) != VN_OK) {
				fprintf(stderr, "valnode validate: the container's timestamp could not be validated: out of memory\n");
				rc = VN_EXIT_SOFTWARE;
			}
			v_container_verdict(parsed.container, all, nall, &cind, &csub);
			if (cind == VN_IND_TOTAL_FAILED ||
			    (cind == VN_IND_INDETERMINATE && worst == VN_IND_TOTAL_PASSED))
				worst = cind;
			if (json && print_report(all, nall, &pol, parsed.container, cind, csub) != 0)
				rc = VN_EXIT_SOFTWARE;
			else if (!json && !xml) {
				size_t f;
				printf("container %s: %s%s%s\n", v_input_name(&parsed), vn_indication_name(cind),
				       csub ? "/" : "", csub ? vn_subind_name(csub) : "");
				for (f = 0; f < parsed.container->findings.n; f++)
					if (parsed.container->findings.items[f].level >= VN_LEVEL_WARN)
						printf("  %s: %s: %s\n",
						       vn_level_name(parsed.container->findings.items[f].level),
						       parsed.container->findings.items[f].code,
						       parsed.container->findings.items[f].message);
			}
		} else if (json && print_report(all, nall, &pol, NULL, VN_IND_TOTAL_PASSED,
						VN_SUB_NONE) != 0) {
			rc = VN_EXIT_SOFTWARE;
		}
		for (k = 0; k < nall; k++)
			v_result_free(&all[k]);
		free(all);
		if (rc == 0)
			rc = exit_for(worst);
	}
out:
	v_parsed_free(&parsed);
	tl_snapshot_unref(snap);
	sk_X509_pop_free(anchors, X509_free);
	v_trust_cfg_free(&cfg);
	vn_buf_free(&in);
	vn_buf_free(&data);
	return rc;
}
