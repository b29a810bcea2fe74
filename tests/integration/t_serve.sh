# `valnode serve` over the demo federation, on 127.0.0.1: every endpoint,
# every error status as problem+json, the response signatures checked by an
# independent Ed25519 verifier (openssl pkeyutl over the RFC 9421 signature
# base rebuilt here) and by `valnode verify-response`, the TS 119 442 verify
# binding with a schema-valid TS 119 102-2 report, a trust refresh that
# swaps the snapshot under concurrent requests, SIGHUP (good and bad
# configurations), and SIGTERM draining a request in flight.
. "$(dirname "$0")/lib.sh"
for t in openssl jq curl xxd; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed"
done
"$VN" serve --help >/dev/null 2>&1 || fail "valnode serve --help"

D="$WORK/demo"
sh "$SRC/interop/demo/generate" "$D" --valnode "$VN" >"$WORK/gen.log" 2>&1 ||
	{ tail "$WORK/gen.log"; fail "demo generation"; }

PID=""
LOOPS=""
stop_all() {
	for p in $LOOPS; do kill "$p" 2>/dev/null; done
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
		PID=""
	fi
}
trap stop_all EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(free_port)
U="http://127.0.0.1:$port"
CONF="$WORK/node.conf"
write_conf() {
	cat >"$CONF" <<-EOF
	# the node of t_serve.sh
	mirror = $D/mirror.tsv
	cache = $WORK/cache
	offline = true
	[scheme guam]
	lotl = https://tl.demo.guam.invalid/GUAM.xml
	signer = $D/anchors/guam.pem
	[scheme silkroad]
	lotl = https://tl.demo.silkroad.invalid/SILKROAD.xml
	signer = $D/anchors/silkroad.pem
	[scheme eu]
	lotl = https://tl.demo.eu.invalid/EU.xml
	signer = $D/anchors/eu.pem
	[node]
	listen = 127.0.0.1:$port
	id = $1
	key = $WORK/node.key
	threads = 2
	log-format = json
	[limits]
	max-body = 512k
	max-json-depth = 16
	request-time = 30
	connection-timeout = 20
	key-tables = 4
	timestamp-cache = 0
	revocation-memo = 16
	[refresh]
	interval = 3600
	max-age = 3600
	EOF
}
write_conf node-a

# A key readable by others is refused before anything listens.
printf '%032d' 0 >"$WORK/node.key"
chmod 644 "$WORK/node.key"
expect_exit 64 "$VN" serve --config "$CONF"
grep -q "chmod 600" "$WORK/last.err" || fail "no clear message for a 0644 key"
rm -f "$WORK/node.key"
expect_exit 65 "$VN" serve --config "$D/mirror.tsv"
# Cache sizes are bounded: more key tables than a process may have is refused.
sed 's/^key-tables = 4$/key-tables = 999/' "$CONF" >"$WORK/bad-tables.conf"
grep -q '^key-tables = 999$' "$WORK/bad-tables.conf" || fail "could not write the bad configuration"
expect_exit 65 "$VN" serve --config "$WORK/bad-tables.conf"
grep -q "key-tables must be a number from 0 to 256" "$WORK/last.err" ||
	fail "no clear message for key-tables = 999"
sed 's/^revocation-memo = 16$/revocation-memo = 2000000/' "$CONF" >"$WORK/bad-memo.conf"
grep -q '^revocation-memo = 2000000$' "$WORK/bad-memo.conf" || fail "could not write the bad configuration"
expect_exit 65 "$VN" serve --config "$WORK/bad-memo.conf"
grep -q "revocation-memo must be a number from 0 to 1048576" "$WORK/last.err" ||
	fail "no clear message for revocation-memo = 2000000"

"$VN" serve --config "$CONF" 2>"$WORK/serve.log" &
PID=$!
i=0
until curl -sf "$U/readyz" -o "$WORK/readyz.json" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 150 ] || { cat "$WORK/serve.log"; fail "the node never got ready"; }
	kill -0 $PID 2>/dev/null || { cat "$WORK/serve.log"; fail "valnode serve exited"; }
	sleep 0.2
done
[ "$(stat -c %a "$WORK/node.key")" = 600 ] || fail "the node key is not 0600"

