-- Neovim 0.7 smoke test for pagecheck's language server (run by test/editors.test.ts):
--   nvim --headless --clean -i NONE -c 'luafile test/editor/nvim-check.lua' FILE
-- Environment: PAGECHECK_SERVER (path to dist/server.js), PAGECHECK_ROOT_DIR (workspace root),
-- PAGECHECK_LINE / PAGECHECK_COL (1-based position of the test to hover), PAGECHECK_TIMEOUT_MS.
-- Prints one JSON object on stdout: diagnostics, hover text, code actions, timings; then quits.
local server = os.getenv('PAGECHECK_SERVER')
local root = os.getenv('PAGECHECK_ROOT_DIR')
local line = tonumber(os.getenv('PAGECHECK_LINE') or '1')
local col = tonumber(os.getenv('PAGECHECK_COL') or '1')
local timeout = tonumber(os.getenv('PAGECHECK_TIMEOUT_MS') or '20000')
local out = { errors = {} }
local t0 = vim.loop.hrtime()
local function ms() return math.floor((vim.loop.hrtime() - t0) / 1e6) end
local function finish()
  io.stdout:write(vim.fn.json_encode(out) .. '\n')
  io.stdout:flush()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'pagecheck',
    cmd = { 'node', server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'root' } },
    on_exit = function(code) out.server_exit = code end,
  })
  if not client_id then error('vim.lsp.start_client failed') end
  vim.lsp.buf_attach_client(buf, client_id)
  local got = vim.wait(timeout, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  out.diagnostics_ms = ms()
  if not got then table.insert(out.errors, 'no diagnostics within ' .. timeout .. ' ms') end
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(out.diagnostics, {
      line = d.lnum + 1, col = d.col + 1, severity = d.severity, message = d.message,
      source = d.source, code = d.code or lsp.code,
      href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
    })
  end

  -- Hover at the test.
  vim.api.nvim_win_set_cursor(0, { line, col - 1 })
  local params = vim.lsp.util.make_position_params()
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, timeout)
  local texts = {}
  for _, r in pairs(res or {}) do
    if r.err then table.insert(out.errors, 'hover: ' .. vim.inspect(r.err)) end
    if r.result and r.result.contents then
      local lines = vim.lsp.util.convert_input_to_markdown_lines(r.result.contents)
      table.insert(texts, table.concat(lines, '\n'))
    end
  end
  out.hover = table.concat(texts, '\n')
  out.hover_ms = ms()

  -- Code actions for the diagnostics on that line.
  local line_diags = vim.lsp.diagnostic.get_line_diagnostics(buf, line - 1)
  local cparams = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = line - 1, character = 0 }, ['end'] = { line = line - 1, character = #vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1] } },
    context = { diagnostics = line_diags },
  }
  local cres = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', cparams, timeout)
  out.actions = {}
  for _, r in pairs(cres or {}) do
    if r.err then table.insert(out.errors, 'codeAction: ' .. vim.inspect(r.err)) end
    for _, a in ipairs(r.result or {}) do
      table.insert(out.actions, { title = a.title, kind = a.kind or vim.NIL, has_edit = a.edit ~= nil })
    end
  end
  out.actions_ms = ms()
  vim.lsp.stop_client(client_id)
end)
if not ok then table.insert(out.errors, tostring(err)) end
finish()
