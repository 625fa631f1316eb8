// The editor's HTML in the one canonical form that cms/canonical.py writes:
// the same rules, applied to the DOM. `prepare` readies stored HTML for the
// editor's parser; `canonical` turns the editor's output into what is sent.

const ATTRIBUTE_ORDER = {
  A: ["href", "title", "rel"],
  ABBR: ["title"],
  IMG: ["src", "alt", "title", "width", "height"],
  OL: ["start"],
  TD: ["colspan", "rowspan"],
  TH: ["colspan", "rowspan", "scope"],
};
const BLOCKS_ONLY = ["UL", "OL", "TABLE", "THEAD", "TBODY", "TFOOT", "TR", "DL", "FIGURE"];
const CONTAINERS = ["BLOCKQUOTE", "LI", "TD", "TH", "DD"].concat(BLOCKS_ONLY);
const BLOCKS = ["P", "H2", "H3", "H4", "H5", "H6", "CAPTION", "FIGCAPTION", "DT", "PRE", "HR", "DIV"].concat(CONTAINERS);
const SINGLE_PARAGRAPH = ["LI", "TD", "TH", "DD"];
const SECTIONS = { head: "thead", body: "tbody", foot: "tfoot" };

function isBlock(node) {
  return node !== null && node.nodeType === 1 && BLOCKS.indexOf(node.tagName) !== -1;
}

function isBlank(node) {
  return node.nodeType === 3 && /^[ \t\n\r\f]*$/.test(node.data);
}

// Whitespace-only text beside blocks, first or last in a container, goes.
function dropBlank(parent, blocksOnly) {
  Array.from(parent.childNodes).forEach(function (child) {
    if (!isBlank(child)) {
      return;
    }
    const before = child.previousSibling;
    const after = child.nextSibling;
    if (blocksOnly || !before || !after || isBlock(before) || isBlock(after)) {
      child.remove();
    }
  });
}

function eachContainer(root, callback) {
  callback(root, false);
  root.querySelectorAll(CONTAINERS.join(",")).forEach(function (element) {
    callback(element, BLOCKS_ONLY.indexOf(element.tagName) !== -1);
  });
}

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template;
}

/** Stored HTML, readied for the editor's parser. */
export function prepare(html) {
  const template = fragment(html);
  eachContainer(template.content, dropBlank);
  template.content.querySelectorAll("table > caption").forEach(function (caption) {
    const table = caption.parentElement;
    const wrapper = document.createElement("div");
    wrapper.setAttribute("data-cms-table", "");
    const text = document.createElement("div");
    text.setAttribute("data-cms-caption", "");
    text.append(...caption.childNodes);
    caption.remove();
    table.replaceWith(wrapper);
    wrapper.append(text, table);
  });
  return template.innerHTML;
}

function rewriteAttributes(element) {
  const order = ATTRIBUTE_ORDER[element.tagName] || [];
  const values = order.map(function (name) {
    return element.getAttribute(name);
  });
  Array.from(element.attributes).forEach(function (attribute) {
    element.removeAttribute(attribute.name);
  });
  order.forEach(function (name, index) {
    let value = values[index];
    if (element.tagName === "A" && name === "rel") {
      value = "noopener noreferrer";
    }
    const keepEmpty = element.tagName === "IMG" && name === "alt";
    if (value === null || (value === "" && !keepEmpty)) {
      return;
    }
    if ((name === "colspan" || name === "rowspan" || name === "start") && value === "1") {
      return;
    }
    element.setAttribute(name, value);
  });
}

function regroupTable(table) {
  table.querySelectorAll(":scope > colgroup").forEach(function (colgroup) {
    colgroup.remove();
  });
  const rows = Array.from(table.querySelectorAll(":scope > tbody > tr, :scope > thead > tr, :scope > tfoot > tr, :scope > tr"));
  Array.from(table.children).forEach(function (child) {
    if (child.tagName !== "CAPTION") {
      child.remove();
    }
  });
  let section = null;
  let current = null;
  rows.forEach(function (row) {
    // "body", "body2", …: the table's first <tbody>, its second, …
    const value = row.getAttribute("data-section") || "body";
    if (value !== section) {
      current = document.createElement(SECTIONS[value.replace(/\d+$/, "")] || "tbody");
      table.append(current);
      section = value;
    }
    row.removeAttribute("data-section");
    current.append(row);
  });
}

/** The editor's HTML in canonical form. */
export function canonical(html) {
  const template = fragment(html);
  const root = template.content;
  root.querySelectorAll("div[data-cms-table]").forEach(function (wrapper) {
    const text = wrapper.querySelector(":scope > div[data-cms-caption]");
    const table = wrapper.querySelector(":scope > table");
    const caption = document.createElement("caption");
    caption.append(...text.childNodes);
    table.prepend(caption);
    wrapper.replaceWith(table);
  });
  root.querySelectorAll("table").forEach(regroupTable);
  root.querySelectorAll("pre").forEach(function (pre) {
    const code = document.createElement("code");
    code.textContent = pre.textContent;
    pre.replaceChildren(code);
  });
  root.querySelectorAll(SINGLE_PARAGRAPH.join(",")).forEach(function (element) {
    const only = element.children.length === 1 && element.childNodes.length === 1 && element.firstElementChild;
    if (only && only.tagName === "P") {
      element.replaceChildren(...only.childNodes);
    }
  });
  root.querySelectorAll("*").forEach(rewriteAttributes);
  const out = template.innerHTML;
  return out === "<p></p>" ? "" : out;
}
