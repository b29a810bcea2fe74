# The conformance vectors (interop/vectors/vectors.tsv) of the demo
# federation: every vector gets its written verdict from `valnode validate`
# with the real OCSP responders (openssl ocsp) up; then, with the responders
# down, the online-revocation vectors turn INDETERMINATE. The vectors
# together cause every sub-indication the engine emits. And a differential
# check: `openssl cms -verify` agrees with valnode on the cryptographic
# result of every CMS vector.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/run_vectors.sh"
DEMO="$WORK/demo"
RESP="$SRC/interop/demo/responders"
for p in 18101 18108 18111 18118; do
	ss -ltn 2>/dev/null | grep -q ":$p " && skip "port $p is in use: the demo responders cannot start"
done
sh "$SRC/interop/demo/generate" "$DEMO" --valnode "$VN" >"$WORK/gen.log" 2>&1 ||
	{ tail -20 "$WORK/gen.log"; fail "demo generation"; }
trap 'sh "$RESP" stop "$DEMO" >/dev/null 2>&1' EXIT
sh "$RESP" start "$DEMO" >"$WORK/resp.log" 2>&1 || { cat "$WORK/resp.log"; fail "responders did not start"; }
run_vectors "$DEMO" up || fail "vectors with the responders up"
# the same signatures under the jurisdiction policies (policies.tsv)
run_policy_vectors "$DEMO" || fail "vectors per policy"

# XAdES-LTA (xades.tsv): xades-make computes the archive timestamp's imprint
# input (EN 319 132-1 5.5.2.2) on its own; valnode must agree, so both
# timestamps pass. With two certificate values swapped under it afterwards,
# the archive timestamp fails on its imprint while the signature stands on
# its signature timestamp (v_validate.c: a V_TIMESTAMP_FAILED warning).
lta_json() { # lta_json NAME: valnode's JSON report of the vector in $WORK/lta.json
	(cd "$DEMO/vectors/$1" && "$VN" validate signature.asice --trust ../trust.conf --json) \
		>"$WORK/lta.json" 2>"$WORK/lta.err"
}
for v in xades-asice-lta-good xades-asice-lta-exc; do
	lta_json "$v" || { cat "$WORK/lta.err"; fail "$v: validate"; }
	jq -e '.signatures | length == 1 and (.[0] | .format == "XAdES-BASELINE-LTA" and
		.process == "LTA" and (.timestamps | length == 2 and
		([.[].kind] | sort) == ["archive", "signature"] and
		all(.[]; .indication == "TOTAL-PASSED")))' "$WORK/lta.json" >/dev/null ||
		fail "$v: not two passed timestamps in an XAdES-BASELINE-LTA ($(jq -c '.signatures[0] | [.format, .process, .timestamps]' "$WORK/lta.json"))"
	echo "ok   $v: signature and archive timestamps TOTAL-PASSED"
