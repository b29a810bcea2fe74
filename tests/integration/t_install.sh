# `make install DESTDIR=... PREFIX=/usr` over the tree already built: every
# file where it belongs with sane modes and nothing written outside DESTDIR;
# the man page renders without a warning and documents every command and
# option the binary has; the systemd unit carries its sandbox and passes
# `systemd-analyze verify` (when systemd-analyze is installed).
. "$(dirname "$0")/lib.sh"
command -v make >/dev/null 2>&1 || skip "make is not installed"
B="${VN_BUILD:?}"
R="$WORK/root"

# Every destination of the install recipe is under DESTDIR.
make -s -n -C "$SRC" --no-print-directory install DESTDIR="$R" PREFIX=/usr BUILD="$B" >"$WORK/plan" 2>&1 ||
	{ cat "$WORK/plan"; fail "make -n install"; }
sed -e :a -e '/\\$/N; s/\\\n//; ta' "$WORK/plan" | awk '
	$1 == "install" && $2 == "-d" { for (i = 3; i <= NF; i++) print $i; next }
	$1 == "install" { print $NF; next }
	$1 == "chmod" { print $NF; next }
	/>/ { sub(/.*> */, ""); print $1 }' >"$WORK/dests"
[ -s "$WORK/dests" ] || { cat "$WORK/plan"; fail "no destinations in the install recipe"; }
while read -r d; do
	case $d in "$R"/*) ;; *) fail "make install writes $d, outside DESTDIR" ;; esac
done <"$WORK/dests"

make -s -C "$SRC" --no-print-directory install DESTDIR="$R" PREFIX=/usr BUILD="$B" >"$WORK/install.log" 2>&1 ||
	{ cat "$WORK/install.log"; fail "make install"; }

# file MODE PATH: installed, a regular file, with that mode.
file() {
	[ -f "$R$2" ] || fail "$2 is not installed"
	[ "$(stat -c %a "$R$2")" = "$1" ] || fail "$2 has mode $(stat -c %a "$R$2"), wanted $1"
}
file 755 /usr/bin/valnode
file 644 /usr/lib/libvalnode.a
file 644 /usr/include/valnode/valnode.h
file 644 /usr/share/man/man1/valnode.1
file 644 /usr/lib/systemd/system/valnode.service
file 644 /usr/lib/sysusers.d/valnode.conf
file 644 /etc/valnode/valnode.conf.example
file 644 /usr/share/doc/valnode/openapi.yaml
# the jurisdiction policies, where the installed binary looks for them
for f in "$SRC"/policies/*.xml "$SRC/policies/valnode-policy.xsd"; do
	file 644 "/usr/share/valnode/policies/$(basename "$f")"
done
env -u VALNODE_POLICY_DIR "$R/usr/bin/valnode" policy show --json >"$WORK/policies.json" ||
	fail "the installed binary cannot list its policies"
# the demo needs a source tree: an installed binary says so
"$R/usr/bin/valnode" demo >"$WORK/demo.out" 2>&1
[ $? = 69 ] || { cat "$WORK/demo.out"; fail "valnode demo outside a checkout: not exit 69"; }
grep -q "source tree" "$WORK/demo.out" || fail "valnode demo outside a checkout: unclear message"
jq -e '[.policies[].id] | index("ee") and index("eu")' "$WORK/policies.json" >/dev/null ||
	fail "the installed binary does not find the installed policies: $(jq -c '[.policies[].id]' "$WORK/policies.json")"
cmp -s "$R/etc/valnode/valnode.conf.example" "$SRC/interop/node.conf.example" || fail "the example configuration differs"
find "$R" -type d ! -perm 755 | grep . && fail "directories above without mode 755"
find "$R" -perm /022 -type f | grep . && fail "group- or world-writable files above"
"$R/usr/bin/valnode" version >"$WORK/version" || fail "the installed binary does not run"
grep -qF "$(cat "$SRC/VERSION")" "$WORK/version" || fail "the installed binary's version"

# ---- the man page -------------------------------------------------------------
M="$R/usr/share/man/man1/valnode.1"
grep -q '@[A-Z]*@' "$M" && fail "an unreplaced placeholder in the man page"
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$M" >"$WORK/groff.out" 2>&1
	[ ! -s "$WORK/groff.out" ] || { cat "$WORK/groff.out"; fail "groff warns about the man page"; }
fi
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T lint -W warning "$M" >"$WORK/mandoc.out" 2>&1 || { cat "$WORK/mandoc.out"; fail "mandoc -T lint"; }
fi
command -v man >/dev/null 2>&1 || skip "man is not installed: the page was checked with groff only"
MANWIDTH=100 man --warnings -l "$M" >"$WORK/man.txt" 2>"$WORK/man.err" || { cat "$WORK/man.err"; fail "man -l"; }
[ ! -s "$WORK/man.err" ] || { cat "$WORK/man.err"; fail "man -l warns"; }
for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
	grep -q "^$s" "$WORK/man.txt" || fail "the man page has no $s section"
done
# Every command the binary has, in the synopsis, with every option its --help names.
cmds=$("$VN" --help 2>&1 | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 } f && /^$/ { f = 0 }')
tls=$("$VN" tl --help 2>&1 | awk '/^subcommands:/ { f = 1; next } f && /^  [a-z]/ { print $1 } f && /^$/ { f = 0 }')
[ -n "$cmds" ] && [ -n "$tls" ] || fail "no command list from valnode --help"
list=""
for c in $cmds; do
	[ "$c" = tl ] || list="$list $c"
done
for t in $tls; do list="$list tl:$t"; done
sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' "$WORK/man.txt" >"$WORK/synopsis"
for c in $list; do
	c=$(echo "$c" | tr ':' ' ')
	grep -q "valnode $c" "$WORK/synopsis" || fail "the synopsis lacks valnode $c"
	# shellcheck disable=SC2086
	"$VN" $c --help >"$WORK/help" 2>&1
	for o in $(grep -o -- '--[a-z][a-z-]*' "$WORK/help" | sort -u); do
		[ "$o" = --help ] && continue
		grep -q -- "$o" "$WORK/man.txt" || fail "valnode $c has $o, the man page does not say it"
	done
done

# ---- the systemd unit -----------------------------------------------------------
U="$R/usr/lib/systemd/system/valnode.service"
for l in "Type=simple" "ExecStart=/usr/bin/valnode serve --config /etc/valnode/valnode.conf" \
	'ExecReload=/bin/kill -HUP $MAINPID' "User=valnode" "NoNewPrivileges=yes" "ProtectSystem=strict" \
	"ReadWritePaths=/var/lib/valnode" "PrivateTmp=yes" "ProtectHome=yes" \
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" "CapabilityBoundingSet=" \
	"Documentation=man:valnode(1)" "WantedBy=multi-user.target"; do
	grep -qxF "$l" "$U" || fail "the unit lacks $l"
done
grep -q "^u valnode " "$R/usr/lib/sysusers.d/valnode.conf" || fail "no valnode user in sysusers.d"
command -v systemd-analyze >/dev/null 2>&1 || skip "systemd-analyze is not installed: the unit was not verified"
# The unit as installed names /usr/bin/valnode; verify it pointed at the
# DESTDIR binary, with the DESTDIR man page for Documentation=.
mkdir -p "$WORK/unit"
sed "s|^ExecStart=/usr/bin/valnode|ExecStart=$R/usr/bin/valnode|" "$U" >"$WORK/unit/valnode.service"
MANPATH="$R/usr/share/man" systemd-analyze verify "$WORK/unit/valnode.service" >"$WORK/verify.out" 2>&1 ||
	{ cat "$WORK/verify.out"; fail "systemd-analyze verify"; }
[ ! -s "$WORK/verify.out" ] || { cat "$WORK/verify.out"; fail "systemd-analyze verify warns"; }
echo ok
