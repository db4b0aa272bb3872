-- wrk script of the orders benchmark (bench/orders.bench.ts): POST /orders of one rental line,
-- a random 1-7 day period in 2031, and a count of the answers by status, summed over the threads.
-- Environment: ORDERS_LOCATION, ORDERS_LISTING, ORDERS_KEY, ORDERS_SEED, ORDERS_RATE, ORDERS_THREADS.
--
-- ORDERS_RATE (orders/s in all, 0 = as fast as answers come) paces the load: run with one
-- connection per thread (-t = -c = ORDERS_THREADS), each connection sends on a schedule of its own (due times
-- RATE/threads apart, the first at a random offset) and waits when it is early; a late answer
-- makes the next request go at once. Each answer's latency is then measured from when its
-- request was due, not when it was sent, so a backlog counts in full (no coordinated omission);
-- done() prints those latencies' p50 and p99.
local DAY = 86400
local YEAR = 1925028000 -- 2031-01-01T10:00:00Z
local location = os.getenv("ORDERS_LOCATION")
local listing = os.getenv("ORDERS_LISTING")
local key = os.getenv("ORDERS_KEY")
local rate = tonumber(os.getenv("ORDERS_RATE") or "0")
-- ORDERS_YEAR=1 books in 2032 instead (a run that should not meet the bookings of an earlier one).
local year_start = YEAR + tonumber(os.getenv("ORDERS_YEAR") or "0") * 365 * DAY
local paced_threads = tonumber(os.getenv("ORDERS_THREADS") or "1")
local threads = {}
local counter = 0

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } orders_timespec;
int clock_gettime(int clock_id, orders_timespec *tp);
]]
local clock = ffi.new("orders_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local function iso(t)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", t)
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local interval, due, sent_due

function init(args)
  math.randomseed(tonumber(os.getenv("ORDERS_SEED") or "13") * 1000 + id)
  created, refused, failed = 0, 0, 0
  latencies = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. key
end

if rate > 0 then
  function delay()
    if not interval then
      interval = 1000 * paced_threads / rate
      due = now_ms() + math.random() * interval
    end
    local wait = due - now_ms()
    return wait > 0 and math.floor(wait) or 0
  end
end

function request()
  if rate > 0 then
    sent_due = due or now_ms()
    due = sent_due + (interval or 0)
  end
  local start = year_start + math.random(0, 357) * DAY
  local stop = start + math.random(1, 7) * DAY
  local body = '{"customer":{"name":"Bench"},"channel":"admin","locationId":"' .. location ..
    '","lines":[{"listingId":"' .. listing .. '","quantity":1,"start":"' .. iso(start) ..
    '","end":"' .. iso(stop) .. '"}]}'
  return wrk.format(nil, "/api/v1/orders", nil, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 409 then
    refused = refused + 1
  else
    failed = failed + 1
  end
  if rate > 0 and sent_due then latencies[#latencies + 1] = now_ms() - sent_due end
end

function done(summary, latency, requests)
  local c, r, f = 0, 0, 0
  local all = {}
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    r = r + t:get("refused")
    f = f + t:get("failed")
    for _, l in ipairs(t:get("latencies")) do all[#all + 1] = l end
  end
  io.write(string.format("orders: created %d refused %d failed %d\n", c, r, f))
  if rate > 0 and #all > 0 then
    table.sort(all)
    local function pct(p) return all[math.max(1, math.ceil(#all * p / 100))] end
    io.write(string.format("paced: answers %d p50 %.2f ms p90 %.2f ms p99 %.2f ms\n", #all, pct(50), pct(90), pct(99)))
  end
end
