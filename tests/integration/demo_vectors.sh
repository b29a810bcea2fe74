# Sourced by t_demo_pki.sh after generation ($OUT, $P, lib.sh helpers): the
# sample documents and their timestamps, every conformance vector of
# interop/vectors/vectors.tsv checked with the openssl command line (the
# differential baseline: good ones verify, damaged ones do not), the
# embedded OCSP responses, trust.conf, and the OCSP responders script.
V="$OUT/vectors"
TSV="$SRC/interop/vectors/vectors.tsv"
RESP="$SRC/interop/demo/responders"

for f in contract.txt contract-tampered.txt letter.txt invoice.csv; do
	[ -s "$OUT/docs/$f" ] || fail "no docs/$f"
done
sz=$(wc -c <"$OUT/docs/contract.txt")
[ "$sz" -gt 3500 ] && [ "$sz" -lt 4500 ] || fail "contract.txt is $sz bytes, not about 4 KiB"
[ "$(cmp -l "$OUT/docs/contract.txt" "$OUT/docs/contract-tampered.txt" | wc -l)" = 1 ] ||
	fail "contract-tampered.txt does not differ by one byte"
for c in $COUNTRIES; do
	openssl ts -verify -in "$OUT/docs/contract.$c.tsr" -data "$OUT/docs/contract.txt" \
		-CAfile "$P/$c/root.pem" -untrusted "$P/$c/tsa.pem" >"$WORK/ts.out" 2>&1 ||
		{ cat "$WORK/ts.out"; fail "the $c TSA's timestamp of contract.txt does not verify"; }
done

# trust.conf: the three schemes with their anchors, and the mirror map.
[ "$(grep -c '^\[scheme [a-z]*\]' "$V/trust.conf")" = 3 ] || fail "trust.conf: not 3 schemes"
grep -qx "mirror = $OUT/mirror.tsv" "$V/trust.conf" || fail "trust.conf: no mirror"
for l in $LOTLS; do
	grep -qx "signer = $OUT/anchors/$l.pem" "$V/trust.conf" || fail "trust.conf: no $l anchor"
done

# hex FILE: FILE in lower-case hex on one line.
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }

