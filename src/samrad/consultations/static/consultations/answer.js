/*
 * The answer page (consultations/respond/page.html) and the submit page: no text lost.
 *
 * - Every question (and the reference number / deciding body) is a "unit" ([data-autosave]) that htmx saves
 *   as the person types. What the person types is also kept in localStorage, under the user, consultation,
 *   organisation and unit, with the version and fingerprints the text was based on, until the server has it.
 * - The status line under each unit says what happened: saved, not saved yet, or not saved and why (no
 *   connection, a server error, logged out, refused) and what to do. Failed saves are tried again.
 * - After a reload (or a new login) unsaved text is put back and saved if the answer is still the one it was
 *   based on; if a colleague changed the answer meanwhile, the text is offered instead, never applied silently.
 * - Leaving the page with unsaved text asks first (beforeunload).
 * - A form marked data-submit-once (the submit button) can be sent once; the button is disabled after.
 *
 * Loaded as a static file (no inline script). Works with htmx 2 events.
 */
(function () {
  "use strict";

  // --- Submit once ------------------------------------------------------------------------------------
  function submitOnce() {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sending === "true") {
          event.preventDefault();
          return;
        }
        form.dataset.sending = "true";
        const buttons = form.querySelectorAll("button[type=submit], button:not([type])");
        // Disabled after the form's data is taken (a disabled button is left out of it).
        window.setTimeout(function () {
          buttons.forEach(function (button) {
            button.disabled = true;
            if (button.dataset.busyText) button.textContent = button.dataset.busyText;
          });
        }, 0);
      });
    });
    // Back to a page kept in the browser's cache: it can be sent again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
        delete form.dataset.sending;
        form.querySelectorAll("button").forEach(function (button) {
          button.disabled = false;
        });
      });
    });
  }

  // --- Autosave, its status, and unsaved text in the browser -------------------------------------------
  const RETRY_MS = 10000; // a failed save is tried again after this long (the form's data-retry-ms overrides)
  const TIMEOUT_MS = 30000;
  const BASE_FIELD = /-(version|loaded|loaded_\w+)$/;
  const NOT_CONTENT = /-(version|loaded|loaded_\w+|theirs_version|resolution)$/;

  function autosave(form) {
    const texts = document.getElementById("autosave-texts");
    const offerTemplate = document.getElementById("autosave-offer");
    const prefix = form.dataset.draftKey;
    const dirty = new Set(); // units whose text the server does not have yet
    const failed = new Set(); // units whose last save failed and is to be tried again
    const pending = new Map(); // xhr -> {name, sent}
    const server = new Map(); // unit -> what the server has (as far as this page knows)
    let leaving = false;
    let retryTimer = null;

    function text(name, status) {
      return (texts && texts.dataset[name] ? texts.dataset[name] : "").replace("{status}", String(status || ""));
    }

    function unitEl(name) {
      return form.querySelector('[data-autosave="' + name + '"]');
    }

    function units() {
      return Array.prototype.slice.call(form.querySelectorAll("[data-autosave]"));
    }

    function statusEl(name) {
      return document.getElementById(name + "-status");
    }

    function storageKey(name) {
      return prefix + ":" + name;
    }

    function load(name) {
      try {
        const raw = window.localStorage.getItem(storageKey(name));
        return raw ? JSON.parse(raw) : null;
      } catch (error) {
        return null;
      }
    }

    function store(name, entry) {
      try {
        window.localStorage.setItem(storageKey(name), JSON.stringify(entry));
      } catch (error) {
        // Storage full or switched off: the status line still says the text is not saved.
      }
    }

    function forget(name) {
      try {
        window.localStorage.removeItem(storageKey(name));
      } catch (error) {
        // nothing to do
      }
    }

    function controls(unit) {
      return Array.prototype.slice.call(unit.querySelectorAll("input[name], textarea[name], select[name]"));
    }

    // What the person sees in the unit now (defaults: what the page was loaded with).
    function content(unit, defaults) {
      const values = {};
      controls(unit).forEach(function (control) {
        if (control.type === "hidden" || control.type === "submit" || NOT_CONTENT.test(control.name)) return;
        if (control.type === "radio" || control.type === "checkbox") {
          if (!(control.name in values)) values[control.name] = "";
          if (defaults ? control.defaultChecked : control.checked) values[control.name] = control.value;
        } else {
          values[control.name] = (defaults ? control.defaultValue : control.value).replace(/\r\n?/g, "\n");
        }
      });
      return values;
    }

    // The version and fingerprints the unit's text is based on.
    function base(unit) {
      const values = {};
      controls(unit).forEach(function (control) {
        if (control.type === "hidden" && BASE_FIELD.test(control.name)) values[control.name] = control.value;
      });
      return values;
    }

    function same(a, b) {
      const keys = Object.keys(a || {}).concat(Object.keys(b || {}));
      return keys.every(function (key) {
        return (a || {})[key] === (b || {})[key];
      });
    }

    function setStatus(name, message, state, link) {
      const status = statusEl(name);
      if (!status) return;
      status.textContent = "";
      const span = document.createElement("span");
      if (state === "error") span.className = "autosave-status__error";
      span.textContent = message;
      status.appendChild(span);
      if (link) {
        status.appendChild(document.createTextNode(" "));
        const a = document.createElement("a");
        a.className = "ds-link";
        a.href = link.href;
        a.target = "_blank";
        a.rel = "noopener";
        a.textContent = link.text;
        status.appendChild(a);
      }
      status.dataset.state = state || "";
    }

    function serverHas(unit) {
      const name = unit.dataset.autosave;
      if (!server.has(name)) server.set(name, content(unit, true));
      return server.get(name);
    }

    function remember(unit) {
      const name = unit.dataset.autosave;
      const now = content(unit, false);
      if (unit.dataset.conflict !== "true" && same(now, serverHas(unit))) {
        // Back to what the server has: nothing unsaved.
        saved(name, true);
        return;
      }
      store(name, { fields: now, base: base(unit), at: Date.now() });
      if (!dirty.has(name)) {
        dirty.add(name);
        const status = statusEl(name);
        if (status && status.dataset.state !== "error" && unit.dataset.conflict !== "true") {
          setStatus(name, text("unsaved"), "unsaved");
        }
      }
    }

    // The server has the unit's text: forget the copy. `clear`: also the status line's own message (when the
    // server did not just write one).
    function saved(name, clear) {
      forget(name);
      dirty.delete(name);
      failed.delete(name);
      const status = statusEl(name);
      if (!status) return;
      if (clear && status.dataset.state) status.textContent = "";
      status.dataset.state = "";
    }

    function scheduleRetry() {
      if (retryTimer !== null) return;
      retryTimer = window.setTimeout(
        function () {
          retryTimer = null;
          retry();
        },
        Number(form.dataset.retryMs) || RETRY_MS,
      );
    }

    function retry() {
      failed.forEach(function (name) {
        const unit = unitEl(name);
        if (!unit || unit.dataset.conflict === "true" || !dirty.has(name)) {
          failed.delete(name);
          return;
        }
        window.htmx.trigger(unit, "autosave-retry");
      });
    }

    function fail(name, message, link) {
      failed.add(name);
      dirty.add(name);
      setStatus(name, message, "error", link);
      scheduleRetry();
    }

    function csrfFromCookie() {
      const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      return match ? decodeURIComponent(match[1]) : "";
    }

    function when(at) {
      const date = new Date(at);
      const pad = function (n) {
        return String(n).padStart(2, "0");
      };
      const day = date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
      return day + " " + pad(date.getHours()) + "." + pad(date.getMinutes());
    }

    function apply(unit, entry) {
      controls(unit).forEach(function (control) {
        if (!(control.name in entry.fields)) return;
        if (control.type === "radio" || control.type === "checkbox") {
          control.checked = entry.fields[control.name] === control.value;
        } else {
          control.value = entry.fields[control.name];
        }
      });
    }

    function offer(unit, entry) {
      const name = unit.dataset.autosave;
      if (!offerTemplate || unit.querySelector(".autosave-offer")) return;
      const node = offerTemplate.content.firstElementChild.cloneNode(true);
      const intro = node.querySelector('[data-slot="intro"]');
      intro.textContent = intro.textContent.replace("{when}", when(entry.at));
      const preview = Object.keys(entry.fields)
        .map(function (key) {
          return entry.fields[key];
        })
        .filter(Boolean)
        .join("\n");
      node.querySelector('[data-slot="text"]').textContent = preview;
      node.querySelector('[data-action="use"]').addEventListener("click", function () {
        // The text on top of what it was based on: the server shows it next to the saved version (a
        // conflict), and the person chooses there.
        apply(unit, entry);
        controls(unit).forEach(function (control) {
          if (control.type === "hidden" && control.name in entry.base) control.value = entry.base[control.name];
        });
        node.remove();
        dirty.add(name);
        window.htmx.trigger(unit, "autosave-retry");
      });
      node.querySelector('[data-action="discard"]').addEventListener("click", function () {
        saved(name, true);
        node.remove();
      });
      const anchor = unit.querySelector("legend");
      if (anchor && anchor.parentNode) anchor.parentNode.insertBefore(node, anchor.nextSibling);
      else unit.insertBefore(node, unit.firstChild);
    }

    function restore() {
      units().forEach(function (unit) {
        const name = unit.dataset.autosave;
        const entry = load(name);
        if (unit.dataset.conflict === "true") {
          // A page drawn with a conflict (after saving the whole form): the box holds the person's text, which
          // the server does not have. Keep it until the conflict is settled.
          dirty.add(name);
          const now = content(unit, false);
          if (!entry || !same(entry.fields, now)) store(name, { fields: now, base: base(unit), at: Date.now() });
          return;
        }
        if (!entry || !entry.fields) return;
        if (same(entry.fields, serverHas(unit))) {
          forget(name); // the server has it
          return;
        }
        dirty.add(name);
        if (same(entry.base, base(unit))) {
          apply(unit, entry);
          setStatus(name, text("restored"), "unsaved");
          window.htmx.trigger(unit, "autosave-retry");
        } else {
          offer(unit, entry);
        }
      });
    }

    form.addEventListener("input", function (event) {
      const unit = event.target.closest("[data-autosave]");
      if (unit && !NOT_CONTENT.test(event.target.name || "")) remember(unit);
    });
    form.addEventListener("change", function (event) {
      const unit = event.target.closest("[data-autosave]");
      if (unit && !NOT_CONTENT.test(event.target.name || "")) remember(unit);
    });
    form.addEventListener("submit", function () {
      leaving = true; // the whole form is sent: the next page says how it went
    });

    document.body.addEventListener("htmx:configRequest", function (event) {
      if (!form.contains(event.detail.elt)) return;
      const token = csrfFromCookie();
      if (token) event.detail.headers["X-CSRFToken"] = token; // a new login elsewhere gives a new token
      event.detail.timeout = TIMEOUT_MS;
    });

    document.body.addEventListener("htmx:beforeRequest", function (event) {
      const unit = event.detail.elt.closest && event.detail.elt.closest("[data-autosave]");
      if (!unit || !form.contains(unit)) return;
      pending.set(event.detail.xhr, { name: unit.dataset.autosave, sent: content(unit, false) });
    });

    document.body.addEventListener("htmx:afterRequest", function (event) {
      const request = pending.get(event.detail.xhr);
      if (!request) return;
      pending.delete(event.detail.xhr);
      const xhr = event.detail.xhr;
      const name = request.name;
      if (xhr.status === 0) {
        return; // sendError or timeout say it
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const outcome = xhr.getResponseHeader("X-Autosave") || "";
        failed.delete(name);
        const unit = unitEl(name);
        if (outcome.indexOf("resolved-") === 0 && unit) {
          server.set(name, content(unit, true)); // the unit was drawn again from what is stored
        } else if (outcome === "saved" || outcome === "unchanged") {
          server.set(name, request.sent);
        }
        if (outcome === "resolved-theirs") {
          saved(name);
        } else if (outcome === "saved" || outcome === "resolved-mine" || outcome === "unchanged") {
          if (unit && same(content(unit, false), request.sent)) {
            saved(name);
          } else if (unit) {
            // Typed on while the save was under way: keep the rest, based on what the server now has.
            store(name, { fields: content(unit, false), base: base(unit), at: Date.now() });
          }
        }
        // "conflict" and "refused": the server's answer is on the page; the text stays kept.
        return;
      }
      if (xhr.status === 401) {
        const login = xhr.getResponseHeader("X-Login-Url") || form.dataset.loginUrl;
        fail(name, text("loggedOut"), { href: login, text: text("loginLink") });
      } else if (xhr.status >= 500) {
        fail(name, text("serverError", xhr.status));
      } else {
        dirty.add(name);
        setStatus(name, text("refused", xhr.status), "error");
      }
    });

    document.body.addEventListener("htmx:sendError", function (event) {
      const unit = event.detail.elt.closest && event.detail.elt.closest("[data-autosave]");
      if (unit && form.contains(unit)) fail(unit.dataset.autosave, text("offline"));
    });

    document.body.addEventListener("htmx:timeout", function (event) {
      const unit = event.detail.elt.closest && event.detail.elt.closest("[data-autosave]");
      if (unit && form.contains(unit)) fail(unit.dataset.autosave, text("timeout"));
    });

    // Back online, or back on this tab (perhaps after logging in on another one): try again at once.
    window.addEventListener("online", retry);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") retry();
    });

    window.addEventListener("beforeunload", function (event) {
      if (leaving || (dirty.size === 0 && pending.size === 0)) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers want a value to ask
    });

    restore();
  }

  function start() {
    submitOnce();
    const form = document.getElementById("answer-form");
    if (form && form.dataset.draftKey && window.htmx) autosave(form);
  }

  // After htmx has set the page up (its own DOMContentLoaded handler was added first), so that unsaved text put
  // back can be saved at once.
  if (document.readyState === "complete") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
