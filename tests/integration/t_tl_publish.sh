# The operator's flow: `tl build` a list from a tlspec, `tl sign` it (RSA and
# ECDSA); the result validates against the official XSD, verifies with
# valnode and with the independent xmlsec1, lints clean, and a one-byte
# change anywhere in its signed content makes valnode say TOTAL-FAILED.
. "$(dirname "$0")/lib.sh"
[ -d "$XSD" ] || skip "../shared/xsd is absent"
cd "$WORK"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
	-subj "/C=AZ/O=Demo/CN=Demo Mobile-ID CA" -days 365 2>/dev/null || fail "openssl ca"
openssl req -x509 -newkey rsa:3072 -nodes -keyout rsa.key -out rsa.pem -subj "/C=AZ/CN=List signer RSA" \
	-days 365 2>/dev/null || fail "openssl rsa"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.pem \
	-subj "/C=AZ/CN=List signer EC" -days 365 2>/dev/null || fail "openssl ec"
chmod 600 rsa.key ec.key
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
next=$(date -u -d '+90 days' +%Y-%m-%dT%H:%M:%SZ)
sed -e "s|^issued = .*|issued = $now|" -e "s|^next-update = .*|next-update = $next|" \
	-e "s|^certificate = .*|certificate = ca.pem|" -e "s|^start = 2026-01-01T00:00:00Z|start = 2025-12-01T00:00:00Z|" \
	"$SRC/interop/demo/example.tlspec" > az.tlspec
expect_exit 0 "$VN" tl build az.tlspec --out az-unsigned.xml
XML_CATALOG_FILES="$XSD/catalog.xml" xmllint --noout --nonet --schema "$XSD/ts_119612v020401_xsd.xsd" \
	az-unsigned.xml >xmllint.out 2>&1 || { cat xmllint.out; fail "built list is not XSD-valid"; }
for alg in rsa ec; do
	expect_exit 0 "$VN" tl sign az-unsigned.xml --key $alg.key --cert $alg.pem --out az-$alg.xml
	XML_CATALOG_FILES="$XSD/catalog.xml" xmllint --noout --nonet --schema "$XSD/ts_119612v020401_xsd.xsd" \
		az-$alg.xml >xmllint.out 2>&1 || { cat xmllint.out; fail "signed list is not XSD-valid"; }
	expect_exit 0 "$VN" tl verify az-$alg.xml --anchor $alg.pem --json
	jq_is .indication TOTAL-PASSED
	xmlsec1 --verify --enabled-reference-uris empty,same-doc --id-attr:Id SignedProperties \
		--pubkey-cert-pem $alg.pem az-$alg.xml >xmlsec.out 2>&1 || { cat xmlsec.out; fail "xmlsec1 refuses az-$alg.xml"; }
	expect_exit 0 "$VN" tl lint az-$alg.xml --schema "$XSD" --json
	jq_is .errors 0
done
# the other key is not an anchor for it
expect_exit 2 "$VN" tl verify az-rsa.xml --anchor ec.pem --json
jq_is .subIndication NO_CERTIFICATE_CHAIN_FOUND

# One-byte changes: 40 positions spread over every text node of the signed
# document outside ds:KeyInfo (which XMLDSig leaves unsigned): content,
# SignedProperties, digests and the signature value. Each must be TOTAL-FAILED.
perl -e '
	local $/; my $x = <STDIN>; my @pos;
	my ($ks, $ke) = (index($x, "<ds:KeyInfo"), index($x, "</ds:KeyInfo>"));
	my $in = 0;
	for my $i (0 .. length($x) - 1) {
		my $c = substr($x, $i, 1);
		if ($c eq "<") { $in = 1; next } if ($c eq ">") { $in = 0; next }
		next if $in || $c !~ /[A-Za-z0-9]/ || ($i >= $ks && $i <= $ke);
		push @pos, $i;
	}
	my $step = int(@pos / 40) || 1;
	for (my $k = 0; $k < @pos; $k += $step) { print "$pos[$k]\n" }
