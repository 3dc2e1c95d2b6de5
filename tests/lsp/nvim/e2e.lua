-- End to end with a real LSP client: headless Neovim 0.7 runs fa-lsp through vim.lsp.start_client.
-- Run with `nvim --headless -u NONE -c "luafile e2e.lua"`; parameters come from the environment:
--   FA_LSP      the fa-lsp binary
--   FA_MODE     "diagnostics": open FA_FIXTURE and compare the diagnostics with its `// expect: FAxxx`
--               comments; "snapshots": write snapshot files into FA_WORK/target/framealloc and
--               compare the framealloc/snapshot notifications received
--   FA_DB       compile_commands.json directory (diagnostics)
--   FA_FIXTURE  C++ file with `// expect:` comments (diagnostics)
--   FA_EXAMPLE  a valid snapshot file (snapshots)
--   FA_WORK     scratch directory (workspace root)
-- Prints "nvim e2e ok" and exits 0 on success; prints FAIL lines and exits 1 otherwise. Every wait is
-- bounded (vim.wait with a timeout), so a hang becomes a failure, not a stuck test.

local env = function(name)
  local v = os.getenv(name)
  if v == nil or v == '' then
    error('environment variable ' .. name .. ' is not set')
  end
  return v
end

local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

local function wait_for(what, timeout_ms, cond)
  if not vim.wait(timeout_ms, cond, 20) then
    error('timeout after ' .. timeout_ms .. ' ms waiting for ' .. what)
  end
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local function write_file(path, text)
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

-- Starts fa-lsp with `init_options` and extra `handlers`; returns the client id once initialized.
local function start(init_options, handlers)
  local work = env('FA_WORK')
  vim.fn.mkdir(work, 'p')
  local initialized = false
  local exit_code = nil
  local id = vim.lsp.start_client({
    name = 'fa-lsp',
    cmd = { env('FA_LSP') },
    root_dir = work,
    init_options = init_options,
    handlers = handlers,
    on_init = function()
      initialized = true
    end,
    on_exit = function(code)
      exit_code = code
    end,
  })
  if id == nil then
    error('vim.lsp.start_client failed')
  end
  wait_for('initialize', 20000, function()
    return initialized or exit_code ~= nil
  end)
  if not initialized then
    error('fa-lsp exited during initialize with code ' .. tostring(exit_code))
  end
  return id, function()
    return exit_code
  end
end

local function stop(id, exit_code)
  vim.lsp.stop_client(id)
  wait_for('fa-lsp to exit', 10000, function()
    return exit_code() ~= nil
  end)
  if exit_code() ~= 0 then
    error('fa-lsp exit code ' .. tostring(exit_code()) .. ' after shutdown/exit (expected 0)')
  end
end

-- Run 1: the fixture's known mistakes arrive as diagnostics on the right lines, with the right codes.
local function diagnostics_run()
  local fixture = env('FA_FIXTURE')
  local expected = {}
  local lnum = 0
  for line in (read_file(fixture) .. '\n'):gmatch('([^\n]*)\n') do
    local code = line:match('// expect: (FA%d%d%d)')
    if code then
      table.insert(expected, string.format('%s@%d', code, lnum + 1))
    end
    lnum = lnum + 1
  end
  if #expected == 0 then
    error('fixture has no // expect: comments')
  end

  local published = 0
  local default = vim.lsp.handlers['textDocument/publishDiagnostics']
  local id, exit_code = start({ compileCommandsDir = env('FA_DB'), debounceMs = 0 }, {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      default(err, result, ctx, config)  -- into vim.diagnostic, as a user would see them
      published = published + 1
    end,
  })

  vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
  vim.bo.filetype = 'cpp'
  local buf = vim.api.nvim_get_current_buf()
  if not vim.lsp.buf_attach_client(buf, id) then
    error('buf_attach_client failed')
  end
  wait_for('publishDiagnostics', 180000, function()
    return published > 0
  end)

  local got = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source ~= 'fa-check' then
      error('diagnostic with source ' .. tostring(d.source))
    end
    table.insert(got, string.format('%s@%d', tostring(d.code), d.lnum + 1))
  end
  table.sort(got)
  table.sort(expected)
  local got_s, expected_s = table.concat(got, ' '), table.concat(expected, ' ')
  out('diagnostics received: ' .. got_s)
  if got_s ~= expected_s then
    error('diagnostics differ from the fixture: expected ' .. expected_s .. ', got ' .. got_s)
  end
  stop(id, exit_code)
end

-- Run 2: snapshot files written into the watched directory arrive as framealloc/snapshot
-- notifications, in order, each with its delta against the previous frame.
local function snapshots_run()
  local dir = env('FA_WORK') .. '/target/framealloc'
  -- Files left by an earlier run in the same build tree would be replayed at start-up.
  vim.fn.delete(dir, 'rf')
  vim.fn.mkdir(dir, 'p')
  local example = read_file(env('FA_EXAMPLE'))
  local received = {}
  local id, exit_code = start({ snapshotNotifications = true }, {
    ['framealloc/snapshot'] = function(_, result)
      local from = result.delta ~= vim.NIL and result.delta ~= nil and result.delta.from_frame or 'none'
      table.insert(received, string.format('%d<-%s', result.snapshot.frame, tostring(from)))
    end,
  })

  local frames = { 100, 101, 105 }
  -- A malformed file in between must be skipped without disturbing the feed.
  write_file(dir .. '/snapshot_000102.json', '{"version": 1, "frame": ')
  for i, frame in ipairs(frames) do
    local text, n = example:gsub('"frame": %d+', '"frame": ' .. frame, 1)
    if n ~= 1 then
      error('example snapshot has no "frame" member')
    end
    -- Written under a temporary name and renamed in, as SnapshotEmitter publishes.
    local tmp = string.format('%s/.tmp_%d', dir, frame)
    write_file(tmp, text)
    assert(os.rename(tmp, string.format('%s/snapshot_%06d.json', dir, frame)))
    wait_for('the notification for frame ' .. frame, 20000, function()
      return #received >= i
    end)
  end
  local got = table.concat(received, ' ')
  out('snapshots received: ' .. got)
  if got ~= '100<-none 101<-100 105<-101' then
    error('unexpected snapshot notifications: ' .. got)
  end
  stop(id, exit_code)
end

local ok, err = pcall(function()
  local mode = env('FA_MODE')
  if mode == 'diagnostics' then
    diagnostics_run()
  elseif mode == 'snapshots' then
    snapshots_run()
  else
    error('unknown FA_MODE ' .. mode)
  end
end)
if ok then
  out('nvim e2e ok')
  vim.cmd('qall!')
else
  out('FAIL: ' .. tostring(err))
  vim.cmd('cquit 1')
end
