/* `valnode tl verify` and `valnode tl walk`. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/vn_err.h"
#include "node/cli.h"
#include "node/cli_tl_common.h"
#include "node/tl_json.h"
#include "trustlists/tl_cache.h"
#include "trustlists/tl_fetch.h"
#include "trustlists/tl_mirror.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_snapshot.h"
#include "trustlists/tl_walk.h"

static int exit_for(vn_indication ind)
{
	switch (ind) {
	case VN_IND_TOTAL_PASSED:
		return VN_EXIT_PASSED;
	case VN_IND_TOTAL_FAILED:
		return VN_EXIT_FAILED;
	case VN_IND_INDETERMINATE:
		break;
	}
	return VN_EXIT_INDETERMINATE;
}

static int add_anchor(const char *cmd, const char *path, STACK_OF(X509) **anchors)
{
	vn_err e = tl_load_certs(path, anchors);

	if (e == VN_OK)
		return 0;
	fprintf(stderr, "valnode %s: --anchor %s: %s\n", cmd, path,
		e == VN_ERR_NOT_FOUND ? "no such file" : "not a PEM or DER certificate");
	return e == VN_ERR_NOT_FOUND ? VN_EXIT_NOINPUT : VN_EXIT_DATAERR;
}

static const char verify_help[] =
	"usage: valnode tl verify FILE --anchor CERT [--anchor CERT ...] [--json]\n"
	"                         [--schema DIR] [--at TIME]\n"
	"\n"
	"Verify the signature of one trusted list or list of lists, as a relying\n"
	"party must before using it (TS 119 612 5.7, TS 119 615):\n"
	"  - exactly one enveloped XAdES signature, a child of the root, whose one\n"
	"    data reference covers the whole document (URI \"\" or the root Id) with\n"
	"    only the enveloped-signature and canonicalisation transforms;\n"
	"  - the signer certificate must be one of the --anchor certificates (the\n"
	"    pinned LOTL signers, or the certificates a LOTL pointer announces);\n"
	"  - SHA-1 and short keys are refused, as DSS refuses them for lists.\n"
	"The verdict is given in EN 319 102-1 terms: TOTAL-PASSED; TOTAL-FAILED with\n"
	"HASH_FAILURE (content changed), SIG_CRYPTO_FAILURE (bad signature value) or\n"
	"FORMAT_FAILURE (no signature, two, or a wrapped one); INDETERMINATE with\n"
	"NO_CERTIFICATE_CHAIN_FOUND (signer not among the anchors) or\n"
	"CRYPTO_CONSTRAINTS_FAILURE_NO_POE (weak algorithm).\n"
	"\n"
	"options:\n"
	"  --anchor CERT  a trusted signer certificate, PEM (several allowed) or DER;\n"
	"                 repeat for more. Without any, the verdict is INDETERMINATE.\n"
	"  --json         one JSON object: valid, indication, subIndication, territory,\n"
	"                 sequenceNumber, issued, nextUpdate, signer, pointers, findings\n"
	"  --schema DIR   also validate against the official XSDs in DIR\n"
	"  --at TIME      report expiry (NextUpdate) as of this RFC 3339 time\n"
	"\n"
	"example:\n"
	"  valnode tl verify CZ.xml --anchor cz-signer.cer --json\n"
	"\n"
	"exit status: 0 TOTAL-PASSED, 1 TOTAL-FAILED, 2 INDETERMINATE, 64 usage,\n"
	"65 not XML / not a trusted list, 66 missing file.\n";

int vn_cli_tl_verify(int argc, char **argv)
{
	const char *file = NULL, *schema = NULL;
	STACK_OF(X509) *anchors = NULL;
	vn_time at = vn_time_now();
	int json = 0, i, rc = 0;
	vn_buf raw;
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;
	tl_sig_result r;
	vn_err e;

	tl_sig_result_init(&r);
	vn_buf_init(&raw, 0);
	for (i = 1; i < argc; i++) {
		if (vn_cli_is_help(argv[i])) {
			fputs(verify_help, stdout);
			goto out;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--anchor") == 0 && i + 1 < argc) {
			rc = add_anchor("tl verify", argv[++i], &anchors);
			if (rc != 0)
				goto out;
		} else if (strcmp(argv[i], "--schema") == 0 && i + 1 < argc) {
			schema = argv[++i];
		} else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
			if (vn_time_parse(argv[++i], VN_TIME_RFC3339, &at) != VN_OK) {
				rc = vn_cli_usage_error("tl verify", "--at wants an RFC 3339 time");
				goto out;
			}
		} else if (argv[i][0] == '-') {
			rc = vn_cli_usage_error("tl verify", "unknown option '%s'", argv[i]);
			goto out;
		} else if (file == NULL) {
			file = argv[i];
		} else {
			rc = vn_cli_usage_error("tl verify", "one FILE only");
			goto out;
		}
	}
	if (file == NULL) {
		rc = vn_cli_usage_error("tl verify", "FILE is required");
		goto out;
	}
	rc = vn_cli_tl_load(file, &raw, &doc, &l);
	if (rc != 0)
		goto out;
	if (schema != NULL) {
		int valid = 0;
		if (tl_schema_validate(doc, schema, &l->findings, &valid) != VN_OK) {
			fprintf(stderr, "valnode tl verify: cannot load the schemas from %s\n", schema);
			rc = VN_EXIT_NOINPUT;
			goto out;
		}
	}
	e = tl_sig_verify(doc, anchors, &r);
	if (e != VN_OK) {
		fprintf(stderr, "valnode tl verify: the check could not run: %s\n", vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	if (!l->closed && l->next_update != VN_TIME_NONE && l->next_update < at)
		(void)vn_findings_add(&r.findings, VN_LEVEL_WARN, "TL_EXPIRED",
				      "NextUpdate has passed: the list is expired");
	(void)vn_findings_extend(&r.findings, &l->findings);
	rc = exit_for(r.indication);
	if (json) {
		json_t *ptrs = json_array();
		size_t k;
		for (k = 0; k < l->npointers; k++)
			json_array_append_new(ptrs, json_pack("{s:o, s:o, s:o, s:i}", "location",
							      vn_json_strornull(l->pointers[k].location),
							      "territory", vn_json_strornull(l->pointers[k].territory),
							      "tslType", vn_json_strornull(l->pointers[k].tsl_type),
							      "certificates", (int)l->pointers[k].sdi.ncerts));
		vn_json_print(json_pack(
			"{s:s, s:b, s:s, s:o, s:o, s:I, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o}", "file",
			file, "valid", r.indication == VN_IND_TOTAL_PASSED, "indication",
			vn_indication_name(r.indication), "subIndication",
			vn_json_strornull(vn_subind_name(r.sub)), "territory",
			vn_json_strornull(l->territory), "sequenceNumber", (json_int_t)l->seq,
			"issued", vn_json_time(l->issued), "nextUpdate", vn_json_time(l->next_update),
			"closed", l->closed, "signingTime", vn_json_time(r.signing_time), "signer",
			vn_json_cert(r.signer), "signatureAlgorithm", vn_json_strornull(r.sig_alg),
			"pointers", ptrs, "findings", vn_json_findings(&r.findings)));
	} else {
		size_t k;
		printf("%s: %s%s%s\n", file, vn_indication_name(r.indication), r.sub ? "/" : "",
		       r.sub ? vn_subind_name(r.sub) : "");
		for (k = 0; k < r.findings.n; k++)
			printf("  %s: %s: %s\n", vn_level_name(r.findings.items[k].level),
			       r.findings.items[k].code, r.findings.items[k].message);
	}
out:
	tl_sig_result_free(&r);
	sk_X509_pop_free(anchors, X509_free);
	tl_list_free(l);
	xmlFreeDoc(doc);
	vn_buf_free(&raw);
	return rc;
}

static const char walk_help[] =
	"usage: valnode tl walk LOTL --anchor CERT ... [--mirror MAPFILE] [--cache DIR]\n"
	"                       [--at TIME] [--json] [--offline] [--ca-file PEM]\n"
	"                       [--max-size BYTES] [--no-pivots] [--allow-http]\n"
	"\n"
	"Walk a scheme from its list of lists (a URL, or a local file): verify it\n"
	"with the pinned --anchor certificates; when it is signed by a newer key,\n"
	"follow the EU pivot lists (its SchemeInformationURI entries, oldest first)\n"
	"so that a chain of pivots leads back to a pinned key; then fetch every list\n"
	"it points to and verify each with exactly the certificates its pointer\n"
	"announces. Every list met is reported, and the walk goes on when one fails.\n"
	"A single national list may be given instead of a list of lists.\n"
	"\n"
	"With --cache DIR the last good copy of each list is kept on disk and stays\n"
	"in use when a newer download is invalid, older (a rollback) or unreachable;\n"
	"a later walk with no network reads the cache.\n"
	"\n"
	"options:\n"
	"  --anchor CERT     pinned signer of the start list (PEM or DER), repeatable\n"
	"  --mirror MAPFILE  lines URL<TAB>PATH: those URLs are read from disk; any URL\n"
	"                    absent from the map is unreachable (no network at all).\n"
	"                    A line '*<TAB>DIR' maps every URL to DIR/<URL with each\n"
	"                    non-alphanumeric character replaced by '_'>.\n"
	"  --cache DIR       keep the last good copies here (created 0700)\n"
	"  --at TIME         judge expiry (NextUpdate) at this RFC 3339 time\n"
	"  --offline         never touch the network (cache, mirror and file: only)\n"
	"  --ca-file PEM     trust these CAs for https instead of the system's\n"
	"  --max-size BYTES  cap on one download (default 33554432)\n"
	"  --no-pivots       do not follow pivot lists\n"
	"  --allow-http      permit plain http URLs (lists are signed, but https is the default)\n"
	"  --json            {\"lists\": [{url, kind, territory, sequenceNumber, issued,\n"
	"                    nextUpdate, state, update, indication, subIndication,\n"
	"                    services, fromCache, signer, findings}, ...]}\n"
	"\n"
	"states: valid, expired, closed, signature-failed, untrusted-signer,\n"
	"unreachable, parse-error, rollback. `update` says what the refresh did: new,\n"
	"not-modified, rejected-invalid, rejected-rollback, unreachable, none.\n"
	"\n"
	"example:\n"
	"  valnode tl walk https://tl.demo.guam.invalid/GUAM.xml \\\n"
	"      --anchor build/demo/anchors/guam.pem --mirror build/demo/mirror.tsv\n"
	"\n"
	"exit status (of the start list): 0 a list is in use (valid, expired or\n"
	"closed: see its state), 1 failed, 2 indeterminate or a refused rollback,\n"
	"69 unreachable; 64 usage, 66 missing anchor or map file.\n";

static json_t *entry_json(const tl_walk_entry *en)
{
	return json_pack("{s:s, s:s, s:o, s:I, s:o, s:o, s:s, s:s, s:s, s:o, s:i, s:b, s:o, s:o}",
			 "url", en->url, "kind", tl_kind_name(en->kind), "territory",
			 vn_json_strornull(en->territory), "sequenceNumber", (json_int_t)en->seq,
			 "issued", vn_json_time(en->issued), "nextUpdate",
			 vn_json_time(en->next_update), "state", tl_state_name(en->state), "update",
			 tl_update_name(en->update), "indication", vn_indication_name(en->indication),
			 "subIndication", vn_json_strornull(vn_subind_name(en->sub)), "services",
			 (int)en->services, "fromCache", en->from_cache, "signer",
			 en->signer ? vn_json_cert(en->signer) : json_null(), "findings",
			 vn_json_findings(&en->findings));
}

/* The trust snapshot the walk yields: every verified list in use, indexed.
 * Consumes the walk's lists. */
