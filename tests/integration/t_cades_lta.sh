# CAdES-LTA vectors of the demo federation (interop/vectors): the
# archive-timestamp-v2 that interop/demo/cades-extend.c makes over the
# TS 101 733 v2.2.1 annex K input (its ats.input) is verified by
# `valnode validate`: its entry in .timestamps is TOTAL-PASSED, so the bytes
# valnode computes hash to the token's message imprint, which demo_vectors.sh
# checks with openssl against ats.input. The signer's own verdict is not
# asserted here (run_vectors.sh does that).
. "$(dirname "$0")/lib.sh"

OUT="$WORK/demo"
sh "$SRC/interop/demo/generate" "$OUT" --valnode "$VN" >"$WORK/gen.log" 2>&1 ||
	{ tail -20 "$WORK/gen.log"; skip "the demo federation could not be generated"; }

for vec in cades-lta-good cades-lta-enveloping; do
	d="$OUT/vectors/$vec"
	[ -f "$d/expected.json" ] || fail "$vec: no vector"
	args=$(jq -r '.validateArgs | join(" ")' "$d/expected.json")
	# shellcheck disable=SC2086
	(cd "$d" && "$VN" validate $args --trust ../trust.conf --json) >"$WORK/last.out" 2>"$WORK/last.err" ||
		[ $? -le 2 ] || { cat "$WORK/last.err"; fail "$vec: valnode validate failed"; }
	jq_is '.format' CAdES-BASELINE-LTA
	jq_is '[.timestamps[] | select(.kind == "archive")] | length' 1
	jq_is '.timestamps[] | select(.kind == "archive") | .indication' TOTAL-PASSED
	jq_is '.timestamps[] | select(.kind == "signature") | .indication' TOTAL-PASSED
	echo "ok   $vec: archive timestamp TOTAL-PASSED"
done
echo ok
