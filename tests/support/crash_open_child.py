"""A child process for the kill tests: imports, says "ready" on stdout, then opens (creates or upgrades) a database."""

import sys

from desktop.store.database import open_database

target = sys.argv[1]
print("ready", flush=True)
open_database(target).close()
print("done", flush=True)
