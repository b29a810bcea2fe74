# The demo federation generator (interop/demo/generate): the PKI it makes
# is sound (chains, QC statements, key modes, the test signers' states),
# the list descriptions name real files, reruns change nothing, --force
# regenerates; the conformance vectors verify with openssl where they
# should and fail where they are damaged (demo_vectors.sh); the OCSP
# responders start, answer and stop (interop/demo/responders). The lists part
# (valnode tl build / tl sign) is checked when valnode has those commands.
. "$(dirname "$0")/lib.sh"

GEN="$SRC/interop/demo/generate"
OUT="$WORK/demo"
COUNTRIES="az ge ua md kz tr ee lt"
FOREIGN="az ge ua md kz tr"
LOTLS="guam silkroad eu"
NOTAVAIL="valnode tl build is not available: build valnode first"

if "$VN" tl build --help >/dev/null 2>&1 && "$VN" tl sign --help >/dev/null 2>&1; then
	lists=1 gen_rc=0
else
	lists=0 gen_rc=69
fi

# generate [ARGS...]: run the generator into $OUT, with the expected outcome.
generate() {
	expect_exit $gen_rc sh "$GEN" "$OUT" --valnode "$VN" "$@"
	if [ $lists = 0 ]; then
		grep -q "$NOTAVAIL" "$WORK/last.err" || { cat "$WORK/last.err"; fail "no clear message for the missing tl build"; }
	fi
}

# snapshot FILE: a digest of every file under $OUT, for comparisons.
snapshot() {
	(cd "$OUT" && find . -type f | LC_ALL=C sort | while read -r f; do
		printf '%s %s\n' "$(openssl dgst -sha256 -r "$f" | cut -d' ' -f1)" "$f"
	done) >"$1"
}

t0=$(date +%s)
generate
t1=$(date +%s)
echo "generation took $((t1 - t0)) s"
[ $((t1 - t0)) -lt 60 ] || fail "generation took $((t1 - t0)) s"
[ -f "$OUT/.stamp-pki" ] || fail "no phase-1 stamp"
[ -s "$OUT/README.txt" ] || fail "no README.txt"

# Usage errors.
expect_exit 64 sh "$GEN" "$OUT" --no-such-option
expect_exit 64 sh "$GEN" "$OUT" "$OUT"

