"""The vendored front-end files (static/vendor, see its README), named once:
the pages link them, the offline export inlines them."""

KATEX = "vendor/katex-0.16.22.min.js"
KATEX_CSS = "vendor/katex-0.16.22.min.css"
# The player needs only d3-zoom and the modules it rests on (20 KB gzipped
# against 93 for all of d3); the Train view's landscape uses d3's scales,
# axes, contours and shapes besides, and loads the whole bundle instead.
D3 = "vendor/d3-zoom-3.0.1-bundle.min.js"
D3_WHOLE = "vendor/d3-7.9.0.min.js"
