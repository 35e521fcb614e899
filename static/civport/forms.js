/* Forms that keep what was typed, and say how much may still be typed.
 *
 * - A form sent with POST whose fields differ from what the page brought is "dirty": leaving the
 *   page, or sending another form of the same page, first asks whether to lose the changes.
 *   Sending the dirty form itself is what the user wants and asks nothing. An autosaved form
 *   (htmx) is clean again once the server has its values. `data-no-dirty-check` on a form
 *   leaves it out.
 * - A text field with a maximum length shows how many characters it holds, below it.
 * - A list of check boxes with a counter (`data-checked-counter`) counts the ticked boxes.
 *
 * The texts come from data attributes of <body>, translated by the server. Every page works
 * without this file. */
(function () {
  "use strict";
  var body = document.body;
  var texts = body.dataset;

  // --- unsaved changes -------------------------------------------------------------------

  var SKIPPED_TYPES = ["hidden", "submit", "button", "reset", "image"];
  // The state a form was saved in, when it is not the one the page was loaded with.
  var saved = new WeakMap();

  function watched(form) {
    return (
      form instanceof HTMLFormElement &&
      form.method === "post" &&
      !form.hasAttribute("data-no-dirty-check")
    );
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return (
        field.name &&
        SKIPPED_TYPES.indexOf(field.type) === -1 &&
        !field.hasAttribute("data-no-dirty-check") &&
        field.tagName !== "BUTTON" &&
        field.tagName !== "FIELDSET" &&
        field.tagName !== "OUTPUT"
      );
    });
  }

  // The form's fields as one string: as they are now, or (`initial`) as the page brought them.
  function state(form, initial) {
    return JSON.stringify(
      fieldsOf(form).map(function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          return initial ? field.defaultChecked : field.checked;
        }
        if (field.type === "file") {
          return initial ? 0 : field.files.length;
        }
        if (field.tagName === "SELECT") {
          var chosen = Array.prototype.map.call(field.options, function (option) {
            return initial ? option.defaultSelected : option.selected;
          });
          // A single choice without a selected option shows its first one.
          if (initial && !field.multiple && field.size <= 1 && chosen.indexOf(true) === -1) {
            chosen[0] = field.options.length > 0;
          }
          return chosen;
        }
        return initial ? field.defaultValue : field.value;
      })
    );
  }

  function isDirty(form) {
    if (!watched(form)) {
      return false;
    }
    var before = saved.has(form) ? saved.get(form) : state(form, true);
    return state(form, false) !== before;
  }

  function dirtyForms() {
    return Array.prototype.filter.call(document.forms, isDirty);
  }

  // Once the user agreed to lose the changes, leaving the page asks no second time.
  var agreed = false;

  function markSaved(form) {
    saved.set(form, state(form, false));
  }

  window.addEventListener("beforeunload", function (event) {
    if (agreed || dirtyForms().length === 0) {
      return;
    }
    event.preventDefault();
    // Browsers show their own words; older ones want a value here.
    event.returnValue = texts.unsavedMessage || "";
    return texts.unsavedMessage;
  });

  // Bubbling to the document: a handler of the form's own (htmx, the scoring page's
  // confirmation) has had its say, and a submission it took over is no navigation.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) {
      return;
    }
    var others = dirtyForms().filter(function (other) {
      return other !== form;
    });
    if (others.length && !window.confirm(texts.unsavedMessage)) {
      event.preventDefault();
      return;
    }
    if (others.length) {
      agreed = true;
    }
    if (watched(form)) {
      markSaved(form);
    }
  });

  // An autosave (or any htmx request a form sends) that succeeded holds the form's values.
  body.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail && event.detail.elt;
    var form = source && (source.form || (source.closest && source.closest("form")));
    if (form && event.detail.successful && watched(form)) {
      markSaved(form);
    }
  });

  // --- character counters ----------------------------------------------------------------

  var COUNTED = "textarea[maxlength], input[maxlength]:not([type]), input[maxlength][type=text]";
  var counted = 0;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function updateCounter(field, counter) {
    var max = parseInt(field.getAttribute("maxlength"), 10);
    // The browser measures maxlength in the same units as value.length.
    var count = field.value.length;
    counter.textContent = format(texts.counterFormat, { count: count, max: max });
    counter.classList.toggle("text-danger", count >= max);
  }

  function addCounter(field) {
    if (field.dataset.counterId || field.hasAttribute("data-no-counter")) {
      return;
    }
    if (!(parseInt(field.getAttribute("maxlength"), 10) > 0)) {
      return;
    }
    counted += 1;
    var counter = document.createElement("div");
    counter.id = (field.id || "field-" + counted) + "-counter";
    counter.className = "form-text char-counter";
    counter.setAttribute("data-testid", "char-counter");
    field.dataset.counterId = counter.id;
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    field.insertAdjacentElement("afterend", counter);
    updateCounter(field, counter);
  }

  function addCounters(root) {
    if (!texts.counterFormat) {
      return;
    }
    if (root.matches && root.matches(COUNTED)) {
      addCounter(root);
    }
    if (root.querySelectorAll) {
      Array.prototype.forEach.call(root.querySelectorAll(COUNTED), addCounter);
    }
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    var counter = field.dataset && field.dataset.counterId && document.getElementById(field.dataset.counterId);
    if (counter) {
      updateCounter(field, counter);
    }
  });
  // A form reset puts the values back after the event: count once it is done.
  document.addEventListener("reset", function (event) {
    window.setTimeout(function () {
      addCounters(event.target);
      Array.prototype.forEach.call(event.target.querySelectorAll(COUNTED), function (field) {
        var counter = document.getElementById(field.dataset.counterId);
        if (counter) {
          updateCounter(field, counter);
        }
      });
    });
  });

  // --- counters of ticked boxes ----------------------------------------------------------

  // <span data-checked-counter data-format="… {chosen} …" data-limit="2">: counts the ticked
  // boxes of the closest section (or of the element named by data-scope), and is marked
  // when there are more than the limit.
  function updateChecked(counter) {
    var scope = counter.dataset.scope
      ? document.querySelector(counter.dataset.scope)
      : counter.closest("section") || document;
    if (!scope) {
      return;
    }
    var chosen = scope.querySelectorAll("input[type=checkbox]:checked").length;
    counter.textContent = format(counter.dataset.format, { chosen: chosen });
    var limit = parseInt(counter.dataset.limit, 10);
    if (!isNaN(limit)) {
      var over = chosen > limit;
      counter.classList.toggle("text-danger", over);
      counter.classList.toggle("fw-semibold", over);
      counter.classList.toggle("text-muted", !over);
    }
  }

  function checkedCounters() {
    return document.querySelectorAll("[data-checked-counter][data-format]");
  }

  document.addEventListener("change", function (event) {
    if (event.target.type === "checkbox") {
      Array.prototype.forEach.call(checkedCounters(), updateChecked);
    }
  });

  // --- start -----------------------------------------------------------------------------

  addCounters(document);
  body.addEventListener("htmx:load", function (event) {
    addCounters(event.target);
  });
  // The browser may bring back typed values and ticks on "back": count what is there.
  window.addEventListener("pageshow", function () {
    agreed = false;
    Array.prototype.forEach.call(checkedCounters(), updateChecked);
    Array.prototype.forEach.call(document.querySelectorAll(COUNTED), function (field) {
      var counter = field.dataset.counterId && document.getElementById(field.dataset.counterId);
      if (counter) {
        updateCounter(field, counter);
      }
    });
  });
}());
