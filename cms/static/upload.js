/*
 * The upload page, enhanced: one request per file, each with its progress.
 *
 * Without this script the form sends every file at once and the server
 * answers with a message. With it, the files go one after the other to the
 * same address (with `X-Requested-With: XMLHttpRequest`); the server then
 * answers with the page, whose `#upload-results` says what became of the
 * file. Each file gets a row in `#upload-list` (`data-outcome` is `added` or
 * `refused` once it is done), and `#upload-summary` sums them up.
 */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.DOMParser || !window.Promise) {
    return;
  }
  var input = form.querySelector("input[type=file]");
  var button = form.querySelector("button[type=submit]");
  var maxBytes = Number(form.getAttribute("data-max-bytes"));
  var maxSize = form.getAttribute("data-max-size");
  var maxFiles = Number(form.getAttribute("data-max-files"));

  var summary = document.createElement("p");
  summary.id = "upload-summary";
  summary.setAttribute("role", "status");
  form.parentNode.insertBefore(summary, form.nextSibling);

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : form.elements.csrf_token.value;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function row(list, file, number) {
    var item = element("li");
    item.setAttribute("data-filename", file.name);
    var name = element("span", "upload-name", file.name);
    var progress = element("progress");
    progress.max = 100;
    progress.value = 0;
    progress.id = "upload-progress-" + number;
    progress.setAttribute("aria-label", "Progress of " + file.name);
    var status = element("span", "upload-status", "Waiting");
    item.appendChild(name);
    item.appendChild(progress);
    item.appendChild(status);
    list.appendChild(item);
    return { item: item, progress: progress, status: status };
  }

  function finish(entry, outcome, text, link) {
    entry.item.setAttribute("data-outcome", outcome);
    entry.item.className = outcome;
    entry.status.textContent = text;
    if (link) {
      entry.status.textContent += " ";
      var anchor = element("a", "", link.text);
      anchor.href = link.url;
      entry.status.appendChild(anchor);
    }
    if (outcome === "added") {
      entry.progress.value = 100;
    }
    return outcome;
  }

  function answer(entry, xhr) {
    var page = xhr.response;
    var result = page && page.querySelector("#upload-results li[data-outcome]");
    if (xhr.status === 200 && result) {
      if (result.getAttribute("data-outcome") === "added") {
        return finish(entry, "added", "Added as " + result.getAttribute("data-type") + ":", {
          text: "open it",
          url: result.getAttribute("data-url")
        });
      }
      return finish(entry, "refused", "Not added: " + result.getAttribute("data-reason") + ".");
    }
    var message = page && (page.querySelector(".field-error") || page.querySelector("main p"));
    if (message) {
      return finish(entry, "refused", "Not added: " + message.textContent.trim());
    }
    return finish(entry, "refused", "Not added: the server answered " + xhr.status + ". Reload the page and try again.");
  }

  function send(file, entry) {
    if (file.size > maxBytes) {
      return Promise.resolve(finish(entry, "refused", "Not added: larger than " + maxSize + "."));
    }
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrf_token", csrfToken());
      data.append("files", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action"));
      xhr.responseType = "document";
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("X-CSRF-Token", csrfToken());
      xhr.setRequestHeader("Accept", "text/html");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          entry.progress.value = Math.round((100 * event.loaded) / event.total);
        }
      });
      xhr.addEventListener("load", function () {
        resolve(answer(entry, xhr));
      });
      xhr.addEventListener("error", function () {
        resolve(finish(entry, "refused", "Not added: the connection failed."));
      });
      entry.status.textContent = "Uploading…";
      xhr.send(data);
    });
  }

  function sum(outcomes) {
    var added = outcomes.filter(function (outcome) {
      return outcome === "added";
    }).length;
    summary.className = "message" + (added === outcomes.length ? "" : " error");
    summary.textContent =
      "Added " + added + " of " + outcomes.length + (outcomes.length === 1 ? " file. " : " files. ");
    var back = element("a", "", "Show the folder");
    back.href = form.getAttribute("data-container-url");
    summary.appendChild(back);
  }

  form.addEventListener("submit", function (event) {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length || files.length > maxFiles) {
      return; // the server says what is wrong
    }
    event.preventDefault();
    button.disabled = true;
    input.disabled = true;
    summary.className = "";
    summary.textContent = "Uploading " + files.length + (files.length === 1 ? " file…" : " files…");
    var list = document.getElementById("upload-list");
    if (!list) {
      list = element("ul", "upload-list");
      list.id = "upload-list";
      list.setAttribute("aria-label", "Uploads");
      summary.parentNode.insertBefore(list, summary);
    }
    list.textContent = "";
    var entries = files.map(function (file, number) {
      return row(list, file, number);
    });
    var outcomes = [];
    files
      .reduce(function (previous, file, number) {
        return previous.then(function () {
          return send(file, entries[number]).then(function (outcome) {
            outcomes.push(outcome);
          });
        });
      }, Promise.resolve())
      .then(function () {
        sum(outcomes);
        input.value = "";
        input.disabled = false;
        button.disabled = false;
      });
  });
})();
