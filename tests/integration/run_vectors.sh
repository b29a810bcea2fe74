# run_vectors DEMO MODE: validate every vector of DEMO/vectors and compare
# with its expected.json; MODE "up" (responders running: every vector but the
# "down" ones) or "down" (responders stopped: the "down" vectors get their
# verdict, and every "online" vector must come out INDETERMINATE).
# Prints one line per vector and "vectors: N passed, N failed". For an ASiC
# container the verdict compared is the container's own, with the
# qualification of its signatures (one value when they agree).
run_vectors() {
	demo=$1 mode=$2 pass=0 bad=0
	for d in "$demo"/vectors/*/; do
		exp="$d/expected.json"
		[ -f "$exp" ] || continue
		name=$(jq -r .name "$exp")
		ocsp=$(jq -r .ocsp "$exp")
		[ "$mode" = up ] && [ "$ocsp" = down ] && continue
		[ "$mode" = down ] && [ "$ocsp" = offline ] && continue
		args=$(jq -r '.validateArgs | join(" ")' "$exp")
		# shellcheck disable=SC2086
		(cd "$d" && "$VN" validate $args --trust ../trust.conf --json) >"$WORK/v.out" 2>"$WORK/v.err"
		got=$(jq -r 'if .container then [.container.indication, (.container.subIndication // "-"),
			([.signatures[].qualification] | unique | join("+"))] else [.indication,
			(.subIndication // "-"), .qualification] end | join(" ")' "$WORK/v.out" 2>/dev/null)
		if [ "$mode" = down ] && [ "$ocsp" = online ]; then
			want_ind=INDETERMINATE
			ok=0; case $got in "INDETERMINATE "*) ok=1 ;; esac
			want="INDETERMINATE (responders down)"
		else
			want=$(jq -r '[.indication, (.subIndication // "-"), .qualification] | join(" ")' "$exp")
			ok=0; [ "$got" = "$want" ] && ok=1
		fi
		if [ $ok = 1 ]; then
			pass=$((pass + 1)); echo "ok   $name: $got"
		else
			bad=$((bad + 1)); echo "FAIL $name: got '$got', want '$want'"
			jq -c '[((.container.findings // []) + ([.signatures[]?.findings[]]) + (.findings // []))[] |
				select(.level != "info") | .code + ": " + .message]' "$WORK/v.out" 2>/dev/null | cut -c1-400
			head -3 "$WORK/v.err"
		fi
	done
	echo "vectors ($mode): $pass passed, $bad failed"
	[ $bad = 0 ]
}

# run_policy_vectors DEMO: every row of interop/vectors/policies.tsv, the
# vector validated with --policy (responders up).
run_policy_vectors() {
	demo=$1 pass=0 bad=0 tab=$(printf '\t')
	while IFS=$tab read -r pv_name pv_pol pv_ind pv_sub pv_qual pv_notes; do
		case $pv_name in '#'* | "") continue ;; esac
		d=$demo/vectors/$pv_name
		[ -f "$d/expected.json" ] || { echo "FAIL $pv_name: no such vector"; bad=$((bad + 1)); continue; }
		args=$(jq -r '.validateArgs | join(" ")' "$d/expected.json")
		# shellcheck disable=SC2086
		(cd "$d" && "$VN" validate $args --trust ../trust.conf --policy "$pv_pol" --json) >"$WORK/pv.out" 2>"$WORK/pv.err"
		got=$(jq -r '[.indication, (.subIndication // "-"), .qualification] | join(" ")' "$WORK/pv.out" 2>/dev/null)
		want="$pv_ind $pv_sub $pv_qual"
		dig=$(jq -r '.policy.digest // empty' "$WORK/pv.out" 2>/dev/null)
		if [ "$got" = "$want" ] && [ ${#dig} = 64 ]; then
			pass=$((pass + 1)); echo "ok   $pv_name [$pv_pol]: $got"
		else
			bad=$((bad + 1)); echo "FAIL $pv_name [$pv_pol]: got '$got' (digest '$dig'), want '$want'"
			jq -c '[.findings[] | select(.level != "info") | .code + ": " + .message]' "$WORK/pv.out" 2>/dev/null | cut -c1-400
			head -3 "$WORK/pv.err"
		fi
	done <"$SRC/interop/vectors/policies.tsv"
	echo "policy vectors: $pass passed, $bad failed"
	[ $bad = 0 ] && [ $pass -ge 20 ]
}
