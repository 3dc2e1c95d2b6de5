-- fa-lsp in Neovim 0.7+ without plugins (docs/editors.md). Copy this file to
-- ~/.config/nvim/lua/fa_lsp.lua and call from init.lua:
--   require("fa_lsp").setup({ cmd = { "/path/to/build/dev/lsp/fa-lsp" } })
local M = {}

M.latest_snapshot = nil -- the newest framealloc/snapshot notification's payload

local function on_snapshot(_, result)
  M.latest_snapshot = result
  local s = result.snapshot
  vim.g.framealloc_status = string.format("frame %d: %d threads, %d tags", s.frame, #s.threads, #s.tags)
end

local client_id = nil

function M.setup(opts)
  opts = opts or {}
  local config = {
    name = "fa-lsp",
    cmd = opts.cmd or { "fa-lsp" },
    root_dir = opts.root_dir or vim.fn.getcwd(),
    -- Settings of docs/lsp.md; relative paths are under root_dir.
    init_options = vim.tbl_extend("force", {
      compileCommandsDir = "build/dev",
      snapshotDir = "target/framealloc",
      snapshotNotifications = true,
    }, opts.init_options or {}),
    handlers = {
      ["framealloc/snapshot"] = opts.on_snapshot or on_snapshot,
    },
  }
  vim.api.nvim_create_autocmd("FileType", {
    pattern = { "c", "cpp" },
    callback = function(args)
      if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
        client_id = vim.lsp.start_client(config)
      end
      vim.lsp.buf_attach_client(args.buf, client_id)
    end,
  })
end

return M
