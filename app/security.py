"""Security headers on every response.

Pages run no inline script (CSP `script-src 'self'`). Only /embed/ routes may
be framed, by any site (that is what they are for); every other page refuses
framing. KaTeX sets inline style attributes, hence 'unsafe-inline' for styles
only."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}")


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        embeddable = scope["path"].startswith("/embed/") or scope["path"] == "/embed"

        async def send_with_headers(message: Message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-security-policy", b"x-frame-options")]
                # `*` matches only network schemes: slides opened from disk
                # (file:) or built in the browser (data:, blob:) frame embeds too.
                ancestors = "* file: data: blob:" if embeddable else "'self'"
                headers += [
                    (b"content-security-policy", _CSP.format(ancestors=ancestors).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if not embeddable:
                    headers.append((b"x-frame-options", b"SAMEORIGIN"))
                if scope["path"].startswith("/static/js/") and \
                        not any(k.lower() == b"cache-control" for k, _ in headers):
                    # Modules imported by main.js carry no version in their URL:
                    # the browser must revalidate them (cheap: ETag / 304).
                    headers.append((b"cache-control", b"no-cache"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