static json_t *snapshot_json(tl_walk_result *r)
{
	tl_snapshot_builder *b = tl_snapshot_builder_new();
	tl_snapshot *s = NULL;
	size_t nsvc = 0;
	json_t *j;

	if (b == NULL)
		return json_null();
	if (tl_walk_to_snapshot(r, b, "cli") != VN_OK || tl_snapshot_build(b, &s) != VN_OK) {
		if (s == NULL)
			return json_null();
	}
	(void)tl_snapshot_services(s, &nsvc);
	j = json_pack("{s:i, s:i}", "lists", (int)tl_snapshot_nlists(s), "services", (int)nsvc);
	tl_snapshot_unref(s);
	return j;
}

/* A local path becomes a file: URL; a URL stays as it is. */
static int to_url(const char *arg, char *out, size_t n)
{
	char real[PATH_MAX];

	if (strstr(arg, "://") != NULL) {
		snprintf(out, n, "%s", arg);
		return 0;
	}
	if (realpath(arg, real) == NULL)
		return -1;
	snprintf(out, n, "file://%s", real);
	return 0;
}

int vn_cli_tl_walk(int argc, char **argv)
{
	const char *start = NULL, *mirror_path = NULL, *cache_dir = NULL;
	char url[PATH_MAX + 16], why[256] = "";
	tl_walk_opts o;
	tl_walk_result r = {NULL, 0};
	tl_mirror *mirror = NULL;
	tl_cache *cache = NULL;
	STACK_OF(X509) *anchors = NULL;
	int json = 0, i, rc = 0;
	size_t k;
	vn_err e;

	tl_walk_opts_init(&o);
	for (i = 1; i < argc; i++) {
		if (vn_cli_is_help(argv[i])) {
			fputs(walk_help, stdout);
			goto out;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--anchor") == 0 && i + 1 < argc) {
			rc = add_anchor("tl walk", argv[++i], &anchors);
			if (rc != 0)
				goto out;
		} else if (strcmp(argv[i], "--mirror") == 0 && i + 1 < argc) {
			mirror_path = argv[++i];
		} else if (strcmp(argv[i], "--cache") == 0 && i + 1 < argc) {
			cache_dir = argv[++i];
		} else if (strcmp(argv[i], "--ca-file") == 0 && i + 1 < argc) {
			o.fetch.ca_file = argv[++i];
		} else if (strcmp(argv[i], "--max-size") == 0 && i + 1 < argc) {
			char *end;
			unsigned long long v = strtoull(argv[++i], &end, 10);
			if (*end != '\0' || v == 0) {
				rc = vn_cli_usage_error("tl walk", "--max-size wants a positive byte count");
				goto out;
			}
			o.fetch.max_body = (size_t)v;
		} else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
			if (vn_time_parse(argv[++i], VN_TIME_RFC3339, &o.at) != VN_OK) {
				rc = vn_cli_usage_error("tl walk", "--at wants an RFC 3339 time");
				goto out;
			}
		} else if (strcmp(argv[i], "--offline") == 0) {
			o.fetch.offline = 1;
		} else if (strcmp(argv[i], "--allow-http") == 0) {
			o.fetch.allow_http = 1;
		} else if (strcmp(argv[i], "--no-pivots") == 0) {
			o.follow_pivots = 0;
		} else if (argv[i][0] == '-') {
			rc = vn_cli_usage_error("tl walk", "unknown option '%s'", argv[i]);
			goto out;
		} else if (start == NULL) {
			start = argv[i];
		} else {
			rc = vn_cli_usage_error("tl walk", "one LOTL only");
			goto out;
		}
	}
	if (start == NULL) {
		rc = vn_cli_usage_error("tl walk", "LOTL (a URL or a file) is required");
		goto out;
	}
	if (to_url(start, url, sizeof url) != 0) {
		fprintf(stderr, "valnode tl walk: %s: no such file (give a URL or a path)\n", start);
		rc = VN_EXIT_NOINPUT;
		goto out;
	}
	if (mirror_path != NULL) {
		e = tl_mirror_load(mirror_path, &mirror, why, sizeof why);
		if (e != VN_OK) {
			fprintf(stderr, "valnode tl walk: --mirror %s: %s\n", mirror_path,
				why[0] ? why : vn_err_str(e));
			rc = vn_err_exit_code(e);
			goto out;
		}
		o.fetch.mirror = mirror;
		o.fetch.mirror_only = 1;
	}
	if (cache_dir != NULL) {
		e = tl_cache_open(cache_dir, &cache);
		if (e != VN_OK) {
			fprintf(stderr, "valnode tl walk: --cache %s: %s\n", cache_dir, vn_err_str(e));
			rc = VN_EXIT_NOINPUT;
			goto out;
		}
		o.cache = cache;
	}
	o.anchors = anchors;
	e = tl_walk(url, &o, &r);
	if (e != VN_OK) {
		fprintf(stderr, "valnode tl walk: %s\n", vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	if (r.n == 0 || r.entries[0].list == NULL)
		rc = r.n && r.entries[0].state == TL_STATE_UNREACHABLE ? VN_EXIT_UNAVAILABLE
			: r.n && r.entries[0].state == TL_STATE_ROLLBACK ? VN_EXIT_INDETERMINATE
			: r.n ? exit_for(r.entries[0].indication) : VN_EXIT_SOFTWARE;
	else
		rc = 0;
	if (json) {
		json_t *lists = json_array();
		for (k = 0; k < r.n; k++)
			json_array_append_new(lists, entry_json(&r.entries[k]));
		vn_json_print(json_pack("{s:s, s:o, s:o}", "start", url, "lists", lists, "snapshot",
					snapshot_json(&r)));
	} else {
		char a[VN_TIME_BUFSZ];
		for (k = 0; k < r.n; k++) {
			const tl_walk_entry *en = &r.entries[k];
			printf("%-5s %-8s %-16s seq %-5llu next %-20s %s\n", tl_kind_name(en->kind),
			       en->territory ? en->territory : "??", tl_state_name(en->state),
			       (unsigned long long)en->seq,
			       en->next_update == VN_TIME_NONE ? "-" : vn_time_format(en->next_update, a),
			       en->url);
			for (size_t f = 0; f < en->findings.n; f++)
				if (en->findings.items[f].level >= VN_LEVEL_WARN)
					printf("      %s: %s: %s\n", vn_level_name(en->findings.items[f].level),
					       en->findings.items[f].code, en->findings.items[f].message);
		}
		{
			json_t *sj = snapshot_json(&r);
			printf("snapshot: %lld lists, %lld services\n",
			       (long long)json_integer_value(json_object_get(sj, "lists")),
			       (long long)json_integer_value(json_object_get(sj, "services")));
			json_decref(sj);
		}
	}
out:
	tl_walk_result_free(&r);
	tl_mirror_free(mirror);
	tl_cache_close(cache);
	sk_X509_pop_free(anchors, X509_free);
	return rc;
}
