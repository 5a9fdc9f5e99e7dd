"""Pure rules of outreach: which events move a village forward in the rollout."""

from __future__ import annotations

from lindung.outreach.models import OutreachEvent

# A village is *reached* when workers there were told about the programme or enrolled on the
# spot; a monitoring meeting (rapat monev) reports on villages without reaching them.
REACHING_KINDS = (OutreachEvent.Kind.SOSIALISASI, OutreachEvent.Kind.MASS_REGISTRATION)

# Events are recorded for a village, or for a kecamatan when the meeting gathered several
# villages. Only a village's own events move it: a kecamatan meeting does not tell which of
# its villages attended, and the gap list must not hide a village nobody visited.
EVENT_LEVELS = (3, 4)
