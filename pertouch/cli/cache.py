"""``pertouch cache``: what the image store and the thread database hold, and clearing them.

    pertouch cache                              # sizes, budgets, ages
    pertouch cache clear                        # every stored image and every thread
    pertouch cache clear --store --older-than 7 # images not used for a week

The store keeps to ``PERTOUCH_STORE_BUDGET`` by itself and threads older than
``PERTOUCH_THREAD_DAYS`` are pruned whenever the agent starts; this command is for looking and for
clearing by hand. Clearing a thread's images makes the thread unable to continue, so ``clear``
takes both unless told otherwise.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from pertouch.core.store import ImageStore
from pertouch.services import Settings, open_checkpointer


def add_cache_parser(subparsers: Any) -> None:
    """Add ``cache`` (and ``cache clear``) to an argparse ``subparsers`` object."""
    cache = subparsers.add_parser(
        "cache",
        help="show or clear the image store and the saved threads",
        description="Show, or clear, the image store and the thread database under PERTOUCH_HOME.",
    )
    cache.add_argument("--json", action="store_true", help="print JSON")
    cache.set_defaults(func=run_cache_show)
    actions = cache.add_subparsers(dest="action", metavar="ACTION")
    clear = actions.add_parser("clear", help="delete stored images and threads")
    clear.add_argument("--store", action="store_true", help="only the image store")
    clear.add_argument("--threads", action="store_true", help="only the threads")
    clear.add_argument(
        "--older-than",
        type=float,
        default=0.0,
        metavar="DAYS",
        help="only what was not used for this many days (default: everything)",
    )
    clear.add_argument("--json", action="store_true", help="print JSON")
    clear.set_defaults(func=run_cache_clear)


def cache_report(settings: Settings) -> dict[str, Any]:
    """Plain data about the store and the threads under ``settings.home``."""
    from pertouch.graph.threads import thread_usage

    home = settings.home.expanduser()
    store = ImageStore(home / "store", budget=settings.store_budget).usage()
    closers: list[Any] = []
    database = home / "threads.sqlite"
    try:
        threads = thread_usage(open_checkpointer(database, closers))
    finally:
        for close in closers:
            close()
    return {
        "home": str(home),
        "store": {
            "bytes": store.bytes,
            "images": store.entries,
            "budget": store.budget,
            "least_recent_use": store.oldest_use,
        },
        "threads": {
            "count": threads.threads,
            "oldest": threads.oldest,
            "database_bytes": database.stat().st_size if database.exists() else 0,
            "pruned_after_days": settings.thread_days or None,
        },
    }


def run_cache_show(args: argparse.Namespace) -> int:
    report = cache_report(Settings.from_env())
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    store, threads = report["store"], report["threads"]
    budget = f"budget {_size(store['budget'])}" if store["budget"] else "no budget"
    print(
        f"image store  {_size(store['bytes'])} in {store['images']} images ({budget})"
        + (f", least recently used {_ago(store['least_recent_use'])}" if store["images"] else "")
    )
    kept = (
        f"pruned after {threads['pruned_after_days']:g} days"
        if threads["pruned_after_days"]
        else "never pruned"
    )
    print(
        f"threads      {threads['count']}"
        + (f", the oldest last continued {_ago(threads['oldest'])}" if threads["count"] else "")
        + f" ({kept}; database {_size(threads['database_bytes'])})"
    )
    print(f"folder       {report['home']}")
    return 0


def run_cache_clear(args: argparse.Namespace) -> int:
    from pertouch.core.errors import PerTouchError
    from pertouch.graph.threads import prune_threads

    if args.older_than < 0:
        raise PerTouchError("--older-than is a number of days, 0 or more.")
    settings = Settings.from_env()
    home = settings.home.expanduser()
    both = not (args.store or args.threads)
    seconds = args.older_than * 86_400
    freed, removed = 0, []
    if args.store or both:
        freed = ImageStore(home / "store").clear(older_than_s=seconds)
    if args.threads or both:
        closers: list[Any] = []
        try:
            checkpointer: Any = open_checkpointer(home / "threads.sqlite", closers)
            removed = prune_threads(checkpointer, seconds)
            checkpointer.conn.execute("VACUUM")  # give the deleted pages back to the disk
        finally:
            for close in closers:
                close()
    if args.json:
        print(json.dumps({"store_bytes_freed": freed, "threads_removed": len(removed)}))
    else:
        print(f"freed {_size(freed)} of stored images; removed {len(removed)} threads")
    return 0


def _size(count: int | None) -> str:
    if count is None:
        return "no limit"
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    age = max(0.0, time.time() - seconds)
    for unit, scale in (("days", 86_400), ("hours", 3_600), ("minutes", 60)):
        if age >= scale:
            return f"{age / scale:.0f} {unit} ago"
    return "just now"
