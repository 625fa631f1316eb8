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

  window.SwaggerUIBundle({
    url: element.getAttribute("data-openapi-url"),
    domNode: element,
    deepLinking: true,
    // No badge fetched from another site (the policy would refuse it).
    validatorUrl: null,
    requestInterceptor: prepare,
  });
})();
