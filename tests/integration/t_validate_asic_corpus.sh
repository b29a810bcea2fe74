# `valnode validate` over the XAdES and ASiC rows of ../shared/corpus
# (MANIFEST.tsv): real Estonian Mobile-ID, Smart-ID and ID-card containers
# against the EU LOTL snapshot and the Estonian test lists, DSS's wrapping
# samples and broken containers. Each gives what its source asserts, or,
# where valnode differs, the reason is written beside it.
. "$(dirname "$0")/lib.sh"
need_corpus
SIVA="$CORPUS/open-eid/SiVa-Test/src/test/resources/bdoc"
D4J="$CORPUS/open-eid/digidoc4j/digidoc4j/src/test/resources/testFiles"
DSSX="$CORPUS/esig/dss/dss-xades/src/test/resources/validation"
DSSAX="$CORPUS/esig/dss/dss-asic-xades/src/test/resources/validation"
DSSAC="$CORPUS/esig/dss/dss-asic-cades/src/test/resources/validation"
TA="$CORPUS/esig/dss/derived-trust-anchors"
KREMER="$TA/TLValidationJobTest__00__Patrick_Kremer_Signature_.cer"

# sig N FILTER VALUE: signature N of a container report.
sig() { jq_is ".signatures[$1]$2" "$3"; }

# --- the EU LOTL snapshot (sequence 332, reached from the OJ keystore) ---
P="$CORPUS/esig/dss/dss-cookbook/src/test/resources/signature-pool/cache"
openssl pkcs12 -legacy -in "$CORPUS/esig/dss/dss-cookbook/src/main/resources/keystore.p12" \
	-passin pass:dss-password -nokeys -out "$WORK/oj.pem" 2>/dev/null || fail "cannot read the OJ keystore"
printf '*\t%s\n' "$P" >"$WORK/pool.tsv"
# a trust file naming the scheme "eu", as the eu policy accepts it
printf 'mirror = %s\n\n[scheme eu]\nlotl = https://ec.europa.eu/tools/lotl/eu-lotl.xml\nsigner = %s\n' \
	"$WORK/pool.tsv" "$WORK/oj.pem" >"$WORK/eu.conf"
eu() { "$VN" validate "$@" --trust "$WORK/eu.conf" --at 2023-11-01T00:00:00Z --offline --json; }

# SiVa AsiceValidationPassSpec: production Mobile-ID (ESTEID-SK 2015, ECDSA),
# TOTAL_PASSED, QESig, best signature time the timestamp's genTime. The
# signer's certificate has expired since: past validation at that time.
for pol in default eu; do
	expect_exit 0 eu "$SIVA/live/timestamp/ValidLiveSignature.asice" --policy $pol
	jq_is .container.indication TOTAL-PASSED
	sig 0 .indication TOTAL-PASSED
	sig 0 .qualification QESig
	sig 0 .format XAdES-BASELINE-LT
	sig 0 .bestSignatureTime 2016-10-11T09:36:10Z
	sig 0 '.trust.territory' EE
done
# ... and the same signer's tampered container: TOTAL_FAILED/HASH_FAILURE
expect_exit 1 eu "$SIVA/live/timestamp/InvalidLiveSignature.asice"
jq_is .container.indication TOTAL-FAILED
sig 0 .indication TOTAL-FAILED
sig 0 .subIndication HASH_FAILURE

# --- the Estonian test lists (test LOTL -> EE_T), Estonian policy ---
T="$CORPUS/open-eid/test-TL"
printf 'https://open-eid.github.io/test-TL/tl-mp-test-EE.xml\t%s\nhttps://open-eid.github.io/test-TL/EE_T.xml\t%s\n' \
	"$T/tl-mp-test-EE.xml" "$T/EE_T.xml" >"$WORK/ee.tsv"
ee() { "$VN" validate "$@" --lotl https://open-eid.github.io/test-TL/tl-mp-test-EE.xml \
	--signer "$T/trusted-test-tsl.crt" --mirror "$WORK/ee.tsv" --offline --json; }

