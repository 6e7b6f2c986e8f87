"""The demo's blind A/B picks: a demo reviewer preferred the expert's answer (as the demo's tuned model would
give it) to a flatter, generic one (as a base model would) on a few demo conversations' first client turn.

They make the DPO export and the A/B charts show something on a fresh demo. When the demo has its trained
model (marked ``is_demo``), the picks belong to it, with an example scorecard of the same turns (marked as demo
data in its message, judged by nobody, costing nothing); without one they still make preference pairs.
Loading twice adds nothing.
"""

from __future__ import annotations

from core.evaluation.scorecard import mean_scores
from core.evaluation.stats import win_rate
from core.models.base import utcnow
from core.models.evaluation import DIMENSIONS, EvaluationJudgment, EvaluationRun, PickChoice, PreferencePick
from core.models.statuses import Evaluation, Verdict
from core.storage.ports import EvaluationRows

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


def demo_model_id(rows: EvaluationRows) -> str | None:
    """The demo's trained model, if the demo has one."""
    model = rows.demo_model()
    return model.id if model is not None else None


def _scores(value: int) -> dict[str, float]:
    return dict.fromkeys(DIMENSIONS, float(value))


Turn = tuple[list[dict[str, str]], str, str, str, PickChoice]


def _scorecard(rows: EvaluationRows, model_id: str, turns: list[Turn]) -> list[str | None]:
    """A demo scorecard of ``model_id`` over ``turns`` (prompt, conversation id, expert's answer, generic
    answer, the reviewer's pick): the expert's answer wins where the reviewer picked it, ties where they
    tied. Costs nothing."""
    run = rows.runs.add(
        EvaluationRun(
            model_id=model_id,
            judge_model="demo",
            status=Evaluation.COMPLETED,
            conversations=len(turns),
            turns=len(turns),
            message="Demo data: an example scorecard, judged by nobody and costing nothing.",
            finished_at=utcnow(),
        )
    )
    ids: list[str | None] = []
    outcomes: list[str] = []
    for prompt, conversation_id, expert, generic, choice in turns:
        outcome = Verdict.TIE if choice == "tie" else Verdict.TUNED
        outcomes.append(outcome)
        judgment = rows.judgments.add(
            EvaluationJudgment(
                run_id=run.id,
                model_id=model_id,
                content_key=f"demo:{conversation_id}",
                conversation_id=conversation_id,
                turn_number=1,
                prompt=prompt,
                base_answer=generic,
                tuned_answer=expert,
                reference_answer=expert,
                outcome=outcome,
                verdicts=[outcome, outcome],
                base_scores=_scores(3 if outcome == Verdict.TUNED else 4),
                tuned_scores=_scores(5 if outcome == Verdict.TUNED else 4),
                reason="Demo: the expert's answer names the feeling first and gives one concrete step.",
            )
        )
        ids.append(judgment.id)
    rate = win_rate(outcomes.count(Verdict.TUNED), outcomes.count(Verdict.TIE), outcomes.count(Verdict.BASE))
    judged = rows.judgments_of(run.id)
    rows.runs.update(
        run.id,
        wins=rate.wins,
        ties=rate.ties,
        losses=rate.losses,
        win_rate=rate.win_rate,
        ci_low=rate.ci_low,
        ci_high=rate.ci_high,
        scores=mean_scores(judged),
    )
    return ids


def record_picks(rows: EvaluationRows, by_file: dict[str, str], chats: dict[str, list[dict[str, str]]]) -> int:
    """Add the demo picks (once). ``by_file``: demo file name -> conversation id; ``chats``: each demo
    conversation's messages by conversation id."""
    if rows.has_picks_by(DEMO_REVIEWER):
        return 0
    model_id = demo_model_id(rows)
    found: list[Turn] = []
    for word, generic, choice in GENERIC_ANSWERS:
        conversation_id = next((cid for name, cid in by_file.items() if word in name), None)
        chat = chats.get(conversation_id, []) if conversation_id else []
        first_user = next((i for i, m in enumerate(chat) if m["role"] == "user"), None)
        if conversation_id is None or first_user is None or first_user + 1 >= len(chat):
            continue
        found.append((chat[: first_user + 1], conversation_id, chat[first_user + 1]["content"], generic, choice))
    judgment_ids = _scorecard(rows, model_id, found) if model_id else [None] * len(found)
    for (prompt, conversation_id, expert, generic, choice), judgment_id in zip(found, judgment_ids, strict=True):
        # the expert's answer is shown first when the reviewer picked "first", second otherwise (a tie: first)
        tuned_first = choice != "second"
        first, second = (expert, generic) if tuned_first else (generic, expert)
        rows.picks.add(
            PreferencePick(
                model_id=model_id,
                judgment_id=judgment_id,
                conversation_id=conversation_id,
                turn_number=1,
                prompt=prompt,
                first_answer=first,
                second_answer=second,
                first_source="tuned" if tuned_first else "base",
                second_source="base" if tuned_first else "tuned",
                pick=choice,
                reviewer=DEMO_REVIEWER,
            )
        )
    return len(found)
