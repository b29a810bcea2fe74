# The contract: interop/openapi.yaml, read with awk (openapi.awk), against a
# running node over the demo federation. Every operation of the contract is
# sent; every answer must carry a status the contract documents for it, its
# documented media type, the top-level members its schema requires and the
# headers listed for it. Every documented status is provoked, or excused
# below with the reason; a path, operation or status added to the contract
# without a request here fails the test.
. "$(dirname "$0")/lib.sh"
for t in openssl jq curl; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed"
done
Y="$SRC/interop/openapi.yaml"
C="$WORK/contract.tsv"
awk -f "$SRC/tests/integration/openapi.awk" "$Y" "$Y" >"$C" || fail "openapi.yaml is outside the subset openapi.awk reads"
# The extraction misses nothing: as many paths and operations as the file has.
np=$(grep -c '^  /' "$Y")
no=$(awk '/^paths:/ { p = 1; next } /^[a-z]/ { p = 0 } p && /^    [a-z]+:$/' "$Y" | wc -l)
[ "$(grep -c '^path	' "$C")" = "$np" ] || fail "openapi.awk found $(grep -c '^path	' "$C") of $np paths"
[ "$(grep -c '^op	' "$C")" = "$no" ] || fail "openapi.awk found $(grep -c '^op	' "$C") of $no operations"
[ "$np" -ge 10 ] && [ "$(grep -c '^resp	' "$C")" -ge 30 ] || fail "the contract looks truncated"

D="$WORK/demo"
sh "$SRC/interop/demo/generate" "$D" --valnode "$VN" >"$WORK/gen.log" 2>&1 ||
	{ tail "$WORK/gen.log"; fail "demo generation"; }

PIDS=""
stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	PIDS=""
}
trap stop_all EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# conf NAME PORT TRUST-SECTION: a node configuration.
conf() {
	cat >"$WORK/$1.conf" <<-EOF
	mirror = $D/mirror.tsv
	cache = $WORK/cache-$1
	offline = true
	$3
	[node]
	listen = 127.0.0.1:$2
	id = $1
	key = $WORK/$1.key
	threads = 2
	[limits]
	max-body = 256k
	max-json-depth = 16
	[refresh]
	interval = 3600
	max-age = 3600
	EOF
}
# start NAME: start that node, wait until it answers /healthz.
start() {
	"$VN" serve --config "$WORK/$1.conf" 2>"$WORK/$1.log" &
	PIDS="$PIDS $!"
	i=0
	until curl -sf "$U/healthz" -o /dev/null 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 150 ] || { cat "$WORK/$1.log"; fail "node $1 never answered"; }
		kill -0 $! 2>/dev/null || { cat "$WORK/$1.log"; fail "node $1 exited"; }
		sleep 0.2
	done
}

hdr() {
	grep -i "^$1:" "$WORK/last.hdr" | head -n 1 | sed -e 's/^[^:]*:[ 	]*//' -e 's/\r$//'
}

