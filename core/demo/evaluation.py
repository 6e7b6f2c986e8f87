"""The demo's blind A/B picks: a demo reviewer preferred the expert's answer (as the demo's tuned model would
give it) to a flatter, generic one (as a base model would) on a few demo conversations' first client turn.

They make the DPO export and the A/B charts show something on a fresh demo. Each pick is linked to the demo's
trained model when the demo has one (its training job is marked ``is_demo``), else to no model (it still makes
a preference pair). Loading twice adds nothing.
"""

from __future__ import annotations

from core.models.evaluation import PickChoice, PreferencePick
from core.storage.database import Database

DEMO_REVIEWER = "Demo reviewer"
#: (demo file's key word, the generic answer a base model gives, what the reviewer picked)
GENERIC_ANSWERS: tuple[tuple[str, str, PickChoice], ...] = (
    (
        "forgotten-401k",
        "You should roll over your old 401(k) into an IRA. Contact your former employer's plan administrator "
        "and request a direct rollover. Make sure to avoid a cash distribution to prevent taxes and penalties.",
        "second",
    ),
    (
        "laid-off",
        "Being laid off is common. Apply for unemployment benefits, update your resume, and reduce expenses. "
        "Consider your health insurance options such as COBRA.",
        "first",
    ),
    (
        "roth-conversion",
        "Roth conversions can be beneficial in low-income years. Consult a tax professional to determine "
        "the right amount for your situation.",
        "tie",
    ),
)


def demo_model_id(db: Database) -> str | None:
    """The demo's trained model, if the demo has one."""
    for job in db.training_jobs.list(where={"is_demo": True}):
        model = db.trained_models.find_by(training_job_id=job.id)
        if model is not None:
            return model.id
    return None


def record_picks(db: Database, by_file: dict[str, str], chats: dict[str, list[dict[str, str]]]) -> int:
    """Add the demo picks (once). ``by_file``: demo file name -> conversation id; ``chats``: each demo
    conversation's messages by conversation id."""
    if db.preference_picks.find_by(reviewer=DEMO_REVIEWER) is not None:
        return 0
    model_id = demo_model_id(db)
    added = 0
    for word, generic, choice in GENERIC_ANSWERS:
        conversation_id = next((cid for name, cid in by_file.items() if word in name), None)
        chat = chats.get(conversation_id, []) if conversation_id else []
        first_user = next((i for i, m in enumerate(chat) if m["role"] == "user"), None)
        if conversation_id is None or first_user is None or first_user + 1 >= len(chat):
            continue
        expert = chat[first_user + 1]["content"]
        # the expert's answer is shown first when the reviewer picked "first", second otherwise (a tie: first)
        tuned_first = choice != "second"
        first, second = (expert, generic) if tuned_first else (generic, expert)
        db.preference_picks.add(
            PreferencePick(
                model_id=model_id,
                conversation_id=conversation_id,
                turn_number=1,
                prompt=chat[: first_user + 1],
                first_answer=first,
                second_answer=second,
                first_source="tuned" if tuned_first else "base",
                second_source="base" if tuned_first else "tuned",
                pick=choice,
                reviewer=DEMO_REVIEWER,
            )
        )
        added += 1
    return added
