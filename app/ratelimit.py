"""Per-client rate limits on the expensive writes: saves and training runs.

Each limit is a rate per minute per client address, counted as a token
bucket (GCRA: one timestamp per client): a client may send a minute's worth
at once, then one request every 60/rate seconds. Over the limit the answer is
429 with Retry-After and the one error body, before the request body is read.

The client address is the ASGI scope's: uvicorn replaces it with the one in
X-Forwarded-For only when the connecting proxy is in --forwarded-allow-ips,
so a client cannot pick its own address (an IPv6 client counts by its /64).
Buckets live in each worker process: with --workers N one client can get up
to N times the rate (the kernel hands each new connection to any worker).
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass, field
from typing import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from app.limits import _error_body

WINDOW_NS = 60_000_000_000   # the rates are per minute; integer nanoseconds keep it exact
_PRUNE_AT = 10_000  # clients remembered before the idle ones are forgotten


@dataclass
class RateLimit:
    """At most `per_minute` requests per client in any burst, refilled evenly."""
    per_minute: int
    what: str                    # "saves", in the message
    setting: str                 # the environment variable that sets it
    clock: Callable[[], int] = time.monotonic_ns
    _due: dict[str, int] = field(default_factory=dict)   # client → theoretical arrival time
    _prune_at: int = _PRUNE_AT

    def wait(self, client: str) -> float:
        """0 if the request may go on (and count it), else the seconds to wait."""
        now = self.clock()
        interval = WINDOW_NS // self.per_minute
        due = max(self._due.get(client, now), now)
        ahead = due - now - (WINDOW_NS - interval)   # > 0: the bucket is empty for that long
        if ahead > 0:
            return ahead / 1e9
        self._due[client] = due + interval
        if len(self._due) > self._prune_at:  # a full bucket needs no memory
            self._due = {c: t for c, t in self._due.items() if t > now}
            self._prune_at = max(_PRUNE_AT, 2 * len(self._due))  # amortised: not every request
        return 0.0

    def refusal(self, client: str, seconds: float) -> tuple[int, str]:
        """Retry-After in whole seconds, and the message that says it."""
        retry = max(1, math.ceil(seconds))
        return retry, (f"too many {self.what} from {client}: this server allows "
                       f"{self.per_minute} a minute per address ({self.setting}); "
                       f"try again in {retry} s")


def client_key(address: str) -> str:
    """An IPv4 address as it is; an IPv6 one by its /64, the block one
    machine is usually given (it could otherwise pick a new address per request)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


class RateLimits:
    """ASGI middleware: the limit of each (method, path), by client address."""

    def __init__(self, app: ASGIApp, limits: dict[tuple[str, str], RateLimit]):
        self.app = app
        self.limits = {route: limit for route, limit in limits.items() if limit.per_minute > 0}

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        limit = self.limits.get((scope.get("method", ""), scope.get("path", ""))) \
            if scope["type"] == "http" else None
        if limit is not None:
            client = client_key((scope.get("client") or ("unknown", 0))[0])
            seconds = limit.wait(client)
            if seconds > 0:
                retry, message = limit.refusal(client, seconds)
                await _refuse(send, retry, message)
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, retry: int, message: str):
    body = _error_body(message)
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"retry-after", str(retry).encode())]})
    await send({"type": "http.response.body", "body": body})


def install_rate_limits(app, settings) -> None:
    """Saves (POST /api/graphs) and training runs (POST /api/train)."""
    app.add_middleware(RateLimits, limits={
        ("POST", "/api/graphs"): RateLimit(settings.save_rate, "saves", "CHAINRULE_SAVE_RATE"),
        ("POST", "/api/train"): RateLimit(settings.train_rate, "training runs",
                                          "CHAINRULE_TRAIN_RATE"),
    })
