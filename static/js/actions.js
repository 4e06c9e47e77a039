// Write-action forms: a form marked data-once submits once; its buttons are disabled right
// after the first submit so a double click sends one request. The server never relies on this: every
// payment is guarded by its intent key (services/payments.py).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.getAttribute("data-submitted") === "1") { event.preventDefault(); return; }
  form.setAttribute("data-submitted", "1");
  window.setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.disabled = true;
      b.setAttribute("aria-busy", "true");
    });
  }, 0);
}, true);
