"""The vendored front-end files (static/vendor, see its README), named once:
the pages link them, the offline export inlines them."""

KATEX = "vendor/katex-0.16.22.min.js"
KATEX_CSS = "vendor/katex-0.16.22.min.css"
D3 = "vendor/d3-7.9.0.min.js"
