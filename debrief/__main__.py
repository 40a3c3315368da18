"""`python -m debrief` is the `debrief` command."""

import sys

from debrief.cli import main

sys.exit(main())
