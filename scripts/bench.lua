-- wrk script of the benchmark (scripts/bench.py): browser-like requests over the paths in
-- BENCH_PATHS (one per line; each request takes the next), and at the end one line
-- "BENCH_JSON {...}" with throughput, latency percentiles, errors and bytes per answer.

local paths = {}
for line in string.gmatch(os.getenv("BENCH_PATHS") or "/", "[^\n]+") do
  table.insert(paths, line)
end

local page_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
local requests = {}
for i, path in ipairs(paths) do
  -- what a browser sends: compressed answers, German first; the API's clients ask for JSON
  -- (with text/html, DRF would render its browsable page instead)
  local accept = page_accept
  if string.find(path, "geojson", 1, true) then
    accept = "application/geo+json, application/json;q=0.9"
  elseif string.sub(path, 1, 5) == "/api/" then
    accept = "application/json"
  end
  requests[i] = wrk.format("GET", path, {
    ["Accept"] = accept,
    ["Accept-Encoding"] = "gzip, deflate, br",
    ["Accept-Language"] = "de-DE,de;q=0.9,en;q=0.8",
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) fabtown-bench",
  })
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local counter = 0
statuses = {}
function init(args)
  counter = math.random(#requests) - 1 -- threads start at different paths
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local function json_object(values)
  local parts = {}
  for key, value in pairs(values) do
    table.insert(parts, string.format("%q: %s", key, tostring(value)))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, _requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses") or {}
    for key, n in pairs(seen) do
      counts[key] = (counts[key] or 0) + n
    end
  end
  local seconds = summary.duration / 1e6
  local n = summary.requests
  local result = {
    requests = n,
    seconds = string.format("%.3f", seconds),
    rps = string.format("%.2f", n / seconds),
    p50_ms = string.format("%.2f", latency:percentile(50) / 1000),
    p90_ms = string.format("%.2f", latency:percentile(90) / 1000),
    p95_ms = string.format("%.2f", latency:percentile(95) / 1000),
    p99_ms = string.format("%.2f", latency:percentile(99) / 1000),
    max_ms = string.format("%.2f", latency.max / 1000),
    mean_ms = string.format("%.2f", latency.mean / 1000),
    bytes_per_answer = n > 0 and math.floor(summary.bytes / n) or 0,
    non_2xx_3xx = summary.errors.status,
    socket_connect = summary.errors.connect,
    socket_read = summary.errors.read,
    socket_write = summary.errors.write,
    socket_timeout = summary.errors.timeout,
    statuses = json_object(counts),
  }
  io.write("BENCH_JSON " .. json_object(result) .. "\n")
end
