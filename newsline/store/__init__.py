"""The timeline store: a SQLModel projection of the event log, rebuildable at any time."""
