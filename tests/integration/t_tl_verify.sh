# `valnode tl verify` over the list rows of ../shared/corpus/MANIFEST.tsv:
# each gives the outcome its source test asserts.
. "$(dirname "$0")/lib.sh"
need_corpus
R="$CORPUS/esig/dss/dss-tsl-validation/src/test/resources"
A="$CORPUS/esig/dss/derived-trust-anchors"
KREMER="$A/TLValidationJobTest__00__Patrick_Kremer_Signature_.cer"
CZ_SIGNER="$A/TLValidationJobTest__02__Ing_Radom_C3_ADr_C5_A0imek.cer"

# verdict FILE ANCHOR EXIT INDICATION SUBINDICATION
verdict() {
	expect_exit "$3" "$VN" tl verify "$1" --anchor "$2" --json
	jq_is .indication "$4"
	jq_is .subIndication "$5"
}
verdict "$R/lotlCache/eu-lotl_original.xml" "$KREMER" 0 TOTAL-PASSED null
verdict "$R/lotlCache/eu-lotl_broken-sig.xml" "$KREMER" 1 TOTAL-FAILED HASH_FAILURE
verdict "$R/lotlCache/CZ.xml" "$CZ_SIGNER" 0 TOTAL-PASSED null
jq_is .territory CZ
verdict "$R/lotlCache/CZ_broken-sig.xml" "$CZ_SIGNER" 1 TOTAL-FAILED HASH_FAILURE
verdict "$R/lotlCache/CZ_no-sig.xml" "$CZ_SIGNER" 1 TOTAL-FAILED FORMAT_FAILURE
jq -e '.findings | map(.code) | index("TL_SIG_MISSING")' "$WORK/last.out" >/dev/null || fail "no TL_SIG_MISSING"
verdict "$R/lotlCache/CZ_two-sigs.xml" "$CZ_SIGNER" 1 TOTAL-FAILED FORMAT_FAILURE
jq -e '.findings | map(.code) | index("TL_SIG_MULTIPLE")' "$WORK/last.out" >/dev/null || fail "no TL_SIG_MULTIPLE"
verdict "$R/eu-lotl-no-sig.xml" "$KREMER" 1 TOTAL-FAILED FORMAT_FAILURE
# DSS TLValidatorTaskTest: a wrong anchor gives INDETERMINATE
verdict "$R/eu-lotl.xml" "$CZ_SIGNER" 2 INDETERMINATE NO_CERTIFICATE_CHAIN_FOUND
verdict "$R/lotlCache/CZ.xml" "$KREMER" 2 INDETERMINATE NO_CERTIFICATE_CHAIN_FOUND
# no anchor at all
expect_exit 2 "$VN" tl verify "$R/lotlCache/CZ.xml" --json
jq_is .subIndication NO_CERTIFICATE_CHAIN_FOUND
# not XML (a PDF, a broken file): exit 65 with a clear message, no verdict
expect_exit 65 "$VN" tl verify "$R/lotlCache/CZ.pdf" --anchor "$CZ_SIGNER"
grep -q "not a trusted list: not well-formed XML" "$WORK/last.err" || fail "unclear PDF message"
expect_exit 65 "$VN" tl verify "$R/lotlCache/eu-lotl_not-parsable.xml" --anchor "$KREMER"
# the Estonian test LOTL and EE_T with the Test TSL certificate
T="$CORPUS/open-eid/test-TL"
verdict "$T/tl-mp-test-EE.xml" "$T/trusted-test-tsl.crt" 0 TOTAL-PASSED null
verdict "$T/EE_T.xml" "$T/trusted-test-tsl.crt" 0 TOTAL-PASSED null
jq_is .territory EE_T
# usage errors
expect_exit 64 "$VN" tl verify
expect_exit 66 "$VN" tl verify "$R/lotlCache/CZ.xml" --anchor "$WORK/nope.pem"
echo ok