# call METHOD TEMPLATE URL [BODY-FILE [CONTENT-TYPE]]: send one request
# and hold its answer to the contract of TEMPLATE.
: >"$WORK/exercised"
call() {
	m=$1 tpl=$2 url=$3 body=${4:-} ct=${5:-application/json}
	if [ -n "$body" ]; then
		st=$(curl -s -X "$m" -D "$WORK/last.hdr" -o "$WORK/last.out" -w '%{http_code}' \
			-H "Content-Type: $ct" --data-binary "@$body" "$U$url") || fail "curl $m $url"
	else
		st=$(curl -s -X "$m" -D "$WORK/last.hdr" -o "$WORK/last.out" -w '%{http_code}' "$U$url") ||
			fail "curl $m $url"
	fi
	what="$m $url -> $st"
	grep -q "^path	$tpl\$" "$C" || fail "$what: $tpl is not a path of the contract"
	if grep -q "^op	$tpl	$m\$" "$C"; then
		line=$(awk -F '\t' -v p="$tpl" -v m="$m" -v c="$st" '$1 == "resp" && $2 == p && $3 == m && $4 == c' "$C")
		opm=$m
	else
		# A method the path does not have: 405, documented under one of its operations.
		[ "$st" = 405 ] || fail "$what: a method $tpl does not have, and no 405"
		line=$(awk -F '\t' -v p="$tpl" '$1 == "resp" && $2 == p && $4 == 405' "$C" | head -n 1)
		opm=$(echo "$line" | cut -f 3)
	fi
	[ -n "$line" ] || { head -c 600 "$WORK/last.out"; fail "$what: status $st is not documented for $m $tpl"; }
	media=$(echo "$line" | cut -f 5) fields=$(echo "$line" | cut -f 6) hdrs=$(echo "$line" | cut -f 7)
	got=$(hdr content-type | sed 's/[ ;].*//')
	[ "$got" = "$media" ] || fail "$what: Content-Type '$got', the contract says $media"
	case $media in
	*json)
		jq -e 'type == "object"' "$WORK/last.out" >/dev/null 2>&1 ||
			{ head -c 600 "$WORK/last.out"; fail "$what: the body is not a JSON object"; }
		if [ "$fields" != - ]; then
			for f in $(echo "$fields" | tr ',' ' '); do
				jq -e --arg f "$f" 'has($f)' "$WORK/last.out" >/dev/null ||
					{ head -c 600 "$WORK/last.out"; fail "$what: the body lacks the required member $f"; }
			done
		fi
		;;
	text/plain)
		[ -s "$WORK/last.out" ] || fail "$what: an empty body"
		;;
	*) fail "$what: a media type this test does not know: $media" ;;
	esac
	for h in $(echo "$hdrs" | tr ',' ' '); do
		[ "$h" = - ] || [ -n "$(hdr "$h")" ] || fail "$what: no $h header"
	done
	# Content-Digest (RFC 9530) is the digest of the body as sent.
	[ "$(hdr content-digest)" = "sha-256=:$(openssl dgst -sha256 -binary "$WORK/last.out" | base64 -w0):" ] ||
		fail "$what: Content-Digest is not the body's sha-256"
	printf '%s\t%s\t%s\n' "$tpl" "$opm" "$st" >>"$WORK/exercised"
	echo "ok: $what"
}

# ---- request bodies ---------------------------------------------------------
V="$D/vectors"
RAW="$V/raw-ecdsa-good/signature.json"
[ -f "$RAW" ] || fail "no demo raw vector"
SIG=$(base64 -w0 "$V/cades-lt-good/signature.p7s") DOC=$(base64 -w0 "$D/docs/contract.txt")
printf '{"signature":"%s","documents":[{"name":"contract.txt","data":"%s"}],"reports":["json","etsi-xml"]}' \
	"$SIG" "$DOC" >"$WORK/cades.json"
cat >"$WORK/verify.json" <<-EOF
{"reqID":"contract-1","inDocs":{"doc":[{"ID":"d1","b64Data":"$DOC"}]},
 "sigObj":[{"b64Sig":{"val":"$SIG"},"whichDoc":"d1"}],"optInp":{"policy":["default"]}}
EOF
printf '{"signature": ' >"$WORK/malformed.json"
head -c 300000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
printf '{"signature":"%s"}' "$(echo 'not a signature' | base64)" >"$WORK/notsig.json"
printf '{"sigObj":[]}' >"$WORK/nosigobj.json"

# ---- a ready node -------------------------------------------------------------
port=$(free_port)
U="http://127.0.0.1:$port"
TRUST="[scheme guam]
	lotl = https://tl.demo.guam.invalid/GUAM.xml
	signer = $D/anchors/guam.pem
	[scheme silkroad]
	lotl = https://tl.demo.silkroad.invalid/SILKROAD.xml
	signer = $D/anchors/silkroad.pem
	[scheme eu]
	lotl = https://tl.demo.eu.invalid/EU.xml
	signer = $D/anchors/eu.pem"
conf ready "$port" "$TRUST"
start ready
i=0
until curl -sf "$U/readyz" -o /dev/null 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 150 ] || { cat "$WORK/ready.log"; fail "the node never got ready"; }
	sleep 0.2
done