tab=$(printf '\t')
nvec=0
seen=""
while IFS=$tab read -r name kind signer doc ind sub qual ocsp params notes; do
	case $name in '#'* | "") continue ;; esac
	nvec=$((nvec + 1))
	d="$V/$name"
	[ -f "$d/expected.json" ] || fail "vector $name: no expected.json"
	jq -e . "$d/expected.json" >/dev/null || fail "vector $name: expected.json is not JSON"
	[ "$(jq -r .indication "$d/expected.json")" = "$ind" ] || fail "vector $name: indication"
	[ "$(jq -r '.subIndication // "-"' "$d/expected.json")" = "$sub" ] || fail "vector $name: subIndication"
	[ "$(jq -r .qualification "$d/expected.json")" = "$qual" ] || fail "vector $name: qualification"
	case $ocsp in online | offline | down) ;; *) fail "vector $name: ocsp column '$ocsp'" ;; esac
	sig="$d/$(jq -r .signature "$d/expected.json")"
	[ -s "$sig" ] || fail "vector $name: no signature file"
	data=$(jq -r '.data // empty' "$d/expected.json")
	[ -z "$data" ] || [ -f "$d/$data" ] || fail "vector $name: data $data missing"
	seen="$seen $sub"
	cc=${signer%%/*} slug=${signer#*/}
	scert="$P/$cc/signers/$slug.pem"
	issuer="$P/$cc/$(cat "$P/$cc/signers/$slug.issuer").pem"
	root="$P/$cc/root.pem"
	case $kind in
	raw-*)
		jq -r .raw.signatureValue "$sig" | openssl base64 -d -A >"$WORK/v.sig"
		jq -r .raw.certificate "$sig" | openssl base64 -d -A | openssl x509 -inform DER >"$WORK/v.pem" ||
			fail "vector $name: certificate"
		cmp -s "$WORK/v.pem" "$scert" || fail "vector $name: not the signer's certificate"
		openssl x509 -in "$WORK/v.pem" -noout -pubkey >"$WORK/v.pub"
		if [ "$kind" = raw-ecdsa-data ]; then
			jq -r .raw.data "$sig" | openssl base64 -d -A >"$WORK/v.data"
			cmp -s "$WORK/v.data" "$OUT/docs/$(jq -r .document "$d/expected.json" | sed 's|.*/||')" ||
				fail "vector $name: data is not the document"
			openssl dgst -sha256 -binary "$WORK/v.data" >"$WORK/v.hash"
		else
			jq -r .raw.hash "$sig" | openssl base64 -d -A >"$WORK/v.hash"
		fi
		jq -e '.raw.signingTime | test("^[0-9-]+T[0-9:]+Z$")' "$sig" >/dev/null || fail "vector $name: signingTime"
		case $kind in
		raw-ecdsa | raw-ecdsa-data | raw-tampered-sig)
			# r||s back to DER with asn1parse: an independent check of
			# the conversion.
			[ "$(wc -c <"$WORK/v.sig")" = 64 ] || fail "vector $name: r||s is not 64 bytes"
			h=$(hex "$WORK/v.sig")
			printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' \
				"$(echo "$h" | cut -c1-64)" "$(echo "$h" | cut -c65-128)" >"$WORK/v.cnf"
			openssl asn1parse -genconf "$WORK/v.cnf" -out "$WORK/v.der" >/dev/null || fail "vector $name: r||s"
			set -- -sigfile "$WORK/v.der" ;;
		raw-ecdsa-der) set -- -sigfile "$WORK/v.sig" ;;
		raw-rsa) set -- -sigfile "$WORK/v.sig" -pkeyopt digest:sha256 ;;
		raw-pss) set -- -sigfile "$WORK/v.sig" -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss \
			-pkeyopt rsa_pss_saltlen:digest ;;
		esac
		if openssl pkeyutl -verify -pubin -inkey "$WORK/v.pub" -in "$WORK/v.hash" "$@" >"$WORK/pk.out" 2>&1; then
			[ "$kind" != raw-tampered-sig ] || fail "vector $name: a tampered value verifies"
		else
			[ "$kind" = raw-tampered-sig ] || { cat "$WORK/pk.out"; fail "vector $name: pkeyutl -verify fails"; }
		fi
		;;
	*)
		openssl cms -cmsout -inform DER -in "$sig" -noout 2>/dev/null || fail "vector $name: not CMS"
		set -- -CAfile "$root" -certfile "$issuer" -purpose any
		[ "$slug" = expired ] && set -- "$@" -no_check_time
		[ -n "$data" ] && set -- "$@" -content "$d/$data"
		if openssl cms -verify -binary -inform DER -in "$sig" "$@" -out /dev/null >"$WORK/cms.out" 2>&1; then
			verified=1
		else
			verified=0
		fi
		case $kind in
		tampered-* | cades-b-broken-cert | cms-no-certs)
			[ $verified = 0 ] || fail "vector $name: openssl cms -verify accepts it" ;;
		cades-b-detached | cades-b-enveloping | cades-t | cades-lt | cades-lta* | cms-not-cades)
			if [ "$ind" = TOTAL-PASSED ]; then
				[ $verified = 1 ] || { cat "$WORK/cms.out"; fail "vector $name: openssl cms -verify fails"; }
			fi ;;
		esac
		case $kind in
		cades-*) openssl cms -cmsout -print -inform DER -in "$sig" | grep -q "signingCertificate" ||
			fail "vector $name: no signing-certificate(-v2)" ;;
		cms-not-cades) ! openssl cms -cmsout -print -inform DER -in "$sig" | grep -q signingCertificate ||
			fail "vector $name: has a signing-certificate attribute" ;;
		esac
		;;
	esac
	# Timestamps: the token over the bytes it covers, by the TSA.
	for t in sig-ts ats; do
		[ -f "$d/$t.tst" ] || continue
		tsa_root="$root"
		[ -f "$P/$cc/tsa.pem" ] || tsa_root="$P/ee/root.pem"
		openssl ts -verify -in "$d/$t.tst" -token_in -data "$d/$t.input" -CAfile "$tsa_root" >"$WORK/ts.out" 2>&1 ||
			{ cat "$WORK/ts.out"; fail "vector $name: $t does not verify"; }
	done
	case $kind in
	cades-t | cades-lt | cades-lta*) [ -f "$d/sig-ts.tst" ] || fail "vector $name: no signature timestamp" ;;
	esac
	case $kind in
	cades-lta*) [ -f "$d/ats.tst" ] || fail "vector $name: no archive timestamp" ;;
	esac
	# The OCSP response the LT material carries.
	if [ -f "$d/ocsp.der" ]; then
		cat "$root" "$issuer" >"$WORK/bundle.pem"
		openssl ocsp -respin "$d/ocsp.der" -issuer "$issuer" -cert "$scert" -CAfile "$WORK/bundle.pem" \
			>"$WORK/ocsp.out" 2>&1 || { cat "$WORK/ocsp.out"; fail "vector $name: OCSP response"; }
		grep -q "Response verify OK" "$WORK/ocsp.out" || fail "vector $name: OCSP response does not verify"
		want=good
		[ "$slug" = revoked ] && want=revoked
		grep -q "$slug.pem: $want" "$WORK/ocsp.out" || { cat "$WORK/ocsp.out"; fail "vector $name: OCSP not $want"; }
	fi
