// Proposes the question template of the chosen framework and kind; the expert edits it freely.
(function () {
  const data = document.getElementById("question-templates");
  if (!data) return;
  const templates = JSON.parse(data.textContent);
  const framework = document.getElementById("id_framework");
  const kind = document.getElementById("id_kind");
  const questions = document.getElementById("id_questions");
  let edited = false;
  questions.addEventListener("input", function () { edited = true; });
  function fill(force) {
    if (edited && !force) return;
    const list = (templates[kind.value] || {})[framework.value] || [];
    questions.value = list.join("\n");
  }
  framework.addEventListener("change", function () { fill(false); });
  kind.addEventListener("change", function () { fill(false); });
  document.getElementById("load-template").addEventListener("click", function () { fill(true); edited = false; });
})();

// Arabic documents are offered for the courts of Tunisia only (the server checks it too).
(function () {
  const data = document.getElementById("arabic-courts");
  const court = document.getElementById("id_court");
  const language = document.getElementById("id_language");
  if (!data || !court || !language) return;
  const allowed = JSON.parse(data.textContent).map(String);
  const arabic = language.querySelector('option[value="ar"]');
  function update() {
    const ok = allowed.includes(court.value);
    arabic.disabled = !ok;
    arabic.hidden = !ok;
    if (!ok && language.value === "ar") language.value = "fr";
  }
  court.addEventListener("change", update);
  update();
})();
