// Dialogs of the editor: each a modal <dialog> put at the end of the page
// (outside the page's form, which may not hold another) and removed when
// it closes. Focus returns to where it was.

let counter = 0;

export function uniqueId(name) {
  counter += 1;
  return "editor-dialog-" + name + "-" + counter;
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text) {
    node.textContent = text;
  }
  return node;
}

export function button(text, value, className) {
  const control = element("button", className, text);
  control.type = value === "submit" ? "submit" : "button";
  if (value && value !== "submit") {
    control.value = value;
  }
  return control;
}

// A labelled field in a paragraph appended to *container*, with an
// optional hint that describes it; returns the input.
export function field(container, labelText, type, name, hint) {
  const id = uniqueId(name);
  const paragraph = element("p", "field");
  const label = element("label", "", labelText);
  label.htmlFor = id;
  const input = document.createElement(type === "select" ? "select" : "input");
  if (type !== "select") {
    input.type = type;
  }
  input.id = id;
  input.name = name;
  if (type === "checkbox") {
    paragraph.append(input, " ", label);
  } else {
    paragraph.append(label, input);
  }
  if (hint) {
    const text = element("span", "hint", hint);
    text.id = id + "-hint";
    input.setAttribute("aria-describedby", text.id);
    paragraph.append(text);
  }
  container.append(paragraph);
  return input;
}

// An empty modal with its heading; the caller fills it and calls showModal().
export function modal(title, className) {
  const dialog = element("dialog", "editor-dialog" + (className ? " " + className : ""));
  const heading = element("h2", "", title);
  heading.id = uniqueId("title");
  dialog.setAttribute("aria-labelledby", heading.id);
  dialog.append(heading);
  document.body.append(dialog);
  const before = document.activeElement;
  dialog.addEventListener("close", function () {
    dialog.remove();
    if (before && before.isConnected && typeof before.focus === "function") {
      before.focus();
    }
  });
  return dialog;
}

// A modal holding one form: *build(form)* adds its fields and returns them;
// *submit(fields, action)* applies it, or returns a message that keeps the
// dialog open and is shown in it.
export function formDialog(title, build, submit) {
  const dialog = modal(title);
  const form = element("form");
  form.method = "dialog";
  const error = element("p", "field-error");
  error.setAttribute("role", "alert");
  const fields = build(form);
  const buttons = element("p", "form-buttons");
  form.append(error, buttons);
  dialog.append(form);
  function addButton(text, value) {
    const control = button(text, value === "cancel" ? "cancel" : "submit");
    control.value = value;
    if (value === "cancel") {
      control.addEventListener("click", () => dialog.close());
    }
    buttons.append(control);
    return control;
  }
  form.addEventListener("submit", function (event) {
    const submitter = event.submitter;
    const message = submit(fields, submitter ? submitter.value : "apply");
    if (message) {
      event.preventDefault();
      error.textContent = message;
    }
  });
  return { element: dialog, form, fields, addButton, error };
}