# Connections opened at once are spread over the workers: three bursts of
# sixteen new keep-alive connections (wrk, validating the raw demo vector),
# and in each the two workers must each have done at least a fifth of the
# work (CPU ticks, /proc/PID/task/*/stat fields 14 and 15). A worker left
# with none is the failure this catches: a burst all accepted by the first
# worker awake, which keep-alive then keeps there (with MHD's own accepting
# it happened in about one burst of four here).
worker_ticks() {
	for t in /proc/$PID/task/*; do
		[ "$(cat "$t/comm")" = MHD-worker ] && awk '{ print $14 + $15 }' "$t/stat"
	done
}
if command -v wrk >/dev/null 2>&1; then
	for burst in 1 2 3; do
		worker_ticks >"$WORK/ticks0"
		BODY="$D/vectors/raw-ecdsa-good/signature.json" wrk -t2 -c16 -d1s \
			-s "$SRC/bench/node.lua" "$U" >"$WORK/wrk.out" 2>&1 ||
			{ cat "$WORK/wrk.out"; fail "wrk"; }
		worker_ticks >"$WORK/ticks1"
		[ "$(wc -l <"$WORK/ticks1")" -eq 2 ] || fail "not two MHD workers"
		paste "$WORK/ticks0" "$WORK/ticks1" | awk '{ d[NR] = $2 - $1; t += d[NR] }
			END { for (i = 1; i <= NR; i++) if (t <= 0 || d[i] * 5 < t) exit 1 }' || {
			paste "$WORK/ticks0" "$WORK/ticks1"
			fail "burst $burst: connections not spread over the workers"; }
	done
else
	echo "t_serve: wrk is not installed: the spread of connections over the workers is not checked"
fi

# get PATH [curl args...]: response body in $WORK/last.out, headers in
# $WORK/last.hdr, status in $st.
get() {
	p=$1; shift
	st=$(curl -s -D "$WORK/last.hdr" -o "$WORK/last.out" -w '%{http_code}' "$@" "$U$p") || fail "curl $p"
}
post() {
	p=$1 f=$2; shift 2
	get "$p" -H 'Content-Type: application/json' --data-binary "@$f" "$@"
}
want() {
	[ "$st" = "$1" ] || { cat "$WORK/last.out"; fail "$2: status $st, wanted $1"; }
}
hdr() {
	grep -i "^$1:" "$WORK/last.hdr" | head -n 1 | sed -e 's/^[^:]*:[ 	]*//' -e 's/\r$//'
}
problem() {
	want "$1" "$2"
	[ "$(hdr content-type)" = "application/problem+json" ] || fail "$2: not problem+json"
	jq_is .status "$1"
	jq -e '(.type | startswith("urn:valnode:problem:")) and (.title | length > 0) and (.detail | length > 0)' \
		"$WORK/last.out" >/dev/null || fail "$2: problem lacks type/title/detail"
}

# --- the read-only endpoints ---
get /healthz; want 200 healthz; jq_is .status ok
get /readyz; want 200 readyz; jq_is .ready true
get /v1/node; want 200 node
jq_is .id node-a
jq_is .publicKey.alg ed25519
jq_is '.policies | join(",")' default
KEY=$(jq -r .publicKey.value "$WORK/last.out")
KEYID=$(jq -r .publicKey.keyid "$WORK/last.out")
get /v1/trustlists; want 200 trustlists
jq_is '[.lists[] | select(.kind == "lotl") | .scheme] | sort | join(",")' eu,guam,silkroad
jq_is '[.lists[] | select(.kind == "tl") | .state] | unique | join(",")' valid
jq -e '.lists[] | select(.kind == "tl") | .url and .scheme and .sequenceNumber and .issued and .nextUpdate and .lastFetch and (.lastError == null)' \
	"$WORK/last.out" >/dev/null || fail "a list lacks its fields"
get /v1/trustlists/AZ; want 200 "trustlists/AZ"
jq_is '[.lists[].scheme] | sort | join(",")' eu,guam,silkroad
jq_is '[.lists[].sequenceNumber] | unique | join(",")' 1
get /v1/trustlists/az; want 200 "trustlists/az (case)"
get /v1/policies; want 200 policies
jq_is '.policies[0].id' default
jq -e '.policies[0].version and .policies[0].description' "$WORK/last.out" >/dev/null || fail "policy fields"
get /v1/policies/default; want 200 policies/default
jq_is .constraints.minEcBits 256
get /v1/policies/urn:valnode:policy:default; want 200 "policy by URI"

