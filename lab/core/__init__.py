"""What every layer uses: errors, settings, bounded waits, and printing the commands the lab runs.

Imports nothing else from lab/."""
