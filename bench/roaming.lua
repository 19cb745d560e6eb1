-- wrk script: history pages of 50 (messageroaming), each connection's thread
-- walking conversations page by page with next_key, as a back-filling client
-- does.  wrk costs far less CPU per request than a GLib/libsoup client, so on a
-- 2-core machine it shows what the server itself can serve.
-- Argument: a file of "user token queue" lines written by server-bench.
local convs, conv, cursor = {}, nil, nil

function init(args)
  for line in io.lines(args[1]) do
    local user, token, queue = line:match("^(%S+) (%S+) (%S+)$")
    convs[#convs + 1] = { user = user, token = token, queue = queue }
  end
  conv = convs[math.random(#convs)]
end

function request()
  local start = cursor and ('"' .. cursor .. '"') or "-1"
  local body = '{"queue":"' .. conv.queue .. '","start":' .. start ..
    ',"pull_number":50,"is_positive":false,"msgType":"","end":-1,' ..
    '"startTime":null,"endTime":null,"userId":null}'
  return wrk.format("POST", "/org1/app1/users/" .. conv.user .. "/messageroaming",
    { ["Authorization"] = "Bearer " .. conv.token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status ~= 200 then
    error("HTTP " .. status .. ": " .. body)
  end
  if body:find('"is_last":true', 1, true) then
    conv, cursor = convs[math.random(#convs)], nil
  else
    cursor = body:match('"next_key":"(%d+)"')
  end
end