# --- validation: CAdES made with openssl by a demo signer ---
echo "a contract between two parties" >"$WORK/doc.txt"
SIGNER="$D/pki/az/signers/sabina"
openssl cms -sign -cades -binary -md sha256 -nodetach -in "$WORK/doc.txt" -signer "$SIGNER.pem" \
	-inkey "$SIGNER.key" -outform DER -out "$WORK/env.p7s" || fail "openssl cms (enveloping)"
openssl cms -sign -cades -binary -md sha256 -in "$WORK/doc.txt" -signer "$SIGNER.pem" \
	-inkey "$SIGNER.key" -outform DER -out "$WORK/det.p7s" || fail "openssl cms (detached)"
ENV=$(base64 -w0 "$WORK/env.p7s") DET=$(base64 -w0 "$WORK/det.p7s")
DOC=$(base64 -w0 "$WORK/doc.txt") HASH=$(openssl dgst -sha256 -binary "$WORK/doc.txt" | base64)
# The node is offline (no OCSP): a sound signature is INDETERMINATE/TRY_LATER.
printf '{"signature":"%s","policy":"default","reports":["json","etsi-xml"]}' "$ENV" >"$WORK/v1.json"
post /v1/validate "$WORK/v1.json"; want 200 "validate enveloping"
cp "$WORK/last.out" "$WORK/validate.json"
jq_is .indication INDETERMINATE
jq_is '.signatures[0].subIndication' TRY_LATER
jq_is '.signatures[0].format' CAdES-BASELINE-B
jq_is '.signatures[0].trust.territory' AZ
jq_is '.signatures[0].signer.commonName' "Sabina Aliyeva"
jq_is .policy.id default
jq -r '.reports["etsi-xml"]' "$WORK/last.out" | base64 -d >"$WORK/validate-report.xml" || fail "etsi-xml is not base64"
grep -q "ValidationReport" "$WORK/validate-report.xml" || fail "etsi-xml is not a validation report"
# the verdict alone: no per-signature report is built or sent
printf '{"signature":"%s","policy":"default","reports":[]}' "$ENV" >"$WORK/v1b.json"
post /v1/validate "$WORK/v1b.json"; want 200 "validate, verdict only"
jq_is .indication INDETERMINATE
jq_is 'has("signatures")' false
jq_is 'has("reports")' false
printf '{"signature":"%s","documents":[{"name":"doc.txt","data":"%s"}],"validationTime":"%s"}' \
	"$DET" "$DOC" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$WORK/v2.json"
post /v1/validate "$WORK/v2.json"; want 200 "validate detached"
jq_is '.signatures[0].subIndication' TRY_LATER
printf '{"signature":"%s","digests":[{"alg":"SHA-256","value":"%s"}]}' "$DET" "$HASH" >"$WORK/v3.json"
post /v1/validate "$WORK/v3.json"; want 200 "validate hash-only"
jq_is '.signatures[0].subIndication' TRY_LATER
printf '{"signature":"%s","digests":[{"alg":"SHA-256","value":"%s"}]}' "$DET" \
	"$(echo other | openssl dgst -sha256 -binary | base64)" >"$WORK/v4.json"
