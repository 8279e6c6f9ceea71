-- Runs the README's Neovim setup in a real Neovim and reports what a user would get (test/editors.test.ts):
--   nvim --headless --clean -i NONE -c 'luafile test/editor/nvim-check.lua'
-- Environment:
--   PAGECHECK_SNIPPET   the README's Lua block, extracted to a file: sourced exactly as a user's init.lua would be
--   PAGECHECK_ROOT_DIR  the kernel-style tree; PAGECHECK_OPEN: files to open in order (comma-separated, relative)
--   PAGECHECK_LINE / PAGECHECK_COL  1-based position of the test to hover in the first file
--   PAGECHECK_WANT      client names whose diagnostics must arrive in every file (comma-separated)
--   PAGECHECK_TIMEOUT_MS
-- Prints one JSON object on stdout (per file: filetype, attached clients, diagnostics; hover and code actions per
-- client at the test; every client started), then quits.
local root = os.getenv('PAGECHECK_ROOT_DIR')
local open = vim.split(os.getenv('PAGECHECK_OPEN') or '', ',', { trimempty = true })
local want = vim.split(os.getenv('PAGECHECK_WANT') or 'pagecheck', ',', { trimempty = true })
local line = tonumber(os.getenv('PAGECHECK_LINE') or '1')
local col = tonumber(os.getenv('PAGECHECK_COL') or '1')
local timeout = tonumber(os.getenv('PAGECHECK_TIMEOUT_MS') or '20000')
local out = { errors = {}, files = {}, version = tostring(vim.version().major .. '.' .. vim.version().minor) }
local t0 = vim.loop.hrtime()
local function ms() return math.floor((vim.loop.hrtime() - t0) / 1e6) end

local function client_name(id)
  local c = vim.lsp.get_client_by_id(id)
  return c and c.name or ('client ' .. tostring(id))
end

local function get_clients(buf)
  if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = buf }) end
  return vim.tbl_values(vim.lsp.buf_get_clients(buf))
end

-- Diagnostics of `buf` by client name (the namespace of each client's diagnostics).
local function by_client(buf)
  local res = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    -- LSP diagnostics live in one namespace per client, named vim.lsp.<client name>.<client id>.
    local ns = vim.diagnostic.get_namespace(d.namespace)
    local who = ns and ns.name and ns.name:match('^vim%.lsp%.(.+)%.%d+$') or 'other'
    res[who] = res[who] or {}
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(res[who], { line = d.lnum + 1, code = d.code or lsp.code or vim.NIL, source = d.source or vim.NIL,
      message = d.message, href = (lsp.codeDescription or {}).href or vim.NIL })
  end
  return res
end

local ok, err = pcall(function()
  dofile(os.getenv('PAGECHECK_SNIPPET'))
  for i, rel in ipairs(open) do
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. rel))
    local buf = vim.api.nvim_get_current_buf()
    local got = vim.wait(timeout, function()
      local d = by_client(buf)
      for _, name in ipairs(want) do if not d[name] then return false end end
      return true
    end, 50)
    local f = { file = rel, filetype = vim.bo[buf].filetype, clients = {}, diagnostics = by_client(buf), ms = ms() }
    for _, c in ipairs(get_clients(buf)) do table.insert(f.clients, c.name) end
    table.sort(f.clients)
    if not got then table.insert(out.errors, rel .. ': not every client published diagnostics within ' .. timeout .. ' ms') end
    table.insert(out.files, f)

    if i == 1 then
      -- Hover and code actions at the ZONE_DEVICE test, each client's answer apart.
      vim.api.nvim_win_set_cursor(0, { line, col - 1 })
      local params = vim.lsp.util.make_position_params()
      out.hover = {}
      for id, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, timeout) or {}) do
        if r.err then table.insert(out.errors, 'hover ' .. client_name(id) .. ': ' .. vim.inspect(r.err)) end
        local text = ''
        if r.result and r.result.contents then
          text = table.concat(vim.lsp.util.convert_input_to_markdown_lines(r.result.contents), '\n')
        end
        out.hover[client_name(id)] = text
      end
      local diags = {}
      for _, d in ipairs(vim.diagnostic.get(buf, { lnum = line - 1 })) do
        local lsp = (d.user_data or {}).lsp
        if lsp then table.insert(diags, lsp) end
      end
      local text = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)[1]
      local cparams = {
        textDocument = { uri = vim.uri_from_bufnr(buf) },
        range = { start = { line = line - 1, character = 0 }, ['end'] = { line = line - 1, character = #text } },
        context = { diagnostics = diags },
      }
      out.actions = {}
      for id, r in pairs(vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', cparams, timeout) or {}) do
        if r.err then table.insert(out.errors, 'codeAction ' .. client_name(id) .. ': ' .. vim.inspect(r.err)) end
        local list = {}
        for _, a in ipairs(r.result or {}) do
          local codes = {}
          for _, d in ipairs(a.diagnostics or {}) do table.insert(codes, d.code or vim.NIL) end
          table.insert(list, { title = a.title, kind = a.kind or vim.NIL, has_edit = a.edit ~= nil, codes = codes })
        end
        out.actions[client_name(id)] = list
      end
    end
  end
  out.started = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, c in ipairs(all) do table.insert(out.started, c.name) end
  table.sort(out.started)
  for _, c in ipairs(all) do c.stop() end
end)
if not ok then table.insert(out.errors, tostring(err)) end
io.stdout:write(vim.fn.json_encode(out) .. '\n')
io.stdout:flush()
vim.cmd('qa!')
