// QR sign-in, the secretary's page: the list of members who signed in, refreshed every few seconds.
(function () {
  "use strict";
  var list = document.getElementById("signin-list");
  var count = document.getElementById("signin-count");
  if (!list) { return; }
  function badge(text, kind) {
    var span = document.createElement("span");
    span.className = "badge ms-1 text-bg-" + kind;
    span.textContent = text;
    return span;
  }
  function render(data) {
    var rows = data.signed.map(function (s) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between";
      var name = document.createElement("span");
      name.textContent = s.name;
      if (s.late) { name.appendChild(badge(list.dataset.late, "warning")); }
      if (s.remote) { name.appendChild(badge(list.dataset.remote, "info")); }
      var time = document.createElement("span");
      time.className = "text-secondary small";
      time.textContent = s.time;
      li.appendChild(name);
      li.appendChild(time);
      return li;
    });
    list.replaceChildren.apply(list, rows);
    count.textContent = String(data.count);
  }
  function poll() {
    fetch(list.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { render(data); } })
      .catch(function () {})
      .finally(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 2000);
}());
