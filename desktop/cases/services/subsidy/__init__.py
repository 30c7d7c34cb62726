"""返乡入乡创业补贴 in the case layer: the claim history (facts, hooks), the decisions, papers, reasons and demo."""

from desktop.cases.services.subsidy import claims, decisions, declarations  # noqa: F401  (each registers)