call POST /v1/validate /v1/validate "$RAW"
jq -e '.signatures[0].indication' "$WORK/last.out" >/dev/null || fail "no signature result"
call POST /v1/validate /v1/validate "$WORK/cades.json"
call POST /v1/validate /v1/validate "$WORK/malformed.json"
call POST /v1/validate /v1/validate "$WORK/big.json"
call POST /v1/validate /v1/validate "$RAW" text/plain
call POST /v1/validate /v1/validate "$WORK/notsig.json"
call GET /v1/validate /v1/validate
call POST /v1/verify /v1/verify "$WORK/verify.json"
call POST /v1/verify /v1/verify "$WORK/malformed.json"
call POST /v1/verify /v1/verify "$WORK/big.json"
call POST /v1/verify /v1/verify "$WORK/verify.json" text/plain
call POST /v1/verify /v1/verify "$WORK/nosigobj.json"
call GET /v1/verify /v1/verify
call GET /v1/trustlists /v1/trustlists
jq -e '.lists | length > 5' "$WORK/last.out" >/dev/null || fail "too few lists"
call POST /v1/trustlists /v1/trustlists "$RAW"
call GET '/v1/trustlists/{territory}' /v1/trustlists/AZ
call GET '/v1/trustlists/{territory}' /v1/trustlists/az
call GET '/v1/trustlists/{territory}' /v1/trustlists/XX
call DELETE '/v1/trustlists/{territory}' /v1/trustlists/AZ
call GET /v1/policies /v1/policies
call PUT /v1/policies /v1/policies "$RAW"
call GET '/v1/policies/{id}' /v1/policies/default
call GET '/v1/policies/{id}' /v1/policies/strict
call POST '/v1/policies/{id}' /v1/policies/default "$RAW"
call GET /v1/node /v1/node
call DELETE /v1/node /v1/node
call GET /healthz /healthz
call POST /healthz /healthz "$RAW"
call GET /readyz /readyz
call POST /readyz /readyz "$RAW"
call GET /metrics /metrics
grep -q '^# TYPE valnode_http_requests_total' "$WORK/last.out" || fail "metrics without their TYPE lines"
call POST /metrics /metrics "$RAW"
stop_all

# ---- a node with no trust snapshot: the lists cannot be read -------------------
port=$(free_port)
U="http://127.0.0.1:$port"
conf unready "$port" "[scheme nowhere]
	lotl = https://tl.nowhere.invalid/LOTL.xml
	signer = $D/anchors/eu.pem"
start unready
sleep 1
call GET /readyz /readyz
[ "$st" = 503 ] || fail "a node without lists is ready"
[ -n "$(hdr retry-after)" ] || fail "a 503 without Retry-After"
call POST /v1/validate /v1/validate "$RAW"
[ "$st" = 503 ] || fail "validation without lists answered $st"
call POST /v1/verify /v1/verify "$WORK/verify.json"
[ "$st" = 503 ] || fail "verify without lists answered $st"
stop_all

# ---- coverage ---------------------------------------------------------------------
# Documented statuses this test cannot provoke from outside, and why.
cat >"$WORK/excused" <<-EOF
/v1/validate	POST	500	the validation engine failing inside (memory, an internal error)
/v1/verify	POST	500	the validation engine failing inside (memory, an internal error)
EOF
awk -F '\t' '$1 == "op" { print $2 "\t" $3 }' "$C" | while IFS='	' read -r p m; do
	awk -F '\t' -v p="$p" -v m="$m" '$1 == p && $2 == m { f = 1 } END { exit !f }' "$WORK/exercised" ||
		fail "$m $p is in the contract and this test never sends it"
done || exit 1
awk -F '\t' '$1 == "resp" { print $2 "\t" $3 "\t" $4 }' "$C" | while IFS='	' read -r p m c; do
	grep -q "^$p	$m	$c\$" "$WORK/exercised" && continue
	grep -q "^$p	$m	$c	" "$WORK/excused" && continue
	fail "$m $p $c is documented and neither provoked nor excused here"
done || exit 1
echo "contract: $(sort -u "$WORK/exercised" | wc -l) documented answers provoked of $(grep -c '^resp	' "$C")"
echo ok
