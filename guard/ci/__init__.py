"""CI integrations: the logic behind the GitHub Action (`guard ci`)."""
