"""A second window for the backup test: accepts real cases, says each committed number, until a stop file appears.

NOTE: automatic checkpoints are off on its connections, so every committed case stays in the WAL:
a plain copy of the database file would miss them, the backup must not.
"""

import sys
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import event

from desktop import paths
from desktop.cases import accounts, intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.store.database import open_database
from forms import registry

db_file, papers, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
paths.set_data_dir(sys.argv[4])  # the test's data folder: the hall's audit key lives there
db = open_database(db_file)


@event.listens_for(db.engine, "connect")
def _no_checkpoint(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA wal_autocheckpoint = 0")


db.engine.dispose()
clerk = Actor(accounts.sign_in(db, "admin", "secret-123", "03"), "03", "测试大厅")
service = registry.get("residence_permit")
start = datetime(2026, 11, 23, 9)
n = 0
while not stop.exists() and n < 400:
    on = start + timedelta(minutes=n)
    case = service.example(on.date())
    result = intake.accept(HallContext(db, clerk, papers),
                           "residence_permit", case["answers"], case["materials"], now=on)
    n += 1
    print(f"committed {n} {result.case.case_no}", flush=True)
db.close()
print("stopped", flush=True)
