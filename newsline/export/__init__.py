"""Exports of the store for people without newsline: a self-contained HTML timeline."""
