-- wrk script of `make bench` (bench/run): POSTs the body in the file named
-- by the BODY environment variable to /v1/validate, keep-alive, and counts
-- as an error every answer that is not 200 with a TOTAL-PASSED verdict.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.path = "/v1/validate"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

local threads = {}
function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	bad = 0
end

function response(status, headers, body)
	-- The top-level indication is the worst of all signatures.
	if status ~= 200 or not string.find(body, '{"indication":"TOTAL-PASSED"', 1, true) then
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local n = 0
	for _, t in ipairs(threads) do
		n = n + t:get("bad")
	end
	local e = summary.errors
	local sock = e.connect + e.read + e.write + e.timeout
	io.write(string.format("wrk_requests %d\n", summary.requests))
	io.write(string.format("wrk_req_per_s %.3f\n", summary.requests / (summary.duration / 1e6)))
	io.write(string.format("wrk_p50_ms %.3f\n", latency:percentile(50) / 1e3))
	io.write(string.format("wrk_p99_ms %.3f\n", latency:percentile(99) / 1e3))
	io.write(string.format("wrk_errors %d\n", n + sock))
end
