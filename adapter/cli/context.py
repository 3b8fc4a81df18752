"""Helpers every CLI command shares: building the container, reporting errors the same way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from adapter.bootstrap import Container, build_container
from adapter.errors import AdapterError


def container() -> Container:
    """The composition root for this command, configured from the environment."""
    return build_container()


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn an AdapterError into ``CODE: message`` on stderr and exit status 1."""
    try:
        yield
    except AdapterError as error:
        click.echo(f"{error.code}: {error.message}", err=True)
        raise SystemExit(1) from error
