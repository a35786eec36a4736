"""What a learner sees: widgets, diagrams, tables, and one-line errors in the notebook."""
