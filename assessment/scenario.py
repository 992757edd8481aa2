"""The assessment half of the qiqihar-2021 scenario (T13, T15). Called by reports.scenarios."""


def extend_qiqihar_2021(tree, stdout):
    """tree: {code: Committee}. Builds knowledge-test rounds and practical-matter tasks for 2021."""
    return None
