"""The lecturer's commands for the saved graphs, on the local machine only
(there is no HTTP delete): `chainrule backup OUT.db` and `chainrule graphs
list|export|delete`. Each works on the database the server uses (the
--database flag, else CHAINRULE_DATABASE, else the per-user default) and may
run while the server does."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from app.storage import GraphStore, StorageError


def add_store_commands(commands) -> None:
    """The subparsers of `backup` and `graphs`."""
    backup = commands.add_parser("backup", help="copy the saved graphs online (SQLite backup)")
    backup.add_argument("output", metavar="OUT.db", help="the copy to write")
    _database_flag(backup)

    graphs = commands.add_parser("graphs", help="list, export or delete saved graphs")
    actions = graphs.add_subparsers(dest="action", required=True)
    _database_flag(actions.add_parser("list", help="id, date, size and title of each"))
    export = actions.add_parser("export", help="one graph's document, as it was saved")
    export.add_argument("id")
    export.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    _database_flag(export)
    delete = actions.add_parser("delete", help="remove one graph (its link stops working)")
    delete.add_argument("id")
    _database_flag(delete)


def _database_flag(parser) -> None:
    parser.add_argument("--database", metavar="FILE",
                        help="the saved graphs (default: CHAINRULE_DATABASE or the per-user file)")


def _store(args) -> GraphStore:
    from app.config import Settings
    return GraphStore(Path(args.database) if args.database else Settings.from_env().database)


def run_store_command(args) -> int:
    store = _store(args)
    if not store.path.is_file():
        return _fail(f"no saved graphs at {store.path}")
    try:
        store.check()
        if args.command == "backup":
            count = store.backup(Path(args.output))
            print(f"wrote {args.output} ({count} graphs)")
            return 0
        return {"list": _list, "export": _export, "delete": _delete}[args.action](store, args)
    except StorageError as exc:
        return _fail(str(exc))


def _list(store: GraphStore, args) -> int:
    for graph_id, created, size, title in store.listing():
        when = datetime.fromtimestamp(created, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{graph_id}\t{when}Z\t{size}\t{title}")
    return 0


def _export(store: GraphStore, args) -> int:
    document = store.load(args.id)
    if document is None:
        return _fail(f"no saved graph '{args.id}' in {store.path}")
    if args.output:
        Path(args.output).write_text(document, encoding="utf-8")
    else:
        sys.stdout.write(document)
    return 0


def _delete(store: GraphStore, args) -> int:
    if not store.delete(args.id):
        return _fail(f"no saved graph '{args.id}' in {store.path}")
    print(f"deleted {args.id}")
    return 0


def _fail(message: str) -> int:
    print(f"chainrule: {message}", file=sys.stderr)
    return 1
