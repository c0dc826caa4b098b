// Progressive enhancement of the nomination form: the stipend question (and why a stipend is
// needed) is hidden while the chosen library, or the country of a library being added, is
// marked data-no-stipend: the call's stipend rule gives its nominees none. Hidden, the
// question is left unanswered. Without this script the question shows, its help text says
// whom it is for, and the server refuses an answer the rule does not allow.
(function () {
  var form = document.querySelector("form.nomination-form");
  if (!form) return;
  var library = form.querySelector("select[name=library]");
  var country = form.querySelector("select[name=new_library_country]");
  var question = form.querySelector("select[name=stipend_conditional]");
  var reason = form.querySelector("[name=stipend_reason]");
  if (!library || !question) return;

  function marked(select) {
    var option = select && select.options[select.selectedIndex];
    return Boolean(option && option.value && option.hasAttribute("data-no-stipend"));
  }

  function boxOf(field) {
    return field ? field.closest(".field") : null;
  }

  function update() {
    var none = library.value ? marked(library) : marked(country);
    var boxes = [boxOf(question), boxOf(reason)];
    // A question the server has just refused stays in sight with its message.
    if (none && boxes[0] && boxes[0].querySelector(".errorlist")) return;
    boxes.forEach(function (box) {
      if (box) box.hidden = none;
    });
    if (none) question.value = "";
  }

  library.addEventListener("change", update);
  if (country) country.addEventListener("change", update);
  update();
})();
