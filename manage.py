#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studygroup.settings")
    from django.core.management import execute_from_command_line

    if len(sys.argv) > 1:
        # The embedded default's statistics thread runs in the serving process only (reports/kick.py): a
        # command writing thousands of rows is not slowed by recomputes racing it for SQLite's lock.
        os.environ.setdefault("STUDYGROUP_COMMAND", sys.argv[1])
        from studygroup.startup import SERVING_COMMANDS, require_secret_key

        if sys.argv[1] in SERVING_COMMANDS:
            from django.core.exceptions import ImproperlyConfigured

            try:
                require_secret_key()
            except ImproperlyConfigured as error:
                sys.exit(f"Error: {error}")  # one line, not a traceback
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