# --- the PKI ---
P="$OUT/pki"
# verify CAFILE [UNTRUSTED] CERT: the chain verifies now.
verify() {
	if [ $# = 3 ]; then
		openssl verify -CAfile "$1" -untrusted "$2" "$3" >"$WORK/verify.out" 2>&1
	else
		openssl verify -CAfile "$1" "$2" >"$WORK/verify.out" 2>&1
	fi || { cat "$WORK/verify.out"; fail "chain of ${3:-$2} does not verify"; }
}
# has_text CERT TEXT: the text form of CERT shows TEXT.
has_text() {
	openssl x509 -in "$1" -noout -text | grep -q -- "$2" || fail "$1 lacks '$2'"
}
# qc_oids CERT: the OIDs and strings inside CERT's qcStatements extension.
qc_oids() {
	off=$(openssl asn1parse -in "$1" | awk '/:qcStatements/ { getline; sub(/:.*/, ""); print $1 }')
	[ -n "$off" ] || fail "$1 has no qcStatements extension"
	openssl asn1parse -in "$1" -strparse "$off" | sed -n -e 's/.*OBJECT *://p' -e 's/.*PRINTABLESTRING *://p'
}

for c in $COUNTRIES; do
	C=$(echo "$c" | tr '[:lower:]' '[:upper:]')
	d="$P/$c"
	for f in root mid-ca ocsp tsa tl-signer; do
		[ -s "$d/$f.pem" ] && [ -s "$d/$f.key" ] || fail "$d/$f.{pem,key} missing"
		openssl pkey -in "$d/$f.key" -pubout >"$WORK/k.pub" 2>/dev/null || fail "$d/$f.key unreadable"
		openssl x509 -in "$d/$f.pem" -noout -pubkey >"$WORK/c.pub" || fail "$d/$f.pem unreadable"
		cmp -s "$WORK/k.pub" "$WORK/c.pub" || fail "$d/$f.key does not match $d/$f.pem"
	done
	verify "$d/root.pem" "$d/root.pem"
	verify "$d/root.pem" "$d/mid-ca.pem"
	verify "$d/root.pem" "$d/mid-ca.pem" "$d/ocsp.pem"
	verify "$d/root.pem" "$d/tsa.pem"
	verify "$d/root.pem" "$d/tl-signer.pem"
	has_text "$d/root.pem" "C = $C"
	has_text "$d/mid-ca.pem" "CA:TRUE, pathlen:0"
	has_text "$d/ocsp.pem" "OCSP Signing"
	openssl x509 -in "$d/tsa.pem" -noout -ext extendedKeyUsage | grep -q "Extended Key Usage: critical" ||
		fail "$d/tsa.pem: timeStamping EKU not critical"
	has_text "$d/tsa.pem" "Time Stamping"
	has_text "$d/tl-signer.pem" "Digital Signature, Non Repudiation"
	# About 3 years: still valid in 1000 days, no longer in 1100.
	openssl x509 -in "$d/tl-signer.pem" -noout -checkend $((1000 * 86400)) >/dev/null &&
		! openssl x509 -in "$d/tl-signer.pem" -noout -checkend $((1100 * 86400)) >/dev/null ||
		fail "$d/tl-signer.pem is not valid for 3 years"

	n=0
	for s in "$d"/signers/*.pem; do
		[ -f "$s" ] || fail "$d has no signer"
		n=$((n + 1))
		slug=$(basename "$s" .pem)
		ca=$(cat "$d/signers/$slug.issuer") || fail "$s: no .issuer"
		case $slug in
		expired | nyv) verify_at="-no_check_time" ;;
		*) verify_at="" ;;
		esac
		openssl verify $verify_at -CAfile "$d/root.pem" -untrusted "$d/$ca.pem" "$s" >"$WORK/verify.out" 2>&1 ||
			{ cat "$WORK/verify.out"; fail "chain of $s does not verify"; }
		case $slug in
		noqscd) has_text "$s" "Policy: 0.4.0.194112.1.0" ;;
		*) has_text "$s" "Policy: 0.4.0.194112.1.2" ;;
		esac
		case $slug in
		weak) has_text "$s" "Public-Key: (1024 bit)"; has_text "$s" "ecdsa-with-SHA1" ;;
		rsa) has_text "$s" "Public-Key: (2048 bit)" ;;
		*) has_text "$s" "NIST CURVE: P-256" ;;
		esac
		ku="Non Repudiation"
		[ "$slug" = nonr ] && ku="Digital Signature"
		openssl x509 -in "$s" -noout -ext keyUsage >"$WORK/ku.txt"
		grep -q "Key Usage: critical" "$WORK/ku.txt" && [ "$(sed -n '2s/^ *//p' "$WORK/ku.txt")" = "$ku" ] ||
			fail "$s: keyUsage is not critical $ku alone"
		openssl x509 -in "$s" -noout -subject -nameopt sep_multiline,sname | grep -q "serialNumber=PNO$C-" ||
			fail "$s: no PNO$C- serialNumber"
		qc_oids "$s" >"$WORK/qc.txt"
		for oid in 0.4.0.1862.1.1 0.4.0.1862.1.4 0.4.0.1862.1.6 0.4.0.1862.1.6.1; do
			[ "$slug" = noqscd ] && [ $oid = 0.4.0.1862.1.4 ] && continue
			grep -qx "$oid" "$WORK/qc.txt" || { cat "$WORK/qc.txt"; fail "$s lacks QC statement $oid"; }
		done
		[ "$slug" != noqscd ] || ! grep -qx 0.4.0.1862.1.4 "$WORK/qc.txt" || fail "$s has QcSSCD"
		case " $FOREIGN " in
		*" $c "*) grep -qx 0.4.0.1862.1.7 "$WORK/qc.txt" && grep -qx "$C" "$WORK/qc.txt" ||
			fail "$s lacks QcCClegislation $C" ;;
		*) ! grep -qx 0.4.0.1862.1.7 "$WORK/qc.txt" || fail "$s (EU) has QcCClegislation" ;;
		esac
	done
	# The test signers of every country, and their states.
	for slug in revoked expired noqscd weak oldca; do
		[ -f "$d/signers/$slug.pem" ] || fail "$c has no $slug signer"
	done
	verify "$d/root.pem" "$d/mid-ca-old.pem"
	verify "$d/root.pem" "$d/mid-ca-old.pem" "$d/ocsp-old.pem"
	[ "$(cat "$d/signers/oldca.issuer")" = mid-ca-old ] || fail "$c oldca is not under mid-ca-old"
	openssl x509 -in "$d/signers/expired.pem" -noout -checkend 0 >/dev/null && fail "$c expired signer is valid"
	sn=$(openssl x509 -in "$d/signers/revoked.pem" -noout -serial | sed 's/^serial=//')
	rline=$(awk -F '\t' -v sn="$sn" '$4 == sn' "$d/db/mid-ca/index.txt")
	case $rline in
	R*,keyCompromise*) ;;
	*) fail "$c revoked signer not revoked for keyCompromise: $rline" ;;
	esac
	rdate=$(echo "$rline" | cut -f3 | cut -d, -f1)
	nowutc=$(date -u +%y%m%d%H%M%SZ)
	awk -v a="$rdate" -v b="$nowutc" 'BEGIN { exit !(a < b) }' || fail "$c revocation date $rdate not in the past"
	[ $n -ge 1 ] || fail "$d has no signer"
