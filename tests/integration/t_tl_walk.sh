# `valnode tl walk`: pivot chains back to a pinned key (DSS
# LOTLWithPivotsRefreshTest), a broken pivot, and the signature-pool
# snapshot of the real EU LOTL 332 with its member lists.
. "$(dirname "$0")/lib.sh"
need_corpus
R="$CORPUS/esig/dss/dss-tsl-validation/src/test/resources"
A="$CORPUS/esig/dss/derived-trust-anchors"
B=https://ec.europa.eu/information_society/policy/esignature/trusted-list
DAMAS="$A/TLValidationJobTest__01__Pierre_Damas_Signature_.cer"

map() { # map PIVOT-191-FILE > map file
	for n in 247 226 172; do printf '%s/tl-pivot-%s-mp.xml\t%s\n' $B $n "$R/lotlCache/tl_pivot_${n}_mp.xml"; done
	printf '%s/tl-pivot-191-mp.xml\t%s\n' $B "$1"
}
map "$R/lotlCache/tl_pivot_191_mp.xml" > "$WORK/pivots.tsv"
# only the signer of pivot 172 is pinned: 172 -> 191 -> 226 -> the LOTL 247
expect_exit 0 "$VN" tl walk $B/tl-pivot-247-mp.xml --anchor "$DAMAS" --mirror "$WORK/pivots.tsv" --json
jq_is '.lists[0].kind' lotl
jq_is '.lists[0].sequenceNumber' 247
jq_is '.lists[0].indication' TOTAL-PASSED
jq_is '[.lists[] | select(.kind == "pivot") | .sequenceNumber] | join(",")' 172,191,226
jq_is '[.lists[] | select(.kind == "pivot") | .indication] | unique | join(",")' TOTAL-PASSED
# the member lists are absent from the mirror: unreachable, reported, the walk goes on
jq_is '[.lists[] | select(.kind == "tl") | .state] | unique | join(",")' unreachable
jq_is '[.lists[] | select(.kind == "tl")] | length' 31
# a wrong anchor: INDETERMINATE everywhere
expect_exit 2 "$VN" tl walk $B/tl-pivot-247-mp.xml --anchor "$A/TLValidationJobTest__00__Patrick_Kremer_Signature_.cer" \
	--mirror "$WORK/pivots.tsv" --json
jq_is '.lists[0].subIndication' NO_CERTIFICATE_CHAIN_FOUND
# no pivots followed: the LOTL signer is not pinned
expect_exit 2 "$VN" tl walk $B/tl-pivot-247-mp.xml --anchor "$DAMAS" --mirror "$WORK/pivots.tsv" --no-pivots --json
# pivot 191 unsigned: the first pivot passes, the chain breaks, the LOTL is INDETERMINATE
map "$R/lotlCache/tl_pivot_191_mp_no-sig.xml" > "$WORK/pivots-nosig.tsv"
expect_exit 2 "$VN" tl walk $B/tl-pivot-247-mp.xml --anchor "$DAMAS" --mirror "$WORK/pivots-nosig.tsv" --json
jq_is '.lists[0].indication' INDETERMINATE
jq_is '.lists[0].subIndication' NO_CERTIFICATE_CHAIN_FOUND
jq_is '.lists[1].sequenceNumber' 172
jq_is '.lists[1].indication' TOTAL-PASSED
jq_is '.lists[2].subIndication' FORMAT_FAILURE

# The signature pool: EU LOTL 332 (2023-09-27) reached through pivots 300 and
# 282 from the Official Journal keystore; a '*' mirror over DSS's cache names.
P="$CORPUS/esig/dss/dss-cookbook/src/test/resources/signature-pool/cache"
K="$CORPUS/esig/dss/dss-cookbook/src/main/resources/keystore.p12"
openssl pkcs12 -legacy -in "$K" -passin pass:dss-password -nokeys -out "$WORK/oj.pem" 2>/dev/null ||
	fail "cannot read the OJ keystore"
printf '*\t%s\n' "$P" > "$WORK/pool.tsv"
expect_exit 0 "$VN" tl walk https://ec.europa.eu/tools/lotl/eu-lotl.xml --anchor "$WORK/oj.pem" \
	--mirror "$WORK/pool.tsv" --at 2023-11-01T00:00:00Z --json
cp "$WORK/last.out" "$WORK/pool.json"
jq_is '.lists[0].sequenceNumber' 332
jq_is '.lists[0].state' valid
jq_is '[.lists[] | select(.kind == "tl")] | length' 31
jq_is '[.lists[] | select(.territory == "FR") | .state] | join(",")' expired
jq_is '[.lists[] | select(.territory == "UK") | .state] | join(",")' closed
jq_is '[.lists[] | select(.territory == "DE") | .state] | join(",")' unreachable
jq_is '[.lists[] | select(.kind == "tl" and (.territory | IN("FR","UK","DE") | not)) | .state] | unique | join(",")' valid
jq_is '[.lists[] | select(.kind == "tl" and .state == "valid") | .indication] | unique | join(",")' TOTAL-PASSED
# the trust snapshot holds every list in use (LOTL and members, not pivots)
jq_is '.snapshot.lists' 31
jq_is '.snapshot.services == ([.lists[] | select(.kind != "pivot") | .services] | add)' true
echo ok
