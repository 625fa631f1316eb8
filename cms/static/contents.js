// Drag and drop to reorder the rows of the Contents view.
//
// Progressive enhancement only: the Up and Down buttons do the same without
// JavaScript. On drop, the row's new place is sent to the container's
// @@order endpoint as JSON ({"id": name, "position": index among all the
// children}), and the row moves on the page once the server agrees.
(function () {
  "use strict";

  var body = document.querySelector("tbody[data-order-url]");
  var token = document.querySelector('meta[name="csrf-token"]');
  var status = document.getElementById("contents-status");
  if (!body || !token || !window.fetch) {
    return;
  }
  var dragged = null;

  function rows() {
    return Array.prototype.slice.call(body.querySelectorAll("tr[data-position]"));
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

  // Where the dragged row lands: after the target going down, before it going up.
  function mark(target) {
    var down = Number(dragged.dataset.position) < Number(target.dataset.position);
    unmark();
    dragged.classList.add("dragging");
    target.classList.add(down ? "drop-after" : "drop-before");
  }

  // The server moved the row from index `from` to `to`: do the same here.
  function place(row, target, from, to) {
    if (from < to) {
      target.after(row);
    } else {
      target.before(row);
    }
    rows().forEach(function (other) {
      var index = Number(other.dataset.position);
      if (other === row) {
        other.dataset.position = to;
      } else if (from < to && index > from && index <= to) {
        other.dataset.position = index - 1;
      } else if (to < from && index >= to && index < from) {
        other.dataset.position = index + 1;
      }
    });
  }

  function send(row, target) {
    var from = Number(row.dataset.position);
    var to = Number(target.dataset.position);
    var title = row.querySelector("th").textContent.trim();
    fetch(body.dataset.orderUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "X-CSRF-Token": token.content
      },
      body: JSON.stringify({id: row.dataset.id, position: to})
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.statusText);
      }
      place(row, target, from, to);
      say("Moved “" + title + "”.");
    }).catch(function () {
      say("“" + title + "” could not be moved: reload the page and try again.", true);
    });
  }

  rows().forEach(function (row) {
    row.draggable = true;
  });

  body.addEventListener("dragstart", function (event) {
    dragged = event.target.closest ? event.target.closest("tr[data-position]") : null;
    if (!dragged) {
      return;
    }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
    dragged.classList.add("dragging");
  });

  body.addEventListener("dragover", function (event) {
    var target = event.target.closest("tr[data-position]");
    if (dragged && target && target !== dragged) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      mark(target);
    }
  });

  body.addEventListener("drop", function (event) {
    var target = event.target.closest("tr[data-position]");
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
