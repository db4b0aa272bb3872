-- wrk script of the orders benchmark (bench/orders.bench.ts): POST /orders of one rental line,
-- a random 1-7 day period in 2031, and a count of the answers by status, summed over the threads.
-- Environment: ORDERS_LOCATION, ORDERS_LISTING, ORDERS_KEY, ORDERS_SEED.
local DAY = 86400
local YEAR = 1925028000 -- 2031-01-01T10:00:00Z
local location = os.getenv("ORDERS_LOCATION")
local listing = os.getenv("ORDERS_LISTING")
local key = os.getenv("ORDERS_KEY")
local threads = {}
local counter = 0

local function iso(t)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", t)
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(tonumber(os.getenv("ORDERS_SEED") or "13") * 1000 + id)
  created, refused, failed = 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. key
end

function request()
  local start = YEAR + math.random(0, 357) * DAY
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
end

function done(summary, latency, requests)
  local c, r, f = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    r = r + t:get("refused")
    f = f + t:get("failed")
  end
  io.write(string.format("orders: created %d refused %d failed %d\n", c, r, f))
end
