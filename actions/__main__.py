"""``python -m actions``: run the action server (see :mod:`actions.server`)."""

import sys
import warnings

import sanic  # noqa: F401  (importing it shows every DeprecationWarning once; filter after it)

# sanic_cors warns about distutils on import, before logging is set up; the line would be the
# only one that is not JSON in production.
warnings.filterwarnings("ignore", message="distutils Version classes are deprecated")

from actions.server import main  # noqa: E402  (after the filter above)

if __name__ == "__main__":
    sys.exit(main())
