"""Words a person outside the demo project must never read: the earlier single-vertical (financial) system's.

``FINANCIAL`` is what the page-text scan (``tests/e2e/test_every_screen.py``) looks for on every page of a new
project. ``MONEY`` adds the money-flavoured words the default journeys and prompts once held ("cash runway",
"investment advice", "the actual numbers"…) for the scan of what a new project is offered
(``tests/unit/test_no_financial_words.py``): its starter journeys and prompts and the placeholder list.
(Pages may say "budget": a batch job's spending cap is one.)
"""

from __future__ import annotations

import re

FINANCIAL = re.compile(r"financ|\bincome|retire|\b401k|\broth\b|\bira\b|planner|\bmoney\b|savings", re.IGNORECASE)
MONEY = re.compile(
    FINANCIAL.pattern
    + r"|\bcash|runway|budget|portfolio|invest|\bmarkets?\b|\bdebts?\b|\bloans?\b|mortgage|\btax|accountant|insur"
    r"|purchase|\bamounts?\b|\bfigures\b|\bnumbers\b|afford|wealth|dollar|\$\d|\bpaycheck|\bspending\b",
    re.IGNORECASE,
)
