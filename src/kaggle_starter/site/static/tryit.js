// The site's try-it page runs the service's own page.js, which asks for "schema" and "predict"
// relative to its page. Here they go to the deployed service instead (serve.public_url, in the
// page's <meta name="kaggle-starter-service">). Loaded before page.js; plain DOM, no library.
"use strict";

(() => {
  const service = document.querySelector('meta[name="kaggle-starter-service"]').content;
  const fetchFromPage = window.fetch.bind(window);
  window.fetch = (resource, options) => fetchFromPage(new URL(resource, service), options);
})();