post /v1/validate "$WORK/v4.json"; want 200 "validate wrong digest"
jq_is .indication TOTAL-FAILED
jq_is '.signatures[0].subIndication' HASH_FAILURE
# an ASiC-E container with a CAdES signature over its ASiCManifest (EN 319
# 162-1 4.4.3), made here with openssl and zip: the container's verdict and
# which signature covers which file come back beside the signature's
if command -v zip >/dev/null 2>&1; then
	rm -rf "$WORK/asice" && mkdir -p "$WORK/asice/META-INF"
	printf 'application/vnd.etsi.asic-e+zip' >"$WORK/asice/mimetype"
	cp "$WORK/doc.txt" "$WORK/asice/doc.txt"
	cat >"$WORK/asice/META-INF/ASiCManifest.xml" <<-EOF
	<?xml version="1.0" encoding="UTF-8"?>
	<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
	<asic:SigReference URI="META-INF/signature.p7s" MimeType="application/x-pkcs7-signature"/>
	<asic:DataObjectReference URI="doc.txt" MimeType="text/plain">
	<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
	<ds:DigestValue>$HASH</ds:DigestValue>
	</asic:DataObjectReference>
	</asic:ASiCManifest>
	EOF
	openssl cms -sign -cades -binary -md sha256 -in "$WORK/asice/META-INF/ASiCManifest.xml" \
		-signer "$SIGNER.pem" -inkey "$SIGNER.key" -outform DER \
		-out "$WORK/asice/META-INF/signature.p7s" || fail "openssl cms (ASiCManifest)"
	(cd "$WORK/asice" && rm -f ../c.asice && zip -q -X -0 ../c.asice mimetype &&
		zip -q -X -r ../c.asice doc.txt META-INF) || fail "zip"
	printf '{"signature":"%s"}' "$(base64 -w0 "$WORK/c.asice")" >"$WORK/v5.json"
	post /v1/validate "$WORK/v5.json"; want 200 "validate ASiC-E"
	jq_is .container.type ASiC-E
	jq_is '.container.dataFiles[0].signedBy | join(",")' S-1
	jq_is '.signatures[0].format' CAdES-BASELINE-B
	jq_is '.signatures[0].subIndication' TRY_LATER
	jq_is .indication INDETERMINATE
	# a container holds its own documents
	printf '{"signature":"%s","documents":[{"name":"doc.txt","data":"%s"}]}' \
		"$(base64 -w0 "$WORK/c.asice")" "$DOC" >"$WORK/v6.json"
	post /v1/validate "$WORK/v6.json"; problem 422 "ASiC-E with documents"
fi

# --- errors: RFC 9457 problem+json ---
printf '{"signature": ' >"$WORK/bad.json"
post /v1/validate "$WORK/bad.json"; problem 400 "malformed JSON"
awk 'BEGIN { for (i = 0; i < 40; i++) printf "["; for (i = 0; i < 40; i++) printf "]" }' >"$WORK/deep.json"
post /v1/validate "$WORK/deep.json"; problem 400 "too deep"
grep -q "deeper" "$WORK/last.out" || fail "no depth detail"
get /v1/nothing; problem 404 "unknown route"
get /v1/trustlists/XX; problem 404 "unknown territory"
get /v1/policies/strict; problem 404 "unknown policy"
get /v1/node -X DELETE; problem 405 "DELETE /v1/node"
[ "$(hdr allow)" = "GET, HEAD" ] || fail "405 without Allow"
get /v1/validate; problem 405 "GET /v1/validate"
head -c 600000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
post /v1/validate "$WORK/big.json"; problem 413 "oversized body"
# without a Content-Length (chunked) the cap holds as the body arrives,
# and a body within it is read whole, in any number of chunks
post /v1/validate "$WORK/big.json" -H 'Transfer-Encoding: chunked'; problem 413 "oversized chunked body"
post /v1/validate "$WORK/v2.json" -H 'Transfer-Encoding: chunked'; want 200 "validate detached, chunked"
jq_is '.signatures[0].subIndication' TRY_LATER
get /v1/validate -H 'Content-Type: text/plain' --data-binary @"$WORK/v1.json"; problem 415 "text/plain"
printf '{"signature":"%s"}' "$(echo 'not a signature' | base64)" >"$WORK/notsig.json"
post /v1/validate "$WORK/notsig.json"; problem 422 "not a signature"
printf '{"signature":"%s","policy":"strict"}' "$ENV" >"$WORK/nopol.json"
post /v1/validate "$WORK/nopol.json"; problem 422 "unknown policy in a request"
printf '{"signature":"%s","digests":[{"alg":"MD5","value":"AAAA"}]}' "$DET" >"$WORK/md5.json"
post /v1/validate "$WORK/md5.json"; problem 422 "MD5 digest"
printf '{"documents":[]}' >"$WORK/nosig.json"
post /v1/validate "$WORK/nosig.json"; problem 422 "no signature"

