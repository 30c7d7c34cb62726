"""电动自行车登记 in the case layer: the register's facts and hooks, its papers, identifiers, reasons, demo and self-test.

Importing the package registers everything (desktop.cases.services.load() does, at start-up), the
register's tables too (models.py, on the store's Base; their migrations: migrations/, branch ``ebike``).
"""

from desktop.cases.services.ebike import (  # noqa: F401  (each module registers on import)
    declarations,
    demo,
    models,
    notices,
    procedures,
    registry,
    reversal,
    selftest,
)
