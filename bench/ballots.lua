-- wrk script for bench/api_bench.sh (args: directory, round): each wrk thread
-- replays its own file of ballot requests signed in advance (token, path,
-- Idempotency-Key, body per line) and counts the ones appended (201) and
-- anything else.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(args[1] .. "/ballots-" .. args[2] .. "-" .. id .. ".tsv") do
    local token, path, key, body = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)")
    requests[#requests + 1] = wrk.format("POST", path, {
      ["Authorization"] = "Bearer " .. token,
      ["Idempotency-Key"] = key,
      ["Content-Type"] = "application/json",
    }, body)
  end
  index = 0
  created = 0
  other = 0
end

function request()
  index = index + 1
  if index > #requests then index = 1 end  -- a repeat is a replay (200), counted apart
  return requests[index]
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("ballots appended: %d, other responses: %d, seconds: %.2f, appended/s: %.1f\n",
    c, o, summary.duration / 1e6, c / (summary.duration / 1e6)))
end
