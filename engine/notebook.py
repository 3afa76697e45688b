"""chainrule inside a notebook, with no server: Jupyter, JupyterLab, VS Code
and Colab draw the animated player in the cell's output.

    loss.show()          # the player inline (no server needed)
    display(loss)        # the same, through Value._repr_html_
    loss.show(server="http://127.0.0.1:8000")   # publish to a server instead

The player is the self-contained offline page that `chainrule export
--format html` writes (its scripts, styles and KaTeX fonts inline, its own
Content-Security-Policy, no network), put in an `<iframe srcdoc>`: a
notebook's output cannot host the page's modules itself, and a frame keeps
the player's styles and keys apart from the notebook's. Colab's frames,
Jupyter's and VS Code's all take a srcdoc frame.

The page is the app's own (app/offline.py), installed with chainrule: only
this module reaches into the app, and only when a notebook asks for it.
"""

from __future__ import annotations

import html

from engine.document import build_document
from engine.value import Value

FRAME_STYLE = "border: 1px solid #d0d5dd; border-radius: 8px; max-width: 100%;"


def player_html(output: Value, *, title: str | None = None,
                labels: dict[str, str] | None = None, width: int = 800, height: int = 450,
                pass_: str = "forward", step: int = 0) -> str:
    """The player of the graph ending at `output`, as one `<iframe srcdoc>`
    element that plays with no server and no network."""
    from app.offline import offline_html  # the page's own bundle, loaded only when asked
    document = build_document(output, title=title, labels=labels)
    page = offline_html(document, pass_, step, embed=True)
    name = html.escape(title or "computational graph", quote=True)
    # Scripts run, in an opaque origin: the player cannot reach the notebook.
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" width="{width}" '
            f'height="{height}" style="{FRAME_STYLE}" title="chainrule: {name}" '
            'sandbox="allow-scripts allow-popups allow-downloads"></iframe>')


def show_inline(output: Value, **options) -> str:
    """Display the player in the running notebook; outside one, say how to
    see it. Answers the HTML."""
    markup = player_html(output, **options)
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(HTML(markup))
    else:
        print("Not in a notebook: `chainrule serve`, then loss.show(server=...), or "
              "save engine.notebook.player_html(loss) to an .html file.")
    return markup
