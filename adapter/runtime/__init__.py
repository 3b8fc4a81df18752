"""Running the whole system in one process: the embedded default behind ``adapter demo``."""

from adapter.runtime.embedded import EmbeddedSystem, EmbeddedUrls

__all__ = ["EmbeddedSystem", "EmbeddedUrls"]
