"""Test-wide settings. The notebooks' exercises are checked with the course's own
solutions (solutions/) when the learner's answer is still the placeholder, so CI proves
every exercise solvable."""
import os

os.environ.setdefault("LAB_SOLUTIONS", "1")
