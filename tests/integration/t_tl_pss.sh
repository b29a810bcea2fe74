# `valnode tl sign --pss` makes lists that `valnode tl verify` checks:
# RSASSA-PSS (RFC 6931 sha256/sha512-rsa-MGF1) end to end through the CLI,
# from the demo spec with a certificate made here for its service.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || skip "openssl CLI absent"
command -v jq >/dev/null || skip "jq absent"
command -v perl >/dev/null || skip "perl absent"
cd "$WORK" || fail "no work directory"

for k in signer other ca; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$k.key" -out "$k.pem" \
		-days 30 -subj "/C=AZ/O=Demo/CN=PSS $k" 2>/dev/null || fail "openssl req $k"
done
# The demo spec names its service certificate relative to its own folder.
sed 's|^certificate = pki/az/mid-ca.pem$|certificate = ca.pem|' \
	"$SRC/interop/demo/example.tlspec" >list.tlspec
grep -q '^certificate = ca.pem$' list.tlspec || fail "spec certificate not replaced"
expect_exit 0 "$VN" tl build list.tlspec --out unsigned.xml

for md in sha256 sha512; do
	expect_exit 0 "$VN" tl sign unsigned.xml --key signer.key --cert signer.pem \
		--out "$md.xml" --pss --digest "$md"
	grep -q "SignatureMethod Algorithm=\"http://www.w3.org/2007/05/xmldsig-more#$md-rsa-MGF1\"" \
		"$md.xml" || fail "$md: not signed with $md-rsa-MGF1"

	expect_exit 0 "$VN" tl verify "$md.xml" --anchor signer.pem --json
	jq_is .indication TOTAL-PASSED
	jq_is .subIndication null

	# another anchor: not trusted, whatever the signature
	expect_exit 2 "$VN" tl verify "$md.xml" --anchor other.pem --json
	jq_is .subIndication NO_CERTIFICATE_CHAIN_FOUND

	# one byte of the list changed
	sed 's|>Baku<|>Bakx<|' "$md.xml" >"$md-changed.xml"
	cmp -s "$md.xml" "$md-changed.xml" && fail "$md: sed changed nothing"
	expect_exit 1 "$VN" tl verify "$md-changed.xml" --anchor signer.pem --json
	jq_is .indication TOTAL-FAILED
	jq_is .subIndication HASH_FAILURE

	# one character of SignatureValue changed
	perl -0pe 's|(<ds:SignatureValue>.{20})(.)|$1.($2 eq "A" ? "B" : "A")|se' \
		"$md.xml" >"$md-value.xml" || fail "perl"
	cmp -s "$md.xml" "$md-value.xml" && fail "$md: SignatureValue unchanged"
	expect_exit 1 "$VN" tl verify "$md-value.xml" --anchor signer.pem --json
	jq_is .subIndication SIG_CRYPTO_FAILURE
done
# the text output as a person reads it
expect_exit 0 "$VN" tl verify sha256.xml --anchor signer.pem
grep -q "TOTAL-PASSED" "$WORK/last.out" || fail "no TOTAL-PASSED in the text output"
echo ok
