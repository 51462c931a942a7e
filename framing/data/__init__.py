"""Labelled data: the gold JSONL schema, NewsMTSC files, validation and counts (gold)."""
