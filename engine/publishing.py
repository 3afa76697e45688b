"""Send a graph from Python (a notebook, a script) to a running chainrule
server and get links to look at it:

    from engine import Value, publish
    loss = ...                       # any Value graph, micrograd style
    links = publish(loss)            # {"id", "url", "embed_url"}
    loss.show()                      # the same; in Jupyter, the view inline

Only the standard library is used on this side.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from engine.document import build_document
from engine.value import Value

DEFAULT_SERVER = "http://127.0.0.1:8000"


class PublishError(RuntimeError):
    """No server answered, or it refused the graph."""


def publish(output: Value, server: str = DEFAULT_SERVER, *, title: str | None = None,
            labels: dict[str, str] | None = None, timeout: float = 10.0) -> dict[str, str]:
    """Save the graph ending at `output` on `server`; answer its id, url and
    embed_url. The same graph published twice gets the same links."""
    document = build_document(output, title=title, labels=labels)
    request = urllib.request.Request(
        server.rstrip("/") + "/api/graphs", data=document.to_json().encode("utf-8"),
        headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        try:
            message = json.load(exc)["detail"]["message"]
        except (ValueError, KeyError, TypeError):
            message = exc.reason
        raise PublishError(f"the server at {server} refused the graph: {message}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise PublishError(f"no chainrule server answers at {server} ({exc}): start one "
                           "with `chainrule serve`, or pass server=...") from None


def show(output: Value, server: str | None = None, *, width: int = 800, height: int = 450,
         **options) -> dict[str, str]:
    """Publish (to DEFAULT_SERVER if no server is given), then in Jupyter show
    the embed inline; elsewhere print the link. `Value.show` calls this."""
    links = publish(output, server or DEFAULT_SERVER, **options)
    try:
        from IPython import get_ipython
        from IPython.display import IFrame, display
        if get_ipython() is not None:
            display(IFrame(links["embed_url"], width=width, height=height))
            return links
    except ImportError:
        pass
    print(links["url"])
    return links