done
for s in sabina narmina; do
	[ -f "$P/az/signers/$s.pem" ] || fail "no Azerbaijani signer $s"
done
openssl x509 -in "$P/az/signers/sabina.pem" -noout -subject -nameopt sep_multiline,sname |
	grep -q "GN=Sabina" || fail "Sabina's givenName"
openssl x509 -in "$P/az/signers/narmina.pem" -noout -subject -nameopt sep_multiline,sname |
	grep -q "GN=Narmina" || fail "Narmina's givenName"

for l in $LOTLS; do
	verify "$P/$l/tl-signer.pem" "$P/$l/tl-signer.pem"
	cmp -s "$P/$l/tl-signer.pem" "$OUT/anchors/$l.pem" || fail "anchors/$l.pem is not the $l signer"
done

nkeys=$(find "$P" -name '*.key' | wc -l)
[ "$nkeys" -ge 50 ] || fail "only $nkeys keys"
bad=$(find "$P" -name '*.key' ! -perm 600)
[ -z "$bad" ] || fail "keys not 0600: $bad"

# --- the list descriptions and the mirror map ---
for x in $COUNTRIES $LOTLS; do
	spec="$OUT/specs/$x.tlspec"
	[ -s "$spec" ] || fail "no $spec"
	grep -q '^\[scheme\]' "$spec" || fail "$spec has no [scheme]"
	grep -q '^issued = [0-9-]*T[0-9:]*Z$' "$spec" || fail "$spec: issued"
	grep -q '^next-update = [0-9-]*T[0-9:]*Z$' "$spec" || fail "$spec: next-update"
	grep '^certificate = ' "$spec" | sed 's/^certificate = //' >"$WORK/certs.txt"
	[ -s "$WORK/certs.txt" ] || fail "$spec names no certificate"
	while read -r f; do
		openssl x509 -in "$OUT/specs/$f" -noout 2>/dev/null || fail "$spec: $f is not a certificate"
	done <"$WORK/certs.txt"
	grep -q "^https://[^	]*	$OUT/lists/$x.xml\$" "$OUT/mirror.tsv" || fail "mirror.tsv lacks $x"
done
for c in $COUNTRIES; do
	C=$(echo "$c" | tr '[:lower:]' '[:upper:]')
	grep -qx "territory = $C" "$OUT/specs/$c.tlspec" || fail "$c.tlspec territory"
	[ "$(grep -c '^\[service\]' "$OUT/specs/$c.tlspec")" = 4 ] || fail "$c.tlspec: not 4 services"
	grep -qx "certificate = ../pki/$c/mid-ca-old.pem" "$OUT/specs/$c.tlspec" || fail "$c.tlspec: no old CA service"
	sed -n '/CA 2019$/,/^$/p' "$OUT/specs/$c.tlspec" | grep -qx "status = withdrawn" || fail "$c.tlspec: old CA not withdrawn"
	sed -n '/^\[history\]/,/^$/p' "$OUT/specs/$c.tlspec" | grep -qx "status = granted" || fail "$c.tlspec: no granted history"
	grep -qx "certificate = ../pki/$c/mid-ca.pem" "$OUT/specs/$c.tlspec" || fail "$c.tlspec: no CA/QC service"
	grep -qx "qualifier = QCWithQSCD" "$OUT/specs/$c.tlspec" || fail "$c.tlspec: no QCWithQSCD"
done
grep -qx "type = generic" "$OUT/specs/ee.tlspec" || fail "ee.tlspec is not EUgeneric"
grep -qx "type = AZlist" "$OUT/specs/az.tlspec" || fail "az.tlspec type"
[ "$(grep -c '^\[pointer\]' "$OUT/specs/guam.tlspec")" = 4 ] || fail "guam.tlspec: not 4 pointers"
[ "$(grep -c '^\[pointer\]' "$OUT/specs/silkroad.tlspec")" = 3 ] || fail "silkroad.tlspec: not 3 pointers"
[ "$(grep -c '^\[pointer\]' "$OUT/specs/eu.tlspec")" = 4 ] || fail "eu.tlspec: not 2 pointers + self + the MRA-mapped AZ pointer"
grep -qx "type = GUAMlistofthelists" "$OUT/specs/guam.tlspec" || fail "guam.tlspec type"
grep -qx "location = https://tl.demo.eu.invalid/EU.xml" "$OUT/specs/eu.tlspec" || fail "eu.tlspec: no self-pointer"
[ "$(wc -l <"$OUT/mirror.tsv")" = 11 ] || fail "mirror.tsv: not 11 lines"

