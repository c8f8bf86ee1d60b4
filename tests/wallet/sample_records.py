"""Small credential records for the data-safety tests (store, keys, backups)."""

from __future__ import annotations

from wallet.credential import Credential, Envelope, Format, Summary, content_id


def sample_credential(i: int) -> Credential:
    """A distinct credential for each ``i``, of a size that grows with it."""
    text = '{"credential": %d, "subject": "Chiara", "pad": "%s"}' % (i, "z" * (200 + 37 * i))
    raw = text.encode()
    return Credential(id=content_id(raw), raw=raw, envelope=Envelope.JSON, format=Format.VC2, signed=text,
                      summary=Summary(title=f"Course {i}", issuer_name="Example University"))
