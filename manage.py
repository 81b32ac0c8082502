#!/usr/bin/env python
"""Django's command-line utility for the Scopeline web app (same as ``scopeline-admin``)."""

from scopeline.web.manage import main

if __name__ == "__main__":
    main()
