"""Replies: the draft answer to a client message, the exit kit and the understanding check.

Everything a client reads is assembled here from the phrase banks (``data/replies/<lang>.yaml``)
and the advice library (``data/advice.yaml``), in the client's language and the chosen tone.
"""