# libdigidocpp tsl.asice: test ID-card (TEST of ESTEID-SK 2011), valid
expect_exit 0 ee "$CORPUS/open-eid/libdigidocpp/test/data/tsl.asice" --policy ee
sig 0 .qualification QESig
# Under the built-in policy (DSS's default suite, as eu) the same container
# is not valid: its certificates are signed with SHA-1, which TS 119 312 no
# longer accepts after 2012-08-01, and nothing proves they existed before.
# The Estonian policy (ee) still accepts SHA-1 for certificates of that
# generation.
expect_exit 2 ee "$CORPUS/open-eid/libdigidocpp/test/data/tsl.asice" --policy default
sig 0 .subIndication CRYPTO_CONSTRAINTS_FAILURE_NO_POE
# digidoc4j valid-asice-esteid2018 (ECDSA P-384 ID-card): valid; its OCSP
# response is judged at the timestamp, not today
expect_exit 0 ee "$D4J/valid-containers/valid-asice-esteid2018.asice" --policy ee
sig 0 .indication TOTAL-PASSED
expect_exit 0 ee "$D4J/valid-containers/valid-asice-esteid2018.asice" --policy default
# digidoc4j PSS-signature.asice: RSASSA-PSS (Smart-ID v3 style), valid
expect_exit 0 ee "$D4J/valid-containers/PSS-signature.asice" --policy ee
sig 0 .qualification QESig
# SiVa: test Smart-ID, two signatures, both TOTAL_PASSED
expect_exit 0 ee "$SIVA/test/timestamp/validSidSignatureWithCertWithoutPnoInCn.asice" --policy ee
jq_is '[.signatures[].indication] | join(",")' TOTAL-PASSED,TOTAL-PASSED
jq_is '.container.dataFiles[0].signedBy | join(",")' S-1,S-2
# SiVa 24050: test Mobile-ID BDOC with a time-mark (ECDSA), TOTAL_PASSED,
# XAdES_BASELINE_LT_TM; the time-mark's producedAt is the signing time
expect_exit 0 ee "$SIVA/live/timemark/24050_short_ecdsa_correct_file_mimetype.bdoc" --policy ee
sig 0 .format XAdES-BASELINE-LT-TM
sig 0 .signaturePolicy 1.3.6.1.4.1.10015.1000.3.2.1
sig 0 .bestSignatureTime 2014-12-18T14:51:59Z
jq -e '[.signatures[0].findings[].code] | index("V_TIMEMARK")' "$WORK/last.out" >/dev/null ||
	fail "no V_TIMEMARK finding"
# digidoc4j bdoc-tm-ocsp-revoked.bdoc: the time-mark OCSP says revoked:
# invalid (nothing proves the signature predates the revocation)
expect_exit 2 ee "$D4J/invalid-containers/bdoc-tm-ocsp-revoked.bdoc" --policy ee
sig 0 .subIndication REVOKED_NO_POE
# digidoc4j SS-4_teadmataCA.4.asice: a CA in no list: no chain
expect_exit 2 ee "$D4J/invalid-containers/SS-4_teadmataCA.4.asice" --policy ee
sig 0 .subIndication NO_CERTIFICATE_CHAIN_FOUND

# libdigidocpp's TL status cases: tsl.asice (signed 2016-11-28T13:46:41Z)
# under its own EE_T.xml is valid; under EE_T-CA-withdrawn.xml (the CA/QC
# service withdrawn 2016-11-27T21:00:00Z, before the signing) it is not: the
# certificate is no longer qualified at signing time, so no QES, which the
# Estonian policy requires.
L="$CORPUS/open-eid/libdigidocpp/test/data"
for v in EE_T EE_T-CA-withdrawn; do
	printf 'https://tl.example.invalid/EE_T.xml\t%s\n' "$L/$v.xml" >"$WORK/$v.tsv"
	"$VN" validate "$L/tsl.asice" --tl https://tl.example.invalid/EE_T.xml --signer "$T/trusted-test-tsl.crt" \
		--mirror "$WORK/$v.tsv" --offline --policy ee --json >"$WORK/last.out" 2>"$WORK/last.err"
	echo "$v: exit $?" >>"$WORK/tl-status.log"
