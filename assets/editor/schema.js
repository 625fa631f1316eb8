// The editor's schema: exactly what cms/sanitize.py keeps, nothing more.
// Marks are listed in the order they nest, outermost first; the server
// writes them in the same order (MARKS in cms/canonical.py).
import { Mark, Node } from "@tiptap/core";
import Document from "@tiptap/extension-document";
import Paragraph from "@tiptap/extension-paragraph";
import Text from "@tiptap/extension-text";
import Heading from "@tiptap/extension-heading";
import Blockquote from "@tiptap/extension-blockquote";
import CodeBlock from "@tiptap/extension-code-block";
import HorizontalRule from "@tiptap/extension-horizontal-rule";
import HardBreak from "@tiptap/extension-hard-break";
import { BulletList, OrderedList, ListItem, ListKeymap } from "@tiptap/extension-list";
import Bold from "@tiptap/extension-bold";
import Italic from "@tiptap/extension-italic";
import Underline from "@tiptap/extension-underline";
import Strike from "@tiptap/extension-strike";
import Code from "@tiptap/extension-code";
import Link from "@tiptap/extension-link";
import Subscript from "@tiptap/extension-subscript";
import Superscript from "@tiptap/extension-superscript";
import Image from "@tiptap/extension-image";
import { Table, TableRow, TableHeader, TableCell } from "@tiptap/extension-table";
import { UndoRedo, Dropcursor, Gapcursor } from "@tiptap/extensions";

// Marks share one priority below the link's, so that their order in the
// list below is their nesting order.
const MARK_PRIORITY = 100;

function plainMark(name, tag, attributes) {
  return Mark.create({
    name,
    priority: MARK_PRIORITY,
    addAttributes() {
      const attrs = {};
      (attributes || []).forEach(function (attr) {
        attrs[attr] = { default: null };
      });
      return attrs;
    },
    parseHTML() {
      return [{ tag }];
    },
    renderHTML({ HTMLAttributes }) {
      return [tag, HTMLAttributes, 0];
    },
  });
}

function plainNode(name, tag, spec) {
  return Node.create({
    name,
    parseHTML() {
      return [{ tag }];
    },
    renderHTML({ HTMLAttributes }) {
      return [tag, HTMLAttributes, 0];
    },
    ...spec,
  });
}

const imageAttributes = {
  src: { default: null },
  alt: { default: null },
  title: { default: null },
  width: { default: null },
  height: { default: null },
};

// A picture alone in a figure is a block; anywhere else it is inline.
const FigureImage = Node.create({
  name: "figureImage",
  atom: true,
  draggable: true,
  addAttributes: () => imageAttributes,
  parseHTML: () => [{ tag: "figure > img[src]", priority: 60 }],
  renderHTML: ({ HTMLAttributes }) => ["img", HTMLAttributes],
});

// A table's <caption> is kept in a wrapper beside the table (prosemirror
// tables hold rows only), as a <div>: the HTML parser drops a <caption>
// outside a table. canonical.js moves it back into the table.
const CaptionedTable = Node.create({
  name: "captionedTable",
  group: "block",
  content: "tableCaption table",
  isolating: true,
  parseHTML: () => [{ tag: "div[data-cms-table]" }],
  renderHTML: () => ["div", { "data-cms-table": "" }, 0],
});

const Row = TableRow.extend({
  addAttributes() {
    return {
      // Which of <thead>, <tbody>, <tfoot> the row is in: "head", "foot",
      // "body" for the first <tbody>, "body2" for the second, and so on.
      section: {
        default: "body",
        parseHTML: (element) => {
          const parent = element.parentElement;
          const name = parent && parent.tagName;
          if (name === "THEAD" || name === "TFOOT") {
            return name === "THEAD" ? "head" : "foot";
          }
          const bodies = name === "TBODY" ? Array.from(parent.parentElement.children).filter((c) => c.tagName === "TBODY") : [];
          const index = bodies.indexOf(parent);
          return index > 0 ? "body" + (index + 1) : "body";
        },
        renderHTML: (attributes) => ({ "data-section": attributes.section }),
      },
    };
  },
});

const Header = TableHeader.extend({
  addAttributes() {
    return {
      ...this.parent(),
      scope: { default: null },
    };
  },
});

export const extensions = [
  Document,
  Paragraph,
  Text,
  Heading.configure({ levels: [2, 3, 4, 5, 6] }),
  Blockquote,
  CodeBlock.configure({ languageClassPrefix: null, enableTabIndentation: false }),
  HorizontalRule,
  HardBreak,
  BulletList,
  OrderedList,
  ListItem,
  ListKeymap,
  plainNode("descriptionList", "dl", { group: "block", content: "(descriptionTerm | descriptionDetails)+" }),
  plainNode("descriptionTerm", "dt", { content: "inline*", defining: true }),
  plainNode("descriptionDetails", "dd", { content: "block+", defining: true }),
  Image.configure({ inline: true }),
  plainNode("figure", "figure", { group: "block", content: "figureImage figcaption?", isolating: true }),
  FigureImage,
  plainNode("figcaption", "figcaption", { content: "inline*" }),
  CaptionedTable,
  plainNode("tableCaption", "div[data-cms-caption]", {
    content: "inline*",
    renderHTML: () => ["div", { "data-cms-caption": "" }, 0],
  }),
  // No <colgroup> and no style attribute (which the site's policy refuses).
  Table.extend({
    renderHTML: ({ HTMLAttributes }) => ["table", HTMLAttributes, ["tbody", 0]],
  }).configure({ resizable: false, renderWrapper: false }),
  Row,
  Header,
  TableCell,
  // Marks, outermost first.
  Link.configure({
    openOnClick: false,
    autolink: false,
    linkOnPaste: false,
    HTMLAttributes: { target: null, rel: null, class: null },
    isAllowedUri: () => true, // the server's sanitizer decides
  }),
  Bold.extend({ priority: MARK_PRIORITY }),
  Italic.extend({ priority: MARK_PRIORITY }),
  Underline.extend({ priority: MARK_PRIORITY }),
  Strike.extend({
    priority: MARK_PRIORITY,
    parseHTML: () => [{ tag: "s" }, { tag: "strike" }],
  }),
  plainMark("deleted", "del"),
  plainMark("inserted", "ins"),
  Subscript.extend({ priority: MARK_PRIORITY, excludes: "" }),
  Superscript.extend({ priority: MARK_PRIORITY, excludes: "" }),
  // Code excludes nothing: a link or bold around code is kept.
  Code.extend({ priority: MARK_PRIORITY, excludes: "" }),
  plainMark("abbreviation", "abbr", ["title"]),
  plainMark("citation", "cite"),
  plainMark("keyboard", "kbd"),
  plainMark("highlight", "mark"),
  plainMark("quotation", "q"),
  plainMark("small", "small"),
  UndoRedo,
  Dropcursor,
  Gapcursor,
];
