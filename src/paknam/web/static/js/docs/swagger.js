// Start Swagger UI on /docs (paknam.api.docs). A file, not an inline script, so the page
// holds under the Content-Security-Policy "script-src 'self'". The OpenAPI URL comes from
// the page (data-openapi-url); nothing is loaded from another host (validatorUrl: null
// turns off the badge that would ask validator.swagger.io). Tags start collapsed: with
// this API's ~120 operations all open, Swagger UI 5.35 stopped drawing after the first
// three tags.
(() => {
  const el = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: el.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    docExpansion: "none",
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
