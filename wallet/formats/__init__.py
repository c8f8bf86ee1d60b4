"""Credential formats: read any supported file into :class:`~wallet.credential.Credential` records.

One module per concern: :mod:`.detect` (sniffing and bounds), :mod:`.jwt` (compact JWS
decoding), :mod:`.jsonld` (W3C VC 1.1 / 2.0, OB 3.0, Endorsement, CLR 2.0),
:mod:`.ob2` (OB 2.0 assertions), :mod:`.baked` (PNG / SVG badges),
:mod:`.presentation` (what presentations and CLRs carry), :mod:`.summary` (the list
fields) and :mod:`.details` (everything a learner reads in the detail view).
"""

from __future__ import annotations

from wallet.formats.detect import MAX_FILE_BYTES, MAX_JSON_CONTAINERS, MAX_JSON_DEPTH, MAX_TEXT_BYTES
from wallet.formats.reader import document_of, parse, summarise

__all__ = ["MAX_FILE_BYTES", "MAX_JSON_CONTAINERS", "MAX_JSON_DEPTH", "MAX_TEXT_BYTES", "document_of", "parse", "summarise"]
