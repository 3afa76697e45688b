"""Requests take turns, so the event loop keeps listening during a burst.

asyncio polls its sockets once per loop iteration, after it has run every
callback that was ready. When 400 students open a link at once, some 2,400
requests are ready together: served in one iteration, they hold the loop for
the whole burst (about a second of CPU), and a `/healthz` probe or any new
connection waits that long to be even read.

`TakeTurns` lets at most `per_turn` requests begin per loop iteration; the
others wait for a later one, in arrival order, parked on a future (which
costs the loop nothing while they wait). Between turns the loop polls its
sockets, so a probe waits for about one turn, not for the whole burst.
Requests are not limited in number, only in how many begin at once: a
request that awaits (a heavy job in the process pool, a slow client) holds
nothing. `/healthz` never waits for a turn.
"""

from __future__ import annotations

import asyncio
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

UNTURNED_PATHS = frozenset({"/healthz"})


class TakeTurns:
    def __init__(self, app: ASGIApp, per_turn: int):
        self.app = app
        self.per_turn = per_turn
        self.begun = 0                 # requests begun in this loop iteration
        self.waiting: deque[asyncio.Future] = deque()
        self.next_turn_scheduled = False
        self.most_waiting = 0          # for benchmarks and tests: the longest queue seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] == "http" and self.per_turn and scope["path"] not in UNTURNED_PATHS:
            await self._turn()
        await self.app(scope, receive, send)

    async def _turn(self) -> None:
        self._schedule_next_turn()
        if self.begun < self.per_turn and not self.waiting:
            self.begun += 1
            return
        turn = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        self.most_waiting = max(self.most_waiting, len(self.waiting))
        try:
            await turn
        except asyncio.CancelledError:
            if turn in self.waiting:
                self.waiting.remove(turn)
            raise

    def _schedule_next_turn(self) -> None:
        """The next iteration starts a new turn: call_soon runs after this
        iteration's ready callbacks, and before it the loop polls its sockets."""
        if not self.next_turn_scheduled:
            self.next_turn_scheduled = True
            asyncio.get_running_loop().call_soon(self._next_turn)

    def _next_turn(self) -> None:
        self.next_turn_scheduled = False
        self.begun = 0
        while self.waiting and self.begun < self.per_turn:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # that request begins in the next iteration
                self.begun += 1
        if self.waiting or self.begun:
            self._schedule_next_turn()
