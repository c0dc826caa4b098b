-- One request, repeated by wrk; bench/load.py describes it through the environment.
-- Counts answers whose status is not the expected one, stops a thread after a set number of
-- answers, and prints one machine-readable line at the end.
local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]])

local function now()
  local moment = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, moment) -- CLOCK_MONOTONIC
  return tonumber(moment.tv_sec) + tonumber(moment.tv_nsec) / 1e9
end
wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.path = os.getenv("BENCH_PATH") or "/"
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end
local body_file = os.getenv("BENCH_BODY_FILE") or ""
if body_file ~= "" then
  local file = assert(io.open(body_file, "rb"))
  wrk.body = file:read("*a")
  file:close()
end

-- Many people's requests in turn: lines of "path<TAB>If-None-Match" (the tag may be empty).
local rotation = {}
local paths_file = os.getenv("BENCH_PATHS_FILE") or ""
if paths_file ~= "" then
  for line in io.lines(paths_file) do
    local path, etag = line:match("^([^\t]+)\t?(.*)$")
    if path then table.insert(rotation, { path, etag }) end
  end
end
local position = 0

if #rotation > 0 then
  function request()
    position = position % #rotation + 1
    local entry = rotation[position]
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    if entry[2] ~= "" then headers["If-None-Match"] = entry[2] end
    return wrk.format(nil, entry[1], headers)
  end
end

local expected = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "200")
local limit = tonumber(os.getenv("BENCH_MAX_PER_THREAD") or "0")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  answers = 0
  unexpected = 0
  started = now()
  stopped_after = 0 -- seconds; stays 0 unless the thread reaches its limit of answers
end

function response(status, headers, body)
  answers = answers + 1
  if status ~= expected then
    unexpected = unexpected + 1
  end
  if limit > 0 and answers >= limit and stopped_after == 0 then
    stopped_after = now() - started
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local unexpected_total = 0
  -- wrk waits out --duration even when every thread stopped early, so its own duration
  -- would understate the rate; then the window is the longest a thread ran instead.
  local all_stopped, longest = true, 0
  for _, thread in ipairs(threads) do
    unexpected_total = unexpected_total + thread:get("unexpected")
    local ran = thread:get("stopped_after")
    if ran == 0 then all_stopped = false end
    if ran > longest then longest = ran end
  end
  local duration = summary.duration
  if all_stopped and longest > 0 then duration = longest * 1e6 end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p99_us": %.1f, '
      .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "unexpected": %d}\n',
    summary.requests, duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.timeout, unexpected_total
  ))
end
