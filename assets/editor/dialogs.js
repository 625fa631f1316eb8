// The link and image dialogs of the editor's toolbar. A page or an image of
// the site is found with the chooser (chooser.js) and linked by its URL,
// which the server stores by uid: the link survives moves and renames.
import { choose } from "./chooser.js";
import { element, field, formDialog } from "./dialog.js";

// What a link or an image may point at: the web, mail, a part of this
// page, or a page of this site by its path (stored by uid on save).
const ALLOWED_URL = /^(https?:\/\/[^\s]+|mailto:[^\s]+|#[^\s]*|\/(?!\/)[^\s]*)$/i;
const ALLOWED_SOURCE = /^(https?:\/\/[^\s]+|\/(?!\/)[^\s]*)$/i;
// The sizes an image may be shown at: its scales, then the file itself.
const SIZES = [
  ["thumb", "Small"],
  ["preview", "Medium"],
  ["large", "Large"],
];

export function linkDialog(editor, context) {
  const current = editor.getAttributes("link");
  let chosen = null;
  const box = formDialog(
    current.href ? "Edit link" : "Add a link",
    function (form) {
      const fields = {};
      if (context) {
        const line = element("p", "chooser-open");
        const open = element("button", "", "Choose a page of this site…");
        open.type = "button";
        open.addEventListener("click", async function () {
          const item = await choose(context, "page");
          if (item && !item.external) {
            chosen = item;
            fields.href.value = item["@id"];
          }
          fields.href.focus();
        });
        line.append(open);
        form.append(line);
      }
      fields.href = field(form, "Address (https://…, mailto:…, #part or /a/page/)", "text", "href");
      fields.title = field(form, "Title (optional)", "text", "title");
      return fields;
    },
    function (fields, action) {
      const chain = editor.chain().focus().extendMarkRange("link");
      if (action === "remove") {
        chain.unsetLink().run();
        return null;
      }
      const href = fields.href.value.trim();
      if (!ALLOWED_URL.test(href)) {
        return "Give an address starting with http://, https://, mailto:, # or /, or choose a page.";
      }
      const attributes = { href, title: fields.title.value.trim() || null };
      if (editor.state.selection.empty && !editor.isActive("link")) {
        // A link made at the cursor reads as the page's title, if chosen.
        const text = chosen && chosen["@id"] === href && chosen.title ? chosen.title : href;
        chain.insertContent({ type: "text", text, marks: [{ type: "link", attrs: attributes }] }).run();
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

// The toolbar's Image button: the chooser first (when the page has one),
// then what the picture needs: its size, its text, an optional caption.
export async function imageDialog(editor, context) {
  let image = null;
  if (context) {
    const item = await choose(context, "image");
    if (!item) {
      editor.commands.focus();
      return;
    }
    if (!item.external) {
      image = item.scales ? item : await fetchImage(item["@id"]);
    }
  }
  imageDetails(editor, image);
}

// Puts the cursor after the *type* block it is in (in the paragraph that
// follows, made if there is none): typing goes on below a new figure, not
// in its caption.
function leave(editor, type) {
  const $from = editor.state.selection.$from;
  for (let depth = $from.depth; depth > 0; depth -= 1) {
    if ($from.node(depth).type.name === type) {
      const after = $from.after(depth);
      const next = editor.state.doc.resolve(after).nodeAfter;
      const chain = editor.chain();
      if (!next || !next.isTextblock) {
        chain.insertContentAt(after, { type: "paragraph" });
      }
      chain.setTextSelection(after + 1).run();
      return;
    }
  }
}

async function fetchImage(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
  return response.ok ? response.json() : null;
}

function imageDetails(editor, image) {
  const box = formDialog(
    "Add an image",
    function (form) {
      const fields = {};
      if (image) {
        const shown = element("p", "chooser-chosen");
        const preview = element("img");
        preview.src = image["@id"] + "@@images/thumb";
        preview.alt = "";
        shown.append(preview, element("span", "", image.title || image.id));
        form.append(shown);
        fields.size = field(form, "Size", "select", "size");
        SIZES.forEach(function ([name, text]) {
          const scale = image.scales && image.scales[name];
          // A scale as big as the picture is the picture: offered once.
          if (scale && !(image.width && scale.width >= image.width)) {
            fields.size.add(new Option(text + " (" + scale.width + " × " + scale.height + ")", name));
          }
        });
        const original = image.width ? " (" + image.width + " × " + image.height + ")" : "";
        fields.size.add(new Option("Original" + original, "original"));
        fields.size.value = image.scales && image.scales.preview ? "preview" : fields.size.options[0].value;
      } else {
        fields.src = field(form, "Image address (https://… or /a/picture/@@images/preview)", "text", "src");
      }
      fields.alt = field(form, "Alternative text", "text", "alt", "What the picture shows, for those who cannot see it.");
      fields.decorative = field(form, "Decorative: no alternative text", "checkbox", "decorative", "It adds nothing to the text.");
      fields.decorative.addEventListener("change", function () {
        fields.alt.disabled = fields.decorative.checked;
      });
      fields.caption = field(form, "Caption (optional)", "text", "caption", "Shown under the picture.");
      return fields;
    },
    function (fields) {
      let src;
      if (image) {
        const size = fields.size.value;
        src = image["@id"] + (size === "original" ? "@@download" : "@@images/" + size);
      } else {
        src = fields.src.value.trim();
        if (!ALLOWED_SOURCE.test(src)) {
          return "Give an address starting with http://, https:// or /.";
        }
      }
      const alt = fields.alt.value.trim();
      if (!alt && !fields.decorative.checked) {
        return "Describe the picture, or mark it as decorative.";
      }
      const attrs = { src, alt: fields.decorative.checked ? "" : alt };
      const caption = fields.caption.value.trim();
      const content = caption
        ? {
            type: "figure",
            content: [
              { type: "figureImage", attrs },
              { type: "figcaption", content: [{ type: "text", text: caption }] },
            ],
          }
        : { type: "image", attrs };
      editor.chain().focus().insertContent(content).run();
      if (caption) {
        leave(editor, "figure");
      }
      return null;
    },
  );
  box.addButton("Insert", "apply");
  box.addButton("Cancel", "cancel");
  box.element.showModal();
}
