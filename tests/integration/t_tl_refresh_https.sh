# `valnode tl walk` refreshing one trusted list from a real HTTPS server
# (nginx on 127.0.0.1, a test CA made here): first fetch, conditional GET
# answered 304, a newer list, a tampered update, a rollback, the server down
# (and --offline), a body over --max-size (declared and streamed), and a list
# signed by another key. Through all of it the last good copy stays in use.
. "$(dirname "$0")/lib.sh"
NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || skip "nginx is not installed"
for t in openssl jq curl; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed"
done

P="$WORK/pki" N="$WORK/nginx" D="$WORK/www" S="$WORK/lists"
mkdir -p "$P" "$N/tmp" "$D/chunked" "$S"
NGINX_PID=""

stop_nginx() {
	if [ -n "$NGINX_PID" ]; then
		kill "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
		NGINX_PID=""
	fi
}
trap stop_nginx EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PKI: a TLS CA and server certificate, the list signers, a service CA ---
# key FILE: an EC P-256 private key, 0600 from the start.
key() {
	(umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -pkeyopt ec_param_enc:named_curve -out "$1") || fail "openssl genpkey $1"
	chmod 600 "$1"
}
# selfsigned BASE SUBJECT EXT...: BASE.key and a self-signed BASE.pem.
selfsigned() {
	b=$1 subj=$2
	shift 2
	key "$b.key"
	set -- $(for x in "$@"; do printf -- '-addext %s ' "$x"; done)
	openssl req -new -x509 -key "$b.key" -subj "$subj" -days 2 -sha256 "$@" \
	    -out "$b.pem" 2>"$WORK/openssl.err" || { cat "$WORK/openssl.err"; fail "openssl req $b"; }
}
selfsigned "$P/tls-ca" "/CN=valnode test TLS CA" basicConstraints=critical,CA:TRUE \
    keyUsage=critical,keyCertSign,cRLSign
key "$P/server.key"
openssl req -new -key "$P/server.key" -subj "/CN=127.0.0.1" -out "$P/server.csr" ||
	fail "openssl req server"
printf '%s\n' "basicConstraints = critical, CA:FALSE" \
    "keyUsage = critical, digitalSignature" "extendedKeyUsage = serverAuth" \
    "subjectAltName = IP:127.0.0.1, DNS:localhost" >"$P/server.ext"
openssl x509 -req -in "$P/server.csr" -CA "$P/tls-ca.pem" -CAkey "$P/tls-ca.key" \
    -CAcreateserial -days 2 -sha256 -extfile "$P/server.ext" -out "$P/server.pem" \
    2>"$WORK/openssl.err" || { cat "$WORK/openssl.err"; fail "openssl x509 server"; }
TLSIGN="basicConstraints=critical,CA:FALSE keyUsage=critical,digitalSignature,nonRepudiation extendedKeyUsage=0.4.0.2231.3.0"
selfsigned "$P/signer" "/C=AZ/O=Refresh Test/CN=AZ Test List Signer" $TLSIGN
selfsigned "$P/other" "/C=AZ/O=Somebody Else/CN=AZ Other Signer" $TLSIGN
selfsigned "$P/service-ca" "/C=AZ/O=Refresh Test/CN=AZ Test Qualified CA" \
    basicConstraints=critical,CA:TRUE keyUsage=critical,keyCertSign,cRLSign

# --- the lists: one TSP with one CA/QC service, sequence numbers varied ---
Y=$(date -u +%Y)
ISSUED="$Y-01-01T00:00:00Z" NEXT="$((Y + 1))-12-31T00:00:00Z"
# list SEQ SIGNER [EXTRA]: $S/SEQ-SIGNER.xml, built and signed. EXTRA, a
# trade name, makes a list larger.
list() {
	{
		cat <<-EOF
		[scheme]
		territory = AZ
		sequence = $1
		type = AZlist
		operator = Refresh Test Trusted List Authority
		operator-street = 1 Test Avenue
		operator-locality = Baku
		operator-country = AZ
		operator-email = mailto:tl@refresh.az.invalid
		name = AZ: Trusted list (refresh test)
		info-uri = https://tl.refresh.az.invalid/info
		status-approach = http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUappropriate
		issued = $ISSUED
		next-update = $NEXT

		[tsp]
		name = Refresh Test Trust Services
		street = 2 Test Street
		locality = Baku
		country = AZ
		email = mailto:ca@refresh.az.invalid
		info-uri = https://ca.refresh.az.invalid/
		EOF
		[ -z "${3:-}" ] || echo "trade-name = $3"
		cat <<-EOF

		[service]
		type = CA/QC
		name = AZ Test Qualified CA
		certificate = ../pki/service-ca.pem
		status = granted
		start = $ISSUED
		EOF
	} >"$S/$1.tlspec"
	expect_exit 0 "$VN" tl build "$S/$1.tlspec" --out "$S/$1-unsigned.xml"
	expect_exit 0 "$VN" tl sign "$S/$1-unsigned.xml" --key "$P/$2.key" --cert "$P/$2.pem" \
	    --out "$S/$1-$2.xml"
}
list 1 signer
list 2 signer
list 3 signer
list 4 signer "VATAZ-$(printf '%0400d' 4)"
list 5 other

