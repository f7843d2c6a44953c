"""``spotcheck serve``: migrate the database, then run uvicorn with N workers.

With ``--workers 1`` the app runs in this process; with more, uvicorn's
supervisor starts N processes that each build the app from the environment
(``spotcheck.web:create_app`` as a factory).  Everything a worker needs is
in the environment and the database, so they never need to talk to each
other; the one value they must share, ``SPOTCHECK_SECRET_KEY``, is made here
once when it is not set.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import inspect
import logging
import os
import socket
import sys
from collections.abc import Mapping
from typing import Any

import uvicorn
import uvicorn.config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from .._errors import InputError
from ._db import Database
from ._settings import Settings

__all__ = ["log_config", "serve"]

_LEVELS = ("critical", "error", "warning", "info", "debug")


def log_config(level: str) -> dict[str, Any]:
    """Uvicorn's logging config plus the app's loggers (access log without addresses)."""
    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["spotcheck"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    config["loggers"]["alembic"] = {"handlers": ["default"], "level": "WARNING"}
    return config


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    log_level: str = "info",
    migrate_only: bool = False,
) -> None:
    if workers < 1:
        raise InputError(f"{workers} workers", field="--workers", allowed="1 or more")
    if not 0 <= port <= 65535:
        raise InputError(f"port {port}", field="--port", allowed="0 to 65535")
    if log_level.lower() not in _LEVELS:
        raise InputError(f"{log_level!r}", field="--log-level", allowed=", ".join(_LEVELS))
    settings = Settings.from_env()
    # Every worker must agree on the secret; a random one is fine for one run.
    os.environ.setdefault("SPOTCHECK_SECRET_KEY", settings.secret_key)

    database = Database(settings.database_url)
    try:
        database.migrate()
    except Exception as exc:
        raise InputError(
            f"cannot open or migrate the database ({type(exc).__name__}: {exc})",
            field="SPOTCHECK_DATABASE_URL",
            allowed="a reachable sqlite:/// file path or postgresql+psycopg:// server",
        ) from None
    finally:
        database.dispose()
    where = database.url.render_as_string(hide_password=True)
    if migrate_only:
        print(f"database {where} is at revision {database.current_revision()}")
        return
    print(
        f"Spotcheck on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}, "
        f"database {where}); API docs at /docs. Ctrl+C stops it.",
        file=sys.stderr,
        flush=True,
    )
    logging.getLogger("spotcheck").setLevel(log_level.upper())
    header_timeout_from_env()  # a bad value stops here, with a clear message
    _run_uvicorn(
        http=_HeaderTimeoutProtocol,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level.lower(),
        log_config=log_config(log_level),
        # The app writes its own access log (no client addresses, ids redacted).
        access_log=False,
        server_header=False,
    )


class _HeaderTimeoutProtocol(HttpToolsProtocol):
    """httptools' protocol, closing a connection whose request headers are not
    complete within ``header_timeout`` seconds (issue 13: half-open requests).

    uvicorn times out idle keep-alive connections but not a request that is
    started and never finished, so 2,000 such connections were held for more
    than 40 s.  The timer starts with the connection and with every request and
    stops when the request's headers are complete.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._headers_timer: asyncio.TimerHandle | None = None
        self._arm()

    def _arm(self) -> None:
        if getattr(self, "_headers_timer", None) is None:
            self._headers_timer = self.loop.call_later(_header_timeout(), self._too_slow)

    def _disarm(self) -> None:
        if self._headers_timer is not None:
            self._headers_timer.cancel()
            self._headers_timer = None

    def _too_slow(self) -> None:
        self._headers_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


@functools.cache
def _header_timeout() -> float:
    # Read in each worker process (uvicorn spawns them); checked by serve() first.
    return header_timeout_from_env()


def header_timeout_from_env(environ: Mapping[str, str] = os.environ) -> float:
    """``SPOTCHECK_HEADER_TIMEOUT``: seconds a client may take to send a request's headers."""
    raw = environ.get("SPOTCHECK_HEADER_TIMEOUT", "10")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.1 <= value <= 300:
        raise InputError(
            f"not a number of seconds: {raw!r}",
            field="SPOTCHECK_HEADER_TIMEOUT",
            allowed="a number from 0.1 to 300",
        )
    return value


class _TCPConfig(uvicorn.Config):
    """uvicorn's Config, binding TCP sockets as IPPROTO_TCP (see :func:`_run_uvicorn`)."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
            sock.set_inheritable(True)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


def _run_uvicorn(**options: Any) -> None:
    """``uvicorn.run`` with a listening socket that keeps TCP_NODELAY on its connections.

    With ``workers > 1`` uvicorn binds the socket itself as protocol 0; asyncio
    then does not recognise the accepted connections as TCP and leaves Nagle's
    algorithm on, and every keep-alive response waits ~40 ms for a delayed ACK
    (measured: 360 instead of 1,400 requests/s).  Binding it as IPPROTO_TCP
    fixes that.
    """
    config = _TCPConfig("spotcheck.web:create_app", factory=True, **options)
    server = uvicorn.Server(config)
    try:
        if config.workers > 1:
            sock = config.bind_socket()
            if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn < 0.36
                Multiprocess(config, target=server.run, sockets=[sock]).run()  # type: ignore[call-arg, unused-ignore]
            else:
                Multiprocess(config, sockets=[sock]).run()
        else:
            server.run()
    except KeyboardInterrupt:
        pass
    if config.workers == 1 and not server.started:
        raise SystemExit(3)
