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
