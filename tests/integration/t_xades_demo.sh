# The XAdES / ASiC-E vectors of the demo federation (interop/vectors/xades.tsv,
# made by interop/demo/xades-make.c) checked with tools that are not ours:
# each ASiC-E is unzipped (mimetype first and stored, the manifest, the
# asic:XAdESSignatures root) and `xmlsec1 --verify` checks every signature's
# core (references and value) with the detached files resolved from the
# extracted container: good ones verify, the tampered and removed-file ones
# do not, and xmlsec1 refuses the duplicate-ID wrapping attempt. The
# signature timestamp covers the C14N 1.0 of ds:SignatureValue (rebuilt here
# by hand), the LT material carries the chain and an OCSP response that
# verifies; the archive timestamp of the LTA vectors verifies over the octets
# xades-make dumped (ats.input: the data file first, then canonical XML with
# or without the inherited namespaces as its c14n says), and the tampered one
# has its certificate values swapped. valnode's verdicts on these vectors are
# run_vectors.sh's business (t_vectors.sh checks that it agrees on the
# archive timestamp's imprint).
. "$(dirname "$0")/lib.sh"
command -v xmlsec1 >/dev/null 2>&1 || skip "xmlsec1 is not installed"
command -v unzip >/dev/null 2>&1 || skip "unzip is not installed"
command -v xmllint >/dev/null 2>&1 || skip "xmllint is not installed"

OUT="$WORK/demo"
sh "$SRC/interop/demo/generate" "$OUT" --valnode "$VN" >"$WORK/gen.log" 2>&1 ||
	{ tail -20 "$WORK/gen.log"; skip "the demo federation could not be generated"; }
P="$OUT/pki"
TSV="$SRC/interop/vectors/xades.tsv"

# b64of FILE ELEMENT: the text of the first ELEMENT (prefix:name) in FILE.
b64of() { sed -n "s|.*<$2[^>]*>\([^<]*\)</$2>.*|\1|p" "$1" | head -n 1; }
# b64of_first FILE ELEMENT: the text of the first ELEMENT, where several are.
b64of_first() { grep -o "<$2>[^<]*</$2>" "$1" | head -n 1 | sed "s|<[^>]*>||g"; }
# tsof FILE PROPERTY: the EncapsulatedTimeStamp of the PROPERTY (local name:
# SignatureTimeStamp, ArchiveTimeStamp) in FILE.
tsof() { xmllint --xpath "string(//*[local-name()='$2']/*[local-name()='EncapsulatedTimeStamp'])" "$1"; }

# xverify DIR SIGFILE SIGNER: xmlsec1 core verification of SIGFILE (a path
# relative to DIR, from where detached references are resolved), the
# signer's CA and root as the only anchors. Output in $WORK/xs.out.
xverify() {
	cc=${3%%/*} slug=${3#*/}
	issuer="$P/$cc/$(cat "$P/$cc/signers/$slug.issuer").pem"
	(cd "$1" && xmlsec1 --verify --id-attr:Id SignedProperties --trusted-pem "$P/$cc/root.pem" \
		--untrusted-pem "$issuer" "$2") >"$WORK/xs.out" 2>&1
}