done
grep -qx 'EE_T: exit 0' "$WORK/tl-status.log" || fail "tsl.asice under EE_T.xml: $(cat "$WORK/tl-status.log")"
grep -qx 'EE_T-CA-withdrawn: exit 2' "$WORK/tl-status.log" || fail "tsl.asice under the withdrawn CA: $(cat "$WORK/tl-status.log")"
sig 0 .subIndication SIG_CONSTRAINTS_FAILURE
jq -e '[.signatures[0].findings[].code] | index("V_POLICY_QUALIFICATION")' "$WORK/last.out" >/dev/null ||
	fail "the withdrawn CA does not show as a qualification shortfall"

# --- DSS's XAdES and ASiC samples: structure and cryptography ---
# (their signers chain to no anchor given here: NO_CERTIFICATE_CHAIN_FOUND,
# which the engine reaches only after format, identification and
# cryptographic checks have passed)
# DigiDoc4j test-zip-comment.asice: one signature, a ZIP comment
expect_exit 2 "$VN" validate "$DSSAX/test-zip-comment.asice" --anchor "$KREMER" --offline --json
jq_is '.signatures | length' 1
sig 0 .subIndication NO_CERTIFICATE_CHAIN_FOUND
# custom and xmlns manifest namespaces: the signature is intact; its
# timestamp's message imprint is not (DSS: imprint found, not intact)
for f in container-with-custom-manifest-namespace container-with-xmlns-manifest-namespace; do
	expect_exit 2 "$VN" validate "$DSSAX/$f.asice" --anchor "$KREMER" --offline --json
	sig 0 .subIndication NO_CERTIFICATE_CHAIN_FOUND
	sig 0 '.timestamps[0].subIndication' HASH_FAILURE
done
# hello.bdoc: ASiC-E under the BDOC mimetype
expect_exit 2 "$VN" validate "$DSSAX/hello.bdoc" --anchor "$KREMER" --offline --json
jq_is .container.type ASiC-E
jq_is .container.mimetype application/vnd.bdoc-1.0
# ASiCEWith2Signatures.bdoc: two signatures, each over its file
expect_exit 2 "$VN" validate "$CORPUS/esig/dss/dss-asic-xades/src/test/resources/ASiCEWith2Signatures.bdoc" \
	--anchor "$KREMER" --offline --json
jq_is '.signatures | length' 2
jq_is '[.signatures[].subIndication] | unique | join(",")' NO_CERTIFICATE_CHAIN_FOUND
# Signature-A-EE_AS-19.asice (DSS-663): a malformed OCSP value: no crash, a finding
expect_exit 2 "$VN" validate "$DSSAX/Signature-A-EE_AS-19.asice" --anchor "$KREMER" --offline --json
jq -e '[.signatures[0].findings[].code] | index("V_XADES_OCSP_MALFORMED")' "$WORK/last.out" >/dev/null ||
	fail "no V_XADES_OCSP_MALFORMED finding"
# Signature-X-EE-3.ddoc (DigiDoc XML, XAdES 1.1.1): intact, but not an ETSI
# baseline signature (DSS: XML-NOT-ETSI): XMLDSig for valnode
expect_exit 2 "$VN" validate "$DSSX/Signature-X-EE-3.ddoc" --anchor "$KREMER" --offline --json
jq_is .format XMLDSig
jq_is .subIndication NO_CERTIFICATE_CHAIN_FOUND
# twoSignaturesOneTimeOneSigner.asice (ASiC-E CAdES, UA): B-level not
# technically valid for either signature
expect_exit 1 "$VN" validate "$DSSAC/twoSignaturesOneTimeOneSigner.asice" --anchor "$KREMER" --offline --json
jq_is '[.signatures[].indication] | join(",")' TOTAL-FAILED,TOTAL-FAILED

