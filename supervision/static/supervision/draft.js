/* Nothing typed is lost: the visit form is copied to localStorage on every input and restored on the next
   visit to the same form (only into fields the server left empty). The draft is cleared once the server
   confirms the save (the visit page carries the key in #sg-clear-draft). */
(function () {
  "use strict";
  var PREFIX = "sg-draft:";

  function store() { try { return window.localStorage; } catch (e) { return null; } }

  function clearConfirmed() {
    var marker = document.getElementById("sg-clear-draft"), s = store();
    if (!marker || !s || !marker.dataset.keys) return;
    marker.dataset.keys.split(",").forEach(function (key) { s.removeItem(PREFIX + key); });
  }

  function addRow(form) {
    var total = form.querySelector("[name=rect-TOTAL_FORMS]"), tpl = document.getElementById("rect-empty");
    if (!total || !tpl) return;
    var index = parseInt(total.value, 10);
    var html = tpl.innerHTML.replace(/__prefix__/g, String(index));
    document.getElementById("rect-rows").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  }

  function snapshot(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "button") return;
      if (el.type === "radio") { if (el.checked) data[el.name] = el.value; return; }
      data[el.name] = el.value;
    });
    return data;
  }

  function restore(form, data) {
    var restored = false, total = form.querySelector("[name=rect-TOTAL_FORMS]");
    var wanted = parseInt(data["rect-TOTAL_FORMS"] || "0", 10);
    while (total && parseInt(total.value, 10) < wanted && parseInt(total.value, 10) < 20) addRow(form);
    Object.keys(data).forEach(function (name) {
      if (name.indexOf("TOTAL_FORMS") >= 0 || name.indexOf("INITIAL_FORMS") >= 0) return;
      var fields = form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']");
      if (!fields.length) return;
      if (fields[0].type === "radio") {
        var any = Array.prototype.some.call(fields, function (f) { return f.checked; });
        if (!any) Array.prototype.forEach.call(fields, function (f) {
          if (f.value === data[name]) { f.checked = true; restored = true; }
        });
      } else if (!fields[0].value && data[name]) {
        fields[0].value = data[name];
        restored = true;
      }
    });
    return restored;
  }

  function init() {
    clearConfirmed();
    var form = document.getElementById("visit-form"), s = store();
    if (!form) return;
    var addButton = document.getElementById("rect-add");
    if (addButton) addButton.addEventListener("click", function () { addRow(form); });
    if (!s) return;
    var key = PREFIX + form.dataset.draftKey, saved = s.getItem(key);
    if (saved) {
      try {
        if (restore(form, JSON.parse(saved))) document.getElementById("sg-draft-restored").classList.remove("d-none");
      } catch (e) { s.removeItem(key); }
    }
    var save = function () { try { s.setItem(key, JSON.stringify(snapshot(form))); } catch (e) { /* storage full */ } };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
