# `valnode tl show`: real lists from the corpus, text and JSON, and the
# malformed-input exits.
. "$(dirname "$0")/lib.sh"
need_corpus
R="$CORPUS/esig/dss/dss-tsl-validation/src/test/resources"

expect_exit 0 "$VN" tl show --help
grep -q "usage: valnode tl show" "$WORK/last.out" || fail "no help"
expect_exit 0 "$VN" tl show "$R/fi-v6.xml" --json --schema "$XSD"
jq_is .version 6
jq_is .sequenceNumber 49
jq_is .territory FI
jq_is '.findings | length' 0
expect_exit 0 "$VN" tl show "$R/eu-lotl.xml" --json
jq_is '[.pointers[] | select(.mimeType == "application/vnd.etsi.tsl+xml")] | length' 32
expect_exit 0 "$VN" tl show "$R/lotlCache/CZ.xml"
grep -q "CZ trusted list (TSL v5), sequence" "$WORK/last.out" || fail "text view"
# not XML at all (DSS: download-stage error): exit 65 with a clear message
expect_exit 65 "$VN" tl show "$R/lotlCache/CZ.pdf"
grep -q "not a trusted list: not well-formed XML" "$WORK/last.err" || fail "unclear message"
expect_exit 65 "$VN" tl show "$R/lotlCache/eu-lotl_not-parsable.xml"
expect_exit 66 "$VN" tl show "$WORK/missing.xml"
expect_exit 64 "$VN" tl show
expect_exit 64 "$VN" tl show --bogus x
echo ok