# --- the response signature, checked independently ---
post /v1/validate "$WORK/v1.json"; want 200 "validate for signature check"
cp "$WORK/last.out" "$WORK/body.bin"
cd_hdr=$(hdr content-digest) ct_hdr=$(hdr content-type) si_hdr=$(hdr signature-input) sig_hdr=$(hdr signature)
# RFC 9530: sha-256 of the body as sent.
[ "$cd_hdr" = "sha-256=:$(openssl dgst -sha256 -binary "$WORK/body.bin" | base64 -w0):" ] ||
	fail "Content-Digest '$cd_hdr' is not the body's sha-256"
case $si_hdr in
sig1=\(\"@status\"\ \"content-digest\"\ \"content-type\"\)\;created=*\;keyid=\"$KEYID\"\;alg=\"ed25519\") ;;
*) fail "Signature-Input is '$si_hdr'" ;;
esac
# RFC 9421 2.5: the signature base, rebuilt from what was received.
printf '"@status": %s\n"content-digest": %s\n"content-type": %s\n"@signature-params": %s' \
	"$st" "$cd_hdr" "$ct_hdr" "${si_hdr#sig1=}" >"$WORK/base.txt"
echo "$sig_hdr" | sed -e 's/^sig1=://' -e 's/:$//' | base64 -d >"$WORK/sig.bin" || fail "Signature value"
[ "$(stat -c %s "$WORK/sig.bin")" = 64 ] || fail "the signature is not 64 bytes"
# The raw key as an RFC 8410 SubjectPublicKeyInfo, for openssl.
{ printf '302a300506032b6570032100' | xxd -r -p; echo "$KEY" | base64 -d; } >"$WORK/pub.der"
openssl pkey -pubin -inform DER -in "$WORK/pub.der" -out "$WORK/pub.pem" || fail "public key to PEM"
openssl pkeyutl -verify -pubin -inkey "$WORK/pub.pem" -rawin -in "$WORK/base.txt" \
	-sigfile "$WORK/sig.bin" >"$WORK/pkeyutl.out" 2>&1 ||
	{ cat "$WORK/pkeyutl.out"; fail "openssl does not verify the response signature"; }
sed 's/^"@status": 200$/"@status": 201/' "$WORK/base.txt" >"$WORK/base-bad.txt"
cmp -s "$WORK/base.txt" "$WORK/base-bad.txt" && fail "the base edit changed nothing"
! openssl pkeyutl -verify -pubin -inkey "$WORK/pub.pem" -rawin -in "$WORK/base-bad.txt" \
	-sigfile "$WORK/sig.bin" >/dev/null 2>&1 || fail "openssl verifies a changed status"
# A problem response is signed too.
get /v1/nothing
[ -n "$(hdr signature)" ] && [ -n "$(hdr content-digest)" ] || fail "a 404 is not signed"

# --- valnode verify-response ---
curl -si "$U/v1/trustlists" >"$WORK/saved.http" || fail "curl -si"
expect_exit 0 "$VN" verify-response "$WORK/saved.http" --key "$KEY"
expect_exit 0 "$VN" verify-response "$WORK/saved.http" --key-file "$WORK/pub.pem"
sed 's/"valid"/"VALID"/' "$WORK/saved.http" >"$WORK/tampered.http"
cmp -s "$WORK/saved.http" "$WORK/tampered.http" && fail "the tamper edit changed nothing"
expect_exit 1 "$VN" verify-response "$WORK/tampered.http" --key "$KEY"
grep -q "Content-Digest does not match" "$WORK/last.out" || fail "tampered: no reason"
sed '1s/200/203/' "$WORK/saved.http" >"$WORK/status.http"
expect_exit 1 "$VN" verify-response "$WORK/status.http" --key "$KEY"
expect_exit 1 "$VN" verify-response "$WORK/saved.http" --key "$(head -c 32 /dev/urandom | base64)"
expect_exit 65 "$VN" verify-response "$WORK/body.bin" --key "$KEY"
expect_exit 64 "$VN" verify-response "$WORK/saved.http"

