;;; emacs-check.el --- runs the README's Emacs setup in a real Emacs (test/editors.test.ts) -*- lexical-binding: t -*-
;;   emacs --batch -Q -l test/editor/emacs-check.el
;; Environment:
;;   PAGECHECK_SNIPPET   the README's Emacs Lisp block, extracted to a file: loaded as a user's init.el would load it
;;   PAGECHECK_CLIENT    eglot or lsp-mode
;;   PAGECHECK_ROOT_DIR  the kernel-style tree (a git repository); PAGECHECK_OPEN: files to open (comma-separated)
;;   PAGECHECK_LINE / PAGECHECK_COL  1-based position of the test to hover in the first file
;;   PAGECHECK_WANT      servers whose diagnostics must arrive in every file (comma-separated server names)
;;   PAGECHECK_TIMEOUT_MS
;; Prints one JSON object on stdout (per file: major mode, servers, diagnostics by server; hover and code actions
;; by server at the test; the servers started), then exits. Only what a batch Emacs cannot do by itself is set
;; here (where lsp-mode would ask for the project root or a session file); the user's lines come from the README.
(require 'package)
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'json)
(require 'seq)
(require 'subr-x)

(defvar pc-client (getenv "PAGECHECK_CLIENT"))
(defvar pc-root (file-name-as-directory (getenv "PAGECHECK_ROOT_DIR")))
(defvar pc-timeout (/ (string-to-number (or (getenv "PAGECHECK_TIMEOUT_MS") "20000")) 1000.0))
(defvar pc-errors '())
(defvar pc-t0 (float-time))
(defun pc-ms () (round (* 1000 (- (float-time) pc-t0))))

;; Batch-mode stand-ins for what a person answers interactively.
(setq eglot-sync-connect t eglot-autoreconnect nil eglot-events-buffer-size 0)
(setq lsp-auto-guess-root t lsp-session-file (expand-file-name "lsp-session" temporary-file-directory)
      lsp-restart 'ignore lsp-enable-snippet nil lsp-enable-file-watchers nil lsp-headerline-breadcrumb-enable nil
      lsp-modeline-code-actions-enable nil lsp-modeline-diagnostics-enable nil lsp-lens-enable nil
      lsp-diagnostics-provider :none lsp-response-timeout pc-timeout lsp-log-io nil lsp-warn-no-matched-clients nil)

(defun pc-diag-plist (line code source text href)
  `((line . ,line) (code . ,code) (source . ,source) (message . ,text) (href . ,href)))

(defun pc-href (diag)
  "codeDescription.href of an LSP diagnostic: a plist (eglot) or a hash table (lsp-mode, which has no accessor)."
  (let ((cd (if (hash-table-p diag) (gethash "codeDescription" diag) (plist-get diag :codeDescription))))
    (cond ((hash-table-p cd) (gethash "href" cd))
          ((listp cd) (plist-get cd :href)))))

(defun pc-diagnostics ()
  "Diagnostics of the current buffer as ((SERVER . LIST) ...)."
  (pcase pc-client
    ("eglot"
     (let ((server (and (fboundp 'eglot-current-server) (eglot-current-server))))
       (when (and server (bound-and-true-p flymake-mode))
         (list (cons (if server (plist-get (eglot--server-info server) :name) "eglot")
                     (mapcar (lambda (d)
                               (let ((spec (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))))
                                 (pc-diag-plist (line-number-at-pos (flymake-diagnostic-beg d))
                                                (plist-get spec :code) (plist-get spec :source)
                                                (flymake-diagnostic-text d) (pc-href spec))))
                             (flymake-diagnostics)))))))
    ("lsp-mode"
     (let ((file (lsp--fix-path-casing (buffer-file-name))) (out '()))
       (dolist (ws (lsp-workspaces))
         (let ((diags (gethash file (lsp--workspace-diagnostics ws) :none)))
           (unless (eq diags :none)
             (push (cons (symbol-name (lsp--workspace-server-id ws))
                         (mapcar (lambda (d)
                                   (pc-diag-plist (1+ (lsp:position-line (lsp:range-start (lsp:diagnostic-range d))))
                                                  (lsp:diagnostic-code? d) (lsp:diagnostic-source? d)
                                                  (lsp:diagnostic-message d) (pc-href d)))
                                 diags))
                   out))))
       out))))

(defun pc-servers ()
  (pcase pc-client
    ("eglot" (let ((s (eglot-current-server))) (and s (list (plist-get (eglot--server-info s) :name)))))
    ("lsp-mode" (mapcar (lambda (ws) (symbol-name (lsp--workspace-server-id ws))) (lsp-workspaces)))))

(defun pc-name-of (server)
  "Maps a server's self-reported or registered name to the name the test asks for."
  (cond ((string-match-p "pagecheck" server) "pagecheck")
        ((string-match-p "clangd" server) "clangd")
        (t server)))

(defun pc-published-p (want)
  ;; lsp-mode keeps what each server published, even an empty list; eglot hands it to flymake, which shows
  ;; nothing until a backend reports: there a server counts once one of its diagnostics is in the buffer.
  (let ((have (mapcar (lambda (c) (pc-name-of (car c)))
                      (seq-filter (lambda (c) (or (equal pc-client "lsp-mode") (cdr c))) (pc-diagnostics)))))
    (seq-every-p (lambda (w) (member w have)) want)))

(defun pc-hover-and-actions ()
  (pcase pc-client
    ("eglot"
     (let* ((server (eglot--current-server-or-lose))
            (name (pc-name-of (plist-get (eglot--server-info server) :name)))
            (hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams) :timeout pc-timeout))
            (contents (and hover (plist-get hover :contents)))
            (actions (eglot-code-actions (line-beginning-position) (line-end-position))))
       (list (list (cons name (if (and contents (not (seq-empty-p contents))) (eglot--hover-info contents) "")))
             (list (cons name (mapcar (lambda (a) `((title . ,(plist-get a :title)) (kind . ,(plist-get a :kind))
                                                    (has_edit . ,(if (plist-get a :edit) t :json-false))))
                                      actions))))))
    ("lsp-mode"
     (let ((hovers (lsp-request "textDocument/hover" (lsp--text-document-position-params) :no-merge t))
           (actions (lsp-request "textDocument/codeAction"
                                 (list :textDocument (lsp--text-document-identifier)
                                       :range (lsp--region-to-range (line-beginning-position) (line-end-position))
                                       :context (list :diagnostics (lsp-cur-line-diagnostics)))
                                 :no-merge t)))
       (list (mapcar (lambda (r) (cons (pc-name-of (symbol-name (lsp--workspace-server-id (car r))))
                                       (let ((c (and (cdr r) (lsp:hover-contents (cdr r)))))
                                         (if c (lsp--render-on-hover-content c t) ""))))
                     hovers)
             (mapcar (lambda (r) (cons (pc-name-of (symbol-name (lsp--workspace-server-id (car r))))
                                       (mapcar (lambda (a) `((title . ,(lsp:code-action-title a))
                                                             (kind . ,(lsp:code-action-kind? a))
                                                             (has_edit . ,(if (lsp:code-action-edit? a) t :json-false))))
                                               (cdr r))))
                     actions))))))

(let* ((open (split-string (or (getenv "PAGECHECK_OPEN") "") "," t))
       (want (split-string (or (getenv "PAGECHECK_WANT") "pagecheck") "," t))
       (line (string-to-number (or (getenv "PAGECHECK_LINE") "1")))
       (col (string-to-number (or (getenv "PAGECHECK_COL") "1")))
       (files '()) (out '()) (first t))
  (condition-case err
      (progn
        (load-file (getenv "PAGECHECK_SNIPPET"))
        (pcase pc-client ("eglot" (require 'eglot)) ("lsp-mode" (require 'lsp-mode)))
        (dolist (rel open)
          (find-file (expand-file-name rel pc-root))
          ;; eglot-ensure connects from post-command-hook, which a batch Emacs never runs by itself.
          (run-hooks 'post-command-hook)
          (let ((deadline (+ (float-time) pc-timeout)))
            (while (and (not (pc-published-p want)) (< (float-time) deadline))
              (accept-process-output nil 0.05)
              (when (bound-and-true-p flymake-mode) (flymake-start))))
          (unless (pc-published-p want)
            (push (format "%s: not every server published diagnostics within %s s" rel pc-timeout) pc-errors))
          (push `((file . ,rel) (mode . ,(symbol-name major-mode)) (ms . ,(pc-ms))
                  (servers . ,(vconcat (mapcar #'pc-name-of (pc-servers))))
                  (diagnostics . ,(mapcar (lambda (c) (cons (pc-name-of (car c)) (vconcat (cdr c)))) (pc-diagnostics))))
                files)
          (when first
            (setq first nil)
            (goto-char (point-min))
            (forward-line (1- line))
            (forward-char (1- col))
            (let ((ha (pc-hover-and-actions)))
              (push (cons 'hover (car ha)) out)
              (push (cons 'actions (mapcar (lambda (c) (cons (car c) (vconcat (cdr c)))) (cadr ha))) out)))))
    (error (push (error-message-string err) pc-errors)))
  (push (cons 'files (vconcat (nreverse files))) out)
  (push (cons 'version (format "%s %s" emacs-version pc-client)) out)
  (push (cons 'errors (vconcat (nreverse pc-errors))) out)
  (princ (concat (json-encode out) "\n"))
  (ignore-errors (pcase pc-client
                   ("eglot" (eglot-shutdown-all))
                   ("lsp-mode" (dolist (ws (lsp-workspaces)) (lsp-workspace-shutdown ws)))))
  (kill-emacs 0))
