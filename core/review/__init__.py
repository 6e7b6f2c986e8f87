"""Review: the grid query, allowed transitions, decisions, history, ratings, grades and turn edits."""
