/* The archive volumes page: every volume still queued or being built asks its status endpoint every few seconds
   and updates its badge, progress bar and step; once ready, the download link appears. Polling pauses while the
   tab is hidden, slows down after errors, and stops when nothing is pending. No inline script: the page carries
   each volume's status URL in data-status-url. */
(function () {
  "use strict";

  var INTERVAL = 3000, MAX_INTERVAL = 30000;
  var BADGES = { done: "text-bg-success", failed: "text-bg-danger" };

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-sg-volume][data-pending]"));
  }

  function show(row, data) {
    var badge = row.querySelector("[data-sg-volume-status]");
    var bar = row.querySelector("[data-sg-volume-progress]");
    var step = row.querySelector("[data-sg-volume-step]");
    var error = row.querySelector("[data-sg-volume-error]");
    var link = row.querySelector("[data-sg-volume-download]");
    var percent = Math.max(0, Math.min(100, parseInt(data.progress, 10) || 0));
    if (badge) {
      badge.textContent = data.status_label;
      badge.className = "badge " + (BADGES[data.status] || "text-bg-secondary");
    }
    if (bar) {
      bar.setAttribute("aria-valuenow", String(percent));
      var fill = bar.querySelector(".progress-bar");
      if (fill) { fill.style.width = percent + "%"; fill.textContent = percent + "%"; }
    }
    if (step) step.textContent = data.pending ? (data.step || "") : "";
    if (error) error.textContent = data.error || "";
    if (link && data.download_url) {
      link.setAttribute("href", data.download_url);
      link.classList.remove("d-none");
    }
    if (!data.pending) row.removeAttribute("data-pending");
  }

  function poll(delay) {
    if (!rows().length) return;
    window.setTimeout(function () {
      if (document.hidden) { poll(delay); return; }
      var pending = rows(), failed = false, left = pending.length;
      pending.forEach(function (row) {
        fetch(row.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
          .then(function (data) { show(row, data); })
          .catch(function () { failed = true; })
          .then(function () {
            left -= 1;
            if (left === 0) poll(failed ? Math.min(delay * 2, MAX_INTERVAL) : INTERVAL);
          });
      });
    }, delay);
  }

  document.addEventListener("DOMContentLoaded", function () { poll(INTERVAL); });
})();
