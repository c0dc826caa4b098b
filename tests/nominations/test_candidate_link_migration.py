"""Migration 0004 moves each nomination's confirmation token hash into a CandidateLink row
(and back), so links mailed before it keep working."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from nominations.models import CandidateLink, Nomination

from ..factories import NominationFactory

BEFORE = [("nominations", "0003_participant")]
AFTER = [("nominations", "0004_candidate_links")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_token_hashes_move_to_links_and_back_when_migrated():
    confirmed_at = timezone.now()
    confirmed = NominationFactory(status="submitted", candidate_confirmed_at=confirmed_at)
    awaiting = NominationFactory(status="submitted")
    draft = NominationFactory()
    for nomination, token in ((confirmed, "confirmed-token"), (awaiting, "awaiting-token")):
        CandidateLink.objects.create(
            nomination=nomination,
            email="old@library.example",
            token_hash=Nomination.hash_token(f"superseded-{token}"),
            state=CandidateLink.State.SUPERSEDED,
        )
        CandidateLink.objects.create(
            nomination=nomination,
            email=nomination.candidate_email,
            token_hash=Nomination.hash_token(token),
            state="confirmed" if nomination is confirmed else "pending",
        )
    try:
        old_apps = migrate(BEFORE)
        OldNomination = old_apps.get_model("nominations", "Nomination")
        hashes = dict(OldNomination.objects.values_list("pk", "candidate_token_hash"))
        assert hashes == {
            confirmed.pk: Nomination.hash_token("confirmed-token"),
            awaiting.pk: Nomination.hash_token("awaiting-token"),
            draft.pk: "",
        }

        new_apps = migrate(AFTER)
        Link = new_apps.get_model("nominations", "CandidateLink")
        links = {link.nomination_id: link for link in Link.objects.all()}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert set(links) == {confirmed.pk, awaiting.pk}
    assert links[confirmed.pk].token_hash == Nomination.hash_token("confirmed-token")
    assert links[confirmed.pk].state == "confirmed"
    assert links[confirmed.pk].answered_at == confirmed_at
    assert links[confirmed.pk].email == confirmed.candidate_email
    assert links[awaiting.pk].state == "pending"
    assert links[awaiting.pk].contents == ""  # unknown: only a new address asks again
