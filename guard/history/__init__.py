"""`guard scan-history`: audit.py (the audit: commits to scan, findings grouped across
history), scan.py (commits through the scanner on a fork pool), store.py (what earlier runs
found, in SQLite under .git/guard/). Nothing is imported here: each caller names its module."""
