# Reads interop/openapi.yaml (given twice: awk -f openapi.awk F F) and prints
# what the contract documents, one tab-separated line per fact:
#   path    PATH
#   op      PATH METHOD
#   resp    PATH METHOD CODE MEDIA REQUIRED-FIELDS HEADERS
# REQUIRED-FIELDS are the top-level members the body's schema requires
# (its own `required` and those of the schemas an allOf names), HEADERS the
# response headers listed for it, both comma separated ("-" for none).
#
# The YAML is ours and stays in a strict subset, which this program checks
# and refuses otherwise (exit 2, naming the line): two-space indentation, no
# tabs, no anchors or aliases, `required` always as a flow list [a, b],
# responses keyed by quoted three-digit codes, each either
# `{ $ref: "#/components/responses/NAME" }` or a block with `content`.
# A file outside the subset is an error here, not a silent gap in the test.

function die(msg) {
	printf "openapi.awk: line %d: %s\n", FNR, msg > "/dev/stderr"
	bad = 1
	exit 2
}
function indent(s) { match(s, /^ */); return RLENGTH }
function key(s,    k) { k = s; sub(/^ *(- )?/, "", k); sub(/:.*/, "", k); gsub(/"/, "", k); return k }
function ref(s, kind,    r) {
	if (s !~ "\\$ref: \"#/components/" kind "/[A-Za-z0-9_-]+\"")
		return ""
	r = s
	sub(".*#/components/" kind "/", "", r)
	sub(/".*/, "", r)
	return r
}
function flow(s,    v) {
	v = s
	if (v !~ /: \[[^]]*\] *$/)
		die("`required` must be a flow list [a, b]")
	sub(/^[^[]*\[/, "", v)
	sub(/\].*$/, "", v)
	gsub(/ /, "", v)
	return v
}
function addto(a, v) { return v == "" ? a : a == "" ? v : a "," v }
# The required members of schema S, following allOf names (depth-limited).
function required_of(s, depth,    out, n, i, parts) {
	if (depth > 8)
		die("allOf nests too deep at schema " s)
	out = sreq[s]
	n = split(sall[s], parts, ",")
	for (i = 1; i <= n; i++)
		if (parts[i] != "")
			out = addto(out, required_of(parts[i], depth + 1))
	return out
}
function dash(v) { return v == "" ? "-" : v }

{
	if ($0 ~ /\t/)
		die("a tab character")
	line = $0
	sub(/ +$/, "", line)
	if (line ~ /^ *#/ || line == "")
		next
	ind = indent(line)
	if (ind % 2)
		die("indentation is not a multiple of two")
	if (line ~ /^---/ || line ~ /: [&*][A-Za-z]/ || line ~ /^ *- [&*]/)
		die("anchors, aliases and documents are outside the subset")
	if (ind == 0)
		top = key(line)
}

# ---- pass 1: components ---------------------------------------------------
NR == FNR {
	if (top != "components")
		next
	if (ind == 2) {
		sect = key(line)
		next
	}
	if (ind == 4) {
		cur = key(line)
		sub4 = ""
		inall = 0
		next
	}
	if (sect == "headers") {
		if (ind == 6 && line ~ /^ *required: true$/)
			hreq[cur] = 1
	} else if (sect == "responses") {
		if (ind == 6)
			sub4 = key(line)
		else if (ind == 8 && sub4 == "headers")
			rhdr[cur] = addto(rhdr[cur], key(line))
		else if (ind == 8 && sub4 == "content") {
			if (rmedia[cur] != "")
				die("response " cur " documents two media types")
			rmedia[cur] = key(line)
		} else if (ind == 10 && sub4 == "content" && key(line) == "schema") {
			r = ref(line, "schemas")
			if (r == "" && line !~ /schema: \{ *type: string *\}/)
				die("a component response's schema is a $ref or { type: string }")
			rschema[cur] = r
		}
	} else if (sect == "schemas") {
		if (ind == 6 && key(line) == "required")
			sreq[cur] = addto(sreq[cur], flow(line))
		else if (ind == 6)
			inall = key(line) == "allOf"
		else if (ind == 8 && inall && line ~ /^ *- \$ref:/)
			sall[cur] = addto(sall[cur], ref(line, "schemas"))
		else if (ind == 10 && inall && key(line) == "required")
			sreq[cur] = addto(sreq[cur], flow(line))
	}
	next
}

# ---- pass 2: paths ----------------------------------------------------------
function flush(    f) {
	if (code == "")
		return
	if (media == "")
		die("response " code " of " method " " path " has no content")
	f = required_of(schema, 0)
	f = addto(f, inreq)
	printf "resp\t%s\t%s\t%s\t%s\t%s\t%s\n", path, method, code, media, dash(f), dash(hdrs)
	code = ""
}

top != "paths" {
	flush()
	next
}
ind == 0 { next }
ind == 2 {
	flush()
	path = key(line)
	if (path !~ /^\//)
		die("a path that does not start with /")
	printf "path\t%s\n", path
	method = ""
	next
}
ind == 4 {
	flush()
	method = key(line)
	if (method !~ /^(get|put|post|delete|options|head|patch|trace)$/)
		die("unknown operation " method)
	method = toupper(method)
	printf "op\t%s\t%s\n", path, method
	inresp = 0
	next
}
ind == 6 {
	flush()
	inresp = key(line) == "responses"
	next
}
!inresp { next }
ind == 8 {
	flush()
	if (line !~ /^ *"[1-5][0-9][0-9]":/)
		die("a response not keyed by a quoted status code")
	code = key(line)
	media = schema = hdrs = inreq = sub10 = sub14 = ""
	r = ref(line, "responses")
	if (r != "") {
		if (!(r in rmedia))
			die("response " r " is not among the components")
		media = rmedia[r]
		schema = rschema[r]
		hdrs = rhdr[r]
	} else if (line !~ /: *$/)
		die("a response is a $ref to a component or a block")
	next
}
ind == 10 { sub10 = key(line); next }
ind == 12 && sub10 == "headers" { hdrs = addto(hdrs, key(line)); next }
ind == 12 && sub10 == "content" {
	if (media != "")
		die("two media types for one response")
	media = key(line)
	next
}
ind == 14 && sub10 == "content" && key(line) == "schema" {
	schema = ref(line, "schemas")
	sub14 = ""
	next
}
ind == 16 && sub10 == "content" {
	sub14 = key(line)
	if (sub14 == "required")
		inreq = addto(inreq, flow(line))
	next
}
ind == 18 && sub14 == "allOf" && line ~ /^ *- \$ref:/ {
	schema = ref(line, "schemas")
	next
}
ind == 20 && sub14 == "allOf" && key(line) == "required" {
	inreq = addto(inreq, flow(line))
	next
}

END {
	if (bad)
		exit 2
	flush()
	for (h in hreq)
		printf "reqhdr\t%s\n", h
}
