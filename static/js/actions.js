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

// The subscribe page: "What happens" follows the plan and the way to pay the customer picks. The
// server renders it for the plan and payment chosen first, so without scripts it is right for those.
function updateWhatHappens(form) {
  var plan = form.querySelector("input[name=plan_code]:checked");
  var payment = form.querySelector("input[name=payment]:checked");
  if (!plan || !plan.hasAttribute("data-due-today")) return;
  var onFile = payment && payment.value === "card_on_file";
  var due = form.querySelector("[data-summary=due-today]");
  var withCard = form.querySelector("[data-summary=with-card-on-file]");
  var withNew = form.querySelector("[data-summary=with-new-card]");
  if (due) due.textContent = plan.getAttribute("data-due-today");
  if (withCard) { withCard.textContent = plan.getAttribute("data-with-card-on-file"); withCard.hidden = !onFile; }
  if (withNew) { withNew.textContent = plan.getAttribute("data-with-new-card"); withNew.hidden = onFile; }
}
document.addEventListener("change", function (event) {
  var input = event.target;
  if (input.name !== "plan_code" && input.name !== "payment") return;
  if (input.form && input.form.querySelector("[data-summary]")) updateWhatHappens(input.form);
});
