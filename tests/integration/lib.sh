# Shared helpers for integration tests (sourced, POSIX sh).
set -u
VN="${VN_BIN:?}"
SRC="${VN_SRCDIR:?}"
WORK="${VN_WORK:?}"
CORPUS="$SRC/../shared/corpus"
XSD="$SRC/../shared/xsd"

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
need_corpus() { [ -d "$CORPUS" ] || skip "../shared/corpus is absent"; }

# expect_exit CODE CMD...: run CMD, output to $WORK/last.out, check exit code.
expect_exit() {
	want=$1; shift
	"$@" >"$WORK/last.out" 2>"$WORK/last.err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "command: $*"; echo "--- stdout"; head -c 4000 "$WORK/last.out"
		echo "--- stderr"; head -c 4000 "$WORK/last.err"
		fail "exit $got, wanted $want"
	fi
}

# jq_is FILTER VALUE: the JSON in $WORK/last.out gives VALUE for FILTER.
jq_is() {
	v=$(jq -r "$1" "$WORK/last.out") || fail "bad JSON for $1"
	[ "$v" = "$2" ] || { head -c 3000 "$WORK/last.out"; fail "$1 is '$v', wanted '$2'"; }
}

# A free TCP port on 127.0.0.1.
free_port() {
	p=$(( ($$ % 20000) + 20000 ))
	while ss -ltn 2>/dev/null | grep -q ":$p "; do p=$((p + 1)); done
	echo $p
}
