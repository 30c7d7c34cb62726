"""返乡入乡创业补贴 in the case layer: the claim history (facts, hooks), the decisions, papers, reasons and demo.

The claim history's tables are models.py (on the store's Base; their migrations: migrations/, branch ``subsidy``).
"""

from desktop.cases.services.subsidy import claims, decisions, declarations, models  # noqa: F401  (each registers)
