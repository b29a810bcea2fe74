# Jurisdiction policies on the command line: every shipped policy lints
# clean and names its digest; a broken policy is refused with the line of
# each problem; `policy show` lists them; `validate --policy` refuses an
# unknown one; `tl show --json` exposes the parsed MRA equivalences of the
# EU pilot's LOTL (DSS's mra-lotl.xml).
. "$(dirname "$0")/lib.sh"

for p in eu az ge ua md kz tr notary; do
	"$VN" policy lint "$SRC/policies/$p.xml" --json >"$WORK/lint.json" || fail "policy $p does not lint"
	jq -e --arg p "$p" '.valid and .id == $p and (.digest | length) == 64' "$WORK/lint.json" >/dev/null ||
		fail "policy $p: $(cat "$WORK/lint.json")"
done

sed -e 's|<Digest name="SHA-256"/>|<Digest name="SHA-256"/>\n    <Digest name="STREEBOG"/>|' \
    -e 's|<Digest name="SHA-1" expires="2012-08-01"/>|<Digest name="SHA-1" expires="2012-13-01"/>|' \
    "$SRC/policies/eu.xml" >"$WORK/bad.xml"
expect_exit 1 "$VN" policy lint "$WORK/bad.xml" --json
cp "$WORK/last.out" "$WORK/bad.json"
line=$(grep -n STREEBOG "$WORK/bad.xml" | cut -d: -f1)
jq -e --arg l "line $line:" '[.findings[] | select(.code == "POL_UNKNOWN_ALGORITHM" or .code == "POL_XSD") | .message | startswith($l)] | any' \
	"$WORK/bad.json" >/dev/null || fail "no finding at line $line: $(cat "$WORK/bad.json")"
jq -e '.valid == false' "$WORK/bad.json" >/dev/null || fail "a broken policy linted valid"
expect_exit 66 "$VN" policy lint "$WORK/absent.xml"

"$VN" policy show --json >"$WORK/show.json" || fail "policy show"
jq -e '[.policies[].id] | sort == ["az", "default", "ee", "eu", "ge", "kz", "md", "notary", "tr", "ua"]' "$WORK/show.json" >/dev/null ||
	fail "policy show lists $(jq -c '[.policies[].id]' "$WORK/show.json")"
"$VN" policy show notary --json | jq -e '.rules.qualification.required == "QESig" and .rules.timestamp == "FAIL" and (.digest | length) == 64' >/dev/null ||
	fail "policy show notary"
expect_exit 64 "$VN" validate "$WORK/show.json" --policy nosuch --trust "$WORK/absent.conf"

need_corpus
lotl="$CORPUS/esig/dss/dss-tsl-validation/src/test/resources/mra-lotl.xml"
[ -f "$lotl" ] || skip "mra-lotl.xml is absent"
"$VN" tl show "$lotl" --json >"$WORK/mra.json"
jq -e '[.pointers[] | select(.mra)] | length == 1' "$WORK/mra.json" >/dev/null || fail "no MRA pointer"
jq -e '[.pointers[] | select(.mra) | .mraEquivalence.equivalences[0]] | .[0] |
	.legalIdentifier == "QCForESig" and .periods[0].status == "enacted" and
	.periods[0].pointedTypes[0].type == "http://zz-trusted-list.go.zz/TrstSvc/Svctype/CA/QC/for-eSig" and
	.periods[0].pointingTypes[0].type == "http://uri.etsi.org/TrstSvc/Svctype/CA/QC" and
	(.periods[0].certificateContent | sort) == ["QcCompliance", "QcQSCD", "QcType"]' "$WORK/mra.json" >/dev/null ||
	fail "the parsed equivalence: $(jq -c '[.pointers[] | select(.mra) | .mraEquivalence]' "$WORK/mra.json" | cut -c1-600)"
echo ok
