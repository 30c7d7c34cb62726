"""The 返乡入乡创业补贴 claim history's tables: claims, the cost months they covered, the workers they counted.

NOTE (issue 16): declared here, in the service's package, on the store's one declarative Base (see
desktop/cases/services/ebike/models.py for why). Core migration 0003 created them in every hall; a change
from now on is a revision of this package's own branch (migrations/, ``subsidy_0001`` depends on core 0003).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base


class SubsidyClaim(Base):
    """One accepted 返乡入乡创业补贴 claim: who, which business, what kind, which year, how much (history for caps)."""

    __tablename__ = "subsidy_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    case_no: Mapped[str] = mapped_column(String(24))
    claim_type: Mapped[str] = mapped_column(String(24))  # forms.services.subsidy.form claim keys
    business_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    id_number: Mapped[str] = mapped_column(String(24))  # the applicant's, upper case
    year: Mapped[int] = mapped_column(Integer)  # the budget year the amount counts against
    training_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # NOTE: yuan as text ("1234.50"): exact Decimal on SQLite and PostgreSQL alike, where
    # Numeric on SQLite goes through float and warns.
    amount: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # accepted / approved / paid / refused / withdrawn
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_subsidy_claims_business_uscc", "business_uscc"),
        Index("ix_subsidy_claims_id_number", "id_number"),
    )


class SubsidyClaimMonth(Base):
    """A cost month and category a site-cost or e-commerce claim covered (same month claimed twice)."""

    __tablename__ = "subsidy_claim_months"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claims.id"))
    month: Mapped[str] = mapped_column(String(7))  # "YYYY-MM"
    category: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_subsidy_claim_months_claim_id", "claim_id"),
        Index("ix_subsidy_claim_months_month", "month"),
    )


class SubsidyClaimWorker(Base):
    """An employee a claim counted (same worker counted by two businesses)."""

    __tablename__ = "subsidy_claim_workers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claims.id"))
    id_number: Mapped[str] = mapped_column(String(24))
    business_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)

    __table_args__ = (
        Index("ix_subsidy_claim_workers_claim_id", "claim_id"),
        Index("ix_subsidy_claim_workers_id_number", "id_number"),
    )
