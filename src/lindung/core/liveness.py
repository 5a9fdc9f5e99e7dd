"""Which process holds a piece of work, and whether it is surely gone.

Background work (an import job, an import lock) records `this_process()`; whoever later finds
the work unfinished asks `is_gone(holder)`. On the same machine the answer is exact: the process
id is not running, or is running a different process (Linux: its start time differs, so a reused
pid is not mistaken for the holder). On another machine nothing can be known, and the caller
falls back to the holder's last sign of life (a heartbeat older than a timeout).
"""

from __future__ import annotations

import os
import socket
from functools import cache


def _stat(pid: int) -> tuple[str, str]:
    """(state, start time in clock ticks since boot) of a process (Linux); ('', '') elsewhere
    or when it does not exist."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return "", ""
    # The command name (field 2) may hold spaces and parentheses: count from its closing one.
    fields = stat[stat.rfind(b")") + 2 :].split()
    return fields[0].decode(), fields[19].decode()


@cache
def _host() -> str:
    return socket.gethostname()[:60]


def this_process() -> str:
    """'host:pid:start' of the calling process."""
    pid = os.getpid()
    return f"{_host()}:{pid}:{_stat(pid)[1]}"


def is_gone(holder: str) -> bool:
    """True only when `holder` (from `this_process`) ran on this machine and is not running
    any more. False when it is alive, or unknown (another machine, an unreadable holder)."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    host, pid_text, started = parts
    if host != _host():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by another user
    state, now_started = _stat(pid)
    if state == "Z":  # exited, not yet reaped by its parent
        return True
    return bool(started and now_started) and now_started != started
