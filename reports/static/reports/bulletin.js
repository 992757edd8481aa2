// The bulletin page: the print button (no inline handlers: the page's CSP-friendly script).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-sg-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
