# `make run`'s script: the demo federation is made, walked, and its lists are
# published over HTTP with their .sha2 digests; what is served verifies.
. "$(dirname "$0")/lib.sh"
port=$(free_port)
build=$(dirname "$VN")
PORT=$port sh "$SRC/scripts/run-demo" "$build" >"$WORK/run.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; pkill -f "$build/demo/nginx/nginx.conf" 2>/dev/null; true' EXIT
i=0
until curl -sf "http://127.0.0.1:$port/AZ.xml" -o "$WORK/AZ.xml" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$WORK/run.out"; fail "nothing served on $port"; }
	kill -0 $pid 2>/dev/null || { cat "$WORK/run.out"; fail "run-demo exited"; }
	sleep 0.3
done
grep -q "== serving the demo lists" "$WORK/run.out" || fail "no serving banner"
for s in GUAM SILKROAD EU; do grep -q "lotl  $s *valid" "$WORK/run.out" || fail "$s not walked valid"; done
expect_exit 0 "$VN" tl verify "$WORK/AZ.xml" --anchor "$build/demo/pki/az/tl-signer.pem"
curl -sf "http://127.0.0.1:$port/AZ.sha2" -o "$WORK/AZ.sha2" || fail "no .sha2"
[ "$(cat "$WORK/AZ.sha2")" = "$(sha256sum "$WORK/AZ.xml" | cut -d' ' -f1)" ] || fail ".sha2 does not match"
echo ok
