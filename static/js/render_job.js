// Follows a PDF being built in a worker: polls its state, moves the bar, offers the PDF when ready.
(function () {
  const box = document.getElementById("render-job");
  if (!box) return;
  const bar = document.getElementById("render-progress");
  const step = document.getElementById("render-step");
  const error = document.getElementById("render-error");
  const link = document.getElementById("render-pdf");
  function show(state) {
    bar.style.width = state.progress + "%";
    bar.textContent = state.progress + " %";
    bar.parentElement.setAttribute("aria-valuenow", state.progress);
    step.textContent = state.step;
    if (state.error) { error.textContent = state.error; error.classList.remove("d-none"); }
    if (state.pdf) { link.href = state.pdf; link.classList.remove("d-none"); }
    return state.status === "pending" || state.status === "running";
  }
  bar.style.width = bar.dataset.progress + "%";
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (state) { if (show(state)) setTimeout(poll, 1000); })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (!link.href.endsWith("#") || !error.classList.contains("d-none")) return;
  poll();
})();
