// The report editor (templates/reports/mission_report.html): no text is lost, the calculators answer
// in place, the section index follows the reading. Everything here is an addition: without
// JavaScript the page works as before (the server keeps its revision check when saving).
//
// - The draft: what the expert types is kept in this browser (localStorage, keyed by user, mission
//   and revision of the report) until it is saved; on the next visit it is put back in the form with
//   a notice. Only the fields changed since the page was shown are kept (a full copy when the page
//   came back from the server with unsaved input). Cleared once the save succeeded, on logout, and
//   after DRAFT_DAYS: the text is medical, it does not stay in a browser longer than needed.
// - A warning before leaving the page with unsaved changes (beforeunload), but not when saving.
// - The calculators: "Calculer" asks reports/calculators.py with fetch() and shows the proposal
//   where the page shows it, without reloading (the scroll position and the typing stay).
(function () {
  "use strict";
  const form = document.getElementById("report-editor");
  if (!form) return;

  const PREFIX = "report-draft:";
  const SAVING = "report-draft-saving";
  const DRAFT_DAYS = 7;
  const owner = PREFIX + form.dataset.draftUser + ":" + form.dataset.draftMission + ":";
  const revision = parseInt(form.dataset.draftRevision, 10) || 0;
  const key = owner + revision;
  const bound = form.dataset.bound === "1";
  const status = document.getElementById("draft-status");
  const notice = document.getElementById("draft-notice");
  const language = document.documentElement.lang || "fr";
  let dirty = bound; // a page sent back by the server holds input not saved yet
  let leaving = false;
  let timer = null;

  function storage() {
    try {
      const probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // private mode, storage disabled: the warning before leaving still works
    }
  }
  const store = storage();

  // --- the fields of the draft --------------------------------------------------------------------
  function kept(element) {
    const name = element.name;
    if (!name || element.disabled) return false;
    if (name === "csrfmiddlewaretoken" || name === "revision" || name === "action") return false;
    if (name.startsWith("calc-") || /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(name)) return false;
    return !["submit", "button", "file", "hidden"].includes(element.type);
  }
  function fields() {
    return Array.from(form.elements).filter(kept);
  }
  function valueOf(element) {
    return element.type === "checkbox" || element.type === "radio" ? element.checked : element.value;
  }
  function setValue(element, value) {
    if (element.type === "checkbox" || element.type === "radio") element.checked = Boolean(value);
    else element.value = value;
  }
  const initial = {};
  fields().forEach(function (element) { initial[element.name] = valueOf(element); });

  function snapshot() {
    const changed = {};
    fields().forEach(function (element) {
      const value = valueOf(element);
      if (bound || value !== initial[element.name]) changed[element.name] = value;
    });
    return changed;
  }
  function read(storageKey) {
    try {
      const draft = JSON.parse(store.getItem(storageKey));
      return draft && typeof draft.fields === "object" ? draft : null;
    } catch (e) {
      return null;
    }
  }

  // --- the status beside the save button -----------------------------------------------------------
  function time(date) {
    return date.toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" });
  }
  function showStatus(savedAt) {
    if (!status) return;
    if (!dirty) status.textContent = "";
    else if (savedAt) status.textContent = status.dataset.kept.replace("%(time)s", time(savedAt));
    else status.textContent = status.dataset.dirty;
  }

  function save() {
    timer = null;
    if (!store || !dirty) return;
    const changed = snapshot();
    if (!Object.keys(changed).length) {
      store.removeItem(key);
      return;
    }
    const now = new Date();
    try {
      store.setItem(key, JSON.stringify({ revision: revision, saved: now.toISOString(), fields: changed }));
      showStatus(now);
    } catch (e) {
      showStatus(null); // storage full: the warning before leaving still guards the text
    }
  }
  function changed() {
    dirty = true;
    showStatus(null);
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 400);
  }
  form.addEventListener("input", function (event) { if (kept(event.target)) changed(); });
  form.addEventListener("change", function (event) { if (kept(event.target)) changed(); });

  // --- the drafts of this browser: cleared after a save, restored otherwise --------------------------
  function draftKeys() {
    const keys = [];
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if (k && k.startsWith(PREFIX)) keys.push(k);
    }
    return keys;
  }
  function forget() {
    const limit = Date.now() - DRAFT_DAYS * 24 * 3600 * 1000;
    draftKeys().forEach(function (k) {
      const draft = read(k);
      if (!draft || !(Date.parse(draft.saved) > limit)) store.removeItem(k);
    });
    // The save sent from this tab went through: the page came back at a later revision, unbound.
    let saving = null;
    try {
      saving = JSON.parse(window.sessionStorage.getItem(SAVING));
      window.sessionStorage.removeItem(SAVING);
    } catch (e) {
      saving = null;
    }
    if (saving && saving.key && saving.key.startsWith(owner) && !bound && revision > saving.revision) {
      store.removeItem(saving.key);
    }
  }
  function restore() {
    if (bound) return; // the server sent back the input itself: it is already in the form
    let found = read(key) ? key : null;
    if (!found) {
      // a draft typed on an earlier revision, saved since by another author
      const older = draftKeys()
        .filter(function (k) { return k.startsWith(owner); })
        .map(function (k) { return [parseInt(k.slice(owner.length), 10), k]; })
        .filter(function (pair) { return pair[0] < revision; })
        .sort(function (a, b) { return b[0] - a[0]; });
      found = older.length ? older[0][1] : null;
    }
    if (!found) return;
    const draft = read(found);
    const byName = {};
    fields().forEach(function (element) { byName[element.name] = element; });
    let applied = 0;
    Object.keys(draft.fields).forEach(function (name) {
      const element = byName[name];
      if (element && valueOf(element) !== draft.fields[name]) {
        setValue(element, draft.fields[name]);
        applied++;
      }
    });
    if (!applied) {
      store.removeItem(found);
      return;
    }
    if (found !== key) {
      store.removeItem(found);
      dirty = true;
      save(); // now kept under the revision the form will be saved over
    }
    dirty = true;
    const text = document.getElementById("draft-notice-text");
    text.textContent = found === key ? text.dataset.same : text.dataset.older;
    const when = new Date(draft.saved);
    const label = document.getElementById("draft-notice-time");
    if (!isNaN(when)) {
      label.textContent = label.dataset.label
        .replace("%(day)s", when.toLocaleDateString(language))
        .replace("%(time)s", time(when));
    }
    notice.classList.remove("d-none");
    showStatus(isNaN(when) ? null : when);
    if (status) {
      // the browser may bring the page back where it was read: the bar at its foot says it too
      const link = document.createElement("a");
      link.href = "#draft-notice";
      link.textContent = notice.querySelector("strong").textContent;
      status.prepend(link, document.createTextNode(" — "));
    }
  }
  showStatus(null);
  if (store) {
    forget();
    restore();
    if (bound) save();
    document.getElementById("draft-discard").addEventListener("click", function () {
      store.removeItem(key);
      dirty = false;
      leaving = true;
      window.location.reload();
    });
    // Logging out from this page: the drafts of this browser go with the session.
    const logout = document.querySelector('form[action="' + form.dataset.logoutUrl + '"]');
    if (logout) {
      logout.addEventListener("submit", function () {
        draftKeys().forEach(function (k) { store.removeItem(k); });
      });
    }
  }

  // --- leaving the page ------------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    leaving = true; // the editor's own buttons send the text to the server
    const button = event.submitter;
    if (store && button && button.value === "save") {
      if (timer) { clearTimeout(timer); save(); }
      try {
        window.sessionStorage.setItem(SAVING, JSON.stringify({ key: key, revision: revision }));
      } catch (e) { /* the draft stays until it is older than DRAFT_DAYS */ }
    }
  });
  window.addEventListener("pageshow", function () { leaving = false; });
  window.addEventListener("beforeunload", function (event) {
    if (timer) { clearTimeout(timer); save(); }
    if (!dirty || leaving) return;
    event.preventDefault();
    event.returnValue = ""; // the browser shows its own message
  });

  // --- the calculators, answered in place --------------------------------------------------------------
  const calculator = document.getElementById("calculator");
  if (calculator && window.fetch) {
    const button = calculator.querySelector('button[name="action"][value="calculate"]');
    const values = document.getElementById("id_calc-values");
    const method = document.getElementById("id_calc-method");
    const error = document.getElementById("calc-error");
    function fieldError(messages) {
      values.classList.toggle("is-invalid", Boolean(messages));
      error.textContent = messages ? messages.join(" ") : "";
      error.classList.toggle("d-none", !messages);
    }
    function show(result) {
      const old = document.getElementById("calc-result");
      if (old) old.remove();
      const box = document.createElement("div");
      box.className = "alert alert-info mt-2 mb-0";
      box.id = "calc-result";
      box.setAttribute("role", "status");
      const strong = document.createElement("strong");
      strong.textContent = result.proposal;
      box.append(strong, document.createElement("br"), document.createTextNode(result.reasoning));
      const line = document.createElement("div");
      const take = document.createElement("button");
      take.type = "button";
      take.className = "btn btn-sm btn-primary mt-2";
      take.textContent = result.take;
      const taken = document.createElement("span");
      taken.className = "small ms-2";
      take.addEventListener("click", function () {
        const rate = document.getElementById("id_ipp_rate");
        const reasoning = document.getElementById("id_ipp_reasoning");
        rate.value = result.rate;
        reasoning.value = result.reasoning;
        rate.dispatchEvent(new Event("input", { bubbles: true }));
        reasoning.dispatchEvent(new Event("input", { bubbles: true }));
        taken.textContent = result.taken;
      });
      line.append(take, taken);
      box.append(line);
      calculator.append(box);
    }
    function calculate(event) {
      event.preventDefault();
      const data = new FormData();
      data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      data.append("calc-method", method ? method.value : "");
      data.append("calc-values", values.value);
      button.disabled = true;
      fetch(calculator.dataset.url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (answer.ok && answer.body.ok) {
            fieldError(null);
            show(answer.body);
          } else {
            const errors = (answer.body && answer.body.errors) || {};
            const messages = [].concat(errors["calc-values"] || [], errors["calc-method"] || [], errors["calc-__all__"] || []);
            fieldError(messages.length ? messages : [error.dataset.failed]);
          }
        })
        .catch(function () { fieldError([error.dataset.failed]); })
        .finally(function () { button.disabled = false; });
    }
    button.addEventListener("click", calculate);
    values.addEventListener("keydown", function (event) {
      if (event.key === "Enter") calculate(event);
    });
  }

  // --- the section index: the section being read -----------------------------------------------------
  const links = Array.from(document.querySelectorAll("#report-index a.nav-link"));
  if (links.length && "IntersectionObserver" in window) {
    const byId = {};
    links.forEach(function (link) { byId[link.getAttribute("href").slice(1)] = link; });
    const observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        links.forEach(function (link) { link.classList.remove("active"); link.removeAttribute("aria-current"); });
        const link = byId[entry.target.id];
        if (link) { link.classList.add("active"); link.setAttribute("aria-current", "true"); }
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    Object.keys(byId).forEach(function (id) {
      const target = document.getElementById(id);
      if (target) observer.observe(target);
    });
  }
})();
