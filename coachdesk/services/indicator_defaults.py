"""The indicators a new practice starts with (talent-retention indicators an executive
coach records over time): key, name, scale, the description that anchors the scale's ends
and middle, and which are sensitive (never preselected for a sponsor's report)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultIndicator:
    key: str
    name: str
    scale_min: int
    scale_max: int
    description: str
    higher_is_better: bool = True
    #: never preselected for a sponsor's report (the coach may still choose it)
    sensitive: bool = False


DEFAULT_INDICATORS = [
    DefaultIndicator(
        "engagement", "Engagement at work", 1, 10,
        "How much energy, focus and enthusiasm the client brings to their work right now. "
        "1 = going through the motions, drained or detached; 5 = steady but without spark; "
        "10 = absorbed, energised, looking for more to take on."),
    DefaultIndicator(
        "commitment", "Commitment to the organization", 1, 10,
        "How attached the client feels to the organization itself (its purpose, its people, "
        "what it stands for), not only to the job. 1 = no loyalty, would leave without regret; "
        "5 = neutral, it is a decent employer; 10 = identifies with it and speaks of it as “we”."),
    DefaultIndicator(
        "intent_to_stay", "Intent to stay", 1, 10,
        "How likely the client is to still be with the organization in 12 months, in their own "
        "words or as you judge it. 1 = leaving or actively looking; 5 = open to offers, "
        "undecided; 10 = clearly plans to stay and grow here.", sensitive=True),
    DefaultIndicator(
        "trust_in_leadership", "Trust in manager and leadership", 1, 10,
        "How far the client trusts their manager and the senior leadership to be honest, fair "
        "and competent, with the client's interests in mind. 1 = open distrust; 5 = wary, takes "
        "what they say with caution; 10 = full confidence, raises difficult things openly."),
    DefaultIndicator(
        "development_path", "Sees a future here", 1, 10,
        "Whether the client sees a development path in this organization: a next step, growth, "
        "a reason to build a career here. 1 = sees no future here; 5 = vague, nothing concrete; "
        "10 = a clear, believable path that they want."),
    DefaultIndicator(
        "wellbeing", "Wellbeing and resilience", 1, 10,
        "How well the client is coping: energy, sleep, stress, and how quickly they recover "
        "from setbacks. 1 = exhausted or close to burnout; 5 = managing, with strain showing; "
        "10 = well, with energy in reserve.", sensitive=True),
    DefaultIndicator(
        "relationship_quality", "Quality of key relationships", 1, 10,
        "How well the client's most important working relationships (manager, peers, team, "
        "sponsor) are going. 1 = several key relationships are damaged; 5 = workable, some "
        "friction; 10 = strong, trusted relationships that carry their goals."),
    DefaultIndicator(
        "confidence_in_role", "Confidence in role", 1, 10,
        "How confident and credible the client feels in their current role, and how others "
        "seem to see them in it. 1 = out of their depth; 5 = competent but unsure at times; "
        "10 = fully owns the role and its authority."),
    DefaultIndicator(
        "readiness_next_role", "Readiness for the next role", 1, 5,
        "How ready the client is for the next step up (the role the organization has in mind, "
        "or the one they want). 1 = several years away; 2 = two to three years; 3 = one to two "
        "years; 4 = ready within a year; 5 = ready now."),
]
