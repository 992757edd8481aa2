// The record form (record_form.html): moved out of the page for the Content-Security-Policy (no inline script).
(function () {
  "use strict";
  // Another committee has other members: reload the page with that committee's attendance list.
  document.querySelectorAll('[data-reload="committee"]').forEach(function (select) {
    select.addEventListener("change", function () {
      var url = new URL(window.location.href);
      url.searchParams.set("committee", select.value);
      window.location.assign(url.toString());
    });
  });
  // Another article: a copy of the empty row, numbered after the last one.
  var button = document.getElementById("add-article");
  if (button) {
    var total = document.getElementById("id_art-TOTAL_FORMS");
    var template = document.getElementById("article-empty");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, index);
      document.getElementById("article-rows").insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
    });
  }
  // On a phone, a present member's row is one line; reason and make-up fields open for anyone else.
  document.querySelectorAll(".sg-attendance-row").forEach(function (row) {
    var status = row.querySelector(".sg-status");
    var extra = row.querySelector(".sg-absence");
    function sync() {
      var filled = Array.prototype.some.call(extra.querySelectorAll("input"), function (i) { return i.value; });
      extra.classList.toggle("d-none", status.value === "present" && !filled && !row.classList.contains("border-danger"));
    }
    status.addEventListener("change", sync);
    sync();
  });
})();
