-- wrk posts prepared binds with this script, each bind once (bench/bind_throughput.ts writes them).
-- Arguments: the file of binds, one a line as "<cookie>\t<form body>", and wrk's thread count; thread
-- n of N posts lines n, n + N, n + 2N... (the bench runs one). A 303 is a bind that went through;
-- anything else is refused.
-- A thread that has posted all of its binds asks for /login instead, counted as `spare`: the bench
-- prepares more binds than its seconds can take, so a spare means it prepared too few.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1]))
  local count = tonumber(args[2])
  binds = {}
  local line = 0
  for text in file:lines() do
    if line % count == id then table.insert(binds, text) end
    line = line + 1
  end
  file:close()
  posted, bound, refused, spare = 0, 0, 0, 0
end

function request()
  posted = posted + 1
  local bind = binds[posted]
  if bind == nil then
    spare = spare + 1
    return wrk.format("GET", "/login")
  end
  local cookie, body = bind:match("^([^\t]*)\t(.*)$")
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("POST", "/oauth_callback", headers, body)
end

function response(status)
  if status == 303 then
    bound = bound + 1
  elseif status ~= 200 then
    refused = refused + 1
  end
end

function done(summary)
  local total = { bound = 0, refused = 0, spare = 0 }
  for _, thread in ipairs(threads) do
    for name in pairs(total) do total[name] = total[name] + thread:get(name) end
  end
  io.write(string.format(
    "binds: {\"bound\":%d,\"refused\":%d,\"spare\":%d,\"seconds\":%.6f}\n",
    total.bound, total.refused, total.spare, summary.duration / 1e6
  ))
end
