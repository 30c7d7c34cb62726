"""A window accepting real cases (each with its 受理回执 PDF) until it is killed; says "ready" first."""

import sys
from datetime import datetime, timedelta
from pathlib import Path

from desktop.cases import accounts, intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.store.database import open_database
from forms import registry

db = open_database(sys.argv[1])
papers = Path(sys.argv[2])
start = datetime.fromisoformat(sys.argv[3])
clerk = Actor(accounts.sign_in(db, "admin", "secret-123", "03"), "03", "测试大厅")
service = registry.get("residence_permit")
case = service.example(start.date())
print("ready", flush=True)
for n in range(1000):
    intake.accept(HallContext(db, clerk, papers), "residence_permit", case["answers"], case["materials"],
                  now=start + timedelta(seconds=n))
    print("committed", flush=True)
