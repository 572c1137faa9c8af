"""`python -m ishoj_assistant` runs the same command line as `ishoj-assistant`."""

import sys

from ishoj_assistant.cli import main

sys.exit(main())
