-- wrk script for scripts/bench-mixed: every connection's requests cycle
-- through the four anonymous pages; per-second response counts and
-- non-200 answers are gathered from every thread at the end.
local paths = {"/", "/api/v1/benchmarks", "/api/v1/leaderboard", "/healthz"}
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  next_path = id
  seconds = {}
  bad = 0
  started = os.time()
end

function request()
  next_path = next_path + 1
  return wrk.format("GET", paths[(next_path % #paths) + 1], {["Host"] = "aepo"})
end

function response(status, headers, body)
  local second = os.time() - started
  seconds[second] = (seconds[second] or 0) + 1
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local per_second, non_200, first = {}, 0, nil
  for _, thread in ipairs(threads) do
    non_200 = non_200 + thread:get("bad")
    for second, count in pairs(thread:get("seconds")) do
      per_second[second] = (per_second[second] or 0) + count
    end
  end
  local e = summary.errors
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("duration_us %d\n", summary.duration))
  io.write(string.format("errors %d connect %d read %d write %d timeout %d non_200 %d\n",
    e.connect + e.read + e.write + e.timeout + non_200, e.connect, e.read, e.write, e.timeout, non_200))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency_p%s_us %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("latency_max_us %d\n", latency.max))
  local counts = {}
  for second, count in pairs(per_second) do table.insert(counts, second .. ":" .. count) end
  io.write("per_second " .. table.concat(counts, " ") .. "\n")
end