done <"$TSV"
[ $nvec -ge 40 ] || fail "only $nvec vectors"
# Every sub-indication the engine of this scope can emit has a vector.
for s in FORMAT_FAILURE HASH_FAILURE SIG_CRYPTO_FAILURE REVOKED EXPIRED NOT_YET_VALID \
	CHAIN_CONSTRAINTS_FAILURE CERTIFICATE_CHAIN_GENERAL_FAILURE CRYPTO_CONSTRAINTS_FAILURE_NO_POE \
	NO_SIGNING_CERTIFICATE_FOUND NO_CERTIFICATE_CHAIN_FOUND REVOKED_NO_POE OUT_OF_BOUNDS_NO_POE \
	TRY_LATER SIGNED_DATA_NOT_FOUND; do
	case " $seen " in *" $s "*) ;; *) fail "no vector for $s" ;; esac
done

# --- the OCSP responders ---
busy=""
for port in 18101 18107 18117; do
	ss -ltn 2>/dev/null | grep -q "[:.]$port " && busy="$busy $port"
done
if [ -n "$busy" ]; then
	echo "note: ports$busy in use: the responders part is not run"
else
	expect_exit 64 sh "$RESP" start
	expect_exit 0 sh "$RESP" start "$OUT"
	[ "$(ls "$OUT/run"/*.pid | wc -l)" = 16 ] || fail "not 16 pid files"
	# status OCSPPORT CA SIGNER WANT
	status() {
		openssl ocsp -issuer "$P/ee/$2.pem" -cert "$P/ee/signers/$3.pem" -url "http://127.0.0.1:$1/ocsp" \
			-CAfile "$WORK/ee-bundle.pem" >"$WORK/ocsp.out" 2>&1 ||
			{ cat "$WORK/ocsp.out"; sh "$RESP" stop "$OUT"; fail "no answer on $1"; }
		grep -q "Response verify OK" "$WORK/ocsp.out" && grep -q "$3.pem: $4" "$WORK/ocsp.out" ||
			{ cat "$WORK/ocsp.out"; sh "$RESP" stop "$OUT"; fail "$3 is not $4 on $1"; }
	}
	cat "$P/ee/root.pem" "$P/ee/mid-ca.pem" "$P/ee/mid-ca-old.pem" >"$WORK/ee-bundle.pem"
	status 18107 mid-ca mari good
	status 18107 mid-ca revoked revoked
	grep -q "Reason: keyCompromise" "$WORK/ocsp.out" || { sh "$RESP" stop "$OUT"; fail "revocation reason"; }
	status 18117 mid-ca-old oldca good
	pids=$(cat "$OUT/run"/*.pid)
	expect_exit 0 sh "$RESP" stop "$OUT"
	for pid in $pids; do
		! kill -0 "$pid" 2>/dev/null || fail "responder $pid still running"
	done
	[ -z "$(ls "$OUT/run"/*.pid 2>/dev/null)" ] || fail "pid files left"
	! ss -ltn 2>/dev/null | grep -q "[:.]18107 " || fail "port 18107 still open"
	expect_exit 0 sh "$RESP" stop "$OUT"
fi
