"""What every command-line module shares: error handling, consoles, the configured store.

A domain's ``cli.py`` decorates each command with :func:`friendly` so that a paknam error
or an unreadable file prints one message naming the problem and exits with status 2.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import typer
from rich.console import Console

from paknam.core.errors import BatchRejected, PaknamError

if TYPE_CHECKING:
    from paknam.core.store import Store

err = Console(stderr=True, soft_wrap=True, highlight=False)
"""Messages for people (standard error)."""
out = Console(soft_wrap=True, highlight=False)
"""Results (standard output)."""
F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Turn paknam errors into a clear message and exit status 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BatchRejected as exc:
            err.print(f"[red]error:[/red] {len(exc.errors)} bad row(s); nothing stored")
            for e in exc.errors[:20]:
                err.print(f"  item/line {e.index}: {e.reason}", markup=False, highlight=False)
            if len(exc.errors) > 20:
                err.print(f"  ... and {len(exc.errors) - 20} more (use --report FILE)")
            raise typer.Exit(2) from None
        except PaknamError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(2) from None
        except (ValueError, OSError) as exc:  # unreadable files, bad values in them
            err.print(f"[red]error:[/red] {type(exc).__name__}: {exc}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def open_store() -> Store:
    """The store named by ``PAKNAM_DATABASE_URL`` (a context manager: close when done).

    Imported here, not at the top, so that commands which need no store (``paknam aqi``,
    ``--help``) start without loading the database layer."""
    from paknam.core.store import Store

    return Store.open()


def print_json(doc: object) -> None:
    """``doc`` as one line of JSON (Thai kept as is; datetimes and the like as text)."""
    print(json.dumps(doc, ensure_ascii=False, default=str))


class Runnable(Protocol):
    """A long-running service with a blocking ``run()`` and a ``stop()`` (MQTT ingestors)."""

    def run(self) -> None: ...

    def stop(self) -> None: ...


def run_until_stopped(service: Runnable, store: Store, banner: str) -> None:
    """Print ``banner``, run ``service`` until SIGTERM or Ctrl-C, then close ``store``."""
    import signal

    signal.signal(signal.SIGTERM, lambda *_: service.stop())
    out.print(banner, markup=False)
    try:
        service.run()
    except KeyboardInterrupt:
        service.stop()
    finally:
        store.close()
