// The chooser: finds a node of the site by browsing its folders or by
// searching, through the site's JSON API with the editor's own session, and
// hands back its summary. The image chooser lists images and the folders
// that hold them, and uploads a new image into the folder it shows (an
// Image item of that folder, as the upload page would make it).
import { button, element, field, modal } from "./dialog.js";

const ACCEPT_JSON = { Accept: "application/json" };
const STATES = { private: "Private", pending: "Pending review" };

async function failure(response) {
  try {
    const error = (await response.json()).error;
    // A refused field says why in its own words ("Not an image: …").
    return error.errors ? error.errors.map((e) => e.message).join(" ") : error.message;
  } catch (error) {
    return "The site answered " + response.status + ".";
  }
}

async function getJSON(url) {
  const response = await fetch(url, { headers: ACCEPT_JSON, credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(await failure(response));
  }
  return response.json();
}

// Where the chooser starts and what it needs, from the textarea's data-*.
export function chooserContext(textarea) {
  const data = textarea.dataset;
  if (!data.chooserStart) {
    return null;
  }
  return {
    site: data.chooserSite,
    start: data.chooserStart,
    containers: (data.chooserContainers || "").split(" "),
    csrf: textarea.form.elements.csrf_token ? textarea.form.elements.csrf_token.value : "",
  };
}

// Opens the chooser; resolves with the chosen node's summary, with
// `{external: true}` when the editor asks to give an address instead, or
// with null when the chooser is closed.
export function choose(context, kind) {
  return new Promise(function (resolve) {
    const images = kind === "image";
    const dialog = modal(images ? "Choose an image" : "Choose a page", "chooser");
    let chosen = null;
    dialog.addEventListener("close", () => resolve(chosen));
    function pick(value) {
      chosen = value;
      dialog.close();
    }

    const search = element("form", "chooser-search");
    search.setAttribute("role", "search");
    const words = field(search, images ? "Search the site's images" : "Search the site", "text", "q");
    search.append(button("Search", "submit"));
    const where = element("nav", "chooser-path");
    where.setAttribute("aria-label", "Folder shown");
    const status = element("p", "chooser-status");
    status.setAttribute("role", "status");
    const list = element("ul", "chooser-items");
    const more = button("Show more", "more");
    const moreLine = element("p", "chooser-more");
    moreLine.append(more);
    moreLine.hidden = true;
    dialog.append(search, where, status, list, moreLine);

    let folder = null;
    let next = null;

    function wanted(item) {
      return !images || item["@type"] === "Image" || context.containers.includes(item["@type"]);
    }

    function row(item) {
      const line = element("li", "chooser-item");
      line.dataset.url = item["@id"];
      const picture = element("span", "chooser-thumb");
      if (item["@type"] === "Image") {
        const thumb = element("img");
        thumb.src = item["@id"] + "@@images/thumb";
        thumb.alt = "";
        thumb.loading = "lazy";
        thumb.addEventListener("error", () => thumb.remove());
        picture.append(thumb);
      }
      const text = element("span", "chooser-text");
      text.append(element("span", "chooser-title", item.title || item.id));
      let note = item["@type"];
      if (STATES[item.state]) {
        note += " · " + STATES[item.state];
      }
      text.append(element("span", "chooser-note", note));
      const actions = element("span", "chooser-actions");
      if (context.containers.includes(item["@type"]) && item["@id"] !== folder) {
        const open = button("Open", "open");
        open.setAttribute("aria-label", "Open " + (item.title || item.id));
        open.addEventListener("click", () => browse(item["@id"]));
        actions.append(open);
      }
      if (!images || item["@type"] === "Image") {
        const choice = button("Choose", "choose", "primary");
        choice.setAttribute("aria-label", "Choose " + (item.title || item.id));
        choice.addEventListener("click", () => pick(item));
        actions.append(choice);
      }
      line.append(picture, text, actions);
      return line;
    }

    function show(items, total, append) {
      if (!append) {
        list.replaceChildren();
      }
      items.filter(wanted).forEach((item) => list.append(row(item)));
      moreLine.hidden = !next;
      if (!list.children.length) {
        status.textContent = images ? "No images here." : "Nothing here.";
      } else {
        status.textContent = total === 1 ? "1 item" : total + " items";
      }
    }

    async function load(task) {
      status.textContent = "Loading…";
      dialog.setAttribute("aria-busy", "true");
      try {
        await task();
      } catch (error) {
        status.textContent = error.message;
      } finally {
        dialog.removeAttribute("aria-busy");
      }
    }

    function browse(url) {
      return load(async function () {
        const [node, trail] = await Promise.all([getJSON(url), getJSON(url + "@@breadcrumbs")]);
        folder = node["@id"];
        next = node.batching && node.batching.next;
        const path = element("ol");
        trail.items.forEach(function (crumb, index) {
          const step = element("li");
          if (index === trail.items.length - 1) {
            const here = element("span", "", crumb.title);
            here.setAttribute("aria-current", "location");
            step.append(here);
          } else {
            const up = button(crumb.title, "up", "link-button");
            up.addEventListener("click", () => browse(crumb["@id"]));
            step.append(up);
          }
          path.append(step);
        });
        where.replaceChildren(path);
        if (upload) {
          upload.target.textContent = node.title || "Home";
        }
        const items = node.items || [];
        // A picture may be chosen in the folder shown, when it is one.
        if (images && node["@type"] === "Image") {
          items.unshift(node);
        }
        show(items, node.items_total ?? items.length, false);
      });
    }

    more.addEventListener("click", function () {
      load(async function () {
        const page = await getJSON(next);
        next = page.batching && page.batching.next;
        show(page.items || [], page.items_total, true);
      });
    });

    search.addEventListener("submit", function (event) {
      event.preventDefault();
      const q = words.value.trim();
      if (!q) {
        browse(folder || context.start);
        return;
      }
      const query = new URLSearchParams({ q });
      if (images) {
        query.append("type", "Image");
      }
      load(async function () {
        const found = await getJSON(context.site + "/@@search?" + query);
        next = found.batching && found.batching.next;
        const label = element("p", "", "Found for “" + q + "”");
        where.replaceChildren(label);
        show(found.items, found.items_total, false);
      });
    });

    const upload = images ? uploadForm(context, () => folder, pick) : null;
    if (upload) {
      dialog.append(upload.form);
    }
    const buttons = element("p", "form-buttons");
    const address = button(images ? "Give an address instead" : "Type an address instead", "address");
    address.addEventListener("click", () => pick({ external: true }));
    const cancel = button("Cancel", "cancel");
    cancel.addEventListener("click", () => dialog.close());
    buttons.append(address, cancel);
    dialog.append(buttons);
    dialog.showModal();
    browse(context.start);
  });
}

// Upload a picture into the folder shown; it is then the one chosen.
function uploadForm(context, folder, pick) {
  const form = element("form", "chooser-upload");
  const heading = element("h3", "", "Upload a new image into ");
  const target = element("span", "chooser-target");
  heading.append(target);
  const file = field(form, "Picture file", "file", "file");
  file.accept = "image/*";
  const send = button("Upload", "submit");
  const message = element("p", "field-error");
  message.setAttribute("role", "alert");
  form.prepend(heading);
  form.append(send, message);
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    message.textContent = "";
    if (!file.files.length) {
      message.textContent = "Pick a picture file first.";
      return;
    }
    const body = new FormData();
    body.append("@type", "Image");
    body.append("file", file.files[0]);
    send.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(folder(), {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { ...ACCEPT_JSON, "X-CSRF-Token": context.csrf },
      });
      if (!response.ok) {
        message.textContent = await failure(response);
        return;
      }
      pick(await response.json());
    } catch (error) {
      message.textContent = "The upload failed: " + error.message;
    } finally {
      send.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
  return { form, target };
}
