// Progressive enhancement: a live "n of max characters" counter under every limited field.
// The limit itself is enforced by the server and stated in the help text.
(function () {
  document.querySelectorAll("[data-counter]").forEach(function (field) {
    var limit = parseInt(field.getAttribute("data-counter"), 10);
    var counter = document.createElement("span");
    counter.className = "counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    function update() {
      // Characters as the server counts them: code points (an emoji is one), line breaks once.
      var used = Array.from(field.value).length;
      counter.textContent = used + " / " + limit;
      counter.classList.toggle("over", used > limit);
    }
    field.addEventListener("input", update);
    update();
  });
})();
