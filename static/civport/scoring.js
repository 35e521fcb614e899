/* The scoring page without a round trip: the running total as points are typed, a confirm
 * before submitting, and no clash between a pending autosave and a button press. The page
 * works without this file (the server shows the total and a confirmation step). */
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form) {
    return;
  }
  var output = document.getElementById("running-total");
  var cap = parseFloat(form.dataset.bonusCap || "0");
  var pressed = false;

  // The same rule as the server's running_total: standard points × coefficient, rounded to
  // cents, plus the bonus points up to the cap. Entries outside an item's range are left out.
  function recompute() {
    var standard = 0;
    var bonus = 0;
    form.querySelectorAll("input[data-coefficient]").forEach(function (input) {
      var value = parseFloat(input.value);
      if (isNaN(value) || value < 0 || value > parseFloat(input.max)) {
        return;
      }
      if (input.dataset.kind === "bonus") {
        bonus += value;
      } else {
        standard += value * parseFloat(input.dataset.coefficient);
      }
    });
    var total = Math.round(standard * 100) / 100 + Math.min(bonus, cap);
    document.getElementById("running-total").textContent = total.toFixed(2);
  }

  if (output) {
    form.addEventListener("input", function (event) {
      if (event.target.matches("input[data-coefficient]")) {
        recompute();
      }
    });
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (form.classList.contains("htmx-request")) {
      // An autosave is on its way: wait for the revision it brings back, then press again.
      event.preventDefault();
      form.addEventListener(
        "htmx:afterRequest",
        function () {
          form.requestSubmit(submitter);
        },
        { once: true }
      );
      return;
    }
    if (submitter && submitter.value === "submit") {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      form.querySelector("input[name=confirmed]").value = "1";
    }
    pressed = true;
  });

  // Once a button is pressed the form posts everything; an autosave still waiting for its
  // delay would only bump the revision under the page's feet.
  form.addEventListener("htmx:confirm", function (event) {
    if (pressed) {
      event.preventDefault();
    }
  });
})();
