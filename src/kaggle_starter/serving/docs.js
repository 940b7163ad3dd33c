// Starts Swagger UI at /docs. A file rather than an inline script, so the page's CSP can allow
// the service's own scripts and nothing else; the URLs are relative, so a proxy's prefix
// (uvicorn --root-path) keeps working. The options are FastAPI's defaults.
window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