# Tampered: list 3, validly signed, with one byte of the operator's name
# changed afterwards (same size, the signature no longer matches).
sed 's/Refresh Test Trusted List Authority/Refresh Test Trusted List Authorit!/' \
    "$S/3-signer.xml" >"$S/3-tampered.xml"
cmp -s "$S/3-signer.xml" "$S/3-tampered.xml" && fail "the tampering changed nothing"
[ "$(wc -c <"$S/3-signer.xml")" = "$(wc -c <"$S/3-tampered.xml")" ] || fail "tampering changed the size"

# serve FILE [DIR]: publish FILE as DIR/TL.xml (DIR: $D) with a new mtime of
# its own, so that nginx's ETag ("mtime-size") and Last-Modified change.
STAMP=0
serve() {
	STAMP=$((STAMP + 1))
	cp "$1" "${2:-$D}/TL.xml.tmp" || fail "cp $1"
	touch -t "20260101$(printf '%02d' $STAMP)00" "${2:-$D}/TL.xml.tmp"
	mv "${2:-$D}/TL.xml.tmp" "${2:-$D}/TL.xml"
}

# --- nginx ---------------------------------------------------------------------
# conf PORT: nginx.conf serving $D on 127.0.0.1:PORT; sets PORT, U and UC.
conf() {
	PORT=$1
	U="https://127.0.0.1:$PORT/TL.xml"
	UC="https://127.0.0.1:$PORT/chunked/TL.xml"
	{
		[ "$(id -u)" != 0 ] || echo "user root;"
		cat <<-EOF
		daemon off;
		worker_processes 1;
		pid $N/nginx.pid;
		error_log $N/error.log info;
		events { worker_connections 64; }
		http {
		    # the path, the status and the If-None-Match the client sent
		    log_format t '\$request_uri \$status "\$http_if_none_match"';
		    access_log $N/access.log t;
		    client_body_temp_path $N/tmp/body;
		    proxy_temp_path $N/tmp/proxy;
		    fastcgi_temp_path $N/tmp/fastcgi;
		    uwsgi_temp_path $N/tmp/uwsgi;
		    scgi_temp_path $N/tmp/scgi;
		    types { application/xml xml; }
		    default_type application/octet-stream;
		    server {
		        listen 127.0.0.1:$PORT ssl;
		        ssl_certificate $P/server.pem;
		        ssl_certificate_key $P/server.key;
		        root $D;
		        # Through the SSI filter, which finds nothing to do in a list
		        # but drops Content-Length (and the validators): the body comes
		        # chunked, so a cap can only cut it off while it streams.
		        location /chunked/ {
		            ssi on;
		            ssi_types application/xml;
		        }
		    }
		}
		EOF
	} >"$N/nginx.conf"
}

# start_nginx: run nginx on $PORT and wait until it answers.
start_nginx() {
	"$NGINX" -p "$N" -c "$N/nginx.conf" -e "$N/error.log" >>"$N/stdout" 2>&1 &
	NGINX_PID=$!
	i=0
	until curl -s -o /dev/null --cacert "$P/tls-ca.pem" "https://127.0.0.1:$PORT/ready"; do
		i=$((i + 1))
		if ! kill -0 "$NGINX_PID" 2>/dev/null; then
			wait "$NGINX_PID"
			NGINX_PID=""
			return 1
		fi
		[ $i -lt 100 ] || { cat "$N/error.log"; fail "nginx did not answer on port $PORT"; }
		sleep 0.1
	done
}