done
v=xades-asice-lta-tampered-ats
lta_json "$v" || { cat "$WORK/lta.err"; fail "$v: validate"; }
jq -e '.signatures[0] | .format == "XAdES-BASELINE-LTA" and .process == "LTVM" and
	([.timestamps[] | select(.kind == "archive") | .indication + "/" + (.subIndication // "-")] |
	 . == ["TOTAL-FAILED/HASH_FAILURE"] or . == ["INDETERMINATE/HASH_FAILURE"]) and
	([.timestamps[] | select(.kind == "signature") | .indication] == ["TOTAL-PASSED"]) and
	([.findings[].code] | index("V_TIMESTAMP_FAILED") != null)' "$WORK/lta.json" >/dev/null ||
	fail "$v: the archive timestamp does not fail on its imprint ($(jq -c '.signatures[0] | [.process, .timestamps]' "$WORK/lta.json"))"
echo "ok   $v: archive timestamp HASH_FAILURE, signature still passes"

# ASiC-S whose evidence is an RFC 3161 token over its one file (EN 319 162-1
# 4.3): the container has the token's verdict; a changed file is HASH_FAILURE.
command -v zip >/dev/null 2>&1 || fail "zip is not installed (scripts/install-deps)"
asics() { # asics OUT DOC: an ASiC-S of DOC (named contract.txt) and the AZ TSA's token
	rm -rf "$WORK/asics" && mkdir -p "$WORK/asics/META-INF" || fail "asics dir"
	printf 'application/vnd.etsi.asic-s+zip' >"$WORK/asics/mimetype"
	cp "$2" "$WORK/asics/contract.txt"
	openssl ts -reply -in "$DEMO/docs/contract.az.tsr" -token_out \
		-out "$WORK/asics/META-INF/timestamp.tst" 2>/dev/null || fail "token_out"
	rm -f "$1"
	(cd "$WORK/asics" && zip -q -X -0 "$1" mimetype && zip -q -X -r "$1" contract.txt META-INF) ||
		fail "zip $1"
}
asics "$WORK/good.asics" "$DEMO/docs/contract.txt"
expect_exit 0 "$VN" validate "$WORK/good.asics" --trust "$DEMO/vectors/trust.conf" --json
jq_is .container.type ASiC-S
jq_is .container.indication TOTAL-PASSED
jq_is .container.timestamp.qualified true
jq_is '.signatures | length' 0
asics "$WORK/bad.asics" "$DEMO/docs/contract-tampered.txt"
expect_exit 1 "$VN" validate "$WORK/bad.asics" --trust "$DEMO/vectors/trust.conf" --json
jq_is .container.subIndication HASH_FAILURE

# MRA repealed: the same EU LOTL with the AZ agreement repealed now (enacted
# in its history, STANDARDS.md 3.3; DSS MRALOTLRepealedWithHistoryEnactedTest):
# the AZ signature falls back to its unmapped level under the eu policy.
sed 's/^mra-file = mra-az.xml$/mra-file = mra-az-repealed.xml/' "$DEMO/specs/eu.tlspec" >"$DEMO/specs/eu-repealed.tlspec"
grep -q mra-az-repealed "$DEMO/specs/eu-repealed.tlspec" || fail "no MRA pointer in the EU spec"
"$VN" tl build "$DEMO/specs/eu-repealed.tlspec" --out "$WORK/eu-rep-unsigned.xml" >/dev/null || fail "tl build (repealed)"
"$VN" tl sign "$WORK/eu-rep-unsigned.xml" --key "$DEMO/pki/eu/tl-signer.key" --cert "$DEMO/pki/eu/tl-signer.pem" \
	--out "$WORK/eu-rep.xml" >/dev/null || fail "tl sign (repealed)"
"$VN" tl show "$WORK/eu-rep.xml" --json | jq -e '[.pointers[] | select(.territory == "AZ") | .mraEquivalence.equivalences[0].periods[].status] == ["repealed", "enacted"]' >/dev/null ||
	fail "tl show --json does not expose the repealed/enacted timeline"
awk -F '\t' -v OFS='\t' -v f="$WORK/eu-rep.xml" '$1 ~ /tl\.demo\.eu\.invalid/ { $2 = f } { print }' "$DEMO/mirror.tsv" >"$WORK/mirror-rep.tsv"
sed "s|^mirror = .*|mirror = $WORK/mirror-rep.tsv|" "$DEMO/vectors/trust.conf" >"$DEMO/vectors/trust-rep.conf"
(cd "$DEMO/vectors/cades-b-az-good" && "$VN" validate signature.p7s --data ../../docs/contract.txt \
	--trust ../trust-rep.conf --policy eu --json) >"$WORK/rep.out" 2>"$WORK/rep.err"
got=$(jq -r '[.indication, .qualification] | join(" ")' "$WORK/rep.out")
[ "$got" = "TOTAL-PASSED AdESig" ] || { cat "$WORK/rep.err"; fail "repealed MRA: got '$got', want 'TOTAL-PASSED AdESig'"; }
jq -e '[.findings[].code] | index("V_EQUIVALENCE_NOT_APPLIED")' "$WORK/rep.out" >/dev/null || fail "repealed MRA: no V_EQUIVALENCE_NOT_APPLIED finding"
echo "MRA repealed now, enacted in history: AdESig under eu"
# the enacted agreement: the report shows the original values beside the mapped ones
(cd "$DEMO/vectors/cades-b-az-good" && "$VN" validate signature.p7s --data ../../docs/contract.txt \
	--trust ../trust.conf --policy eu --json) >"$WORK/enacted.out" 2>/dev/null
jq -e '.qualification == "QESig" and .trust.mapping == "lotl:QCForESig" and .trust.original.qcCClegislation == "AZ" and .trust.scheme == "eu"' \
	"$WORK/enacted.out" >/dev/null || fail "enacted MRA: report lacks the mapping ($(jq -c .trust "$WORK/enacted.out"))"
sh "$RESP" stop "$DEMO" >/dev/null 2>&1
run_vectors "$DEMO" down || fail "vectors with the responders down"

# every sub-indication the engine can emit is caused by some vector
for sub in FORMAT_FAILURE HASH_FAILURE SIG_CRYPTO_FAILURE REVOKED EXPIRED NOT_YET_VALID \
	CHAIN_CONSTRAINTS_FAILURE CERTIFICATE_CHAIN_GENERAL_FAILURE CRYPTO_CONSTRAINTS_FAILURE_NO_POE \
	NO_SIGNING_CERTIFICATE_FOUND NO_CERTIFICATE_CHAIN_FOUND REVOKED_NO_POE OUT_OF_BOUNDS_NO_POE \
	TRY_LATER SIGNED_DATA_NOT_FOUND; do
	grep -v '^#' "$SRC/interop/vectors/vectors.tsv" | cut -f6 | grep -qx "$sub" || fail "no vector causes $sub"
done

# Differential: openssl cms verifies the signature cryptographically (no
# chain check) exactly when valnode finds no format, digest or signature fault.
n=0
for d in "$DEMO"/vectors/*/; do
	exp="$d/expected.json"
	sig=$(jq -r .signature "$exp")
	case $sig in *.p7s | *.p7m) ;; *) continue ;; esac
	sub=$(jq -r '.subIndication // "-"' "$exp")
	case $sub in NO_SIGNING_CERTIFICATE_FOUND | SIGNED_DATA_NOT_FOUND) continue ;; esac
	data=$(jq -r '.data // empty' "$exp")
	if [ -n "$data" ]; then
		openssl cms -verify -noverify -binary -inform DER -in "$d/$sig" -content "$d/$data" -out /dev/null >/dev/null 2>&1
	else
		openssl cms -verify -noverify -binary -inform DER -in "$d/$sig" -out /dev/null >/dev/null 2>&1
	fi
	ossl=$?
	case $sub in HASH_FAILURE | SIG_CRYPTO_FAILURE | FORMAT_FAILURE) vn_ok=1 ;; *) vn_ok=0 ;; esac
	# vn_ok=1 means valnode rejects the cryptography; openssl must reject too
	if [ $vn_ok = 1 ] && [ $ossl = 0 ]; then
		# the one known difference: valnode refuses a content-type attribute
		# that contradicts eContentType, which openssl does not check
		[ "$sub" = FORMAT_FAILURE ] || fail "$(basename "$d"): openssl accepts what valnode rejects ($sub)"
	elif [ $vn_ok = 0 ] && [ $ossl != 0 ]; then
		fail "$(basename "$d"): openssl rejects what valnode accepts"
	fi
	n=$((n + 1))
done
[ $n -ge 20 ] || fail "only $n CMS vectors compared"
echo "differential: $n CMS vectors, openssl cms and valnode agree"
echo ok
