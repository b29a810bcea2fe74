# `valnode validate` over the CAdES rows of ../shared/corpus/MANIFEST.tsv:
# each gives the outcome DSS's tests assert.
. "$(dirname "$0")/lib.sh"
need_corpus
C="$CORPUS/esig/dss/dss-cades/src/test/resources/validation"
A="$CORPUS/esig/dss/derived-trust-anchors/TLValidationJobTest__00__Patrick_Kremer_Signature_.cer"

# CMSNoSigningCertificateTest: INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND
expect_exit 2 "$VN" validate "$C/cms-no-sign-cert.p7m" --anchor "$A" --offline --json
jq_is .indication INDETERMINATE
jq_is .subIndication NO_SIGNING_CERTIFICATE_FOUND
# DSS2011LevelBTest without its data: INDETERMINATE/SIGNED_DATA_NOT_FOUND
expect_exit 2 "$VN" validate "$C/dss-2011/cades-detached.pkcs7" --anchor "$A" --offline --json
jq_is .subIndication SIGNED_DATA_NOT_FOUND
jq_is .format CAdES-BASELINE-B
# CAdESWrongSignCertRefTest: CAdES-BASELINE-LT; its timestamp is
# INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND (the ESS reference names another
# certificate than the TSA's)
expect_exit 2 "$VN" validate "$C/cms-wrong-sign-cert-ref.p7m" --anchor "$A" --offline --json
jq_is .format CAdES-BASELINE-LT
jq_is '.timestamps | length' 1
jq_is '.timestamps[0].indication' INDETERMINATE
jq_is '.timestamps[0].subIndication' NO_SIGNING_CERTIFICATE_FOUND
# the signer chains to no anchor we gave it
jq_is .subIndication NO_CERTIFICATE_CHAIN_FOUND
# the same as a TS 119 102-2 XML report, valid against the official schema
expect_exit 2 "$VN" validate "$C/cms-wrong-sign-cert-ref.p7m" --anchor "$A" --offline --xml
cp "$WORK/last.out" "$WORK/vr.xml"
grep -q "urn:etsi:019102:subindication:NO_CERTIFICATE_CHAIN_FOUND" "$WORK/vr.xml" || fail "sub-indication missing from the XML report"
XML_CATALOG_FILES="$XSD/catalog.xml" xmllint --noout --nonet --schema "$XSD/1910202xmlSchema.xsd" "$WORK/vr.xml" \
	>"$WORK/xmllint.out" 2>&1 || { cat "$WORK/xmllint.out"; fail "XML report not schema-valid"; }
expect_exit 64 "$VN" validate "$C/cms-no-sign-cert.p7m" --anchor "$A" --json --xml
# usage and input errors
expect_exit 64 "$VN" validate "$C/cms-no-sign-cert.p7m"
grep -q "no trust source" "$WORK/last.err" || fail "unclear message without trust"
expect_exit 65 "$VN" validate "$CORPUS/esig/dss/dss-tsl-validation/src/test/resources/lotlCache/CZ.pdf" --anchor "$A"
expect_exit 66 "$VN" validate "$WORK/none.p7s" --anchor "$A"
expect_exit 0 "$VN" validate --help
echo ok