# walk URL CACHE EXIT [OPTIONS]: valnode tl walk, JSON in $WORK/last.out.
# A walk of $U that may use the network waits for its request in the log.
walk() {
	url=$1 cache=$2 want=$3
	shift 3
	expect_exit "$want" "$VN" tl walk "$url" --anchor "$P/signer.pem" --cache "$cache" \
	    --ca-file "$P/tls-ca.pem" --json "$@"
	cat "$WORK/last.out" >>"$WORK/walks.json"
	jq_is '.lists | length' 1
	case " $* " in *" --offline "*) return ;; esac
	[ "$url" != "$U" ] || [ -z "$NGINX_PID" ] || logged
}
# logged: wait until nginx has logged the one request for /TL.xml a walk
# made (it logs after answering, so the line may lag the client a little).
SEEN=0
logged() {
	i=0
	while [ "$(hits)" -le "$SEEN" ]; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "nginx logged no request for /TL.xml"
		sleep 0.1
	done
	[ "$(hits)" = $((SEEN + 1)) ] || fail "more than one request for /TL.xml"
	SEEN=$((SEEN + 1))
}
has() { # has CODE: a finding CODE on the list
	jq -e --arg c "$1" '.lists[0].findings | map(.code) | index($c)' "$WORK/last.out" \
	    >/dev/null || { head -c 3000 "$WORK/last.out"; fail "no finding $1"; }
}
# last_status PATH: the status of the last request for PATH in the access log
last_status() {
	awk -v p="$1" '$1 == p { s = $2 } END { print s }' "$N/access.log"
}
# last_inm PATH: the If-None-Match of that request, quotes dropped ("-": none)
last_inm() {
	awk -v p="$1" '$1 == p { s = $3 } END { print s }' "$N/access.log" |
	    sed 's/\\x22//g; s/"//g'
}
# cached EXT: the cache file of $U in $C (key: SHA-256 of the URL)
cached() { echo "$C/$(printf '%s' "$U" | openssl dgst -sha256 -r | cut -c1-64).$1"; }
meta() { jq -r "$1" "$(cached meta)"; }
hits() { awk '$1 == "/TL.xml"' "$N/access.log" | wc -l | tr -d ' '; }

C="$WORK/cache"
serve "$S/1-signer.xml"
# another test may have taken the port meanwhile: try a few
port=$(free_port)
for try in 1 2 3 4 5; do
	conf $port
	start_nginx && break
	[ $try -lt 5 ] || { tail -n 5 "$N/error.log"; fail "nginx could not start"; }
	port=$((port + 1 + $$ % 7))
done

# 1. refresh: the first walk fetches and accepts the list
walk "$U" "$C" 0
jq_is '.lists[0].kind' tl
jq_is '.lists[0].state' valid
jq_is '.lists[0].update' new
jq_is '.lists[0].sequenceNumber' 1
jq_is '.lists[0].fromCache' false
jq_is '.lists[0].indication' TOTAL-PASSED
[ "$(last_status /TL.xml)" = 200 ] || fail "first request: $(last_status /TL.xml), wanted 200"
[ "$(last_inm /TL.xml)" = - ] || fail "the first request was conditional"
etag1=$(meta .etag | tr -d '"')
[ -n "$etag1" ] && [ "$etag1" != null ] || fail "no ETag kept in the cache"

# 2. the same file again: a conditional GET, answered 304
walk "$U" "$C" 0
jq_is '.lists[0].update' not-modified
jq_is '.lists[0].sequenceNumber' 1
jq_is '.lists[0].state' valid
jq_is '.lists[0].fromCache' true
[ "$(last_status /TL.xml)" = 304 ] || fail "second request: $(last_status /TL.xml), wanted 304"
[ "$(last_inm /TL.xml)" = "$etag1" ] || fail "If-None-Match '$(last_inm /TL.xml)', wanted '$etag1'"

# 3. a newer list is accepted
serve "$S/2-signer.xml"
walk "$U" "$C" 0
jq_is '.lists[0].update' new
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].fromCache' false
[ "$(last_status /TL.xml)" = 200 ] || fail "newer list: $(last_status /TL.xml), wanted 200"

# 4. a tampered update is refused; list 2 stays in use
serve "$S/3-tampered.xml"
walk "$U" "$C" 0
jq_is '.lists[0].update' rejected-invalid
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].state' valid
jq_is '.lists[0].fromCache' true
has TL_UPDATE_REJECTED
grep -q 'refused (signature TOTAL-FAILED/HASH_FAILURE)' "$WORK/last.out" || fail "no hash failure said"

# 5. a rollback: list 1, validly signed, served again
serve "$S/1-signer.xml"
walk "$U" "$C" 0
jq_is '.lists[0].update' rejected-rollback
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].state' valid
has TL_ROLLBACK
# neither refused copy reached the cache
[ "$(meta .sequence)" = 2 ] || fail "the cache holds sequence $(meta .sequence)"
cmp -s "$(cached xml)" "$S/2-signer.xml" ||
	fail "the cached body is not list 2"

