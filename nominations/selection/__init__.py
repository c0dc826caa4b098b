"""Selection: the facilitator's decisions, the selection assistant's wiring, publishing every
result at once, and promotion from the waitlist.

Decisions are drafts (``Decision.published_at`` empty) until the facilitator publishes them;
every change appends a :class:`~nominations.models.DecisionEvent`, so the audit trail says who
decided what, and when. Publishing marks the cohort's selection published at once and leaves
the telling to the ``nominations.publish_results`` task, which writes each result mail to the
outbox under a key of its own: pressing twice, or running the task twice, never mails twice.

Views, admin actions and tasks all call these; each refusal is a :class:`SelectionRefused`
whose message is in words for the facilitator, and leaves the database as it was.

One module per job: :mod:`.common` (rights, settings, refusals), :mod:`.decisions`,
:mod:`.proposals` (the assistant's wiring), :mod:`.decision_page`, :mod:`.publishing` (with the
waitlist), :mod:`.enrolment` and :mod:`.result_mails`. Callers import from here.
"""

from .common import (
    DEFAULT_WAITLIST_SIZE,
    NOTE_LENGTH,
    TOLD_STATUSES,
    SelectionRefused,
    StipendBudget,
    no_stipend_reason,
    selection_settings,
)
from .decision_page import (
    DecisionRow,
    Tally,
    decision_rows,
    publication_problems,
    tally,
    told_outcomes,
)
from .decisions import clear_decision, decide, pin
from .enrolment import enrol_participant
from .proposals import (
    Applied,
    apply_proposal,
    assistant_candidates,
    assistant_constraints,
    assistant_note,
    pins_of,
    review_scores,
    run_assistant,
)
from .publishing import (
    PromotionPreview,
    PublicationPreview,
    ResultMail,
    promote_from_waitlist,
    promotion_preview,
    publication_preview,
    publish_results,
    publish_selection,
    resume_publication,
)
from .result_mails import cohorts_with_untold_results

__all__ = [
    "DEFAULT_WAITLIST_SIZE",
    "NOTE_LENGTH",
    "TOLD_STATUSES",
    "Applied",
    "DecisionRow",
    "PromotionPreview",
    "PublicationPreview",
    "ResultMail",
    "SelectionRefused",
    "StipendBudget",
    "Tally",
    "apply_proposal",
    "assistant_candidates",
    "assistant_constraints",
    "assistant_note",
    "clear_decision",
    "cohorts_with_untold_results",
    "decide",
    "decision_rows",
    "enrol_participant",
    "no_stipend_reason",
    "pin",
    "pins_of",
    "promote_from_waitlist",
    "promotion_preview",
    "publication_preview",
    "publication_problems",
    "publish_results",
    "publish_selection",
    "resume_publication",
    "review_scores",
    "run_assistant",
    "selection_settings",
    "tally",
    "told_outcomes",
]
