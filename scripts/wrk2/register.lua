-- Registrations through the public API for Debian's wrk: every request is POST /users with a
-- user id no one has used yet, so each one starts a new entity and persists its first event.
--
--   wrk -t2 -c32 -d10s -s scripts/wrk2/register.lua http://127.0.0.1:8081 [-- PREFIX]
--
-- PREFIX (default: the time in seconds) keeps the ids of separate runs apart; each wrk thread
-- adds its own index, so no two requests of a run carry the same id.

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_index", threads)
end

local prefix, counter = "r", 0
function init(args)
  prefix = (args[1] or ("r" .. os.time())) .. "t" .. (thread_index or 0) .. "n"
end

function request()
  counter = counter + 1
  local id = prefix .. counter
  return wrk.format("POST", "/users", { ["Content-Type"] = "application/json" },
    '{"id":"' .. id .. '","name":"user ' .. id .. '"}')
end
