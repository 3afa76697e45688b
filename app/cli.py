"""`chainrule serve`, `export`, `build-site`, `backup` and `graphs`: a thin shell over the app."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from app.store_commands import add_store_commands, run_store_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chainrule", description="Backprop, node by node.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=None, metavar="N",
                       help="uvicorn worker processes (default: one per two cores, "
                            f"{default_workers()} here)")
    serve.add_argument("--examples", action="append", default=[], metavar="PATH",
                       help="a lecture's example file (.toml) or a folder of them; repeatable")
    serve.add_argument("--database", metavar="FILE", help="where saved graphs live (SQLite)")
    serve.add_argument("--max-database-bytes", type=int, metavar="N",
                       help="quota of the saved graphs (default 1 GiB; 507 above)")
    serve.add_argument("--save-rate", type=int, metavar="N",
                       help="saves a minute per client address (default 60; 0: no limit)")
    serve.add_argument("--train-rate", type=int, metavar="N",
                       help="training runs a minute per client address (default 600)")
    serve.add_argument("--forwarded-allow-ips", metavar="IPS",
                       help="proxies whose X-Forwarded-For names the client (uvicorn's; "
                            "default $FORWARDED_ALLOW_IPS or 127.0.0.1,::1)")
    serve.add_argument("--graceful-timeout", type=int, default=30, metavar="SECONDS",
                       help="on SIGTERM, how long requests in flight may take (default 30)")

    export = commands.add_parser("export", help="write one view as SVG, PNG or offline HTML")
    export.add_argument("slug", help="a course example (or a lecture example with --examples)")
    export.add_argument("--format", choices=["svg", "png", "html"], default="svg")
    export.add_argument("--pass", dest="pass_", choices=["forward", "backward"], default=None,
                        help="default: backward (svg, png); html opens at forward step 0")
    export.add_argument("--step", type=int, default=None, help="default: the pass's end")
    export.add_argument("--examples", action="append", default=[], metavar="PATH")
    export.add_argument("-o", "--output", required=True, metavar="FILE")

    site = commands.add_parser("build-site", help="write every example as a static site")
    site.add_argument("out", metavar="OUT", help="the folder to write (made if missing)")
    site.add_argument("--examples", action="append", default=[], metavar="PATH",
                      help="a lecture's example file (.toml) or a folder of them; repeatable")
    site.add_argument("--server", metavar="URL",
                      help="a chainrule server the pages link to for custom expressions")

    add_store_commands(commands)

    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "export":
        return _export(args)
    if args.command == "build-site":
        return _build_site(args)
    return run_store_command(args)


def default_workers() -> int:
    """One server worker per two cores, at least one: a worker's event loop
    takes a core at a class's peak and its document pool the other. On two
    cores, measured with bench/classroom.py (README), a second worker cost
    half as much memory again (over the 400 MiB target) and a third more CPU
    (each worker builds and caches its own answers) for no steady gain."""
    from app.process_pool import cores
    return max(1, cores() // 2)


def _share_the_cores(workers: int) -> None:
    """Each worker has its pool of document processes (app/process_pool.py),
    sized to the cores by default: with N workers, each gets cores / N (at
    least one), so the machine runs one document per core, not N per core,
    and the memory stays that of one pool. An explicit setting wins."""
    from app.process_pool import cores
    if workers > 1:
        os.environ.setdefault("CHAINRULE_HEAVY_PROCESSES", str(max(1, cores() // workers)))


def _check_examples(paths: list[str]) -> dict | None:
    """Load the lecture files now, so a malformed one stops the start with
    its file, line and reason instead of a traceback from every worker."""
    from engine.examples import ExampleError, load_example_paths, load_examples
    try:
        return load_example_paths([Path(p) for p in paths], known=load_examples())
    except ExampleError as exc:
        print(f"chainrule: {exc}", file=sys.stderr)
        return None


def _fewer_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread of the pool its own malloc arena; under load
    the server's memory then creeps up (measured: +47 MiB over 20,000
    requests with the default, +29 MiB with two arenas, and more throughput).
    Set it for this process (mallopt) and for the worker processes (env)."""
    os.environ.setdefault("MALLOC_ARENA_MAX", str(arenas))
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


def _serve(args) -> int:
    if _check_examples(args.examples) is None:
        return 2
    if args.workers is None:
        args.workers = default_workers()
    if args.workers < 1:
        print(f"chainrule: --workers must be at least 1, not {args.workers}", file=sys.stderr)
        return 2
    _share_the_cores(args.workers)
    _fewer_malloc_arenas()
    # Every worker builds its app from the environment: the settings go there.
    if args.examples:
        os.environ["CHAINRULE_EXAMPLES"] = os.pathsep.join(
            str(Path(p).resolve()) for p in args.examples)
    if args.database:
        os.environ["CHAINRULE_DATABASE"] = str(Path(args.database).resolve())
    for flag in ("max_database_bytes", "save_rate", "train_rate"):
        if getattr(args, flag) is not None:
            os.environ[f"CHAINRULE_{flag.upper()}"] = str(getattr(args, flag))
    if not _check_settings_and_database():
        return 2
    # Keep-alive longer than uvicorn's 5 s: a browser (or a load test) that
    # reuses a connection just as the server drops it sees a reset.
    uvicorn.run("app.main:app", host=args.host, port=args.port, workers=args.workers,
                log_level="info", timeout_keep_alive=30,
                forwarded_allow_ips=args.forwarded_allow_ips,
                timeout_graceful_shutdown=args.graceful_timeout)
    return 0


def _check_settings_and_database() -> bool:
    """Settings from the environment and the database file, checked once
    here: a bad value or a corrupted, unreadable file stops the start with
    one line naming it, instead of a traceback from every worker."""
    from app.config import Settings
    from app.storage import GraphStore, StorageError
    try:
        settings = Settings.from_env()
    except ValidationError as exc:
        problems = "; ".join(f"CHAINRULE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                             for e in exc.errors())
        print(f"chainrule: {problems}", file=sys.stderr)
        return False
    try:
        GraphStore(settings.database, busy_seconds=1.0).check()
    except StorageError as exc:
        print(f"chainrule: {exc}", file=sys.stderr)
        return False
    return True


def _export(args) -> int:
    from app.exports import ExportError, export_example
    examples = _check_examples(args.examples)
    if examples is None:
        return 2
    if args.slug not in examples:
        print(f"chainrule: no example named '{args.slug}' (there are: "
              f"{', '.join(examples)})", file=sys.stderr)
        return 2
    try:
        pass_, step = args.pass_, args.step
        if args.format == "html" and pass_ is None and step is None:
            pass_, step = "forward", 0   # a lecture starts at the start: the clicker steps on
        data = export_example(examples[args.slug], args.format, pass_ or "backward", step)
    except ExportError as exc:
        print(f"chainrule: {exc}", file=sys.stderr)
        return 1
    Path(args.output).write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")
    return 0


def _build_site(args) -> int:
    from app.site_builder import SiteError, build_site
    examples = _check_examples(args.examples)
    if examples is None:
        return 2
    try:
        written = build_site(Path(args.out), examples, args.server)
    except SiteError as exc:
        print(f"chainrule: {exc}", file=sys.stderr)
        return 2
    size = sum(path.stat().st_size for path in written)
    print(f"wrote {len(written)} files ({size / 2**20:.1f} MiB) for {len(examples)} examples "
          f"into {args.out}")
    return 0
