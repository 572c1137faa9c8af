"""Turning retrieved passages into answers: extractive, generative and their checks."""
