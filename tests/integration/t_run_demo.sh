# `make run`, as the README gives it: the demo federation is made, its OCSP
# responders and the node start, and the three commands it prints work.
. "$(dirname "$0")/lib.sh"
for p in 18101 18118; do
	ss -ltn 2>/dev/null | grep -q ":$p " && skip "port $p is in use: the demo responders cannot start"
done
port=$(free_port)
build=$(dirname "$VN")
PORT=$port sh "$SRC/scripts/run-demo" "$build" >"$WORK/run.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; sh "$SRC/interop/demo/responders" stop "$build/demo" >/dev/null 2>&1; true' EXIT
i=0
until grep -q "^  curl -s http" "$WORK/run.out" 2>/dev/null && grep -q "/metrics" "$WORK/run.out"; do
	i=$((i + 1)); [ $i -lt 600 ] || { cat "$WORK/run.out"; fail "no commands printed"; }
	kill -0 $pid 2>/dev/null || { cat "$WORK/run.out"; fail "run-demo exited"; }
	sleep 0.2
done
grep "^  curl " "$WORK/run.out" > "$WORK/cmds"
[ "$(wc -l < "$WORK/cmds")" = 3 ] || fail "not three commands"
n=0
while read -r cmd; do
	n=$((n + 1))
	sh -c "$cmd" > "$WORK/cmd$n.out" 2>"$WORK/cmd$n.err" || { cat "$WORK/cmd$n.err"; fail "command $n failed: $cmd"; }
	[ -s "$WORK/cmd$n.out" ] || fail "command $n printed nothing"
done < "$WORK/cmds"
jq -e '.lists | length > 5' "$WORK/cmd1.out" >/dev/null || { head -c 500 "$WORK/cmd1.out"; fail "trust lists"; }
jq -e '.signatures[0].indication == "TOTAL-PASSED"' "$WORK/cmd2.out" >/dev/null ||
	{ head -c 1500 "$WORK/cmd2.out"; fail "the demo signature did not validate TOTAL-PASSED"; }
grep -q "^# TYPE" "$WORK/cmd3.out" || fail "metrics"
kill $pid
wait $pid 2>/dev/null
sleep 0.5
ss -ltn 2>/dev/null | grep -q ":18101 " && fail "responders left running"

# `valnode demo` does the same from the binary (DESIGN.md's command): the
# federation made above is reused, the node serves it on the port given.
port2=$(free_port)
"$VN" demo --port "$port2" >"$WORK/demo.out" 2>&1 &
pid=$!
i=0
until curl -sf "http://127.0.0.1:$port2/readyz" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 600 ] || { cat "$WORK/demo.out"; fail "valnode demo: the node never got ready"; }
	kill -0 $pid 2>/dev/null || { cat "$WORK/demo.out"; fail "valnode demo exited"; }
	sleep 0.2
done
curl -s -H 'Content-Type: application/json' --data "@$build/demo/vectors/raw-ecdsa-good/signature.json" \
	"http://127.0.0.1:$port2/v1/validate" >"$WORK/demo-validate.out" || fail "valnode demo: validate"
jq -e '.indication == "TOTAL-PASSED"' "$WORK/demo-validate.out" >/dev/null ||
	{ head -c 1500 "$WORK/demo-validate.out"; fail "valnode demo: the demo signature did not validate"; }
kill $pid
wait $pid 2>/dev/null
sleep 0.5
ss -ltn 2>/dev/null | grep -q ":$port2 " && fail "valnode demo left the node running"
ss -ltn 2>/dev/null | grep -q ":18101 " && fail "valnode demo left the responders running"
echo ok