# --- idempotence: a rerun changes nothing ---
snapshot "$WORK/snap1"
touch "$WORK/marker"
generate
snapshot "$WORK/snap2"
cmp -s "$WORK/snap1" "$WORK/snap2" || { diff "$WORK/snap1" "$WORK/snap2" | head; fail "a rerun changed files"; }
newer=$(find "$OUT" -newer "$WORK/marker")
[ -z "$newer" ] || fail "a rerun touched: $newer"

# --- --force regenerates (new keys) ---
generate --force
snapshot "$WORK/snap3"
[ "$(grep ' ./pki/az/root.pem$' "$WORK/snap1")" != "$(grep ' ./pki/az/root.pem$' "$WORK/snap3")" ] ||
	fail "--force kept the old AZ root"
verify "$P/az/root.pem" "$P/az/mid-ca.pem" "$P/az/signers/sabina.pem"

# --- sample documents, timestamps, conformance vectors, responders ---
. "$SRC/tests/integration/demo_vectors.sh"

# --- the lists ---
if [ $lists = 0 ]; then
	skip "the lists part only: $NOTAVAIL (the PKI part passed)"
fi
for x in $COUNTRIES $LOTLS; do
	[ -s "$OUT/unsigned/$x.xml" ] || fail "no unsigned/$x.xml"
	[ -s "$OUT/lists/$x.xml" ] || fail "no lists/$x.xml"
done
[ -f "$OUT/.stamp" ] || fail "no final stamp"
expect_exit 0 sh "$GEN" "$OUT" --valnode "$VN"
grep -q "up to date" "$WORK/last.out" || fail "a rerun did not say up to date"

# Each list lints clean against the official XSD, verifies with valnode and
# with the independent xmlsec1, and a one-byte change makes valnode refuse it.
for x in $COUNTRIES $LOTLS; do
	expect_exit 0 "$VN" tl lint "$OUT/lists/$x.xml" --schema "$XSD" --json
	jq_is .errors 0
	expect_exit 0 "$VN" tl verify "$OUT/lists/$x.xml" --anchor "$P/$x/tl-signer.pem" --json
	jq_is .indication TOTAL-PASSED
	xmlsec1 --verify --enabled-reference-uris empty,same-doc --id-attr:Id SignedProperties \
		--pubkey-cert-pem "$P/$x/tl-signer.pem" "$OUT/lists/$x.xml" >"$WORK/xmlsec.out" 2>&1 ||
		{ cat "$WORK/xmlsec.out"; fail "xmlsec1 refuses $x"; }
done
sed 's|<tsl:TSLSequenceNumber>1<|<tsl:TSLSequenceNumber>2<|' "$OUT/lists/az.xml" > "$WORK/az-tampered.xml"
cmp -s "$OUT/lists/az.xml" "$WORK/az-tampered.xml" && fail "tamper edit changed nothing"
expect_exit 1 "$VN" tl verify "$WORK/az-tampered.xml" --anchor "$P/az/tl-signer.pem" --json
jq_is .indication TOTAL-FAILED
# Each list of lists walks to valid member lists through the mirror map.
for s in guam silkroad eu; do
	u=$(grep -i "/$s\.xml	" "$OUT/mirror.tsv" | cut -f1)
	expect_exit 0 "$VN" tl walk "$u" --anchor "$OUT/anchors/$s.pem" --mirror "$OUT/mirror.tsv" --json
	jq_is '[.lists[].state] | unique | join(",")' valid
done
expect_exit 0 "$VN" tl walk https://tl.demo.guam.invalid/GUAM.xml --anchor "$OUT/anchors/guam.pem" \
	--mirror "$OUT/mirror.tsv" --json
jq_is '[.lists[] | select(.kind == "tl") | .territory] | join(",")' AZ,GE,UA,MD
# the wrong anchor: the walk stops at the list of lists
expect_exit 2 "$VN" tl walk https://tl.demo.guam.invalid/GUAM.xml --anchor "$OUT/anchors/eu.pem" \
	--mirror "$OUT/mirror.tsv" --json
jq_is '.lists | length' 1
echo ok
