-- wrk script of `make bench-api` (benchmarks/api.py): POST JSON bodies, one per
-- line of the file named by BENCH_BODIES, in turn; at the end print the figures
-- as one JSON object on a line of its own.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local bodies = {}
local path = os.getenv("BENCH_BODIES")
if path then
  for line in io.lines(path) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
end
if #bodies == 0 then bodies[1] = '{"facts": {}}' end

local next_body = 0

function request()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "requests_per_s": %.1f, ' ..
    '"latency_ms": {"mean": %.2f, "p50": %.2f, "p90": %.2f, "p95": %.2f, "p99": %.2f, ' ..
    '"max": %.2f}, "non_2xx": %d, "socket_errors": %d, "bodies": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout, #bodies))
end