' < az-ec.xml > positions
[ "$(wc -l < positions)" -ge 40 ] || fail "too few positions"
n=0
while read -r p; do
	perl -e '
		local $/; my $x = <STDIN>; my $c = substr($x, $ARGV[0], 1);
		$c = $c =~ /[0-9]/ ? ($c + 1) % 10 : ($c =~ /[a-z]/ ? uc $c : lc $c);
		substr($x, $ARGV[0], 1) = $c; print $x;
	' "$p" < az-ec.xml > flipped.xml
	cmp -s az-ec.xml flipped.xml && fail "flip at $p changed nothing"
	"$VN" tl verify flipped.xml --anchor ec.pem --json > flip.out 2>flip.err
	rc=$?
	ind=$(jq -r .indication flip.out 2>/dev/null)
	[ $rc = 1 ] && [ "$ind" = TOTAL-FAILED ] || { echo "byte $p: exit $rc, $ind"; cat flip.err; fail "one-byte change at $p not TOTAL-FAILED"; }
	n=$((n + 1))
done < positions
echo "$n one-byte changes, each TOTAL-FAILED"
# The cache over file: URLs: a newer list replaces an older one, an older one
# is refused as a rollback, and the recorded sequence number stays a floor
# even when the cached copy itself is lost.
sed 's|^sequence = .*|sequence = 2|' az.tlspec > az2.tlspec
expect_exit 0 "$VN" tl build az2.tlspec --out az2-unsigned.xml
expect_exit 0 "$VN" tl sign az2-unsigned.xml --key ec.key --cert ec.pem --out az2.xml
mkdir -p pub
cp az2.xml pub/AZ.xml
expect_exit 0 "$VN" tl walk "pub/AZ.xml" --anchor ec.pem --cache cache --json
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].update' new
cp az-ec.xml pub/AZ.xml
expect_exit 0 "$VN" tl walk "pub/AZ.xml" --anchor ec.pem --cache cache --json
jq_is '.lists[0].update' rejected-rollback
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].fromCache' true
rm -f cache/*.xml
expect_exit 2 "$VN" tl walk "pub/AZ.xml" --anchor ec.pem --cache cache --json
jq_is '.lists[0].state' rollback
jq -e '.lists[0].findings | map(.code) | index("TL_ROLLBACK")' "$WORK/last.out" >/dev/null || fail "no TL_ROLLBACK"
# the same sequence as the floor is accepted again
cp az2.xml pub/AZ.xml
expect_exit 0 "$VN" tl walk "pub/AZ.xml" --anchor ec.pem --cache cache --json
jq_is '.lists[0].update' new
# the ETSI .sha2 digest beside the list: a match means no download at all
# (the list file is made unreadable to prove it), a mismatch downloads
sha256sum az2.xml | cut -d' ' -f1 > pub/AZ.sha2
chmod 000 pub/AZ.xml
if [ "$(id -u)" != 0 ]; then
	expect_exit 0 "$VN" tl walk "pub/AZ.xml" --anchor ec.pem --cache cache --json
	jq_is '.lists[0].update' not-modified
	jq -e '.lists[0].findings | map(.code) | index("TL_SHA2_UNCHANGED")' "$WORK/last.out" >/dev/null || fail "no TL_SHA2_UNCHANGED"
fi
chmod 644 pub/AZ.xml
expect_exit 0 "$VN" tl walk "pub/AZ.xml" --anchor ec.pem --cache cache --json
jq -e '.lists[0].findings | map(.code) | index("TL_SHA2_UNCHANGED")' "$WORK/last.out" >/dev/null || fail "no TL_SHA2_UNCHANGED"
jq_is '.lists[0].sequenceNumber' 2
echo 0000000000000000000000000000000000000000000000000000000000000000 > pub/AZ.sha2
expect_exit 0 "$VN" tl walk "pub/AZ.xml" --anchor ec.pem --cache cache --json
jq -e '.lists[0].findings | map(.code) | index("TL_SHA2_UNCHANGED") | not' "$WORK/last.out" >/dev/null || fail "stale .sha2 trusted"

# a change in the markup: never accepted (not XML, or refused)
sed 's|<tsl:SchemeTerritory>|<tsl:SchemeTerritorY>|' az-ec.xml > markup.xml
"$VN" tl verify markup.xml --anchor ec.pem >/dev/null 2>&1 && fail "markup change accepted"
echo ok
