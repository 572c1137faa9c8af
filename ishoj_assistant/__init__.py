"""Ishøj document assistant: cited Danish answers from the municipality's own documents."""

__version__ = "0.1.0"
