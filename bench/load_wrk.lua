-- bench/load_wrk.lua: the wrk script of bench/load_run (issue 7 "Load"). One phase per wrk
-- run, chosen by LOAD_MODE: "get" (TAXII GET object by id), "page" (TAXII objects paging with
-- real `next` tokens) or "search" (GET /api/v1/search). Requests are drawn at random from the
-- lines of LOAD_INPUT (paths written by load_driver.py). LOAD_AUTH is the Authorization header
-- (HTTP Basic). done() writes the phase's numbers as JSON to LOAD_OUT.

local mode = os.getenv("LOAD_MODE") or "get"
local input = os.getenv("LOAD_INPUT")
local auth = os.getenv("LOAD_AUTH")
local out = os.getenv("LOAD_OUT")
local paths = {}
local threads = {}
non2xx = 0  -- per thread (global, so done() can read it through thread:get)

-- Runs in the main state, once per thread.
function setup(thread)
  threads[#threads + 1] = thread
end

local function read_lines(file)
  local lines = {}
  local f = assert(io.open(file, "r"), "cannot open " .. tostring(file))
  for line in f:lines() do
    if #line > 0 then lines[#lines + 1] = line end
  end
  f:close()
  return lines
end

-- Runs in each thread's own Lua state.
function init(args)
  paths = read_lines(input)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  wrk.headers["Authorization"] = auth
  if mode == "search" then
    wrk.headers["Accept"] = "application/json"
  else
    wrk.headers["Accept"] = "application/taxii+json;version=2.1"
  end
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

-- Every answer that is not 2xx is an error (wrk itself only counts status >= 400).
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

local function json_number(v)
  if v ~= v or v == math.huge or v == -math.huge then return "null" end
  return string.format("%.6g", v)
end

-- Runs once, in the main state, after the run.
function done(summary, latency, requests)
  local pcts = {0, 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5, 99.9, 99.99, 100}
  local points = {}
  for _, p in ipairs(pcts) do
    local us = (p == 100) and latency.max or (p == 0 and latency.min or latency:percentile(p))
    points[#points + 1] = string.format("[%s, %s]", json_number(p), json_number(us / 1000))
  end
  local e = summary.errors
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  local seconds = summary.duration / 1e6
  local body = string.format(
    '{"mode": "%s", "requests": %d, "duration_s": %s, "requests_per_s": %s, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"non_2xx": %d}, ' ..
    '"latency_ms": {"min": %s, "mean": %s, "stdev": %s, "p50": %s, "p90": %s, "p99": %s, ' ..
    '"p99_9": %s, "max": %s}, "percentiles_ms": [%s]}\n',
    mode, summary.requests, json_number(seconds), json_number(summary.requests / seconds),
    summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, bad,
    json_number(latency.min / 1000), json_number(latency.mean / 1000),
    json_number(latency.stdev / 1000), json_number(latency:percentile(50) / 1000),
    json_number(latency:percentile(90) / 1000), json_number(latency:percentile(99) / 1000),
    json_number(latency:percentile(99.9) / 1000), json_number(latency.max / 1000),
    table.concat(points, ", "))
  local f = assert(io.open(out, "w"))
  f:write(body)
  f:close()
end
