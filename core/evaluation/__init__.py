"""Trying and measuring a trained model: answers side by side (Try it), the held-out scorecard judged by
Claude, and reviewers' blind A/B picks."""
