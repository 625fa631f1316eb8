/*
 * The editor's forms, enhanced: every form works without this script.
 *
 * - Each `textarea.rich-text` becomes a Trix editor (when Trix is loaded)
 *   bound to a hidden input of the same name; its label still names it.
 *   Headings are <h2> (the page title is the <h1>); attachments are off:
 *   files are not uploaded into a page's body.
 * - A form that is being sent has its buttons disabled, so that a double
 *   click does not send it twice.
 */
(function () {
  "use strict";

  function configureTrix(Trix) {
    Trix.config.blockAttributes.heading1.tagName = "h2";
  }

  function richText(textarea) {
    var id = textarea.id;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = textarea.name;
    input.id = id + "-input";
    input.value = textarea.value;

    var editor = document.createElement("trix-editor");
    editor.id = id;
    editor.setAttribute("input", input.id);
    editor.className = "trix-content";
    var label = document.querySelector('label[for="' + id + '"]');
    if (label && label.id) {
      editor.setAttribute("aria-labelledby", label.id);
    }
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (textarea.hasAttribute(name)) {
        editor.setAttribute(name, textarea.getAttribute(name));
      }
    });

    textarea.parentNode.insertBefore(input, textarea);
    textarea.parentNode.replaceChild(editor, textarea);
  }

  function refuseFiles(event) {
    event.preventDefault();
  }

  function dropAttachment(event) {
    // Pasted or dropped files never reach trix-file-accept in every browser.
    if (event.attachment && event.attachment.file) {
      event.attachment.remove();
    }
  }

  function hideFileTools(event) {
    var toolbar = event.target.toolbarElement;
    var group = toolbar && toolbar.querySelector("[data-trix-button-group=file-tools]");
    if (group) {
      group.remove();
    }
  }

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

  if (window.Trix) {
    configureTrix(window.Trix);
    document.addEventListener("trix-file-accept", refuseFiles);
    document.addEventListener("trix-attachment-add", dropAttachment);
    document.addEventListener("trix-initialize", hideFileTools);
    document.querySelectorAll("textarea.rich-text").forEach(richText);
  }
  document.addEventListener("submit", disableButtonsOnSubmit);
  window.addEventListener("pageshow", enableButtons);
})();
