"""The supervision half of the qiqihar-2021 scenario (T12–T15). Called by reports.scenarios."""


def extend_qiqihar_2021(tree, stdout):
    """tree: {code: Committee}. Builds visits, knowledge tests and practical-matter tasks for 2021."""
    return None
