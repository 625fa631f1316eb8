// The rich-text editor of the body field (Tiptap, on ProseMirror).
//
// `CmsEditor.mount(textarea)` puts an editor and its toolbar before the
// textarea and hides it; the textarea stays the form's field: it is filled
// with the editor's HTML, in canonical form, when the form is sent, and it
// is what the "HTML" button shows. Without this script the textarea is
// the editor. Bundled into cms/static/vendor/editor/ by build.mjs.
import { Editor } from "@tiptap/core";
import { extensions } from "./schema.js";
import { canonical, prepare } from "./canonical.js";
import { chooserContext } from "./chooser.js";
import { linkDialog, imageDialog } from "./dialogs.js";

const PARSE = { preserveWhitespace: "full" };

function button(label, text, run, options) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "editor-button";
  element.textContent = text;
  if (text !== label) {
    element.setAttribute("aria-label", label);
    element.title = label;
  }
  if (options && options.toggle) {
    element.setAttribute("aria-pressed", "false");
  }
  // Keep the selection in the editor when the button is clicked.
  element.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });
  element.addEventListener("click", run);
  return element;
}

function group(label, buttons) {
  const element = document.createElement("span");
  element.className = "editor-group";
  element.setAttribute("role", "group");
  element.setAttribute("aria-label", label);
  element.append(...buttons);
  return element;
}

// The toolbar is one stop of the Tab key; the arrow keys, Home and End move
// between its buttons (the WAI-ARIA toolbar pattern). Returns the function
// that keeps one enabled button reachable after buttons change state.
function arrowKeys(toolbar) {
  const reachable = () =>
    Array.from(toolbar.querySelectorAll("button")).filter((b) => !b.disabled && !b.closest("[hidden]"));
  function makeStop(target) {
    toolbar.querySelectorAll("button").forEach((b) => {
      b.tabIndex = b === target ? 0 : -1;
    });
  }
  toolbar.addEventListener("keydown", function (event) {
    const list = reachable();
    const index = list.indexOf(document.activeElement);
    if (index < 0) {
      return;
    }
    const moves = {
      ArrowRight: (index + 1) % list.length,
      ArrowLeft: (index - 1 + list.length) % list.length,
      Home: 0,
      End: list.length - 1,
    };
    if (!(event.key in moves)) {
      return;
    }
    event.preventDefault();
    makeStop(list[moves[event.key]]);
    list[moves[event.key]].focus();
  });
  toolbar.addEventListener("focusin", function (event) {
    if (event.target.tagName === "BUTTON") {
      makeStop(event.target);
    }
  });
  function keepStop() {
    const list = reachable();
    if (list.length && !list.some((b) => b.tabIndex === 0)) {
      makeStop(list[0]);
    }
  }
  makeStop(reachable()[0]);
  return keepStop;
}

