"""Entry script for the PyInstaller bundle."""

import sys

from gemini_desk.app import main

if __name__ == "__main__":
    sys.exit(main())
