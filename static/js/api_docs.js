/* /docs: Swagger UI over the app's own OpenAPI document, served from
   static/vendor so the page works offline and under a CSP with no inline script. */
/* global SwaggerUIBundle */
window.addEventListener('DOMContentLoaded', () => {
  SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
});
