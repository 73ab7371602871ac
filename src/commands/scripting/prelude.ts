/**
 * The Lua side of the scripting engine, run once when the VM is made (chunk name `=redmesh`, so the
 * error handler can tell these frames from user code). It receives the JS-implemented functions in
 * a table and returns the pieces the engine keeps in the registry.
 *
 * Why some of this is Lua: a Lua error is a longjmp and must never cross a JS callback's frames. A
 * JS function that must fail (redis.call of a failing command, bad arguments) hands its error to
 * `arm`, which sets a return hook; the hook fires as the C function returns — while its frame is
 * still the one below user code, exactly where Redis's C function would have raised — and raises
 * the error from Lua. The sandbox (Redis 7.0's globals protection and readonly tables) is emulated
 * with proxies, since Debian's Lua lacks Redis's lua_enablereadonlytable patch.
 */
export const PRELUDE = String.raw`
local js = ...
local dbg = debug
local sethook, getinfo = dbg.sethook, dbg.getinfo
local error, type, tostring, tonumber, rawget, rawset, setmetatable, pairs, select, setfenv =
  error, type, tostring, tonumber, rawget, rawset, setmetatable, pairs, select, setfenv
local opcall = pcall
local INTERNAL = '=redmesh'

-- Raising on behalf of a JS function: see the comment at the top of prelude.ts.
local pending, pendingWhere
local arm
local function raiseHook()
  local f = getinfo(2, 'f')
  if f == nil or f.func == sethook or f.func == arm then return end
  sethook()
  js.restoreHook()
  local e = pending
  pending = nil
  if pendingWhere then
    -- luaL_error's luaL_where(L, 1): the position of the C function's caller.
    local i = getinfo(3, 'Sl')
    if i and i.currentline > 0 then e = i.short_src .. ':' .. i.currentline .. ': ' .. e end
  end
  error(e, 0)
end
arm = function(e, where)
  pending = e
  pendingWhere = where
  sethook(raiseHook, 'r')
end

-- eval.c's __redis__err__handler: the error as a table with where it happened (the caller of a C
-- function). Frames of this chunk stand for the C functions Redis has there. 'info(level)' reads
-- the frame at 'level' as the handler would see it (2: the function that raised).
local function locate(info, err)
  local level = 2
  local i = info(level)
  if i and i.what == 'C' then
    level = 3
    i = info(level)
  end
  if i and i.source == INTERNAL then
    level = level + 1
    i = info(level)
    if i and i.what == 'C' then i = info(level + 1) end
  end
  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
local function errorHandler(err)
  local e = locate(function(level) return getinfo(level + 2, 'nSl') end, err)
  return e
end
-- The same for a script's coroutine that died of the error: its frames are still there, the one
-- that raised at level 0.
local function threadErrorHandler(co, err)
  local e = locate(function(level) return getinfo(co, level - 2, 'nSl') end, err)
  return e
end
-- Where a suspended script stands (SCRIPT KILL's error): its innermost frame of user code, and
-- that frame's level.
local function suspendedAt(co)
  for level = 0, 200 do
    local i = getinfo(co, level, 'Sl')
    if i == nil then return nil end
    if i.what ~= 'C' and i.what ~= 'tail' and i.source ~= INTERNAL then return i.source, i.currentline, level end
  end
end

local function readonlyError() error('Attempt to modify a readonly table', 2) end
local function missingGlobal(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end

-- A readonly view of a table (recursively for nested tables), as lua_enablereadonlytable makes it.
local views = setmetatable({}, {__mode = 'k'})
local function readonly(t)
  if type(t) ~= 'table' then return t end
  if views[t] then return views[t] end
  local inner = {}
  for k, v in pairs(t) do inner[k] = readonly(v) end
  local view = setmetatable({}, {__index = inner, __newindex = readonlyError, __metatable = false})
  views[t] = view
  views[view] = view
  return view
end

-- Redis 7.0's pcall: an error table is replaced by its err string.
local function pcallResult(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' then
    local m = e.err
    if type(m) == 'string' or type(m) == 'number' then e = m end
  end
  return false, e
end

-- Scripts run in coroutines so that the time-limit hook can suspend them (engine.ts). The threads
-- that run user code for the engine -- the script's own and pcall's -- map to the coroutine user code
-- believes it runs in (false: the main thread, where Redis runs scripts).
local cocreate, coresume, costatus, coyield, corunning =
  coroutine.create, coroutine.resume, coroutine.status, coroutine.yield, coroutine.running
local owner = setmetatable({}, {__mode = 'k'})
local function userRunning()
  local co = corunning()
  local o = owner[co]
  if o == nil then return co end
  if o == false then return nil end
  return o
end
-- Lua 5.1 refuses a yield across pcall or from the main thread: so do the engine's threads.
local function userYield(...)
  if owner[corunning()] ~= nil then error('attempt to yield across metamethod/C-call boundary', 0) end
  return coyield(...)
end

-- pcall as a coroutine, so a script spinning inside pcall can still be suspended: when its slice
-- ends (the only way one of these threads yields) the slice is passed up to the script's resumer,
-- or, where this thread cannot yield (inside a user coroutine or a C call), it simply goes on.
-- Results and errors are pcall's. Deep nesting falls back to the C pcall (each level here is a
-- lua_resume on the C stack).
local MAX_PCALL_THREADS = 150
local pcallThreads = 0
local yieldable = js.yieldable
local function pcallFinish(co, ok, ...)
  if ok and costatus(co) == 'suspended' then
    if owner[corunning()] ~= nil and yieldable() then coyield() end
    return pcallFinish(co, coresume(co))
  end
  pcallThreads = pcallThreads - 1
  if ok then return true, ... end
  return pcallResult(false, ...)
end
-- Whether a function is C (coroutine.create refuses those; they run under the C pcall).
local cFunction = setmetatable({}, {__mode = 'k'})
local function isC(f)
  local c = cFunction[f]
  if c == nil then
    c = getinfo(f, 'S').what == 'C'
    cFunction[f] = c
  end
  return c
end
local function redisPcall(f, ...)
  if pcallThreads >= MAX_PCALL_THREADS or type(f) ~= 'function' or isC(f) then
    return pcallResult(opcall(f, ...))
  end
  pcallThreads = pcallThreads + 1
  local co = cocreate(f)
  local o = userRunning()
  if o == nil then o = false end
  owner[co] = o
  return pcallFinish(co, coresume(co, ...))
end
-- A killed script's pcall threads are dropped without finishing.
local function abandoned() pcallThreads = 0 end
local function adopt(co) owner[co] = false end

local mathlib = {}
for k, v in pairs(math) do mathlib[k] = v end
-- math.random / randomseed over Redis's rand48 (JS), so every arch sees the same sequence.
mathlib.random, mathlib.randomseed = js.random, js.randomseed

local function library(t)
  local copy = {}
  for k, v in pairs(t) do copy[k] = v end
  return copy
end

local LOG = {LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3}
local REPL = {REPL_NONE = 0, REPL_AOF = 1, REPL_SLAVE = 2, REPL_REPLICA = 2, REPL_ALL = 3}

local function redisApi(mode)
  local r = {}
  for k, v in pairs(LOG) do r[k] = v end
  r.log = js.log
  r.REDIS_VERSION = js.version
  r.REDIS_VERSION_NUM = js.versionNum
  r.setresp = js.setresp
  if mode == 'load' then
    r.register_function = js.register_function
    return r
  end
  r.call = js.call
  r.pcall = js.pcall
  r.sha1hex = js.sha1hex
  r.error_reply = js.error_reply
  r.status_reply = js.status_reply
  r.set_repl = js.set_repl
  r.acl_check_cmd = js.acl_check_cmd
  for k, v in pairs(REPL) do r[k] = v end
  if mode == 'eval' then
    r.replicate_commands = function() return true end
    r.breakpoint = function() return false end
    r.debug = function() end
  end
  return r
end

-- The globals a script sees, besides KEYS and ARGV (eval) or its library's own (functions).
local function baseGlobals(mode)
  local g = {}
  for _, name in ipairs({'xpcall', 'tostring', 'getfenv', 'setmetatable', 'next', 'assert', 'tonumber',
      'rawequal', 'collectgarbage', 'getmetatable', 'rawset', 'type', 'select', 'unpack', 'gcinfo',
      'pairs', 'rawget', 'loadstring', 'ipairs', '_VERSION', 'setfenv', 'load', 'error', 'newproxy'}) do
    g[name] = _G[name]
  end
  g.pcall = redisPcall
  local co = library(coroutine)
  co.yield, co.running = userYield, userRunning
  g.coroutine = readonly(co)
  g.string = readonly(library(string))
  g.table = readonly(library(table))
  g.math = readonly(mathlib)
  g.cjson = readonly(library(cjson))
  g.bit = readonly(library(bit))
  g.struct = readonly(js.struct)
  g.cmsgpack = readonly(js.cmsgpack)
  local api = redisApi(mode)
  if mode == 'load' then
    g.redis = setmetatable({}, {__index = setmetatable(api, {__index = missingGlobal}), __newindex = readonlyError, __metatable = false})
  else
    g.redis = readonly(api)
  end
  return g
end

-- An environment: reads fall through to 'visible' (missing names are an error), writes are refused.
local function environment(visible)
  setmetatable(visible, {__index = missingGlobal, __metatable = false})
  local env = setmetatable({}, {__index = visible, __newindex = readonlyError, __metatable = false})
  visible._G = env
  return env
end

local evalVisible = baseGlobals('eval')
local evalEnv = environment(evalVisible)
local fnVisible = baseGlobals('function')
local fnEnv = environment(fnVisible)
local loadRedis = baseGlobals('load').redis
local runRedis = fnVisible.redis

-- Runs an eval script: KEYS and ARGV are globals of its environment.
local function runEval(f, keys, argv)
  rawset(evalVisible, 'KEYS', keys)
  rawset(evalVisible, 'ARGV', argv)
  return f()
end

-- Loads a library: its code runs with the load-time redis API (register_function and little more).
local function loadLibrary(f)
  rawset(fnVisible, 'redis', loadRedis)
  local ok, err = opcall(f)
  rawset(fnVisible, 'redis', runRedis)
  if not ok then error(err, 0) end
end

-- The globals every script shares are cleared from the real table: only the environments hold them.
local G = _G
for k in pairs(G) do G[k] = nil end

local function bind(f, kind)
  setfenv(f, kind == 'eval' and evalEnv or fnEnv)
  return f
end

return {arm = arm, bind = bind, errorHandler = errorHandler, evalEnv = evalEnv, fnEnv = fnEnv, runEval = runEval,
  loadLibrary = loadLibrary, setfenv = setfenv, sethook = sethook, threadErrorHandler = threadErrorHandler,
  suspendedAt = suspendedAt, adopt = adopt, abandoned = abandoned, owner = owner}
`;
