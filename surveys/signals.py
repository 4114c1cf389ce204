"""What the surveys announce to the apps above them (dispatch, reporting), which subscribe in
their hooks.py. A signal only announces; each receiver calls its own service."""

from django.dispatch import Signal

# Sent by the close step of an LU or LBU round, inside its transaction, after the answers have
# been given their report classes and the response counts have been kept as tallies, and before
# the respondents are removed. Receivers delete whatever of theirs still ties a respondent of
# the round to it (messages sent, opt-outs by respondent, ...): if a receiver fails, nothing of
# the step is kept. Arguments: round (surveys.models.Round).
round_closing = Signal()

# Sent by the retention purge, inside its transaction, for the rounds whose respondents lose
# their personal data now (closed at or before `cutoff`, also ÅR rounds, which stay identified
# until then). Receivers delete or clear what of theirs still holds a respondent's contact data
# and return how many rows they changed. Arguments: cutoff (datetime).
personal_data_purging = Signal()

# Sent once the close step has been committed. Receivers start work that reads what the step
# left: the anonymous answers and the tallies (reporting publishes results). Arguments: round_id.
round_closed = Signal()

# Sent once a round's results have been published (or published again) and committed.
# Receivers tell whoever should know (dispatch notifies the administrators). Arguments:
# round_id, version.
results_published = Signal()
