"""A window of a hall accepting 居住证 cases and e-bike registrations (with their papers) until it is killed."""

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
window = sys.argv[4]
clerk = Actor(accounts.sign_in(db, f"clerk{window}", "secret-456", window), window, "测试大厅")
examples = {sid: registry.get(sid).example(start.date()) for sid in ("residence_permit", "ebike_registration")}
print("ready", flush=True)
if sys.argv[5:] == ["wait"]:  # NOTE: the test says when to start (after it took a lock the accepts need)
    sys.stdin.readline()
for n in range(1000):
    sid = ("residence_permit", "ebike_registration")[n % 2]
    answers = dict(examples[sid]["answers"])
    if sid == "ebike_registration":
        answers["frame_no"] = f"119TDT{window}{start:%m%d%H}{n:03d}"[:15]
    intake.accept(HallContext(db, clerk, papers),
                  sid, answers, examples[sid]["materials"], now=start + timedelta(seconds=n))
    print("committed", flush=True)
