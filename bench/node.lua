-- wrk script of `make bench` (bench/run): POSTs the body in the file named
-- by the BODY environment variable to /v1/validate over keep-alive
-- connections. It has no per-response callback: reading every answer into
-- Lua would cost the load generator, on the same two cores, a good part of
-- what the node spends. Answers are judged by the node's own counters
-- instead (bench/run reads /metrics before and after: every validation
-- must be TOTAL-PASSED and every answer 200); wrk's socket errors and
-- non-2xx answers are counted here as well.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.path = "/v1/validate"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("wrk_requests %d\n", summary.requests))
	io.write(string.format("wrk_req_per_s %.3f\n", summary.requests / (summary.duration / 1e6)))
	io.write(string.format("wrk_p50_ms %.3f\n", latency:percentile(50) / 1e3))
	io.write(string.format("wrk_p99_ms %.3f\n", latency:percentile(99) / 1e3))
	io.write(string.format("wrk_socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
	io.write(string.format("wrk_status_errors %d\n", e.status))
end
