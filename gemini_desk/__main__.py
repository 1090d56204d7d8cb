"""Allow ``python -m gemini_desk``."""

from gemini_desk.app import main

raise SystemExit(main())