# --- ETSI TS 119 442: POST /v1/verify ---
cat >"$WORK/verify.json" <<-EOF
{
  "profile": ["http://uri.etsi.org/19442/v1.1.1/validationprofile#"],
  "reqID": "t-serve-1",
  "sigObj": [ { "b64Sig": { "val": "$ENV", "mimeType": "application/pkcs7-signature" } } ],
  "optInp": {
    "policy": ["urn:valnode:policy:default"],
    "useVerificationTime": { "currTime": true },
    "returnVerificationTime": true, "returnSigningTime": true, "returnSigner": true,
    "returnValReport": { "asSpecifiedBy": "http://uri.etsi.org/19102/v1.4.1#" }
  }
}
EOF
post /v1/verify "$WORK/verify.json"; want 200 "119 442 verify"
jq_is .result.maj urn:oasis:names:tc:dss:1.0:resultmajor:Success
jq_is .result.min urn:etsi:019102:mainindication:indeterminate
jq_is .reqID t-serve-1
jq_is .optOutp.appliedSigValPolicy urn:valnode:policy:default
jq_is '.optOutp.procDetails.indeterminate[0].type' urn:etsi:019102:subindication:TRY_LATER
jq -e '.optOutp.signerIdentity.value | contains("Sabina")' "$WORK/last.out" >/dev/null || fail "signerIdentity"
jq -r .optOutp.validationReport.etsiTS11910202XMLReport "$WORK/last.out" | base64 -d >"$WORK/vr.xml" ||
	fail "etsiTS11910202XMLReport is not base64"
if [ -f "$XSD/1910202xmlSchema.xsd" ]; then
	XML_CATALOG_FILES="$XSD/catalog.xml" xmllint --noout --nonet --schema "$XSD/1910202xmlSchema.xsd" \
		"$WORK/vr.xml" >"$WORK/xmllint.out" 2>&1 || { cat "$WORK/xmllint.out"; fail "the report does not validate"; }
	grep -q "mainindication:indeterminate" "$WORK/vr.xml" || fail "the report's indication"
else
	echo "note: ../shared/xsd absent, the report's schema check is skipped"
fi
cat >"$WORK/verify-hash.json" <<-EOF
{"reqID":"t-serve-2","inDocs":{"docHash":[{"ID":"doc-1","dis":[{"alg":"http://www.w3.org/2001/04/xmlenc#sha256","val":"$HASH"}]}]},
 "sigObj":[{"b64Sig":{"val":"$DET"},"whichDoc":"doc-1"}]}
EOF
post /v1/verify "$WORK/verify-hash.json"; want 200 "119 442 docHash"
jq_is .result.min urn:etsi:019102:mainindication:indeterminate
printf '{"sigObj":[]}' >"$WORK/verify-empty.json"
post /v1/verify "$WORK/verify-empty.json"; problem 422 "119 442 without sigObj"

# --- the request log: one JSON line per request, no contents, no keys ---
grep '"msg":"request"' "$WORK/serve.log" | head -n 1 | jq -e '.id and .route and .status and .verdict and (.ms >= 0)' \
	>/dev/null || { tail "$WORK/serve.log"; fail "request log lines lack fields"; }
grep '"route":"/v1/validate"' "$WORK/serve.log" | grep -q '"verdict":"INDETERMINATE"' || fail "no verdict in the log"
! grep -q "$(echo "$ENV" | cut -c 20-60)" "$WORK/serve.log" || fail "the log holds signature bytes"
! grep -q "$(base64 -w0 "$WORK/node.key" | cut -c 1-20)" "$WORK/serve.log" || fail "the log holds the key"

# --- metrics ---
get /metrics; want 200 metrics
case $(hdr content-type) in text/plain*) ;; *) fail "metrics content type" ;; esac
for m in 'valnode_http_requests_total{route="/v1/validate",status="200"}' \
	'valnode_http_requests_total{route="/v1/validate",status="413"}' \
	'valnode_validations_total{indication="INDETERMINATE"}' \
	'valnode_request_duration_seconds_bucket{le="+Inf"}' valnode_request_duration_seconds_count \
	'valnode_trustlist_state{scheme="guam",territory="AZ"' valnode_trustlist_age_seconds \
	valnode_snapshot_age_seconds valnode_trustlist_fetch_errors_total \
	'valnode_cache_hit_ratio{cache="trustlist"}' valnode_key_tables valnode_key_table_takeovers_total \
	'valnode_cache_requests_total{cache="timestamp",result="hit"} 0' \
	'valnode_cache_requests_total{cache="timestamp",result="miss"} 0' \
	'valnode_cache_requests_total{cache="revocation-memo",result="hit"}' \
	'valnode_cache_requests_total{cache="revocation-memo",result="miss"}' \
	'valnode_cache_hit_ratio{cache="revocation-memo"}'; do
	grep -qF "$m" "$WORK/last.out" || fail "metrics lack $m"
