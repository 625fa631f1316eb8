/*
 * The editor's forms, enhanced: every form works without this script.
 *
 * - Each `textarea.rich-text` gets the rich-text editor (when its bundle,
 *   cms/static/vendor/editor/editor.<hash>.js, is loaded): a toolbar and
 *   an editing area before it; the textarea stays the form's field.
 * - A form that is being sent has its buttons disabled, so that a double
 *   click does not send it twice.
 * - Leaving the add or edit form with changes not saved asks first (the
 *   browser's own question): typing in a field or in the rich-text editor
 *   marks the form changed; sending it does not ask.
 */
(function () {
  "use strict";

  function disableButtonsOnSubmit(event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") {
      return;
    }
    // Later, not now: the button that was clicked must still be sent.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("data-disabled-on-submit", "");
      });
      form.setAttribute("aria-busy", "true");
    }, 0);
  }

  function enableButtons(event) {
    // Back to a page kept in the browser's cache: its forms may be sent again.
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("[data-disabled-on-submit]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-disabled-on-submit");
    });
    document.querySelectorAll("form[aria-busy]").forEach(function (form) {
      form.removeAttribute("aria-busy");
    });
  }

  var unsaved = false;

  function watchChanges(form) {
    function changed() {
      unsaved = true;
    }
    // The rich-text editor's area is inside the form: its input events
    // bubble here too.
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      unsaved = false;
    });
  }

  function askBeforeLeaving(event) {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  }

  var editForm = document.getElementById("edit-form");
  if (editForm) {
    watchChanges(editForm);
    window.addEventListener("beforeunload", askBeforeLeaving);
  }
  if (window.CmsEditor) {
    document.querySelectorAll("textarea.rich-text").forEach(window.CmsEditor.mount);
  }
  document.addEventListener("submit", disableButtonsOnSubmit);
  window.addEventListener("pageshow", enableButtons);
})();
