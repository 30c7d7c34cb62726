"""The scratch copies autosave keeps of intake pages with unsaved input (migration 0009)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base


class DraftAutosave(Base):
    """What one open intake page held at its last autosave; the row exists only while the page has unsaved input.

    A manual 保存草稿, an intake outcome, closing the tab and a clean quit delete it; one left behind
    therefore belongs to a page that was still open when the program died.
    """

    __tablename__ = "draft_autosaves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clerk_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    window: Mapped[str] = mapped_column(String(8))
    service_id: Mapped[str] = mapped_column(String(40))
    # NOTE: the saved draft the page was editing (None for a new case); a purge of the case takes
    # its scratch copy with it instead of failing on the foreign key.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=True)
    applicant_name: Mapped[str | None] = mapped_column(String(40), nullable=True)
    answers: Mapped[dict] = mapped_column(JSON)
    materials: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_draft_autosaves_clerk_id_window", "clerk_id", "window"),)
