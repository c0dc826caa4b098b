"""Who asks a cohort's people pages, by the name the tests give them."""

from cohorts.models import Role

from ..factories import CohortFactory, MembershipFactory, UserFactory


def viewer_for(role_name, cohort):
    if role_name == "anonymous":
        return None
    if role_name == "staff":
        return UserFactory(is_staff=True)
    if role_name == "other_participant":
        user = UserFactory()
        MembershipFactory(user=user, cohort=CohortFactory(), role=Role.PARTICIPANT)
        return user
    user = UserFactory()
    MembershipFactory(user=user, cohort=cohort, role=role_name)
    return user
