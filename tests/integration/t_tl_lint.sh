# `valnode tl lint`: a good real v6 list passes; each rule has a list that
# breaks it (made from the good one) and the finding it must give.
. "$(dirname "$0")/lib.sh"
need_corpus
R="$CORPUS/esig/dss/dss-tsl-validation/src/test/resources"
AT=2024-12-01T00:00:00Z
good="$R/fi-v6.xml"

expect_exit 0 "$VN" tl lint --help
expect_exit 0 "$VN" tl lint "$good" --at $AT --schema "$XSD" --json
jq_is .valid true
jq_is .errors 0

# broken CODE SED-EXPR: the edited list fails lint with finding CODE
broken() {
	code=$1; shift
	sed "$@" "$good" > "$WORK/bad.xml"
	cmp -s "$good" "$WORK/bad.xml" && fail "edit for $code changed nothing"
	expect_exit 1 "$VN" tl lint "$WORK/bad.xml" --at $AT --json
	jq -e --arg c "$code" '.findings | map(.code) | index($c)' "$WORK/last.out" >/dev/null ||
		{ cat "$WORK/last.out"; fail "no $code"; }
}
broken TL_LINT_TERRITORY -e 's|<SchemeTerritory>FI<|<SchemeTerritory>XX<|'
broken TL_LINT_SERVICE_STATUS -e '0,/Svcstatus\/granted/s|Svcstatus/granted|Svcstatus/sortof|'
broken TL_LINT_SERVICE_TYPE -e '0,/Svctype\/CA\/QC/s|Svctype/CA/QC|Svctype/CA/Magic|'
broken TL_LINT_NEXT_UPDATE_TOO_FAR -e 's|<dateTime>2025-05-14|<dateTime>2025-06-30|'
broken TL_LINT_EXPIRED -e 's|<dateTime>2025-05-14|<dateTime>2024-11-20|'
broken TL_LINT_TSLTAG -e 's|TSLTag="http://uri.etsi.org/19612/TSLTag"|TSLTag="http://example.org/tag"|'
broken TL_LINT_VERSION -e 's|<TSLVersionIdentifier>6<|<TSLVersionIdentifier>7<|'
broken TL_LINT_ISSUED -e 's|<ListIssueDateTime>2024-11-14|<ListIssueDateTime>2025-01-14|'
broken TL_STRUCTURE -e 's|<TSLSequenceNumber>49</TSLSequenceNumber>||'
perl -0pe 's|<ds:Signature .*</ds:Signature>||s' "$good" > "$WORK/unsigned.xml"
expect_exit 1 "$VN" tl lint "$WORK/unsigned.xml" --at $AT --json
jq -e '.findings | map(.code) | index("TL_LINT_UNSIGNED")' "$WORK/last.out" >/dev/null || fail "unsigned"
# the signer's validity is judged at the time asked for
expect_exit 1 "$VN" tl lint "$good" --at 2040-01-01T00:00:00Z --json
jq -e '.findings | map(.code) | index("TL_LINT_SIGNER_EXPIRED")' "$WORK/last.out" >/dev/null || fail "signer expiry"
echo ok