function mount(textarea) {
  const wrapper = document.createElement("div");
  wrapper.className = "rich-editor";
  const toolbar = document.createElement("div");
  toolbar.className = "editor-toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Formatting");
  toolbar.setAttribute("aria-controls", textarea.id + "-editor");
  const area = document.createElement("div");
  area.className = "editor-area";
  textarea.parentNode.insertBefore(wrapper, textarea);
  wrapper.append(toolbar, area, textarea);

  const label = document.querySelector('label[for="' + textarea.id + '"]');
  const attributes = {
    id: textarea.id + "-editor",
    role: "textbox",
    "aria-multiline": "true",
    class: "editor-content",
  };
  if (label && label.id) {
    attributes["aria-labelledby"] = label.id;
  }
  ["aria-describedby", "aria-invalid"].forEach(function (name) {
    if (textarea.hasAttribute(name)) {
      attributes[name] = textarea.getAttribute(name);
    }
  });
  const editor = new Editor({
    element: area,
    extensions,
    content: prepare(textarea.value),
    injectCSS: false,
    parseOptions: PARSE,
    editorProps: { attributes },
  });
  textarea.hidden = true;
  const context = chooserContext(textarea);

  const chain = () => editor.chain().focus();
  const toggles = [];
  const tableOnly = [];
  const editing = [];

  function toggle(label, text, run, isActive) {
    const element = button(label, text, run, { toggle: true });
    toggles.push([element, isActive]);
    editing.push(element);
    return element;
  }
  function action(label, text, run, canRun) {
    const element = button(label, text, run);
    editing.push(element);
    if (canRun) {
      toggles.push([element, null, canRun]);
    }
    return element;
  }
  function tableAction(label, text, command) {
    const element = action(label, text, () => chain()[command]().run());
    tableOnly.push(element);
    return element;
  }

  const blocks = group("Text style", [
    toggle("Paragraph", "¶", () => chain().setParagraph().run(), () => editor.isActive("paragraph")),
    ...[2, 3, 4].map((level) =>
      // The name holds the visible text (WCAG 2.5.3, "label in name").
      toggle("H" + level + ": heading " + level, "H" + level, () => chain().toggleHeading({ level }).run(), () => editor.isActive("heading", { level })),
    ),
  ]);
  const marks = group("Formatting", [
    toggle("Bold", "B", () => chain().toggleBold().run(), () => editor.isActive("bold")),
    toggle("Italic", "I", () => chain().toggleItalic().run(), () => editor.isActive("italic")),
    toggle("Underline", "U", () => chain().toggleUnderline().run(), () => editor.isActive("underline")),
    toggle("Strikethrough", "S", () => chain().toggleStrike().run(), () => editor.isActive("strike")),
    toggle("Subscript", "Subscript", () => chain().toggleSubscript().run(), () => editor.isActive("subscript")),
    toggle("Superscript", "Superscript", () => chain().toggleSuperscript().run(), () => editor.isActive("superscript")),
    toggle("Code", "</>", () => chain().toggleCode().run(), () => editor.isActive("code")),
    toggle("Link", "Link", () => linkDialog(editor, context), () => editor.isActive("link")),
  ]);
  const lists = group("Lists and blocks", [
    toggle("Bulleted list", "Bulleted list", () => chain().toggleBulletList().run(), () => editor.isActive("bulletList")),
    toggle("Numbered list", "Numbered list", () => chain().toggleOrderedList().run(), () => editor.isActive("orderedList")),
    action("Indent", "→", () => chain().sinkListItem("listItem").run(), () => editor.can().sinkListItem("listItem")),
    action("Outdent", "←", () => chain().liftListItem("listItem").run(), () => editor.can().liftListItem("listItem")),
    toggle("Quotation", "“ ”", () => chain().toggleBlockquote().run(), () => editor.isActive("blockquote")),
    toggle("Code block", "{ }", () => chain().toggleCodeBlock().run(), () => editor.isActive("codeBlock")),
    action("Horizontal rule", "―", () => chain().setHorizontalRule().run()),
  ]);
  const inserts = group("Insert", [
    action("Insert table", "Table", insertTable),
    action("Image", "Image", () => imageDialog(editor, context)),
  ]);
  const table = group("Table", [
    tableAction("Add row above", "+ Row ↑", "addRowBefore"),
    tableAction("Add row below", "+ Row ↓", "addRowAfter"),
    tableAction("Delete row", "− Row", "deleteRow"),
    tableAction("Add column before", "+ Col ←", "addColumnBefore"),
    tableAction("Add column after", "+ Col →", "addColumnAfter"),
    tableAction("Delete column", "− Col", "deleteColumn"),
    tableAction("Delete table", "− Table", "deleteTable"),
  ]);
  const history = group("History", [
    action("Undo", "↶", () => chain().undo().run(), () => editor.can().undo()),
    action("Redo", "↷", () => chain().redo().run(), () => editor.can().redo()),
  ]);
  const source = button("HTML", "HTML", toggleSource, { toggle: true });
  toolbar.append(blocks, marks, lists, inserts, table, history, group("Source", [source]));
  const keepStop = arrowKeys(toolbar);

  // A new table's header row is its <thead>, each cell a column's header.
  function insertTable() {
    chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run();
    const { state } = editor;
    const $from = state.selection.$from;
    for (let depth = $from.depth; depth > 0; depth -= 1) {
      if ($from.node(depth).type.name === "table") {
        const row = $from.node(depth).firstChild;
        const rowPos = $from.before(depth) + 1;
        const tr = state.tr.setNodeMarkup(rowPos, null, { ...row.attrs, section: "head" });
        row.forEach(function (cell, offset) {
          tr.setNodeMarkup(rowPos + 1 + offset, null, { ...cell.attrs, scope: "col" });
        });
        editor.view.dispatch(tr);
        return;
      }
    }
  }

  function update() {
    const inTable = editor.isActive("table");
    table.hidden = !inTable;
    toggles.forEach(function ([element, isActive, canRun]) {
      if (isActive) {
        element.setAttribute("aria-pressed", String(isActive()));
      }
      if (canRun) {
        element.disabled = !canRun();
      }
    });
    keepStop();
  }

  function toggleSource() {
    const showing = textarea.hidden;
    if (showing) {
      textarea.value = canonical(editor.getHTML());
    } else {
      editor.commands.setContent(prepare(textarea.value), { emitUpdate: true, parseOptions: PARSE });
    }
    textarea.hidden = !showing;
    area.hidden = showing;
    source.setAttribute("aria-pressed", String(showing));
    editing.forEach(function (element) {
      element.disabled = showing;
    });
    keepStop();
    if (showing) {
      textarea.focus();
    } else {
      update();
      editor.commands.focus();
    }
  }

  if (label) {
    // The label names the textarea: while it is hidden, it leads to the editor.
    label.addEventListener("click", function (event) {
      if (textarea.hidden) {
        event.preventDefault();
        editor.commands.focus();
      }
    });
  }
  editor.on("transaction", update);
  update();
  textarea.form.addEventListener("submit", function () {
    if (textarea.hidden) {
      textarea.value = canonical(editor.getHTML());
    }
  });
  return editor;
}

window.CmsEditor = { mount, canonical, prepare };
