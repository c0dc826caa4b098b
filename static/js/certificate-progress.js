// Progressive enhancement of the batch page: poll the batch's numbers once a second, move
// the progress bar and its text, and reload once the batch is finished. Without script the
// page offers a refresh link and an opt-in automatic refresh.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var count = box.querySelector(".batch-count");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        bar.value = data.done + data.failed;
        if (count && !data.failed) { count.textContent = data.text; }
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () {});
  }
  window.setTimeout(poll, 1000);
})();
