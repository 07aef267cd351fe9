"""Operator jobs that work on the whole log: rebuild the store, reprocess articles.

Each job is plain Python over a Settings object (no CLI, no Faust), so the commands
in ``newsline.cli`` stay thin and the tests can drive the same code.
"""