tab=$(printf '\t')
n=0
while IFS=$tab read -r name kind signers docs ind sub qual ocsp params notes; do
	case $name in '#'* | "") continue ;; esac
	n=$((n + 1))
	d="$OUT/vectors/$name"
	[ -f "$d/expected.json" ] || fail "$name: no expected.json"
	jq -e '.set == "xades" and .indication == "'"$ind"'"' "$d/expected.json" >/dev/null ||
		fail "$name: expected.json does not match the row"
	first=${signers%%+*}
	case $kind in
	asice-*)
		c="$d/signature.asice"
		# EN 319 162-1 A.1: "mimetype" is the first entry, stored, without
		# an extra field, so its name and value sit at fixed offsets.
		[ "$(dd if="$c" bs=1 skip=30 count=39 2>/dev/null)" = "mimetypeapplication/vnd.etsi.asic-e+zip" ] ||
			fail "$name: mimetype is not the first stored entry"
		[ "$(od -An -tu2 -j8 -N2 "$c" | tr -d ' ')" = 0 ] || fail "$name: mimetype is compressed"
		x="$WORK/x/$name"
		rm -rf "$x" && mkdir -p "$x"
		(cd "$x" && unzip -q "$c") || fail "$name: unzip"
		grep -q 'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"' "$x/META-INF/manifest.xml" ||
			fail "$name: manifest namespace"
		i=0
		for s in $(echo "$signers" | tr '+' ' '); do
			sf="META-INF/signatures$i.xml"
			[ -f "$x/$sf" ] || fail "$name: no $sf"
			grep -q '^<asic:XAdESSignatures xmlns:asic="http://uri.etsi.org/02918/v1.2.1#"><ds:Signature' "$x/$sf" ||
				fail "$name: $sf is not asic:XAdESSignatures holding a ds:Signature"
			[ "$(grep -o '<ds:Signature ' "$x/$sf" | wc -l)" = 1 ] || fail "$name: not one ds:Signature in $sf"
			# every manifest entry but "/" is a file of the container
			for f in $(sed -n 's|.*full-path="\([^"/][^"]*\)".*|\1|p' "$x/META-INF/manifest.xml"); do
				[ -f "$x/$f" ] || fail "$name: manifest lists $f, not in the container"
			done
			if xverify "$x" "$sf" "$s"; then ok=1; else ok=0; fi
			case $kind in
			asice-tampered)
				[ $ok = 0 ] || fail "$name: xmlsec1 verifies $sf"
				grep -q 'data and digest do not match' "$WORK/xs.out" || { cat "$WORK/xs.out"; fail "$name: not a digest mismatch"; } ;;
			asice-removed)
				[ $ok = 0 ] || fail "$name: xmlsec1 verifies $sf"
				grep -q 'uri=contract.txt' "$WORK/xs.out" || { cat "$WORK/xs.out"; fail "$name: not the missing file"; } ;;
			asice-wrap)
				[ $ok = 0 ] || fail "$name: xmlsec1 accepts the duplicate ID"
				grep -q 'duplicate ID' "$WORK/xs.out" || { cat "$WORK/xs.out"; fail "$name: not refused for the duplicate ID"; } ;;
			*)
				[ $ok = 1 ] || { cat "$WORK/xs.out"; fail "$name: xmlsec1 does not verify $sf"; } ;;
			esac
			i=$((i + 1))
		done
		case $kind in
		asice-extra)
			grep -q 'full-path="invoice.csv"' "$x/META-INF/manifest.xml" || fail "$name: invoice.csv not in the manifest"
			! grep -q 'URI="invoice.csv"' "$x"/META-INF/signatures*.xml || fail "$name: invoice.csv is covered" ;;
		asice-removed)
			[ ! -e "$x/contract.txt" ] || fail "$name: contract.txt present"
			grep -q 'URI="contract.txt"' "$x/META-INF/signatures0.xml" || fail "$name: contract.txt not referenced" ;;
		asice-tampered)
			cmp -s "$x/contract.txt" "$OUT/docs/contract-tampered.txt" || fail "$name: not the tampered file" ;;
		esac
		sig="$x/META-INF/signatures0.xml"
		;;
	xades-b-enveloped)
		xverify "$d" signature.xml "$first" || { cat "$WORK/xs.out"; fail "$name: xmlsec1 does not verify"; }
		# one character of the signed document changed: it no longer verifies
		sed 's|250\.50|250.51|' "$d/signature.xml" >"$WORK/env-bad.xml"
		! cmp -s "$d/signature.xml" "$WORK/env-bad.xml" || fail "$name: nothing to alter"
		! xverify "$WORK" env-bad.xml "$first" || fail "$name: an altered document verifies"
		sig="$d/signature.xml" ;;
	xades-b-detached)
		x="$WORK/x/$name"
		mkdir -p "$x" && cp "$d/signature.xml" "$OUT/docs/contract.txt" "$x/"
		xverify "$x" signature.xml "$first" || { cat "$WORK/xs.out"; fail "$name: xmlsec1 does not verify"; }
		cp "$OUT/docs/contract-tampered.txt" "$x/contract.txt"
		! xverify "$x" signature.xml "$first" || fail "$name: verifies over the tampered document"
		sig="$d/signature.xml" ;;
	*) fail "$name: unknown kind $kind" ;;
	esac

	# The signed properties name the signer's certificate (SigningCertificateV2).
	cc=${first%%/*} slug=${first#*/}
	want=$(openssl x509 -in "$P/$cc/signers/$slug.pem" -outform DER | openssl dgst -sha256 -binary | openssl base64 -A)
	grep -q "<xades:CertDigest><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>$want</ds:DigestValue>" "$sig" ||
		fail "$name: CertDigest is not the signer's certificate"
	if grep -q 'ecdsa-sha256' "$sig"; then
		[ "$(b64of "$sig" ds:SignatureValue | openssl base64 -d -A | wc -c)" = 64 ] || fail "$name: ECDSA value is not r||s"
	fi

	# -T and -LT: the signature timestamp over the C14N 1.0 of ds:SignatureValue.
	case $kind in
	asice-t | asice-lt | asice-lta*)
		tok=$(tsof "$sig" SignatureTimeStamp)
		[ -n "$tok" ] || fail "$name: no signature timestamp"
		[ "$tok" = "$(openssl base64 -A -in "$d/sig-ts.tst")" ] || fail "$name: the token is not sig-ts.tst"
		# Inclusive c14n of the element, its in-scope namespaces sorted.
		printf '<ds:SignatureValue xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="S0-SIG">%s</ds:SignatureValue>' \
			"$(b64of "$sig" ds:SignatureValue)" >"$WORK/sv.c14n"
		cmp -s "$WORK/sv.c14n" "$d/sig-ts.input" || fail "$name: sig-ts.input is not the c14n of SignatureValue"
		openssl ts -verify -in "$d/sig-ts.tst" -token_in -data "$WORK/sv.c14n" -CAfile "$P/$cc/root.pem" \
			>"$WORK/ts.out" 2>&1 || { cat "$WORK/ts.out"; fail "$name: the timestamp does not verify"; }
		;;
	esac
	case $kind in asice-lt | asice-lta*)
		[ "$(grep -o '<xades:EncapsulatedX509Certificate>' "$sig" | wc -l)" = 4 ] || fail "$name: not 4 certificate values"
		b64of "$sig" xades:EncapsulatedOCSPValue | openssl base64 -d -A >"$WORK/ocsp.der"
		cmp -s "$WORK/ocsp.der" "$d/ocsp.der" || fail "$name: the OCSP value is not ocsp.der"
		issuer="$P/$cc/$(cat "$P/$cc/signers/$slug.issuer").pem"
		cat "$P/$cc/root.pem" "$issuer" >"$WORK/bundle.pem"
		openssl ocsp -respin "$WORK/ocsp.der" -issuer "$issuer" -cert "$P/$cc/signers/$slug.pem" \
			-CAfile "$WORK/bundle.pem" >"$WORK/ocsp.out" 2>&1 || { cat "$WORK/ocsp.out"; fail "$name: OCSP"; }
		st=good
		[ "$slug" = revoked ] && st=revoked
		grep -q "$slug.pem: $st" "$WORK/ocsp.out" || { cat "$WORK/ocsp.out"; fail "$name: OCSP not $st"; }
	esac
	# -LTA: the archive timestamp (xades141, EN 319 132-1 5.5.2.2).
	case $kind in asice-lta*)
		grep -q '<xades141:ArchiveTimeStamp xmlns:xades141="http://uri.etsi.org/01903/v1.4.1#"' "$sig" ||
			fail "$name: no xades141:ArchiveTimeStamp"
		[ "$(tsof "$sig" ArchiveTimeStamp)" = "$(openssl base64 -A -in "$d/ats.tst")" ] ||
			fail "$name: the archive token is not ats.tst"
		openssl ts -verify -in "$d/ats.tst" -token_in -data "$d/ats.input" -CAfile "$P/$cc/root.pem" \
			>"$WORK/ts.out" 2>&1 || { cat "$WORK/ts.out"; fail "$name: the archive timestamp does not verify over ats.input"; }
		# step 1 first: the first reference's octets, the data file itself
		doc1=$(jq -r '.documents[0]' "$d/expected.json")
		head -c "$(wc -c <"$OUT/docs/$doc1")" "$d/ats.input" | cmp -s - "$OUT/docs/$doc1" ||
			fail "$name: ats.input does not begin with $doc1"
		case $params in
		*ats-c14n=exc*)
			! grep -q 'xmlns:asic' "$d/ats.input" || fail "$name: exclusive c14n keeps the asic namespace" ;;
		*)
			# inclusive: the canonical SignatureValue, as the signature timestamp covers it
			grep -qF "$(cat "$d/sig-ts.input")" "$d/ats.input" || fail "$name: no C14N 1.0 SignatureValue in ats.input" ;;
		esac
		# step 4 last: the unsigned ds:Object, when there is one
		case $params in *object=1*)
			[ "$(tail -c 28 "$d/ats.input")" = "an unsigned note</ds:Object>" ] ||
				fail "$name: ats.input does not end with the unsigned ds:Object" ;;
		esac
		# the first certificate value: the CA as made; the root once swapped
		first_cv=$(b64of_first "$sig" xades:EncapsulatedX509Certificate)
		want_pem="$P/$cc/$(cat "$P/$cc/signers/$slug.issuer").pem"
		if [ "$kind" = asice-lta-tampered ]; then want_pem="$P/$cc/root.pem"; fi
		want_cv=$(openssl x509 -in "$want_pem" -outform DER | openssl base64 -A)
		[ "$first_cv" = "$want_cv" ] || fail "$name: the first certificate value is not the expected one" ;;
	esac
	echo "ok   $name"
done <"$TSV"
[ $n -ge 10 ] || fail "only $n XAdES vectors"
cmp -s "$OUT/bench/xades-lt.asice" "$OUT/vectors/xades-asice-lt-good/signature.asice" ||
	fail "no benchmark container bench/xades-lt.asice"

# Idempotent: a second run changes nothing.
sum() { find "$OUT/vectors" -name 'signature.*' -type f | LC_ALL=C sort | xargs cat | openssl dgst -sha256 -r; }
before=$(sum)
sh "$SRC/interop/demo/generate" "$OUT" --valnode "$VN" >"$WORK/gen2.log" 2>&1 || fail "second generation"
grep -q "up to date" "$WORK/gen2.log" || fail "the second run regenerated"
[ "$(sum)" = "$before" ] || fail "the second run changed the vectors"
echo ok
