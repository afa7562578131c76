-- wrk script for the query bench (scripts/bench/query-latency.ts): each connection is one client
-- that asks for the next path of PATHS (a file, one path a line), then pauses before its next
-- request: THINK ms exactly (PAUSES=fixed) or drawn from an exponential distribution of that mean
-- (PAUSES=random). The first pause of each connection is spread over THINK ms, as the Node clients
-- start staggered: fifty requests at the same millisecond would make a queue of their own.
-- Prints one line: `requests N errors N p50 X p99 Y` (milliseconds).
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local think = tonumber(os.getenv("THINK"))
local random = os.getenv("PAUSES") == "random"
local first = tonumber(os.getenv("CONNECTIONS_PER_THREAD"))
local headers = { ["Authorization"] = "Bearer " .. os.getenv("KEY") }
local i = 0
local delays = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], headers)
end

function delay()
  delays = delays + 1
  if random then return math.floor(-math.log(1 - math.random()) * think) end
  if delays <= first then return math.floor(math.random() * think) end
  return think
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d errors %d p50 %.3f p99 %.3f\n", summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
