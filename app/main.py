"""The ASGI app: `app.main:app`, built by `create_app(settings)`."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.cache import AnswerCache
from app.compression import GzipAnswers
from app.config import Settings, get_settings
from app.errors import install_error_handlers
from app.limits import BodyLimit, HeavyJobs
from app.openapi import install_openapi
from app.process_pool import ProcessJobs, exit_with_supervisor
from app.ratelimit import install_rate_limits
from app.routers import api, code, deck, docs, exports, graphs, pages, training
from app.security import SecurityHeaders
from app.static_files import StaticSite
from app.storage import GraphStore
from app.turns import TakeTurns
from engine.examples import load_example_paths, load_examples


_frozen = False


def freeze_startup_objects() -> None:
    """What startup made lives as long as the server (modules, examples, about
    70,000 objects): out of the collector's sight, a full collection no longer
    scans them all each time, which paused the event loop 40–175 ms under a
    burst. Once per process: apps made later (tests make many) stay collectable."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


@asynccontextmanager
async def lifespan(app: FastAPI):
    exit_with_supervisor()  # --workers N: no worker outlives a killed server
    processes = app.state.heavy.processes
    if processes is not None:
        processes.start()
    freeze_startup_objects()
    yield  # the pool is the process's, shared by its apps: it ends with the process


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="chainrule", version="0.1.0", docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  description="Backprop, node by node: graph documents of expressions "
                              "and of the course examples.")
    app.state.settings = settings
    app.state.examples = load_example_paths(settings.examples, known=load_examples())
    app.state.store = GraphStore(settings.database, settings.max_database_bytes,
                                 settings.database_busy_seconds)
    processes = ProcessJobs(settings.heavy_processes) if settings.heavy_processes else None
    app.state.heavy = HeavyJobs(settings.max_heavy_jobs, settings.heavy_queue_seconds,
                                settings.job_time_limit, processes,
                                settings.max_waiting_heavy_jobs)
    app.state.example_documents = {}  # slug → document JSON: examples never change
    app.state.answers = AnswerCache(settings.cache_bytes)  # documents and pages, by request
    app.dependency_overrides[get_settings] = lambda: settings
    install_error_handlers(app)
    app.include_router(exports.router)  # before api and graphs: {slug}.html
    app.include_router(api.router)
    app.include_router(training.router)
    app.include_router(code.router)
    app.include_router(graphs.router)
    app.include_router(pages.router)
    app.include_router(docs.router)
    app.include_router(deck.router)   # /deck/reveal-chainrule.js, /favicon.ico
    install_openapi(app)
    app.state.static = StaticSite(settings.static_dir, settings.bundle_modules)
    app.mount("/static", app.state.static, name="static")
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    install_rate_limits(app, settings)  # outside BodyLimit: a 429 reads no body
    # Answers made per request; cached answers and static files carry their own gzip.
    app.add_middleware(GzipAnswers)
    app.add_middleware(SecurityHeaders)
    # Outermost: a burst of requests begins a few per loop iteration (app/turns.py).
    app.add_middleware(TakeTurns, per_turn=settings.requests_per_turn)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:  # async: no thread, no turn to wait for
        return {"status": "ok"}

    return app


app = create_app()
