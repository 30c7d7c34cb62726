"""非道路移动机械编码登记 in the case layer: importing this package registers everything it adds.

facts.py (the register looked up for the rules, under the machine's lock), hooks.py (accept: a pending row;
approve: the code and the 编码登记证明; refuse/cancel: the row closed), identifiers (search by code and by
product number), paper kinds, coded refusal reasons and the demo plan. Discovered by
desktop.cases.services.load(); nothing outside this package names it.
"""

from desktop.cases.services.nrmm import demo, facts, hooks, identifiers, reasons  # noqa: F401  (they register)