# 6. the server down: unreachable, list 2 stays in use; --offline reads the
# cache and never touches the network (checked with the server up again)
stop_nginx
walk "$U" "$C" 0
jq_is '.lists[0].update' unreachable
jq_is '.lists[0].state' valid
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].fromCache' true
has TL_FETCH_FAILED
walk "$U" "$C" 0 --offline
jq_is '.lists[0].state' valid
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].fromCache' true
start_nginx || { tail -n 5 "$N/error.log"; fail "nginx could not start again"; }
walk "$U" "$C" 0 --offline
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].fromCache' true
[ "$(hits)" = "$SEEN" ] || fail "--offline made a request"
# The server back, list 2 re-published unchanged (the same bytes, a new mtime,
# so a new ETag): not-modified by content; the stored validators become the
# server's new ones, so the next walk is answered 304, and the failure notes
# are cleared.
serve "$S/2-signer.xml"
walk "$U" "$C" 0
jq_is '.lists[0].update' not-modified
jq_is '.lists[0].sequenceNumber' 2
[ "$(last_status /TL.xml)" = 200 ] || fail "re-published: $(last_status /TL.xml), wanted 200"
[ "$(meta .last_error)" = null ] || fail "the cache still notes '$(meta .last_error)'"
walk "$U" "$C" 0
jq_is '.lists[0].update' not-modified
[ "$(last_status /TL.xml)" = 304 ] || fail "after re-publication: $(last_status /TL.xml), wanted 304"

# 7. a body over --max-size: refused, list 2 stays in use; with no cache the
# list is unreachable. Declared (Content-Length) first, then streamed.
serve "$S/4-signer.xml"
walk "$U" "$C" 0 --max-size 1000
jq_is '.lists[0].update' unreachable
jq_is '.lists[0].state' valid
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].fromCache' true
has TL_FETCH_FAILED
jq -e '.lists[0].findings[] | select(.code == "TL_FETCH_FAILED") | .message | test("1000-byte cap")' \
    "$WORK/last.out" >/dev/null || { cat "$WORK/last.out"; fail "no size reason"; }
walk "$U" "$WORK/cache-empty" 69 --max-size 1000
jq_is '.lists[0].state' unreachable
jq_is '.lists[0].sequenceNumber' 0
has TL_FETCH_FAILED
# streamed: the chunked URL is cached with list 3, then list 4 is cut off
CC="$WORK/cache-chunked"
serve "$S/3-signer.xml" "$D/chunked"
walk "$UC" "$CC" 0
jq_is '.lists[0].update' new
jq_is '.lists[0].sequenceNumber' 3
serve "$S/4-signer.xml" "$D/chunked"
s4=$(wc -c <"$S/4-signer.xml")
walk "$UC" "$CC" 0 --max-size $((s4 - 1))
jq_is '.lists[0].update' unreachable
jq_is '.lists[0].sequenceNumber' 3
jq_is '.lists[0].state' valid
jq -e '.lists[0].findings[] | select(.code == "TL_FETCH_FAILED") | .message | test("cap; transfer aborted")' \
    "$WORK/last.out" >/dev/null || { cat "$WORK/last.out"; fail "no cut-off reason"; }
walk "$UC" "$WORK/cache-empty2" 69 --max-size $((s4 - 1))
jq_is '.lists[0].state' unreachable
# with room for it, list 4 is taken
walk "$UC" "$CC" 0 --max-size "$s4"
jq_is '.lists[0].update' new
jq_is '.lists[0].sequenceNumber' 4

# 8. a newer list signed by a key other than the anchor: refused, list 2 kept;
# with no cache the signer is untrusted
serve "$S/5-other.xml"
walk "$U" "$C" 0
jq_is '.lists[0].update' rejected-invalid
jq_is '.lists[0].sequenceNumber' 2
jq_is '.lists[0].state' valid
has TL_UPDATE_REJECTED
grep -q 'refused (signature INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND)' "$WORK/last.out" ||
	fail "no untrusted signer said"
walk "$U" "$WORK/cache-other" 2
jq_is '.lists[0].state' untrusted-signer
jq_is '.lists[0].indication' INDETERMINATE
jq_is '.lists[0].subIndication' NO_CERTIFICATE_CHAIN_FOUND

stop_nginx
echo ok
