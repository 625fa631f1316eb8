// The link and image dialogs. They live outside the page's form (a form
// may not hold another), each a <dialog> with a form of its own.

// What a link or an image may point at: the web, mail, a part of this
// page, or a page of this site by its path (stored by uid on save).
const ALLOWED_URL = /^(https?:\/\/[^\s]+|mailto:[^\s]+|#[^\s]*|\/(?!\/)[^\s]*)$/i;
const ALLOWED_SOURCE = /^(https?:\/\/[^\s]+|\/(?!\/)[^\s]*)$/i;

let counter = 0;

function field(form, labelText, type, name) {
  counter += 1;
  const id = "editor-dialog-" + name + "-" + counter;
  const paragraph = document.createElement("p");
  paragraph.className = "field";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = labelText;
  const input = document.createElement("input");
  input.type = type;
  input.id = id;
  input.name = name;
  if (type === "checkbox") {
    paragraph.append(input, " ", label);
  } else {
    paragraph.append(label, input);
  }
  form.append(paragraph);
  return input;
}

function dialog(title, build, submit) {
  const element = document.createElement("dialog");
  element.className = "editor-dialog";
  counter += 1;
  const headingId = "editor-dialog-title-" + counter;
  element.setAttribute("aria-labelledby", headingId);
  const heading = document.createElement("h2");
  heading.id = headingId;
  heading.textContent = title;
  const form = document.createElement("form");
  form.method = "dialog";
  const error = document.createElement("p");
  error.className = "field-error";
  error.setAttribute("role", "alert");
  const fields = build(form);
  const buttons = document.createElement("p");
  buttons.className = "form-buttons";
  form.append(error, buttons);
  element.append(heading, form);
  document.body.append(element);
  element.addEventListener("close", function () {
    element.remove();
  });
  function addButton(text, value) {
    const control = document.createElement("button");
    control.type = value === "cancel" ? "button" : "submit";
    control.value = value;
    control.textContent = text;
    if (value === "cancel") {
      control.addEventListener("click", () => element.close());
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
  return { element, fields, addButton };
}

export function linkDialog(editor) {
  const current = editor.getAttributes("link");
  const box = dialog(
    current.href ? "Edit link" : "Add a link",
    (form) => ({
      href: field(form, "Address (https://…, mailto:…, #part or /a/page/)", "text", "href"),
      title: field(form, "Title (optional)", "text", "title"),
    }),
    function (fields, action) {
      const chain = editor.chain().focus().extendMarkRange("link");
      if (action === "remove") {
        chain.unsetLink().run();
        return null;
      }
      const href = fields.href.value.trim();
      if (!ALLOWED_URL.test(href)) {
        return "Give an address starting with http://, https://, mailto:, # or /.";
      }
      const attributes = { href, title: fields.title.value.trim() || null };
      if (editor.state.selection.empty && !editor.isActive("link")) {
        chain.insertContent({ type: "text", text: href, marks: [{ type: "link", attrs: attributes }] }).run();
      } else {
        chain.setLink(attributes).run();
      }
      return null;
    },
  );
  box.fields.href.value = current.href || "";
  box.fields.title.value = current.title || "";
  box.addButton("Apply", "apply");
  if (current.href) {
    box.addButton("Remove link", "remove");
  }
  box.addButton("Cancel", "cancel");
  box.element.showModal();
}

export function imageDialog(editor) {
  const box = dialog(
    "Add an image",
    (form) => ({
      src: field(form, "Image address (https://… or /a/picture/@@images/preview)", "text", "src"),
      alt: field(form, "Alternative text", "text", "alt"),
      decorative: field(form, "Decorative: no alternative text", "checkbox", "decorative"),
    }),
    function (fields) {
      const src = fields.src.value.trim();
      if (!ALLOWED_SOURCE.test(src)) {
        return "Give an address starting with http://, https:// or /.";
      }
      const alt = fields.alt.value.trim();
      if (!alt && !fields.decorative.checked) {
        return "Describe the image, or mark it as decorative.";
      }
      const attrs = { src, alt: fields.decorative.checked ? "" : alt };
      editor.chain().focus().insertContent({ type: "image", attrs }).run();
      return null;
    },
  );
  box.addButton("Insert", "apply");
  box.addButton("Cancel", "cancel");
  box.element.showModal();
}
