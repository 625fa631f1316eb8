/*
 * /@@api-docs: Swagger UI (cms/static/vendor/swagger-ui/, loaded before this
 * file) shows the OpenAPI document named by #swagger-ui's data-openapi-url.
 * A static file because the Content-Security-Policy allows no inline script.
 *
 * "Try it out" sends requests from this page: with a token given to the
 * Authorize button, or else with the session of a logged-in reader, whose
 * unsafe requests carry the page's CSRF token (only to this site). Swagger UI
 * accepts any type when no media type was picked, and a browser accepting
 * anything gets the HTML page of the URL: the operations are JSON, so JSON
 * is asked for first (a feed or a download answers the same either way).
 */
(function () {
  "use strict";

  var element = document.getElementById("swagger-ui");
  if (!element || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var csrf = document.querySelector('meta[name="csrf-token"]');

  function prepare(request) {
    var sameSite = new URL(request.url, window.location.href).origin === window.location.origin;
    if (!sameSite) {
      return request;
    }
    var headers = request.headers;
    var accept = headers.accept || headers.Accept;
    if (!accept || accept === "*/*") {
      delete headers.accept;
      headers.Accept = "application/json, */*;q=0.5";
    }
    if (csrf) {
      headers["X-CSRF-Token"] = csrf.getAttribute("content");
    }
    return request;
  }

  function name(selector, label) {
    element.querySelectorAll(selector + ":not([aria-label])").forEach(function (control) {
      control.setAttribute("aria-label", typeof label === "function" ? label(control) : label);
    });
  }

  // Swagger UI has no option for these: they are mended after each render.
  // Some controls have no name for a screen reader to announce: a <select>
  // of a parameter's values, that of the servers, the request body's
  // <textarea>, the button closing a dialog. The Authorize dialog's buttons
  // are named otherwise than they read ("Apply credentials" for
  // "Authorize"), which misleads speech input: their text names them. An
  // example or an answer scrolls in a box a keyboard could not reach.
  function mend() {
    name("tr[data-param-name] select", function (select) {
      return select.closest("tr").getAttribute("data-param-name");
    });
    name("select#servers", "Servers");
    name(".body-param textarea", "Request body");
    name("button.close-modal", "Close");
    element.querySelectorAll(".auth-btn-wrapper button[aria-label]").forEach(function (button) {
      button.removeAttribute("aria-label");
    });
    element.querySelectorAll(".highlight-code > .microlight:not([tabindex])").forEach(function (box) {
      box.setAttribute("tabindex", "0");
    });
  }
  new MutationObserver(mend).observe(element, { childList: true, subtree: true });

  window.SwaggerUIBundle({
    url: element.getAttribute("data-openapi-url"),
    domNode: element,
    // A deep link is a link inside the button that opens an operation: one
    // control inside another, which assistive technology cannot convey.
    deepLinking: false,
    // No badge fetched from another site (the policy would refuse it).
    validatorUrl: null,
    requestInterceptor: prepare,
  });
})();
