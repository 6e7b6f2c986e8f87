"""The fake Claude's answer to "Draft my clients, journeys and topics": a career coach's starter set.

A drafting request is known by its structured-output schema (it asks for ``journeys``). Behaviours:
``max_tokens`` cuts the answer halfway (some items complete, the rest cut), ``malformed_json`` breaks the
object's end (a trailing comma, no closing brace), ``garbage`` answers in prose, ``schema_violation`` gives
items without names.
"""

from __future__ import annotations

import json
from typing import Any

CLIENTS = [
    {
        "name": "Priya Nair (the stalled manager)",
        "who_they_are": "A mid-career manager who feels stuck",
        "situation": "Twelve years in logistics, passed over for promotion twice, quietly job hunting.",
        "background": "Rose fast early on, then stopped growing when her company reorganised.",
        "goals": "A role where she leads again, without starting from the bottom.",
        "how_they_talk": "Precise, a little guarded, apologises for 'rambling'.",
        "typical_questions": ["Is it too late to change direction at 41?", "How do I explain a sideways move?"],
    },
    {
        "name": "Marcus Bell (the career changer)",
        "who_they_are": "A teacher moving into corporate training",
        "situation": "Burnt out after fifteen years of teaching; has applied to twenty roles, no interviews.",
        "background": "Loves explaining things; never wrote a CV for a business audience.",
        "goals": "One interview, and the words to sell what he already knows.",
        "how_they_talk": "Warm, talks in stories, doubts himself aloud.",
        "typical_questions": ["Do my teaching years count as experience?"],
    },
    {
        "name": "Aiko Tanaka (the returner)",
        "who_they_are": "A designer back after five years of caring for family",
        "situation": "Her portfolio is dated and she is unsure which tools matter now.",
        "background": "Was a senior designer at an agency before stepping away.",
        "goals": "A part-time role that respects her seniority.",
        "how_they_talk": "Short sentences, checks she has understood.",
        "typical_questions": ["How do I explain the gap on my CV?"],
    },
    {
        "name": "Tom Reyes (the new graduate)",
        "who_they_are": "A first-job seeker overwhelmed by choice",
        "situation": "Finished a degree in biology; applying everywhere, hearing nothing back.",
        "background": "First in his family to go to university.",
        "goals": "To know which direction to pick first.",
        "how_they_talk": "Fast, jumps between ideas, asks for lists.",
        "typical_questions": ["Should I take the first offer I get?"],
    },
]
JOURNEYS = [
    {
        "name": "Self-doubt to momentum",
        "starting_emotion": "self-doubt",
        "ending_emotion": "momentum",
        "how_to_guide": "Name the strengths they skip over, then agree one small step for this week.",
        "key_principles": ["Evidence before reassurance", "One step, not a plan"],
    },
    {
        "name": "Overwhelm to focus",
        "starting_emotion": "overwhelm",
        "ending_emotion": "focus",
        "how_to_guide": "Sort the options together and drop all but two.",
        "key_principles": ["Fewer choices, better choices"],
    },
    {
        "name": "Frustration to resolve",
        "starting_emotion": "frustration",
        "ending_emotion": "resolve",
        "how_to_guide": "Let the frustration be heard, then look at what the rejections tell us.",
        "key_principles": ["Rejections are data"],
    },
]
TOPICS = [
    {
        "name": "Explaining a career change",
        "category": "job search",
        "description": "Telling a story that makes a change of direction make sense.",
        "level": "intermediate",
        "example_questions": ["How do I explain why I am leaving teaching?"],
        "key_ideas": ["Transferable skills", "A one-line story"],
    },
    {
        "name": "Negotiating an offer",
        "category": "offers",
        "description": "Asking for more without losing the offer.",
        "level": "advanced",
        "example_questions": ["Can I ask for more after they say yes?"],
        "key_ideas": ["Anchoring", "The whole package"],
    },
    {
        "name": "A CV gap",
        "category": "job search",
        "description": "Years away from work, said plainly and without apology.",
        "level": "beginner",
        "example_questions": ["Should I hide the gap?"],
        "key_ideas": ["Honesty", "What you did meanwhile"],
    },
    {
        "name": "Networking when you hate it",
        "category": "job search",
        "description": "Reaching people without feeling fake.",
        "level": "beginner",
        "example_questions": ["How do I message someone I do not know?"],
        "key_ideas": ["Ask for advice, not a job"],
    },
    {
        "name": "Choosing between two offers",
        "category": "offers",
        "description": "Weighing pay, growth and the people.",
        "level": "intermediate",
        "example_questions": ["Which offer should I take?"],
        "key_ideas": ["What matters in five years"],
    },
]


def is_draft_request(body: dict[str, Any]) -> bool:
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
    return "journeys" in (schema.get("properties") or {})


def reply_for(behaviour: str) -> tuple[str, str]:
    """(text, stop reason) of a drafting answer under ``behaviour``."""
    starter: dict[str, Any] = {"clients": CLIENTS, "journeys": JOURNEYS, "topics": TOPICS}
    text = json.dumps(starter, indent=2)
    if behaviour == "max_tokens":
        return text[: len(text) // 2], "max_tokens"
    if behaviour == "malformed_json":
        return text.rstrip().removesuffix("}").rstrip() + ",\n", "end_turn"
    if behaviour == "garbage":
        return "I would be glad to help. Could you tell me more about your practice first?", "end_turn"
    if behaviour == "schema_violation":
        nameless = {
            kind: [{k: v for k, v in i.items() if k != "name"} for i in items] for kind, items in starter.items()
        }
        return json.dumps(nameless), "end_turn"
    return text, "end_turn"
