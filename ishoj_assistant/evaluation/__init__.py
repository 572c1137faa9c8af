"""Evaluation of retrieval (and, later, answers) on JSONL question sets."""
