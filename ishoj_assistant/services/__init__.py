"""What the API and the web UI both do: access rules, upload checks and storage, ingestion jobs.

Neither front end may implement these on its own, so they cannot disagree about
what is allowed; the UI imports from here, never from :mod:`ishoj_assistant.api`.
"""
