# The conformance vectors (interop/vectors/vectors.tsv) of the demo
# federation: every vector gets its written verdict from `valnode validate`
# with the real OCSP responders (openssl ocsp) up; then, with the responders
# down, the online-revocation vectors turn INDETERMINATE. The vectors
# together cause every sub-indication the engine emits. And a differential
# check: `openssl cms -verify` agrees with valnode on the cryptographic
# result of every CMS vector.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/run_vectors.sh"
DEMO="$WORK/demo"
RESP="$SRC/interop/demo/responders"
for p in 18101 18108 18111 18118; do
	ss -ltn 2>/dev/null | grep -q ":$p " && skip "port $p is in use: the demo responders cannot start"
done
sh "$SRC/interop/demo/generate" "$DEMO" --valnode "$VN" >"$WORK/gen.log" 2>&1 ||
	{ tail -20 "$WORK/gen.log"; fail "demo generation"; }
trap 'sh "$RESP" stop "$DEMO" >/dev/null 2>&1' EXIT
sh "$RESP" start "$DEMO" >"$WORK/resp.log" 2>&1 || { cat "$WORK/resp.log"; fail "responders did not start"; }
run_vectors "$DEMO" up || fail "vectors with the responders up"
sh "$RESP" stop "$DEMO" >/dev/null 2>&1
run_vectors "$DEMO" down || fail "vectors with the responders down"

# every sub-indication the engine can emit is caused by some vector
for sub in FORMAT_FAILURE HASH_FAILURE SIG_CRYPTO_FAILURE REVOKED EXPIRED NOT_YET_VALID \
	CHAIN_CONSTRAINTS_FAILURE CERTIFICATE_CHAIN_GENERAL_FAILURE CRYPTO_CONSTRAINTS_FAILURE_NO_POE \
	NO_SIGNING_CERTIFICATE_FOUND NO_CERTIFICATE_CHAIN_FOUND REVOKED_NO_POE OUT_OF_BOUNDS_NO_POE \
	TRY_LATER SIGNED_DATA_NOT_FOUND; do
	grep -v '^#' "$SRC/interop/vectors/vectors.tsv" | cut -f6 | grep -qx "$sub" || fail "no vector causes $sub"
done

# Differential: openssl cms verifies the signature cryptographically (no
# chain check) exactly when valnode finds no format, digest or signature fault.
n=0
for d in "$DEMO"/vectors/*/; do
	exp="$d/expected.json"
	sig=$(jq -r .signature "$exp")
	case $sig in *.p7s | *.p7m) ;; *) continue ;; esac
	sub=$(jq -r '.subIndication // "-"' "$exp")
	case $sub in NO_SIGNING_CERTIFICATE_FOUND | SIGNED_DATA_NOT_FOUND) continue ;; esac
	data=$(jq -r '.data // empty' "$exp")
	if [ -n "$data" ]; then
		openssl cms -verify -noverify -binary -inform DER -in "$d/$sig" -content "$d/$data" -out /dev/null >/dev/null 2>&1
	else
		openssl cms -verify -noverify -binary -inform DER -in "$d/$sig" -out /dev/null >/dev/null 2>&1
	fi
	ossl=$?
	case $sub in HASH_FAILURE | SIG_CRYPTO_FAILURE | FORMAT_FAILURE) vn_ok=1 ;; *) vn_ok=0 ;; esac
	# vn_ok=1 means valnode rejects the cryptography; openssl must reject too
	if [ $vn_ok = 1 ] && [ $ossl = 0 ]; then
		# the one known difference: valnode refuses a content-type attribute
		# that contradicts eContentType, which openssl does not check
		[ "$sub" = FORMAT_FAILURE ] || fail "$(basename "$d"): openssl accepts what valnode rejects ($sub)"
	elif [ $vn_ok = 0 ] && [ $ossl != 0 ]; then
		fail "$(basename "$d"): openssl rejects what valnode accepts"
	fi
	n=$((n + 1))
done
[ $n -ge 20 ] || fail "only $n CMS vectors compared"
echo "differential: $n CMS vectors, openssl cms and valnode agree"
echo ok
