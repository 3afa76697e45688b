"""/docs works offline: Swagger UI from static/vendor, no inline script."""

import re


def test_docs_page_uses_only_local_scripts(client):
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'<script src="([^"]+)"', page.text)
    assert sources and all(s.startswith("/static/") for s in sources)
    assert "<script>" not in page.text
    for source in sources + re.findall(r'href="([^"]+\.css)"', page.text):
        assert client.get(source).status_code == 200, source
