/*
 * /@@api-docs: Swagger UI (cms/static/vendor/swagger-ui/, loaded before this
 * file) shows the OpenAPI document named by #swagger-ui's data-openapi-url.
 * A static file because the Content-Security-Policy allows no inline script.
 *
 * "Try it out" sends requests from this page: with a token given to the
 * Authorize button, or else with the session of a logged-in reader, whose
 * unsafe requests carry the page's CSRF token (only to this site).
 */
(function () {
  "use strict";

  var element = document.getElementById("swagger-ui");
  if (!element || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var csrf = document.querySelector('meta[name="csrf-token"]');

  function addCsrfToken(request) {
    var sameSite = new URL(request.url, window.location.href).origin === window.location.origin;
    if (csrf && sameSite) {
      request.headers["X-CSRF-Token"] = csrf.getAttribute("content");
    }
    return request;
  }

  window.SwaggerUIBundle({
    url: element.getAttribute("data-openapi-url"),
    domNode: element,
    deepLinking: true,
    // No badge fetched from another site (the policy would refuse it).
    validatorUrl: null,
    requestInterceptor: addCsrfToken,
  });
})();
