;;; eglot-check.el --- Emacs 28 + eglot 1.9 smoke test for pagecheck's language server -*- lexical-binding: t -*-
;; Run by test/editors.test.ts:
;;   emacs --batch -Q -l test/editor/eglot-check.el FILE
;; Environment: PAGECHECK_SERVER (path to dist/server.js), PAGECHECK_ROOT_DIR (workspace root),
;; PAGECHECK_LINE / PAGECHECK_COL (1-based position of the test to hover), PAGECHECK_TIMEOUT_MS.
;; Prints one JSON object on stdout (diagnostics, hover, code actions, timings), then exits.
(require 'package)
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'eglot)
(require 'json)

(let* ((server (getenv "PAGECHECK_SERVER"))
       (root (file-name-as-directory (getenv "PAGECHECK_ROOT_DIR")))
       (line (string-to-number (or (getenv "PAGECHECK_LINE") "1")))
       (col (string-to-number (or (getenv "PAGECHECK_COL") "1")))
       (timeout (/ (string-to-number (or (getenv "PAGECHECK_TIMEOUT_MS") "20000")) 1000.0))
       (file (car command-line-args-left))
       (t0 (float-time))
       (ms (lambda () (round (* 1000 (- (float-time) t0)))))
       (errors '())
       (out '()))
  (setq command-line-args-left nil)
  (setq eglot-sync-connect t eglot-autoreconnect nil eglot-events-buffer-size 0)
  (condition-case err
      (progn
        (find-file (expand-file-name file root))
        (c-mode)
        (eglot '(c-mode) (cons 'transient root) 'eglot-lsp-server
               (list "node" server "--stdio") "c")
        (let ((deadline (+ (float-time) timeout)))
          (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
            (accept-process-output nil 0.05)
            (flymake-start)))
        (push (cons 'diagnostics_ms (funcall ms)) out)
        (unless (flymake-diagnostics) (push (format "no diagnostics within %s s" timeout) errors))
        (push (cons 'diagnostics
                    (vconcat
                     (mapcar (lambda (d)
                               (let ((spec (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))))
                                 `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
                                   (col . ,(save-excursion (goto-char (flymake-diagnostic-beg d)) (1+ (- (point) (line-beginning-position)))))
                                   (type . ,(symbol-name (flymake-diagnostic-type d)))
                                   (text . ,(flymake-diagnostic-text d))
                                   (code . ,(plist-get spec :code)))))
                             (flymake-diagnostics))))
              out)
        ;; Hover at the test.
        (goto-char (point-min))
        (forward-line (1- line))
        (forward-char (1- col))
        (let* ((server-obj (eglot--current-server-or-lose))
               (hover (jsonrpc-request server-obj :textDocument/hover (eglot--TextDocumentPositionParams)
                                       :timeout timeout))
               (contents (and hover (plist-get hover :contents))))
          (push (cons 'hover (if (and contents (not (seq-empty-p contents))) (eglot--hover-info contents) "")) out)
          (push (cons 'hover_ms (funcall ms)) out))
        ;; Code actions on the line.
        (let ((actions (eglot-code-actions (line-beginning-position) (line-end-position))))
          (push (cons 'actions
                      (vconcat (mapcar (lambda (a) `((title . ,(plist-get a :title))
                                                     (kind . ,(plist-get a :kind))
                                                     (has_edit . ,(if (plist-get a :edit) t :json-false))))
                                       actions)))
                out)
          (push (cons 'actions_ms (funcall ms)) out))
        (ignore-errors (eglot-shutdown (eglot--current-server-or-lose))))
    (error (push (error-message-string err) errors)))
  (push (cons 'errors (vconcat (nreverse errors))) out)
  (princ (concat (json-encode out) "\n"))
  (kill-emacs 0))
