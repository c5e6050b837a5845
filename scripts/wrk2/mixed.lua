-- A DeathStarBench-style mix for Debian's wrk against a node's /wrk2-api (see docs/wrk2.md):
-- 60 % home-timeline reads, 30 % user-timeline reads, 10 % composes, by random users 1..N.
--
--   wrk -t2 -c32 -d30s -s scripts/wrk2/mixed.lua http://127.0.0.1:8081 [-- N]
--
-- N (the highest user id to pick) is the script argument after --, else $MAX_USER_INDEX, else
-- 961: socfb-Reed98 as scripts/dsb-load registers it has users 0..961. Texts stay short (our
-- tweets are at most 280 characters), and about one compose in five mentions @username_<id>,
-- which also delivers the post to that user's home timeline.

local HOME_SHARE, USER_SHARE = 0.60, 0.30
local charset = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
local max_user = 961

-- Each wrk thread runs its own copy of this script; the index keeps their random streams apart.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_index", threads)
end

function init(args)
  max_user = tonumber(args[1]) or tonumber(os.getenv("MAX_USER_INDEX")) or max_user
  math.randomseed(os.time() * 100 + (thread_index or 0))
end

local function random_string(length)
  local chars = {}
  for i = 1, length do
    local k = math.random(1, #charset)
    chars[i] = charset:sub(k, k)
  end
  return table.concat(chars)
end

local function random_user()
  return math.random(1, max_user)
end

-- application/x-www-form-urlencoded, as a browser or aiohttp would send it.
local function encode(value)
  return (tostring(value):gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function form(fields)
  local parts = {}
  for _, field in ipairs(fields) do parts[#parts + 1] = field[1] .. "=" .. encode(field[2]) end
  return table.concat(parts, "&")
end

local function read(timeline)
  local start = math.random(0, 10)
  local path = "/wrk2-api/" .. timeline .. "/read?user_id=" .. random_user() .. "&start=" .. start .. "&stop=" .. (start + 10)
  return wrk.format("GET", path)
end

local function compose()
  local user = random_user()
  local text = "wrk " .. random_string(math.random(20, 120))
  if math.random() < 0.2 then
    local mentioned = random_user()
    if mentioned ~= user then text = text .. " @username_" .. mentioned end
  end
  local media_ids, media_types = "[]", "[]"
  if math.random() < 0.3 then
    media_ids = '["' .. math.random(1, 999999999) .. '"]'
    media_types = '["png"]'
  end
  local body = form({
    {"username", "username_" .. user}, {"user_id", user}, {"text", text},
    {"media_ids", media_ids}, {"media_types", media_types}, {"post_type", 0}})
  return wrk.format("POST", "/wrk2-api/post/compose",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function request()
  local coin = math.random()
  if coin < HOME_SHARE then return read("home-timeline") end
  if coin < HOME_SHARE + USER_SHARE then return read("user-timeline") end
  return compose()
end
