"""Frozen, typed domain records shared by the engine, the agents and the store."""
