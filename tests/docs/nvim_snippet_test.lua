-- docs_nvim_snippet: the Neovim config of docs/editors.md (docs/editors/fa_lsp.lua), called exactly
-- as the page says, gets fa-lsp's diagnostics and its framealloc/snapshot notifications.
-- Run from a project directory (build/dev/compile_commands.json) by
--   FA_LSP=... FA_SNIPPET_DIR=... FA_FIXTURE=... FA_SNAPSHOT_EXAMPLE=... nvim --headless -u NONE -c "luafile this"
local function env(name)
  local v = os.getenv(name)
  if v == nil or v == "" then
    io.stderr:write("FAIL: environment variable " .. name .. " is not set\n")
    vim.cmd("cquit 2")
  end
  return v
end

local function fail(msg)
  io.stderr:write("FAIL: " .. msg .. "\n")
  vim.cmd("cquit 1")
end

-- Start from an empty snapshot directory (the server also waits for one that does not exist yet).
local dir = vim.fn.getcwd() .. "/target/framealloc"
vim.fn.delete(dir, "rf")
vim.fn.mkdir(dir, "p")

vim.cmd("filetype on") -- -u NONE leaves detection off; a normal config has it on
package.path = env("FA_SNIPPET_DIR") .. "/?.lua;" .. package.path
require("fa_lsp").setup({ cmd = { env("FA_LSP") } })

vim.cmd("edit " .. vim.fn.fnameescape(env("FA_FIXTURE")))
local buf = vim.api.nvim_get_current_buf()
if vim.bo[buf].filetype ~= "cpp" then fail("fixture not detected as cpp") end

local function fa601()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == "FA601" then return d end
  end
end
if not vim.wait(120000, function() return fa601() ~= nil end, 100) then
  fail("no FA601 diagnostic within 120 s; got " .. vim.inspect(vim.diagnostic.get(buf)))
end
local d = fa601()
if d.lnum ~= 11 then fail("FA601 on line " .. (d.lnum + 1) .. ", expected 12") end
if d.source ~= "fa-check" then fail("diagnostic source " .. tostring(d.source)) end
io.stdout:write(string.format("diagnostic: %s line %d: %s\n", d.code, d.lnum + 1, d.message))

-- A snapshot file appearing in target/framealloc reaches the documented handler.
local src = assert(io.open(env("FA_SNAPSHOT_EXAMPLE"), "r"))
local text = src:read("*a")
src:close()
local tmp = dir .. "/.snapshot.tmp"
local out = assert(io.open(tmp, "w"))
out:write(text)
out:close()
assert(os.rename(tmp, dir .. "/snapshot_0000000000018421.json"))
local fa = require("fa_lsp")
if not vim.wait(30000, function() return fa.latest_snapshot ~= nil end, 100) then
  fail("no framealloc/snapshot notification within 30 s")
end
io.stdout:write("snapshot: " .. tostring(vim.g.framealloc_status) .. "\n")
io.stdout:write("docs_nvim_snippet ok\n")
vim.cmd("qall!")