done

# --- refresh: a new AZ list swaps the snapshot under concurrent requests ---
loop() {
	n=0
	while [ $n -lt 40 ]; do
		curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
			--data-binary "@$WORK/v1.json" "$U/v1/validate" >>"$WORK/loop.$1"
		curl -s -o /dev/null -w '%{http_code}\n' "$U/v1/trustlists/AZ" >>"$WORK/loop.$1"
		n=$((n + 1))
	done
}
for k in 1 2 3; do loop $k & LOOPS="$LOOPS $!"; done
sed 's/^sequence = 1$/sequence = 2/' "$D/specs/az.tlspec" >"$D/specs/az2.tlspec"
"$VN" tl build "$D/specs/az2.tlspec" --out "$WORK/az2.xml" >/dev/null 2>&1 || fail "tl build az2"
"$VN" tl sign "$WORK/az2.xml" --key "$D/pki/az/tl-signer.key" --cert "$D/pki/az/tl-signer.pem" \
	--out "$WORK/az2-signed.xml" >/dev/null 2>&1 || fail "tl sign az2"
mv "$WORK/az2-signed.xml" "$D/lists/az.xml"
kill -HUP $PID
i=0
while :; do
	get /v1/trustlists/AZ
	[ "$(jq -r '[.lists[].sequenceNumber] | unique | join(",")' "$WORK/last.out")" = 2 ] && break
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$WORK/last.out"; fail "the new AZ list never showed"; }
	sleep 0.2
done
for p in $LOOPS; do wait "$p"; done
LOOPS=""
cat "$WORK"/loop.* >"$WORK/loops"
[ "$(wc -l <"$WORK/loops")" = 240 ] || fail "the request loops made $(wc -l <"$WORK/loops") requests"
[ "$(sort -u "$WORK/loops")" = 200 ] || { sort "$WORK/loops" | uniq -c; fail "a request during the swap failed"; }
get /readyz; jq -e '.generation >= 2' "$WORK/last.out" >/dev/null || fail "no new generation"

# --- SIGHUP: a new configuration, then a broken one that is refused ---
write_conf node-b
kill -HUP $PID
i=0
until get /v1/node && [ "$(jq -r .id "$WORK/last.out")" = node-b ]; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "SIGHUP did not apply the new configuration"
	sleep 0.2
done
echo "[nonsense]" >>"$CONF"
kill -HUP $PID
sleep 0.5
get /v1/node; want 200 "after a bad reload"
jq_is .id node-b
grep -q "unknown section" "$WORK/serve.log" || fail "the bad reload was not logged"

# --- SIGTERM: a request in flight completes, then the process exits 0 ---
{ cat "$WORK/v1.json"; head -c 6000 /dev/zero | tr '\0' ' '; } >"$WORK/slow.json"
curl -s -o "$WORK/slow.out" -w '%{http_code}' --limit-rate 2k -H 'Content-Type: application/json' \
	--data-binary "@$WORK/slow.json" "$U/v1/validate" >"$WORK/slow.code" &
CURL=$!
sleep 1
kill -TERM $PID
wait $CURL
[ "$(cat "$WORK/slow.code")" = 200 ] || fail "the request in flight got $(cat "$WORK/slow.code")"
jq -e .indication "$WORK/slow.out" >/dev/null || fail "the request in flight got no verdict"
wait $PID
rc=$?
PID=""
[ $rc = 0 ] || { tail "$WORK/serve.log"; fail "valnode serve exited $rc after SIGTERM"; }
! curl -s "$U/healthz" >/dev/null 2>&1 || fail "still answering after SIGTERM"
echo ok