# --- DSS's XAdES wrapping samples and broken containers ---
# XAdESEnvelopedFakeSignedPropertiesTest: INDETERMINATE/SIGNED_DATA_NOT_FOUND
expect_exit 2 "$VN" validate "$DSSX/xsw/XSW-enveloped-fake-signedProperties.xml" --anchor "$KREMER" --offline --json
jq_is .subIndication SIGNED_DATA_NOT_FOUND
# XAdESEnvelopedFakeContentSameIdTest: TOTAL_FAILED/FORMAT_FAILURE
expect_exit 1 "$VN" validate "$DSSX/xsw/XSW-enveloped-fake-content-two-same-id.xml" --anchor "$KREMER" --offline --json
jq_is .subIndication FORMAT_FAILURE
# XAdESSignedPropertiesTest (dss-signed.xml): its test PKI is not trusted
expect_exit 2 "$VN" validate "$DSSX/dss-signed.xml" --anchor "$KREMER" --offline --json
jq_is .subIndication NO_CERTIFICATE_CHAIN_FOUND
jq_is .format XAdES-BASELINE-B
# ASiCEWithXAdESFileRemovedTest: INDETERMINATE/SIGNED_DATA_NOT_FOUND
expect_exit 2 "$VN" validate "$DSSAX/removed-doc.asice" --anchor "$KREMER" --offline --json
sig 0 .subIndication SIGNED_DATA_NOT_FOUND
jq_is .container.subIndication SIGNED_DATA_NOT_FOUND
# ASiCEWithXAdESNoSignedFileTest: TOTAL_FAILED/FORMAT_FAILURE
expect_exit 1 "$VN" validate "$DSSAX/no-signed-file.asice" --anchor "$KREMER" --offline --json
jq_is '[.signatures[].subIndication] | unique | join(",")' FORMAT_FAILURE
jq_is .container.subIndication FORMAT_FAILURE
# ASiCEBrokenReferenceTest (CAdES): HASH_FAILURE
expect_exit 1 "$VN" validate "$DSSAC/brokenReference.asice" --anchor "$KREMER" --offline --json
sig 0 .subIndication HASH_FAILURE
# ASiCEBrokenRefAndCorruptedManifestTest: TOTAL_FAILED/FORMAT_FAILURE
expect_exit 1 "$VN" validate "$DSSAC/brokenReferenceAndAlteredManifest.asice" --anchor "$KREMER" --offline --json
sig 0 .subIndication FORMAT_FAILURE
# OpenDocumentADOCValidationTest (Lithuanian ADOC, signatures in
# META-INF/signatures/): the signature is TOTAL_PASSED as DSS says. The
# container is not: metadata/unsignableMetadata0.xml is signed by no
# signature. DSS only warns (BBB_CV_IAFS_ANS); valnode does not present
# unsigned content as signed, so the container fails its format.
expect_exit 1 "$VN" validate "$DSSAX/container-signed.adoc" --at 2024-01-01T00:00:00Z --offline --json \
	--anchor "$TA/OpenDocumentADOCValidationTest__00__root_ca.cer"
sig 0 .indication TOTAL-PASSED
jq_is .container.subIndication FORMAT_FAILURE
jq_is '[.container.dataFiles[] | select(.signedBy | length == 0) | .name] | join(",")' metadata/unsignableMetadata0.xml
# SignedPropertiesNotCheckedTest: no reference covers SignedProperties, so
# the signed properties prove nothing: plain XMLDSig for valnode (DSS keeps
# calling it XAdES-LT but finds no SIGNED_PROPERTIES digest matcher).
expect_exit 2 "$VN" validate "$DSSAX/xades_no-signedpropref.asice_.zip" --offline --json \
	--anchor "$TA/SignedPropertiesNotCheckedTest__01__ESTEID_SK_2011.cer"
sig 0 .format XMLDSig
jq -e '[.signatures[0].findings[].code] | index("V_XADES_NO_SIGNED_PROPS_REF")' "$WORK/last.out" >/dev/null ||
	fail "no V_XADES_NO_SIGNED_PROPS_REF finding"
# a container is not given documents beside it
expect_exit 64 "$VN" validate "$DSSAX/removed-doc.asice" --data "$WORK/oj.pem" --anchor "$KREMER" --offline
grep -q "holds its own documents" "$WORK/last.err" || fail "unclear message for --data with a container"
echo ok
