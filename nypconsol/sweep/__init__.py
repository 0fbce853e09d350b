"""The archive sweep: read the archives of accounts about to close, triage what the public sent
them, and build the sweep document (issue 14). Imported only when the sweep runs."""
