// Start ReDoc on /redoc (paknam.api.docs). A file, not an inline script, so the page holds
// under the Content-Security-Policy "script-src 'self'". The OpenAPI URL comes from the page
// (data-openapi-url); no web fonts or other hosts are asked.
(() => {
  const el = document.getElementById("redoc");
  window.Redoc.init(el.dataset.openapiUrl, {}, el);
})();
