"""The unit of work: one transaction, rolled back unless explicitly committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from adapter.persistence.repositories import InboundDocuments, Rejections, ReplayCacheRows


class UnitOfWork:
    """``with uow: ...; uow.commit()``; leaving the block without commit rolls everything back."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self.documents = InboundDocuments(self.session)
        self.rejections = Rejections(self.session)
        self.replays = ReplayCacheRows(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Make everything done in this unit durable, at once."""
        self.session.commit()

    def rollback(self) -> None:
        """Forget everything done in this unit so far."""
        self.session.rollback()
