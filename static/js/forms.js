/* Every form that POSTs shows it is working and cannot be sent twice: once its submit event has gone
   through (no other handler cancelled it), the pressed button shows a spinner and "Saving…" (the
   translated label comes from <body data-sg-busy-label>, or the button's own data-sg-busy-label), and
   every submit button of the form is disabled, so a double press or a second Enter sends one request.

   A disabled button is left out of what the form sends, so the pressed button's name and value (a form
   may have several: "submit" / "save as draft") travel in a hidden input. The browser builds the form's
   data after the submit event, so the request carries exactly that one copy.

   A form the server rejects comes back as a fresh page; a page restored from the back-forward cache is
   made usable again on pageshow. A form opts out with data-sg-no-busy. No inline script or handler: the
   portal will run under a strict Content-Security-Policy. */
(function () {
  "use strict";

  var idle = new WeakMap(); // button -> its markup before it showed the busy state

  function isPost(form) {
    return form instanceof HTMLFormElement && (form.getAttribute("method") || "").toLowerCase() === "post";
  }

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "BUTTON" || el.tagName === "INPUT") && el.type === "submit";
    });
  }

  function keepNameAndValue(form, button) {
    if (!button || !button.name) return;
    var copy = document.createElement("input");
    copy.type = "hidden";
    copy.name = button.name;
    copy.value = button.value;
    copy.setAttribute("data-sg-submitter", "");
    form.appendChild(copy);
  }

  function showBusy(button) {
    var label = button.getAttribute("data-sg-busy-label") || document.body.getAttribute("data-sg-busy-label") || "…";
    if (button.tagName === "INPUT") {
      idle.set(button, button.value);
      button.value = label;
      return;
    }
    idle.set(button, button.innerHTML);
    var spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    button.replaceChildren(spinner, document.createTextNode(label));
  }

  function busy(form, submitter, shown) {
    form.setAttribute("data-sg-busy", "");
    form.setAttribute("aria-busy", "true");
    keepNameAndValue(form, submitter); // only the button actually pressed names itself in the request
    submitButtons(form).forEach(function (button) {
      if (button.disabled) return; // disabled by the page itself: leave it so
      button.disabled = true;
      button.setAttribute("data-sg-disabled", "");
    });
    if (shown) showBusy(shown);
  }

  function ready(form) {
    form.removeAttribute("data-sg-busy");
    form.removeAttribute("aria-busy");
    form.querySelectorAll("input[data-sg-submitter]").forEach(function (copy) { copy.remove(); });
    submitButtons(form).forEach(function (button) {
      if (idle.has(button)) {
        if (button.tagName === "INPUT") button.value = idle.get(button);
        else button.innerHTML = idle.get(button);
        idle.delete(button);
      }
      if (button.hasAttribute("data-sg-disabled")) {
        button.disabled = false;
        button.removeAttribute("data-sg-disabled");
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!isPost(form) || form.hasAttribute("data-sg-no-busy")) return;
    if (form.hasAttribute("data-sg-busy")) {
      event.preventDefault(); // the first press is on its way
      return;
    }
    if (event.defaultPrevented) return; // a handler on the form kept it from being sent
    busy(form, event.submitter, event.submitter || submitButtons(form)[0]);
    // A handler running after this one may still cancel the submission: then the form stays usable.
    window.setTimeout(function () { if (event.defaultPrevented) ready(form); }, 0);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sg-busy]").forEach(ready);
  });

  // A <select data-sg-autosubmit> sends its form on change (the footer's language switch).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-sg-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
