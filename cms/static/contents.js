// The Contents view's small helpers: a "Select all" box, and drag and drop
// to reorder the rows.
//
// Progressive enhancement only: without JavaScript each row is ticked on its
// own, and the Up and Down buttons do what dragging does. On drop, the form of those buttons is sent with the names of
// the dragged row and of the row it was dropped on ({move, onto}); the
// server puts the dragged row where the other one is (after it going down,
// before it going up) and answers 204, and the row moves on the page too.
(function () {
  "use strict";

  var corner = document.querySelector("#contents-form thead th");
  var boxes = Array.prototype.slice.call(
    document.querySelectorAll('#contents-form input[name="ids"]')
  );
  if (corner && boxes.length) {
    var all = document.createElement("input");
    all.type = "checkbox";
    all.id = "select-all";
    all.setAttribute("aria-label", "Select all");
    corner.replaceChildren(all);
    all.addEventListener("change", function () {
      boxes.forEach(function (box) {
        box.checked = all.checked;
      });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var ticked = boxes.filter(function (other) { return other.checked; }).length;
        all.checked = ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      });
    });
  }

  var body = document.querySelector("tbody[data-order-url]");
  var token = document.querySelector('meta[name="csrf-token"]');
  var status = document.getElementById("contents-status");
  if (!body || !token || !window.fetch) {
    return;
  }
  var dragged = null;

  function rows() {
    return Array.prototype.slice.call(body.querySelectorAll("tr[data-id]"));
  }

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function unmark() {
    rows().forEach(function (row) {
      row.classList.remove("drop-before", "drop-after", "dragging");
    });
  }

  // Whether the dragged row goes down the list to reach the target.
  function goesDown(row, target) {
    return Boolean(row.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING);
  }

  function mark(target) {
    unmark();
    dragged.classList.add("dragging");
    target.classList.add(goesDown(dragged, target) ? "drop-after" : "drop-before");
  }

  function send(row, target) {
    var down = goesDown(row, target);
    var title = row.querySelector("th a").textContent.trim();
    var form = new URLSearchParams();
    form.append("csrf_token", token.content);
    form.append("move", row.dataset.id);
    form.append("onto", target.dataset.id);
    fetch(body.dataset.orderUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "text/html", "X-Requested-With": "XMLHttpRequest"},
      body: form
    }).then(function (response) {
      if (response.status === 204) {
        if (down) {
          target.after(row);
        } else {
          target.before(row);
        }
        say("Moved “" + title + "”.");
        return;
      }
      return response.text().then(function (text) {
        var reason = response.status === 409 && text ? " " + text : "";
        say("“" + title + "” could not be moved." + reason + " Reload the page and try again.", true);
      });
    }).catch(function () {
      say("“" + title + "” could not be moved. Reload the page and try again.", true);
    });
  }

  rows().forEach(function (row) {
    row.draggable = true;
  });

  body.addEventListener("dragstart", function (event) {
    dragged = event.target.closest ? event.target.closest("tr[data-id]") : null;
    if (!dragged) {
      return;
    }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
    dragged.classList.add("dragging");
  });

  body.addEventListener("dragover", function (event) {
    var target = event.target.closest("tr[data-id]");
    if (dragged && target && target !== dragged) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      mark(target);
    }
  });

  body.addEventListener("drop", function (event) {
    var target = event.target.closest("tr[data-id]");
    event.preventDefault();
    if (dragged && target && target !== dragged) {
      send(dragged, target);
    }
    unmark();
    dragged = null;
  });

  body.addEventListener("dragend", function () {
    unmark();
    dragged = null;
  });
}());
