"""Pull and file exchange: the cursor poller, the file inbox and the file-drop transport.

- :class:`Poller` fetches what a peer issued by cursor and runs it through intake (``pull``).
- :class:`FileInbox` picks up signed ``*.xml`` files from a folder and runs them through intake
  (``file``), moving each to ``processed/`` or ``rejected/`` with its acknowledgement beside it.
- :class:`FileDropTransport` is a delivery-engine transport writing outbound documents atomically
  into a folder, for a billing system that exchanges files.
"""

from __future__ import annotations

from adapter.exchange.cursors import CursorState, cursor_states, load_cursor, rewind_cursor
from adapter.exchange.file_inbox import FileInbox, FileResult, ack_name, is_complete_drop
from adapter.exchange.file_transport import FileDropTransport, drop_name
from adapter.exchange.poller import Backoff, Fetch, Poller, PollResult

__all__ = [
    "Backoff",
    "CursorState",
    "Fetch",
    "FileDropTransport",
    "FileInbox",
    "FileResult",
    "PollResult",
    "Poller",
    "ack_name",
    "cursor_states",
    "drop_name",
    "is_complete_drop",
    "load_cursor",
    "rewind_cursor",
]
